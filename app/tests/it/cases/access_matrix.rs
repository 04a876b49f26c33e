//! Who may see and move a case: every role (and scope) × every case route, as a table.

use ejia::authz::Role;
use serde_json::json;

use crate::helpers::*;

/// Expected answers of one role: see the case, comment on it, dispatch it, find it in /cases.
struct Row {
    who: &'static str,
    see: u16,
    comment: u16,
    dispatch: u16,
    listed: bool,
}

#[tokio::test]
async fn every_role_sees_and_moves_only_the_cases_it_has_a_part_in() {
    let w = World::district().await;
    let (here, there) = (XIANGGANG_ZHONGLU, BADAXIA);
    let roles: Vec<(&str, Vec<(Role, At)>)> = vec![
        ("reporter", vec![]),
        ("other resident", vec![]),
        ("inspector here", vec![(Role::Inspector, At::Street(here))]),
        ("inspector there", vec![(Role::Inspector, At::Street(there))]),
        ("inspector of the community", vec![(Role::Inspector, At::Community(YUNXIAOLU))]),
        ("dispatcher", vec![(Role::Dispatcher, At::District)]),
        ("street dispatcher there", vec![(Role::Dispatcher, At::Street(there))]),
        ("handler", vec![(Role::Handler, At::Department(ENFORCEMENT))]),
        ("other handler", vec![(Role::Handler, At::Department(HEALTH))]),
        ("street admin here", vec![(Role::StreetAdmin, At::Street(here))]),
        ("street admin there", vec![(Role::StreetAdmin, At::Street(there))]),
        ("district admin", vec![(Role::DistrictAdmin, At::District)]),
        ("organiser", vec![(Role::Organizer, At::District)]),
    ];
    let mut apis = std::collections::HashMap::new();
    for (i, (name, grants)) in roles.iter().enumerate() {
        let person = Person::new(format!("1350000{i:04}"), *name);
        let person = grants.iter().fold(person, |p, (role, at)| p.grant(*role, *at));
        apis.insert(*name, w.client(person).await);
    }
    let enforcement = w.department(ENFORCEMENT);
    let file = || w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(&apis["reporter"]);
    // A case with the department (for seeing and commenting), and fresh reported ones (for
    // dispatching: each allowed dispatch uses one up).
    let dispatched = file().await;
    let (status, _) = apis["dispatcher"]
        .post(&format!("/cases/{dispatched}/actions"), json!({"action": "dispatch", "department_id": enforcement.0}))
        .await;
    assert_eq!(status, 200);
    #[rustfmt::skip]
    let table = [
        Row { who: "reporter",                   see: 200, comment: 200, dispatch: 403, listed: true },
        Row { who: "other resident",             see: 404, comment: 404, dispatch: 404, listed: false },
        Row { who: "inspector here",             see: 200, comment: 200, dispatch: 403, listed: true },
        Row { who: "inspector there",            see: 404, comment: 404, dispatch: 404, listed: false },
        Row { who: "inspector of the community", see: 200, comment: 200, dispatch: 403, listed: true },
        Row { who: "dispatcher",                 see: 200, comment: 200, dispatch: 200, listed: true },
        Row { who: "street dispatcher there",    see: 404, comment: 404, dispatch: 404, listed: false },
        Row { who: "handler",                    see: 200, comment: 200, dispatch: 404, listed: true },
        Row { who: "other handler",              see: 404, comment: 404, dispatch: 404, listed: false },
        Row { who: "street admin here",          see: 200, comment: 200, dispatch: 200, listed: true },
        Row { who: "street admin there",         see: 404, comment: 404, dispatch: 404, listed: false },
        Row { who: "district admin",             see: 200, comment: 200, dispatch: 200, listed: true },
        Row { who: "organiser",                  see: 404, comment: 404, dispatch: 404, listed: false },
    ];
    assert_eq!(table.len(), roles.len(), "every role has a row");
    for row in &table {
        let api = &apis[row.who];
        let (see, _) = api.get(&format!("/cases/{dispatched}")).await;
        assert_eq!(see, row.see, "{}: see", row.who);
        let (comment, _) =
            api.post(&format!("/cases/{dispatched}/actions"), json!({"action": "comment", "note": "看过了"})).await;
        assert_eq!(comment, row.comment, "{}: comment", row.who);
        let fresh = file().await;
        let (dispatch, _) = api
            .post(&format!("/cases/{fresh}/actions"), json!({"action": "dispatch", "department_id": enforcement.0}))
            .await;
        assert_eq!(dispatch, row.dispatch, "{}: dispatch", row.who);
        let (_, list) = api.get("/cases?limit=500").await;
        let ids: Vec<i64> = list.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.contains(&dispatched), row.listed, "{}: listed", row.who);
    }
    // Everything refused changed nothing: the timeline holds only the allowed steps.
    let (_, case) = apis["district admin"].get(&format!("/cases/{dispatched}")).await;
    let comments = case["timeline"].as_array().unwrap().iter().filter(|s| s["action"] == "comment").count();
    assert_eq!(comments, table.iter().filter(|r| r.comment == 200).count());
}

//! Who may see and move a case: every role (and scope) × every case route, as a table.

use ejia::authz::{Role, Scope};
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
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let departments = ejia::org::store::list_departments(&mut conn, 0, 100).await.unwrap();
    let dept = |name: &str| departments.iter().find(|d| d.name == name).unwrap().id;
    let streets = ejia::org::store::list_streets(&mut conn, None, 0, 20).await.unwrap();
    let community = ejia::org::store::list_communities(&mut conn, Some(streets[0].id), 0, 1).await.unwrap()[0].id;
    let category =
        ejia::cases::store::categories(&mut conn).await.unwrap().into_iter().find(|c| c.code == "0101").unwrap().id;
    drop(conn);
    let (here, there) = (streets[0].id, streets[1].id);
    let (enforcement, health) = (dept("区综合行政执法局"), dept("区卫健局"));
    let roles: Vec<(&str, Vec<_>)> = vec![
        ("reporter", vec![]),
        ("other resident", vec![]),
        ("inspector here", vec![grant(Role::Inspector, Scope::Street(here))]),
        ("inspector there", vec![grant(Role::Inspector, Scope::Street(there))]),
        ("inspector of the community", vec![grant(Role::Inspector, Scope::Community(community))]),
        ("dispatcher", vec![grant(Role::Dispatcher, Scope::District)]),
        ("street dispatcher there", vec![grant(Role::Dispatcher, Scope::Street(there))]),
        ("handler", vec![grant(Role::Handler, Scope::Department(enforcement))]),
        ("other handler", vec![grant(Role::Handler, Scope::Department(health))]),
        ("street admin here", vec![grant(Role::StreetAdmin, Scope::Street(here))]),
        ("street admin there", vec![grant(Role::StreetAdmin, Scope::Street(there))]),
        ("district admin", vec![grant(Role::DistrictAdmin, Scope::District)]),
        ("organiser", vec![grant(Role::Organizer, Scope::District)]),
    ];
    let mut apis = std::collections::HashMap::new();
    for (i, (name, grants)) in roles.iter().enumerate() {
        let user = app.user(&format!("1350000{i:04}"), name, None, grants).await;
        apis.insert(*name, Api::new(&app, user).await);
    }
    let file = || async {
        let (status, c) = apis["reporter"]
            .post("/cases", json!({"category_id": category, "description": "违建", "community_id": community.0}))
            .await;
        assert_eq!(status, 201);
        c["id"].as_i64().unwrap()
    };
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

//! Who may do what: challenges are run like activities (the organisers of their place and the
//! district); residents join, make custom teams and check in; only their own place's teams.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_street_organiser_runs_their_streets_challenges_and_no_others() {
    let w = world().await;
    let street = w.street(XIANGGANG_ZHONGLU).0;
    let other = w.street(BADAXIA).0;
    let organiser = w
        .client(
            Person::new("13700000009", "街道组织者").grant(ejia::authz::Role::Organizer, At::Street(XIANGGANG_ZHONGLU)),
        )
        .await;
    let (status, _) = organiser.post("/challenges", body(json!({ "street_id": other }))).await;
    assert_eq!(status, 403, "another street's");
    let (status, _) = organiser.post("/challenges", body(json!({}))).await;
    assert_eq!(status, 403, "the district's");
    let (status, _) = w.api(RESIDENT).post("/challenges", body(json!({}))).await;
    assert_eq!(status, 403, "a resident's");
    let (status, mine) = organiser.post("/challenges", body(json!({ "street_id": street }))).await;
    assert_eq!(status, 201, "{mine}");
    let id = mine["id"].as_i64().unwrap();
    // The district's organiser runs it too; the street organiser runs nothing of a district one.
    let district = challenge(&w, json!({})).await;
    let (status, _) = organiser.get(&format!("/challenges/{district}/checkins")).await;
    assert_eq!(status, 403);
    let (status, _) = w.api(ORGANISER).get(&format!("/challenges/{id}/checkins")).await;
    assert_eq!(status, 200);
    // A held check-in of the street's challenge: the other street's organiser may not review it.
    join(w.api(RESIDENT), id, None).await;
    let (_, held) = check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 40 })).await;
    let stranger = w
        .client(Person::new("13700000010", "别街组织者").grant(ejia::authz::Role::Organizer, At::Street(BADAXIA)))
        .await;
    let review = format!("/checkins/{}/review", held["id"]);
    let (status, _) = stranger.post(&review, json!({ "decision": "accept" })).await;
    assert_eq!(status, 403);
    let (status, accepted) = organiser.post(&review, json!({ "decision": "accept" })).await;
    assert_eq!((status, accepted["counted_km"].as_f64()), (200, Some(40.0)));
}

#[tokio::test]
async fn residents_join_their_own_places_teams_and_custom_teams_with_the_code() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let badaxia = team(&w, id, "八大峡街道队", "street", json!({ "street_id": w.street(BADAXIA).0 })).await;
    let me = w.api(RESIDENT);
    let path = format!("/challenges/{id}/participants");
    let (status, problem) = me.post(&path, json!({ "team_id": badaxia["id"] })).await;
    assert_eq!(status, 422, "not my street's team: {problem}");
    // Residents make custom teams, never street ones.
    let teams = format!("/challenges/{id}/teams");
    let (status, _) = me.post(&teams, json!({ "kind": "street", "name": "我的街道队", "street_id": 1 })).await;
    assert_eq!(status, 403);
    let (status, custom) = me.post(&teams, json!({ "kind": "custom", "name": "晨跑小队" })).await;
    assert_eq!(status, 201, "{custom}");
    let code = custom["join_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    let (_, listed) = w.api(OTHER_RESIDENT).get(&teams).await;
    assert!(listed["items"].as_array().unwrap().iter().all(|t| t.get("join_code").is_none()), "codes are not listed");
    let friend = w.api(OTHER_RESIDENT);
    let (status, _) = friend.post(&path, json!({ "team_id": custom["id"], "join_code": "WRONG2" })).await;
    assert_eq!(status, 422);
    let (status, joined) =
        friend.post(&path, json!({ "team_id": custom["id"], "join_code": code.to_lowercase() })).await;
    assert_eq!((status, &joined["team_id"]), (201, &custom["id"]));
    // Joined without a team, then with one: the same participation, now in the team.
    let (status, _) = me.post(&path, json!({})).await;
    assert_eq!(status, 201);
    let (status, now) = me.post(&path, json!({ "team_id": custom["id"], "join_code": code })).await;
    assert_eq!((status, &now["team_id"]), (200, &custom["id"]));
    let yunxiao = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let (status, _) = me.post(&path, json!({ "team_id": yunxiao["id"] })).await;
    assert_eq!(status, 409, "no moving between teams");
}

#[tokio::test]
async fn a_streets_challenge_is_joined_by_its_residents_only() {
    let w = world().await;
    let id = challenge(&w, json!({ "audience": { "kind": "street", "id": w.street(XIANGGANG_ZHONGLU).0 } })).await;
    let path = format!("/challenges/{id}/participants");
    let (status, _) = w.api(RESIDENT).post(&path, json!({})).await;
    assert_eq!(status, 201);
    let (status, problem) = w.api(OTHER_RESIDENT).post(&path, json!({})).await;
    assert_eq!(status, 422, "{problem}");
}

#[tokio::test]
async fn a_new_challenge_is_checked_field_by_field() {
    let w = world().await;
    let (status, problem) = w
        .api(ORGANISER)
        .post(
            "/challenges",
            json!({ "name": "", "route": "silk_road", "scale": 0, "starts_on": "2026-12-31", "ends_on": "2026-12-01",
                    "daily_cap_km": -1, "days_back": 99 }),
        )
        .await;
    assert_eq!(status, 422);
    let mut fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["daily_cap_km", "days_back", "ends_on", "name", "route", "scale"]);
    let (status, c) = w.api(ORGANISER).post("/challenges", body(json!({ "caps": { "swim": 2 } }))).await;
    assert_eq!(status, 201);
    assert_eq!(
        (c["route_length_km"].as_f64(), c["caps"]["swim"].as_f64(), c["steps_per_km"].as_i64()),
        (Some(12500.0), Some(2.0), Some(1400))
    );
    let (status, got) = w
        .app
        .get(&format!("/api/v1/challenges/{}", c["id"]))
        .await
        .json::<serde_json::Value>()
        .await
        .map(|v| (200, v))
        .unwrap();
    assert_eq!((status, got["name"].as_str()), (200, Some("重走长征路")));
}

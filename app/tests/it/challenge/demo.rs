//! The demo's challenge: loaded once, through the rules, with boards that are not empty.

use super::*;

#[tokio::test]
async fn the_demo_challenge_loads_once_with_teams_and_a_week_of_check_ins() {
    let app = crate::demo::demo_app().await;
    let loaded = ejia::seed::challenge::load(&app.state).await.unwrap().expect("a fresh district takes it");
    assert_eq!(ejia::seed::challenge::load(&app.state).await.unwrap(), None, "not twice");
    assert_eq!(loaded.checkins, 9 * 7 + 1);
    let list: serde_json::Value = app.get("/api/v1/challenges").await.json().await.unwrap();
    let c = &list["items"][0];
    assert_eq!((c["demo"].as_bool(), c["name"].as_str()), (Some(true), Some(ejia::seed::challenge::NAME)));
    let board: serde_json::Value =
        app.get(&format!("/api/v1/challenges/{}/board", c["id"])).await.json().await.unwrap();
    let items = board["items"].as_array().unwrap();
    assert_eq!(items.len(), loaded.teams);
    let moving = items.iter().filter(|t| t["km"].as_f64().unwrap() > 0.0).count();
    assert_eq!(moving, 3, "{board}");
    assert_eq!(scalar(&app, "select count(*) from challenge_checkins where status = 'held'").await, 1);
}

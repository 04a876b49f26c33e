//! The Long March challenge (网上重走长征路): the rules of a check-in (caps, plausibility, steps,
//! the day window), replacements, reviews and idempotency with the running totals they move,
//! concurrent check-ins of one person, the team mean and the boards, who may do what, the
//! points check-ins earn (`points`), the organisers' back office (`manage`), and the milestone
//! pages and their quizzes (`quiz`), check-ins imported from GPX tracks and CSV exports
//! (`import`).

mod access;
mod demo;
mod import;
mod manage;
mod map;
mod page;
mod points;
mod quiz;
mod rules;
mod totals;

use serde_json::{Value, json};

use crate::helpers::*;

/// The district's organiser.
pub const ORGANISER: &str = "13700000001";
/// A resident of 云霄路社区 (香港中路街道).
pub const RESIDENT: &str = "13700000002";
/// A resident of 团岛社区 (八大峡街道).
pub const OTHER_RESIDENT: &str = "13700000003";

/// Today in the tests' clock (2026-12-01 09:00 in the district).
pub const TODAY: &str = "2026-12-01";
/// Yesterday.
pub const YESTERDAY: &str = "2026-11-30";

/// A district with an organiser and two residents of different streets.
pub async fn world() -> World {
    World::district()
        .await
        .with([
            Person::new(ORGANISER, "组织者").grant(ejia::authz::Role::Organizer, At::District).api(),
            Person::new(RESIDENT, "居民甲").lives_in(YUNXIAOLU).api(),
            Person::new(OTHER_RESIDENT, "居民乙").lives_in(TUANDAO).api(),
        ])
        .await
}

/// The rules of a district challenge, with `extra` fields over them.
pub fn body(extra: Value) -> Value {
    let mut b = json!({
        "name": "重走长征路", "route": "long_march", "scale": 10, "starts_on": "2026-11-01",
        "ends_on": "2026-12-31", "daily_cap_km": 30
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

/// Creates a challenge as the organiser; its id.
pub async fn challenge(w: &World, extra: Value) -> i64 {
    let (status, c) = w.api(ORGANISER).post("/challenges", body(extra)).await;
    assert_eq!(status, 201, "{c}");
    c["id"].as_i64().unwrap()
}

/// Joins `who` to challenge `id` (with a team or none).
pub async fn join(who: &Api, id: i64, team: Option<i64>) {
    let (status, p) = who.post(&format!("/challenges/{id}/participants"), json!({ "team_id": team })).await;
    assert!(status == 201 || status == 200, "{status} {p}");
}

/// Checks in: the status and the answer.
pub async fn check_in(who: &Api, id: i64, body: Value) -> (u16, Value) {
    who.post(&format!("/challenges/{id}/checkins"), body).await
}

/// `who`'s progress in challenge `id`.
pub async fn progress(who: &Api, id: i64) -> Value {
    let (status, p) = who.get(&format!("/challenges/{id}/progress")).await;
    assert_eq!(status, 200, "{p}");
    p
}

/// The organiser makes a team of `kind` (with `street_id` or `community_id` in `extra`); its id.
pub async fn team(w: &World, id: i64, name: &str, kind: &str, extra: Value) -> Value {
    let mut b = json!({ "name": name, "kind": kind });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    let (status, t) = w.api(ORGANISER).post(&format!("/challenges/{id}/teams"), b).await;
    assert_eq!(status, 201, "{t}");
    t
}

/// A sum over the database, e.g. `select sum(counted_m) from ...` (cast for PostgreSQL).
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *conn).await.unwrap()
}

//! Attending a lecture or screening earns points: the booking engine's attendance awards them in
//! the same transaction, once; a correction to no-show reverses them.

use serde_json::json;

use crate::helpers::*;

async fn mark(w: &World, registration: i64, status: &str) {
    // Sessions have no attendance operation of their own: the engine's serves every reservation.
    let path = format!("/bookings/{registration}/attendance");
    let (code, body) = w.api(ORGANISER).post(&path, json!({"status": status})).await;
    assert_eq!(code, 200, "{body}");
}

#[tokio::test]
async fn attending_a_session_earns_points_once_and_a_no_show_takes_them_back() {
    let (w, session) = World::with_lesson("学习党的二十大精神", 30).await;
    let residents = w.residents(1).await;
    let me = &residents[0];
    let registration = register(me, session).await["id"].as_i64().unwrap();
    let points = || async { me.get("/me/points").await.1 };
    assert_eq!(points().await["total"], 0);

    mark(&w, registration, "attended").await;
    let mine = points().await;
    assert_eq!(mine["total"], 10, "{mine}");
    assert_eq!(mine["items"][0]["source"], "attendance");
    assert_eq!(mine["items"][0]["reference"], format!("attendance:{registration}"));
    assert_eq!(mine["items"][0]["day"], "2026-12-01", "the session's day");
    // Marked again: the same status, nothing more.
    mark(&w, registration, "attended").await;
    assert_eq!(points().await["items"].as_array().unwrap().len(), 1);

    // Corrected to a no-show: taken back; attended after all: given again.
    mark(&w, registration, "no_show").await;
    let mine = points().await;
    assert_eq!(mine["total"], 0);
    assert_eq!(
        (mine["items"][0]["points"].as_i64(), mine["items"][0]["reversed_because"].as_str()),
        (Some(-10), Some("not_attended"))
    );
    mark(&w, registration, "attended").await;
    assert_eq!(points().await["total"], 10);
    assert_eq!(w.app.count("points_entries").await, 3);
}

#[tokio::test]
async fn an_appointment_attended_earns_no_study_points() {
    let (w, service) = World::with_service(false).await;
    let slot = service.slot(5, json!({})).await;
    let residents = w.residents(1).await;
    let (code, booked) = residents[0].book(slot, None).await;
    assert_eq!(code, 201, "{booked}");
    let path = format!("/bookings/{}/attendance", booked["id"]);
    let (code, _) = service.organizer.post(&path, json!({"status": "attended"})).await;
    assert_eq!(code, 200);
    assert_eq!(w.app.count("points_entries").await, 0);
}

#[tokio::test]
async fn a_ticket_checked_in_at_the_desk_twice_earns_points_once() {
    let (w, session) = World::with_lesson("微党课：红色记忆", 10).await;
    let residents = w.residents(1).await;
    let code = register(&residents[0], session).await["code"].as_str().unwrap().to_owned();
    w.app.login(ORGANISER).await;
    for _ in 0..2 {
        assert_eq!(w.app.post("/manage/checkin", &[("code", &code)]).await.status(), 200);
    }
    let (_, mine) = residents[0].get("/me/points").await;
    assert_eq!(mine["total"], 10, "{mine}");
    assert_eq!(w.app.count("points_entries").await, 1);
}

//! Moving a booking to another slot: the old place is kept until the new one is confirmed.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_booking_moves_to_a_free_slot_and_its_seat_goes_to_the_waiting_list() {
    let (w, s) = World::with_service(false).await;
    let early = s.slot(1, json!({})).await;
    let full =
        s.slot(1, json!({"starts_at": "2026-12-02T09:00:00+08:00", "ends_at": "2026-12-02T09:30:00+08:00"})).await;
    let free =
        s.slot(1, json!({"starts_at": "2026-12-02T10:00:00+08:00", "ends_at": "2026-12-02T10:30:00+08:00"})).await;
    let r = w.residents(3).await;

    let (_, mine) = r[0].book(early, None).await;
    assert_eq!(mine["status"], "confirmed");
    let (_, queued) = r[1].book(early, None).await;
    assert_eq!(queued["status"], "waitlisted");
    let (_, other) = r[2].book(full, None).await;
    assert_eq!(other["status"], "confirmed");
    let id = mine["id"].as_i64().unwrap();

    // The target is full: a refusal, and the old booking still stands.
    let (status, body) = r[0].post(&format!("/bookings/{id}/reschedule"), json!({"slot_id": full})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(w.statuses(early).await, ["confirmed", "waitlisted"]);
    assert_eq!(w.statuses(full).await, ["confirmed"]);

    // Somebody else's booking is not there for them.
    let (status, _) = r[1].post(&format!("/bookings/{id}/reschedule"), json!({"slot_id": free})).await;
    assert_eq!(status, 404);

    let (status, moved) = r[0].post(&format!("/bookings/{id}/reschedule"), json!({"slot_id": free})).await;
    assert_eq!(status, 201, "{moved}");
    assert_eq!(moved["slot_id"], free);
    assert_eq!(moved["status"], "confirmed");
    assert_ne!(moved["id"], mine["id"]);
    assert_eq!(w.statuses(early).await, ["cancelled", "confirmed"], "the first in line gets the freed seat");
    assert_eq!(w.statuses(free).await, ["confirmed"]);
    assert_eq!(w.offering(early).await.booked, 1);
    assert_eq!(w.offering(free).await.booked, 1);

    // A cancelled booking cannot be moved again.
    let (status, _) = r[0].post(&format!("/bookings/{id}/reschedule"), json!({"slot_id": early})).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_booking_does_not_move_to_another_service() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let (status, other) =
        s.organizer.post("/services", json!({"name": "流感疫苗接种", "department_id": s.department})).await;
    assert_eq!(status, 201, "{other}");
    let (status, foreign) = s
        .organizer
        .post(
            &format!("/services/{}/slots", other["id"]),
            json!({"venue_id": s.venue, "starts_at": "2026-12-02T10:00:00+08:00",
                "ends_at": "2026-12-02T10:30:00+08:00", "capacity": 5}),
        )
        .await;
    assert_eq!(status, 201, "{foreign}");
    let r = w.residents(1).await;
    let (_, mine) = r[0].book(slot, None).await;
    let (status, body) =
        r[0].post(&format!("/bookings/{}/reschedule", mine["id"]), json!({"slot_id": foreign["id"]})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(w.statuses(slot).await, ["confirmed"]);
    assert_eq!(w.offering(foreign["id"].as_i64().unwrap()).await.booked, 0);
}

#[tokio::test]
async fn a_resident_changes_the_time_from_my_bookings() {
    let (w, s) = World::with_service(false).await;
    let first = s.slot(2, json!({})).await;
    let later =
        s.slot(1, json!({"starts_at": "2026-12-02T10:00:00+08:00", "ends_at": "2026-12-02T10:30:00+08:00"})).await;
    let r = w.residents(2).await;
    let (_, mine) = r[0].book(first, None).await;
    let id = mine["id"].as_i64().unwrap();
    w.app.login("13900000000").await;

    let (_, list) = w.app.page("/me/bookings").await;
    let link = format!("/services/{}?move={id}", s.id);
    assert!(list.contains(&link), "{list}");
    let (status, page) = w.app.page(&format!("{link}&date=2026-12-02")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("action=\"/bookings/{id}/reschedule\"")), "{page}");
    assert!(page.contains("&amp;move="), "the day links keep the booking being moved");

    // Someone takes the later slot first: a clear refusal on the page, nothing moved.
    let (_, taken) = r[1].book(later, None).await;
    assert_eq!(taken["status"], "confirmed");
    let later_s = later.to_string();
    let r1 = w.app.post(&format!("/bookings/{id}/reschedule"), &[("slot_id", &later_s), ("date", "2026-12-02")]).await;
    assert_eq!(r1.status(), 409);
    assert!(r1.text().await.unwrap().contains("名额已满"));
    assert_eq!(w.statuses(first).await, ["confirmed"]);

    let (status, _) = r[1].send(reqwest::Method::DELETE, &format!("/bookings/{}", taken["id"]), None, None).await;
    assert_eq!(status, 200);
    let r2 = w.app.post(&format!("/bookings/{id}/reschedule"), &[("slot_id", &later_s), ("date", "2026-12-02")]).await;
    assert_eq!(r2.status(), 303);
    assert_eq!(r2.headers()["location"], "/me/bookings");
    assert_eq!(w.statuses(first).await, ["cancelled"]);
    assert_eq!(w.statuses(later).await, ["cancelled", "confirmed"]);
    let (_, list) = w.app.page("/me/bookings").await;
    assert!(list.contains("已改约到新的场次"));
}

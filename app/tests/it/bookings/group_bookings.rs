//! Group bookings are many single bookings made together: the organiser must run every
//! offering of the group, and every person on every offering passes the rules a single
//! booking passes — all or nothing.

use serde_json::{Value, json};

use crate::helpers::*;

/// The detail text of a refusal, as the API writes it.
fn says(key: &str) -> &'static str {
    ejia::web::i18n::t(Default::default(), key)
}

/// A person on the organiser's list: with an ID number made from `first17`, or none.
async fn person(api: &Api, name: &str, first17: Option<&str>) -> i64 {
    let mut body = json!({"name": name, "relation": "other"});
    if let Some(id) = first17 {
        body["id_number"] = json!(resident_id(id));
    }
    let (status, p) = api.post("/me/people", body).await;
    assert_eq!(status, 201, "{p}");
    p["id"].as_i64().unwrap()
}

async fn group(s: &Service, slot: i64, people: &[i64], also: &[i64]) -> (u16, Value) {
    s.organizer.post(&format!("/slots/{slot}/group-bookings"), json!({"person_ids": people, "also": also})).await
}

#[tokio::test]
async fn a_group_books_only_offerings_its_organiser_runs() {
    let (w, s) = World::with_service(false).await;
    let own = s.slot(10, json!({})).await;
    // Another department's real-name service, whose slot opens only tomorrow.
    let publicity = w.department(PUBLICITY);
    let other = w.client(Person::new("13700000002", "宣传部组织者").organiser_of(PUBLICITY)).await;
    let (_, service) = other
        .post("/services", json!({"name": "红色展馆预约", "real_name_required": true, "department_id": publicity.0}))
        .await;
    let (status, theirs) = other
        .post(
            &format!("/services/{}/slots", service["id"]),
            json!({"venue_id": s.venue, "capacity": 10, "opens_at": "2026-12-02T08:00:00+08:00",
                "starts_at": "2026-12-03T08:30:00+08:00", "ends_at": "2026-12-03T09:00:00+08:00"}),
        )
        .await;
    assert_eq!(status, 201, "{theirs}");
    let theirs = theirs["id"].as_i64().unwrap();
    let nobody = person(&s.organizer, "无证件者", None).await;
    let (status, body) = group(&s, own, &[nobody], &[theirs]).await;
    assert_eq!(status, 403, "the other department's slot is not this organiser's to book: {body}");
    assert_eq!((w.offering(own).await.booked, w.offering(theirs).await.booked), (0, 0), "nothing was booked");
    assert_eq!(group(&s, theirs, &[nobody], &[]).await.0, 403, "nor as the group's own slot");
    assert_eq!(w.app.count("reservations").await, 0);
}

#[tokio::test]
async fn every_person_on_every_offering_passes_the_single_booking_rules() {
    let (w, s) = World::with_service(true).await;
    let open = s.slot(10, json!({})).await;
    let elderly = person(&s.organizer, "王秀英", Some("37020219500101123")).await;
    let another_elder = person(&s.organizer, "李建国", Some("37020219480303123")).await;
    let child = person(&s.organizer, "小王", Some("37020220150101123")).await;
    let no_id = person(&s.organizer, "无证件者", None).await;
    // Real name: one person without an ID number refuses the whole group.
    let (status, body) = group(&s, open, &[elderly, no_id], &[]).await;
    assert_eq!((status, body["detail"].as_str()), (422, Some(says("booking.real_name_required"))), "{body}");
    assert_eq!(w.offering(open).await.booked, 0, "the first person's booking was rolled back");
    // The window.
    let later = s
        .slot(
            10,
            json!({"opens_at": "2026-12-01T10:00:00+08:00", "starts_at": "2026-12-02T09:00:00+08:00",
            "ends_at": "2026-12-02T09:30:00+08:00"}),
        )
        .await;
    let (status, body) = group(&s, later, &[elderly], &[]).await;
    assert_eq!((status, body["detail"].as_str()), (422, Some(says("booking.not_open_yet"))), "{body}");
    // Age, on an offering named in `also` (the bus of another service): the slot it rides
    // with is not booked either.
    let (_, bus) = s
        .organizer
        .post("/services", json!({"name": "敬老接驳班车", "real_name_required": false, "department_id": s.department}))
        .await;
    let (_, elders_only) = s
        .organizer
        .post(
            &format!("/services/{}/slots", bus["id"]),
            json!({"venue_id": s.venue, "capacity": 10, "min_age": 60,
                "starts_at": "2026-12-02T08:00:00+08:00", "ends_at": "2026-12-02T08:30:00+08:00"}),
        )
        .await;
    let elders_only = elders_only["id"].as_i64().unwrap();
    let (status, body) = group(&s, open, &[child], &[elders_only]).await;
    assert_eq!((status, body["detail"].as_str()), (422, Some(says("booking.age"))), "{body}");
    assert_eq!((w.offering(open).await.booked, w.offering(elders_only).await.booked), (0, 0));
    // Streets: the organiser books as the one whose street counts, as for a family member.
    let street = w.app.street(XIANGGANG_ZHONGLU).await;
    let residents_only = s
        .slot(
            10,
            json!({"streets": [street.0], "starts_at": "2026-12-02T11:00:00+08:00",
            "ends_at": "2026-12-02T11:30:00+08:00"}),
        )
        .await;
    let (status, body) = group(&s, residents_only, &[elderly], &[]).await;
    assert_eq!((status, body["detail"].as_str()), (422, Some(says("booking.street"))), "{body}");
    // The per-user limit.
    let one_each = s
        .slot(
            10,
            json!({"max_per_user": 1, "starts_at": "2026-12-02T12:00:00+08:00",
            "ends_at": "2026-12-02T12:30:00+08:00"}),
        )
        .await;
    let (status, body) = group(&s, one_each, &[elderly, another_elder], &[]).await;
    assert_eq!((status, body["detail"].as_str()), (422, Some(says("booking.max_per_user"))), "{body}");
    assert_eq!(w.app.count("reservations").await, 0, "no refused group left anything behind");
    // A group every rule allows is booked.
    let (status, made) = group(&s, open, &[elderly, another_elder, elderly], &[elders_only]).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made.as_array().unwrap().len(), 4, "two people (one named twice) on two offerings");
    assert_eq!((w.offering(open).await.booked, w.offering(elders_only).await.booked), (2, 2));
}

#[tokio::test]
async fn a_group_spans_a_bounded_number_of_offerings() {
    let (_w, s) = World::with_service(false).await;
    let slot = s.slot(10, json!({})).await;
    let someone = person(&s.organizer, "摊主甲", None).await;
    let also: Vec<i64> = (1..=10).map(|i| slot + i).collect();
    let (status, body) = group(&s, slot, &[someone], &also).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "also");
}

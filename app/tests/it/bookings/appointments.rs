//! Appointments through the API on the booking engine: invariants under concurrency,
//! idempotency, waiting lists, family members, rules, lotteries, groups.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_rush_on_one_slot_never_oversells() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(20, json!({"waitlist": false})).await;
    let residents = w.residents(200).await;
    let tasks: Vec<_> = residents
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let r = r.clone();
            tokio::spawn(async move { r.book(slot, Some(&format!("rush-{i}"))).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let confirmed = answers.iter().filter(|(s, b)| *s == 201 && b["status"] == "confirmed").count();
    let full = answers.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((confirmed, full), (20, 180), "{:?}", answers.iter().map(|a| a.0).collect::<Vec<_>>());
    let o = w.offering(slot).await;
    assert_eq!(o.booked, 20);
    let statuses = w.statuses(slot).await;
    assert_eq!(statuses.len(), 20, "refused bookings leave nothing behind");
    // Every 2xx answer is exactly one stored reservation.
    let mut conn = w.app.state.db.conn().await.unwrap();
    for (status, body) in &answers {
        if *status == 201 {
            let r = ejia::bookings::store::reservation(&mut conn, body["id"].as_i64().unwrap()).await.unwrap().unwrap();
            assert_eq!(r.code, body["code"].as_str().unwrap());
        }
    }
}

#[tokio::test]
async fn a_full_slot_waitlists_and_a_cancellation_promotes_the_first_in_line() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(2, json!({})).await;
    let r = w.residents(4).await;
    let mut ids = Vec::new();
    for (i, who) in r.iter().enumerate() {
        let (status, body) = who.book(slot, None).await;
        assert_eq!(status, 201);
        assert_eq!(body["status"], if i < 2 { "confirmed" } else { "waitlisted" });
        ids.push(body["id"].as_i64().unwrap());
    }
    let (status, body) = r[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", ids[0]), None, None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(w.statuses(slot).await, ["cancelled", "confirmed", "confirmed", "waitlisted"], "third in line promoted");
    assert_eq!(w.offering(slot).await.booked, 2);
    // Cancelling again answers the same; someone else's booking is not found.
    assert_eq!(r[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", ids[0]), None, None).await.0, 200);
    assert_eq!(r[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", ids[1]), None, None).await.0, 404);
    // The promoted person has a notice in their inbox, and the log has every step.
    let mut conn = w.app.state.db.conn().await.unwrap();
    let kinds: Vec<String> = sqlx::query_scalar("select kind from notifications order by notification_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(
        kinds.contains(&"booking.promoted".to_owned()) && kinds.contains(&"booking.cancelled".to_owned()),
        "{kinds:?}"
    );
    let logged: i64 = sqlx::query_scalar("select count(*) from audit_log where object_kind = 'reservation'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(logged, 4 + 2, "four bookings, one cancellation, one promotion");
}

#[tokio::test]
async fn the_same_idempotency_key_books_once_even_when_sent_together() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let who = w.residents(1).await.remove(0);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let who = who.clone();
            tokio::spawn(async move { who.book(slot, Some("my-one-key")).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one reservation, the same answer every time");
    assert_eq!(w.offering(slot).await.booked, 1);
    // Without a key, a second booking of the same person for the service is refused.
    let (status, body) = who.book(slot, None).await;
    assert_eq!(status, 409);
    assert_eq!(body["detail"], "此人已有这项服务的有效预约。");
    let (status, _) = who.book(slot, Some("x".repeat(129).as_str())).await;
    assert_eq!(status, 400, "overlong keys are refused");
}

#[tokio::test]
async fn one_active_booking_per_person_per_service_across_slots() {
    let (w, s) = World::with_service(false).await;
    let (a, b) = (
        s.slot(5, json!({})).await,
        s.slot(5, json!({"starts_at": "2026-12-02T09:00:00+08:00", "ends_at": "2026-12-02T09:30:00+08:00"})).await,
    );
    let who = w.residents(1).await.remove(0);
    let (_, first) = who.book(a, None).await;
    assert_eq!(who.book(b, None).await.0, 409);
    who.send(reqwest::Method::DELETE, &format!("/bookings/{}", first["id"]), None, None).await;
    assert_eq!(who.book(b, None).await.0, 201, "after cancelling, another slot can be booked");
    let (status, mine) = who.get("/me/bookings").await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn booking_for_an_elderly_parent_needs_a_valid_id_for_real_name_services() {
    let (w, s) = World::with_service(true).await;
    let slot = s.slot(5, json!({"min_age": 60})).await;
    let child = w.residents(1).await.remove(0);
    // Real-name service: booking yourself without an ID on file is refused with a reason.
    let (status, body) = child.book(slot, None).await;
    assert_eq!(status, 422);
    assert!(body["detail"].as_str().unwrap().contains("实名"));
    // A wrong ID number is refused next to its field.
    let (status, body) = child
        .post("/me/people", json!({"name": "王秀英", "relation": "parent", "id_number": "370202195001011230"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "id_number");
    let id = resident_id("37020219500101123");
    let (status, parent) =
        child.post("/me/people", json!({"name": "王秀英", "relation": "parent", "id_number": id})).await;
    assert_eq!(status, 201, "{parent}");
    assert_eq!(parent["id_masked"], format!("3702**********{}", &id[14..]));
    assert!(!parent.to_string().contains(&id), "the full number is never shown");
    let (status, booked) = child
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": parent["id"]})), None)
        .await;
    assert_eq!((status, booked["status"].as_str()), (201, Some("confirmed")), "{booked}");
    // The same person booked by another relative's account is still one person.
    let sibling = w.client(Person::new("13911119999", "兄弟")).await;
    let (_, p2) = sibling.post("/me/people", json!({"name": "王秀英", "relation": "parent", "id_number": id})).await;
    let (status, _) = sibling
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": p2["id"]})), None)
        .await;
    assert_eq!(status, 409);
    // Too young for the age rule.
    let (_, kid) = child
        .post("/me/people", json!({"name": "小王", "relation": "child", "id_number": resident_id("37020220150101123")}))
        .await;
    let (status, body) = child
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": kid["id"]})), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"], "年龄不符合这项服务的要求。");
    // Someone else's person cannot be used.
    let (status, _) = sibling
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": parent["id"]})), None)
        .await;
    assert_eq!(status, 404);
    // The ID number is stored encrypted.
    let mut conn = w.app.state.db.conn().await.unwrap();
    let stored: Vec<String> =
        sqlx::query_scalar("select coalesce(id_sealed, '') || coalesce(id_index, '') from people")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert!(stored.iter().all(|x| !x.contains(&id)));
}

#[tokio::test]
async fn windows_deadlines_and_capacity_rules_are_enforced() {
    let (w, s) = World::with_service(false).await;
    let slot =
        s.slot(2, json!({"opens_at": "2026-12-01T10:00:00+08:00", "cancel_until": "2026-12-01T20:00:00+08:00"})).await;
    let r = w.residents(3).await;
    let (status, body) = r[0].book(slot, None).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"], "预约尚未开始。");
    w.app.clock.advance(chrono::Duration::hours(1));
    let (_, a) = r[0].book(slot, None).await;
    r[1].book(slot, None).await;
    let (_, c) = r[2].book(slot, None).await;
    assert_eq!(c["status"], "waitlisted");
    // Capacity cannot go below what is booked; raising it promotes the waiting list.
    let (status, body) =
        s.organizer.send(reqwest::Method::PATCH, &format!("/slots/{slot}"), Some(json!({"capacity": 1})), None).await;
    assert_eq!(status, 409);
    assert_eq!(body["detail"], "名额不能少于已预约的人数。");
    let (status, body) =
        s.organizer.send(reqwest::Method::PATCH, &format!("/slots/{slot}"), Some(json!({"capacity": 3})), None).await;
    assert_eq!((status, body["booked"].as_i64()), (200, Some(3)));
    // Past the cancellation deadline the booker cannot cancel; the organiser still can.
    w.app.clock.advance(chrono::Duration::hours(12));
    let (status, _) = r[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", a["id"]), None, None).await;
    assert_eq!(status, 422);
    let (status, _) = s.organizer.send(reqwest::Method::DELETE, &format!("/bookings/{}", a["id"]), None, None).await;
    assert_eq!(status, 200);
    // Attendance.
    let (status, body) =
        s.organizer.post(&format!("/bookings/{}/attendance", c["id"]), json!({"status": "attended"})).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("attended")));
    let (status, _) = r[2].post(&format!("/bookings/{}/attendance", c["id"]), json!({"status": "attended"})).await;
    assert_eq!(status, 403, "residents do not mark attendance");
}

#[tokio::test]
async fn a_group_with_its_bus_is_booked_all_or_nothing() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(10, json!({})).await;
    // The bus is its own service: seats on it are an offering like any other.
    let (_, shuttle) = s
        .organizer
        .post("/services", json!({"name": "接驳班车", "real_name_required": false, "department_id": s.department}))
        .await;
    let (status, bus) = s
        .organizer
        .post(
            &format!("/services/{}/slots", shuttle["id"]),
            json!({"venue_id": s.venue, "capacity": 3,
            "starts_at": "2026-12-02T08:00:00+08:00", "ends_at": "2026-12-02T08:30:00+08:00"}),
        )
        .await;
    assert_eq!(status, 201);
    let bus = bus["id"].as_i64().unwrap();
    let mut vendors = Vec::new();
    for name in ["摊主甲", "摊主乙", "摊主丙", "摊主丁"] {
        let (_, p) = s.organizer.post("/me/people", json!({"name": name, "relation": "other"})).await;
        vendors.push(p["id"].as_i64().unwrap());
    }
    let (status, _) =
        s.organizer.post(&format!("/slots/{slot}/group-bookings"), json!({"person_ids": vendors, "also": [bus]})).await;
    assert_eq!(status, 409, "four people, three bus seats");
    assert_eq!((w.offering(slot).await.booked, w.offering(bus).await.booked), (0, 0), "nothing was booked");
    let (status, made) = s
        .organizer
        .post(&format!("/slots/{slot}/group-bookings"), json!({"person_ids": &vendors[..3], "also": [bus]}))
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made.as_array().unwrap().len(), 6);
    assert_eq!((w.offering(slot).await.booked, w.offering(bus).await.booked), (3, 3));
    let resident = w.residents(1).await.remove(0);
    assert_eq!(resident.post(&format!("/slots/{slot}/group-bookings"), json!({"person_ids": [1]})).await.0, 403);
}

#[tokio::test]
async fn organisers_make_slots_from_templates_and_others_cannot() {
    let (w, s) = World::with_service(false).await;
    let template = json!({"venue_id": s.venue, "capacity": 20, "template": {"from": "2026-12-07", "to": "2026-12-13",
        "weekdays": [1, 2, 3, 4, 5, 6], "start": "08:30", "end": "11:30", "minutes": 30}});
    let (status, created) = s.organizer.post(&format!("/services/{}/slots", s.id), template.clone()).await;
    assert_eq!(status, 201);
    assert_eq!(created["ids"].as_array().unwrap().len(), 36);
    let (status, day) = s.organizer.get(&format!("/services/{}/slots?date=2026-12-12", s.id)).await;
    assert_eq!(status, 200);
    assert_eq!(day.as_array().unwrap().len(), 6, "Saturday has slots");
    assert_eq!(day[0]["starts_at"], "2026-12-12T08:30:00+08:00");
    assert_eq!((day[0]["capacity"].as_i64(), day[0]["booked"].as_i64()), (Some(20), Some(0)));
    let (_, sunday) = s.organizer.get(&format!("/services/{}/slots?date=2026-12-13", s.id)).await;
    assert!(sunday.as_array().unwrap().is_empty());
    let (status, body) =
        s.organizer.post(&format!("/services/{}/slots", s.id), json!({"venue_id": s.venue, "capacity": -1})).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"].as_array().unwrap().len(), 2, "capacity and the missing time: {body}");
    let resident = w.residents(1).await.remove(0);
    assert_eq!(resident.post(&format!("/services/{}/slots", s.id), template).await.0, 403);
    assert_eq!(resident.post("/services", json!({"name": "x"})).await.0, 403);
    let (status, services) = resident.get("/services").await;
    assert_eq!(status, 200);
    assert_eq!(services["items"][0]["name"], "新冠疫苗接种 第一剂");
}

#[tokio::test]
async fn a_per_user_limit_holds_even_for_simultaneous_requests() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(50, json!({"max_per_user": 2})).await;
    let family = w.residents(1).await.remove(0);
    let mut people = Vec::new();
    for (name, relation) in [("父亲", "parent"), ("母亲", "parent"), ("祖母", "grandparent"), ("配偶", "spouse")]
    {
        let (_, p) = family.post("/me/people", json!({"name": name, "relation": relation})).await;
        people.push(p["id"].as_i64().unwrap());
    }
    let tasks: Vec<_> = people
        .iter()
        .map(|p| {
            let family = family.clone();
            let body = json!({"person_id": p});
            tokio::spawn(async move {
                family.send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(body), None).await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let booked = statuses.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(booked, 2, "{statuses:?}");
    assert!(statuses.iter().filter(|(s, _)| *s == 422).all(|(_, b)| b["detail"] == "您在这个场次的预约数已达上限。"));
}

#[tokio::test]
async fn a_cancelled_offering_takes_no_booking_even_from_a_cached_copy() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let r = w.residents(2).await;
    assert_eq!(r[0].book(slot, None).await.0, 201, "the offering is now remembered by the booking path");
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query("update offerings set status = 'cancelled' where offering_id = $1")
        .bind(slot)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let (status, body) = r[1].book(slot, None).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"], "该场次已取消。");
    assert_eq!(w.statuses(slot).await.len(), 1);
}

#[tokio::test]
async fn a_role_granted_here_reaches_api_requests_at_once() {
    let (w, _service) = World::with_service(false).await;
    let user = w.user(Person::new("13922223333", "新组织者")).await;
    let api = Api::new(&w.app, user).await;
    let (_, me) = api.get("/me").await;
    assert_eq!(me["roles"].as_array().unwrap().len(), 1, "resident only; the token is now remembered");
    w.app.login_district_admin().await;
    let r = w.app.post(&format!("/manage/users/{user}/roles"), &[("role", "organizer"), ("scope", "district:0")]).await;
    assert_eq!(r.status(), 303);
    let (_, me) = api.get("/me").await;
    assert!(me["roles"].as_array().unwrap().iter().any(|g| g["role"] == "organizer"), "{me}");
    assert_eq!(api.post("/services", json!({"name": "新服务"})).await.0, 201);
}

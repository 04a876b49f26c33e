//! Group commit of bookings on PostgreSQL (`book_batch`, bookings/engine/batch.rs and db/batch.rs): a batch answers
//! every request as booking them one by one would, and a rush through the batcher keeps the
//! invariants without falling back to single bookings. SQLite has no batcher (its writer
//! thread batches); there these tests only check that.

use ejia::bookings::engine::batch::{Item, Outcome};
use ejia::bookings::model::Status;
use serde_json::{Value, json};

use crate::helpers::*;

fn item(ord: i64, offering: i64, booker: i64, person_key: &str, key: &str, service_key: &str) -> Value {
    json!({"ord": ord, "offering_id": offering, "booker": booker, "person_id": null, "person_key": person_key,
        "service_key": service_key, "seats": 1, "status": "confirmed", "fallback": "waitlisted",
        "idempotency_key": key, "code": format!("CODE{ord}{key}"), "now": 1_800_000_000})
}

async fn call(w: &World, items: Vec<Value>) -> Vec<(i64, String, Option<i64>, Option<String>)> {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_as("select out_ord, out_outcome, out_id, out_status from book_batch($1::json) order by out_ord")
        .bind(Value::Array(items).to_string())
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

async fn users(w: &World, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(w.user(Person::new(format!("1381000{i:04}"), format!("居民{i}"))).await.0);
    }
    ids
}

#[tokio::test]
async fn a_batch_answers_each_request_as_one_by_one_would() {
    let (w, s) = World::with_service(false).await;
    if w.app.state.booking_batch.is_none() {
        assert_eq!(w.app.state.db.backend(), ejia::db::Backend::Sqlite, "PostgreSQL always batches");
        return;
    }
    let a = s.slot(2, json!({})).await;
    let b = s
        .slot(
            1,
            json!({"waitlist": false, "starts_at": "2026-12-02T10:00:00+08:00",
        "ends_at": "2026-12-02T10:30:00+08:00"}),
        )
        .await;
    let c = s.slot(5, json!({"starts_at": "2026-12-03T10:00:00+08:00", "ends_at": "2026-12-03T10:30:00+08:00"})).await;
    {
        let mut conn = w.app.state.db.conn().await.unwrap();
        sqlx::query("update offerings set status = 'cancelled' where offering_id = $1")
            .bind(c)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let key = w.offering(a).await.service_key;
    let u = users(&w, 7).await;
    let mut b_item = item(4, b, u[4], "u:b4", "k4", &key);
    b_item["fallback"] = Value::Null;
    let mut b_full = item(5, b, u[5], "u:b5", "k5", &key);
    b_full["fallback"] = Value::Null;
    let answers = call(
        &w,
        vec![
            item(1, a, u[0], "u:0", "k1", &key),
            item(2, a, u[1], "u:1", "k2", &key),
            item(3, a, u[2], "u:2", "k3", &key),
            b_item,
            b_full,
            item(6, c, u[3], "u:3", "k6", &key),
            // The same key twice, and the same person twice, in one batch: the later ones are
            // left to the caller, who books them alone after this batch committed.
            item(7, a, u[0], "u:0", "k1", &key),
            item(8, a, u[6], "u:1", "k8", &key),
        ],
    )
    .await;
    let outcomes: Vec<(&str, Option<&str>)> = answers.iter().map(|(_, o, _, st)| (o.as_str(), st.as_deref())).collect();
    assert_eq!(
        outcomes,
        [
            ("booked", Some("confirmed")),
            ("booked", Some("confirmed")),
            ("booked", Some("waitlisted")),
            ("booked", Some("confirmed")),
            ("full", None),
            ("closed", None),
            ("retry", None),
            ("retry", None),
        ]
    );
    assert_eq!((w.offering(a).await.booked, w.offering(b).await.booked), (2, 1), "seats counted set-based");
    assert_eq!(w.statuses(a).await, ["confirmed", "confirmed", "waitlisted"]);
    // The bookkeeping the trigger does for single bookings: audit log and inbox.
    let mut conn = w.app.state.db.conn().await.unwrap();
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'reservation.create'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let kinds: Vec<String> = sqlx::query_scalar("select kind from notifications order by notification_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audited, 4);
    assert_eq!(kinds.iter().filter(|k| k.ends_with(".confirmed")).count(), 3);
    assert_eq!(kinds.iter().filter(|k| k.ends_with(".waitlisted")).count(), 1);
    drop(conn);
    // Next batch: a repeated key answers with the first reservation, a second booking of the
    // same person is refused.
    let first_id = answers[0].2;
    let again = call(&w, vec![item(1, a, u[0], "u:0", "k1", &key), item(2, a, u[1], "u:1", "other", &key)]).await;
    assert_eq!((again[0].1.as_str(), again[0].2), ("repeated", first_id));
    assert_eq!(again[1].1, "already");
    assert_eq!(w.offering(a).await.booked, 2);
}

#[tokio::test]
async fn a_rush_through_the_batcher_never_oversells_and_never_falls_back() {
    let (w, s) = World::with_service(false).await;
    let Some(batcher) = w.app.state.booking_batch.clone() else {
        assert_eq!(w.app.state.db.backend(), ejia::db::Backend::Sqlite, "PostgreSQL always batches");
        return;
    };
    let slot = s.slot(10, json!({"waitlist": false})).await;
    let key = w.offering(slot).await.service_key;
    let u = users(&w, 60).await;
    let tasks: Vec<_> = u
        .iter()
        .enumerate()
        .map(|(i, booker)| {
            let batcher = batcher.clone();
            let item = Item {
                ord: 0,
                offering_id: slot,
                booker: *booker,
                person_id: None,
                person_key: format!("u:{booker}"),
                service_key: key.clone(),
                seats: 1,
                status: Status::Confirmed.as_str(),
                fallback: None,
                idempotency_key: Some(format!("rush-{i}")),
                code: format!("RUSH{i:04}"),
                now: 1_800_000_000,
            };
            tokio::spawn(async move { batcher.submit(item).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap().expect("every request answered by a batch"));
    }
    let booked = outcomes.iter().filter(|o| matches!(o, Outcome::Booked(_, Status::Confirmed))).count();
    let full = outcomes.iter().filter(|o| **o == Outcome::Full).count();
    assert_eq!((booked, full), (10, 50));
    assert_eq!(w.offering(slot).await.booked, 10);
    assert_eq!(w.statuses(slot).await.len(), 10, "refusals leave nothing behind");
}

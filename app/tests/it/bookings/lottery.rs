//! Lotteries commit to their seed before anyone enters: the server draws it when the lottery
//! is created, publishes its SHA-256, keeps it sealed and unchangeable, and reveals it at the
//! draw, so anyone can check the commitment and recompute the order. Nobody chooses it.

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::*;

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The slots of the test service on 2026-12-02, as anyone (no token) reads them.
async fn public_slots(app: &TestApp, service: i64) -> Vec<Value> {
    let r = reqwest::get(app.at(&format!("/api/v1/services/{service}/slots?date=2026-12-02"))).await.unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap().as_array().unwrap().clone()
}

#[tokio::test]
async fn a_lottery_commits_to_its_seed_before_entry_and_reveals_it_at_the_draw() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(3, json!({"mode": "lottery"})).await;
    s.slot(
        3,
        json!({"mode": "lottery", "starts_at": "2026-12-02T09:00:00+08:00", "ends_at": "2026-12-02T09:30:00+08:00"}),
    )
    .await;
    // Before anyone enters, everyone sees the commitment, and not the seed.
    let slots = public_slots(&w.app, s.id).await;
    let commitment = slots[0]["lottery_commitment"].as_str().expect("a commitment from the start").to_owned();
    assert!(commitment.len() == 64 && commitment.bytes().all(|b| b.is_ascii_hexdigit()), "{commitment}");
    assert_eq!(slots[0]["lottery_seed"], Value::Null);
    assert_ne!(slots[1]["lottery_commitment"].as_str(), Some(commitment.as_str()), "each lottery its own seed");
    let (status, page) = w.app.page(&format!("/services/{}?date=2026-12-02", s.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains(&commitment), "the public service page shows it");
    let residents = w.residents(8).await;
    let mut entrants = Vec::new();
    for who in &residents {
        let (status, body) = who.book(slot, None).await;
        assert_eq!((status, body["status"].as_str()), (201, Some("requested")));
        entrants.push(body["id"].as_i64().unwrap());
    }
    // The organiser cannot bring a seed of their own; residents cannot draw.
    let draw = format!("/slots/{slot}/draw");
    let (status, body) = s.organizer.post(&draw, json!({"seed": "2026-12-01 体彩排列五 12345"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("seed")), "{body}");
    assert_eq!(residents[0].send(reqwest::Method::POST, &draw, None, None).await.0, 403);
    assert!(w.statuses(slot).await.iter().all(|st| st == "requested"), "nothing drawn yet");
    // The draw reveals the seed the commitment was made to, and the order follows from it.
    let (status, drawn) = s.organizer.send(reqwest::Method::POST, &draw, None, None).await;
    assert_eq!(status, 200, "{drawn}");
    let seed = drawn["seed"].as_str().unwrap().to_owned();
    assert_eq!(sha256(&seed), commitment);
    assert_eq!(drawn["commitment"], commitment.as_str());
    let mut expected = entrants.clone();
    expected.sort_by_key(|id| sha256(&format!("{seed}:{id}")));
    let order: Vec<i64> = drawn["order"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(order, expected, "anyone can recompute the order from the seed");
    let mut conn = w.app.state.db.conn().await.unwrap();
    for (i, id) in order.iter().enumerate() {
        let r = ejia::bookings::store::reservation(&mut conn, *id).await.unwrap().unwrap();
        assert_eq!(r.status.as_str(), if i < 3 { "confirmed" } else { "waitlisted" });
    }
    drop(conn);
    assert_eq!(s.organizer.send(reqwest::Method::POST, &draw, None, None).await.0, 409, "drawn once");
    // A drawn lottery takes no more entries: they could never be drawn.
    let late = w.client(Person::new("13900009999", "晚到的居民")).await;
    let (status, body) = late.book(slot, None).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(w.statuses(slot).await.len(), 8);
    // Afterwards the seed is public beside the unchanged commitment.
    let slots = public_slots(&w.app, s.id).await;
    assert_eq!(
        (slots[0]["lottery_seed"].as_str(), slots[0]["lottery_commitment"].as_str()),
        (Some(&*seed), Some(&*commitment))
    );
    assert!(w.app.page(&format!("/services/{}?date=2026-12-02", s.id)).await.1.contains(&seed));
}

#[tokio::test]
async fn a_committed_seed_is_stored_sealed_and_nothing_about_it_can_change() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(3, json!({"mode": "lottery"})).await;
    let plain =
        s.slot(3, json!({"starts_at": "2026-12-02T09:00:00+08:00", "ends_at": "2026-12-02T09:30:00+08:00"})).await;
    let refused = |sql: &'static str, id: i64| {
        let pool = w.app.state.db.pool().clone();
        async move { sqlx::query(sql).bind(id).execute(&pool).await.is_err() }
    };
    assert!(refused("update lottery_seeds set seed_sealed = 'x' where offering_id = $1", slot).await);
    assert!(refused("delete from lottery_seeds where offering_id = $1", slot).await);
    assert!(refused("update offerings set lottery_commitment = 'x' where offering_id = $1", slot).await);
    assert!(refused("update offerings set mode = 'lottery' where offering_id = $1", plain).await, "not without a seed");
    w.residents(1).await[0].book(slot, None).await;
    let (_, drawn) = s.organizer.send(reqwest::Method::POST, &format!("/slots/{slot}/draw"), None, None).await;
    let seed = drawn["seed"].as_str().unwrap();
    assert!(refused("update offerings set lottery_seed = 'chosen' where offering_id = $1", slot).await);
    let mut conn = w.app.state.db.conn().await.unwrap();
    let sealed: String = sqlx::query_scalar("select seed_sealed from lottery_seeds where offering_id = $1")
        .bind(slot)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(seed), "sealed with the server's key");
}

#[tokio::test]
async fn lotteries_opened_before_seeds_were_committed_get_one_at_start() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(3, json!({})).await;
    // As such a lottery looked: no commitment, no seed (the guard added with them set aside).
    let drop_guard = match w.app.state.db.backend() {
        ejia::db::Backend::Sqlite => "drop trigger offerings_lottery_fixed",
        ejia::db::Backend::Postgres => "drop trigger offerings_lottery_fixed on offerings",
    };
    let pool = w.app.state.db.pool();
    sqlx::query(drop_guard).execute(pool).await.unwrap();
    sqlx::query("update offerings set mode = 'lottery' where offering_id = $1").bind(slot).execute(pool).await.unwrap();
    assert_eq!(public_slots(&w.app, s.id).await[0]["lottery_commitment"], Value::Null);
    let (status, _) = s.organizer.send(reqwest::Method::POST, &format!("/slots/{slot}/draw"), None, None).await;
    assert_eq!(status, 409, "no fair draw without a commitment");
    let (db, keys, now) = (&w.app.state.db, &w.app.state.keys, w.app.state.clock.unix());
    assert_eq!(ejia::bookings::lottery::commit_uncommitted(db, keys, now).await.unwrap(), 1);
    assert_eq!(ejia::bookings::lottery::commit_uncommitted(db, keys, now).await.unwrap(), 0, "once");
    let commitment = public_slots(&w.app, s.id).await[0]["lottery_commitment"].as_str().unwrap().to_owned();
    w.residents(1).await[0].book(slot, None).await;
    let (status, drawn) = s.organizer.send(reqwest::Method::POST, &format!("/slots/{slot}/draw"), None, None).await;
    assert_eq!(status, 200, "{drawn}");
    assert_eq!(sha256(drawn["seed"].as_str().unwrap()), commitment);
}

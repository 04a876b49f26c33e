//! Notices: the inbox, day-before reminders and text messages through the outbox gateway;
//! registration codes kept sealed in the outbox and dropped once handed over or expired.

use ejia::notify::worker::{OutboxGateway, Report, SmsGateway, Text, run_once};
use serde_json::json;

use crate::helpers::*;

async fn texts(app: &crate::helpers::TestApp) -> Vec<String> {
    let mut conn = app.state.db.conn().await.unwrap();
    let mut all: Vec<_> =
        ejia::notify::recent_sms(&mut conn, 1000).await.unwrap().into_iter().map(|s| s.body).collect();
    all.reverse();
    all
}

#[tokio::test]
async fn confirmations_and_promotions_are_texted_once_and_shown_in_the_inbox() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(1, json!({})).await;
    let r = w.residents(2).await;
    let (_, first) = r[0].book(slot, None).await;
    let (_, second) = r[1].book(slot, None).await;
    assert_eq!(second["status"], "waitlisted");

    let report = run_once(&w.app.state, &OutboxGateway).await.unwrap();
    assert_eq!(report.texted, 1, "a place on the waiting list is not worth a text: {report:?}");
    let sent = texts(&w.app).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("预约成功") && sent[0].contains("新冠疫苗接种 第一剂"), "{}", sent[0]);
    assert!(sent[0].contains(first["code"].as_str().unwrap()), "the text carries the booking code");
    assert!(sent[0].contains("2026-12-02 08:30–09:00"), "{}", sent[0]);

    // Nothing new: nothing sent twice.
    assert_eq!(run_once(&w.app.state, &OutboxGateway).await.unwrap(), Report::default());

    let (status, _) = r[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", first["id"]), None, None).await;
    assert_eq!(status, 200);
    run_once(&w.app.state, &OutboxGateway).await.unwrap();
    let sent = texts(&w.app).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[1].contains("已取消"), "{}", sent[1]);
    assert!(sent[2].contains("候补成功") && sent[2].contains(second["code"].as_str().unwrap()), "{}", sent[2]);

    // The promoted resident's inbox, over the API: newest first, in words.
    let (status, inbox) = r[1].get("/me/notifications").await;
    assert_eq!(status, 200);
    let kinds: Vec<_> = inbox.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["booking.promoted", "booking.waitlisted"]);
    assert!(inbox[0]["text"].as_str().unwrap().contains("候补成功"));
    assert_eq!(inbox[0]["read"], false);
    let (status, _) = r[1].post("/me/notifications/read", json!({})).await;
    assert_eq!(status, 204);
    let (_, inbox) = r[1].get("/me/notifications").await;
    assert!(inbox.as_array().unwrap().iter().all(|e| e["read"] == true));
    // Somebody else's notices are not in it.
    let (_, other) = r[0].get("/me/notifications").await;
    assert!(other.as_array().unwrap().iter().all(|e| e["kind"] != "booking.promoted"));
}

#[tokio::test]
async fn the_reminder_goes_out_at_six_the_evening_before_once() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await; // 2026-12-02 08:30; the clock says 2026-12-01 09:00
    let r = w.residents(3).await;
    let (_, kept) = r[0].book(slot, None).await;
    let (_, dropped) = r[1].book(slot, None).await;
    r[1].send(reqwest::Method::DELETE, &format!("/bookings/{}", dropped["id"]), None, None).await;
    run_once(&w.app.state, &OutboxGateway).await.unwrap();
    let before = texts(&w.app).await.len();

    w.app.clock.advance(chrono::Duration::hours(8) + chrono::Duration::minutes(59)); // 17:59
    assert_eq!(run_once(&w.app.state, &OutboxGateway).await.unwrap().reminded, 0, "not yet");

    w.app.clock.advance(chrono::Duration::minutes(2)); // 18:01
    let report = run_once(&w.app.state, &OutboxGateway).await.unwrap();
    assert_eq!(report.reminded, 1, "only the booking still confirmed: {report:?}");
    let sent = texts(&w.app).await;
    assert_eq!(sent.len(), before + 1);
    assert!(sent[before].contains("提醒") && sent[before].contains(kept["code"].as_str().unwrap()));

    // Booked after the reminder time: the confirmation is fresh, no reminder follows.
    let (_, late) = r[2].book(slot, None).await;
    assert_eq!(late["status"], "confirmed");
    w.app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(run_once(&w.app.state, &OutboxGateway).await.unwrap().reminded, 0);

    let (_, inbox) = r[0].get("/me/notifications").await;
    assert_eq!(inbox[0]["kind"], "booking.reminder");
    assert!(inbox[0]["text"].as_str().unwrap().contains("明天的预约提醒"));
}

#[tokio::test]
async fn jobs_running_side_by_side_send_each_text_once() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(50, json!({})).await;
    let residents = w.residents(40).await;
    for r in &residents {
        r.book(slot, None).await;
    }
    let state = &w.app.state;
    let (a, b, c) =
        tokio::join!(run_once(state, &OutboxGateway), run_once(state, &OutboxGateway), run_once(state, &OutboxGateway));
    let total = a.unwrap().texted + b.unwrap().texted + c.unwrap().texted;
    assert_eq!(total, 40);
    let mut sent = texts(&w.app).await;
    assert_eq!(sent.len(), 40);
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), 40, "every text different: one per booking code");
}

/// A provider that is down.
struct Down;

impl SmsGateway for Down {
    async fn send(&self, _: &ejia::app::AppState, _: &[Text]) -> anyhow::Result<()> {
        anyhow::bail!("provider unreachable")
    }
}

#[tokio::test]
async fn a_failed_gateway_gives_the_texts_back_for_the_next_run() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let r = w.residents(2).await;
    r[0].book(slot, None).await;
    r[1].book(slot, None).await;
    assert!(run_once(&w.app.state, &Down).await.is_err());
    assert!(texts(&w.app).await.is_empty());
    assert_eq!(run_once(&w.app.state, &OutboxGateway).await.unwrap().texted, 2);
}

#[tokio::test]
async fn the_inbox_page_lists_notices_and_marks_them_read() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let r = w.residents(1).await;
    r[0].book(slot, None).await;
    w.app.login("13900000000").await;
    let (status, page) = w.app.page("/me/inbox").await;
    assert_eq!(status, 200);
    assert!(page.contains("预约成功：新冠疫苗接种 第一剂"), "{page}");
    assert!(page.contains("class=\"unread\""));
    let done = w.app.post("/me/inbox/read", &[]).await;
    assert_eq!(done.status(), 303);
    let (_, page) = w.app.page("/me/inbox").await;
    assert!(!page.contains("class=\"unread\""));
    // Without a session the inbox asks for a login.
    let anonymous = w.app.other_browser().get(w.app.at("/me/inbox")).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
}

/// A provider that takes everything and remembers it.
#[derive(Default)]
struct Provider(std::sync::Mutex<Vec<Text>>);

impl SmsGateway for Provider {
    async fn send(&self, _: &ejia::app::AppState, batch: &[Text]) -> anyhow::Result<()> {
        self.0.lock().unwrap().extend_from_slice(batch);
        Ok(())
    }
}

/// Asks for a registration code for `phone`; returns it, read the way `ejia sms outbox` does.
async fn ask_code(app: &crate::helpers::TestApp, phone: &str) -> String {
    assert_eq!(app.post("/register", &[("phone", phone)]).await.status(), 303);
    let code = crate::helpers::latest_code(app).await;
    assert_eq!(code.len(), 6);
    code
}

/// Everything the outbox table holds, as text.
async fn outbox_rows(app: &crate::helpers::TestApp) -> Vec<String> {
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query_scalar(
        "select body || '|' || coalesce(sealed_body, '') || '|' || coalesce(cast(expires_at as text), '') from sms_outbox",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// The newest text in the outbox.
async fn newest(app: &crate::helpers::TestApp) -> ejia::notify::Sms {
    let mut conn = app.state.db.conn().await.unwrap();
    ejia::notify::recent_sms(&mut conn, 1).await.unwrap().remove(0)
}

#[tokio::test]
async fn a_registration_code_is_stored_sealed_and_dropped_once_the_provider_has_it() {
    let app = crate::helpers::TestApp::spawn().await;
    let code = ask_code(&app, "13911113333").await;
    let rows = outbox_rows(&app).await;
    assert!(rows.iter().all(|r| !r.contains(&code)), "no code in clear in the database: {rows:?}");
    assert!(newest(&app).await.body.contains("验证码是 ******"));

    let provider = Provider::default();
    let report = run_once(&app.state, &provider).await.unwrap();
    assert_eq!(report.queued_sent, 1, "{report:?}");
    let given = provider.0.lock().unwrap().clone();
    assert_eq!(given.len(), 1);
    assert!(given[0].body.contains(&code) && given[0].phone_masked == "139****3333", "{:?}", given[0]);
    assert_eq!(app.state.keys.open(&given[0].phone_sealed).unwrap(), "13911113333");
    // Handed over: the outbox no longer holds the code in any form.
    let kept = newest(&app).await;
    assert!(kept.sealed_body.is_none() && kept.sent_at.is_some(), "{kept:?}");
    assert!(!kept.text(&app.state.keys).contains(&code));
    // Sent once.
    assert_eq!(run_once(&app.state, &provider).await.unwrap().queued_sent, 0);
    assert_eq!(provider.0.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_code_the_provider_missed_is_sent_next_run_but_never_once_expired() {
    let app = crate::helpers::TestApp::spawn().await;
    let code = ask_code(&app, "13911113333").await;
    assert!(run_once(&app.state, &Down).await.is_err());
    let waiting = newest(&app).await;
    assert!(waiting.sent_at.is_none() && waiting.sealed_body.is_some(), "given back: {waiting:?}");
    let provider = Provider::default();
    assert_eq!(run_once(&app.state, &provider).await.unwrap().queued_sent, 1);
    assert!(provider.0.lock().unwrap()[0].body.contains(&code));

    // A code still queued when it expires is not sent, and goes.
    ask_code(&app, "13911114444").await;
    assert!(run_once(&app.state, &Down).await.is_err());
    app.clock.advance(chrono::Duration::seconds(ejia::accounts::login::codes::CODE_TTL_SECS));
    let report = run_once(&app.state, &provider).await.unwrap();
    assert_eq!((report.queued_sent, report.codes_dropped), (0, 1), "{report:?}");
    assert_eq!(provider.0.lock().unwrap().len(), 1);
    let stale = newest(&app).await;
    assert!(stale.sealed_body.is_none() && stale.sent_at.is_none(), "{stale:?}");
}

#[tokio::test]
async fn with_the_development_gateway_a_code_stays_readable_until_it_expires() {
    let app = crate::helpers::TestApp::spawn().await;
    let code = ask_code(&app, "13911113333").await;
    // The outbox is where the development gateway's texts are read: nothing is handed over.
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap(), Report::default());
    assert!(newest(&app).await.text(&app.state.keys).contains(&code));
    app.clock.advance(chrono::Duration::seconds(ejia::accounts::login::codes::CODE_TTL_SECS - 1));
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().codes_dropped, 0);
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().codes_dropped, 1);
    let kept = newest(&app).await;
    assert!(kept.sealed_body.is_none() && !kept.text(&app.state.keys).contains(&code));
    assert!(outbox_rows(&app).await.iter().all(|r| !r.contains(&code)));
}

//! A family member's own phone: added with a texted code (single use, refused when wrong,
//! only by the person's owner), after which the reminder of a booking made for them goes to it.

use ejia::notify::worker::{OutboxGateway, run_once};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_parent_with_a_verified_phone_gets_her_own_reminder() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await; // 2026-12-02 08:30; the clock says 2026-12-01 09:00
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士")).await;
    app.login("13911112222").await;
    app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", "")]).await;
    let (_, list) = app.page("/me/people").await;
    let person: i64 =
        list.split("/me/people/").nth(1).unwrap().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
    assert!(list.contains("未登记手机") && list.contains(&format!("href=\"/me/people/{person}/phone\"")));
    let path = format!("/me/people/{person}/phone");
    // A mistyped number: the summary links to it, what was typed stays.
    let r = app.post(&path, &[("phone", "1391234")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#f-phone\">家人的手机号：") && page.contains("value=\"1391234\""));
    // The code goes to her number.
    let r = app.post(&path, &[("phone", "139 1234 0000")]).await;
    assert_eq!(r.status(), 303);
    let code = latest_code(app).await;
    let (_, page) = app.page(&path).await;
    assert!(page.contains("验证码已发到 139****0000"), "{page}");
    // Someone else cannot use the page.
    let other = TestAppBrowser::new(app);
    w.user(Person::new("13911113333", "别人")).await;
    other.login("13911113333", PASSWORD).await;
    assert_eq!(other.get(&path).await.status(), 404);
    // A wrong code is refused; the right one adds the number, once.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let r = app.post(&format!("{path}/verify"), &[("code", wrong)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("验证码不正确"));
    let r = app.post(&format!("{path}/verify"), &[("code", &code)]).await;
    assert_eq!(r.headers()["location"], "/me/people?added=phone");
    let (_, list) = app.page("/me/people?added=phone").await;
    assert!(list.contains("手机号已登记") && list.contains("139****0000"));
    assert_eq!(app.post(&format!("{path}/verify"), &[("code", &code)]).await.status(), 422, "used once");
    // Booked for her: the reminder the evening before goes to her phone, not the booker's.
    let token = "a-form-token-of-the-page-1";
    let r = app.post(&format!("/slots/{slot}/book"), &[("token", token), ("person_id", &person.to_string())]).await;
    assert_eq!(r.status(), 303);
    run_once(&app.state, &OutboxGateway).await.unwrap();
    app.clock.advance(chrono::Duration::hours(9) + chrono::Duration::minutes(1)); // 18:01
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().reminded, 1);
    let mut conn = app.state.db.conn().await.unwrap();
    let sent: Vec<(String, String)> = sqlx::query_as("select phone_masked, body from sms_outbox order by sms_id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let reminder = sent.iter().find(|(_, body)| body.contains("提醒")).expect("a reminder");
    assert_eq!(reminder.0, "139****0000", "{sent:?}");
    let confirmation = sent.iter().find(|(_, body)| body.contains("预约成功")).expect("a confirmation");
    assert_ne!(confirmation.0, "139****0000", "the booker keeps the confirmation");
}

#[tokio::test]
async fn codes_to_one_number_are_throttled() {
    let w = World::district().await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士")).await;
    app.login("13911112222").await;
    app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", "")]).await;
    let (_, list) = app.page("/me/people").await;
    let person: i64 =
        list.split("/me/people/").nth(1).unwrap().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
    let path = format!("/me/people/{person}/phone");
    for _ in 0..5 {
        assert_eq!(app.post(&path, &[("phone", "13912340000")]).await.status(), 303);
    }
    assert_eq!(app.post(&path, &[("phone", "13912340000")]).await.status(), 429, "the number's hourly limit");
    // Only the newest code is live: the earlier ones were replaced.
    let mut conn = app.state.db.conn().await.unwrap();
    let live: i64 = sqlx::query_scalar("select count(*) from person_phone_codes").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(live, 1);
}

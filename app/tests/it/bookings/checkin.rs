//! Check-in: staff by ticket code, residents with the venue's rotating code.

use crate::helpers::*;

const RESIDENT: &str = "13911112222";

/// A district with an organiser of 区委宣传部 ([`ORGANISER`]) and a resident (张大妈,
/// [`RESIDENT`]) registered for a session of theirs at a venue starting an hour after the test
/// clock's start (2026-12-01 09:00 district time); returns (world, session, reservation id, code,
/// venue).
async fn registered() -> (World, i64, i64, String, i64) {
    let (w, session) = World::with_lesson("微党课：红色记忆", 10).await;
    let w = w.with([Person::new(RESIDENT, "张大妈").api()]).await;
    let reg = register(w.api(RESIDENT), session).await;
    let (id, code) = (reg["id"].as_i64().unwrap(), reg["code"].as_str().unwrap().to_owned());
    (w, session, id, code, LESSON_VENUE)
}

#[tokio::test]
async fn staff_check_a_ticket_in_by_its_code_once() {
    let (w, _, id, code, _) = registered().await;
    let app = &w.app;
    // Someone from another department may not check this ticket in.
    w.user(Person::new("13700000002", "卫健局组织者").organiser_of(HEALTH)).await;
    let other = TestAppBrowser::new(app);
    other.login("13700000002", PASSWORD).await;
    let token = csrf_in(&other.page("/manage/checkin").await.1);
    let r = other_post(app, &other, "/manage/checkin", &token, &[("code", &code)]).await;
    assert_eq!(r, 403);
    app.login(ORGANISER).await;
    let (status, page) = app.page("/manage/checkin").await;
    assert_eq!(status, 200);
    assert!(page.contains("/static/checkin.js"), "camera scanning where the browser can");
    let r = app.post("/manage/checkin", &[("code", "NOPE000000")]).await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("找不到这个预约码"));
    // Typed in lower case with a space: still found.
    let typed = format!("{} {}", &code[..5].to_lowercase(), &code[5..]);
    let r = app.post("/manage/checkin", &[("code", &typed)]).await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("签到成功") && body.contains("张大妈") && body.contains("微党课：红色记忆"));
    let r = app.post("/manage/checkin", &[("code", &code)]).await;
    assert!(r.text().await.unwrap().contains("已经签到过了"));
    let mut conn = app.state.db.conn().await.unwrap();
    let r = ejia::bookings::store::reservation(&mut conn, id).await.unwrap().unwrap();
    assert_eq!(r.status.as_str(), "attended");
}

async fn other_post(app: &TestApp, b: &TestAppBrowser<'_>, path: &str, token: &str, fields: &[(&str, &str)]) -> u16 {
    let mut form = vec![("_csrf", token)];
    form.extend_from_slice(fields);
    b.client().post(app.at(path)).form(&form).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn residents_check_in_with_the_venues_rotating_code_at_the_right_time() {
    let (w, _, id, _, venue) = registered().await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let (_, mine) = app.page("/me/bookings").await;
    assert!(!mine.contains("/checkin\""), "not yet: the session starts in an hour");
    let early = ejia::checkin::current_code(&app.state.keys, venue, app.state.clock.unix());
    let r = app.post(&format!("/bookings/{id}/checkin"), &[("code", &early)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("现在不在签到时间内"));
    // Half an hour later (30 minutes before the start) it opens.
    app.clock.advance(chrono::Duration::minutes(31));
    let (_, mine) = app.page("/me/bookings").await;
    assert!(mine.contains(&format!("/bookings/{id}/checkin")));
    let r = app.post(&format!("/bookings/{id}/checkin"), &[("code", "000000")]).await;
    assert_eq!(r.status(), 422);
    // The code on the venue's screen (shown to staff pages).
    let code = ejia::checkin::current_code(&app.state.keys, venue, app.state.clock.unix());
    let r = app.post(&format!("/bookings/{id}/checkin"), &[("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let (_, mine) = app.page("/me/bookings").await;
    assert!(mine.contains("签到成功") && mine.contains("已到场"));
    // The screen page for staff shows the same code.
    let staff = TestAppBrowser::new(app);
    staff.login(ORGANISER, PASSWORD).await;
    let (status, screen) = staff.page(&format!("/manage/venues/{venue}/checkin-code")).await;
    assert_eq!(status, 200);
    assert!(screen.contains(&code) && screen.contains("http-equiv=\"refresh\""));
    // Residents are refused the back office before anything is looked up.
    assert_eq!(app.get(&format!("/manage/venues/{venue}/checkin-code")).await.status(), 403);
}

#[tokio::test]
async fn organisers_export_a_sessions_registrations() {
    let (w, session, _, code, _) = registered().await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let xlsx = app.get(&format!("/manage/sessions/{session}/registrations.xlsx")).await;
    assert_eq!(xlsx.status(), 200);
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[1][3].as_str(), rows[1][6].as_str(), rows[1][7].as_str()), ("张大妈", code.as_str(), "预约成功"));
    let csv = app.get(&format!("/manage/sessions/{session}/registrations.csv")).await.text().await.unwrap();
    assert!(csv.contains(&code));
    let resident = TestAppBrowser::new(app);
    resident.login(RESIDENT, PASSWORD).await;
    assert_eq!(resident.get(&format!("/manage/sessions/{session}/registrations.xlsx")).await.status(), 403);
}

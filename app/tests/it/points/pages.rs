//! The person's points page and API, and the rules' back office: who may read and change them,
//! and the form's errors.

use chrono::NaiveDate;
use ejia::points::{self, Source, Why};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn my_points_over_the_api_are_the_total_and_the_history_newest_first_in_pages() {
    let w = World::district().await;
    let me = w.app.user("13900000101", "居民甲", None, &[]).await;
    let api = Api::new(&w.app, me).await;
    let (code, empty) = api.get("/me/points").await;
    assert_eq!(code, 200);
    assert_eq!(empty, json!({"total": 0, "items": [], "next_cursor": null}));

    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut tx = w.app.state.db.begin().await.unwrap();
    let now = w.app.state.clock.unix();
    points::award(&mut tx, now, me, Source::Quiz, "quiz:1:1", day).await.unwrap();
    points::award(&mut tx, now, me, Source::Checkin, "checkin:7", day).await.unwrap();
    points::reverse(&mut tx, now, Source::Checkin, "checkin:7", Why::Reduced).await.unwrap();
    tx.commit().await.unwrap();

    let (_, mine) = api.get("/me/points").await;
    assert_eq!(mine["total"], 2);
    let items = mine["items"].as_array().unwrap();
    let seen: Vec<(&str, i64)> =
        items.iter().map(|i| (i["source"].as_str().unwrap(), i["points"].as_i64().unwrap())).collect();
    assert_eq!(seen, [("checkin", -5), ("checkin", 5), ("quiz", 2)]);
    assert!(items[0]["at"].as_str().unwrap().starts_with("2026-12-01T09:00:00"), "{}", items[0]);
    // Paged like other lists: two, then the rest.
    let (_, first) = api.get("/me/points?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, rest) = api.get(&format!("/me/points?limit=2&cursor={cursor}")).await;
    assert_eq!(rest["items"][0]["source"], "quiz");
    assert!(rest["next_cursor"].is_null());
    assert_eq!(api.get("/me/points?cursor=forged").await.0, 400);
}

#[tokio::test]
async fn the_points_page_shows_the_total_the_history_and_how_to_earn() {
    let w = World::district().await;
    let me = w.app.user("13900000101", "居民甲", None, &[]).await;
    w.app.login("13900000101").await;
    let (code, page) = w.app.page("/me/points").await;
    assert_eq!(code, 200);
    assert!(page.contains("还没有积分"), "the empty state says how to earn");
    assert!(page.contains("参加讲座、观影等活动"));
    assert!(page.contains("每次 10 分，每天最多 20 分"));

    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut tx = w.app.state.db.begin().await.unwrap();
    points::award(&mut tx, w.app.state.clock.unix(), me, Source::Attendance, "attendance:5", day).await.unwrap();
    tx.commit().await.unwrap();
    let (_, page) = w.app.page("/me/points").await;
    assert!(page.contains("<strong>10</strong>"), "{page}");
    assert!(page.contains(r#"<a href="/me/bookings">参加讲座、观影等活动</a>"#), "a link to what earned it");
    assert!(page.contains("2026-12-01 09:00 周二"), "dates with the weekday");
    let (_, profile) = w.app.page("/me").await;
    assert!(profile.contains(r#"href="/me/points""#));
}

#[tokio::test]
async fn district_admins_change_the_rules_street_admins_read_them() {
    let w = World::district().await.with([Person::new("13900000201", "街道管理员").street_admin_of(BADAXIA)]).await;
    w.app.login("13900000201").await;
    let (code, page) = w.app.page("/manage/points").await;
    assert_eq!(code, 200);
    assert!(page.contains("运动打卡") && !page.contains("/manage/points/checkin"), "read only");
    assert_eq!(w.app.page("/manage/points/checkin").await.0, 403);
    assert_eq!(w.app.post("/manage/points/checkin", &[("points", "9"), ("daily_cap", "9")]).await.status(), 403);

    let admin = TestAppBrowser::new(&w.app);
    w.app
        .user("13900000001", "区管理员", None, &[grant(ejia::authz::Role::DistrictAdmin, ejia::authz::Scope::District)])
        .await;
    admin.login("13900000001", PASSWORD).await;
    let (_, page) = admin.page("/manage/points").await;
    assert!(page.contains(r#"href="/manage/points/checkin""#));
    assert!(page.contains("修改只对以后新得的积分有效"));
    assert_eq!(admin.page("/manage/points/reading").await.0, 404, "no such source");
}

#[tokio::test]
async fn a_bad_rule_is_sent_back_with_the_error_summary_and_what_was_typed() {
    let app = TestApp::spawn().await;
    app.login_district_admin().await;
    let r = app.post("/manage/points/quiz", &[("points", "5"), ("daily_cap", "3")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"id="form-errors""#) && page.contains("每天上限不能小于每次积分"), "{page}");
    assert!(page.contains(r#"value="3""#), "what was typed is kept");
    let r = app.post("/manage/points/quiz", &[("points", "many"), ("daily_cap", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r##"href="#f-points""##));
    assert_eq!(app.count("points_rules").await, 4, "nothing saved");
}

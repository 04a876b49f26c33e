//! The back office's add-sessions form: a blank 重复到 is not an error (the series runs 12
//! weeks, as the hint says), and a real mistake is summarised at the top of the form in plain
//! words, linked to its field, with what was typed kept.

use crate::helpers::*;

const ORGANISER: &str = "13700000008";

#[tokio::test]
async fn a_blank_until_repeats_twelve_weeks_and_mistakes_are_summarised_on_top() {
    let w = World::district().await.with([Person::new(ORGANISER, "宣传部组织者").organiser_of(PUBLICITY)]).await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let r = app.post("/manage/events/new", &[("title", "周六观影"), ("kind", "film"), ("department_id", "1")]).await;
    assert_eq!(r.status(), 303);
    let admin = r.headers()["location"].to_str().unwrap().to_owned();
    let event: i64 = admin.rsplit('/').next().unwrap().parse().unwrap();
    let venue = w.venues(1)[0].to_string();
    let form = |until: &'static str, token: String| {
        vec![
            ("_csrf", token),
            ("first_date", "2026-12-05".to_owned()),
            ("start_time", "19:00".to_owned()),
            ("end_time", "21:00".to_owned()),
            ("repeat", "weekly".to_owned()),
            ("weekday", "SA".to_owned()),
            ("until", until.to_owned()),
            ("venue", venue.clone()),
        ]
    };
    let path = format!("/manage/events/{event}/sessions");
    let r = app.client.post(app.at(&path)).form(&form("", app.csrf().await)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/manage/events/{event}?created=12"));
    let r = app.client.post(app.at(&path)).form(&form("2026-13-01", app.csrf().await)).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"form-errors\""));
    assert!(page.contains("<a href=\"#f-until\">重复到（含这一天）：日期格式应为 2026-12-12"), "{page}");
    assert!(!page.contains("YYYY"), "no format jargon");
    assert!(page.contains("value=\"2026-13-01\" aria-invalid=\"true\""), "what was typed is kept");
}

//! The newsroom's back office over real HTTP: writing with translated errors beside their
//! fields, the steps each party is offered, four eyes held by the service behind the forms,
//! scheduling with a district time, and the tile.

use super::*;

/// POSTs a back-office form as `b`, with the CSRF token its newsroom list gives it.
async fn post(b: &TestAppBrowser<'_>, app: &TestApp, path: &str, fields: Vec<(&str, &str)>) -> reqwest::Response {
    let token = csrf_in(&b.page("/manage/news").await.1);
    let mut all = vec![("_csrf", token.as_str())];
    all.extend(fields);
    b.client().post(app.at(path)).form(&all).send().await.unwrap()
}

#[tokio::test]
async fn an_editor_drafts_and_another_publishes_through_the_forms() {
    let w = newsroom().await;
    let author = TestAppBrowser::new(&w.app);
    author.login(EDITOR, PASSWORD).await;
    let (status, home) = author.page("/manage").await;
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/manage/news\""), "the newsroom's tile");
    let r = post(&author, &w.app, "/manage/news/new", vec![("title", " "), ("body_markdown", "正文")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"f-title-error\""), "the error beside its field");
    assert!(page.contains("标题须为 1 至 120 个字") && page.contains("正文"), "translated, and the text kept");

    let fields = vec![
        ("title", "红色故事会"),
        ("summary", "讲座回顾"),
        ("body_markdown", "**红色**故事会"),
        ("source_line", "区委宣传部"),
        ("street_id", ""),
    ];
    let r = post(&author, &w.app, "/manage/news/new", fields).await;
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = at.trim_start_matches("/manage/news/").parse().unwrap();
    let (_, page) = author.page(&at).await;
    assert!(page.contains("value=\"review\"") && !page.contains("value=\"published\""), "the author sends it");
    assert_eq!(
        post(&author, &w.app, &format!("/manage/news/{id}/transition"), vec![("to", "review")]).await.status(),
        303
    );
    let (_, page) = author.page(&at).await;
    assert!(!page.contains("value=\"published\""), "no publish button for the author");
    let r = post(&author, &w.app, &format!("/manage/news/{id}/transition"), vec![("to", "published")]).await;
    assert_eq!(r.status(), 403, "four eyes, whatever the form says");
    assert_eq!(w.app.page(&format!("/news/{id}")).await.0, 404);

    let reviewer = TestAppBrowser::new(&w.app);
    reviewer.login(OTHER_EDITOR, PASSWORD).await;
    let (_, list) = reviewer.page("/manage/news").await;
    assert!(list.contains("待审核") && list.contains(&format!("/manage/news/{id}")), "in review, in their list");
    let step_url = format!("/manage/news/{id}/transition");
    let r = post(&reviewer, &w.app, &step_url, vec![("to", "published"), ("at", "明天")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-at-error\""), "the time's error beside it");
    let r = post(&reviewer, &w.app, &step_url, vec![("to", "published"), ("at", "2026-12-01T12:00")]).await;
    assert_eq!(r.status(), 303);
    let (_, page) = reviewer.page(&at).await;
    assert!(page.contains("定时发布") && page.contains("2026-12-01 12:00"), "scheduled at district noon");
    assert_eq!(w.app.page(&format!("/news/{id}")).await.0, 404, "not before its time");
    w.app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(ejia::news::jobs::publish_due(&w.app.state).await.unwrap(), 1);
    let (status, public) = w.app.page(&format!("/news/{id}")).await;
    assert_eq!(status, 200);
    assert!(public.contains("2026-12-01 12:00"), "published at its time");

    let r = post(
        &reviewer,
        &w.app,
        &format!("/manage/news/{id}"),
        vec![("title", "红色故事会（更正）"), ("body_markdown", "更正")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(w.app.page(&format!("/news/{id}")).await.1.contains("class=\"updated\""), "a correction from the form");
    let r = post(&author, &w.app, &step_url, vec![("to", "draft")]).await;
    assert_eq!(r.status(), 409, "no such step from published");
}

#[tokio::test]
async fn the_back_office_is_the_newsrooms_only() {
    let w = newsroom().await;
    let id = draft(w.api(EDITOR), serde_json::json!({})).await;
    let resident = TestAppBrowser::new(&w.app);
    resident.login(RESIDENT, PASSWORD).await;
    assert_eq!(resident.page("/manage/news").await.0, 403);
    let other_street = TestAppBrowser::new(&w.app);
    other_street.login(OTHER_STREET_ADMIN, PASSWORD).await;
    let (status, list) = other_street.page("/manage/news").await;
    assert_eq!(status, 200);
    assert!(!list.contains(&format!("/manage/news/{id}")), "a district article is not a street admin's");
    assert_eq!(other_street.page(&format!("/manage/news/{id}")).await.0, 404);
}

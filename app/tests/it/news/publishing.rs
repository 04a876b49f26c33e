//! Scheduled publishing (one clock, two instances), sanitising end to end, corrections.

use std::sync::Arc;

use ejia::app::AppState;
use ejia::config::Config;
use serde_json::json;

use super::*;

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql).bind(id).fetch_one(app.state.db.pool()).await.unwrap()
}

#[tokio::test]
async fn a_scheduled_article_is_hidden_until_its_time_then_published_once_by_two_instances() {
    let w = newsroom().await;
    let id = draft(w.api(EDITOR), json!({})).await;
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    let (status, _) = step(w.api(OTHER_EDITOR), id, json!({"to": "published", "at": "tomorrow"})).await;
    assert_eq!(status, 422, "not a time");
    let at = "2026-12-01T12:00:00+08:00"; // the test clock stands at 09:00 district time
    let (status, scheduled) = step(w.api(OTHER_EDITOR), id, json!({"to": "published", "at": at})).await;
    assert_eq!((status, scheduled["state"].as_str()), (200, Some("scheduled")), "{scheduled}");
    assert_eq!(scheduled["scheduled_at"], at);
    assert_eq!(public(&w.app, &format!("/articles/{id}")).await.0, 404, "not before its time");
    assert_eq!(ejia::news::jobs::publish_due(&w.app.state).await.unwrap(), 0);

    // A second instance on the same database, with the same clock.
    let mut config = Config::defaults(w.app.dir.path().to_path_buf());
    config.database_url = Some(w.app.database_url.clone().into());
    config.db_max_connections = 4;
    let second = AppState::open(config, w.app.clock.clone() as Arc<dyn ejia::clock::Clock>).await.unwrap();
    w.app.clock.advance(chrono::Duration::hours(4));
    let (a, b) = tokio::join!(ejia::news::jobs::publish_due(&w.app.state), ejia::news::jobs::publish_due(&second));
    assert_eq!(a.unwrap() + b.unwrap(), 1, "published once");
    let (status, read) = public(&w.app, &format!("/articles/{id}")).await;
    assert_eq!((status, read["state"].as_str()), (200, Some("published")));
    assert_eq!(read["published_at"], at, "at the time it was scheduled for");
    let published = "select count(*) from audit_log where action = 'article.publish' and object_id = $1";
    assert_eq!(count(&w.app, published, id).await, 1, "one audit entry");
    ejia::news::reads::flush(&w.app.state).await.unwrap();
    let reads = "select reads from news_reads where article_id = $1";
    assert_eq!(count(&w.app, reads, id).await, 1, "read once, counted by day only");
}

#[tokio::test]
async fn script_and_event_attributes_in_markdown_never_reach_the_html() {
    let w = newsroom().await;
    let body = "# 标题\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1))\n\n<svg onload=alert(1)></svg>";
    let id = draft(w.api(EDITOR), json!({"body_markdown": body})).await;
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    let (_, published) = step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await;
    let html = published["html"].as_str().unwrap().to_lowercase();
    for bad in ["<script", "onerror", "javascript:", "<svg", "onload"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<h1>标题</h1>"), "{html}");
    let (_, corrected) = w
        .api(EDITOR)
        .send(
            reqwest::Method::PATCH,
            &format!("/articles/{id}"),
            Some(json!({"body_markdown": "<a href=\"javascript:x\" onclick=\"x\">y</a>"})),
            None,
        )
        .await;
    let html = corrected["html"].as_str().unwrap();
    assert!(!html.contains("javascript:") && !html.contains("onclick"), "{html}");
}

#[tokio::test]
async fn a_correction_after_publishing_keeps_the_text_before_and_shows_when_it_was_updated() {
    let w = newsroom().await;
    let id = draft(w.api(EDITOR), json!({})).await;
    let patch = |who: &'static str, body: Value| {
        let api = w.api(who).clone();
        async move { api.send(reqwest::Method::PATCH, &format!("/articles/{id}"), Some(body), None).await }
    };
    let (status, edited) = patch(EDITOR, json!({"title": "改过的标题"})).await;
    assert_eq!((status, edited["title"].as_str()), (200, Some("改过的标题")));
    assert!(edited["corrected_at"].is_null(), "a draft's changes are no correction");
    assert_eq!(patch(RESIDENT, json!({"title": "x"})).await.0, 403);
    assert_eq!(patch(EDITOR, json!({"title": ""})).await.0, 422);
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await;
    let revisions = "select count(*) from news_article_revisions where article_id = $1";
    assert_eq!(count(&w.app, revisions, id).await, 0);

    w.app.clock.advance(chrono::Duration::hours(1));
    let (status, corrected) = patch(OTHER_EDITOR, json!({"body_markdown": "更正：故事会在**云霄路**举行。"})).await;
    assert_eq!((status, corrected["state"].as_str()), (200, Some("published")), "{corrected}");
    assert_eq!(corrected["corrected_at"], "2026-12-01T10:00:00+08:00", "the visible 'updated' time");
    assert!(corrected["html"].as_str().unwrap().contains("<strong>云霄路</strong>"));
    assert_eq!(count(&w.app, revisions, id).await, 1, "the text before is kept");
    let before: String = sqlx::query_scalar("select body_markdown from news_article_revisions where article_id = $1")
        .bind(id)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(before, "**红色**故事会在八大峡举行。");
    let corrections = "select count(*) from audit_log where action = 'article.correct' and object_id = $1";
    assert_eq!(count(&w.app, corrections, id).await, 1);
}

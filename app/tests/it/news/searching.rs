//! Articles in search: only a published article is found, and publishing, correcting, withdrawing
//! and the scheduled-publishing job change what search finds in their own step.

use serde_json::{Value, json};

use super::*;

/// The articles search finds for `q`: their ids.
async fn found(w: &World, q: &str) -> Vec<i64> {
    let q = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let (status, body) = public(&w.app, &format!("/search?q={q}&kind=article")).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().iter().filter_map(|i: &Value| i["id"].as_i64()).collect()
}

#[tokio::test]
async fn an_article_is_found_once_published_changes_when_corrected_and_leaves_when_withdrawn() {
    let w = newsroom().await;
    let id = draft(w.api(EDITOR), json!({})).await;
    assert!(found(&w, "党史").await.is_empty(), "a draft is not searchable");
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    assert!(found(&w, "党史").await.is_empty(), "nor one in review");
    let (status, _) = step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await;
    assert_eq!(status, 200);
    assert_eq!(found(&w, "党史").await, [id], "a two-character word of the title");
    assert_eq!(found(&w, "八大峡").await, [id], "a street named in the text");
    assert!(found(&w, "长征").await.is_empty());

    let body = json!({"body_markdown": "重走**长征**路，从八大峡出发。"});
    let (status, _) = w.api(EDITOR).send(reqwest::Method::PATCH, &format!("/articles/{id}"), Some(body), None).await;
    assert_eq!(status, 200);
    assert_eq!(found(&w, "长征").await, [id], "the correction is searchable at once");

    step(w.api(EDITOR), id, json!({"to": "withdrawn"})).await;
    assert!(found(&w, "党史").await.is_empty(), "withdrawn: gone from search in the same step");
}

#[tokio::test]
async fn a_scheduled_article_enters_search_when_the_job_publishes_it() {
    let w = newsroom().await;
    let id = draft(w.api(EDITOR), json!({})).await;
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    let (status, scheduled) =
        step(w.api(OTHER_EDITOR), id, json!({"to": "published", "at": "2026-12-01T12:00:00+08:00"})).await;
    assert_eq!((status, scheduled["state"].as_str()), (200, Some("scheduled")), "{scheduled}");
    assert!(found(&w, "党史").await.is_empty(), "not before its time");
    w.app.clock.advance(chrono::Duration::days(1));
    assert_eq!(ejia::news::jobs::publish_due(&w.app.state).await.unwrap(), 1);
    assert_eq!(found(&w, "党史").await, [id]);
}

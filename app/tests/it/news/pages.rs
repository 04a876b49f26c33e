//! The site's news pages over real HTTP: the list and its filters, an article with its source,
//! dates, topics and streets, a topic's page, 404 for what is not public, the "updated" line —
//! at once, though the list and the article are kept in memory.

use serde_json::json;

use super::*;

#[tokio::test]
async fn the_list_and_an_article_show_published_news_only() {
    let w = newsroom().await;
    let t = topic(&w, "学百年党史 聚市南力量").await;
    let badaxia = w.street(BADAXIA);
    let extra = json!({"title": "红色故事会", "source_line": "区委宣传部", "topic_ids": [t], "street_ids": [badaxia],
        "body_markdown": "**红色**故事会，详见[活动页](https://example.org/a)。"});
    let id = published(&w, extra).await;
    let draft_id = draft(w.api(EDITOR), json!({"title": "还在写的稿子"})).await;
    let scheduled = draft(w.api(EDITOR), json!({"title": "明天的稿子"})).await;
    step(w.api(EDITOR), scheduled, json!({"to": "review"})).await;
    let at = "2026-12-02T09:00:00+08:00";
    assert_eq!(step(w.api(OTHER_EDITOR), scheduled, json!({"to": "published", "at": at})).await.0, 200);

    let (status, list) = w.app.page("/news").await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!("href=\"/news/{id}\"")) && list.contains("红色故事会"), "{list}");
    assert!(!list.contains("还在写的稿子") && !list.contains("明天的稿子"), "only published in the list");
    assert!(list.contains("href=\"/news/feed.atom\""), "the feed is linked");

    let (status, page) = w.app.page(&format!("/news/{id}")).await;
    assert_eq!(status, 200);
    for part in
        ["红色故事会</h1>", "区委宣传部", "2026-12-01 09:00 周二", "<strong>红色</strong>", "https://example.org/a"]
    {
        assert!(page.contains(part), "{part} missing from the article");
    }
    assert!(
        page.contains(&format!("href=\"/topics/{t}\"")) && page.contains(&format!("href=\"/news?street={badaxia}\""))
    );
    assert!(!page.contains("class=\"updated\""), "no correction yet");
    assert_eq!(ejia::news::reads::flush(&w.app.state).await.unwrap(), 1, "counted in memory, written by the job");
    let reads: i64 = sqlx::query_scalar("select reads from news_reads where article_id = $1")
        .bind(id)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(reads, 1, "a read counted for the day");

    for hidden in [draft_id, scheduled, id + 99] {
        assert_eq!(w.app.page(&format!("/news/{hidden}")).await.0, 404, "article {hidden} is not public");
    }
    assert_eq!(w.app.page("/news/abc").await.0, 404);

    let (_, by_street) = w.app.page(&format!("/news?street={}", w.street(XIANGGANG_ZHONGLU))).await;
    assert!(!by_street.contains("红色故事会"), "filtered by street");
    let (_, by_topic) = w.app.page(&format!("/news?topic={t}")).await;
    assert!(by_topic.contains("红色故事会"), "filtered by topic");

    let (status, topic_page) = w.app.page(&format!("/topics/{t}")).await;
    assert_eq!(status, 200);
    assert!(topic_page.contains(">学百年党史 聚市南力量</h1>") && topic_page.contains(&format!("/news/{id}")));
    assert!(w.app.page("/topics").await.1.contains(&format!("href=\"/topics/{t}\"")));
    assert_eq!(w.app.page(&format!("/topics/{}", t + 99)).await.0, 404);
}

#[tokio::test]
async fn a_correction_shows_an_updated_line_and_a_withdrawn_article_is_gone() {
    let w = newsroom().await;
    let id = published(&w, json!({})).await;
    w.app.clock.advance(chrono::Duration::hours(2));
    // Read first, so both pages are kept in memory: a change must still show at once.
    assert!(w.app.page(&format!("/news/{id}")).await.1.contains("<strong>红色</strong>"));
    assert!(!w.app.page("/news").await.1.contains("有更正"));
    correct(&w, id, "更正：故事会在**云霄路**举行。").await;
    let (_, page) = w.app.page(&format!("/news/{id}")).await;
    assert!(page.contains("class=\"updated\"") && page.contains("2026-12-01 11:00"), "the updated line");
    assert!(page.contains("<strong>云霄路</strong>"), "the corrected text");
    assert!(w.app.page("/news").await.1.contains("有更正"), "the list says it was corrected");

    assert_eq!(step(w.api(EDITOR), id, json!({"to": "withdrawn"})).await.0, 200);
    assert_eq!(w.app.page(&format!("/news/{id}")).await.0, 404, "withdrawn: 404 at once");
    assert!(!w.app.page("/news").await.1.contains(&format!("/news/{id}\"")));
    ejia::news::reads::flush(&w.app.state).await.unwrap();
    let reads: i64 = sqlx::query_scalar("select cast(sum(reads) as bigint) from news_reads where article_id = $1")
        .bind(id)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(reads, 2, "both reads counted, from memory or not; the withdrawn one's 404 not");
}

#[tokio::test]
async fn the_list_pages_newest_first() {
    let w = newsroom().await;
    let mut ids = Vec::new();
    for n in 0..21 {
        ids.push(published(&w, json!({"title": format!("第{n}篇")})).await);
    }
    let (_, first) = w.app.page("/news").await;
    assert!(first.find("第20篇").unwrap() < first.find("第19篇").unwrap(), "newest first");
    assert!(!first.contains(&format!("/news/{}\"", ids[0])), "twenty on a page");
    let older = format!("before={}", ids[1]);
    assert!(first.contains(&older), "a link to the older ones");
    let (_, second) = w.app.page(&format!("/news?topic=&street=&{older}")).await;
    assert!(second.contains(&format!("/news/{}\"", ids[0])) && !second.contains("第20篇"));
}

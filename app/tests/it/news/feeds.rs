//! The Atom feeds, read by an existing parser (`feed-rs`) as a reader's app would: all news, a
//! topic's, a street's; entries with their content, author and categories; a withdrawn article
//! gone and a corrected one changed at once.

use feed_rs::model::Feed;
use serde_json::json;

use super::*;

async fn feed(app: &TestApp, path: &str) -> Feed {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/atom+xml"), "{kind}");
    feed_rs::parser::parse(r.bytes().await.unwrap().as_ref()).unwrap()
}

fn titles(f: &Feed) -> Vec<String> {
    f.entries.iter().map(|e| e.title.as_ref().unwrap().content.clone()).collect()
}

#[tokio::test]
async fn the_news_feed_carries_each_published_article_in_full() {
    let w = newsroom().await;
    let t = topic(&w, "学百年党史 聚市南力量").await;
    let extra = json!({"title": "红色故事会", "summary": "讲座回顾", "source_line": "区委宣传部", "topic_ids": [t],
        "body_markdown": "**红色**故事会 <script>alert(1)</script>"});
    let id = published(&w, extra).await;
    draft(w.api(EDITOR), json!({"title": "草稿"})).await;

    let f = feed(&w.app, "/news/feed.atom").await;
    assert_eq!(f.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(titles(&f), ["红色故事会"], "published only");
    let self_link = f.links.iter().find(|l| l.rel.as_deref() == Some("self")).unwrap();
    assert_eq!(self_link.href, w.app.at("/news/feed.atom"), "absolute");
    assert!(f.links.iter().any(|l| l.rel.as_deref() == Some("alternate") && l.href == w.app.at("/news")));
    let e = &f.entries[0];
    assert!(e.id.starts_with("tag:127.0.0.1,2026:news/"), "{}", e.id);
    assert_eq!(e.links[0].href, w.app.at(&format!("/news/{id}")));
    let content = e.content.as_ref().and_then(|c| c.body.clone()).unwrap();
    assert!(content.contains("<strong>红色</strong>") && !content.contains("<script"), "{content}");
    assert_eq!(e.summary.as_ref().unwrap().content, "讲座回顾");
    assert_eq!(e.authors[0].name.as_deref(), Some("区委宣传部"));
    assert_eq!(e.categories[0].label.as_deref(), Some("学百年党史 聚市南力量"));
    assert_eq!(e.published, e.updated, "not corrected yet");
    assert!(e.published.unwrap().to_rfc3339().starts_with("2026-12-01T01:00:00"), "{:?}", e.published);
}

#[tokio::test]
async fn topic_and_street_feeds_filter_and_a_change_shows_at_once() {
    let w = newsroom().await;
    let t = topic(&w, "专题").await;
    let badaxia = w.street(BADAXIA);
    let in_topic = published(&w, json!({"title": "专题文章", "topic_ids": [t]})).await;
    let on_street = published(&w, json!({"title": "八大峡的事", "street_ids": [badaxia]})).await;
    published(&w, json!({"title": "全区的事"})).await;

    assert_eq!(titles(&feed(&w.app, &format!("/topics/{t}/feed.atom")).await), ["专题文章"]);
    assert_eq!(titles(&feed(&w.app, &format!("/news/feed.atom?street={badaxia}")).await), ["八大峡的事"]);
    assert_eq!(titles(&feed(&w.app, "/news/feed.atom").await), ["全区的事", "八大峡的事", "专题文章"]);
    assert_eq!(w.app.get(&format!("/topics/{}/feed.atom", t + 99)).await.status(), 404);
    assert_eq!(w.app.get("/news/feed.atom?street=999999").await.status(), 404);

    w.app.clock.advance(chrono::Duration::hours(1));
    correct(&w, in_topic, "更正后的正文").await;
    let f = feed(&w.app, &format!("/topics/{t}/feed.atom")).await;
    let e = &f.entries[0];
    assert!(e.content.as_ref().unwrap().body.as_ref().unwrap().contains("更正后的正文"), "the new text at once");
    assert!(e.updated > e.published.map(|p| p.to_utc()), "updated after the correction");
    assert_eq!(f.updated, e.updated, "the feed's updated is its newest change");

    assert_eq!(step(w.api(EDITOR), on_street, json!({"to": "withdrawn"})).await.0, 200);
    assert!(feed(&w.app, &format!("/news/feed.atom?street={badaxia}")).await.entries.is_empty(), "gone at once");
    assert_eq!(titles(&feed(&w.app, "/news/feed.atom").await), ["全区的事", "专题文章"]);
}

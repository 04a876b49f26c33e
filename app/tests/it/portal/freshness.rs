//! The portal's public sections come from memory, yet a change to public content shows at
//! once: on this instance, and on another instance on the same PostgreSQL database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ejia::app::AppState;
use ejia::config::Config;
use serde_json::json;

use crate::helpers::*;
use crate::news::{EDITOR, OTHER_EDITOR, newsroom, published, step, topic};

#[tokio::test]
async fn an_article_shows_at_once_when_published_changes_when_corrected_and_leaves_when_withdrawn() {
    let w = newsroom().await;
    assert!(w.app.page("/").await.1.contains("暂无资讯"), "cached empty");
    let id = published(&w, json!({"title": "八大峡红色故事会"})).await;
    let home = w.app.page("/").await.1;
    assert!(home.contains("八大峡红色故事会") && home.contains(&format!("href=\"/news/{id}\"")), "published");
    let (status, _) = w
        .api(EDITOR)
        .send(
            reqwest::Method::PATCH,
            &format!("/articles/{id}"),
            Some(json!({"title": "八大峡红色故事会（更正）"})),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(w.app.page("/").await.1.contains("八大峡红色故事会（更正）"), "corrected");
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "withdrawn"})).await.0, 200);
    assert!(!w.app.page("/").await.1.contains("八大峡红色故事会"), "withdrawn");
}

#[tokio::test]
async fn the_newest_topic_is_the_campaign_banner() {
    let w = newsroom().await;
    topic(&w, "学百年党史 聚市南力量").await;
    // A topic is not a search document: it shows within the portal's TTL.
    w.app.clock.advance(chrono::Duration::milliseconds(ejia::web::public_cache::TTL_MS + 1));
    let home = w.app.page("/").await.1;
    assert!(home.contains("portal-campaign") && home.contains("学百年党史 聚市南力量"), "{home}");
}

#[tokio::test]
async fn the_steady_state_is_served_from_memory() {
    let w = newsroom().await;
    let id = published(&w, json!({"title": "缓存里的文章"})).await;
    // On PostgreSQL the publication's notices reach this instance's listener a moment after
    // commit, and each one (rightly) drops what is kept: let them all arrive first.
    let mut heard = w.app.state.public_changes.heard();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let now = w.app.state.public_changes.heard();
        if now == heard {
            break;
        }
        heard = now;
    }
    assert!(w.app.page("/").await.1.contains("缓存里的文章"));
    // Changed behind the application's back (no search signal): the portal does not read again...
    sqlx::query("update news_articles set title = '背后改的标题' where article_id = $1")
        .bind(id)
        .execute(w.app.state.db.pool())
        .await
        .unwrap();
    assert!(w.app.page("/").await.1.contains("缓存里的文章"), "from memory");
    // ...until its TTL has passed.
    w.app.clock.advance(chrono::Duration::milliseconds(ejia::web::public_cache::TTL_MS + 1));
    assert!(w.app.page("/").await.1.contains("背后改的标题"), "read again after the TTL");
}

#[tokio::test]
async fn on_postgresql_a_withdrawal_through_one_instance_leaves_the_others_portal_at_once() {
    if postgres_url().is_none() {
        return; // one instance per SQLite file
    }
    let w = newsroom().await;
    let id = published(&w, json!({"title": "两台实例都看到的文章"})).await;
    // A second instance on the same database, serving its own portal.
    let mut config = Config::defaults(w.app.dir.path().to_path_buf());
    config.database_url = Some(w.app.database_url.clone().into());
    config.db_max_connections = 4;
    let second = AppState::open(config, w.app.clock.clone() as Arc<dyn ejia::clock::Clock>).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(ejia::app::serve(second.clone(), listener, None, std::future::pending()));
    let page = || async { reqwest::get(format!("{url}/")).await.unwrap().text().await.unwrap() };
    // Its listener is up once it has heard of a change (it counts its (re)connection too).
    let deadline = Instant::now() + Duration::from_secs(2);
    while second.public_changes.heard() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(page().await.contains("两台实例都看到的文章"), "cached on the second instance");
    let heard = second.public_changes.heard();
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "withdrawn"})).await.0, 200);
    // In one test process both instances share the local generation too: what proves the
    // notice crossed is the second instance's own count of what the database told it.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if second.public_changes.heard() > heard && !page().await.contains("两台实例都看到的文章") {
            break;
        }
        assert!(Instant::now() < deadline, "the second instance still shows the withdrawn article");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

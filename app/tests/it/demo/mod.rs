//! The demo content of `ejia serve --demo`: it loads into a fresh district through the domains'
//! use cases, is not loaded twice, and the public pages show it. The search-quality test
//! (`search::quality`) reads the same content.

use crate::helpers::TestApp;

/// A district with the demo accounts and content, as `ejia serve --demo` leaves a fresh database.
pub async fn demo_app() -> TestApp {
    let app = TestApp::with_district().await;
    ejia::seed::demo_users(&app.state).await.unwrap();
    ejia::seed::content::load(&app.state).await.unwrap().expect("a fresh district takes the demo content");
    app
}

/// The id of the first `href="{prefix}{id}"` of a page.
fn first_link(html: &str, prefix: &str) -> i64 {
    let marker = format!("href=\"{prefix}");
    html.match_indices(&marker)
        .find_map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .unwrap_or_else(|| panic!("no link to {prefix}{{id}}: {html}"))
}

#[tokio::test]
async fn the_demo_content_loads_once_and_the_public_pages_show_it() {
    let app = demo_app().await;
    let again = ejia::seed::content::load(&app.state).await.unwrap();
    assert_eq!(again, None, "a district that has the demo content is left alone");
    assert_eq!(app.count("news_topics").await, 1);
    assert_eq!(app.count("news_articles").await, 11);

    let (status, news) = app.page("/news").await;
    assert_eq!(status, 200);
    assert!(news.contains("重走长征路") && news.contains("（演示内容）"), "{news}");
    assert!(!news.contains("冬季入户助老"), "the article scheduled for tomorrow is not out yet");
    let article = first_link(&news, "/news/");
    let (status, page) = app.page(&format!("/news/{article}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("本文为演示内容"), "the reader is told: {page}");

    let (status, topics) = app.page("/topics").await;
    assert_eq!(status, 200);
    let topic = first_link(&topics, "/topics/");
    let (status, column) = app.page(&format!("/topics/{topic}")).await;
    assert_eq!(status, 200);
    assert!(column.contains("学百年党史 聚市南力量") && column.contains("团岛社区"), "{column}");

    let (status, events) = app.page("/events").await;
    assert_eq!(status, 200);
    assert!(events.contains("红色电影展播：《长津湖》") && events.contains("参观海军博物馆"), "{events}");
    let (status, services) = app.page("/services").await;
    assert_eq!(status, 200);
    assert!(services.contains("老年人流感疫苗接种") && services.contains("法律援助咨询"), "{services}");

    let (status, board) = app.page("/board").await;
    assert_eq!(status, 200);
    assert!(board.contains("店外经营") && board.contains("乱堆物堆料"), "handled reports are public: {board}");

    // The scheduled article comes out with the job, tomorrow.
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(ejia::news::jobs::publish_due(&app.state).await.unwrap(), 1);
    assert!(app.page("/news").await.1.contains("冬季入户助老"));
}

//! Operations endpoints and behaviour: health, readiness, metrics, static assets, seeding.

use crate::helpers::*;

/// A metrics token for tests.
pub const METRICS_TOKEN: &str = "metrics-token-for-tests-0123";

/// `GET url` with an optional bearer token: (status, body).
async fn scrape(url: &str, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The metrics of an app started with [`METRICS_TOKEN`].
pub async fn metrics(app: &TestApp) -> String {
    let (status, body) = scrape(&app.at("/metrics"), Some(METRICS_TOKEN)).await;
    assert_eq!(status, 200);
    body
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn_with(|c| c.metrics_token = Some(METRICS_TOKEN.into())).await;
    assert_eq!(app.page("/healthz").await, (200, "ok".into()));
    assert_eq!(app.page("/readyz").await, (200, "ready".into()));
    app.get("/").await;
    app.get("/api/v1/streets").await;
    app.get("/no/such/page").await;
    let metrics = metrics(&app).await;
    assert!(metrics.contains("ejia_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1"), "{metrics}");
    assert!(metrics.contains("route=\"/api/v1/streets\""));
    assert!(metrics.contains("route=\"unmatched\",status=\"404\""));
    assert!(!metrics.contains("/no/such/page"), "raw paths never become labels");
    assert!(metrics.contains("ejia_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("ejia_db_pool_connections{state=\"idle\"}"));
}

#[tokio::test]
async fn metrics_are_not_public() {
    // Neither a token nor an address: /metrics is any unknown page.
    let app = TestApp::spawn().await;
    let (status, body) = scrape(&app.at("/metrics"), None).await;
    assert_eq!(status, 404);
    assert!(body.contains("找不到这个页面") && !body.contains("ejia_http"), "{body}");
    assert_eq!(scrape(&app.at("/metrics"), Some(METRICS_TOKEN)).await.0, 404);

    // A token: only who presents it.
    let app = TestApp::spawn_with(|c| c.metrics_token = Some(METRICS_TOKEN.into())).await;
    assert_eq!(scrape(&app.at("/metrics"), None).await.0, 404);
    assert_eq!(scrape(&app.at("/metrics"), Some("metrics-token-for-tests-0124")).await.0, 404);
    let (status, body) = scrape(&app.at("/metrics"), Some(METRICS_TOKEN)).await;
    assert!(status == 200 && body.contains("ejia_http_requests_total"), "{status} {body}");

    // An address of their own: there, and not on the main address.
    let app = TestApp::spawn_with(|c| c.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    let own = app.metrics_url.clone().unwrap();
    assert_ne!(own, app.at("/metrics"));
    let (status, body) = scrape(&own, None).await;
    assert!(status == 200 && body.contains("ejia_db_pool_connections"), "{status} {body}");
    assert_eq!(scrape(&app.at("/metrics"), None).await.0, 404);
    assert_eq!(scrape(&own.replace("/metrics", "/"), None).await.0, 404, "nothing else there");

    // Both: the token is asked for there too.
    let app = TestApp::spawn_with(|c| {
        c.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
        c.metrics_token = Some(METRICS_TOKEN.into());
    })
    .await;
    let own = app.metrics_url.clone().unwrap();
    assert_eq!(scrape(&own, None).await.0, 401);
    assert_eq!(scrape(&own, Some(METRICS_TOKEN)).await.0, 200);
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.state.db.close().await;
    let (status, body) = app.page("/readyz").await;
    assert_eq!(status, 503);
    assert!(!body.contains("pool"), "no internal text: {body}");
}

#[tokio::test]
async fn assets_are_fingerprinted_and_cached() {
    let app = TestApp::spawn().await;
    let (_, home) = app.page("/").await;
    let version = ejia::web::assets::version();
    assert!(home.contains(&format!("/static/ejia.css?v={version}")));
    let r = app.get("/static/ejia.css").await;
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
}

#[tokio::test]
async fn importing_the_district_twice_changes_nothing() {
    let app = TestApp::with_district().await;
    let counts = (
        app.count("streets").await,
        app.count("communities").await,
        app.count("venues").await,
        app.count("departments").await,
    );
    assert_eq!(counts, (11, 50, 76, 19));
    assert!(ejia::seed::structure(&app.state).await.unwrap().is_none());
    let again = (
        app.count("streets").await,
        app.count("communities").await,
        app.count("venues").await,
        app.count("departments").await,
    );
    assert_eq!(counts, again);
}

#[tokio::test]
async fn pages_are_in_the_chosen_language_or_the_browsers() {
    let app = TestApp::with_district().await;
    let en = reqwest::Client::new()
        .get(app.at("/district"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Browse by street"));
    let (_, zh) = app.page("/district").await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("按街道浏览"));
    let (status, missing) = app.page("/nowhere").await;
    assert_eq!(status, 404);
    assert!(missing.contains("找不到这个页面"));
}

#[tokio::test]
async fn the_district_page_sees_changes_from_other_instances_within_seconds() {
    let app = TestApp::with_district().await;
    assert!(!app.page("/district").await.1.contains("另一台实例新建的场所"));
    // Written straight to the database, as another ejia instance would.
    let street = app.street(XIANGGANG_ZHONGLU).await;
    let venue = ejia::org::model::VenueInput {
        name: "另一台实例新建的场所".into(),
        kind: ejia::org::VenueKind::Other,
        address: String::new(),
        coords: None,
        street_id: street,
        community_id: None,
        capacity: None,
    };
    let mut conn = app.state.db.conn().await.unwrap();
    ejia::org::store::insert_venue(&mut conn, &venue, 0).await.unwrap();
    assert!(!app.page("/district").await.1.contains("另一台实例新建的场所"), "served from memory for now");
    app.clock.advance(chrono::Duration::milliseconds(ejia::org::cache::TTL_MS + 1));
    assert!(app.page("/district").await.1.contains("另一台实例新建的场所"), "read again after the TTL");
}

#[tokio::test]
async fn the_sqlite_writer_reports_its_commits_and_queue_and_postgresql_has_none() {
    let (w, session) = World::with_lesson("学习党的二十大精神", 10).await;
    for who in w.residents(3).await {
        register(&who, session).await;
    }
    let text = ejia::web::metrics::render(&w.app.state).unwrap();
    if postgres_url().is_some() {
        assert!(!text.contains("sqlite_writer"), "{text}");
        return;
    }
    let commits: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("ejia_sqlite_writer_commit_seconds_count "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no commit count in {text}"));
    // One registration after another: each committed in a batch of its own.
    assert!(commits >= 3, "{commits} commits: {text}");
    assert!(text.contains("ejia_sqlite_writer_batch_jobs_bucket"), "{text}");
    assert!(text.contains("ejia_sqlite_writer_queue 0"), "{text}");
}

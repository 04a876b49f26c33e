//! CSRF, escaping, headers, and "nothing internal in a response".

use ejia::authz::{Role, Scope};

use crate::helpers::*;

#[tokio::test]
async fn a_post_without_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::with_district().await;
    app.user("13911112222", "张三", None, &[]).await;
    // Even the login form: no token, no session.
    app.page("/login").await;
    let r = app
        .client
        .post(app.at("/login"))
        .form(&[("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("请求已过期"), "translated explanation");
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(app.count("auth_throttle").await, 0, "a refused request does not even count as a failure");
    // A forged token is no better.
    let r = app
        .client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            ("phone", "13911112222"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A token from another browser is no good either.
    let other = app.other_browser();
    let theirs = csrf_in(&other.get(app.at("/login")).send().await.unwrap().text().await.unwrap());
    let r = app
        .client
        .post(app.at("/login"))
        .form(&[("_csrf", theirs.as_str()), ("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn a_cross_site_origin_is_refused_even_with_a_token() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let token = app.csrf().await;
    let r = app
        .client
        .post(app.at("/login"))
        .header("origin", "https://evil.example")
        .form(&[("_csrf", token.as_str()), ("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(app.at("/login"))
        .header("origin", app.url.as_str())
        .form(&[("_csrf", token.as_str()), ("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "same origin passes");
}

/// POSTs the login form with a valid token and the given extra headers; returns the status.
async fn login_with_headers(app: &TestApp, headers: &[(&str, &str)]) -> u16 {
    let token = app.csrf().await;
    let mut request = app.client.post(app.at("/login"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let form = [("_csrf", token.as_str()), ("phone", "13911112222"), ("password", PASSWORD)];
    request.form(&form).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn without_a_public_url_only_a_loopback_origin_on_our_port_is_trusted_never_the_host() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let port = app.url.rsplit(':').next().unwrap().to_owned();
    // The Host header is the client's to choose: a page at evil.example that names itself
    // in both is still not us.
    let forged = [("host", "evil.example"), ("origin", "http://evil.example")];
    assert_eq!(login_with_headers(&app, &forged).await, 403);
    assert_eq!(
        login_with_headers(&app, &[("host", "evil.example"), ("referer", "http://evil.example/login")]).await,
        403
    );
    // Another program on this machine is another origin.
    assert_eq!(login_with_headers(&app, &[("origin", "http://127.0.0.1:1")]).await, 403);
    // The loopback names for this port are us.
    let localhost = format!("http://localhost:{port}");
    assert_eq!(login_with_headers(&app, &[("origin", localhost.as_str())]).await, 303);
    let referer = format!("{}/login", app.url);
    assert_eq!(login_with_headers(&app, &[("referer", referer.as_str())]).await, 303);
}

#[tokio::test]
async fn with_a_public_url_only_that_origin_is_trusted() {
    let app = TestApp::spawn_with(|c| c.public_url = Some("http://ejia.example".into())).await;
    app.user("13911112222", "张三", None, &[]).await;
    assert_eq!(login_with_headers(&app, &[("origin", app.url.as_str())]).await, 403, "loopback is not the public URL");
    assert_eq!(login_with_headers(&app, &[("origin", "http://evil.example")]).await, 403);
    assert_eq!(login_with_headers(&app, &[("origin", "http://ejia.example")]).await, 303);
}

#[tokio::test]
async fn the_token_changes_at_login_so_a_pre_login_token_is_dead_after() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let before = app.csrf().await;
    app.login("13911112222").await;
    let r =
        app.client.post(app.at("/me/profile")).form(&[("_csrf", before.as_str()), ("name", "x")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn script_in_a_name_is_shown_escaped() {
    let app = TestApp::with_district().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let evil = "<script>alert(1)</script>";
    assert_eq!(app.post("/me/profile", &[("name", evil), ("community_id", "")]).await.status(), 303);
    let (_, me) = app.page("/me").await;
    assert!(!me.contains(evil));
    assert!(me.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || me.contains("&lt;script&gt;"));
    // Also in the back office, in the audit log and the user list.
    let admin = crate::helpers::TestAppBrowser::new(&app);
    app.user("13911113333", "管理员", None, &[grant(Role::DistrictAdmin, Scope::District)]).await;
    admin.login("13911113333", PASSWORD).await;
    for path in ["/manage/users", "/manage/audit"] {
        let (status, body) = admin.page(path).await;
        assert_eq!(status, 200);
        assert!(!body.contains(evil), "{path}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/login", "/nope", "/api/v1/streets", "/static/ejia.css"] {
        let r = app.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
}

#[tokio::test]
async fn no_internal_text_reaches_a_response() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let token = app.csrf().await;
    // Malformed bodies, wrong types, unknown methods and routes.
    let cases = vec![
        app.client
            .post(app.at("/me/profile"))
            .header("x-csrf-token", token.as_str())
            .header("content-type", "text/plain")
            .body("name=x")
            .send()
            .await
            .unwrap(),
        app.client.put(app.at("/login")).header("x-csrf-token", token.as_str()).send().await.unwrap(),
        app.client.get(app.at("/manage/venues/not-a-number")).send().await.unwrap(),
        app.client.get(app.at("/manage/users?before=abc")).send().await.unwrap(),
        app.client.get(app.at("/api/v1/streets?limit=abc")).send().await.unwrap(),
        app.client.get(app.at("/api/v1/streets/xyz")).send().await.unwrap(),
        app.client
            .post(app.at("/prefs"))
            .header("x-csrf-token", token.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![0xffu8; 3_000_000])
            .send()
            .await
            .unwrap(),
    ];
    for r in cases {
        let status = r.status();
        assert!(status.is_client_error(), "{status}");
        let body = r.text().await.unwrap();
        for leak in ["Failed to", "deserialize", "sqlx", "axum", "panicked", ".rs:", "invalid digit", "Error"] {
            assert!(!body.contains(leak), "{status} leaked {leak:?}: {body}");
        }
    }
}

//! API tokens (list, name, revoke; ended by a password change unless long-lived), calendar
//! feed URLs that rotate, and role grants held to what the granter sees (issue 9, findings 3
//! and 16).

use ejia::authz::{Role, Scope};
use serde_json::{Value, json};

use crate::helpers::*;

async fn api(app: &TestApp, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, app.at(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn tokens_are_named_listed_and_revoked_through_the_api() {
    let app = TestApp::spawn().await;
    let user = app.user("13911112222", "张三", None, &[]).await;
    let first = ejia::accounts::credentials::create_api_token(&app.state, user, "cli").await.unwrap();
    let (status, made) =
        api(&app, reqwest::Method::POST, &first, "/api/v1/me/tokens", Some(json!({"label": " 社区大屏 "}))).await;
    assert_eq!(status, 201);
    let second = made["token"].as_str().unwrap().to_owned();
    assert!(second.starts_with("ejia_"));
    let (status, list) = api(&app, reqwest::Method::GET, &second, "/api/v1/me/tokens", None).await;
    assert_eq!(status, 200);
    let labels: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["社区大屏", "cli"], "newest first, trimmed");
    assert!(!list.to_string().contains("ejia_"), "a list never holds the tokens themselves");
    // Bad labels change nothing.
    for label in ["", "   ", &"长".repeat(41)] {
        let (status, problem) =
            api(&app, reqwest::Method::POST, &first, "/api/v1/me/tokens", Some(json!({"label": label}))).await;
        assert_eq!(status, 422, "{label:?}");
        assert_eq!(problem["errors"][0]["field"], "label");
    }
    // Revoking: the first token ends at once; another user's token id is not found.
    let first_id = list[1]["id"].as_i64().unwrap();
    let stranger = app.user("13911113333", "李四", None, &[]).await;
    let theirs = ejia::accounts::credentials::create_api_token(&app.state, stranger, "x").await.unwrap();
    let (status, _) = api(&app, reqwest::Method::DELETE, &theirs, &format!("/api/v1/me/tokens/{first_id}"), None).await;
    assert_eq!(status, 404);
    let (status, _) = api(&app, reqwest::Method::DELETE, &second, &format!("/api/v1/me/tokens/{first_id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(api(&app, reqwest::Method::GET, &first, "/api/v1/me", None).await.0, 401);
    assert_eq!(api(&app, reqwest::Method::GET, &second, "/api/v1/me", None).await.0, 200);
    let (status, _) = api(&app, reqwest::Method::DELETE, &second, &format!("/api/v1/me/tokens/{first_id}"), None).await;
    assert_eq!(status, 404, "revoked already");
    let mut conn = app.state.db.conn().await.unwrap();
    let log = ejia::audit::list(&mut conn, Default::default(), 20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "api_token.revoke"));
}

#[tokio::test]
async fn tokens_are_made_and_revoked_on_the_site() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    assert!(app.page("/me").await.1.contains("href=\"/me/tokens\""));
    let r = app.post("/me/tokens", &[("label", "家里的平板")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store", "a page showing a token is kept by no cache");
    let page = r.text().await.unwrap();
    let token = page.split("<code class=\"token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(page.contains("只显示这一次") && page.contains("家里的平板"));
    assert_eq!(api(&app, reqwest::Method::GET, &token, "/api/v1/me", None).await.0, 200);
    // Listed without the token; revoked with one tap.
    let (_, list) = app.page("/me/tokens").await;
    assert!(list.contains("家里的平板") && !list.contains(&token));
    let id = list.split("/me/tokens/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let r = app.post(&format!("/me/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(app.page("/me/tokens?done=revoked").await.1.contains("令牌已撤销"));
    assert_eq!(api(&app, reqwest::Method::GET, &token, "/api/v1/me", None).await.0, 401);
    // Another user's token cannot be revoked from here.
    let other = app.user("13911113333", "李四", None, &[]).await;
    let theirs = ejia::accounts::credentials::issue(&app.state, None, other, "x", false).await.unwrap();
    assert_eq!(app.post(&format!("/me/tokens/{}/revoke", theirs.id), &[]).await.status(), 404);
    assert_eq!(api(&app, reqwest::Method::GET, &theirs.token, "/api/v1/me", None).await.0, 200);
}

#[tokio::test]
async fn a_password_change_ends_tokens_but_not_long_lived_service_tokens() {
    let app = TestApp::spawn().await;
    app.login_district_admin().await;
    let user = app.user("13911112222", "对接系统", None, &[]).await;
    let personal = ejia::accounts::credentials::create_api_token(&app.state, user, "mine").await.unwrap();
    // The district admin makes a service token in the back office.
    let r = app.post(&format!("/manage/users/{user}/service-token"), &[("label", "12345 平台对接")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let service = page.split("<code class=\"token\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(app.page(&format!("/manage/users/{user}")).await.1.contains("/service-token"));
    assert_eq!(api(&app, reqwest::Method::GET, &personal, "/api/v1/me", None).await.0, 200, "cached as live");
    // The user changes their password.
    let browser = app.other_browser();
    let html = browser.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("_csrf", csrf_in(&html)), ("phone", "13911112222".into()), ("password", PASSWORD.into())];
    assert_eq!(browser.post(app.at("/login")).form(&form).send().await.unwrap().status(), 303);
    let html = browser.get(app.at("/me")).send().await.unwrap().text().await.unwrap();
    let form = [
        ("_csrf", csrf_in(&html)),
        ("current_password", PASSWORD.into()),
        ("new_password", "新的密码很长很长".into()),
        ("confirm_password", "新的密码很长很长".into()),
    ];
    assert_eq!(browser.post(app.at("/me/password")).form(&form).send().await.unwrap().status(), 303);
    assert_eq!(api(&app, reqwest::Method::GET, &personal, "/api/v1/me", None).await.0, 401, "personal token ended");
    assert_eq!(api(&app, reqwest::Method::GET, &service, "/api/v1/me", None).await.0, 200, "service token lives on");
    let (_, list) = api(&app, reqwest::Method::GET, &service, "/api/v1/me/tokens", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["long_lived"], true);
}

#[tokio::test]
async fn only_district_admins_make_service_tokens() {
    let app = TestApp::with_district().await;
    let street = app.street(XIANGGANG_ZHONGLU).await;
    let resident = app.user("13911113333", "居民", Some(app.community(YUNXIAOLU).await), &[]).await;
    app.user("13911112222", "街道管理员", None, &[grant(Role::StreetAdmin, Scope::Street(street))]).await;
    app.login("13911112222").await;
    assert!(!app.page(&format!("/manage/users/{resident}")).await.1.contains("/service-token"));
    let r = app.post(&format!("/manage/users/{resident}/service-token"), &[("label", "x")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("api_tokens").await, 0);
}

#[tokio::test]
async fn the_calendar_feed_url_rotates_and_the_old_one_stops_working() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let feed_of = |page: String| page.split("href=\"/calendar/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let old = feed_of(app.page("/me/bookings").await.1);
    let stranger = app.other_browser();
    let get = |feed: String| {
        let request = stranger.get(app.at(&format!("/calendar/{feed}")));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(old.clone()).await, 200);
    let r = app.post("/me/calendar/rotate", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/me/bookings");
    let page = app.page("/me/bookings").await.1;
    assert!(page.contains("日历链接已更换"));
    let new = feed_of(page);
    assert_ne!(new, old);
    assert_eq!(get(old).await, 404, "the old URL no longer works");
    assert_eq!(get(new).await, 200);
}

#[tokio::test]
async fn a_street_admin_cannot_grant_roles_to_users_they_cannot_see() {
    let app = TestApp::with_district().await;
    let mine = app.street(XIANGGANG_ZHONGLU).await;
    // Someone from another street, and a user with no community (district-wide): neither is
    // visible to the street admin.
    let stranger = app.user("13911114444", "外街居民", Some(app.community(TUANDAO).await), &[]).await;
    let nowhere = app.user("13911115555", "无社区", None, &[]).await;
    app.user("13911112222", "街道管理员", None, &[grant(Role::StreetAdmin, Scope::Street(mine))]).await;
    app.login("13911112222").await;
    for user in [stranger, nowhere] {
        assert_eq!(app.get(&format!("/manage/users/{user}")).await.status(), 404);
        let r = app
            .post(
                &format!("/manage/users/{user}/roles"),
                &[("role", "dispatcher"), ("scope", &format!("street:{mine}"))],
            )
            .await;
        assert_eq!(r.status(), 404, "granting to a user one cannot see is answered like seeing them");
    }
    let mut conn = app.state.db.conn().await.unwrap();
    for user in [stranger, nowhere] {
        assert_eq!(
            ejia::accounts::store::grants(&mut conn, user).await.unwrap(),
            vec![ejia::accounts::service::RESIDENT]
        );
    }
}

#[tokio::test]
async fn a_grant_is_in_the_audit_log_of_the_street_it_applies_to() {
    let app = TestApp::with_district().await;
    let mine = app.street(XIANGGANG_ZHONGLU).await;
    let other = app.street(BADAXIA).await;
    // The district admin makes a resident of the other street a dispatcher of this street.
    let resident = app.user("13911113333", "居民", Some(app.community(TUANDAO).await), &[]).await;
    app.login_district_admin().await;
    let r = app
        .post(
            &format!("/manage/users/{resident}/roles"),
            &[("role", "dispatcher"), ("scope", &format!("street:{mine}"))],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.conn().await.unwrap();
    let filter = |street| ejia::audit::Filter { street: Some(street), before_id: None, ..Default::default() };
    let here = ejia::audit::list(&mut conn, filter(mine), 20).await.unwrap();
    assert!(here.iter().any(|e| e.action == "user.grant_role"), "this street's admin sees who got power in it");
    let there = ejia::audit::list(&mut conn, filter(other), 20).await.unwrap();
    assert!(!there.iter().any(|e| e.action == "user.grant_role"));
}

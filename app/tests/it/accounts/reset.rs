//! 忘记密码: a new password with a texted code — single use, short-lived, stored hashed,
//! throttled like the other codes; every session ends; audited; a number without an account
//! reads the same and changes nothing.

use crate::helpers::*;

const PHONE: &str = "13911112222";
const NEW: &str = "海边散步2026";

async fn send(app: &TestApp, phone: &str) -> String {
    let r = app.post("/login/reset", &[("phone", phone)]).await;
    assert_eq!(r.status(), 303);
    let next = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(next.starts_with("/login/reset/verify?token="), "{next}");
    next.split("token=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn a_texted_code_sets_a_new_password_once_and_ends_every_session() {
    let app = TestApp::spawn().await;
    app.user(PHONE, "张三", None, &[]).await;
    // Signed in elsewhere: that session ends with the reset.
    let elsewhere = app.other_browser();
    let html = elsewhere.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("_csrf", csrf_in(&html)), ("phone", PHONE.into()), ("password", PASSWORD.into())];
    assert_eq!(elsewhere.post(app.at("/login")).form(&form).send().await.unwrap().status(), 303);
    assert_eq!(elsewhere.get(app.at("/me")).send().await.unwrap().status(), 200);

    assert!(app.page("/login").await.1.contains("<a href=\"/login/reset\">忘记密码？</a>"));
    let token = send(&app, "139 1111 2222").await;
    let code = latest_code(&app).await;
    // Stored hashed: neither the code nor the token is in the verifications table.
    let mut conn = app.state.db.conn().await.unwrap();
    let stored: Vec<(String, String)> =
        sqlx::query_as("select token_hash, code_hash from verifications").fetch_all(&mut *conn).await.unwrap();
    drop(conn);
    assert!(stored.iter().all(|(t, c)| !t.contains(&token) && !c.contains(&code)));

    // Mismatched passwords spend no guess and keep nothing typed.
    let verify = |code: &str, password: &str, confirm: &str| {
        [
            ("token", token.clone()),
            ("code", code.into()),
            ("new_password", password.into()),
            ("confirm_password", confirm.into()),
        ]
    };
    let r = app
        .client
        .post(app.at("/login/reset/verify"))
        .form(&with_csrf(&app, &verify(&code, NEW, "别的")).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("两次输入的新密码不一致") && !page.contains(NEW), "{page}");
    // A wrong code: refused.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let r = app
        .client
        .post(app.at("/login/reset/verify"))
        .form(&with_csrf(&app, &verify(wrong, NEW, NEW)).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("验证码不正确"));
    // The right one: the password is set, back to the login page saying so.
    let r = app
        .client
        .post(app.at("/login/reset/verify"))
        .form(&with_csrf(&app, &verify(&code, NEW, NEW)).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert!(app.page("/login").await.1.contains("密码已重设"));
    // Used once.
    let r = app
        .client
        .post(app.at("/login/reset/verify"))
        .form(&with_csrf(&app, &verify(&code, "再来一次2026", "再来一次2026")).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // The old session is gone, the old password too; the new one works; audited.
    let r = elsewhere.get(app.at("/me")).send().await.unwrap();
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"), "signed out");
    assert_eq!(app.post("/login", &[("phone", PHONE), ("password", PASSWORD)]).await.status(), 422);
    app.login_with(PHONE, NEW).await;
    let mut conn = app.state.db.conn().await.unwrap();
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'user.reset_password'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_number_without_an_account_reads_the_same_and_codes_are_throttled() {
    let app = TestApp::spawn().await;
    let token = send(&app, "13977778888").await;
    let mut conn = app.state.db.conn().await.unwrap();
    let text = ejia::notify::recent_sms(&mut conn, 1).await.unwrap().remove(0).body;
    drop(conn);
    assert!(text.contains("还没有注册账号"), "{text}");
    let form =
        [("token", token), ("code", "123456".into()), ("new_password", NEW.into()), ("confirm_password", NEW.into())];
    let r = app.client.post(app.at("/login/reset/verify")).form(&with_csrf(&app, &form).await).send().await.unwrap();
    assert_eq!(r.status(), 422);
    // Texts to one phone are limited, as for the other codes.
    let mut refused = 0;
    for _ in 0..10 {
        if app.post("/login/reset", &[("phone", "13977778888")]).await.status() == 429 {
            refused += 1;
        }
    }
    assert!(refused > 0, "throttled");
}

/// A form with the page's CSRF token.
async fn with_csrf(app: &TestApp, fields: &[(&str, String)]) -> Vec<(String, String)> {
    let token = app.csrf().await;
    let mut out = vec![("_csrf".to_owned(), token)];
    out.extend(fields.iter().map(|(k, v)| (k.to_string(), v.clone())));
    out
}

//! Logging in and out, registering with a verified phone, throttling, the profile page.

use ejia::authz::{Role, Scope};

use crate::helpers::*;

#[tokio::test]
async fn login_renews_the_session_and_logout_ends_it() {
    let app = TestApp::with_district().await;
    app.user("13911112222", "张三", None, &[]).await;
    // A session id planted before login must not survive it.
    let before = app.count("sessions").await;
    app.login("13911112222").await;
    assert_eq!(app.count("sessions").await, before + 1);
    let (status, body) = app.page("/me").await;
    assert_eq!(status, 200);
    assert!(body.contains("139****2222"), "profile shows the masked phone");
    let r = app.post("/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("sessions").await, before, "logout deletes the server-side session");
    let r = app.get("/me").await;
    assert_eq!(r.status(), 303, "logged out users are sent to log in");
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?next="));
}

#[tokio::test]
async fn session_cookie_is_httponly_and_samesite() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let token = app.csrf().await;
    let r = app
        .client
        .post(app.at("/login"))
        .form(&[("_csrf", token.as_str()), ("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> =
        r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let session = cookies.iter().find(|c| c.starts_with("ejia_sid=")).expect("session cookie set");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "plain http in tests");
}

#[tokio::test]
async fn wrong_password_says_the_same_as_unknown_phone() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let wrong = app.post("/login", &[("phone", "13911112222"), ("password", "not-the-password")]).await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.unwrap();
    let unknown = app.post("/login", &[("phone", "13977778888"), ("password", "not-the-password")]).await;
    assert_eq!(unknown.status(), 422);
    let unknown = unknown.text().await.unwrap();
    let message = "手机号或密码不正确";
    assert!(wrong.contains(message) && unknown.contains(message));
    assert_eq!(
        wrong.replace("13911112222", "X"),
        unknown.replace("13977778888", "X").replace(&csrf_in(&unknown), &csrf_in(&wrong))
    );
}

#[tokio::test]
async fn twenty_wrong_passwords_lock_the_phone_even_against_the_right_one() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(
            app.post("/login", &[("phone", "13911112222"), ("password", "wrong-password")]).await.status().as_u16(),
        );
    }
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 10, "{statuses:?}");
    assert_eq!(*statuses.last().unwrap(), 429);
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429, "a correct password does not bypass the lock");
    assert!(r.headers().contains_key("retry-after"));
    let body = r.text().await.unwrap();
    assert!(body.contains("已暂时锁定"), "translated message: {body}");
    assert!(body.contains("action=\"/login/unlock\""), "the owner is offered a texted code to unlock");
    // Another phone from the same address is still allowed (per-address limit is higher).
    app.user("13911113333", "李四", None, &[]).await;
    app.login("13911113333").await;
    // The lock lifts when the window passes.
    app.clock.advance(chrono::Duration::minutes(16));
    let other = app.other_browser();
    let page = other.get(app.at("/login")).send().await.unwrap().text().await.unwrap();
    let r = other
        .post(app.at("/login"))
        .form(&[("_csrf", csrf_in(&page).as_str()), ("phone", "13911112222"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn registration_needs_the_code_texted_to_the_phone() {
    let app = TestApp::with_district().await;
    let r = app.post("/register", &[("phone", "139 1234 5678")]).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let token = location.split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = latest_code(&app).await;
    let community = app.community(YUNXIAOLU).await.to_string();
    let app_ref = &app;
    let submit = |code: String, password: &'static str| {
        let fields = [
            ("token", token.clone()),
            ("code", code),
            ("name", "王五".into()),
            ("community_id", community.clone()),
            ("password", password.into()),
        ];
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app_ref.post("/register/verify", &refs).await
        }
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let users = app.count("users").await;
    // Wrong code: refused, nothing created.
    let r = submit(wrong.into(), "海边散步2026").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("验证码不正确"));
    // Weak password: refused next to the field, and it does not use up a guess.
    let r = submit(code.clone(), "12345678").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("这个密码太容易被猜到"));
    assert_eq!(app.count("users").await, users);
    // Right code: account created, logged in, welcomed with the next steps.
    let r = submit(code.clone(), "海边散步2026").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/welcome");
    let (_, welcome) = app.page("/welcome").await;
    assert!(welcome.contains("欢迎来到 e家，王五") && welcome.contains("name=\"view\" value=\"large\""));
    assert!(["/events", "/services", "/report"].iter().all(|p| welcome.contains(&format!("<a href=\"{p}\">"))));
    let (_, me) = app.page("/me").await;
    assert!(me.contains("139****5678") && me.contains("王五"));
    // The same code cannot be used twice.
    let r = submit(code.clone(), "海边散步2026").await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.count("users").await, users + 1);
    // And the new account logs in with its password.
    let other = TestAppBrowser::new(&app);
    other.login("13912345678", "海边散步2026").await;
}

#[tokio::test]
async fn registering_a_taken_number_looks_the_same_and_texts_the_owner() {
    let app = TestApp::with_district().await;
    app.user("13911112222", "张三", None, &[]).await;
    let taken = app.post("/register", &[("phone", "13911112222")]).await;
    let fresh = app.post("/register", &[("phone", "13911113333")]).await;
    assert_eq!(taken.status(), fresh.status());
    let (a, b) = (taken.headers()["location"].to_str().unwrap(), fresh.headers()["location"].to_str().unwrap());
    assert_eq!(a.split("token=").next(), b.split("token=").next(), "same next step either way");
    let mut conn = app.state.db.conn().await.unwrap();
    let texts = ejia::notify::recent_sms(&mut conn, 10).await.unwrap();
    assert!(texts.iter().any(|m| m.phone_masked == "139****2222"
        && m.body.contains("已注册")
        && !m.body.chars().any(|c| c.is_ascii_digit())));
    assert!(texts.iter().any(|m| m.phone_masked == "139****3333" && m.body.contains("验证码")));
}

#[tokio::test]
async fn too_many_codes_for_one_phone_are_refused() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        assert_eq!(app.post("/register", &[("phone", "13911112222")]).await.status(), 303);
    }
    let r = app.post("/register", &[("phone", "13911112222")]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(app.count("sms_outbox").await, 5);
}

#[tokio::test]
async fn profile_changes_are_validated_saved_and_audited() {
    let app = TestApp::with_district().await;
    let community = app.community(YUNXIAOLU).await;
    app.user("13911112222", "张三", Some(community), &[]).await;
    app.login("13911112222").await;
    let other = app.community(TUANDAO).await.to_string();
    // Invalid: empty name. Nothing changes.
    let r = app.post("/me/profile", &[("name", "  "), ("community_id", &other)]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("请填写此项") && body.contains("aria-invalid=\"true\""));
    let (_, me) = app.page("/me").await;
    assert!(me.contains("value=\"张三\""));
    // Valid.
    let r = app.post("/me/profile", &[("name", "张三丰"), ("community_id", &other)]).await;
    assert_eq!(r.status(), 303);
    let (_, me) = app.page("/me?done=profile").await;
    assert!(me.contains("value=\"张三丰\"") && me.contains("已保存"));
    assert!(me.contains(&format!("value=\"{other}\" selected")));
    let mut conn = app.state.db.conn().await.unwrap();
    let log = ejia::audit::list(&mut conn, Default::default(), 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "user.update_profile"));
}

#[tokio::test]
async fn password_change_checks_the_old_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let phone_browser = TestAppBrowser::new(&app);
    phone_browser.login("13911112222", PASSWORD).await;
    let r = app
        .post(
            "/me/password",
            &[
                ("current_password", "nope-nope-nope"),
                ("new_password", "新的密码很长很长"),
                ("confirm_password", "新的密码很长很长"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post(
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "新的密码很长很长"),
                ("confirm_password", "不一样的密码很长"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("两次输入的新密码不一致"));
    let r = app
        .post(
            "/me/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "新的密码很长很长"),
                ("confirm_password", "新的密码很长很长"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get("/me").await.status(), 200, "this browser stays logged in");
    assert_eq!(phone_browser.get("/me").await.status(), 303, "the other device is logged out");
    phone_browser.login("13911112222", "新的密码很长很长").await;
}

#[tokio::test]
async fn language_and_large_text_are_remembered_per_user() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let r = app.post("/prefs", &[("lang", "en"), ("next", "/me")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/me");
    let r = app.post("/prefs", &[("view", "large"), ("next", "//evil.example/")]).await;
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    let (_, me) = app.page("/me").await;
    assert!(me.contains("<html lang=\"en\" class=\"large\">") && me.contains("My account"));
    // A new browser starts in Chinese; after logging in it gets the saved choices.
    let other = TestAppBrowser::new(&app);
    let (_, home) = other.page("/").await;
    assert!(home.contains("<html lang=\"zh-CN\">"));
    other.login("13911112222", PASSWORD).await;
    let (_, home) = other.page("/").await;
    assert!(home.contains("<html lang=\"en\" class=\"large\">"));
    // Bad values are refused.
    assert_eq!(app.post("/prefs", &[("lang", "fr")]).await.status(), 400);
}

#[tokio::test]
async fn street_admin_role_shows_the_back_office_link_residents_do_not_see_it() {
    let app = TestApp::with_district().await;
    let street = app.street(XIANGGANG_ZHONGLU).await;
    app.user("13911112222", "街道", None, &[grant(Role::StreetAdmin, Scope::Street(street))]).await;
    app.user("13911113333", "居民", None, &[]).await;
    let resident = TestAppBrowser::new(&app);
    resident.login("13911113333", PASSWORD).await;
    assert!(!resident.page("/").await.1.contains("href=\"/manage\""));
    assert_eq!(resident.get("/manage").await.status(), 403);
    app.login("13911112222").await;
    assert!(app.page("/").await.1.contains("href=\"/manage\""));
}

#[tokio::test]
async fn registering_needs_only_the_code_and_a_password_the_rest_can_wait() {
    let app = TestApp::with_district().await;
    let r = app.post("/register", &[("phone", "13912345678")]).await;
    let token =
        r.headers()["location"].to_str().unwrap().split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = latest_code(&app).await;
    let fields =
        [("token", token.as_str()), ("code", &code), ("password", "海边散步2026"), ("name", ""), ("community_id", "")];
    let r = app.post("/register/verify", &fields).await;
    assert_eq!(r.status(), 303);
    let (_, welcome) = app.page("/welcome").await;
    assert!(welcome.contains("欢迎来到 e家，居民5678"), "{welcome}");
    assert!(welcome.contains("选择您住的社区"), "the community can be chosen next");
}

//! Login limits under concurrency (issue 9, finding 1): attempts are reserved before the
//! password is checked, hashing is bounded, the phone's owner can unlock with a texted code,
//! and every path that checks a password or a code is held to its limit.

use std::future::Future;

use crate::helpers::{PASSWORD, TestApp, csrf_in, latest_code};

/// Fires `n` login POSTs at once from one browser (one CSRF token, one cookie jar); returns
/// the statuses.
async fn parallel_logins(app: &TestApp, n: usize, phone: impl Fn(usize) -> String, password: &str) -> Vec<u16> {
    let token = app.csrf().await;
    let posts = (0..n).map(|i| {
        let form = [("_csrf", token.clone()), ("phone", phone(i)), ("password", password.to_owned())];
        let request = app.client.post(app.at("/login")).form(&form);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    join_all(posts).await
}

/// Runs the futures at once; their answers in any order.
async fn join_all<T: Send + 'static>(
    futures: impl IntoIterator<Item = impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut set = tokio::task::JoinSet::new();
    for f in futures {
        set.spawn(f);
    }
    let mut out = Vec::new();
    while let Some(answer) = set.join_next().await {
        out.push(answer.unwrap());
    }
    out
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// After a burst: wrong attempts one at a time until one is refused; how many were checked.
async fn checked_until_refused(app: &TestApp, phone: impl Fn(usize) -> String) -> usize {
    for i in 0..100 {
        let r = app.post("/login", &[("phone", &phone(i)), ("password", "wrong-password")]).await;
        match r.status().as_u16() {
            422 => continue,
            429 => return i,
            other => panic!("unexpected {other}"),
        }
    }
    panic!("never refused")
}

#[tokio::test]
async fn two_hundred_parallel_wrong_logins_for_one_phone_get_at_most_the_limit_checked() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let statuses = parallel_logins(&app, 200, |_| "13911112222".into(), "wrong-password").await;
    let checked = count(&statuses, 422);
    assert!(checked <= 10, "at most the phone's limit of 10 passwords were checked: {checked} were");
    assert_eq!(checked + count(&statuses, 429) + count(&statuses, 503), 200, "422, 429 or 503: {statuses:?}");
    // A 503 checked nothing and counted nothing: exactly ten checks in all before the lock.
    assert_eq!(checked + checked_until_refused(&app, |_| "13911112222".into()).await, 10);
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429, "the lock holds against the right password too");
}

#[tokio::test]
async fn parallel_logins_from_one_address_stop_at_the_address_limit() {
    let app = TestApp::spawn().await;
    // 150 different numbers, none registered: only the address's limit (50) applies.
    let statuses = parallel_logins(&app, 150, |i| format!("139{i:08}"), "wrong-password").await;
    let checked = count(&statuses, 422);
    assert!(checked <= 50, "at most the address's limit of 50 were checked: {checked} were");
    assert_eq!(checked + count(&statuses, 429) + count(&statuses, 503), 150, "{statuses:?}");
    assert_eq!(checked + checked_until_refused(&app, |i| format!("138{i:08}")).await, 50);
}

#[tokio::test]
async fn a_full_hashing_queue_answers_503_at_once_and_counts_nothing() {
    let app = TestApp::with_district().await;
    app.user("13911112222", "张三", None, &[]).await;
    // Take every hashing place, as a burst of logins would.
    let mut held = Vec::new();
    while let Ok(place) = app.state.hashing.admit() {
        held.push(place);
    }
    assert!(!held.is_empty());
    for _ in 0..12 {
        let r = app.post("/login", &[("phone", "13911112222"), ("password", "wrong-password")]).await;
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "2");
        let body = r.text().await.unwrap();
        assert!(body.contains("服务器正忙") && body.contains("请等几秒钟再试"), "translated: {body}");
    }
    // Registration hashes the new password: refused too, without spending one of the code's
    // five guesses (six tries with the right code, then it still works).
    let r = app.post("/register", &[("phone", "13933334444")]).await;
    assert_eq!(r.status(), 303, "sending a code hashes nothing");
    let token =
        r.headers()["location"].to_str().unwrap().split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = latest_code(&app).await;
    let community = app.community(crate::helpers::YUNXIAOLU).await.to_string();
    let complete = [
        ("token", token.as_str()),
        ("code", &code),
        ("name", "王五"),
        ("community_id", &community),
        ("password", "海边散步2026"),
    ];
    for _ in 0..6 {
        assert_eq!(app.post("/register/verify", &complete).await.status(), 503);
    }
    drop(held);
    // Twelve refusals counted nothing: more than the phone's limit, yet the owner logs in.
    app.login("13911112222").await;
    let r = app.post("/register/verify", &complete).await;
    assert_eq!(r.status(), 303, "the code's guesses were not spent by the refusals");
}

#[tokio::test]
async fn the_owner_unlocks_a_locked_phone_with_a_texted_code() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    let attacker = app.other_browser();
    let attacker_post = |password: &'static str| {
        let attacker = attacker.clone();
        let app_url = app.at("/login");
        let page = app.at("/login");
        async move {
            let html = attacker.get(&page).send().await.unwrap().text().await.unwrap();
            let form = [("_csrf", csrf_in(&html)), ("phone", "13911112222".into()), ("password", password.into())];
            attacker.post(&app_url).form(&form).send().await.unwrap().status().as_u16()
        }
    };
    for _ in 0..10 {
        assert_eq!(attacker_post("wrong-password").await, 422);
    }
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("用短信验证码解锁"));
    // Step one: the code goes to the phone.
    let (status, page) = app.page("/login/unlock").await;
    assert_eq!(status, 200);
    assert!(page.contains("解锁登录"));
    let r = app.post("/login/unlock", &[("phone", "139 1111 2222")]).await;
    assert_eq!(r.status(), 303);
    let next = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(next.starts_with("/login/unlock/verify?token="), "{next}");
    let token = next.split("token=").nth(1).unwrap().to_owned();
    let code = latest_code(&app).await;
    // A wrong code unlocks nothing.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let r = app.post("/login/unlock/verify", &[("token", &token), ("code", wrong)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("验证码不正确"));
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429);
    // The right code: this browser may try the password again.
    let r = app.post("/login/unlock/verify", &[("token", &token), ("code", &code)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?unlocked=1");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("ejia_unlock="))
        .expect("an unlock cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/login"));
    assert!(app.page("/login?unlocked=1").await.1.contains("已解锁"));
    // The lock still holds for everyone else, even with the right password.
    assert_eq!(attacker_post(PASSWORD).await, 429);
    // The owner's own budget: five wrong passwords, then the unlock is spent too.
    for _ in 0..5 {
        let r = app.post("/login", &[("phone", "13911112222"), ("password", "wrong-password")]).await;
        assert_eq!(r.status(), 422);
    }
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429, "an unlock's own five guesses are its limit");
}

#[tokio::test]
async fn after_unlocking_the_right_password_logs_in_and_the_code_is_spent() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    for _ in 0..10 {
        app.post("/login", &[("phone", "13911112222"), ("password", "wrong-password")]).await;
    }
    let r = app.post("/login/unlock", &[("phone", "13911112222")]).await;
    let token = r.headers()["location"].to_str().unwrap().split("token=").nth(1).unwrap().to_owned();
    let code = latest_code(&app).await;
    let r = app.post("/login/unlock/verify", &[("token", &token), ("code", &code)]).await;
    assert_eq!(r.status(), 303);
    let r = app.post("/login", &[("phone", "13911112222"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 303, "logged in");
    assert!(r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("ejia_unlock=;")));
    // The code cannot unlock again.
    let r = app.post("/login/unlock/verify", &[("token", &token), ("code", &code)]).await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn unlocking_a_number_without_an_account_reads_the_same_and_unlocks_nothing() {
    let app = TestApp::spawn().await;
    let r = app.post("/login/unlock", &[("phone", "13977778888")]).await;
    assert_eq!(r.status(), 303, "the same answer as for a registered number");
    let mut conn = app.state.db.conn().await.unwrap();
    let text = ejia::notify::recent_sms(&mut conn, 1).await.unwrap().remove(0).body;
    assert!(text.contains("还没有注册账号") && !text.chars().any(|c| c.is_ascii_digit()), "{text}");
    // Codes for unlocking count with registration's: five an hour per phone.
    for _ in 0..4 {
        assert_eq!(app.post("/register", &[("phone", "13977778888")]).await.status(), 303);
    }
    assert_eq!(app.post("/login/unlock", &[("phone", "13977778888")]).await.status(), 429);
}

#[tokio::test]
async fn parallel_code_guesses_spend_no_more_than_the_codes_five() {
    let app = TestApp::with_district().await;
    let community = app.community(crate::helpers::YUNXIAOLU).await.to_string();
    let r = app.post("/register", &[("phone", "13912345678")]).await;
    let token =
        r.headers()["location"].to_str().unwrap().split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = latest_code(&app).await;
    let csrf = app.csrf().await;
    let guesses = (0..40).map(|i| {
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
        let form = [
            ("_csrf", csrf.clone()),
            ("token", token.clone()),
            ("code", guess),
            ("name", "王五".to_owned()),
            ("community_id", community.clone()),
            ("password", "海边散步2026".to_owned()),
        ];
        let request = app.client.post(app.at("/register/verify")).form(&form);
        async move { request.send().await.unwrap().text().await.unwrap() }
    });
    let answers = join_all(guesses).await;
    let wrong = answers.iter().filter(|a| a.contains("验证码不正确")).count();
    let used_up = answers.iter().filter(|a| a.contains("验证码已过期或尝试次数过多")).count();
    assert!(wrong <= 5, "at most five guesses were compared: {wrong} were");
    assert_eq!(wrong + used_up, 40);
    // Even the right code is refused now.
    let r = app
        .post(
            "/register/verify",
            &[
                ("token", &token),
                ("code", &code),
                ("name", "王五"),
                ("community_id", &community),
                ("password", "海边散步2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_per_account() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    let csrf = app.csrf().await;
    let changes = (0..30).map(|_| {
        let form = [
            ("_csrf", csrf.clone()),
            ("current_password", "wrong-password".to_owned()),
            ("new_password", "新的密码很长很长".to_owned()),
            ("confirm_password", "新的密码很长很长".to_owned()),
        ];
        let request = app.client.post(app.at("/me/password")).form(&form);
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = join_all(changes).await;
    let mut checked = count(&statuses, 422);
    assert!(checked <= 10, "at most ten current passwords were checked: {statuses:?}");
    assert_eq!(checked + count(&statuses, 429) + count(&statuses, 503), 30, "{statuses:?}");
    let wrong = [
        ("current_password", "wrong-password"),
        ("new_password", "新的密码很长很长"),
        ("confirm_password", "新的密码很长很长"),
    ];
    while app.post("/me/password", &wrong).await.status() == 422 {
        checked += 1;
    }
    assert_eq!(checked, 10, "ten wrong current passwords in all, then the lock");
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
    assert_eq!(r.status(), 429, "the lock holds against the right password");
    assert!(r.headers().contains_key("retry-after"));
}

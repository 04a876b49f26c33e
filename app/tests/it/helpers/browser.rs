//! A second browser on the same app, and the newest texted code.

use super::{TestApp, csrf_in};

/// The newest texted code, read from the outbox before the gateway took it (the outbox keeps
/// it sealed: the installation's keys open it, as `ejia sms outbox` does).
pub async fn latest_code(app: &TestApp) -> String {
    let mut conn = app.state.db.conn().await.unwrap();
    let texts = ejia::notify::recent_sms(&mut conn, 1).await.unwrap();
    texts[0].text(&app.state.keys).chars().filter(char::is_ascii_digit).take(6).collect()
}

/// A second browser on the same app.
pub struct TestAppBrowser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

impl<'a> TestAppBrowser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self { app, client: app.other_browser() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.app.at(path)).send().await.unwrap()
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn login(&self, phone: &str, password: &str) {
        let token = csrf_in(&self.page("/login").await.1);
        let r = self
            .client
            .post(self.app.at("/login"))
            .form(&[("_csrf", token.as_str()), ("phone", phone), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "login of {phone}");
    }
}

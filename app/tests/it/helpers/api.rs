//! `Api`: a JSON API client for one user, with their personal token.

use ejia::ids::UserId;
use serde_json::Value;

use super::TestApp;

/// An API client for one user.
#[derive(Clone)]
pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub async fn new(app: &TestApp, user: UserId) -> Self {
        let token = ejia::accounts::credentials::create_api_token(&app.state, user, "test").await.unwrap();
        Self { base: app.at("/api/v1"), token, http: reqwest::Client::new() }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// The personal token, for requests this client does not make.
    pub fn token(&self) -> &str {
        &self.token
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body), None).await
    }

    /// A raw request (uploads, pictures): status, content type and body bytes.
    pub async fn raw(&self, method: reqwest::Method, path: &str, body: Vec<u8>) -> (u16, String, Vec<u8>) {
        let r = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token).body(body);
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, kind, r.bytes().await.unwrap().to_vec())
    }

    pub async fn book(&self, slot: i64, key: Option<&str>) -> (u16, Value) {
        self.send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), None, key).await
    }
}

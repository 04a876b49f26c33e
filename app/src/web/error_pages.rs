//! Turns every error response on the site into a translated page.
//!
//! Handlers return [`AppError`](crate::error::AppError)s, which leave an [`ErrorInfo`] on an
//! empty response. Anything else that fails — axum's own rejections, the body-size limit,
//! the timeout, a panic, an unknown URL — arrives here as a bare status with text we do not
//! control; its body is replaced too. Server errors are logged here, once, with their detail;
//! the page shows none of it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::ErrorInfo;
use crate::web::csrf::BrowserId;
use crate::web::{Ctx, see_other};

/// The error page.
#[derive(askama::Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Page context.
    pub ctx: Ctx,
    /// HTTP status.
    pub status: u16,
    /// Title key.
    pub title_key: &'static str,
    /// Detail key.
    pub detail_key: Option<&'static str>,
    /// Field error keys (for a 422 that was not shown on its form).
    pub fields: Vec<&'static str>,
    /// "Try again in N minutes", for 429.
    pub retry: Option<String>,
}

/// Middleware for the site tree.
pub async fn render(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let headers = request.headers().clone();
    let path = request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let mut browser = request.extensions().get::<BrowserId>().map(|b| b.0.clone());
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let info = response.extensions_mut().remove::<ErrorInfo>();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if info.is_none() && is_html {
        // A page rendered on purpose (a form shown again with its errors).
        return response;
    }
    let info = info.unwrap_or_else(|| ErrorInfo::for_status(status));
    if status == StatusCode::SERVICE_UNAVAILABLE && info.internal.is_none() {
        // Busy (a full line of picture uploads): worth noticing, not a fault.
        tracing::warn!(%status, %method, path, "request refused: busy");
    } else if status.is_server_error() {
        tracing::error!(%status, %method, path, detail = info.internal.as_deref().unwrap_or("-"), "request failed");
    }
    if status == StatusCode::UNAUTHORIZED && method == Method::GET {
        let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
        return see_other(&format!("/login?next={next}"));
    }
    // A first visit gets its CSRF cookie on this very response; the page's forms need it.
    let set_cookies: Vec<HeaderValue> = response.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    for value in &set_cookies {
        if let Some(c) = value.to_str().ok().and_then(|v| cookie::Cookie::parse(v.to_owned()).ok())
            && c.name() == crate::web::CSRF_COOKIE
        {
            browser = Some(c.value().to_owned());
        }
    }
    // The page needs the context (language, user menu); if even that fails, fall back to a
    // plain translated line rather than an empty body.
    let ctx = match Ctx::load(&state, &headers, path, browser.as_deref()).await {
        Ok(ctx) => ctx,
        Err(_) => return (status, crate::web::i18n::t(Default::default(), info.title_key)).into_response(),
    };
    let page = ErrorPage {
        status: status.as_u16(),
        title_key: info.title_key,
        detail_key: info.detail_key,
        fields: info.fields.iter().map(|f| f.key).collect(),
        // A 503's wait is seconds, said in its detail; "in N minutes" is for 429's windows.
        retry: info
            .retry_after
            .filter(|_| status == StatusCode::TOO_MANY_REQUESTS)
            .map(|s| ctx.tf("error.retry_in", &[("minutes", &s.div_ceil(60).to_string())])),
        ctx,
    };
    let mut out = match askama::Template::render(&page) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, crate::web::i18n::t(page.ctx.locale, info.title_key)).into_response(),
    };
    if let Some(secs) = info.retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    for value in set_cookies {
        out.headers_mut().append(header::SET_COOKIE, value);
    }
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

//! CSRF protection for every unsafe request on the cookie-authenticated site.
//!
//! Two independent checks, both required:
//! 1. Origin: a browser sends `Origin` (or at least `Referer`) with a POST; if present it must
//!    be this site — the configured public URL, or without one a loopback origin on the port
//!    the request came in on (see [`trusted_origin`]). `Origin: null` (sandboxed frames, some
//!    redirects) is refused. A request with neither header (not a browser) relies on the token.
//! 2. Token: a signed double-submit token. Each browser gets a random `ejia_csrf` cookie; forms
//!    carry `_csrf` = HMAC(key, cookie, session). An attacker can neither read the cookie nor
//!    forge the HMAC, and the token changes when the session does (login renews it).
//!
//! The token may come in the `x-csrf-token` header or as the `_csrf` field of a urlencoded
//! or multipart form, which this middleware reads and then hands on unchanged. The API tree does not pass
//! through here: it takes bearer tokens only, which browsers never attach by themselves.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::error::AppError;
use crate::server::LocalAddr;
use crate::web::client::{claimed_origin, is_https, trusted_origin};
use crate::web::{CSRF_COOKIE, SESSION_COOKIE};

/// The browser's CSRF cookie value, for building tokens in pages.
#[derive(Debug, Clone)]
pub struct BrowserId(pub String);

/// The session part of a CSRF token: a hash of the session cookie, or empty.
pub fn session_binding(jar: &CookieJar) -> String {
    jar.get(SESSION_COOKIE).map(|c| sha256_hex(c.value())).unwrap_or_default()
}

/// Middleware: issue the browser cookie, and check every unsafe request.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| plausible(v));
    let fresh = existing.is_none();
    let browser = existing.unwrap_or_else(random_token);

    let mut request = if is_unsafe(request.method()) {
        match check(&state, &jar, &browser, fresh, request).await {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        }
    } else {
        request
    };
    let secure = is_https(request.headers(), &state.config);
    request.extensions_mut().insert(BrowserId(browser.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let cookie = Cookie::build((CSRF_COOKIE, browser))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(time_days(365))
            .build();
        if let Ok(value) = cookie.to_string().parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

async fn check(
    state: &AppState,
    jar: &CookieJar,
    browser: &str,
    fresh: bool,
    request: Request,
) -> Result<Request, AppError> {
    let local = request.extensions().get::<LocalAddr>().map(|l| l.0);
    if let Some(claimed) = claimed_origin(request.headers())
        && !trusted_origin(&claimed, &state.config, local)
    {
        return Err(AppError::Csrf);
    }
    // A browser we have never seen cannot hold a valid token.
    if fresh {
        return Err(AppError::Csrf);
    }
    let session = session_binding(jar);
    if let Some(token) = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if state.keys.verify_csrf(token, browser, &session) { Ok(request) } else { Err(AppError::Csrf) };
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Csrf);
    }
    let limit = if multipart { UPLOAD_LIMIT } else { state.config.max_body_bytes };
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, limit).await.map_err(|_| AppError::BadRequest("error.too_large"))?;
    let token = if multipart {
        multipart_token(&content_type, bytes.clone()).await
    } else {
        form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned())
    };
    match token {
        Some(token) if state.keys.verify_csrf(&token, browser, &session) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Csrf),
    }
}

/// Largest multipart body (a file upload with its form fields).
pub const UPLOAD_LIMIT: usize = crate::media::model::MAX_UPLOAD_BYTES + 64 * 1024;

/// The `_csrf` field of a multipart form (our forms put it first, so little is parsed).
async fn multipart_token(content_type: &str, body: Bytes) -> Option<String> {
    let request =
        axum::http::Request::builder().header(header::CONTENT_TYPE, content_type).body(Body::from(body)).ok()?;
    let mut form =
        <axum::extract::Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("_csrf") {
            return field.text().await.ok();
        }
    }
    None
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Our cookie values are 43 characters of base64url; anything else is replaced.
fn plausible(value: &str) -> bool {
    value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Cookie max-age in days.
pub fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

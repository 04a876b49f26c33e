//! Serving kept images. An image never changes under its id, so browsers and proxies may
//! keep it for a year without asking again.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::media::store;
use crate::web::extract::Path;

/// Routes of this domain.
pub fn router() -> Router<AppState> {
    Router::new().route("/images/{file}", get(image))
}

async fn image(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id: i64 = file.strip_suffix(".jpg").and_then(|n| n.parse().ok()).ok_or(AppError::NotFound)?;
    let stored = store::get(&mut *state.db.conn().await?, id, true).await?.ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", &stored.sha256[..32]);
    let cached = headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut response = if cached { StatusCode::NOT_MODIFIED.into_response() } else { stored.bytes.into_response() };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&stored.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}

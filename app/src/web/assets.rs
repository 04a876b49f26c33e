//! Static assets, compiled into the binary: one stylesheet, the favicon, and three small scripts
//! (camera scanning on the staff check-in page, the position on the report and patrol pages,
//! putting an uploaded image's Markdown line into an article's body, filtering the report's problem
//! types as one types, showing the fields of the case page's chosen action; everything works without
//! them). URLs carry a content fingerprint, so browsers may cache them for a year.

use std::sync::LazyLock;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::web::extract::Path;

const CSS: &str = include_str!("../../static/ejia.css");
const ICON: &str = include_str!("../../static/icon.svg");
const CHECKIN_JS: &str = include_str!("../../static/checkin.js");
const GEO_JS: &str = include_str!("../../static/geo.js");
const NEWS_EDITOR_JS: &str = include_str!("../../static/news-editor.js");
const REPORT_JS: &str = include_str!("../../static/report.js");
const CASE_ACTIONS_JS: &str = include_str!("../../static/case-actions.js");

static VERSION: LazyLock<String> = LazyLock::new(|| {
    crate::crypto::sha256_hex(&format!("{CSS}{ICON}{CHECKIN_JS}{GEO_JS}{NEWS_EDITOR_JS}{REPORT_JS}{CASE_ACTIONS_JS}"))
        [..12]
        .to_owned()
});

/// The fingerprint of the current assets.
pub fn version() -> &'static str {
    VERSION.as_str()
}

/// `GET /static/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let (body, content_type) = match name.as_str() {
        "ejia.css" => (CSS, "text/css; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        "checkin.js" => (CHECKIN_JS, "text/javascript; charset=utf-8"),
        "geo.js" => (GEO_JS, "text/javascript; charset=utf-8"),
        "news-editor.js" => (NEWS_EDITOR_JS, "text/javascript; charset=utf-8"),
        "report.js" => (REPORT_JS, "text/javascript; charset=utf-8"),
        "case-actions.js" => (CASE_ACTIONS_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    response
}

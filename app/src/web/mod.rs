//! Shared web plumbing: the page context every handler extracts, CSRF, security headers,
//! error pages, metrics, static assets and translations. Security lives here so that the safe
//! path is the easy one: handlers never check a CSRF token or build an error page themselves, and
//! a handler for some roles only names its role gate in its signature (`guard`).

pub mod assets;
pub mod backoffice;
pub mod client;
pub mod csrf;
pub mod csv;
pub mod ctx;
pub mod error_pages;
pub mod extract;
pub mod flash;
pub mod forms;
pub mod guard;
pub mod i18n;
pub mod metrics;
pub mod public_cache;
pub mod security;

pub use ctx::{Ctx, CurrentUser};
pub use i18n::Locale;

use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::error::AppResult;

/// Cookie holding the session token (server-side session, see `accounts::credentials::sessions`).
pub const SESSION_COOKIE: &str = "ejia_sid";
/// Cookie identifying the browser for CSRF tokens.
pub const CSRF_COOKIE: &str = "ejia_csrf";
/// Cookie remembering the language.
pub const LANG_COOKIE: &str = "ejia_lang";
/// Cookie remembering large-text mode.
pub const VIEW_COOKIE: &str = "ejia_view";

/// Renders a template into an HTML response.
pub fn render<T: askama::Template>(page: &T) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a template with a status (e.g. 422 for a form with errors).
pub fn render_status<T: askama::Template>(status: axum::http::StatusCode, page: &T) -> AppResult<Response> {
    Ok((status, Html(page.render()?)).into_response())
}

/// 303 See Other: the answer to a successful form POST.
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The site's origin for absolute URLs (feeds, discovery documents): the configured public URL,
/// or in a development setup without one, the `Host` the request came to.
pub fn public_base(config: &crate::config::Config, headers: &axum::http::HeaderMap) -> String {
    match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            format!("http://{host}")
        }
    }
}

/// Keeps a user-supplied "return to" path on this site: a single leading slash, no scheme,
/// no protocol-relative `//host`, no backslashes browsers might normalise.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/me?tab=1")), "/me?tab=1");
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "me", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

//! The page context: who is asking, in which language and display mode, and the CSRF token
//! their forms must carry. Every site handler extracts a [`Ctx`] and every page template
//! receives it, so the layout can render the header, toggles and user menu.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;

use crate::accounts;
use crate::app::AppState;
use crate::authz::{Action, Target};
use crate::error::{AppError, AppResult};
use crate::web::csrf::{BrowserId, session_binding};
use crate::web::i18n::{self, Locale};
use crate::web::{LANG_COOKIE, SESSION_COOKIE, VIEW_COOKIE, assets};

pub use crate::accounts::CurrentUser;

/// What every page knows about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Language of the page.
    pub locale: Locale,
    /// 适老化 large-text, high-contrast mode.
    pub large_text: bool,
    /// The logged-in user, if any.
    pub user: Option<CurrentUser>,
    /// The CSRF token for forms on this page.
    pub csrf: String,
    /// Path and query of this request, for "return here" links and toggles.
    pub path: String,
    /// Fingerprint appended to asset URLs.
    pub asset_version: &'static str,
    /// What the last action did, said once on this page (see `web::flash`).
    pub flash: Option<crate::web::flash::Flash>,
}

impl Ctx {
    /// Builds the context from request headers: cookies first, then the session in the
    /// database (one query, only when a session cookie is present).
    pub async fn load(state: &AppState, headers: &HeaderMap, path: String, browser: Option<&str>) -> AppResult<Self> {
        let jar = CookieJar::from_headers(headers);
        let user = match jar.get(SESSION_COOKIE) {
            Some(cookie) => accounts::credentials::sessions::current_user(state, cookie.value()).await?,
            None => None,
        };
        let browser =
            browser.map(str::to_owned).or_else(|| jar.get(crate::web::CSRF_COOKIE).map(|c| c.value().to_owned()));
        let csrf = state.keys.csrf_token(browser.as_deref().unwrap_or_default(), &session_binding(&jar));
        let locale = jar
            .get(LANG_COOKIE)
            .and_then(|c| Locale::from_tag(c.value()))
            .or_else(|| user.as_ref().and_then(|u| u.locale))
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Locale::from_accept_language)
            })
            .unwrap_or_default();
        let large_text = match jar.get(VIEW_COOKIE).map(|c| c.value().to_owned()) {
            Some(v) => v == "large",
            None => user.as_ref().is_some_and(|u| u.large_text),
        };
        let flash = crate::web::flash::of(&jar);
        Ok(Self { locale, large_text, user, csrf, path, asset_version: assets::version(), flash })
    }

    /// Translates a catalog key.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.locale, key)
    }

    /// A moment as residents read it, the weekday included (a date alone makes them count on
    /// their fingers): `2026-11-29 17:05 周日`, `2026-11-29 17:05 Sun` — the shape the working
    /// calendar's pages already use. Empty for a time out of range.
    pub fn when(&self, unix: i64) -> String {
        let Some(t) = chrono::DateTime::from_timestamp(unix, 0) else { return String::new() };
        let t = t.with_timezone(&crate::clock::DISTRICT_OFFSET);
        format!("{} {}", t.format("%Y-%m-%d %H:%M"), self.t(i18n::weekday_key(t.date_naive())))
    }

    /// "2026-12-09 周三": a day (`YYYY-MM-DD` as stored) with its weekday in this page's
    /// language; a text that is not a day is shown as it is.
    pub fn day(&self, day: &str) -> String {
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) => format!("{day} {}", self.t(i18n::weekday_key(d))),
            Err(_) => day.to_owned(),
        }
    }

    /// A reference-data name in this page's language (see [`i18n::LocalName`]).
    pub fn name(&self, zh: &str, en: Option<&str>) -> i18n::LocalName {
        i18n::LocalName::pick(self.locale, zh, en)
    }

    /// "2026-12-09 19:30–20:30 周三": a span of time on one day, with the weekday as [`Ctx::when`]
    /// gives it.
    pub fn when_range(&self, start: i64, end: i64) -> String {
        let day = crate::clock::local_day(start);
        format!("{day} {} {}", crate::clock::time_range(start, end), self.t(i18n::weekday_key(day)))
    }

    /// Translates a key with `{placeholders}`.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.locale, key, args)
    }

    /// The logged-in user, or 401 (which the error layer turns into a login redirect).
    pub fn user(&self) -> AppResult<&CurrentUser> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// Whether the user may do `action` to `target`.
    pub fn can(&self, action: Action, target: &Target) -> bool {
        self.user.as_ref().is_some_and(|u| u.principal.can(action, target))
    }

    /// The user, if they may do `action` to `target`; 401 or 403 otherwise.
    pub fn require(&self, action: Action, target: &Target) -> AppResult<&CurrentUser> {
        let user = self.user()?;
        if user.principal.can(action, target) { Ok(user) } else { Err(AppError::Forbidden) }
    }

    /// Whether to show the back-office link.
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.principal.is_staff())
    }

    /// Whether to show the enterprise's own link (帮办代办).
    pub fn is_enterprise(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.principal.has_role(crate::authz::Role::Enterprise))
    }

    /// The URL-encoded current path, for `?next=` links.
    pub fn next_param(&self) -> String {
        form_urlencoded::byte_serialize(self.path.as_bytes()).collect()
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
        let browser = parts.extensions.get::<BrowserId>().map(|b| b.0.clone());
        let ctx = Ctx::load(state, &parts.headers, path, browser.as_deref()).await?;
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

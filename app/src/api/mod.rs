//! The JSON API under `/api/v1`: bearer tokens instead of cookies (so no CSRF), RFC 9457
//! problem+json errors, cursor pagination, and an OpenAPI 3.1 document generated from the
//! handlers themselves, so it cannot drift from the code. What every operation answers because
//! of its shape (401, 408, 400/413/415 for bodies, 400 for parameters, 404 for ids) is added to
//! the document in one place, [`contract`]; CI runs an OpenAPI fuzzer against it
//! (`e2e/openapi/`).

pub mod contract;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::error::{AppError, ErrorInfo};
use crate::web::i18n::{self, Locale};

#[derive(OpenApi)]
#[openapi(
    info(title = "ejia API", description = "e家: the district's civic platform. Authenticate with `Authorization: Bearer <token>` (`ejia token create`); a token sent to an operation that needs none must be valid too. Every error is RFC 9457 problem+json. Beyond the statuses each operation lists, a connection over the server's cap is refused before its request is read, with an empty `503` and `Retry-After`."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    components(schemas(Problem, FieldProblem))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API router (to be nested at `/api/v1`) and its OpenAPI document.
pub fn openapi_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = domains()
        .into_iter()
        .fold(OpenApiRouter::with_openapi(ApiDoc::openapi()), OpenApiRouter::merge)
        .split_for_parts();
    contract::GenericAnswers.modify(&mut doc);
    (router, doc)
}

/// Each domain's API routes with their part of the document (see `app::DOMAINS`).
fn domains() -> Vec<OpenApiRouter<AppState>> {
    crate::app::DOMAINS.iter().map(|domain| (domain.api)()).collect()
}

/// The API, with its layers and the document at `/openapi.json`.
pub fn router(state: AppState, timeout: Duration) -> Router<AppState> {
    let (router, doc) = openapi_router();
    let doc = std::sync::Arc::new(doc);
    router
        .route_layer(from_fn_with_state(state.clone(), authenticate))
        .route(
            "/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { AppError::NotFound })
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::new())
        .layer(from_fn(problems))
        .with_state(state)
}

/// An RFC 9457 problem.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short translated summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Translated explanation, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field errors, for 422.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldProblem>,
}

/// One invalid field.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// Field name.
    pub field: String,
    /// Translated message.
    pub message: String,
}

/// Middleware: every error response of the API becomes problem+json in the client's language.
async fn problems(request: Request, next: Next) -> Response {
    let locale = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let info = response.extensions_mut().remove::<ErrorInfo>().unwrap_or_else(|| ErrorInfo::for_status(status));
    if status == StatusCode::SERVICE_UNAVAILABLE && info.internal.is_none() {
        tracing::warn!(%status, path, "api request refused: busy");
    } else if status.is_server_error() {
        tracing::error!(%status, path, detail = info.internal.as_deref().unwrap_or("-"), "api request failed");
    }
    let problem = Problem {
        kind: "about:blank".into(),
        title: i18n::t(locale, info.title_key).into(),
        status: status.as_u16(),
        detail: info.detail_key.map(|k| i18n::t(locale, k).into()),
        errors: info
            .fields
            .iter()
            .map(|f| FieldProblem { field: f.field.into(), message: i18n::t(locale, f.key).into() })
            .collect(),
    };
    let mut out = (status, axum::Json(problem)).into_response();
    out.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    if let Some(secs) = info.retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if status == StatusCode::UNAUTHORIZED {
        out.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    out
}

/// The user behind `Authorization: Bearer <token>`, if any. A malformed or unknown token is
/// a 401, not an anonymous request, so a client never mistakes a failed login for success.
#[derive(Debug, Clone)]
pub struct MaybeApiUser(pub Option<Arc<CurrentUser>>);

/// A request that must carry a valid bearer token.
#[derive(Debug, Clone)]
pub struct ApiUser(pub Arc<CurrentUser>);

/// The token's owner, found once per request by [`authenticate`].
#[derive(Debug, Clone)]
struct Authenticated(Arc<CurrentUser>);

/// The owner of the request's bearer token; None without an `Authorization` header.
async fn bearer_user(headers: &axum::http::HeaderMap, state: &AppState) -> Result<Option<Arc<CurrentUser>>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(AppError::Unauthorized)?;
    Ok(Some(state.tokens.user(state, token).await?.ok_or(AppError::Unauthorized)?))
}

/// Middleware on every API operation: a token that is sent must be valid, whether or not the
/// operation needs one (one rule, so the contract can say it once: see [`contract`]).
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    match bearer_user(request.headers(), &state).await {
        Ok(Some(user)) => {
            request.extensions_mut().insert(Authenticated(user));
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    next.run(request).await
}

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(Authenticated(user)) = parts.extensions.get::<Authenticated>() {
            return Ok(MaybeApiUser(Some(user.clone())));
        }
        Ok(MaybeApiUser(bearer_user(&parts.headers, state).await?))
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeApiUser::from_request_parts(parts, state).await?.0 {
            Some(user) => Ok(ApiUser(user)),
            None => Err(AppError::Unauthorized),
        }
    }
}

/// Something created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// Cursor pagination parameters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl PageParams {
    /// (last id seen, page size); a cursor we did not issue is a 400.
    pub fn decode(&self) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(AppError::BadRequest("error.limit_invalid"));
        }
        let after = match &self.cursor {
            None => 0,
            Some(c) => URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.strip_prefix("v1:").and_then(|n| n.parse::<i64>().ok()))
                .filter(|n| *n >= 0)
                .ok_or(AppError::BadRequest("error.cursor_invalid"))?,
        };
        Ok((after, limit))
    }
}

/// The cursor for the page after one whose last item has `last_id`, if the page was full.
pub fn next_cursor(len: usize, limit: i64, last_id: Option<i64>) -> Option<String> {
    match last_id {
        Some(id) if i64::try_from(len).ok() == Some(limit) => Some(URL_SAFE_NO_PAD.encode(format!("v1:{id}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// utoipa names a schema by its type's last name and keeps one schema per name: two types
    /// called `Row` in two domains gave `/case-stats` the assistance list's rows. Names must be
    /// unique across domains (`#[schema(as = …)]` renames one).
    #[test]
    fn no_two_domains_give_one_schema_name_to_different_types() {
        let mut seen: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
        let mut clashes = Vec::new();
        for domain in domains() {
            let doc = domain.into_openapi();
            for (name, schema) in doc.components.map(|c| c.schemas).unwrap_or_default() {
                let schema = serde_json::to_value(schema).unwrap_or_default();
                match seen.get(&name) {
                    Some(before) if before != &schema => clashes.push(name),
                    _ => {
                        seen.insert(name, schema);
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "schema names given to two different types: {clashes:?}");
    }

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let c = next_cursor(2, 2, Some(41)).unwrap();
        let p = PageParams { cursor: Some(c), limit: Some(2) };
        assert_eq!(p.decode().unwrap(), (41, 2));
        assert_eq!(next_cursor(1, 2, Some(41)), None, "a short page is the last");
        for bad in ["", "!!", "djE6LTE", "eHh4"] {
            let p = PageParams { cursor: Some(bad.into()), limit: None };
            assert!(p.decode().is_err(), "{bad}");
        }
        assert!(PageParams { cursor: None, limit: Some(0) }.decode().is_err());
        assert!(PageParams { cursor: None, limit: Some(201) }.decode().is_err());
    }
}

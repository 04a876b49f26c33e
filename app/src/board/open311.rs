//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) over the case engine, so
//! that existing Open311 clients can list categories, read the public cases and file new
//! ones. Mounted at `/open311/v2`, outside the site's CSRF and error pages: clients send an
//! `api_key` (an API token) instead of cookies and expect the spec's error format
//! (`[{"code": 400, "description": "…"}]`, or `<errors>` in XML).
//!
//! Mapping: a minor category is a service (its code the `service_code`, its major the
//! `group`); a case is a service request, `open` until closed, rejected or voided, its step
//! in `status_notes`, its deadline in `expected_datetime`. Only public categories are listed,
//! never who reported, and a description only once the case is accepted (until then it has
//! not been read by anyone).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::appointments::model::rfc3339;
use crate::board::store::{self as board, PublicCase};
use crate::cases;
use crate::cases::service::{self, NewCase};
use crate::error::AppError;
use crate::web::i18n::{self, Locale};

/// Longest a list answers with, and how far back it looks by default (the spec's defaults).
const MAX_RESULTS: i64 = 1000;
const DEFAULT_DAYS: i64 = 90;

/// The routes, to be nested at `/open311/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/discovery.json", get(discovery))
        .route("/services.json", get(|s: State<AppState>| services(s, Format::Json)))
        .route("/services.xml", get(|s: State<AppState>| services(s, Format::Xml)))
        .route("/services/{file}", get(service_definition))
        .route(
            "/requests.json",
            get(|s: State<AppState>, q: QueryResult| requests(s, q, Format::Json))
                .post(|s: State<AppState>, k: KeyQuery, f: FormResult| post_request(s, k, f, Format::Json)),
        )
        .route(
            "/requests.xml",
            get(|s: State<AppState>, q: QueryResult| requests(s, q, Format::Xml))
                .post(|s: State<AppState>, k: KeyQuery, f: FormResult| post_request(s, k, f, Format::Xml)),
        )
        .route("/requests/{file}", get(one_request))
}

/// PostgreSQL's text cannot hold U+0000 (it would fail there as a 500): refused first, on
/// either engine, as the site's and the API's extractors do (`web::extract`).
const NUL: &str = "text may not contain U+0000";

fn holds_nul(texts: &[Option<&str>]) -> bool {
    texts.iter().flatten().any(|t| t.contains('\0'))
}

type QueryResult = Result<Query<RequestsQuery>, axum::extract::rejection::QueryRejection>;
type FormResult = Result<axum::Form<PostBody>, axum::extract::rejection::FormRejection>;
type KeyQuery = Query<KeyInQuery>;

/// Some clients (the Python `open311` wrapper among them) send `api_key` in the query.
#[derive(Debug, Default, Deserialize)]
struct KeyInQuery {
    api_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

impl Format {
    fn of(file: &str) -> Option<(&str, Self)> {
        file.strip_suffix(".json")
            .map(|stem| (stem, Format::Json))
            .or_else(|| file.strip_suffix(".xml").map(|stem| (stem, Format::Xml)))
    }
}

/// An Open311 error.
struct Problem(StatusCode, &'static str, Format);

#[derive(askama::Template)]
#[template(path = "open311/errors.xml")]
struct ErrorsXml {
    code: u16,
    description: &'static str,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let Problem(status, description, format) = self;
        match format {
            Format::Json => {
                (status, axum::Json(serde_json::json!([{"code": status.as_u16(), "description": description}])))
                    .into_response()
            }
            Format::Xml => xml(status, &ErrorsXml { code: status.as_u16(), description }),
        }
    }
}

fn internal(format: Format) -> impl Fn(sqlx::Error) -> Problem {
    move |e| {
        tracing::error!(error = %e, "open311 request failed");
        Problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error", format)
    }
}

fn xml(status: StatusCode, template: &impl askama::Template) -> Response {
    match template.render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "open311 xml failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn discovery(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = crate::web::public_base(&state.config, &headers);
    axum::Json(serde_json::json!({
        "changeset": "2026-11-29T00:00:00+08:00",
        "contact": "市南区数字城管指挥中心",
        "key_service": "API keys are issued with `ejia token create` or in the back office.",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{base}/open311/v2"),
            "changeset": "2026-11-29T00:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }))
    .into_response()
}

/// A service, as the spec names its fields.
#[derive(Debug, Serialize)]
struct ServiceOut {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: String,
}

#[derive(askama::Template)]
#[template(path = "open311/services.xml")]
struct ServicesXml {
    services: Vec<ServiceOut>,
}

async fn service_list(state: &AppState, format: Format) -> Result<Vec<ServiceOut>, Problem> {
    let all =
        cases::categories(&mut *state.db.conn().await.map_err(internal(format))?).await.map_err(internal(format))?;
    let group = |code: &str| all.iter().find(|c| c.code == code).map(|c| c.name.clone()).unwrap_or_default();
    Ok(all
        .iter()
        .filter(|c| c.public)
        .filter_map(|c| {
            let parent = c.parent_code.as_deref()?;
            Some(ServiceOut {
                service_code: c.code.clone(),
                service_name: c.name.clone(),
                description: c.name.clone(),
                metadata: false,
                kind: "realtime",
                keywords: String::new(),
                group: group(parent),
            })
        })
        .collect())
}

async fn services(State(state): State<AppState>, format: Format) -> Result<Response, Problem> {
    let services = service_list(&state, format).await?;
    Ok(match format {
        Format::Json => axum::Json(services).into_response(),
        Format::Xml => xml(StatusCode::OK, &ServicesXml { services }),
    })
}

/// A service's definition: our services ask nothing beyond the standard fields.
async fn service_definition(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, Problem> {
    let (code, format) = Format::of(&file).ok_or(Problem(StatusCode::NOT_FOUND, "unknown format", Format::Json))?;
    if holds_nul(&[Some(code)]) {
        return Err(Problem(StatusCode::BAD_REQUEST, NUL, format));
    }
    // Only a known public code (digits) goes on: it is written into the XML below as it is.
    let known = cases::category_by_code(&mut *state.db.conn().await.map_err(internal(format))?, code)
        .await
        .map_err(internal(format))?
        .is_some_and(|c| c.public);
    if !known {
        return Err(Problem(StatusCode::NOT_FOUND, "no such service_code", format));
    }
    Ok(match format {
        Format::Json => axum::Json(serde_json::json!({"service_code": code, "attributes": []})).into_response(),
        Format::Xml => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition><service_code>{code}</service_code>\
                 <attributes></attributes></service_definition>\n"
            );
            (StatusCode::OK, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
        }
    })
}

/// A request, as the spec names its fields.
#[derive(Debug, Serialize)]
struct RequestOut {
    service_request_id: String,
    status: &'static str,
    status_notes: String,
    service_name: String,
    service_code: String,
    description: Option<String>,
    agency_responsible: Option<String>,
    service_notice: &'static str,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: String,
    address_id: Option<String>,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

impl RequestOut {
    fn new(c: PublicCase) -> Self {
        Self {
            service_request_id: c.id.to_string(),
            status: if c.state.is_open() { "open" } else { "closed" },
            status_notes: i18n::t(Locale::default(), c.state.key()).to_owned(),
            service_name: c.category,
            service_code: c.code,
            description: c.description,
            agency_responsible: c.department,
            service_notice: "",
            requested_datetime: rfc3339(c.created_at),
            updated_datetime: rfc3339(c.updated_at),
            expected_datetime: c.deadline_at.map(rfc3339),
            address: c.address,
            address_id: None,
            zipcode: None,
            lat: c.coords.map(|p| p.0),
            long: c.coords.map(|p| p.1),
            media_url: None,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "open311/requests.xml")]
struct RequestsXml {
    requests: Vec<RequestOut>,
}

fn answer(requests: Vec<RequestOut>, format: Format) -> Response {
    match format {
        Format::Json => axum::Json(requests).into_response(),
        Format::Xml => xml(StatusCode::OK, &RequestsXml { requests }),
    }
}

/// The spec's filters.
#[derive(Debug, Default, Deserialize)]
struct RequestsQuery {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

async fn requests(State(state): State<AppState>, query: QueryResult, format: Format) -> Result<Response, Problem> {
    let bad = |what| Problem(StatusCode::BAD_REQUEST, what, format);
    let Query(q) = query.map_err(|_| bad("unreadable query"))?;
    let texts = [&q.service_request_id, &q.service_code, &q.start_date, &q.end_date, &q.status];
    if holds_nul(&texts.map(Option::as_deref)) {
        return Err(bad(NUL));
    }
    let date = |s: &Option<String>| -> Result<Option<i64>, Problem> {
        s.as_deref()
            .map(|s| {
                chrono::DateTime::parse_from_rfc3339(s).map(|t| t.timestamp()).map_err(|_| bad("dates are ISO 8601"))
            })
            .transpose()
    };
    let now = state.clock.unix();
    let to = date(&q.end_date)?.unwrap_or(now + 1);
    let from = date(&q.start_date)?.unwrap_or(to - DEFAULT_DAYS * 86_400);
    let ids = match &q.service_request_id {
        Some(list) => list
            .split(',')
            .map(|id| id.trim().parse::<i64>().map_err(|_| bad("service_request_id is a number")))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let open = match q.status.as_deref() {
        None | Some("") | Some("open,closed") | Some("closed,open") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => return Err(bad("status is open or closed")),
    };
    // Looked up by id, a request is found whatever its date.
    let (from, to) = if ids.is_empty() { (from, to) } else { (0, i64::MAX) };
    let query = board::Query { ids, code: q.service_code, from, to, open, limit: MAX_RESULTS };
    let found =
        board::list(&mut *state.db.conn().await.map_err(internal(format))?, &query).await.map_err(internal(format))?;
    Ok(answer(found.into_iter().map(RequestOut::new).collect(), format))
}

async fn one_request(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, Problem> {
    let (id, format) = Format::of(&file).ok_or(Problem(StatusCode::NOT_FOUND, "unknown format", Format::Json))?;
    let id: i64 = id.parse().map_err(|_| Problem(StatusCode::NOT_FOUND, "no such request", format))?;
    let query = board::Query { ids: vec![id], from: 0, to: i64::MAX, limit: 1, ..board::Query::default() };
    let found =
        board::list(&mut *state.db.conn().await.map_err(internal(format))?, &query).await.map_err(internal(format))?;
    if found.is_empty() {
        return Err(Problem(StatusCode::NOT_FOUND, "no such request", format));
    }
    Ok(answer(found.into_iter().map(RequestOut::new).collect(), format))
}

/// A new request, as the spec names its fields (name, email, phone and device are not kept:
/// the reporter is the owner of the API key).
#[derive(Debug, Default, Deserialize)]
struct PostBody {
    api_key: Option<String>,
    service_code: Option<String>,
    description: Option<String>,
    address_string: Option<String>,
    lat: Option<String>,
    long: Option<String>,
}

async fn post_request(
    State(state): State<AppState>,
    Query(in_query): KeyQuery,
    body: FormResult,
    format: Format,
) -> Result<Response, Problem> {
    let bad = |what| Problem(StatusCode::BAD_REQUEST, what, format);
    let axum::Form(b) = body.map_err(|_| bad("unreadable form"))?;
    let texts = [&b.api_key, &in_query.api_key, &b.service_code, &b.description, &b.address_string, &b.lat, &b.long];
    if holds_nul(&texts.map(Option::as_deref)) {
        return Err(bad(NUL));
    }
    let key = b.api_key.or(in_query.api_key).filter(|k| !k.is_empty()).ok_or(Problem(
        StatusCode::FORBIDDEN,
        "api_key required",
        format,
    ))?;
    let user = state.tokens.user(&state, &key).await.map_err(internal(format))?.ok_or(Problem(
        StatusCode::FORBIDDEN,
        "invalid api_key",
        format,
    ))?;
    let code = b.service_code.as_deref().ok_or(bad("service_code required"))?;
    let category = cases::category_by_code(&mut *state.db.conn().await.map_err(internal(format))?, code)
        .await
        .map_err(internal(format))?
        .filter(|c| c.public)
        .ok_or(bad("no such service_code"))?;
    // A location is required: an address, or coordinates, or both.
    let coords = b.lat.as_deref().zip(b.long.as_deref()).and_then(|(lat, long)| {
        let at = (lat.trim().parse::<f64>().ok()?, long.trim().parse::<f64>().ok()?);
        crate::cases::model::valid_coords(at).then_some(at)
    });
    let address = b.address_string.filter(|a| !a.trim().is_empty());
    if address.is_none() && coords.is_none() {
        return Err(bad("address_string or lat and long required"));
    }
    let new = NewCase {
        coords,
        patrol_id: None,
        category_id: category.id,
        description: b.description.unwrap_or_default(),
        community_id: None,
        address: address.unwrap_or_default(),
        anonymous: false,
    };
    let case = match service::file(&state, &user, new).await {
        Ok(case) => case,
        Err(AppError::Invalid(errors)) => {
            let field = errors.first().map_or("", |e| e.field);
            return Err(bad(if field == "description" {
                "description required (at most 2000 characters)"
            } else {
                "invalid request"
            }));
        }
        Err(e) => {
            tracing::error!(error = %e, "open311 post failed");
            return Err(Problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error", format));
        }
    };
    let id = case.id.to_string();
    Ok(match format {
        Format::Json => {
            axum::Json(serde_json::json!([{"service_request_id": id, "service_notice": "", "account_id": null}]))
                .into_response()
        }
        Format::Xml => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request><service_request_id>{id}\
                 </service_request_id><service_notice></service_notice><account_id></account_id></request>\
                 </service_requests>\n"
            );
            (StatusCode::OK, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
        }
    })
}

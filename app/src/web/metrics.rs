//! Prometheus metrics: requests and latency by route, database pool use, and connections
//! (open, and cut short by the server's limits, by reason).
//!
//! They are not for the public: request counts per route, pool use and refused connections
//! help whoever plans an attack. So `/metrics` is served on its own listen address
//! (`EJIA_METRICS_ADDR`, meant for an internal network) and/or behind a bearer token
//! (`EJIA_METRICS_TOKEN`). On the main address it exists only when a token is configured and
//! presented; otherwise it is the same 404 page as any unknown path.
//!
//! Routes are labelled by their pattern (`/manage/venues/{id}`), never by the raw path, so an
//! attacker cannot blow up the label set by requesting random URLs.

use std::sync::atomic::AtomicI64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use secrecy::{ExposeSecret as _, SecretString};

use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::db::writer::WriterStats;
use crate::error::AppError;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms … ~4 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pool: Family<PoolLabels, Gauge<i64, AtomicI64>>,
    connections: Gauge<i64, AtomicI64>,
    refused: Family<ReasonLabels, Counter>,
    /// Jobs waiting for SQLite's writer thread, set when scraped (SQLite only).
    writer_queue: Option<Gauge<i64, AtomicI64>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ejia");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        let pool = Family::<PoolLabels, Gauge<i64, AtomicI64>>::default();
        registry.register("http_requests", "HTTP requests by method, route and status", requests.clone());
        registry.register("http_request_duration_seconds", "HTTP request latency by route", latency.clone());
        registry.register("db_pool_connections", "Database pool connections by state", pool.clone());
        let connections = Gauge::<i64, AtomicI64>::default();
        let refused = Family::<ReasonLabels, Counter>::default();
        registry.register("http_connections", "Open HTTP connections", connections.clone());
        registry.register(
            "http_connections_refused",
            "HTTP connections refused or cut short by the server's limits, by reason",
            refused.clone(),
        );
        Self { registry, requests, latency, pool, connections, refused, writer_queue: None }
    }
}

impl Metrics {
    /// Adds the SQLite writer's measurements: its commit times (where a slow disk shows, and
    /// the tail of a rush with it), its batch sizes and its queue — an alert on the queue
    /// says the writer falls behind before requests time out.
    pub fn register_writer(&mut self, stats: &WriterStats) {
        self.registry.register(
            "sqlite_writer_commit_seconds",
            "Seconds each commit of SQLite's writer thread took (its fsync, mostly)",
            stats.commit_seconds.clone(),
        );
        self.registry.register(
            "sqlite_writer_batch_jobs",
            "Writes committed together in each batch of SQLite's writer thread",
            stats.batch_jobs.clone(),
        );
        let queue = Gauge::<i64, AtomicI64>::default();
        self.registry.register("sqlite_writer_queue", "Writes waiting for SQLite's writer thread", queue.clone());
        self.writer_queue = Some(queue);
    }

    /// A connection was accepted.
    pub fn connection_opened(&self) {
        self.connections.inc();
    }

    /// A connection ended.
    pub fn connection_closed(&self) {
        self.connections.dec();
    }

    /// A connection was refused or cut short (`over_capacity`, `header_timeout`, ...).
    pub fn connection_refused(&self, reason: &'static str) {
        self.refused.get_or_create(&ReasonLabels { reason }).inc();
    }
}

/// Middleware recording each request.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    m.requests.get_or_create(&RequestLabels { method, route, status: response.status().as_u16() }).inc();
    response
}

/// `GET /metrics` on the main address: only with the configured token; otherwise not found.
pub async fn serve_main(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    match &state.config.metrics_token {
        Some(token) if presents(&headers, token) => Ok(serve(&state)),
        _ => Err(AppError::NotFound),
    }
}

/// `GET /metrics` on the metrics address: with the token, if one is configured (401 without).
pub async fn serve_own(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match &state.config.metrics_token {
        Some(token) if !presents(&headers, token) => {
            (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response()
        }
        _ => serve(&state),
    }
}

/// The router of the metrics address: `/metrics`, nothing else.
pub fn own_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(serve_own))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state)
}

/// Whether the request carries `Authorization: Bearer <token>`. The two are compared as
/// SHA-256 digests, so the time taken says nothing about how much of a guess was right.
fn presents(headers: &HeaderMap, token: &SecretString) -> bool {
    let presented =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    presented.is_some_and(|p| sha256_hex(p.trim()) == sha256_hex(token.expose_secret()))
}

/// The metrics in the Prometheus text format.
fn serve(state: &AppState) -> Response {
    let Some(body) = render(state) else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// The metrics as `/metrics` serves them, with the gauges read now.
pub fn render(state: &AppState) -> Option<String> {
    let m = &state.metrics;
    let (open, idle) = state.db.pool_usage();
    let idle = i64::try_from(idle).unwrap_or(i64::MAX);
    m.pool.get_or_create(&PoolLabels { state: "idle" }).set(idle);
    m.pool.get_or_create(&PoolLabels { state: "in_use" }).set(i64::from(open) - idle);
    if let (Some(gauge), Some((_, queued))) = (&m.writer_queue, state.db.writer_stats()) {
        gauge.set(i64::try_from(queued).unwrap_or(i64::MAX));
    }
    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &m.registry).ok()?;
    Some(body)
}

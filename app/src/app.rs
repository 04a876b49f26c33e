//! The application state and the router: the public site, the back office, the JSON API and
//! the operations endpoints, each with the layers it needs.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse as _;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Keys;
use crate::db::Db;
use crate::error::AppError;
use crate::web::metrics::Metrics;
use crate::{accounts, api, audit, org, web};

/// Everything a request handler may need. Cloned for every request and middleware, so it is
/// one reference-counted pointer.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The shared parts of [`AppState`].
pub struct Shared {
    /// The database.
    pub db: Db,
    /// Configuration.
    pub config: Arc<Config>,
    /// Derived secret keys.
    pub keys: Arc<Keys>,
    /// The clock (a parameter so tests control time).
    pub clock: Arc<dyn Clock>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// The district's structure for public pages.
    pub structure: Arc<crate::org::cache::StructureCache>,
    /// Recently verified API tokens.
    pub tokens: Arc<crate::accounts::tokens::TokenCache>,
    /// What the pooled booking path remembers.
    pub booking_cache: crate::bookings::cache::BookingCache,
    /// Group commit of bookings (PostgreSQL; SQLite has its writer thread).
    pub booking_batch: Option<crate::bookings::batch::Batcher>,
    /// Password hashing: at most one per core, a short queue, then 503.
    pub hashing: accounts::password::Hashing,
    /// Picture decoders (a few at a time, a short line, then 503).
    pub decoders: crate::media::Decoders,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.db).field("config", &self.config).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl AppState {
    /// Connects to the database, migrates it and loads the keys.
    pub async fn open(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        crate::web::i18n::check_catalogs()?;
        std::fs::create_dir_all(&config.data_dir)?;
        let keys = Keys::load_or_create(config.secret_key.as_ref(), &config.data_dir)?;
        let db = Db::connect(&config.database_url(), config.db_max_connections).await?;
        db.migrate().await?;
        // Lotteries opened before seeds were committed get their commitment before any draw.
        crate::bookings::lottery::commit_uncommitted(&db, &keys, clock.unix()).await?;
        let booking_batch = match db.backend() {
            crate::db::Backend::Postgres => Some(crate::bookings::batch::Batcher::start(&config.database_url())?),
            crate::db::Backend::Sqlite => None,
        };
        Ok(Self(Arc::new(Shared {
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            clock,
            metrics: Arc::new(Metrics::default()),
            structure: Arc::default(),
            tokens: Arc::default(),
            booking_cache: Default::default(),
            booking_batch,
            hashing: accounts::password::Hashing::for_this_machine(),
            decoders: Default::default(),
        })))
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let body_limit = state.config.max_body_bytes;

    let site = Router::new()
        .merge(org::routes::router())
        .merge(accounts::routes::router())
        .merge(accounts::manage::router())
        .merge(audit::routes::router())
        .merge(crate::appointments::routes::router())
        .merge(crate::events::routes::router())
        .merge(crate::events::manage::router())
        .merge(crate::checkin::routes::router())
        .merge(crate::notify::routes::router())
        .merge(crate::media::routes::router())
        .merge(crate::cases::pages::router())
        .merge(crate::board::pages::router())
        .merge(crate::cases::stats::pages::router())
        .route("/static/{name}", get(web::assets::serve))
        .route("/metrics", get(web::metrics::serve_main))
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(state.clone(), web::csrf::protect))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::new())
        .layer(from_fn_with_state(state.clone(), web::error_pages::render));

    let ops = Router::new().route("/healthz", get(|| async { "ok" })).route("/readyz", get(readyz));

    Router::new()
        .merge(site)
        .nest("/api/v1", api::router(state.clone(), timeout))
        .nest(
            "/open311/v2",
            crate::board::open311::router().layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout)),
        )
        .merge(ops)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(from_fn_with_state(state.clone(), web::security::headers))
        .layer(from_fn_with_state(state.clone(), web::metrics::track))
        .layer(TraceLayer::new_for_http())
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Serves the application on `listener` (and `/metrics` alone on `metrics`, if given) until
/// `shutdown` resolves, then finishes in-flight requests and closes the database.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    metrics: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let db = state.db.clone();
    let limits = crate::server::Limits::of(&state.config);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
        // An error means the sender is gone, which happens only after it sent.
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let main =
        crate::server::serve(listener, router(state.clone()), limits, state.metrics.clone(), stopped(stopping.clone()));
    let side = async {
        if let Some(listener) = metrics {
            let own = web::metrics::own_router(state.clone());
            crate::server::serve(listener, own, limits, state.metrics.clone(), stopped(stopping)).await;
        }
    };
    let signal = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    tokio::join!(main, side, signal);
    db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when the
/// future is first polled, so a signal that comes right after start still shuts down cleanly.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        [signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok()]
    };
    async move {
        #[cfg(unix)]
        {
            let [term, int] = signals;
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}

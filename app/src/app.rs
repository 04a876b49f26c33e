//! The application state and the router: the public site, the back office, the JSON API and
//! the operations endpoints, each with the layers it needs.
//!
//! This is where the domains are put together, and the only place that lists them all:
//! [`DOMAINS`], one line per domain. Each domain describes itself in its `mod.rs` (a
//! [`Domain`]: its pages, its API operations, its tiles on the back-office home, and what it
//! adds to a core another domain owns — a case add-on, the notices it words, its sections on
//! the portal); the router, the API document, the back-office home, the portal, the case page
//! and the inbox read that one list. So no domain imports another to plug itself in, and a new
//! domain touches its own folder and one line here.

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

use crate::authz::Principal;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::Keys;
use crate::db::Db;
use crate::error::AppError;
use crate::web::backoffice::Tile;
use crate::web::metrics::Metrics;
use crate::{accounts, api, web};

/// Every domain, in the order the back-office home shows their tiles.
pub const DOMAINS: &[Domain] = &[
    crate::org::DOMAIN,
    crate::accounts::DOMAIN,
    crate::audit::DOMAIN,
    crate::events::DOMAIN,
    crate::challenge::DOMAIN,
    crate::challenge::milestone::DOMAIN,
    crate::checkin::DOMAIN,
    crate::appointments::DOMAIN,
    crate::people::DOMAIN,
    crate::notify::DOMAIN,
    crate::media::DOMAIN,
    crate::cases::DOMAIN,
    crate::cases::stats::DOMAIN,
    crate::cases::patrol::DOMAIN,
    crate::cases::hotline::DOMAIN,
    crate::cases::settings::DOMAIN,
    crate::enterprise::DOMAIN,
    crate::board::DOMAIN,
    crate::news::DOMAIN,
    crate::points::DOMAIN,
    crate::search::DOMAIN,
    crate::portal::DOMAIN,
];

/// What a domain brings to the application, as its `mod.rs` declares it (`pub const DOMAIN`).
///
/// Static: a `const` per domain and one `const` list, checked by the compiler, in a fixed order
/// that a reader finds in one place — rather than registration at start-up by side effect
/// (`inventory`-style crates, or a macro), which hides the order and what is registered.
#[derive(Clone, Copy)]
pub struct Domain {
    /// Its name (logs, tests).
    pub name: &'static str,
    /// Its pages, site and back office.
    pub pages: fn() -> Router<AppState>,
    /// Its API operations, each with its part of the OpenAPI document.
    pub api: fn() -> utoipa_axum::router::OpenApiRouter<AppState>,
    /// Its tiles on the back-office home for a user: the sections they may open.
    pub tiles: fn(&Principal) -> Vec<Tile>,
    /// What it adds to the case core (see `cases::addons`).
    pub case_addon: Option<&'static dyn crate::cases::addons::CaseAddon>,
    /// How it words the notices it leaves (see `notify::wording`).
    pub notices: Option<&'static dyn crate::notify::wording::Wording>,
    /// How it words the entries it records in the audit log (see `audit::Wording`).
    pub audit: Option<&'static crate::audit::Wording>,
    /// Hands every one of its public documents to search again (`ejia search reindex --all`,
    /// which also fills the index with what was written before the index existed); how many.
    pub search_documents: Option<crate::search::Reindex>,
    /// Its sections on the portal, the home page (see `portal`).
    pub portal: &'static [&'static dyn crate::portal::Section],
}

impl Domain {
    /// A domain that adds nothing: the base of every `DOMAIN`, which names what it adds.
    pub const NONE: Domain = Domain {
        name: "",
        pages: Router::new,
        api: utoipa_axum::router::OpenApiRouter::new,
        tiles: |_| Vec::new(),
        case_addon: None,
        notices: None,
        audit: None,
        search_documents: None,
        portal: &[],
    };
}

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
    pub tokens: Arc<crate::accounts::credentials::tokens::TokenCache>,
    /// What booking remembers between requests.
    pub booking_cache: crate::bookings::engine::cache::BookingCache,
    /// Group commit of bookings on PostgreSQL (None on SQLite, whose writer thread commits in
    /// groups).
    pub booking_batch: Option<crate::db::batch::Batcher<crate::bookings::engine::batch::BookBatch>>,
    /// Password hashing: at most one per core, a short queue, then 503.
    pub hashing: accounts::credentials::password::Hashing,
    /// Picture decoders (a few at a time, a short line, then 503).
    pub decoders: crate::media::Decoders,
    /// The portal's public sections, kept in memory.
    pub portal: crate::portal::cache::PortalCache,
    /// Changes to public content, announced here and by every instance (PostgreSQL).
    pub public_changes: crate::search::changes::Changes,
    /// The news's read counts not yet written (`news::reads`).
    pub news_reads: crate::news::reads::ReadCounter,
    /// The challenge teams' points and day totals, summed at most every half minute.
    pub team_sums: crate::challenge::team_sums::TeamSums,
    /// The public news pages' data, kept in memory.
    pub news_cache: crate::news::site::cache::NewsCache,
    /// The domains this application is made of ([`DOMAINS`]): what the cores ask for the
    /// add-ons, tiles and notices registered with them.
    pub domains: &'static [Domain],
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
        let booking_batch = crate::db::batch::Batcher::start(&db);
        let public_changes = crate::search::changes::Changes::of(&mut *db.conn().await?).await?;
        if db.backend() == crate::db::Backend::Postgres {
            // Other instances' changes to public content, for what is kept in memory.
            crate::search::changes::listen(config.database_url(), &public_changes);
        }
        let mut metrics = Metrics::default();
        if let Some((writer, _)) = db.writer_stats() {
            metrics.register_writer(writer);
        }
        Ok(Self(Arc::new(Shared {
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            clock,
            metrics: Arc::new(metrics),
            structure: Arc::default(),
            tokens: Arc::default(),
            booking_cache: Default::default(),
            booking_batch,
            hashing: accounts::credentials::password::Hashing::for_this_machine(),
            decoders: Default::default(),
            portal: crate::portal::cache::new(),
            public_changes,
            news_reads: Default::default(),
            team_sums: Default::default(),
            news_cache: Default::default(),
            domains: DOMAINS,
        })))
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let body_limit = state.config.max_body_bytes;

    let site = DOMAINS
        .iter()
        .fold(Router::new(), |site, domain| site.merge((domain.pages)()))
        .route("/static/{name}", get(web::assets::serve))
        .route("/metrics", get(web::metrics::serve_main))
        .fallback(|| async { AppError::NotFound })
        .layer(from_fn_with_state(state.clone(), web::guard::back_office))
        .layer(from_fn_with_state(state.clone(), web::csrf::protect))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::new())
        .layer(from_fn_with_state(state.clone(), web::error_pages::render))
        .layer(axum::middleware::from_fn(web::flash::clear));

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
    // The reads counted since the last flush, before the database closes.
    if let Err(e) = crate::news::reads::flush(&state).await {
        tracing::warn!(error = %e, "read counts not written at shutdown");
    }
    db.close().await;
    Ok(())
}

/// Runs a background job (escalating cases, sending texts, publishing scheduled articles) every
/// `every` until the process ends. A run that overruns its tick delays the next one rather than
/// letting runs bunch up; each job says itself what it did and what failed, and retries at its
/// next run.
pub fn run_every<F, Fut>(every: Duration, mut job: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            job().await;
        }
    });
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

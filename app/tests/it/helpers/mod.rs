//! `TestApp`: a running ejia with its own database, an HTTP client with a cookie jar, and
//! builders for test data; [`Api`], a JSON API client for one user; [`TestAppBrowser`], a
//! second browser; [`World`], the one builder for test worlds.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock};

use chrono::{TimeZone as _, Utc};
use ejia::accounts::model::Phone;
use ejia::accounts::service::{self, NewAccount, RESIDENT};
use ejia::app::{self, AppState};
use ejia::authz::{Grant, Role, Scope};
use ejia::clock::ManualClock;
use ejia::config::Config;
use ejia::ids::{CommunityId, StreetId, UserId};
use reqwest::redirect::Policy;
use sqlx::Connection as _;

mod api;
mod bookings;
mod browser;
mod world;

pub use api::Api;
pub use bookings::*;
pub use browser::{TestAppBrowser, latest_code};
pub use world::*;

/// Password of every user made by the builders.
pub const PASSWORD: &str = "test-password-1";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Drops test databases left by earlier runs of this suite (other processes).
static SWEPT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The PostgreSQL server to test against, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("EJIA_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

/// Static hash of [`PASSWORD`], computed once for the whole suite to keep tests fast where
/// hashing is not what they test.
static PASSWORD_HASH: LazyLock<tokio::sync::OnceCell<String>> = LazyLock::new(tokio::sync::OnceCell::new);

async fn password_hash() -> String {
    PASSWORD_HASH
        .get_or_init(|| async { ejia::accounts::credentials::password::hash(PASSWORD.into()).await.unwrap() })
        .await
        .clone()
}

/// A running ejia.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// `/metrics` on the metrics address, when the configuration asks for one.
    pub metrics_url: Option<String>,
    /// The app's state (database, clock, keys).
    pub state: AppState,
    /// The controllable clock.
    pub clock: Arc<ManualClock>,
    /// A browser-like client: cookie jar, no automatic redirects.
    pub client: reqwest::Client,
    /// Data directory (SQLite file, secret key).
    pub dir: tempfile::TempDir,
    /// The database URL, for running the CLI against the same database.
    pub database_url: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A fresh database URL: a new SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    let Some(base) = postgres_url() else {
        return format!("sqlite://{}?mode=rwc", dir.join("ejia.db").display());
    };
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&base).await.expect("connect to EJIA_TEST_DATABASE_URL");
    SWEPT
        .get_or_init(|| async {
            // `datname` is of type `name`, which the Any driver cannot decode: cast it. (Before the
            // cast the query failed and was read as "nothing to sweep"; 3,700 test databases, 33 GB,
            // piled up and PostgreSQL took minutes to start after an unclean stop.)
            let names: Vec<String> =
                sqlx::query_scalar("select datname::text from pg_database where datname like 'ejia_t_%'")
                    .fetch_all(&mut admin)
                    .await
                    .expect("list earlier test databases");
            // Names carry the creating test process's id: a process still alive (this one, or a
            // suite running beside it) keeps its databases.
            let alive = |name: &str| {
                let pid = name.trim_start_matches("ejia_t_").split('_').next().unwrap_or_default();
                std::path::Path::new("/proc").join(pid).exists()
            };
            for name in names.into_iter().filter(|n| !alive(n)) {
                let _ = sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut admin).await;
            }
        })
        .await;
    let name = format!("ejia_t_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
    sqlx::query(&format!("create database {name}")).execute(&mut admin).await.expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("database URL with a path");
    format!("{prefix}/{name}")
}

impl TestApp {
    /// Starts ejia on an empty database. `EJIA_TEST_LOG=debug` (any filter) shows its logs.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// As [`TestApp::spawn`], with settings changed by `configure` first.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        if let Ok(filter) = std::env::var("EJIA_TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database(dir.path()).await;
        let mut config = Config::defaults(dir.path().to_path_buf());
        config.database_url = Some(database_url.clone().into());
        config.db_max_connections = 4;
        configure(&mut config);
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap()));
        let state = AppState::open(config, clock.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let metrics = match state.config.metrics_addr {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await.unwrap()),
            None => None,
        };
        let metrics_url = metrics.as_ref().map(|l| format!("http://{}/metrics", l.local_addr().unwrap()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app::serve(state.clone(), listener, metrics, async move {
            let _ = rx.await;
        }));
        Self { url, metrics_url, state, clock, client: client(), dir, database_url, _shutdown: tx }
    }

    /// Starts ejia with Shinan's structure loaded (no demo users).
    pub async fn with_district() -> Self {
        let app = Self::spawn().await;
        ejia::seed::structure(&app.state).await.unwrap().unwrap();
        app
    }

    /// A URL on this app.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// GET with this app's client.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.at(path)).send().await.unwrap()
    }

    /// GET and return (status, body).
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// The CSRF token the site gives this client now.
    pub async fn csrf(&self) -> String {
        csrf_in(&self.page("/login").await.1)
    }

    /// POSTs a form with a valid CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.at(path)).form(&form).send().await.unwrap()
    }

    /// Logs this client in.
    pub async fn login(&self, phone: &str) {
        self.login_with(phone, PASSWORD).await;
    }

    /// Logs in with a given password, asserting success.
    pub async fn login_with(&self, phone: &str, password: &str) {
        let r = self.post("/login", &[("phone", phone), ("password", password)]).await;
        assert_eq!(r.status(), 303, "login of {phone} failed: {}", r.text().await.unwrap_or_default());
    }

    /// A second client (another browser) on the same app.
    pub fn other_browser(&self) -> reqwest::Client {
        client()
    }

    /// Creates an account with password [`PASSWORD`] and the given roles (beside resident).
    pub async fn user(&self, phone: &str, name: &str, community: Option<CommunityId>, grants: &[Grant]) -> UserId {
        let mut all = vec![RESIDENT];
        all.extend_from_slice(grants);
        let account = NewAccount {
            phone: Phone::parse(phone).unwrap(),
            display_name: name.into(),
            community_id: community,
            password_hash: Some(password_hash().await),
        };
        let mut tx = self.state.db.begin().await.unwrap();
        let id = service::create_account(&self.state, &mut tx, None, account, &all).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A district admin, logged in on this app's client.
    pub async fn login_district_admin(&self) -> UserId {
        let id = self.user("13900000001", "区管理员", None, &[grant(Role::DistrictAdmin, Scope::District)]).await;
        self.login("13900000001").await;
        id
    }

    /// The id of a street by code.
    pub async fn street(&self, code: &str) -> StreetId {
        let mut conn = self.state.db.conn().await.unwrap();
        let all = ejia::org::store::list_streets(&mut conn, None, 0, 1000).await.unwrap();
        all.iter().find(|s| s.code == code).unwrap().id
    }

    /// The id of a community by code.
    pub async fn community(&self, code: &str) -> CommunityId {
        let mut conn = self.state.db.conn().await.unwrap();
        let all = ejia::org::store::list_communities(&mut conn, None, 0, 1000).await.unwrap();
        all.iter().find(|c| c.code == code).unwrap().id
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let mut conn = self.state.db.conn().await.unwrap();
        sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&mut *conn).await.unwrap()
    }
}

/// A grant.
pub fn grant(role: Role, scope: Scope) -> Grant {
    Grant { role, scope }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

/// The first CSRF token in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Shinan's first street and its first community.
pub const XIANGGANG_ZHONGLU: &str = "370202001";
/// 云霄路社区, in 香港中路街道.
pub const YUNXIAOLU: &str = "370202001001";
/// 八大峡街道.
pub const BADAXIA: &str = "370202002";
/// 团岛社区, in 八大峡街道.
pub const TUANDAO: &str = "370202002008";

/// A valid resident ID number: 17 digits completed with their GB 11643 check character.
pub fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

//! The database: one sqlx `Any` pool that is SQLite or PostgreSQL, chosen by URL at run time.
//!
//! SQL is written once, lowercase, with `$1` placeholders that both engines accept, and with
//! only the types both understand through `Any` (`bigint`, `text`, `real`/`double precision`).
//! The few real differences live here:
//! - SQLite runs in WAL mode with `synchronous=FULL` (a confirmed write survives a crash) and
//!   write transactions start with `BEGIN IMMEDIATE`, so two writers queue on the lock instead
//!   of failing half-way with `SQLITE_BUSY`;
//! - each engine has its own migration folder, kept in step by a test;
//! - the busiest writes (a booking, a filing) go through [`Db::write`] (see `write`): on
//!   SQLite they run on the writer thread with group commit (`writer`), on PostgreSQL on the
//!   pool, as concurrent transactions or in batches (`batch`). Domain code says what the write
//!   does on each mechanism once and never asks which engine it is on;
//! - rows are mapped once per table for both the pool and the writer thread (`row`);
//! - after a refused statement PostgreSQL aborts the whole transaction, SQLite only the
//!   statement ([`write::Attempt`]); PostgreSQL locks a row with `for update`
//!   ([`Db::lock_offering_sql`]);
//! - full-text search is FTS5 on SQLite and a `tsvector` on PostgreSQL: the one statement that
//!   cannot be written once is written twice, side by side, and [`per_engine`] picks the one
//!   for a connection (`search::store`).
//!
//! SQLite always has its writer: an in-memory database (`:memory:`) is refused, since each
//! pooled connection would open an empty database of its own and the writer thread another.

use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};

pub mod batch;
pub mod row;
pub mod schema;
pub mod write;
pub mod writer;

pub use write::{Attempt, Violation, Write};

/// A connection, pooled or inside a transaction; store functions take `&mut Conn`.
pub type Conn = AnyConnection;
/// A database transaction.
pub type Tx = Transaction<'static, Any>;
/// A boxed future, for the extension points whose implementations are chosen at run time (a
/// trait object cannot have `async fn`s): what an add-on reads or checks in the database.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Which engine the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The newest schema version this build knows (its last migration's number) for an engine.
pub fn schema_version_known(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Which engine a database URL names.
pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") { Backend::Postgres } else { Backend::Sqlite }
}

/// The shared pool and what it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

/// The engine, with what its durable writes go through.
#[derive(Debug, Clone)]
enum Engine {
    /// SQLite, whose hot writes queue for its writer thread.
    Sqlite(writer::Writer),
    /// PostgreSQL, whose writes run on the pool.
    Postgres,
}

impl Db {
    /// Connects to `url` (`sqlite://...` or `postgres://...`).
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("the database URL must start with sqlite: or postgres:");
        };
        let options = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .idle_timeout(Duration::from_secs(600));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers run beside the one writer; FULL makes each commit durable
                    // before we answer "confirmed". foreign_keys and busy_timeout are per
                    // connection in SQLite.
                    for pragma in [
                        "pragma journal_mode = wal",
                        "pragma synchronous = full",
                        "pragma foreign_keys = on",
                        "pragma busy_timeout = 10000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        // Checked before connecting: the pool would open an in-memory database without a word.
        let sqlite_file = match backend {
            Backend::Sqlite => Some(writer::sqlite_path(url).context(
                "an SQLite database must be a file (e.g. sqlite://ejia-data/ejia.db?mode=rwc): an in-memory one \
                 would be another, empty database on each connection",
            )?),
            Backend::Postgres => None,
        };
        let pool = options.connect(url).await.context("cannot connect to the database")?;
        // After the pool: with `mode=rwc` it has created the file the writer opens.
        let engine = match sqlite_file {
            Some(path) => Engine::Sqlite(writer::Writer::start(&path)?),
            None => Engine::Postgres,
        };
        Ok(Self { pool, engine })
    }

    /// Brings the schema up to date. Safe to run from several instances at once: the
    /// migrator takes a lock first.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.context("database migration failed")
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this is (for operators and tests: domain code asks [`Db::write`] instead).
    pub fn backend(&self) -> Backend {
        match self.engine {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres => Backend::Postgres,
        }
    }

    /// A connection for a few reads.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Starts a transaction that will write.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend() {
            Backend::Sqlite => self.pool.begin_with("begin immediate").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// SQL that locks an offering's row ($1) until the transaction ends. SQLite has no row
    /// locks — its write transactions (`BEGIN IMMEDIATE`) already exclude each other — so
    /// there it is a plain read.
    pub fn lock_offering_sql(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => "select 1 from offerings where offering_id = $1 for update",
            Backend::Sqlite => "select 1 from offerings where offering_id = $1",
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1").execute(&self.pool).await.map(|_| ())
    }

    /// The SQLite writer's measurements and the jobs waiting for it now (None on PostgreSQL).
    pub fn writer_stats(&self) -> Option<(&writer::WriterStats, usize)> {
        match &self.engine {
            Engine::Sqlite(w) => Some((w.stats(), w.queued())),
            Engine::Postgres => None,
        }
    }

    /// Pool use, for metrics: (open connections, idle connections).
    pub fn pool_usage(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Waits for connections to be returned and closes them (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// What differs between the engines, for a connection that may be inside a transaction:
/// `sqlite` or `postgres`. For the few statements that cannot be written once, so the code
/// that needs one names both versions side by side and never asks which engine it is on.
pub fn per_engine<T>(conn: &Conn, sqlite: T, postgres: T) -> T {
    if conn.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME { sqlite } else { postgres }
}

/// Whether an error is a unique-constraint violation (same check for both engines).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_in_memory_sqlite_database_is_refused_with_a_reason() {
        for url in ["sqlite::memory:", "sqlite://ejia.db?mode=memory"] {
            let err = Db::connect(url, 1).await.expect_err(url).to_string();
            assert!(err.contains("must be a file"), "{url}: {err}");
        }
    }
}

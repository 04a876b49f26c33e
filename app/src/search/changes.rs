//! The signal that what the public may read has changed: generation numbers that anything
//! keeping public content in memory (the portal, `/`) compares with what it computed from.
//!
//! Why here: every change to public content — an article published, withdrawn or corrected,
//! an activity, a service, a public case — already hands its document to [`super::index`] or
//! takes it back with [`super::remove`] inside its writing transaction. Those two calls are the
//! one hook point, so no domain has to remember to signal.
//!
//! The signal is given *inside* the writing transaction, before it commits, so:
//! - in this process, the database's *local* generation is bumped at once. A reader that loads
//!   the generation and then reads the database could read the old data under the new number
//!   (the writer has not committed yet); so a reader that caches must start its reads with
//!   `Db::begin` — on SQLite that is `BEGIN IMMEDIATE`, which waits for the writer in flight
//!   (every public write runs in such a transaction) and so reads what it committed. A writer
//!   that rolls back costs one needless recomputation.
//! - across instances (PostgreSQL), the transaction also runs `pg_notify`, which PostgreSQL
//!   delivers at commit and only then; each instance's [`listen`] task bumps that instance's
//!   *remote* generation on arrival, after the data is visible. A reconnecting listener bumps
//!   too (it may have missed notices), which drops what was cached.
//!
//! What is cached is good for the pair ([`Changes::generation`]).
//!
//! `index` is given only a connection, so the local number is found by the database the
//! connection is on (its file, or its PostgreSQL name): one small query per public write. Keyed
//! so, several applications in one process (the tests) do not invalidate each other's caches,
//! while two instances on one database in one process share the local number — which is why
//! a test of two instances looks at the second one's remote number to see the notice arrive.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use crate::db::Conn;

/// The channel public changes are announced on (PostgreSQL).
pub const CHANNEL: &str = "ejia_public";

/// Each database's local generation in this process, by the database's name.
static LOCAL: LazyLock<Mutex<HashMap<String, Arc<AtomicU64>>>> = LazyLock::new(Default::default);

/// The local generation of the database `conn` is on.
async fn local_of(conn: &mut Conn) -> Result<Arc<AtomicU64>, sqlx::Error> {
    let sql = crate::db::per_engine(
        conn,
        "select file from pragma_database_list where name = 'main'",
        // `name` is a type the Any driver cannot decode.
        "select current_database()::text",
    );
    let database: String = sqlx::query_scalar(sql).fetch_one(conn).await?;
    let mut all = LOCAL.lock().unwrap_or_else(|e| e.into_inner());
    Ok(all.entry(database).or_default().clone())
}

/// Announces a change from inside its writing transaction: here at once, and to the other
/// instances at commit (PostgreSQL's notices are transactional).
pub(super) async fn announce(conn: &mut Conn) -> Result<(), sqlx::Error> {
    local_of(conn).await?.fetch_add(1, Ordering::SeqCst);
    if crate::db::per_engine(conn, false, true) {
        sqlx::query("select pg_notify($1, '')").bind(CHANNEL).execute(conn).await?;
    }
    Ok(())
}

/// What an application hears of changes to public content.
#[derive(Debug, Clone)]
pub struct Changes {
    local: Arc<AtomicU64>,
    remote: Arc<AtomicU64>,
}

impl Changes {
    /// The changes to the database `conn` is on.
    pub async fn of(conn: &mut Conn) -> Result<Self, sqlx::Error> {
        Ok(Self { local: local_of(conn).await?, remote: Arc::default() })
    }

    /// The generation public content is at: (announced in this process, heard from the
    /// database). Equal pairs: nothing changed in between.
    pub fn generation(&self) -> (u64, u64) {
        (self.local.load(Ordering::SeqCst), self.remote.load(Ordering::SeqCst))
    }

    /// How many announcements (and listener reconnections) this application has heard from
    /// the database: every instance's changes, its own included (PostgreSQL; 0 on SQLite).
    pub fn heard(&self) -> u64 {
        self.remote.load(Ordering::SeqCst)
    }
}

/// Listens for the announcements of every instance (PostgreSQL; on SQLite there is one
/// instance and nothing to listen to) until the process ends, reconnecting after a failure.
pub fn listen(url: String, changes: &Changes) {
    let remote = changes.remote.clone();
    let bump = move || {
        remote.fetch_add(1, Ordering::SeqCst);
    };
    tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(e) = listener.listen(CHANNEL).await {
                        tracing::warn!(error = %e, "cannot listen for public changes");
                    } else {
                        // Notices sent while no one listened are lost: start afresh.
                        bump();
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(_)) => bump(),
                                // The connection dropped: notices may be lost, start afresh.
                                Ok(None) => bump(),
                                Err(e) => {
                                    tracing::warn!(error = %e, "lost the public-changes listener");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot connect the public-changes listener"),
            }
            bump();
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}

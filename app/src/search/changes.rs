//! The signal that what the public may read has changed: a generation number that anything
//! keeping public content in memory (the portal, `/`) compares with what it computed from.
//!
//! Why here: every change to public content — an article published, withdrawn or corrected,
//! an activity, a service, a public case — already hands its document to [`super::index`] or
//! takes it back with [`super::remove`] inside its writing transaction. Those two calls are the
//! one hook point, so no domain has to remember to signal.
//!
//! The signal is given *inside* the writing transaction, before it commits, so:
//! - in this process, the generation is bumped at once ([`bump`]). A reader that loads the
//!   generation and then reads the database could read the old data under the new number (the
//!   writer has not committed yet); so a reader that caches must start its reads with
//!   `Db::begin` — on SQLite that is `BEGIN IMMEDIATE`, which waits for the writer in flight
//!   (every public write runs in such a transaction) and so reads what it committed. A writer
//!   that rolls back costs one needless recomputation.
//! - across instances (PostgreSQL), the transaction also runs `pg_notify`, which PostgreSQL
//!   delivers at commit and only then; each instance's [`listen`] task bumps that instance's
//!   [`Remote`] generation on arrival, after the data is visible. A reconnecting listener bumps
//!   too (it may have missed notices), which drops what was cached. So what is cached is good
//!   for a pair: ([`generation`], [`Remote::generation`]).
//!
//! The local number is process-wide, not per `AppState`: `index` is given only a connection.
//! Several applications in one process (the tests) then invalidate each other's caches, which
//! costs a recomputation and is never wrong; the remote one is per application, so a test of
//! two instances can tell that the notice, not the shared process, reached the second.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::Conn;

/// The channel public changes are announced on (PostgreSQL).
pub const CHANNEL: &str = "ejia_public";

static GENERATION: AtomicU64 = AtomicU64::new(1);

/// The current generation of public content in this process.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

/// Marks public content as changed in this process.
pub fn bump() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// Announces a change from inside its writing transaction: here at once, and to the other
/// instances at commit (PostgreSQL's notices are transactional).
pub(super) async fn announce(conn: &mut Conn) -> Result<(), sqlx::Error> {
    bump();
    if crate::db::per_engine(conn, false, true) {
        sqlx::query("select pg_notify($1, '')").bind(CHANNEL).execute(conn).await?;
    }
    Ok(())
}

/// How many announcements (and listener reconnections) an application has heard from the
/// database: every instance's changes, its own included (PostgreSQL; stays 0 on SQLite).
#[derive(Debug, Clone, Default)]
pub struct Remote(std::sync::Arc<AtomicU64>);

impl Remote {
    /// The current number.
    pub fn generation(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Listens for the announcements of every instance (PostgreSQL; on SQLite there is one
/// instance and nothing to listen to) until the process ends, reconnecting after a failure.
pub fn listen(url: String, remote: Remote) {
    let bump = move || remote.bump();
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

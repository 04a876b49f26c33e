//! What the public pages read, kept in memory so that their steady state costs no database
//! query: the portal (`/`), the news list and an article. The busiest pages must each serve
//! at least 0.3× a bare static page (`bench/pages.sh`), which a query per request does not allow.
//!
//! What is kept is data, not HTML: it is the same in every language and mode, and each request
//! renders it in its own. An entry is read again when
//! - public content changed: `search::changes` gives a generation that every change to public
//!   content (articles, activities, services, public cases) bumps — in this process at once,
//!   on other instances when PostgreSQL delivers the commit's notice. An entry is good only for
//!   the generation it was computed under;
//! - [`TTL_MS`] passed: "this week" moves with the clock, a session fills up, read counts
//!   add up, and what no change announces (a venue renamed) changes without a signal.
//!
//! The race, and why the reads run in `Db::begin`: the generation is loaded *before* the reads,
//! and the reads run in a write transaction. On SQLite that is `BEGIN IMMEDIATE`, which waits
//! for a writer in flight; a writer bumps the generation while it holds the lock, so a reader
//! that saw the new number reads what that writer committed, and a reader that saw the old
//! number stores under the old one, which the bump has already made stale. On PostgreSQL the
//! number that matters comes from the notice, delivered after commit, so any read that may have
//! seen the old data was made under an older number.
//!
//! Only one load runs at a time per cache (the others wait and take what it kept), so a change
//! does not send every waiting request to the database at once; when only the TTL ran out,
//! the others are served what is kept meanwhile (the p99 at 64 connections).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use crate::app::AppState;
use crate::db::{BoxFuture, Conn};
use crate::error::AppResult;

/// How long an entry is kept at most (milliseconds).
pub const TTL_MS: i64 = 30_000;

/// A load: reads in the transaction it is given, at a time (Unix seconds).
pub type Load<V> = Box<dyn for<'c> FnOnce(&'c mut Conn, i64) -> BoxFuture<'c, AppResult<V>> + Send>;

/// A [`Load`] from a closure (which the compiler then reads as taking a transaction of any
/// lifetime): `load(move |conn, now| Box::pin(async move { ... }))`.
pub fn load<V, F>(f: F) -> Load<V>
where
    F: for<'c> FnOnce(&'c mut Conn, i64) -> BoxFuture<'c, AppResult<V>> + Send + 'static,
{
    Box::new(f)
}

/// Entries by key, at most `capacity` of them (past it, all are dropped: the keys a page
/// takes are few — an article's id, a list's filters — and a burst of odd ones must not grow
/// memory).
pub struct PublicCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
    loading: tokio::sync::Mutex<()>,
    capacity: usize,
}

struct Entry<V> {
    generation: (u64, u64),
    at_ms: i64,
    value: Arc<V>,
}

impl<K, V> std::fmt::Debug for PublicCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicCache").field("capacity", &self.capacity).finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone, V> PublicCache<K, V> {
    /// A cache of at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self { entries: RwLock::default(), loading: tokio::sync::Mutex::const_new(()), capacity }
    }

    /// The value for `key`: from memory when still good, else loaded now by `load`.
    pub async fn get(&self, state: &AppState, key: &K, load: Load<V>) -> AppResult<Arc<V>> {
        if let Some(value) = self.fresh(state, key) {
            return Ok(value);
        }
        let _one_at_a_time = match self.loading.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is loading already. When only the TTL ran out (nothing changed), what
                // is kept is still right as far as anyone announced: serve it rather than queue.
                if let Some(value) = self.kept(state, key, |_| true) {
                    return Ok(value);
                }
                self.loading.lock().await
            }
        };
        if let Some(value) = self.fresh(state, key) {
            return Ok(value);
        }
        // Loaded before the reads begin (see the module's doc).
        let generation = state.public_changes.generation();
        let at_ms = state.clock.now().timestamp_millis();
        let mut tx = state.db.begin().await?;
        let value = Arc::new(load(&mut tx, at_ms / 1000).await?);
        // Nothing was written: rolling back ends it as well as a commit would.
        tx.rollback().await?;
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(key) {
            entries.clear();
        }
        entries.insert(key.clone(), Entry { generation, at_ms, value: value.clone() });
        Ok(value)
    }

    /// The kept value, if computed under the current generation and within the TTL.
    fn fresh(&self, state: &AppState, key: &K) -> Option<Arc<V>> {
        let now = state.clock.now().timestamp_millis();
        self.kept(state, key, |at_ms| (0..TTL_MS).contains(&(now - at_ms)))
    }

    /// The kept value, if computed under the current generation at a time `young` accepts.
    fn kept(&self, state: &AppState, key: &K, young: impl Fn(i64) -> bool) -> Option<Arc<V>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(key)?;
        (e.generation == state.public_changes.generation() && young(e.at_ms)).then(|| e.value.clone())
    }
}

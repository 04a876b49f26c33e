//! The portal's public sections, kept in memory so that the steady state of `/` costs no
//! database query (the home page must serve ≥ 0.3× a bare static page).
//!
//! What is kept is the sections' data, not HTML: it is the same in every language and mode,
//! and each request renders it in its own. It is read again when
//! - public content changed: `search::changes` gives a generation that every change to
//!   public content (articles, activities, services, public cases) bumps — in this process at
//!   once, on other instances when PostgreSQL delivers the commit's notice. An entry is good
//!   only for the generation it was computed under;
//! - [`TTL_MS`] passed: "this week" moves with the clock, a session fills up, and things the
//!   index does not carry (a topic's text) change without a signal.
//!
//! The race, and why the reads start with `Db::begin`: the generation is loaded *before* the
//! reads, and the reads run in a write transaction. On SQLite that is `BEGIN IMMEDIATE`, which
//! waits for a writer in flight; a writer bumps the generation while it holds the lock, so a
//! reader that saw the new number reads what that writer committed, and a reader that saw the
//! old number stores under the old one, which the bump has already made stale. On PostgreSQL
//! the number that matters comes from the notice, delivered after commit, so any read that may
//! have seen the old data was made under an older number. Only one request computes at a time
//! (the others wait and take its result), so a change does not send every request to the
//! database at once; when only the TTL ran out, the others are served what is kept meanwhile.

use std::sync::{Arc, RwLock};

use crate::app::AppState;
use crate::error::AppResult;
use crate::portal::{Part, Slot, sections};

/// How long public sections are kept at most (milliseconds).
pub const TTL_MS: i64 = 30_000;

/// The public sections, rendered per request from here.
pub type Public = Arc<Vec<(Slot, Arc<dyn Part>)>>;

/// The cache (one per application).
#[derive(Default)]
pub struct PortalCache {
    entry: RwLock<Option<Entry>>,
    refresh: tokio::sync::Mutex<()>,
}

struct Entry {
    generation: (u64, u64),
    at_ms: i64,
    parts: Public,
}

impl std::fmt::Debug for PortalCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalCache").finish_non_exhaustive()
    }
}

impl PortalCache {
    /// The public sections: from memory when still good, else read now.
    pub async fn public(&self, state: &AppState) -> AppResult<Public> {
        if let Some(parts) = self.fresh(state) {
            return Ok(parts);
        }
        let _one_at_a_time = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is reading already. When only the TTL ran out (nothing changed), the
                // kept sections are still right as far as anyone announced: serve them rather
                // than queue behind the read (the p99 at 64 connections).
                if let Some(parts) = self.kept(state, |_| true) {
                    return Ok(parts);
                }
                self.refresh.lock().await
            }
        };
        if let Some(parts) = self.fresh(state) {
            return Ok(parts);
        }
        // Loaded before the reads begin (see the module's doc).
        let generation = generation(state);
        let at_ms = state.clock.now().timestamp_millis();
        let mut tx = state.db.begin().await?;
        let mut parts = Vec::new();
        for section in sections(state) {
            if let Some(part) = section.public(state, &mut tx, at_ms / 1000).await? {
                parts.push((section.slot(), part));
            }
        }
        // Nothing was written: rolling back ends it as well as a commit would.
        tx.rollback().await?;
        let parts: Public = Arc::new(parts);
        let mut entry = self.entry.write().unwrap_or_else(|e| e.into_inner());
        *entry = Some(Entry { generation, at_ms, parts: parts.clone() });
        Ok(parts)
    }

    /// The kept sections, if computed under the current generation and within the TTL.
    fn fresh(&self, state: &AppState) -> Option<Public> {
        let now = state.clock.now().timestamp_millis();
        self.kept(state, |at_ms| (0..TTL_MS).contains(&(now - at_ms)))
    }

    /// The kept sections, if computed under the current generation at a time `young` accepts.
    fn kept(&self, state: &AppState, young: impl Fn(i64) -> bool) -> Option<Public> {
        let entry = self.entry.read().unwrap_or_else(|e| e.into_inner());
        let e = entry.as_ref()?;
        (e.generation == generation(state) && young(e.at_ms)).then(|| e.parts.clone())
    }
}

/// The generation public content is at.
fn generation(state: &AppState) -> (u64, u64) {
    state.public_changes.generation()
}

//! What booking remembers between requests, on the writer thread and on the pool alike:
//! offerings for a second, a community's street and a service's real-name flag for a minute.
//! A stale offering cannot oversell (the database counts the seats) nor book a cancelled
//! offering (the insert checks its status); a street or a real-name flag changes almost never.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::bookings::model::Offering;
use crate::ids::{CommunityId, StreetId};

const OFFERING_TTL: Duration = Duration::from_secs(1);
const STRUCTURE_TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 100_000;

/// Values kept for `ttl` after they were read. Only what loaded is kept, never a failure.
pub struct Table<K, V> {
    ttl: Duration,
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Hash + Eq, V: Clone> Table<K, V> {
    fn new(ttl: Duration) -> Self {
        Self { ttl, map: Mutex::new(HashMap::new()) }
    }

    fn get(&self, key: &K) -> Option<V> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (Instant::now(), value));
    }

    /// The value of `key`, remembered or from `load` (then remembered): on the writer thread.
    pub fn get_or<E>(&self, key: K, load: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = load()?;
        self.put(key, v.clone());
        Ok(v)
    }

    /// The value of `key`, remembered or from `load` (then remembered): on the pool. `load`
    /// runs only when nothing is remembered.
    pub async fn get_or_async<E>(&self, key: K, load: impl Future<Output = Result<V, E>>) -> Result<V, E> {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = load.await?;
        self.put(key, v.clone());
        Ok(v)
    }
}

/// The cache.
pub struct BookingCache {
    /// Offerings by id (only those found).
    pub offerings: Table<i64, Offering>,
    /// The street of a community.
    pub streets: Table<CommunityId, Option<StreetId>>,
    /// Whether a service (by id) books by real name only.
    pub real_name: Table<i64, bool>,
}

impl Default for BookingCache {
    fn default() -> Self {
        Self {
            offerings: Table::new(OFFERING_TTL),
            streets: Table::new(STRUCTURE_TTL),
            real_name: Table::new(STRUCTURE_TTL),
        }
    }
}

impl std::fmt::Debug for BookingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookingCache")
    }
}

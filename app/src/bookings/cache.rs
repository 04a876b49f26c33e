//! What the pooled booking path (PostgreSQL) remembers between requests, as the SQLite
//! writer does (see `sqlite.rs`): offerings for a second, a community's street and a service's
//! real-name flag for a minute. A stale offering cannot oversell (the database counts the
//! seats) nor book a cancelled offering (the insert checks its status).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::bookings::model::Offering;
use crate::bookings::store;
use crate::db::Conn;
use crate::ids::{CommunityId, StreetId};

const OFFERING_TTL: Duration = Duration::from_secs(1);
const STRUCTURE_TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 100_000;

struct Table<K, V>(Mutex<HashMap<K, (Instant, V)>>);

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V: Clone> Table<K, V> {
    fn get(&self, key: &K, ttl: Duration) -> Option<V> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|(at, _)| at.elapsed() < ttl).map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(key, (Instant::now(), value));
    }
}

/// The cache.
#[derive(Default)]
pub struct BookingCache {
    offerings: Table<i64, Offering>,
    streets: Table<CommunityId, Option<StreetId>>,
    real_name: Table<i64, bool>,
}

impl std::fmt::Debug for BookingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookingCache")
    }
}

impl BookingCache {
    /// An offering.
    pub async fn offering(&self, conn: &mut Conn, id: i64) -> Result<Option<Offering>, sqlx::Error> {
        if let Some(o) = self.offerings.get(&id, OFFERING_TTL) {
            return Ok(Some(o));
        }
        let o = store::offering(conn, id).await?;
        if let Some(o) = &o {
            self.offerings.put(id, o.clone());
        }
        Ok(o)
    }

    /// The street of a community.
    pub async fn street(&self, conn: &mut Conn, community: CommunityId) -> Result<Option<StreetId>, sqlx::Error> {
        if let Some(s) = self.streets.get(&community, STRUCTURE_TTL) {
            return Ok(s);
        }
        let s = crate::org::store::community(conn, community).await?.map(|c| c.street_id);
        self.streets.put(community, s);
        Ok(s)
    }

    /// Whether the offering's service books by real name only.
    pub async fn real_name_required(&self, conn: &mut Conn, o: &Offering) -> Result<bool, sqlx::Error> {
        let Some(service) = o.service_id else { return Ok(false) };
        if let Some(v) = self.real_name.get(&service, STRUCTURE_TTL) {
            return Ok(v);
        }
        let v = store::real_name_required(conn, o).await?;
        self.real_name.put(service, v);
        Ok(v)
    }
}

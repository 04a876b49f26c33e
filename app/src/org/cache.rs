//! An in-memory copy of the district's structure for the public pages.
//!
//! The structure (a district, tens of streets, communities and venues) is read on every visit
//! to the home page and changes a few times a year. Reading ~140 rows per visit would cap the
//! home page near a thousand requests a second on a small machine; serving it from memory
//! makes it cost only the rendering. A change made through this instance is visible at
//! once (the service layer invalidates); a change made through another instance sharing the
//! database is visible within [`TTL_MS`].

use std::sync::Arc;

use tokio::sync::RwLock;

use crate::app::AppState;
use crate::org::model::{Community, District, Street, Venue};
use crate::org::store::{self, VenueFilter};

/// How long a copy is served before it is read again.
pub const TTL_MS: i64 = 5_000;

/// One street with what belongs to it.
#[derive(Debug, Clone)]
pub struct StreetBlock {
    /// The street.
    pub street: Street,
    /// Its communities.
    pub communities: Vec<Community>,
    /// Its venues.
    pub venues: Vec<Venue>,
}

/// The structure as the public pages show it.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// The district, if imported.
    pub district: Option<District>,
    /// Streets in order, each with its communities and venues.
    pub blocks: Vec<StreetBlock>,
    /// Number of communities.
    pub community_count: usize,
    /// Number of venues.
    pub venue_count: usize,
}

impl Structure {
    /// Every venue's name by its id, for pages that say where something happens.
    pub fn venue_names(&self) -> std::collections::HashMap<i64, String> {
        self.blocks.iter().flat_map(|b| b.venues.iter()).map(|v| (v.id.0, v.name.clone())).collect()
    }
}

#[derive(Debug)]
struct Entry {
    loaded_at_ms: i64,
    data: Arc<Structure>,
}

/// The cache.
#[derive(Debug, Default)]
pub struct StructureCache {
    entry: RwLock<Option<Entry>>,
}

impl StructureCache {
    /// The current structure, read from the database when the copy is missing or old.
    pub async fn get(&self, state: &AppState) -> Result<Arc<Structure>, sqlx::Error> {
        let now = state.clock.now().timestamp_millis();
        if let Some(e) = self.entry.read().await.as_ref().filter(|e| now - e.loaded_at_ms < TTL_MS) {
            return Ok(e.data.clone());
        }
        // One reader refreshes; the others wait for it instead of all hitting the database.
        let mut slot = self.entry.write().await;
        if let Some(e) = slot.as_ref().filter(|e| now - e.loaded_at_ms < TTL_MS) {
            return Ok(e.data.clone());
        }
        let data = Arc::new(load(state).await?);
        *slot = Some(Entry { loaded_at_ms: now, data: data.clone() });
        Ok(data)
    }

    /// Forgets the copy (after a change through this instance).
    pub async fn invalidate(&self) {
        *self.entry.write().await = None;
    }
}

async fn load(state: &AppState) -> Result<Structure, sqlx::Error> {
    const ALL: i64 = 100_000;
    let mut conn = state.db.conn().await?;
    let district = store::district(&mut conn).await?;
    let streets = store::list_streets(&mut conn, None, 0, ALL).await?;
    let communities = store::list_communities(&mut conn, None, 0, ALL).await?;
    let venues = store::list_venues(&mut conn, VenueFilter::default(), 0, ALL).await?;
    let (community_count, venue_count) = (communities.len(), venues.len());
    let blocks = streets
        .into_iter()
        .map(|street| StreetBlock {
            communities: communities.iter().filter(|c| c.street_id == street.id).cloned().collect(),
            venues: venues.iter().filter(|v| v.street_id == street.id).cloned().collect(),
            street,
        })
        .collect();
    Ok(Structure { district, blocks, community_count, venue_count })
}

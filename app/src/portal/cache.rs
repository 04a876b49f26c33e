//! The portal's public sections, kept in memory (`web::public_cache`, which says when they are
//! read again and why that is safe) so that the steady state of `/` costs no database query.

use std::sync::Arc;

use crate::app::AppState;
use crate::error::AppResult;
use crate::portal::{Part, Slot, sections};
use crate::web::public_cache::{PublicCache, load};

/// The public sections, rendered per request from here.
pub type Public = Vec<(Slot, Arc<dyn Part>)>;

/// The cache (one per application): one entry, the page's public sections.
pub type PortalCache = PublicCache<(), Public>;

/// A new, empty cache.
pub fn new() -> PortalCache {
    PublicCache::new(1)
}

/// The public sections: from memory when still good, else read now.
pub async fn public(state: &AppState) -> AppResult<Arc<Public>> {
    let reader = state.clone();
    let load = load(move |conn, now| {
        Box::pin(async move {
            let mut parts = Vec::new();
            for section in sections(&reader) {
                if let Some(part) = section.public(&reader, conn, now).await? {
                    parts.push((section.slot(), part));
                }
            }
            Ok(parts)
        })
    });
    state.portal.get(state, &(), load).await
}

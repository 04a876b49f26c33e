//! Activities (活动): lectures, online talks, red-film screenings, micro Party lessons, visits,
//! performances. An event has sessions (场次) — offerings of the booking engine — at venues
//! or online, made one at a time or as a series from an RFC 5545 recurrence rule across many
//! venues. Residents register; the same engine guarantees no session is overfilled.

pub mod api;
pub mod audit_wording;
mod event_form;
pub mod ical;
pub mod manage;
pub mod model;
pub mod portal;
pub mod routes;
pub mod service;
mod sessions_form;
pub mod store;
pub mod venue_page;
mod views;

pub use model::{Event, EventKind};
/// One event and the newest events, for what links to activities (the news's topics and
/// related activities).
pub use store::{all as recent_events, get as event};

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The domain: the activities' pages, public and back office, their API, and the organisers' tile.
pub const DOMAIN: Domain = Domain {
    name: "events",
    pages: router,
    api: api::router,
    tiles,
    search_documents: Some(|conn, now| Box::pin(service::index_all_for_search(conn, now))),
    portal: &[&portal::THIS_WEEK],
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// The activities' pages: the public ones and the back office's.
pub fn router() -> axum::Router<AppState> {
    routes::router().merge(manage::router())
}

/// Organisers and the district's admins run activities.
fn tiles(principal: &Principal) -> Vec<Tile> {
    if principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::Organizer) {
        vec![Tile::new("events.manage", "/manage/events")]
    } else {
        Vec::new()
    }
}

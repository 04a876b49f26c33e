//! Foot patrols (步巡): an inspector starts a patrol on the phone, files findings on the way in
//! a few taps (category, photo, position), and ends it; those who run patrols read the log.
//!
//! What it adds to the case core: a way of finding cases, not a kind of case. A finding is an
//! ordinary case filed through the core's filing service with the patrol's id (source `patrol`);
//! the patrol itself — who, when, how long, the route points — is this folder's (`patrols`
//! table). The core knows a patrol only as that id: its filing rules check that a finding names
//! the filer's open patrol, read in the same statement as the rest (`cases::store::FILING_REFS`).
//!
//! Why a folder: it is a feature users name, with its own audience (inspectors) and pages.
//! Layers: `service` (the patrol's rules, who may read whose patrols, its use cases, and the few
//! SQL statements they need), `pages` (the inspector's patrol page at `/patrol`), `log_pages` (the
//! patrol log at `/manage/patrols`, for those who run patrols), `api` (`/patrols…`,
//! `/me/patrols`). Templates: `cases/patrol.html`, `cases/patrol_log.html`.
//!
//! The core never names this folder: the patrol serves its own pages, API and back-office
//! tiles ([`DOMAIN`], listed in `app::DOMAINS`).

pub mod api;
pub mod log_pages;
pub mod pages;
pub mod service;

use crate::app::{AppState, Domain};
use crate::authz::gate::{Inspector, Overseer};
use crate::authz::{Gate as _, Principal};
use crate::web::backoffice::Tile;

/// The patrol as a domain: the inspector's page, the patrol log, the patrols' API and their tiles.
pub const DOMAIN: Domain = Domain { name: "patrol", pages: router, api: api::router, tiles, ..Domain::NONE };

/// The inspector's page and the patrol log.
pub fn router() -> axum::Router<AppState> {
    pages::router().merge(log_pages::router())
}

/// Inspectors patrol; admins and dispatchers read the log.
fn tiles(principal: &Principal) -> Vec<Tile> {
    let mut tiles = Vec::new();
    if Inspector::admits(principal) {
        tiles.push(Tile::new("patrol_page.title", "/patrol"));
    }
    if Overseer::admits(principal) {
        tiles.push(Tile::new("patrol_log.title", "/manage/patrols"));
    }
    tiles
}

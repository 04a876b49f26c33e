//! Cases: one engine for foot-patrol findings (步巡), residents' reports and requests, hotline
//! calls and enterprise approval assistance (帮办代办) — each a case that reaches a
//! department, is handled within a deadline counted in working time, is checked and closed.
//!
//! This folder's own files are the case core, named by layer: `model` (a case and who stands
//! where towards it), `workflow` (states, actions and who may take them: one table), `filing`
//! (what a new case must be), `store` (SQL of cases, timelines and categories), `service` (filing,
//! seeing, acting, merging: one transaction each), `notices` (what the reporter hears), `jobs`
//! (escalating overdue cases), `timeline` (the timeline as the API tells it), `api` (the case
//! API), `pages` and `views` (report, my reports, the queue), `case_views` (the case page),
//! `duplicate_pages` (possible duplicates and merging, on the case page), `reveal` (showing a
//! masked number or an anonymous reporter, audited). `sqlite` and `postgres` are the filing's
//! two engine paths, kept here until the engine split moves to `db/`.
//!
//! The sub-folders are what is built on the core, one per feature users name, each with the
//! same layer files: `patrol` (foot patrols), `hotline` (12345 calls and the caller's sealed
//! contact), `photos` (a case's photos, on the report, the case page and the board), `stats`
//! (figures per street, department or category, with exports), `settings` (the categories and
//! the audited edits of categories and calendar) and `calendar` (the working-time calendar the
//! deadlines are counted in — a part the core needs, not an add-on). The cut follows who uses
//! what: a folder holds a feature's every layer, the core holds what every kind of case shares.
//! Two domains built on the engine, each with its own audience, live beside `cases/`:
//! enterprise assistance (`crate::enterprise`) and the public board with Open311
//! (`crate::board`). Templates stay in `app/templates/cases/`, except the board's and
//! enterprise assistance's, which are in their domains' folders.
//!
//! Where the core still names a feature (the case page's photos, caller and assistance panel;
//! the pages' router merging the features' routers; enterprise checks in filing, acting and
//! notices; the board's rule for a duplicate's public place), issue 10's next step turns the
//! dependency around.

pub mod api;
pub mod calendar;
pub mod case_views;
pub mod duplicate_pages;
pub mod filing;
pub mod hotline;
pub mod jobs;
pub mod model;
pub mod notices;
pub mod pages;
pub mod patrol;
pub mod photos;
pub mod postgres;
pub mod reveal;
pub mod service;
pub mod settings;
pub mod sqlite;
pub mod stats;
pub mod store;
pub mod timeline;
pub mod views;
pub mod workflow;

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The case core as a domain: the case pages and API with those of its parts (photos), and the
/// staff queue's tile.
pub const DOMAIN: Domain = Domain { name: "cases", pages: pages::router, api, tiles };

/// The case API with its photos.
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(photos::api::router())
}

/// Everyone who works cases has the queue.
fn tiles(principal: &Principal) -> Vec<Tile> {
    const CASE_ROLES: [Role; 5] =
        [Role::DistrictAdmin, Role::StreetAdmin, Role::Dispatcher, Role::Inspector, Role::Handler];
    if CASE_ROLES.iter().any(|r| principal.has_role(*r)) {
        vec![Tile::new("cases_manage.title", "/manage/cases")]
    } else {
        Vec::new()
    }
}

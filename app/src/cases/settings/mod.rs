//! Case settings: what the district maintains as data for its case engine — the categories
//! (each with its department, time limit and flags) and the working-time calendar — and the
//! audited edits of both by the district's admins.
//!
//! What it adds to the case core: the categories a district starts with (`catalog`, seeded by
//! `district import` and `--demo`), the back-office pages to change a category
//! (`category_pages`, `/manage/case-categories`) and the calendar (`calendar_pages`,
//! `/manage/work-calendar`, template `cases/calendar.html`), and the use cases (`service`) and API
//! operations (`api`: `/case-categories/{id}`, `/work-calendar…`) that change categories and the
//! calendar, with their checks and audit entries, shared by the pages and the API.
//!
//! Why the cut is here: one service and one API cover both kinds of setting, so they stay
//! together rather than split between a categories folder and the calendar's; the calendar's
//! model and SQL are `cases::calendar`, a part the core builds on. The categories' rows
//! stay in the core's `cases::store`, since every filing reads its category in the same
//! statement as the rest (`store::FILING_REFS`); the kinds the report screens offer (`city`,
//! `request`) are the core's too. Seeding the catalog's categories is `service::seed_categories`.
//! The core never imports this folder, which plugs in by [`DOMAIN`] (listed in `app::DOMAINS`).
//! Templates: `cases/categories.html`, `cases/category.html`, `cases/calendar.html`.

pub mod api;
pub mod audit_wording;
pub mod calendar_pages;
pub mod catalog;
pub mod category_pages;
pub mod service;

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The settings as a domain: the categories' and the calendar's pages, their API and tiles.
pub const DOMAIN: Domain = Domain {
    name: "case settings",
    pages: router,
    api: api::router,
    tiles,
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// The categories' pages and the calendar's.
pub fn router() -> axum::Router<AppState> {
    category_pages::router().merge(calendar_pages::router())
}

/// The district's admins keep the categories and the calendar.
fn tiles(principal: &Principal) -> Vec<Tile> {
    if !principal.has_role(Role::DistrictAdmin) {
        return Vec::new();
    }
    vec![
        Tile::new("case_admin.categories_title", "/manage/case-categories"),
        Tile::new("case_admin.calendar_title", "/manage/work-calendar"),
    ]
}

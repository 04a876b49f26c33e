//! Cases: one engine for foot-patrol findings (步巡), residents' reports and requests, hotline
//! calls and enterprise approval assistance (帮办代办) — each a case that reaches a
//! department, is handled within a deadline counted in working time, is checked and closed.
//!
//! This folder's own files are the case core, named by layer: `model` (a case, who stands
//! where towards it, what the public may see of it), `workflow` (states, actions and who may
//! take them: one table), `filing` (what a new case must be, and in `filing/store` the filing as
//! one durable write, see `db::write`), `store` (SQL of cases, timelines
//! and categories), `service` (filing, seeing, acting, merging: one transaction each),
//! `notices` (what the reporter hears), `queues` (what staff hear of the cases waiting for
//! them, and how many wait), `jobs` (escalating overdue cases), `timeline` (the
//! timeline as the API tells it), `api` (the case API), `pages` and `views` (report, my reports,
//! the queue), `case_views` (the case page), `duplicate_pages` (merging a possible duplicate
//! from the case page), `reveal` (showing a masked number or an anonymous reporter, audited),
//! `addons` (what others may add to a case, and how).
//!
//! The sub-folders are what is built with or on the core, one per feature users name, each
//! with the same layer files. Two are parts of the core: `calendar` (the working-time calendar
//! the deadlines are counted in) and `photos` (a case's photos: the case API's schema carries
//! them, the report's screens file them in the filing's transaction, a category may require
//! one — they are part of what a case is, not something added to some cases). The others are
//! add-ons: `patrol` (foot patrols), `hotline` (12345 calls and the caller's sealed contact),
//! `stats` (figures per street, department or category, with exports) and `settings` (the
//! categories and calendar as the district edits them). Two more add-ons, each with its own
//! audience, live beside `cases/`: enterprise assistance (`crate::enterprise`) and the public
//! board with Open311 (`crate::board`). Templates stay in `app/templates/cases/`, except the
//! board's and enterprise assistance's, which are in their domains' folders.
//!
//! Dependencies point one way. The core imports its parts, and a part imports only the core's
//! lower layers (`model`, `workflow`, `store`, `service`, and for the photos' forms the case
//! page), never an add-on. The core never imports an add-on: each add-on declares what it
//! brings in its `mod.rs` (`pub const DOMAIN`: its pages, API operations and back-office tiles,
//! listed once in `app::DOMAINS`) and plugs into extension points the core owns —
//! `addons::CaseAddon` (a panel on the case page, names for its timeline steps, a check before
//! an action, a category kind only its intake files) and `reveal::Subject` (a number kept beside
//! the case that the case page reveals); the notices it leaves it words itself, registered with
//! the inbox (`notify::wording`) as the core's own are (`notices::CaseNotices`).
//!
//! Why this shape — small extension points the core owns, filled from one `const` list in
//! `app.rs` (`app::DOMAINS`), rather than a macro or an `inventory`-style crate collecting
//! registrations at link time: what is registered, and in which order (the order of the panels
//! and of the back-office tiles), is written in one place a reader can find, checked by the
//! compiler; an add-on's `DOMAIN` and its `impl`s say in its own folder all it adds. The rule is
//! enforced by `crate::architecture`'s test, which reads the source's imports.

pub mod addons;
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
pub mod portal;
pub mod queues;
pub mod reveal;
pub mod searchable;
pub mod service;
pub mod settings;
pub mod stats;
pub mod store;
pub mod timeline;
pub mod views;
pub mod workflow;

// What the add-ons outside this folder (enterprise assistance, the public board) use of the
// core's storage: the categories, a case, its timeline, and a guarded move with its step (and
// what search holds of the case). They name these, never `store`; `seed` (the demo's data) is
// the one exception.
pub use searchable::{index_all as index_all_for_search, move_case};
pub use store::{Category, add_step, case, categories, category, category_by_code, steps};

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The case core as a domain: the case pages and API with those of its parts (photos), the
/// staff queue's tile, and the reporter's notices' wording.
pub const DOMAIN: Domain = Domain {
    name: "cases",
    pages: pages::router,
    api,
    tiles,
    case_addon: None,
    audit: Some(&AUDIT),
    notices: Some(&notices::CaseNotices),
    search_documents: Some(|conn, now| Box::pin(async move { Ok(searchable::index_all(conn, None, now).await?) })),
    portal: &[&portal::REPORT, &portal::MY_REPORTS],
};

/// How the audit log words the case core's entries. Here rather than in a file of its own: the
/// folder holds fifteen files already (the architecture test's limit).
const AUDIT: crate::audit::Wording = crate::audit::Wording {
    objects: &[("case", "audit.object.case")],
    actions: &[
        ("case.file", "audit.action.case_file"),
        ("case.act", "audit.action.case_act"),
        ("case.escalate", "audit.action.case_escalate"),
        ("case.photo", "audit.action.case_photo"),
        ("case.photo_review", "audit.action.case_photo_review"),
        ("case.reporter_reveal", "audit.action.case_reporter_reveal"),
    ],
    links: &[("case", "/cases/{id}")],
    fields: &[("anonymous", "audit.fields.anonymous"), ("reviewed", "audit.fields.reviewed")],
};

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

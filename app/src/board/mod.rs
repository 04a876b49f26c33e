//! The public board (公开栏): what everyone, logged in or not, may see of the district's cases —
//! the board's list and map at `/board`, one public case at `/board/{id}`, its reviewed photos —
//! and the same public cases for machines through Open311 GeoReport v2 at `/open311/v2`.
//!
//! What it adds to the case core: a public reading of cases. Only cases of public categories
//! show, never who reported them; the description and the place only once a dispatcher accepted
//! the case (the place rounded unless the category is precise), photos only those a dispatcher
//! reviewed. Every public output reads through `store` (`search`, which applies the core's `public_place`),
//! so no page, map or Open311 answer can show what another would hide. Open311 files new cases
//! through the core's filing service like any other intake.
//!
//! Why a domain of its own beside `cases/` rather than inside it: it has its own audience (the
//! public, without an account) and its own URL trees, and it only reads what the core writes.
//! Layers: `store` (the public view of cases: types, the rules of what shows, SQL), `pages` and
//! `views` (the site), `map` and `map_labels` (the SVG map drawn on the server, its community
//! names placed so they do not collide), `locate` (a report's position on the map before filing, as an add-on of the case
//! core), `api` (a dispatcher's review of which photos the board
//! may show), `open311` (GeoReport v2 in JSON and XML, handlers and view structs together, as its
//! templates are the spec's formats). Templates: `app/templates/board/` and
//! `app/templates/open311/`.
//!
//! What the public may see of a case (`public_place`, `description_shown`) is the case core's
//! rule (`cases::model`), which this domain applies to every public output and the core to the
//! possible duplicates it tells a resident of: the core never imports the board.

pub mod api;
pub mod locate;
pub mod map;
pub mod map_labels;
pub mod open311;
pub mod pages;
pub mod portal;
pub mod store;
pub mod views;

/// One public case (None unless the board shows it), for what links to cases (the news's
/// related cases).
pub use store::{PublicCase, one as public_case};

use crate::app::Domain;

/// The board as a domain: its pages and its API operation. Open311, a URL tree of its own with
/// its own layers, is nested by `app::router`.
pub const DOMAIN: Domain = Domain {
    name: "board",
    pages: pages::router,
    api: api::router,
    portal: &[&portal::HANDLED],
    case_addon: Some(&locate::Board),
    ..Domain::NONE
};

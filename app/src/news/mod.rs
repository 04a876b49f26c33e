//! News (时尚市南): articles written in Markdown by the newsroom — editors, district admins, and
//! street admins for their street — published under four eyes, and the topic columns (专题)
//! they attach to.
//!
//! An article is drafted by its author, sent for review, and published (now, or scheduled for
//! a time) by someone else whose reach covers it; it may be withdrawn, and corrected after
//! publishing with its history kept. Every step is in the audit log. The Markdown is rendered
//! and sanitised once, when it is written (`markdown`), so reads only serve stored HTML.
//!
//! Layers: `model` (states, the transition table, four eyes, what a valid article is; pure),
//! `markdown` (render and sanitise), `store` (SQL), `service` (use cases with their checks and
//! audit entries), `jobs` (scheduled publishing, safe on several instances), `api` (the JSON
//! operations), `searchable` (what search holds of an article, written in the same transaction
//! as the step that changes it). This is the publishing core only: the pages (`/news`, `/topics/{id}`), the
//! feeds, search and the home page are to plug in on top of `service` and `store`'s reads, as
//! the API does — they add to this folder and to [`DOMAIN`], not to other domains.

pub mod api;
pub mod jobs;
pub mod markdown;
pub mod model;
pub mod searchable;
pub mod service;
pub mod store;

use crate::app::Domain;

/// The news as a domain: its API operations (pages to come).
pub const DOMAIN: Domain = Domain {
    name: "news",
    api: api::router,
    search_documents: Some(|conn, now| Box::pin(searchable::index_all(conn, now))),
    ..Domain::NONE
};

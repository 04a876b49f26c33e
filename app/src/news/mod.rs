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
//! audit entries), `jobs` (scheduled publishing, safe on several instances, and writing the
//! read counts `reads` keeps in memory), `api` (the JSON operations), `site` (the public pages,
//! their Atom feeds and what they keep in memory), `manage` (the newsroom's back office), `views` (their view
//! structs), `searchable` (what search holds of an article, written in the same transaction as
//! the step that changes it). Authoring beyond the text: `links` (cover and body images with
//! their alt text, related activities and public cases, topic sections, community tags) with
//! `manage_media` (the form's pictures); topic columns' banner, sections and activities in
//! `topics` (`store`, `service`, `manage`). `portal` puts the
//! campaign (the newest topic) and the latest articles on the home page, read through `store`.

pub mod api;
pub mod jobs;
pub mod links;
pub mod manage;
pub mod manage_media;
pub mod markdown;
pub mod model;
pub mod portal;
pub mod reads;
pub mod searchable;
pub mod service;
pub mod site;
pub mod store;
pub mod topics;
mod views;

use crate::app::{AppState, Domain};
use crate::authz::{Gate as _, Principal};
use crate::web::backoffice::Tile;

/// The news as a domain: its pages (site and back office), its API operations and the
/// newsroom's tile.
pub const DOMAIN: Domain = Domain {
    name: "news",
    pages: router,
    api: api::router,
    tiles,
    search_documents: Some(|conn, now| Box::pin(searchable::index_all(conn, now))),
    audit: Some(&AUDIT),
    portal: &[&portal::CAMPAIGN, &portal::LATEST_NEWS],
    ..Domain::NONE
};

/// How the audit log's page names the newsroom's steps.
const AUDIT: crate::audit::Wording = crate::audit::Wording {
    objects: &[("article", "news.audit.article"), ("topic", "news.audit.topic")],
    actions: &[
        ("article.create", "news.audit.create"),
        ("article.update", "news.audit.update"),
        ("article.correct", "news.audit.correct"),
        ("article.draft", "news.audit.draft"),
        ("article.review", "news.audit.review"),
        ("article.schedule", "news.audit.schedule"),
        ("article.publish", "news.audit.publish"),
        ("article.withdraw", "news.audit.withdraw"),
        ("article.links", "news.audit.links"),
        ("article.cover", "news.audit.cover"),
        ("article.image", "news.audit.image"),
        ("topic.create", "news.audit.topic_create"),
        ("topic.update", "news.audit.topic_update"),
        ("topic.banner", "news.audit.topic_banner"),
        ("topic.sections", "news.audit.topic_sections"),
        ("topic.attach", "news.audit.topic_attach"),
        ("topic.detach", "news.audit.topic_detach"),
    ],
    links: &[("article", "/manage/news/{id}"), ("topic", "/manage/topics/{id}")],
    fields: &[],
};

/// The news's pages: the public ones with their feeds, and the newsroom's.
pub fn router() -> axum::Router<AppState> {
    site::pages::router().merge(manage::router()).merge(topics::manage::router())
}

/// The newsroom opens its articles (and from there, editors and district admins the topics).
fn tiles(principal: &Principal) -> Vec<Tile> {
    if crate::authz::gate::Newsroom::admits(principal) {
        vec![Tile::new("news.manage", "/manage/news")]
    } else {
        Vec::new()
    }
}

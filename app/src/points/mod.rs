//! Points (学习积分): the platform's one ledger. Residents earn points for an accepted exercise
//! check-in, a correct quiz answer, attending a lecture or screening, and (later) contest votes;
//! not for reading, which is not tracked per person. Each source has points per action and a
//! daily cap, rules the district admin edits as data (`/manage/points`). A person sees their
//! total and history at `/me/points` (and `GET /api/v1/me/points`).
//!
//! # The interface other domains call
//!
//! Points are written **in the transaction of the action that earns them**, so an action and its
//! points commit or roll back together. Call these with the caller's `&mut Conn` (a `Tx`):
//!
//! - [`award`]`(conn, now, user, source, reference, day) -> Awarded` gives the current rule's
//!   points for `reference` (the object that earned them: `checkin:123`, `quiz:7:2`,
//!   `attendance:456`, `vote:…`), counted on the district-local `day` (the day of the activity,
//!   not of the call: an attendance marked the morning after counts for the session's day).
//!   - **Cap**: a person earns at most the rule's `daily_cap` from one source on one day. An award
//!     that would pass it gives **the remainder up to the cap** (possibly 0), so the cap is exactly
//!     reachable; `Awarded::capped` says it was cut. A 0-point entry is still written: the
//!     reference counts as scored and the history says why nothing came of it.
//!   - **Idempotent by `(source, reference)`**: while the reference's award stands, awarding it
//!     again adds nothing (`Awarded::repeat`). To award a reference again with new figures (a
//!     replaced check-in), [`reverse`] it first; the next award is a new round.
//!   - **Concurrency**: the person's totals row is locked (`for update` on PostgreSQL; SQLite has
//!     one writer) before the day's sum is read, so two awards at once never pass the cap
//!     together, on one instance or several.
//! - [`reverse`]`(conn, now, source, reference, why) -> i64` appends a reversing entry (the
//!   opposite points, on the award's day, naming the award and why) for every award of the
//!   reference not yet reversed, so its net is zero; returns the change to the person's total
//!   (0 or negative), 0 on a retry. Reasons: [`Why`] (reduced, refused, replaced, voided,
//!   not attended).
//! - On SQLite's writer thread (rusqlite, for writes that run there: the exercise check-in),
//!   [`writer::award`] and [`writer::reverse`] do the same with the same statements.
//! - [`total`]`(conn, user)` and [`total_of`]`(conn, users)` read totals (a team's is the sum of
//!   its members').
//!
//! The ledger is append-only: entries are never updated or deleted; a rule change adds a rule
//! version and entries keep the version and points they were given. Each person's total is kept
//! in `points_totals` in the same transaction as every entry — a single-row read for `/me` and
//! the person's page, whatever their history's length, and the row the award locks.
//!
//! Layers: `model` (sources, reasons, the cap; pure), `store` (SQL), `service` (award, reverse,
//! the audited rule change), `writer` (the same on SQLite's writer thread), `api` (`/me/points`), `pages` (`/me/points`, `/manage/points`) with
//! `views`; `audit_wording`.

pub mod api;
pub mod audit_wording;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
mod views;
pub mod writer;

pub use model::{Awarded, Source, Why, attendance_reference, checkin_reference};
pub use service::{award, reverse};

use crate::app::Domain;
use crate::authz::{Principal, Role};
use crate::db::Conn;
use crate::ids::UserId;
use crate::web::backoffice::Tile;

/// The ledger as a domain: the person's page and the rules' page, the API and the admins' tile.
pub const DOMAIN: Domain = Domain {
    name: "points",
    pages: pages::router,
    api: api::router,
    tiles,
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// District admins edit the rules; street admins read them.
fn tiles(principal: &Principal) -> Vec<Tile> {
    if principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::StreetAdmin) {
        vec![Tile::new("points.rules_title", "/manage/points")]
    } else {
        Vec::new()
    }
}

/// A person's total points.
pub async fn total(conn: &mut Conn, user: UserId) -> Result<i64, sqlx::Error> {
    store::total(conn, user).await
}

/// The sum of these people's totals (a team's points).
pub async fn total_of(conn: &mut Conn, users: &[UserId]) -> Result<i64, sqlx::Error> {
    store::total_of(conn, users).await
}

//! The Long March's milestones as pages, and their quizzes (issue 13): each milestone's page
//! tells what happened there (from the route file; public history, reached or not) and whether
//! the viewer or their team has reached it; once reached, a participant answers its three
//! questions, each scored once, a right answer earning quiz points (`points::award`, in the
//! answer's transaction, within the day's cap). Organisers edit the questions in the back office.
//!
//! The questions are demo content written from the route file's own text
//! (`data/long_march_quiz.json`), copied into each challenge on first use so its organisers
//! edit their own copy (see `service`).
//!
//! Layers: `model` (the quiz file, an edit's checks, "reached"; pure), `store` (SQL), `service`
//! (positions, the quiz, answering, the audited edit), `pages` (the milestone page, the list on
//! the challenge page), `manage` (the organisers' quiz pages), `api`, `views`, `audit_wording`.

pub mod api;
pub mod audit_wording;
pub mod manage;
pub mod model;
pub mod pages;
pub mod service;
pub mod store;
pub mod views;

use axum::Router;

use crate::app::{AppState, Domain};

/// The milestones as a domain of their own, beside the challenge's: their pages (site and back
/// office), their API and how the audit log words a quiz edit.
pub const DOMAIN: Domain = Domain {
    name: "challenge_milestones",
    pages: routes,
    api: api::router,
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

fn routes() -> Router<AppState> {
    pages::router().merge(manage::router())
}

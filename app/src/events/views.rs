//! Activity pages: the list with filters, and an event with its sessions.

use crate::events::model::Event;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt};

/// An event in the list.
pub struct EventRow {
    /// The event.
    pub event: Event,
    /// "2026-12-05 周六 19:00".
    pub next: String,
}

/// The list of activities.
#[derive(askama::Template)]
#[template(path = "events/list.html")]
pub struct EventsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form).
    pub filters: Vec<Field>,
    /// Events.
    pub rows: Vec<EventRow>,
}

/// A session as a resident sees it.
pub struct SessionRow {
    /// Offering id.
    pub id: i64,
    /// "2026-12-05 19:00–21:00".
    pub when: String,
    /// Venue name, or "online".
    pub place: String,
    /// Seats left (None: unlimited).
    pub left: Option<i64>,
    /// Cancelled.
    pub cancelled: bool,
    /// Open for registration now.
    pub open: bool,
    /// Why the last attempt failed (message key).
    pub error: Option<&'static str>,
}

/// One event.
#[derive(askama::Template)]
#[template(path = "events/event.html")]
pub struct EventPage {
    /// Page context.
    pub ctx: Ctx,
    /// The event.
    pub event: Event,
    /// Its sessions.
    pub sessions: Vec<SessionRow>,
    /// Whom the user can register.
    pub people: Vec<Opt>,
    /// One-time form token.
    pub form_token: String,
}

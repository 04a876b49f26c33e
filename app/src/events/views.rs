//! Activity pages: the list with filters, and an event with its sessions.

use chrono::{Datelike as _, NaiveDate};

use crate::events::model::Event;
use crate::web::backoffice::{Field, Opt};
use crate::web::{Ctx, Locale};

/// "周六 12月12日" / "Sat 12 Dec": a day as residents say it, weekday first.
pub fn day_label(ctx: &Ctx, d: NaiveDate) -> String {
    let weekday = ctx.t(match d.weekday().number_from_monday() {
        1 => "weekday.mon",
        2 => "weekday.tue",
        3 => "weekday.wed",
        4 => "weekday.thu",
        5 => "weekday.fri",
        6 => "weekday.sat",
        _ => "weekday.sun",
    });
    match ctx.locale {
        Locale::ZhCn => format!("{weekday} {}月{}日", d.month(), d.day()),
        Locale::En => format!("{weekday} {}", d.format("%-d %b")),
    }
}

/// "周六 12月12日 19:00": a session's start.
pub fn day_time(ctx: &Ctx, unix: i64) -> String {
    format!("{} {}", day_label(ctx, crate::clock::local_day(unix)), crate::clock::local_time(unix))
}

/// A shortcut above the list (本周, 我的社区): a link that turns its filter on or off.
pub struct Shortcut {
    /// Label key.
    pub key: &'static str,
    /// The list with this shortcut toggled.
    pub href: String,
    /// Whether it is on.
    pub on: bool,
}

/// An event in the list.
pub struct EventRow {
    /// The event.
    pub event: Event,
    /// "周六 12月12日 19:00".
    pub next: String,
    /// Where that session is ("" when online).
    pub place: String,
    /// Its venue's page.
    pub venue_id: Option<i64>,
}

/// The list of activities.
#[derive(askama::Template)]
#[template(path = "events/list.html")]
pub struct EventsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form, folded away unless one is set).
    pub filters: Vec<Field>,
    /// Whether a filter of the form is set (it is then shown open).
    pub filtered: bool,
    /// 本周 and 我的社区.
    pub shortcuts: Vec<Shortcut>,
    /// The community filter, kept through the form as a hidden field.
    pub community: String,
    /// Events.
    pub rows: Vec<EventRow>,
}

/// A session as a resident sees it.
pub struct SessionRow {
    /// Offering id.
    pub id: i64,
    /// Its day (district time).
    pub day: NaiveDate,
    /// Start (Unix seconds), to sort by.
    pub starts_at: i64,
    /// "19:00–21:00".
    pub time: String,
    /// Venue name, or "online".
    pub place: String,
    /// The venue, for its page.
    pub venue_id: Option<i64>,
    /// At a venue of the resident's own community.
    pub near: bool,
    /// Seats left (None: unlimited).
    pub left: Option<i64>,
    /// Cancelled.
    pub cancelled: bool,
    /// Open for registration now.
    pub open: bool,
    /// The resident already holds a registration for it (已报名).
    pub held: bool,
    /// Why the last attempt failed (message key).
    pub error: Option<&'static str>,
}

/// A day's sessions.
pub struct SessionDay {
    /// The day.
    pub date: NaiveDate,
    /// "周六 12月12日".
    pub label: String,
    /// Its sessions, the resident's community's first.
    pub sessions: Vec<SessionRow>,
}

/// One event.
#[derive(askama::Template)]
#[template(path = "events/event.html")]
pub struct EventPage {
    /// Page context.
    pub ctx: Ctx,
    /// The event.
    pub event: Event,
    /// Its sessions by day, nearest first.
    pub days: Vec<SessionDay>,
    /// Whom the user can register (one choice for every session).
    pub people: Vec<Opt>,
    /// The one chosen ("" the user themself).
    pub chosen: String,
    /// A refused registration, summarised at the top of the form.
    pub errors: crate::web::forms::Errors,
    /// One-time form token.
    pub form_token: String,
}

impl EventPage {
    /// Whether any session can be registered for now (the form is shown).
    pub fn any_open(&self) -> bool {
        self.days.iter().flat_map(|d| &d.sessions).any(|s| s.open && !s.cancelled)
    }
}

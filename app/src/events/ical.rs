//! iCalendar feeds (RFC 5545): one event's sessions, one venue's sessions, and a private
//! per-user feed of their registrations behind a secret URL.

use chrono::DateTime;
use icalendar::{Calendar, Component as _, EventLike as _, EventStatus};

use crate::bookings::model::Offering;

/// A session to put in a calendar.
pub struct Entry<'a> {
    /// The session.
    pub session: &'a Offering,
    /// Event title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Venue name ("" when online).
    pub venue: &'a str,
    /// Online link, for registrants only.
    pub link: Option<&'a str>,
}

/// Renders a calendar; `now` is the DTSTAMP, `host` makes the UIDs globally unique.
pub fn calendar(name: &str, entries: &[Entry<'_>], now: i64, host: &str) -> String {
    let stamp = DateTime::from_timestamp(now, 0).unwrap_or_default();
    let mut cal = Calendar::new();
    cal.name(name);
    for e in entries {
        let (Some(start), Some(end)) =
            (DateTime::from_timestamp(e.session.starts_at, 0), DateTime::from_timestamp(e.session.ends_at, 0))
        else {
            continue;
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("session-{}@{host}", e.session.id))
            .timestamp(stamp)
            .summary(e.title)
            .starts(start)
            .ends(end)
            .status(if e.session.status == "open" { EventStatus::Confirmed } else { EventStatus::Cancelled });
        if !e.description.is_empty() {
            event.description(e.description);
        }
        if !e.venue.is_empty() {
            event.location(e.venue);
        }
        if let Some(link) = e.link {
            event.url(link);
        }
        cal.push(event.done());
    }
    cal.done().to_string()
}

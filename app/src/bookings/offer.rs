//! Creating offerings, once for every kind: an appointment service's slots and an activity's
//! sessions are checked by the same rules and written by the same path.
//!
//! What differs stays with each kind: how its times are given (a slot template, an RFC 5545
//! series or one start and end, in `appointments` and `events`), its parent (a service, or an
//! event and its series) and its audit entry. What is the same lives here: the terms an
//! organiser sets ([`Terms`], read from [`RulesInput`]), the checks of seats, links and venues,
//! and [`create`], which writes each offering of a checked [`NewOfferings`] for its
//! [`Parent`] — a lottery's committed seed included.

use chrono::DateTime;
use serde::Deserialize;

use crate::authz::Location;
use crate::bookings::lottery::SealedSeed;
use crate::bookings::model::{Mode, Rules};
use crate::bookings::store::{self, NewOffering};
use crate::crypto::Keys;
use crate::db::Conn;
use crate::error::FieldError;
use crate::ids::StreetId;

/// Booking rules as the API takes them (times in RFC 3339).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RulesInput {
    /// Booking opens, e.g. `2026-12-01T08:00:00+08:00`; default: at once.
    pub opens_at: Option<String>,
    /// Booking closes; default: when the slot starts.
    pub closes_at: Option<String>,
    /// Cancelling allowed until; default: when the slot starts.
    pub cancel_until: Option<String>,
    /// Bookings one user may hold on one slot (for family members).
    pub max_per_user: Option<i64>,
    /// Youngest age.
    pub min_age: Option<i64>,
    /// Oldest age.
    pub max_age: Option<i64>,
    /// Only residents of these street ids.
    #[serde(default)]
    pub streets: Vec<i64>,
    /// `first_come` (default) or `lottery`.
    pub mode: Option<String>,
    /// Take a waiting list when full (default true).
    pub waitlist: Option<bool>,
}

/// Parses an RFC 3339 time into Unix seconds.
pub fn parse_time(field: &'static str, raw: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(t) => Some(t.timestamp()),
        Err(_) => {
            errors.push(FieldError { field, key: "form.time_invalid" });
            None
        }
    }
}

/// Checks a seat count.
pub fn check_capacity(capacity: i64, errors: &mut Vec<FieldError>) {
    if !(0..=100_000).contains(&capacity) {
        errors.push(FieldError { field: "capacity", key: "form.capacity_invalid" });
    }
}

/// The longest link of an online offering.
pub const MAX_URL_CHARS: usize = 500;

/// Checks an online offering's link: blank is none; otherwise `http(s)://…`, at most
/// [`MAX_URL_CHARS`] long.
pub fn check_online_url(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let url = raw.map(str::trim).filter(|u| !u.is_empty())?;
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > MAX_URL_CHARS {
        errors.push(FieldError { field: "online_url", key: "form.url_invalid" });
    }
    Some(url.to_owned())
}

/// What every offering of one creation shares, checked: its seats, waiting list, way of
/// giving out seats, and booking rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// Seats; None = unlimited.
    pub capacity: Option<i64>,
    /// Whether a full offering takes a waiting list.
    pub waitlist: bool,
    /// First come or lottery.
    pub mode: Mode,
    /// The booking rules.
    pub rules: Rules,
}

impl Default for Terms {
    /// Unlimited seats, first come, with a waiting list and no rules.
    fn default() -> Self {
        Self { capacity: None, waitlist: true, mode: Mode::FirstCome, rules: Rules::default() }
    }
}

impl Terms {
    /// Checks the terms an organiser sent: the rules, mode and waiting list of `input`, and the
    /// seats (None: unlimited). Each problem is added to `errors`.
    pub fn check(input: &RulesInput, capacity: Option<i64>, errors: &mut Vec<FieldError>) -> Self {
        let mut time = |field, v: &Option<String>| v.as_deref().and_then(|s| parse_time(field, s, errors));
        let rules = Rules {
            opens_at: time("opens_at", &input.opens_at),
            closes_at: time("closes_at", &input.closes_at),
            cancel_until: time("cancel_until", &input.cancel_until),
            max_per_user: input.max_per_user,
            min_age: input.min_age,
            max_age: input.max_age,
            streets: input.streets.iter().copied().map(StreetId).collect(),
        };
        if rules.max_per_user.is_some_and(|m| !(1..=100).contains(&m)) {
            errors.push(FieldError { field: "max_per_user", key: "form.number_invalid" });
        }
        for (field, age) in [("min_age", rules.min_age), ("max_age", rules.max_age)] {
            if age.is_some_and(|a| !(0..=150).contains(&a)) {
                errors.push(FieldError { field, key: "form.number_invalid" });
            }
        }
        if let (Some(o), Some(c)) = (rules.opens_at, rules.closes_at)
            && c <= o
        {
            errors.push(FieldError { field: "closes_at", key: "form.time_order" });
        }
        let mode = match input.mode.as_deref() {
            None => Mode::FirstCome,
            Some(m) => Mode::parse(m).unwrap_or_else(|| {
                errors.push(FieldError { field: "mode", key: "form.choice_invalid" });
                Mode::FirstCome
            }),
        };
        if let Some(c) = capacity {
            check_capacity(c, errors);
        }
        Self { capacity, waitlist: input.waitlist.unwrap_or(true), mode, rules }
    }

    /// Refuses a lottery, for offerings nobody can draw (an activity's sessions: only an
    /// appointment slot has a draw).
    pub fn first_come_only(&self, errors: &mut Vec<FieldError>) {
        if self.mode == Mode::Lottery {
            errors.push(FieldError { field: "mode", key: "form.choice_invalid" });
        }
    }
}

/// What offerings belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// An appointment service: its offerings are slots, and a person holds one active booking
    /// across all of them.
    Service(i64),
    /// An activity: its offerings are sessions, each its own scope of one registration per
    /// person, made alone or as part of a series.
    Event {
        /// The event.
        event: i64,
        /// The series the sessions are made from.
        series: Option<i64>,
    },
}

/// Offerings to create, checked: when, where and on which terms.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOfferings {
    /// (start, end) of each, in Unix seconds.
    pub times: Vec<(i64, i64)>,
    /// Venues: an offering at each for each time; `[None]` for online ones only.
    pub places: Vec<Option<i64>>,
    /// Link of online offerings (shown to those booked only).
    pub online_url: Option<String>,
    /// Their terms.
    pub terms: Terms,
}

impl NewOfferings {
    /// The places of offerings at `venues`: each venue, or online only when there is none.
    pub fn places(venues: &[i64]) -> Vec<Option<i64>> {
        if venues.is_empty() { vec![None] } else { venues.iter().copied().map(Some).collect() }
    }

    /// How many offerings these are.
    pub fn count(&self) -> usize {
        self.times.len() * self.places.len()
    }
}

/// Adds `field` to `errors` unless every venue of `places` exists.
pub async fn check_venues(
    conn: &mut Conn,
    places: &[Option<i64>],
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Result<(), sqlx::Error> {
    for venue in places.iter().flatten() {
        if crate::org::venue(conn, crate::ids::VenueId(*venue)).await?.is_none() {
            errors.push(FieldError { field, key: "form.choice_invalid" });
            return Ok(());
        }
    }
    Ok(())
}

/// Writes the offerings of `new` for `parent`, organised from `location` (call it in a
/// transaction: a lottery's seed is sealed and committed with its offering). Returns their
/// ids, place by place, each place's in time order.
pub async fn create(
    conn: &mut Conn,
    keys: &Keys,
    parent: Parent,
    location: Location,
    new: &NewOfferings,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(new.count());
    for venue_id in &new.places {
        for &(starts_at, ends_at) in &new.times {
            let row = NewOffering {
                parent,
                venue_id: *venue_id,
                starts_at,
                ends_at,
                online_url: new.online_url.as_deref(),
                terms: &new.terms,
                location,
                // Each lottery commits to its own seed now, before anyone can enter.
                lottery: (new.terms.mode == Mode::Lottery).then(|| SealedSeed::new(keys, &mut rand::rngs::OsRng)),
            };
            ids.push(store::insert_offering(conn, &row, now).await?);
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked() {
        let mut errors = Vec::new();
        let input = RulesInput {
            opens_at: Some("2026-12-01T08:00:00+08:00".into()),
            closes_at: Some("2026-12-01T07:00:00+08:00".into()),
            mode: Some("raffle".into()),
            max_per_user: Some(0),
            ..RulesInput::default()
        };
        Terms::check(&input, None, &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["max_per_user", "closes_at", "mode"]);
    }

    #[test]
    fn seats_links_and_lotteries_are_checked() {
        let mut errors = Vec::new();
        let lottery = RulesInput { mode: Some("lottery".into()), waitlist: Some(false), ..RulesInput::default() };
        let terms = Terms::check(&lottery, Some(100_001), &mut errors);
        assert_eq!((terms.mode, terms.waitlist), (Mode::Lottery, false));
        terms.first_come_only(&mut errors);
        assert_eq!(check_online_url(Some("  "), &mut errors), None);
        assert!(check_online_url(Some(" https://meeting.example/1 "), &mut errors).is_some());
        check_online_url(Some("ftp://meeting.example/1"), &mut errors);
        check_online_url(Some(&format!("https://{}", "x".repeat(MAX_URL_CHARS))), &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["capacity", "mode", "online_url", "online_url"]);
        assert_eq!(Terms::check(&RulesInput::default(), None, &mut Vec::new()), Terms::default());
    }
}

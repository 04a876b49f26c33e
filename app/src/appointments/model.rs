//! Appointment services and slots as plain types: slot templates expand into slots.

use chrono::{DateTime, Datelike as _, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone as _};
use serde::{Deserialize, Serialize};

use crate::bookings::model::{Mode, Rules};
use crate::clock::{self, DISTRICT_OFFSET};
use crate::error::FieldError;
use crate::ids::StreetId;

/// The district-time date of Unix seconds: [`clock::local_day`], under the name the pages,
/// exports and API that show appointment times import from here.
pub use crate::clock::local_day as local_date;

/// A bookable service, e.g. 新冠疫苗接种 第一剂.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Service {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Whether every booking needs the person's resident ID (name + number).
    pub real_name_required: bool,
    /// Organising department.
    pub department_id: Option<i64>,
}

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

/// Checked rules and mode.
pub fn check_rules(input: &RulesInput, errors: &mut Vec<FieldError>) -> (Rules, Mode, bool) {
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
    (rules, mode, input.waitlist.unwrap_or(true))
}

/// Checks a seat count.
pub fn check_capacity(capacity: i64, errors: &mut Vec<FieldError>) {
    if !(0..=100_000).contains(&capacity) {
        errors.push(FieldError { field: "capacity", key: "form.capacity_invalid" });
    }
}

/// A recurring pattern of slots: e.g. Mon–Sat 08:30–11:30 in 30-minute slots × 20 people.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Template {
    /// First day, `YYYY-MM-DD` (district time).
    pub from: String,
    /// Last day, inclusive.
    pub to: String,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u32>,
    /// Daily start, `HH:MM`.
    pub start: String,
    /// Daily end, `HH:MM`.
    pub end: String,
    /// Length of one slot in minutes.
    pub minutes: i64,
}

/// At most this many slots from one template (a year of 30-minute slots, 12 hours a day).
pub const MAX_TEMPLATE_SLOTS: usize = 10_000;

/// Expands a template into (start, end) pairs in Unix seconds.
pub fn expand(t: &Template, errors: &mut Vec<FieldError>) -> Vec<(i64, i64)> {
    let tz: FixedOffset = DISTRICT_OFFSET;
    let day = |field, s: &str, errors: &mut Vec<FieldError>| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError { field, key: "form.date_invalid" }))
            .ok()
    };
    let time = |field, s: &str, errors: &mut Vec<FieldError>| {
        NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map_err(|_| errors.push(FieldError { field, key: "form.time_invalid" }))
            .ok()
    };
    let (from, to) = (day("from", &t.from, errors), day("to", &t.to, errors));
    let (start, end) = (time("start", &t.start, errors), time("end", &t.end, errors));
    if !(5..=24 * 60).contains(&t.minutes) {
        errors.push(FieldError { field: "minutes", key: "form.number_invalid" });
    }
    if t.weekdays.is_empty() || t.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        errors.push(FieldError { field: "weekdays", key: "form.choice_invalid" });
    }
    let (Some(from), Some(to), Some(start), Some(end)) = (from, to, start, end) else { return Vec::new() };
    if to < from || to - from > Duration::days(366) {
        errors.push(FieldError { field: "to", key: "form.date_range_invalid" });
    }
    if end <= start {
        errors.push(FieldError { field: "end", key: "form.time_order" });
    }
    if !errors.is_empty() {
        return Vec::new();
    }
    let step = Duration::minutes(t.minutes);
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if t.weekdays.contains(&d.weekday().number_from_monday()) {
            let mut s = d.and_time(start);
            while s + step <= d.and_time(end) {
                if let (Some(a), Some(b)) =
                    (tz.from_local_datetime(&s).single(), tz.from_local_datetime(&(s + step)).single())
                {
                    out.push((a.timestamp(), b.timestamp()));
                }
                s += step;
            }
        }
        d += Duration::days(1);
        if out.len() > MAX_TEMPLATE_SLOTS {
            errors.push(FieldError { field: "template", key: "form.too_many_slots" });
            return Vec::new();
        }
    }
    out
}

/// The first and last-plus-one second of a day in district time.
pub fn day_range(day: NaiveDate) -> (i64, i64) {
    let start = clock::day_start(day);
    (start, start + 86_400)
}

/// `08:30` in district time.
pub fn local_time(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&DISTRICT_OFFSET).format("%H:%M").to_string())
        .unwrap_or_default()
}

/// `08:30–09:00` in district time.
pub fn time_range(from: i64, to: i64) -> String {
    format!("{}–{}", local_time(from), local_time(to))
}

/// Formats Unix seconds as RFC 3339 in district time.
pub fn rfc3339(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&DISTRICT_OFFSET).to_rfc3339()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template {
            from: "2026-11-30".into(), // a Monday
            to: "2026-12-06".into(),   // the Sunday after
            weekdays: vec![1, 2, 3, 4, 5, 6],
            start: "08:30".into(),
            end: "11:30".into(),
            minutes: 30,
        }
    }

    #[test]
    fn a_week_of_mornings_expands_to_thirty_six_slots() {
        let mut errors = Vec::new();
        let slots = expand(&template(), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(slots.len(), 6 * 6, "six 30-minute slots, Monday to Saturday");
        assert_eq!(rfc3339(slots[0].0), "2026-11-30T08:30:00+08:00");
        assert_eq!(rfc3339(slots[5].1), "2026-11-30T11:30:00+08:00");
        assert_eq!(rfc3339(slots.last().unwrap().0), "2026-12-05T11:00:00+08:00");
    }

    type Spoil = fn(&mut Template);

    #[test]
    fn bad_templates_are_explained() {
        let cases: Vec<(&str, Spoil)> = vec![
            ("from", |t| t.from = "2026-13-01".into()),
            ("to", |t| t.to = "2026-11-01".into()),
            ("end", |t| t.end = "08:00".into()),
            ("weekdays", |t| t.weekdays = vec![0]),
            ("minutes", |t| t.minutes = 0),
            ("to", |t| t.to = "2028-01-01".into()),
        ];
        for (field, spoil) in cases {
            let mut t = template();
            spoil(&mut t);
            let mut errors = Vec::new();
            assert!(expand(&t, &mut errors).is_empty());
            assert!(errors.iter().any(|e| e.field == field), "{field}: {errors:?}");
        }
    }

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
        check_rules(&input, &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["max_per_user", "closes_at", "mode"]);
    }
}

//! Appointment services and slots as plain types: slot templates expand into slots.

use chrono::{Datelike as _, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone as _};
use serde::{Deserialize, Serialize};

use crate::clock::DISTRICT_OFFSET;
use crate::error::FieldError;

/// The district-time date of Unix seconds: [`clock::local_day`](crate::clock::local_day), under
/// the name the pages, exports and API that show appointment times import from here.
pub use crate::clock::local_day as local_date;
/// District-time formatting, under the names other domains import from here.
pub use crate::clock::{day_range, local_time, rfc3339, time_range};

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
}

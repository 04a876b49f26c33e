//! The back office's add-sessions form (`manage`): one session, or a weekly series on chosen
//! days until a date at many venues, read by hand (its venue and weekday checkboxes repeat one
//! name) and turned into a plan of sessions — an RRULE (RFC 5545) for a series.

use chrono::{NaiveDate, NaiveTime, TimeZone as _};

use crate::bookings::offer::{NewOfferings, Terms, check_capacity, check_online_url};
use crate::clock::DISTRICT_OFFSET;
use crate::error::FieldError;
use crate::events::service::{self, Plan};

/// How long a weekly series runs when 重复到 is left blank.
const DEFAULT_WEEKS: i64 = 12;

/// The add-sessions form, read by hand: its venue checkboxes repeat one name.
#[derive(Debug, Default, Clone)]
pub(super) struct SessionsForm {
    pub(super) first_date: String,
    pub(super) start_time: String,
    pub(super) end_time: String,
    pub(super) repeat: bool,
    pub(super) weekdays: Vec<String>,
    pub(super) until: String,
    pub(super) venues: Vec<i64>,
    pub(super) online_url: String,
    pub(super) capacity: String,
}

impl SessionsForm {
    pub(super) fn parse(body: &[u8]) -> Self {
        let mut f = SessionsForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "first_date" => f.first_date = v,
                "start_time" => f.start_time = v,
                "end_time" => f.end_time = v,
                "repeat" => f.repeat = v == "weekly",
                "weekday" => f.weekdays.push(v),
                "until" => f.until = v,
                "venue" => f.venues.extend(v.parse::<i64>().ok()),
                "online_url" => f.online_url = v,
                "capacity" => f.capacity = v,
                _ => {}
            }
        }
        f
    }

    pub(super) fn has_weekday(&self, day: &str) -> bool {
        self.weekdays.iter().any(|d| d == day)
    }

    /// The plan: one session, or a weekly RRULE (RFC 5545) from the first date until a date.
    pub(super) fn plan(&self, errors: &mut Vec<FieldError>) -> Option<Plan> {
        let date = NaiveDate::parse_from_str(self.first_date.trim(), "%Y-%m-%d")
            .map_err(|_| errors.push(FieldError { field: "first_date", key: "form.date_invalid" }))
            .ok();
        let start = NaiveTime::parse_from_str(self.start_time.trim(), "%H:%M")
            .map_err(|_| errors.push(FieldError { field: "start_time", key: "form.time_invalid" }))
            .ok();
        let end = NaiveTime::parse_from_str(self.end_time.trim(), "%H:%M")
            .map_err(|_| errors.push(FieldError { field: "end_time", key: "form.time_invalid" }))
            .ok();
        let capacity = match self.capacity.trim() {
            "" => None,
            c => match c.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError { field: "capacity", key: "form.capacity_invalid" });
                    None
                }
            },
        };
        if let Some(c) = capacity {
            check_capacity(c, errors);
        }
        let terms = Terms { capacity, ..Terms::default() };
        let online_url = check_online_url(Some(&self.online_url), errors);
        if self.venues.is_empty() && online_url.is_none() {
            errors.push(FieldError { field: "venue", key: "form.venue_or_online" });
        }
        let (Some(date), Some(start), Some(end)) = (date, start, end) else { return None };
        if end <= start {
            errors.push(FieldError { field: "end_time", key: "form.time_order" });
        }
        let first = DISTRICT_OFFSET.from_local_datetime(&date.and_time(start)).single()?.timestamp();
        let (starts, rrule) = if self.repeat {
            // 重复到 may be left blank: the series then runs for [`DEFAULT_WEEKS`] weeks, as the
            // hint says, instead of refusing a field the organiser took to be optional.
            let until = match self.until.trim() {
                "" => date + chrono::Duration::weeks(DEFAULT_WEEKS) - chrono::Duration::days(1),
                raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map_err(|_| errors.push(FieldError { field: "until", key: "form.date_invalid" }))
                    .ok()?,
            };
            const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
            let days: Vec<&str> = DAYS.iter().copied().filter(|d| self.has_weekday(d)).collect();
            if days.is_empty() {
                errors.push(FieldError { field: "weekday", key: "form.choice_invalid" });
                return None;
            }
            // UNTIL is inclusive of the last day, given in UTC as RFC 5545 requires.
            let until = DISTRICT_OFFSET.from_local_datetime(&until.and_hms_opt(23, 59, 59)?).single()?.naive_utc();
            let rule = format!(
                "DTSTART;TZID=Asia/Shanghai:{}\nRRULE:FREQ=WEEKLY;BYDAY={};UNTIL={}Z",
                date.and_time(start).format("%Y%m%dT%H%M%S"),
                days.join(","),
                until.format("%Y%m%dT%H%M%S")
            );
            (service::starts(Some(&rule), None, errors), Some(rule))
        } else {
            (vec![first], None)
        };
        let duration = (end - start).num_seconds();
        let times = starts.iter().map(|s| (*s, s + duration)).collect();
        let sessions = NewOfferings { times, places: NewOfferings::places(&self.venues), online_url, terms };
        errors.is_empty().then_some(Plan { sessions, rrule })
    }
}

//! The back office's add-slots form (`slot_pages`): a slot template in plain words — which
//! days of the week, from a date to a date, from a time to a time in slots of so many minutes,
//! so many seats each, first come or by lottery — read by hand (its weekday checkboxes repeat
//! one name) and turned into exactly what the API's `POST /services/{id}/slots` takes (a
//! [`Template`] and a [`RulesInput`]), so both are checked and expanded by the same code.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::appointments::model::{Template, expand};
use crate::bookings::offer::{NewOfferings, RulesInput, Terms};
use crate::clock::DISTRICT_OFFSET;
use crate::error::FieldError;

/// The add-slots form as typed (every value kept as text, to be shown again on an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SlotsForm {
    pub(super) venue_id: String,
    pub(super) from: String,
    pub(super) to: String,
    /// ISO weekdays ticked, "1" = Monday … "7" = Sunday.
    pub(super) weekdays: Vec<String>,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) minutes: String,
    pub(super) capacity: String,
    /// `first_come` or `lottery`.
    pub(super) mode: String,
    /// "yes" or "no".
    pub(super) waitlist: String,
    /// `datetime-local` values (district time); blank: at once / when the slot starts.
    pub(super) opens_at: String,
    pub(super) closes_at: String,
    pub(super) max_per_user: String,
    pub(super) min_age: String,
    pub(super) max_age: String,
    /// Which button: `preview` (the first step) or `create` (the confirmation).
    pub(super) step: String,
}

impl SlotsForm {
    /// A fresh form for a week from tomorrow (`today` in district time): weekday mornings,
    /// 08:30–11:30 in half hours, 20 seats, first come with a waiting list — the common case,
    /// so an organiser usually only picks the place.
    pub(super) fn fresh(today: NaiveDate) -> Self {
        let from = today + Duration::days(1);
        Self {
            venue_id: String::new(),
            from: from.to_string(),
            to: (from + Duration::days(6)).to_string(),
            weekdays: ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
            start: "08:30".into(),
            end: "11:30".into(),
            minutes: "30".into(),
            capacity: "20".into(),
            mode: "first_come".into(),
            waitlist: "yes".into(),
            opens_at: String::new(),
            closes_at: String::new(),
            max_per_user: String::new(),
            min_age: String::new(),
            max_age: String::new(),
            step: String::new(),
        }
    }

    /// Reads a submitted form.
    pub(super) fn parse(body: &[u8]) -> Self {
        let mut f = Self::fresh(NaiveDate::MIN);
        f.weekdays.clear();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "venue_id" => f.venue_id = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "weekdays" => f.weekdays.push(v),
                "start" => f.start = v,
                "end" => f.end = v,
                "minutes" => f.minutes = v,
                "capacity" => f.capacity = v,
                "mode" => f.mode = v,
                "waitlist" => f.waitlist = v,
                "opens_at" => f.opens_at = v,
                "closes_at" => f.closes_at = v,
                "max_per_user" => f.max_per_user = v,
                "min_age" => f.min_age = v,
                "max_age" => f.max_age = v,
                "step" => f.step = v,
                _ => {}
            }
        }
        f
    }

    /// Every value as (name, value), for the confirmation step's hidden fields.
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("venue_id", self.venue_id.clone()), ("from", self.from.clone()), ("to", self.to.clone())];
        out.extend(self.weekdays.iter().map(|d| ("weekdays", d.clone())));
        out.extend([
            ("start", self.start.clone()),
            ("end", self.end.clone()),
            ("minutes", self.minutes.clone()),
            ("capacity", self.capacity.clone()),
            ("mode", self.mode.clone()),
            ("waitlist", self.waitlist.clone()),
            ("opens_at", self.opens_at.clone()),
            ("closes_at", self.closes_at.clone()),
            ("max_per_user", self.max_per_user.clone()),
            ("min_age", self.min_age.clone()),
            ("max_age", self.max_age.clone()),
        ]);
        out
    }

    /// Whether weekday `d` ("1" … "7") is ticked.
    pub(super) fn has_weekday(&self, d: &str) -> bool {
        self.weekdays.iter().any(|w| w == d)
    }

    /// Whether any of the rarely used rules is filled (their section then opens).
    pub(super) fn has_more_rules(&self) -> bool {
        [&self.opens_at, &self.max_per_user, &self.min_age, &self.max_age].iter().any(|v| !v.trim().is_empty())
    }

    /// The slots this form asks for, as the API would make them, or what is wrong with it.
    pub(super) fn slots(&self) -> Result<NewOfferings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, raw: &str| match raw.trim() {
            "" => None,
            v => v.parse::<i64>().map_err(|_| errors.push(FieldError { field, key: "form.number_invalid" })).ok(),
        };
        let minutes = number("minutes", &self.minutes);
        let capacity = number("capacity", &self.capacity);
        let rules = RulesInput {
            opens_at: local_to_rfc3339(&self.opens_at),
            closes_at: local_to_rfc3339(&self.closes_at),
            cancel_until: None,
            max_per_user: number("max_per_user", &self.max_per_user),
            min_age: number("min_age", &self.min_age),
            max_age: number("max_age", &self.max_age),
            streets: Vec::new(),
            mode: Some(self.mode.clone()),
            waitlist: Some(self.waitlist != "no"),
        };
        let venue = self.venue_id.trim().parse::<i64>().ok();
        if venue.is_none() {
            errors.push(FieldError { field: "venue_id", key: "form.choice_invalid" });
        }
        if capacity.is_none() && !errors.iter().any(|e| e.field == "capacity") {
            errors.push(FieldError { field: "capacity", key: "form.required" });
        }
        let terms = Terms::check(&rules, capacity, &mut errors);
        let template = Template {
            from: self.from.clone(),
            to: self.to.clone(),
            weekdays: self.weekdays.iter().filter_map(|d| d.parse().ok()).collect(),
            start: self.start.clone(),
            end: self.end.clone(),
            minutes: minutes.unwrap_or_default(),
        };
        let times = expand(&template, &mut errors);
        if errors.is_empty() && times.is_empty() {
            // Days or hours that hold no whole slot: nothing would be made.
            errors.push(FieldError { field: "weekdays", key: "manage_services.no_slots" });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewOfferings { times, places: vec![venue], online_url: None, terms })
    }
}

/// A `datetime-local` value (`2026-12-01T08:00`, district time) as RFC 3339; other text is
/// passed on as it is, for the shared check to refuse; blank is none.
fn local_to_rfc3339(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(match NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") {
        Ok(t) => t.and_local_timezone(DISTRICT_OFFSET).single().map_or(raw.to_owned(), |t| t.to_rfc3339()),
        Err(_) => raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fresh_form_makes_a_week_of_weekday_mornings() {
        let mut f = SlotsForm::fresh(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()); // a Sunday
        f.venue_id = "3".into();
        let slots = f.slots().unwrap();
        assert_eq!(slots.count(), 5 * 6, "Monday to Friday, six half hours each");
        assert_eq!(slots.terms.capacity, Some(20));
    }

    #[test]
    fn mistakes_name_their_fields() {
        let mut f = SlotsForm::fresh(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        f.end = "08:00".into();
        f.capacity = "很多".into();
        f.closes_at = "2026-12-01T25:00".into();
        let fields: Vec<&str> = f.slots().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["capacity", "venue_id", "closes_at", "end"]);
        f.weekdays.clear();
        assert!(f.slots().unwrap_err().iter().any(|e| e.field == "weekdays"));
    }

    #[test]
    fn the_confirmation_carries_every_value() {
        let mut f = SlotsForm::fresh(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        f.mode = "lottery".into();
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(f.pairs()).finish();
        assert_eq!(SlotsForm::parse(body.as_bytes()), f);
        assert_eq!(local_to_rfc3339("2026-12-01T08:00").as_deref(), Some("2026-12-01T08:00:00+08:00"));
    }
}

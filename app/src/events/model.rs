//! Activities as plain types: events, their kinds, and series expanded from RFC 5545
//! recurrence rules. No I/O.

use rrule::RRuleSet;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// What kind of activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 专题讲座
    Lecture,
    /// 线上宣讲
    OnlineTalk,
    /// 红色电影展播
    Film,
    /// 微党课
    PartyLesson,
    /// 参观
    Visit,
    /// 快闪/演出
    Performance,
    /// 其他
    Other,
}

impl EventKind {
    /// Every kind, in display order.
    pub const ALL: [EventKind; 7] = [
        EventKind::Lecture,
        EventKind::OnlineTalk,
        EventKind::Film,
        EventKind::PartyLesson,
        EventKind::Visit,
        EventKind::Performance,
        EventKind::Other,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Lecture => "lecture",
            EventKind::OnlineTalk => "online_talk",
            EventKind::Film => "film",
            EventKind::PartyLesson => "party_lesson",
            EventKind::Visit => "visit",
            EventKind::Performance => "performance",
            EventKind::Other => "other",
        }
    }

    /// Parses [`EventKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Translation key.
    pub fn label_key(self) -> &'static str {
        match self {
            EventKind::Lecture => "event_kind.lecture",
            EventKind::OnlineTalk => "event_kind.online_talk",
            EventKind::Film => "event_kind.film",
            EventKind::PartyLesson => "event_kind.party_lesson",
            EventKind::Visit => "event_kind.visit",
            EventKind::Performance => "event_kind.performance",
            EventKind::Other => "event_kind.other",
        }
    }
}

/// An event (活动).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Description.
    pub description: String,
    /// Campaign tag, e.g. 学党史 办实事.
    pub campaign: String,
    /// Organising department.
    pub department_id: Option<i64>,
    /// Organising street.
    pub street_id: Option<i64>,
    /// Only logged-in residents see it.
    pub members_only: bool,
    /// Where its cover image is served, if it has one.
    pub cover_url: Option<String>,
}

/// A new event, checked.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Description.
    pub description: String,
    /// Campaign tag.
    pub campaign: String,
    /// Organising department.
    pub department_id: Option<i64>,
    /// Organising street.
    pub street_id: Option<i64>,
    /// Only logged-in residents see it.
    pub members_only: bool,
}

/// Checks an event's fields.
pub fn check_event(
    title: &str,
    kind: &str,
    description: &str,
    campaign: &str,
    department_id: Option<i64>,
    street_id: Option<i64>,
    members_only: bool,
) -> Result<NewEvent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 || title.chars().any(char::is_control) {
        errors.push(FieldError { field: "title", key: "form.name_invalid" });
    }
    let kind = EventKind::parse(kind.trim());
    if kind.is_none() {
        errors.push(FieldError { field: "kind", key: "form.choice_invalid" });
    }
    if description.chars().count() > 5_000 {
        errors.push(FieldError { field: "description", key: "form.text_too_long" });
    }
    if campaign.chars().count() > 40 {
        errors.push(FieldError { field: "campaign", key: "form.text_too_long" });
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(NewEvent {
            title: title.to_owned(),
            kind,
            description: description.trim().to_owned(),
            campaign: campaign.trim().to_owned(),
            department_id,
            street_id,
            members_only,
        }),
        _ => Err(errors),
    }
}

/// At most this many occurrences of one series (per venue).
pub const MAX_OCCURRENCES: u16 = 400;
/// At most this many sessions made in one step (occurrences × venues).
pub const MAX_SESSIONS: usize = 20_000;

/// Expands a recurrence (`DTSTART` plus `RRULE`, RFC 5545) into start times (Unix seconds).
/// A rule without an end, or with more than [`MAX_OCCURRENCES`], is refused rather than cut.
pub fn occurrences(rule: &str, errors: &mut Vec<FieldError>) -> Vec<i64> {
    let set: RRuleSet = match rule.trim().replace("\\n", "\n").parse() {
        Ok(set) => set,
        Err(_) => {
            errors.push(FieldError { field: "rrule", key: "form.rrule_invalid" });
            return Vec::new();
        }
    };
    let result = set.all(MAX_OCCURRENCES);
    if result.limited {
        errors.push(FieldError { field: "rrule", key: "form.rrule_too_many" });
        return Vec::new();
    }
    if result.dates.is_empty() {
        errors.push(FieldError { field: "rrule", key: "form.rrule_empty" });
    }
    result.dates.iter().map(|d| d.timestamp()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekly_film_for_seven_months_expands_to_its_saturdays() {
        let mut errors = Vec::new();
        let starts = occurrences(
            "DTSTART;TZID=Asia/Shanghai:20261205T190000\nRRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20270626T235959Z",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(starts.len(), 30, "Saturdays from 5 Dec 2026 to 26 Jun 2027");
        assert_eq!(crate::clock::rfc3339(starts[0]), "2026-12-05T19:00:00+08:00");
        assert_eq!(crate::clock::rfc3339(starts[29]), "2027-06-26T19:00:00+08:00");
        assert!(starts.windows(2).all(|w| w[1] - w[0] == 7 * 86_400));
    }

    #[test]
    fn endless_broken_and_empty_rules_are_refused() {
        for (rule, key) in [
            ("DTSTART:20261205T110000Z\nRRULE:FREQ=DAILY", "form.rrule_too_many"),
            ("RRULE:FREQ=SOMETIMES", "form.rrule_invalid"),
            ("not a rule", "form.rrule_invalid"),
        ] {
            let mut errors = Vec::new();
            assert!(occurrences(rule, &mut errors).is_empty());
            assert_eq!(errors.first().map(|e| e.key), Some(key), "{rule}");
        }
    }

    #[test]
    fn events_are_checked() {
        assert!(check_event("红色电影展播：《长津湖》", "film", "", "学党史", Some(1), None, false).is_ok());
        let errors = check_event(" ", "opera", &"x".repeat(5001), "", None, None, false).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "kind", "description"]);
    }
}

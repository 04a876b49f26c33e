//! What a notice says and when a reminder is due: pure rules, no I/O.

use crate::clock::DISTRICT_OFFSET;

/// District-time hour on the day before a booking when its reminder goes out: late enough
/// that the evening plan is made, early enough not to wake anyone.
pub const REMINDER_HOUR: i64 = 18;

const DAY: i64 = 86_400;

/// When the reminder of a booking starting at `starts_at` is due: 18:00 district time on the
/// day before. Mirrored by [`REMINDER_DUE_SQL`], which the reminder job runs in the database.
pub fn reminder_due(starts_at: i64) -> i64 {
    // The SQL's arithmetic step for step rather than `clock::day_start(clock::local_day(..))`:
    // the two agree wherever chrono can hold the time, but only this form agrees with the
    // query on every value the column can hold.
    let offset = i64::from(DISTRICT_OFFSET.local_minus_utc());
    let local_midnight = (starts_at + offset).div_euclid(DAY) * DAY - offset;
    local_midnight - DAY + REMINDER_HOUR * 3600
}

/// [`reminder_due`] as an SQL expression over `o.starts_at` (integer division in both
/// engines; times are after 1970, so truncation equals flooring).
pub const REMINDER_DUE_SQL: &str = "(((o.starts_at + 28800) / 86400) * 86400 - 28800 - 86400 + 64800)";

/// A notice in someone's inbox, by kind. Kinds are written by the database triggers
/// (`booking.<status>`, `booking.promoted`) and by the reminder job (`booking.reminder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Booked.
    Confirmed,
    /// On the waiting list.
    Waitlisted,
    /// Entered in a lottery.
    Requested,
    /// Moved up from the waiting list.
    Promoted,
    /// Cancelled (by the resident or because the session was cancelled).
    Cancelled,
    /// Checked in.
    Attended,
    /// Marked as not having come.
    NoShow,
    /// The day-before reminder.
    Reminder,
}

/// The stored kinds are `booking.<name>`.
const DOMAIN: &str = "booking";

impl Kind {
    /// Every kind.
    pub const ALL: [Self; 8] = [
        Self::Confirmed,
        Self::Waitlisted,
        Self::Requested,
        Self::Promoted,
        Self::Cancelled,
        Self::Attended,
        Self::NoShow,
        Self::Reminder,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Waitlisted => "waitlisted",
            Self::Requested => "requested",
            Self::Promoted => "promoted",
            Self::Cancelled => "cancelled",
            Self::Attended => "attended",
            Self::NoShow => "no_show",
            Self::Reminder => "reminder",
        }
    }

    /// The kind as stored, e.g. `booking.confirmed`.
    pub fn stored(self) -> String {
        format!("{DOMAIN}.{}", self.name())
    }

    /// Parses the stored kind.
    pub fn parse(kind: &str) -> Option<Self> {
        let name = kind.strip_prefix(DOMAIN)?.strip_prefix('.')?;
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The inbox line's catalog key (placeholders `{title}`, `{when}`, `{venue}`).
    pub fn inbox_key(self) -> &'static str {
        match self {
            Self::Confirmed => "inbox.confirmed",
            Self::Waitlisted => "inbox.waitlisted",
            Self::Requested => "inbox.requested",
            Self::Promoted => "inbox.promoted",
            Self::Cancelled => "inbox.cancelled",
            Self::Attended => "inbox.attended",
            Self::NoShow => "inbox.no_show",
            Self::Reminder => "inbox.reminder",
        }
    }

    /// The text message's catalog key, for the notices worth a text: confirmation,
    /// promotion, reminder and cancellation. The rest stay in the inbox.
    pub fn sms_key(self) -> Option<&'static str> {
        match self {
            Self::Confirmed => Some("sms.booking_confirmed"),
            Self::Promoted => Some("sms.booking_promoted"),
            Self::Reminder => Some("sms.booking_reminder"),
            Self::Cancelled => Some("sms.booking_cancelled"),
            Self::Waitlisted | Self::Requested | Self::Attended | Self::NoShow => None,
        }
    }
}

/// The reservation a notice is about, from its stored parameters.
pub fn reservation_of(params_json: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(params_json).ok()?.get("reservation_id")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        DISTRICT_OFFSET.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().timestamp()
    }

    #[test]
    fn a_reminder_is_due_at_six_in_the_evening_the_day_before() {
        assert_eq!(reminder_due(at(2026, 12, 2, 8, 30)), at(2026, 12, 1, 18, 0));
        // Just after local midnight is still "tomorrow" for the evening before.
        assert_eq!(reminder_due(at(2026, 12, 2, 0, 5)), at(2026, 12, 1, 18, 0));
        assert_eq!(reminder_due(at(2026, 12, 2, 23, 59)), at(2026, 12, 1, 18, 0));
        // Across a month and a year end.
        assert_eq!(reminder_due(at(2027, 1, 1, 7, 0)), at(2026, 12, 31, 18, 0));
    }

    #[test]
    fn the_sql_expression_matches_the_rule() {
        // Evaluate the SQL's arithmetic the way the engines do (truncating integer division).
        let sql = |s: i64| ((s + 28800) / 86400) * 86400 - 28800 - 86400 + 64800;
        for start in [at(2026, 12, 2, 8, 30), at(2026, 12, 2, 0, 0), at(2026, 12, 1, 23, 59), at(2027, 3, 1, 16, 0)] {
            assert_eq!(sql(start), reminder_due(start), "start {start}");
        }
        assert!(REMINDER_DUE_SQL.contains("28800") && REMINDER_DUE_SQL.contains("64800"));
    }

    #[test]
    fn kinds_round_trip_and_only_some_send_a_text() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(&kind.stored()), Some(kind));
        }
        let texted: Vec<_> = Kind::ALL.into_iter().filter(|k| k.sms_key().is_some()).collect();
        assert_eq!(texted, [Kind::Confirmed, Kind::Promoted, Kind::Cancelled, Kind::Reminder]);
        assert_eq!(Kind::parse(&format!("{DOMAIN}.unknown")), None);
        assert_eq!(Kind::parse("confirmed"), None);
    }

    #[test]
    fn the_reservation_is_read_from_the_parameters() {
        assert_eq!(reservation_of(r#"{"reservation_id": 42, "offering_id": 7}"#), Some(42));
        assert_eq!(reservation_of("{}"), None);
        assert_eq!(reservation_of("not json"), None);
    }
}

//! Time as a parameter: production reads the system clock, tests set it.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Source of the current time. Code asks the clock in `AppState`, never the system.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// The current instant as Unix seconds, the form stored in the database.
    fn unix(&self) -> i64 {
        self.now().timestamp()
    }
}

/// The real clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(clippy::disallowed_methods, reason = "this is the one place that reads the system clock")]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests move by hand.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock stopped at `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// China Standard Time. The district lives in one zone without daylight saving, so a fixed
/// offset is exact; times are stored in UTC and shown in this zone.
pub const DISTRICT_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Formats Unix seconds as local date and time, e.g. `2026-11-29 17:05`.
pub fn format_local(unix: i64) -> String {
    match DateTime::from_timestamp(unix, 0) {
        Some(t) => t.with_timezone(&DISTRICT_OFFSET).format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

/// The district-local day of a Unix time.
pub fn local_day(unix: i64) -> NaiveDate {
    DateTime::from_timestamp(unix, 0).unwrap_or_default().with_timezone(&DISTRICT_OFFSET).date_naive()
}

/// Unix time of a district-local day's midnight.
pub fn day_start(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp() - i64::from(DISTRICT_OFFSET.local_minus_utc()))
}

/// The first and last-plus-one second of a district-local day.
pub fn day_range(day: NaiveDate) -> (i64, i64) {
    let start = day_start(day);
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

    #[test]
    fn formats_in_china_standard_time() {
        // 2026-11-29T09:00:00Z is 17:00 in Qingdao.
        assert_eq!(format_local(1_795_942_800), "2026-11-29 17:00");
    }

    #[test]
    fn a_district_day_starts_at_midnight_in_qingdao() {
        let date = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 2026-11-29 00:00 in Qingdao is 2026-11-28 16:00 UTC.
        let start = day_start(date("2026-11-29"));
        assert_eq!(start, 1_795_881_600);
        assert_eq!(format_local(start), "2026-11-29 00:00");
        assert_eq!(local_day(start), date("2026-11-29"));
        assert_eq!(local_day(start - 1), date("2026-11-28"));
    }
}

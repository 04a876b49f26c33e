//! Time as a parameter: production reads the system clock, tests set it.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_standard_time() {
        // 2026-11-29T09:00:00Z is 17:00 in Qingdao.
        assert_eq!(format_local(1_795_942_800), "2026-11-29 17:00");
    }
}

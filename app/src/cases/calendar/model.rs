//! The working-time calendar that case deadlines are counted in.
//!
//! A category's handling limit is given in working hours (工作时) or working days (工作日), and the clock only
//! runs during working periods on working days: nights, weekends and public holidays do not count, make-up
//! working days (调休上班) do. The calendar is data the back office maintains, so it is a plain value here and
//! this module is pure: no clock, no I/O. All times are naive district local time; callers convert.
//!
//! A working day is `holidays` ∌ day ∧ (day ∈ `extra_workdays` ∨ its weekday works). [`WorkCalendar::new`]
//! refuses a date that is in both sets, so the precedence only matters for hand-built values.

use std::collections::BTreeSet;

use chrono::{Datelike as _, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// How far [`WorkCalendar::deadline`] searches before giving up: a calendar edited into having no working
/// day must still give an answer rather than loop for ever.
const MAX_SEARCH_DAYS: u32 = 100 * 366;

/// Largest limit [`TimeLimit::parse`] accepts; anything longer is a typo, not a handling limit.
const MAX_LIMIT: u32 = 10_000;

/// A handling time limit, counted in working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLimit {
    /// Working hours (工作时).
    Hours(u32),
    /// Working days (工作日), each as long as the calendar's working day.
    Days(u32),
}

impl TimeLimit {
    /// Parses "4h" / "2d" (also accepts "4工作时", "4工作小时", "2工作日"); None otherwise or when 0 or > 10 000.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (number, days) = match ["工作日", "d"].iter().find_map(|unit| s.strip_suffix(unit)) {
            Some(number) => (number, true),
            None => (["工作小时", "工作时", "h"].iter().find_map(|unit| s.strip_suffix(unit))?, false),
        };
        let number = number.trim_end();
        // u32::from_str takes a leading '+'; a limit is written as plain digits only.
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = number.parse().ok()?;
        (1..=MAX_LIMIT).contains(&n).then_some(if days { TimeLimit::Days(n) } else { TimeLimit::Hours(n) })
    }

    /// "4h" / "2d", the stored form ([`TimeLimit::parse`] reads it back).
    pub fn as_code(&self) -> String {
        match self {
            TimeLimit::Hours(n) => format!("{n}h"),
            TimeLimit::Days(n) => format!("{n}d"),
        }
    }
}

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// No daily working period at all.
    #[error("a working day needs at least one working period")]
    NoPeriods,
    /// A period that does not end after it starts.
    #[error("working period {start}–{end} does not end after it starts")]
    EmptyPeriod {
        /// Its start.
        start: NaiveTime,
        /// Its end.
        end: NaiveTime,
    },
    /// Periods not in order of start time.
    #[error("working periods must be listed in order")]
    Unsorted,
    /// Two periods sharing some time.
    #[error("working periods {0} and {1} overlap")]
    Overlapping(NaiveTime, NaiveTime),
    /// Neither a working weekday nor a make-up working day: no deadline could ever be reached.
    #[error("the calendar has no working day")]
    NoWorkingDay,
    /// A date both off and working; which one was meant is the back office's call, not ours.
    #[error("{0} is both a holiday and a make-up working day")]
    HolidayAndWorkday(NaiveDate),
}

/// The days and hours in which a case's handling time runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Daily working periods, sorted, non-overlapping, each start < end, e.g. 09:00–12:00 and 13:30–17:30.
    pub periods: Vec<(NaiveTime, NaiveTime)>,
    /// Working weekdays, Monday first.
    pub weekdays: [bool; 7],
    /// Days off that would otherwise be working days (public holidays).
    pub holidays: BTreeSet<NaiveDate>,
    /// Days that work although their weekday does not (调休).
    pub extra_workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// Validates and builds a calendar.
    pub fn new(
        periods: Vec<(NaiveTime, NaiveTime)>,
        weekdays: [bool; 7],
        holidays: BTreeSet<NaiveDate>,
        extra_workdays: BTreeSet<NaiveDate>,
    ) -> Result<Self, CalendarError> {
        if periods.is_empty() {
            return Err(CalendarError::NoPeriods);
        }
        if let Some(&(start, end)) = periods.iter().find(|(s, e)| s >= e) {
            return Err(CalendarError::EmptyPeriod { start, end });
        }
        for pair in periods.windows(2) {
            let [(s1, e1), (s2, _)] = pair else { continue };
            if s2 < s1 {
                return Err(CalendarError::Unsorted);
            }
            // Touching periods (09:00–12:00, 12:00–13:00) are fine: one longer period written in two parts.
            if s2 < e1 {
                return Err(CalendarError::Overlapping(*s1, *s2));
            }
        }
        if !weekdays.contains(&true) && extra_workdays.is_empty() {
            return Err(CalendarError::NoWorkingDay);
        }
        if let Some(day) = holidays.intersection(&extra_workdays).next() {
            return Err(CalendarError::HolidayAndWorkday(*day));
        }
        Ok(Self { periods, weekdays, holidays, extra_workdays })
    }

    /// A default office calendar: Monday–Friday, 09:00–12:00 and 13:30–17:30, no holidays (the back office adds
    /// them every year when the State Council publishes the schedule).
    pub fn office() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        Self {
            periods: vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 30))],
            weekdays: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
            extra_workdays: BTreeSet::new(),
        }
    }

    /// Whether the clock runs at all on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !self.holidays.contains(&day) && (self.extra_workdays.contains(&day) || self.weekday_works(day))
    }

    /// Whether `at` falls inside a working period of a working day (period ends excluded).
    pub fn is_working_time(&self, at: NaiveDateTime) -> bool {
        self.is_working_day(at.date()) && self.periods.iter().any(|&(s, e)| s <= at.time() && at.time() < e)
    }

    /// Working seconds in one working day.
    pub fn seconds_per_day(&self) -> i64 {
        self.day_length().num_seconds()
    }

    /// The working seconds a limit stands for (a working day is [`WorkCalendar::seconds_per_day`] long).
    pub fn limit_seconds(&self, limit: TimeLimit) -> i64 {
        match limit {
            TimeLimit::Hours(n) => i64::from(n) * 3600,
            TimeLimit::Days(n) => i64::from(n) * self.seconds_per_day(),
        }
    }

    /// When a limit counted from `start` runs out.
    ///
    /// Counting starts at `start` if it is within working time, else at the next working period's start. A count
    /// that ends exactly at the end of a period ends there, not at the next period's start: a case due "by 12:00"
    /// is not yet overdue during the lunch break, and statistics show the deadline people expect. A zero limit is
    /// due at `start`. If no deadline is found within 100 years (a calendar without working days), the point
    /// where the search stopped is returned.
    pub fn deadline(&self, start: NaiveDateTime, limit: TimeLimit) -> NaiveDateTime {
        // u32 limits are at most ~3.7e14 s, well inside TimeDelta's range, so the fallback is never taken.
        let mut remaining = TimeDelta::try_seconds(self.limit_seconds(limit)).unwrap_or(TimeDelta::MAX);
        if remaining <= TimeDelta::zero() {
            return start;
        }
        let day_len = self.day_length();
        let week_len = day_len * self.weekdays.iter().filter(|w| **w).count() as i32;
        let last_end = self.periods.last().map_or(NaiveTime::MIN, |p| p.1);
        let (mut day, mut from) = (start.date(), start.time());
        let mut searched = 0;
        while searched < MAX_SEARCH_DAYS {
            // A week without holidays or make-up days holds exactly `week_len`: skip it whole, so a 1000-day limit
            // costs a few hundred steps. Strictly greater, so a deadline at the week's last period end is not passed.
            if from == NaiveTime::MIN
                && remaining > week_len
                && let Some(next) = day.checked_add_days(Days::new(7))
                && self.holidays.range(day..next).next().is_none()
                && self.extra_workdays.range(day..next).next().is_none()
            {
                remaining -= week_len;
                day = next;
                searched += 7;
                continue;
            }
            if self.is_working_day(day) {
                if from == NaiveTime::MIN && remaining > day_len {
                    remaining -= day_len;
                } else {
                    for &(s, e) in &self.periods {
                        if e <= from {
                            continue;
                        }
                        let begin = s.max(from);
                        let available = e - begin;
                        if remaining <= available {
                            // Cannot overflow: the result is at most `day` at `e`.
                            return day.and_time(begin) + remaining;
                        }
                        remaining -= available;
                    }
                }
            }
            let Some(next) = day.succ_opt() else {
                return day.and_time(last_end);
            };
            (day, from) = (next, NaiveTime::MIN);
            searched += 1;
        }
        day.and_time(from)
    }

    /// Working seconds between two instants (0 if b <= a). Used for overdue and handling-time statistics.
    pub fn working_seconds_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
        if b <= a {
            return 0;
        }
        let (da, db) = (a.date(), b.date());
        if da == db {
            return self.worked_on(da, a.time(), b.time()).num_seconds();
        }
        let last_end = self.periods.last().map_or(NaiveTime::MIN, |p| p.1);
        let ends = self.worked_on(da, a.time(), last_end) + self.worked_on(db, NaiveTime::MIN, b.time());
        // `da < db`, so `da` has a successor.
        let middle = da.succ_opt().map_or(0, |first| self.working_days_in(first, db));
        ends.num_seconds() + middle * self.seconds_per_day()
    }

    fn weekday_works(&self, day: NaiveDate) -> bool {
        self.weekdays[day.weekday().num_days_from_monday() as usize]
    }

    fn day_length(&self) -> TimeDelta {
        self.periods.iter().map(|&(s, e)| e - s).sum()
    }

    /// Working time on `day` between two times of that day.
    fn worked_on(&self, day: NaiveDate, from: NaiveTime, to: NaiveTime) -> TimeDelta {
        if !self.is_working_day(day) {
            return TimeDelta::zero();
        }
        self.periods.iter().map(|&(s, e)| (e.min(to) - s.max(from)).max(TimeDelta::zero())).sum()
    }

    /// Working days in `[from, to)`, counted by whole weeks and then corrected for the listed dates, so that
    /// statistics over years cost as much as the holiday list, not as the number of days.
    fn working_days_in(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let n = (to - from).num_days();
        if n <= 0 {
            return 0;
        }
        let per_week = self.weekdays.iter().filter(|w| **w).count() as i64;
        let first = i64::from(from.weekday().num_days_from_monday());
        let rest = (0..n % 7).filter(|i| self.weekdays[((first + i) % 7) as usize]).count() as i64;
        let off = self.holidays.range(from..to).filter(|d| self.weekday_works(**d)).count() as i64;
        let extra = self
            .extra_workdays
            .range(from..to)
            .filter(|d| !self.weekday_works(**d) && !self.holidays.contains(d))
            .count() as i64;
        n / 7 * per_week + rest - off + extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// Office hours with Thursday 2026-10-01 and Friday 2026-10-02 off and Saturday 2026-10-10 a make-up day.
    fn national_day() -> WorkCalendar {
        let o = WorkCalendar::office();
        let holidays = [d("2026-10-01"), d("2026-10-02")].into();
        WorkCalendar::new(o.periods, o.weekdays, holidays, [d("2026-10-10")].into()).unwrap()
    }

    /// Minute by minute, the obviously right answer the fast paths are checked against.
    fn slow_deadline(cal: &WorkCalendar, start: NaiveDateTime, limit: TimeLimit) -> NaiveDateTime {
        let (mut at, mut left) = (start, cal.limit_seconds(limit) / 60);
        while left > 0 {
            left -= i64::from(cal.is_working_time(at));
            at += TimeDelta::minutes(1);
        }
        at
    }

    #[test]
    fn deadlines() {
        // 2026-03-02 is a Monday; 2026-10-01 a Thursday.
        let (cal, hol) = (WorkCalendar::office(), national_day());
        let cases = [
            ("2026-03-02 09:30", TimeLimit::Hours(2), "2026-03-02 11:30"), // within one period
            ("2026-03-02 11:00", TimeLimit::Hours(2), "2026-03-02 14:30"), // across lunch
            ("2026-03-02 07:00", TimeLimit::Hours(1), "2026-03-02 10:00"), // before work
            ("2026-03-02 18:00", TimeLimit::Hours(1), "2026-03-03 10:00"), // after work
            ("2026-03-02 12:30", TimeLimit::Hours(1), "2026-03-02 14:30"), // at lunch
            ("2026-03-02 09:00", TimeLimit::Hours(3), "2026-03-02 12:00"), // ends at 12:00, not 13:30
            ("2026-03-02 09:00", TimeLimit::Hours(7), "2026-03-02 17:30"),
            ("2026-03-06 16:00", TimeLimit::Hours(4), "2026-03-09 11:30"), // Friday: 1.5 h + 2.5 h on Monday
            ("2026-03-07 10:00", TimeLimit::Hours(1), "2026-03-09 10:00"), // Saturday
            ("2026-03-02 09:00", TimeLimit::Days(2), "2026-03-03 17:30"),  // 14 h, ends at a period end
            ("2026-03-02 10:00", TimeLimit::Days(2), "2026-03-04 10:00"),
            ("2026-03-02 10:00", TimeLimit::Days(5), "2026-03-09 10:00"),
            ("2026-03-02 10:00", TimeLimit::Hours(0), "2026-03-02 10:00"),
        ];
        for (start, limit, due) in cases {
            assert_eq!(cal.deadline(dt(start), limit), dt(due), "{start} + {limit:?}");
        }
        assert!(!hol.is_working_day(d("2026-10-01")) && hol.is_working_day(d("2026-10-10")));
        assert!(!hol.is_working_day(d("2026-10-11")));
        // Wednesday 1.5 h, then Thursday to Sunday off, 2.5 h on Monday.
        assert_eq!(hol.deadline(dt("2026-09-30 16:00"), TimeLimit::Hours(4)), dt("2026-10-05 11:30"));
        // Friday 2026-10-09 1.5 h, then the make-up Saturday counts.
        assert_eq!(hol.deadline(dt("2026-10-09 16:00"), TimeLimit::Hours(4)), dt("2026-10-10 11:30"));
        assert_eq!(hol.deadline(dt("2026-10-10 08:00"), TimeLimit::Days(1)), dt("2026-10-10 17:30"));
        assert_eq!(cal.seconds_per_day(), 7 * 3600);
        assert_eq!(cal.limit_seconds(TimeLimit::Days(2)), 14 * 3600);
    }

    #[test]
    fn working_seconds_between_skips_time_off() {
        let cal = national_day();
        let office = WorkCalendar::office();
        assert_eq!(office.working_seconds_between(dt("2026-03-06 16:00"), dt("2026-03-09 11:30")), 4 * 3600);
        assert_eq!(cal.working_seconds_between(dt("2026-09-30 16:00"), dt("2026-10-05 11:30")), 4 * 3600);
        assert_eq!(cal.working_seconds_between(dt("2026-10-09 16:00"), dt("2026-10-12 09:00")), 30_600); // 1.5 h + 7 h
        assert_eq!(office.working_seconds_between(dt("2026-03-02 11:00"), dt("2026-03-02 14:30")), 2 * 3600);
        assert_eq!(office.working_seconds_between(dt("2026-03-02 12:10"), dt("2026-03-02 13:00")), 0);
        assert_eq!(office.working_seconds_between(dt("2026-03-03 10:00"), dt("2026-03-02 10:00")), 0);
        // A year through the whole-week count, checked against counting day by day.
        let (a, b) = (dt("2026-01-01 10:00"), dt("2027-01-01 10:00"));
        let days = a.date().iter_days().take_while(|x| *x < b.date()).filter(|x| cal.is_working_day(*x)).count();
        assert_eq!(cal.working_seconds_between(a, b), days as i64 * cal.seconds_per_day());
    }

    #[test]
    fn deadline_and_working_seconds_agree() {
        let cal = national_day();
        let days = ["2026-09-28", "2026-09-30", "2026-10-01", "2026-10-03", "2026-10-09", "2026-10-10", "2026-10-12"];
        let times = ["00:00", "09:00", "11:59", "12:00", "13:29", "17:30", "23:59"];
        let starts: Vec<String> = days.iter().flat_map(|d| times.map(|t| format!("{d} {t}"))).collect();
        let limits =
            [1, 3, 4, 7, 35, 36, 50].map(TimeLimit::Hours).into_iter().chain([1, 2, 6, 12].map(TimeLimit::Days));
        for limit in limits {
            for start in &starts {
                let due = cal.deadline(dt(start), limit);
                assert_eq!(due, slow_deadline(&cal, dt(start), limit), "{start} + {limit:?}");
                assert_eq!(cal.working_seconds_between(dt(start), due), cal.limit_seconds(limit), "{start} {limit:?}");
            }
        }
    }

    #[test]
    fn long_and_impossible_limits_terminate() {
        let cal = national_day();
        let start = dt("2026-09-30 16:00");
        let due = cal.deadline(start, TimeLimit::Days(1000));
        assert_eq!(cal.working_seconds_between(start, due), 1000 * cal.seconds_per_day());
        assert!(cal.deadline(start, TimeLimit::Days(u32::MAX)) > due);
        let never = WorkCalendar { weekdays: [false; 7], ..WorkCalendar::office() };
        assert!(never.deadline(start, TimeLimit::Hours(1)) > dt("2126-01-01 00:00"));
        let end_of_time = NaiveDate::MAX.and_time(t(10, 0));
        assert!(cal.deadline(end_of_time, TimeLimit::Days(5)) >= end_of_time);
    }

    #[test]
    fn time_limit_codes() {
        for limit in [TimeLimit::Hours(4), TimeLimit::Days(2), TimeLimit::Hours(1), TimeLimit::Days(10_000)] {
            assert_eq!(TimeLimit::parse(&limit.as_code()), Some(limit));
        }
        assert_eq!(TimeLimit::parse("4工作时"), Some(TimeLimit::Hours(4)));
        assert_eq!(TimeLimit::parse("4工作小时"), Some(TimeLimit::Hours(4)));
        assert_eq!(TimeLimit::parse(" 2工作日 "), Some(TimeLimit::Days(2)));
        for bad in ["0h", "", "3x", "-1d", "+1d", "h", "10001d", "99999999999h", "1.5h", "d2"] {
            assert_eq!(TimeLimit::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn calendar_errors() {
        let week = WorkCalendar::office().weekdays;
        let none = BTreeSet::new;
        let new = |periods, weekdays, holidays, extra| WorkCalendar::new(periods, weekdays, holidays, extra);
        assert_eq!(new(vec![], week, none(), none()), Err(CalendarError::NoPeriods));
        assert_eq!(
            new(vec![(t(9, 0), t(9, 0))], week, none(), none()),
            Err(CalendarError::EmptyPeriod { start: t(9, 0), end: t(9, 0) })
        );
        assert_eq!(
            new(vec![(t(13, 0), t(17, 0)), (t(9, 0), t(12, 0))], week, none(), none()),
            Err(CalendarError::Unsorted)
        );
        assert_eq!(
            new(vec![(t(9, 0), t(12, 0)), (t(11, 0), t(17, 0))], week, none(), none()),
            Err(CalendarError::Overlapping(t(9, 0), t(11, 0)))
        );
        assert_eq!(new(vec![(t(9, 0), t(12, 0))], [false; 7], none(), none()), Err(CalendarError::NoWorkingDay));
        let day = d("2026-10-10");
        assert_eq!(
            new(vec![(t(9, 0), t(12, 0))], week, [day].into(), [day].into()),
            Err(CalendarError::HolidayAndWorkday(day))
        );
        let only_extra =
            new(vec![(t(9, 0), t(12, 0)), (t(12, 0), t(13, 0))], [false; 7], none(), [day].into()).unwrap();
        assert_eq!(only_extra.deadline(dt("2026-10-01 00:00"), TimeLimit::Hours(4)), dt("2026-10-10 13:00"));
        let o = WorkCalendar::office();
        assert_eq!(new(o.periods.clone(), o.weekdays, none(), none()), Ok(o));
    }
}

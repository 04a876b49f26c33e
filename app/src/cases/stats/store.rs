//! SQL of the case statistics.
//!
//! Filed, closed, on time, reworked, handling time and ratings come from `case_figures`, the
//! running totals per day and month that triggers keep in step with `cases` (migration 0013):
//! a period is read as the whole months it covers plus the days at either end, a few thousand
//! rows even for a year of a million cases. Overdue depends on the clock, so it is counted
//! from the cases themselves — only open ones past their deadline, which `cases_late_idx`
//! finds without reading any other case.

use std::collections::BTreeMap;

use chrono::{Datelike as _, Days, NaiveDate};
use sqlx::Row as _;

use crate::cases::model::{LATE_STATES, sql_list};
use crate::cases::stats::{By, Period, Row};
use crate::clock::day_start;
use crate::db::Conn;
use crate::ids::StreetId;

/// A day as `case_figures` numbers it (span 1): days since 1970-01-01.
fn day_number(day: NaiveDate) -> i64 {
    (day - NaiveDate::default()).num_days()
}

/// A month as `case_figures` numbers it (span 2): year * 12 + month - 1.
fn month_number(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month0())
}

/// Which `case_figures` rows make up a period: half-open ranges of months (span 2) and of the
/// days before and after them (span 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spans {
    months: (i64, i64),
    head: (i64, i64),
    tail: (i64, i64),
}

fn spans(p: Period) -> Spans {
    let end = p.to + Days::new(1);
    let first_of_month = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let months_from = if p.from.day() == 1 {
        p.from
    } else {
        first_of_month(p.from).checked_add_months(chrono::Months::new(1)).unwrap_or(end)
    };
    let months_to = first_of_month(end);
    if months_from < months_to {
        Spans {
            months: (month_number(months_from), month_number(months_to)),
            head: (day_number(p.from), day_number(months_from)),
            tail: (day_number(months_to), day_number(end)),
        }
    } else {
        Spans { months: (0, 0), head: (day_number(p.from), day_number(end)), tail: (0, 0) }
    }
}

/// The figures for cases filed in `period`, grouped by `by`, within one street or all; groups
/// without cases are left out. `now` decides what is overdue.
pub async fn figures(
    conn: &mut Conn,
    by: By,
    street: Option<StreetId>,
    period: Period,
    now: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    let col = match by {
        By::Street => "street_id",
        By::Department => "department_id",
        By::Category => "category_id",
    };
    let street = street.map_or(0, |s| s.0);
    let s = spans(period);
    // Both engines sum bigints into wider types (PostgreSQL: numeric); the casts bring them
    // back to what the driver reads. One range scan per part (not one scan with ORs), so
    // PostgreSQL reads each from its covering key alone.
    let part = |span: i64, from: usize, to: usize| {
        format!(
            "select {col}, cases, closed, closed_on_time, reworked, handled, handling_seconds, satisfied, rated \
             from case_figures where span = {span} and period >= ${from} and period < ${to} \
             and ($1 = 0 or street_id = $1)"
        )
    };
    let sql = format!(
        "select {col} as id, cast(sum(cases) as bigint) as cases, cast(sum(closed) as bigint) as closed, \
         cast(sum(closed_on_time) as bigint) as on_time, cast(sum(reworked) as bigint) as reworked, \
         cast(sum(handled) as bigint) as handled, cast(sum(handling_seconds) as bigint) as handling, \
         cast(sum(satisfied) as bigint) as satisfied, cast(sum(rated) as bigint) as rated \
         from ({} union all {} union all {}) f group by {col}",
        part(2, 2, 3),
        part(1, 4, 5),
        part(1, 6, 7),
    );
    let rows = sqlx::query(&sql)
        .bind(street)
        .bind(s.months.0)
        .bind(s.months.1)
        .bind(s.head.0)
        .bind(s.head.1)
        .bind(s.tail.0)
        .bind(s.tail.1)
        .fetch_all(&mut *conn)
        .await?;
    let mut groups: BTreeMap<i64, Row> = BTreeMap::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let row = groups.entry(id).or_default();
        row.cases = r.try_get("cases")?;
        row.closed = r.try_get("closed")?;
        row.closed_on_time = r.try_get("on_time")?;
        row.reworked = r.try_get("reworked")?;
        row.handled = r.try_get("handled")?;
        row.handling_seconds = r.try_get("handling")?;
        row.satisfied = r.try_get("satisfied")?;
        row.rated = r.try_get("rated")?;
    }
    // Merged duplicates are voided, never late, so they need no exclusion here.
    let sql = format!(
        "select coalesce({col}, 0) as id, count(*) as overdue from cases \
         where state in {late} and deadline_at < $1 and created_at >= $2 and created_at < $3 \
         and ($4 = 0 or street_id = $4) group by coalesce({col}, 0)",
        late = sql_list(LATE_STATES),
    );
    let late: Vec<(i64, i64)> = sqlx::query_as(&sql)
        .bind(now)
        .bind(day_start(period.from))
        .bind(day_start(period.to + Days::new(1)))
        .bind(street)
        .fetch_all(conn)
        .await?;
    for (id, overdue) in late {
        groups.entry(id).or_default().overdue = overdue;
    }
    // Rows a case has moved away from stay behind with zeros: not a group with cases.
    Ok(groups
        .into_iter()
        .filter(|(_, r)| r.cases > 0)
        .map(|(id, r)| Row { id: (id != 0).then_some(id), ..r })
        .collect())
}

/// Names of the categories (inactive ones too: their old cases still count), by id, with their
/// codes for sorting and their English names.
pub async fn category_names(conn: &mut Conn) -> Result<Vec<(i64, String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("select category_id, code, name, name_en from case_categories order by code").fetch_all(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn period(from: &str, to: &str) -> Period {
        Period { from: date(from), to: date(to) }
    }

    #[test]
    fn days_and_months_are_numbered_as_the_migration_numbers_them() {
        assert_eq!(day_number(date("1970-01-02")), 1);
        // 2026-11-29 00:00 in Qingdao is 2026-11-28 16:00 UTC: (t + 28800) / 86400 is that day.
        let start = day_start(date("2026-11-29"));
        assert_eq!((start + 28800) / 86400, day_number(date("2026-11-29")));
        assert_eq!(month_number(date("2026-11-29")), 2026 * 12 + 10);
    }

    #[test]
    fn a_period_is_whole_months_plus_the_days_at_either_end() {
        let d = |s| day_number(date(s));
        let m = |s| month_number(date(s));
        // A year from the middle of a month: 11 whole months and two stubs.
        let s = spans(period("2025-11-30", "2026-11-29"));
        assert_eq!(s.months, (m("2025-12-01"), m("2026-11-01")));
        assert_eq!(s.head, (d("2025-11-30"), d("2025-12-01")));
        assert_eq!(s.tail, (d("2026-11-01"), d("2026-11-30")));
        // Whole months only.
        let s = spans(period("2026-01-01", "2026-02-28"));
        assert_eq!(
            (s.months, s.head.0 == s.head.1, s.tail.0 == s.tail.1),
            ((m("2026-01-01"), m("2026-03-01")), true, true)
        );
        // Within one month: days only.
        let s = spans(period("2026-11-03", "2026-11-29"));
        assert_eq!((s.months, s.head), ((0, 0), (d("2026-11-03"), d("2026-11-30"))));
        // Across a month's end without covering a month.
        let s = spans(period("2026-10-15", "2026-11-14"));
        assert_eq!((s.months, s.head), ((0, 0), (d("2026-10-15"), d("2026-11-15"))));
        // The 31st of December runs into January.
        let s = spans(period("2026-12-01", "2026-12-31"));
        assert_eq!(s.months, (m("2026-12-01"), m("2027-01-01")));
    }
}

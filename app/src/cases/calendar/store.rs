//! SQL for the working-time calendar the back office maintains: the working week (daily
//! periods, working weekdays) and the days that differ from it (holidays, make-up workdays).

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveTime};

use crate::cases::calendar::model::WorkCalendar;
use crate::db::Conn;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// Stores the working week (replacing the one before).
pub async fn set_work_week(conn: &mut Conn, calendar: &WorkCalendar, now: i64) -> Result<()> {
    let periods: Vec<String> =
        calendar.periods.iter().map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M"))).collect();
    let weekdays: String = calendar.weekdays.iter().map(|w| if *w { '1' } else { '0' }).collect();
    sqlx::query("delete from work_week").execute(&mut *conn).await?;
    sqlx::query("insert into work_week (periods, weekdays, updated_at) values ($1, $2, $3)")
        .bind(periods.join(","))
        .bind(weekdays)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a day as a public holiday (`holiday`) or a make-up working day (`workday`), or
/// (`None`) back to what its weekday says.
pub async fn set_work_day(conn: &mut Conn, day: NaiveDate, kind: Option<&str>, note: &str, now: i64) -> Result<()> {
    let day = day.format("%Y-%m-%d").to_string();
    sqlx::query("delete from work_days where day = $1").bind(&day).execute(&mut *conn).await?;
    if let Some(kind) = kind {
        sqlx::query("insert into work_days (day, kind, note, updated_at) values ($1, $2, $3, $4)")
            .bind(&day)
            .bind(kind)
            .bind(note)
            .bind(now)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The calendar as stored; the office calendar when none is (or what is stored no longer
/// makes a calendar — the back office validates before storing).
pub async fn work_calendar(conn: &mut Conn) -> Result<WorkCalendar> {
    let week: Option<(String, String)> =
        sqlx::query_as("select periods, weekdays from work_week order by work_week_id desc limit 1")
            .fetch_optional(&mut *conn)
            .await?;
    let days: Vec<(String, String)> = sqlx::query_as("select day, kind from work_days").fetch_all(conn).await?;
    let mut holidays = BTreeSet::new();
    let mut workdays = BTreeSet::new();
    for (day, kind) in days {
        let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else { continue };
        if kind == "workday" {
            workdays.insert(day);
        } else {
            holidays.insert(day);
        }
    }
    let office = WorkCalendar::office();
    let (periods, weekdays) = match week {
        Some((periods, weekdays)) => (parse_periods(&periods), parse_weekdays(&weekdays)),
        None => (Some(office.periods.clone()), Some(office.weekdays)),
    };
    Ok(periods
        .zip(weekdays)
        .and_then(|(p, w)| WorkCalendar::new(p, w, holidays.clone(), workdays.clone()).ok())
        .unwrap_or(WorkCalendar { holidays, extra_workdays: workdays, ..office }))
}

/// "09:00-12:00,13:30-17:30".
pub fn parse_periods(text: &str) -> Option<Vec<(NaiveTime, NaiveTime)>> {
    text.split(',')
        .map(|p| {
            let (a, b) = p.trim().split_once('-')?;
            Some((NaiveTime::parse_from_str(a, "%H:%M").ok()?, NaiveTime::parse_from_str(b, "%H:%M").ok()?))
        })
        .collect()
}

/// "1111100", Monday first.
pub fn parse_weekdays(text: &str) -> Option<[bool; 7]> {
    let bits: Vec<bool> = text
        .chars()
        .map(|c| match c {
            '1' => Some(true),
            '0' => Some(false),
            _ => None,
        })
        .collect::<Option<_>>()?;
    bits.try_into().ok()
}

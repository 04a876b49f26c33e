//! Back office: the working-time calendar deadlines are counted in — the daily working periods
//! and working weekdays, the exception days (public holidays, make-up working days) with add and
//! remove, and a preview of the deadlines a case dispatched now would get. The checks and the
//! audit entries are `settings::service`'s, the same as the API's; district admins only.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike as _, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::app::AppState;
use crate::cases::calendar::model::TimeLimit;
use crate::cases::calendar::store as calendar_store;
use crate::cases::settings::service::{self as settings_service, DayKind, district_admin};
use crate::clock::DISTRICT_OFFSET;
use crate::error::{AppError, AppResult};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Weekday names' keys, Monday first.
const WEEKDAYS: [&str; 7] =
    ["weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"];

/// The limits the preview shows: the two kinds a category may have.
const PREVIEW: [TimeLimit; 2] = [TimeLimit::Hours(4), TimeLimit::Days(3)];

/// Routes of the calendar page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/work-calendar", get(page).post(set_week))
        .route("/manage/work-calendar/days", post(add_day))
        .route("/manage/work-calendar/days/remove", post(remove_day))
}

/// An exception day in the list.
pub struct DayRow {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Its weekday's key.
    pub weekday: &'static str,
    /// Holiday or make-up working day.
    pub kind: DayKind,
    /// Note.
    pub note: String,
}

/// The week form as shown: periods text, and each weekday (index, name key, ticked).
pub struct WeekForm {
    /// `09:00-12:00,13:30-17:30`.
    pub periods: String,
    /// Monday first.
    pub weekdays: Vec<(usize, &'static str, bool)>,
}

/// The add-day form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DayForm {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `holiday` or `workday`.
    pub kind: String,
    /// Why (国庆节).
    pub note: String,
}

/// The calendar page.
#[derive(askama::Template)]
#[template(path = "cases/calendar.html")]
pub struct CalendarPage {
    /// Page context.
    pub ctx: Ctx,
    /// The working week.
    pub week: WeekForm,
    /// Errors of the week form.
    pub week_errors: Errors,
    /// Exception days from `since` on.
    pub days: Vec<DayRow>,
    /// The first day listed.
    pub since: String,
    /// Date, kind and note of a new exception day.
    pub day_fields: Vec<Field>,
    /// Errors of the add-day form, or of a removal.
    pub day_errors: Errors,
    /// Now, and the deadlines of the preview limits counted from now: (limit text, deadline).
    pub preview: (String, Vec<(String, String)>),
    /// What was just saved (a notice key).
    pub notice: Option<&'static str>,
}

/// A moment as the page shows it: `2026-12-01 09:00 周二`.
fn shown(ctx: &Ctx, at: NaiveDateTime) -> String {
    let weekday = WEEKDAYS[at.weekday().num_days_from_monday() as usize];
    format!("{} {}", at.format("%Y-%m-%d %H:%M"), ctx.t(weekday))
}

/// What the page was sent, to show back after a refusal.
#[derive(Default)]
struct Sent {
    week: Option<WeekForm>,
    week_errors: Errors,
    day: DayForm,
    day_errors: Errors,
}

async fn calendar_page(
    state: &AppState,
    ctx: Ctx,
    sent: Sent,
    notice: Option<&'static str>,
) -> AppResult<CalendarPage> {
    let now = chrono::DateTime::from_timestamp(state.clock.unix(), 0)
        .ok_or(AppError::Internal(anyhow::anyhow!("clock out of range")))?
        .with_timezone(&DISTRICT_OFFSET)
        .naive_local();
    let since = NaiveDate::from_ymd_opt(now.year(), 1, 1).unwrap_or(now.date());
    let mut conn = state.db.conn().await?;
    let calendar = calendar_store::work_calendar(&mut conn).await?;
    let days = settings_service::work_days(&mut conn, since).await?;
    drop(conn);
    let week = sent.week.unwrap_or_else(|| WeekForm {
        periods: settings_service::periods_of(&calendar).join(","),
        weekdays: WEEKDAYS.iter().enumerate().map(|(i, key)| (i, *key, calendar.weekdays[i])).collect(),
    });
    let days = days
        .into_iter()
        .map(|d| DayRow {
            day: d.day.format("%Y-%m-%d").to_string(),
            weekday: WEEKDAYS[d.day.weekday().num_days_from_monday() as usize],
            kind: d.kind,
            note: d.note,
        })
        .collect();
    let kinds = DayKind::ALL.into_iter().map(|k| Opt { value: k.as_str().into(), label: ctx.t(k.key()).into() });
    let day_fields = vec![
        Field::text("day", "case_admin.day", sent.day.day).kind("date").required(),
        Field::select(
            "kind",
            "case_admin.day_kind",
            sent.day.kind,
            vec![OptGroup { label: None, options: kinds.collect() }],
        )
        .required(),
        Field::text("note", "case_admin.day_note", sent.day.note).hint("case_admin.day_note_hint"),
    ];
    let deadlines = PREVIEW
        .into_iter()
        .map(|limit| {
            (
                crate::cases::settings::category_pages::limit_text(&ctx, Some(limit)),
                shown(&ctx, calendar.deadline(now, limit)),
            )
        })
        .collect();
    Ok(CalendarPage {
        preview: (shown(&ctx, now), deadlines),
        since: since.format("%Y-%m-%d").to_string(),
        ctx,
        week,
        week_errors: sent.week_errors,
        days,
        day_fields,
        day_errors: sent.day_errors,
        notice,
    })
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    saved: String,
}

/// The calendar, with a notice of what was just saved.
async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> AppResult<Response> {
    district_admin(ctx.user()?)?;
    let notice = match q.saved.as_str() {
        "week" => Some("case_admin.week_saved"),
        "day" => Some("case_admin.day_saved"),
        "removed" => Some("case_admin.day_removed"),
        _ => None,
    };
    render(&calendar_page(&state, ctx, Sent::default(), notice).await?)
}

/// Periods as people type them — Chinese punctuation, spaces, a trailing comma — in the form
/// the calendar reads: `09:00-12:00,13:30-17:30`.
pub fn normalise_periods(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '，' | '；' | ';' | '、' | '\n' | '\r' => ',',
            '～' | '~' | '–' | '—' | '至' => '-',
            '：' => ':',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    text.split(',').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(",")
}

/// Saves the working week: the periods, and the ticked weekdays (`weekday` = 0…6, Monday
/// first, repeated).
async fn set_week(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let periods = pairs.iter().find(|(k, _)| k == "periods").map(|(_, v)| v.as_str()).unwrap_or_default();
    let ticked = |i: usize| pairs.iter().any(|(k, v)| k == "weekday" && *v == i.to_string());
    let weekdays: Vec<bool> = (0..7).map(ticked).collect();
    match settings_service::edit_week(&state, &user, &normalise_periods(periods), &weekdays).await {
        Ok(_) => Ok(see_other("/manage/work-calendar?saved=week")),
        Err(AppError::Invalid(errors)) => {
            let week = WeekForm {
                periods: periods.to_owned(),
                weekdays: WEEKDAYS.iter().enumerate().map(|(i, key)| (i, *key, weekdays[i])).collect(),
            };
            let sent = Sent { week: Some(week), week_errors: errors.into(), ..Sent::default() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &calendar_page(&state, ctx, sent, None).await?)
        }
        Err(other) => Err(other),
    }
}

/// Adds (or changes) an exception day.
async fn add_day(State(state): State<AppState>, ctx: Ctx, Form(day): Form<DayForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    match settings_service::mark_day(&state, &user, &day.day, &day.kind, &day.note).await {
        Ok(_) => Ok(see_other("/manage/work-calendar?saved=day#days-h")),
        Err(AppError::Invalid(errors)) => {
            let sent = Sent { day, day_errors: errors.into(), ..Sent::default() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &calendar_page(&state, ctx, sent, None).await?)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
struct RemoveForm {
    #[serde(default)]
    day: String,
}

/// Makes an exception day an ordinary day again.
async fn remove_day(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RemoveForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    match settings_service::unmark_day(&state, &user, &f.day).await {
        Ok(_) => Ok(see_other("/manage/work-calendar?saved=removed#days-h")),
        Err(AppError::Invalid(errors)) => {
            let sent = Sent { day_errors: errors.into(), ..Sent::default() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &calendar_page(&state, ctx, sent, None).await?)
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_periods;

    #[test]
    fn periods_typed_loosely_are_read() {
        assert_eq!(normalise_periods(" 09:00-12:00， 13:30～17:30,\n"), "09:00-12:00,13:30-17:30");
        assert_eq!(normalise_periods("9：00至12：00"), "9:00-12:00");
        assert_eq!(normalise_periods(""), "");
    }
}

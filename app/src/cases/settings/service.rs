//! What the district maintains as data for its case engine — a category's department, time
//! limit and flags, the working week, holidays and make-up working days — as use cases that
//! the API (`api`) and the back-office pages (`category_pages`, `calendar_pages`) share,
//! so both check the same things and leave the same audit entries. District admins only.
//!
//! The two statements only these use cases need live here rather than in `cases::store`, which is at
//! the size the project allows a file.

use chrono::{Datelike as _, NaiveDate};
use sqlx::Row as _;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::Role;
use crate::cases::calendar::model::{CalendarError, TimeLimit, WorkCalendar};
use crate::cases::calendar::store as calendar_store;
use crate::cases::settings::catalog::CategorySeed;
use crate::cases::store::{self, Category};
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::DepartmentId;

/// Longest note on an exception day ("国庆节调休").
pub const MAX_DAY_NOTE: usize = 100;

/// The one rule for all of it: district admins keep the district's categories and calendar.
pub fn district_admin(user: &CurrentUser) -> AppResult<()> {
    if user.principal.has_role(Role::DistrictAdmin) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn error(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// A change to a minor category; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CategoryEdit {
    /// Where its cases go first.
    pub department_id: Option<i64>,
    /// `4h` (working hours) or `3d` (working days), as [`TimeLimit::parse`] reads it.
    pub time_limit: Option<String>,
    /// Reports need a photo.
    pub photos_required: Option<bool>,
    /// Shown on the public board.
    pub public: Option<bool>,
    /// Shown to the public at its exact coordinates.
    pub precise: Option<bool>,
    /// Offered for new cases.
    pub active: Option<bool>,
    /// English name; an empty one clears it (English pages then show the Chinese name).
    pub name_en: Option<String>,
}

/// Longest English name kept.
pub const MAX_NAME_EN: usize = 100;

/// Changes a minor category (district admins): every problem is reported at once, next to its
/// field, and nothing is stored unless all is well. Returns the category as stored.
pub async fn edit_category(state: &AppState, user: &CurrentUser, id: i64, edit: CategoryEdit) -> AppResult<Category> {
    district_admin(user)?;
    let mut errors = Vec::new();
    let limit = edit.time_limit.as_deref().and_then(|text| {
        let limit = TimeLimit::parse(text);
        if limit.is_none() {
            errors.push(error("time_limit", "cases.limit_invalid"));
        }
        limit
    });
    let name_en = edit.name_en.as_deref().map(str::trim);
    if name_en.is_some_and(|n| n.chars().count() > MAX_NAME_EN || n.chars().any(char::is_control)) {
        errors.push(error("name_en", "form.name_invalid"));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::category(&mut tx, id).await?.filter(|c| c.parent_code.is_some()).ok_or(AppError::NotFound)?;
    if let Some(d) = edit.department_id
        && crate::org::department(&mut tx, DepartmentId(d)).await?.is_none()
    {
        errors.push(error("department_id", "form.choice_invalid"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let after = Category {
        department_id: edit.department_id.map(DepartmentId).or(before.department_id),
        limit: limit.or(before.limit),
        photos_required: edit.photos_required.unwrap_or(before.photos_required),
        public: edit.public.unwrap_or(before.public),
        precise: edit.precise.unwrap_or(before.precise),
        active: edit.active.unwrap_or(before.active),
        // Cleared is '' rather than null, so the start's catch-up (`seed::names_en`) leaves it.
        name_en: name_en.map(str::to_owned).or_else(|| before.name_en.clone()),
        ..before.clone()
    };
    update_category(&mut tx, &after, now).await?;
    // What search holds of its cases: whether they are there, and the address as shown.
    // The board changes too, even for cases search does not hold yet: announce it.
    if after.public != before.public || after.precise != before.precise {
        crate::cases::index_all_for_search(&mut tx, Some(id), now).await?;
        crate::search::changed(&mut tx).await?;
    }
    let change = Change::new("case_category", id, None).before(&settings_of(&before)).after(&settings_of(&after));
    audit::record(&mut tx, now, user.id, "case_category.update", change).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the audit log keeps of a category.
fn settings_of(c: &Category) -> serde_json::Value {
    serde_json::json!({
        "department_id": c.department_id.map(|d| d.0),
        "limit": c.limit.map(|l| l.as_code()),
        "photos_required": c.photos_required,
        "public": c.public,
        "precise": c.precise,
        "active": c.active,
        "name_en": c.name_en,
    })
}

async fn update_category(conn: &mut Conn, c: &Category, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update case_categories set department_id = $1, time_limit = $2, photos_required = $3, public = $4, \
         precise = $5, active = $6, updated_at = $7, name_en = $9 where category_id = $8",
    )
    .bind(c.department_id.map(|d| d.0))
    .bind(c.limit.map(|l| l.as_code()))
    .bind(i64::from(c.photos_required))
    .bind(i64::from(c.public))
    .bind(i64::from(c.precise))
    .bind(i64::from(c.active))
    .bind(now)
    .bind(c.id)
    .bind(c.name_en.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// The field and message for a calendar [`WorkCalendar::new`] refused.
pub fn calendar_error(e: &CalendarError) -> FieldError {
    match e {
        CalendarError::NoPeriods => error("periods", "cases.calendar_invalid"),
        CalendarError::EmptyPeriod { .. } => error("periods", "case_admin.period_empty"),
        CalendarError::Unsorted => error("periods", "case_admin.periods_unsorted"),
        CalendarError::Overlapping(..) => error("periods", "case_admin.periods_overlap"),
        CalendarError::NoWorkingDay => error("weekdays", "case_admin.no_working_day"),
        CalendarError::HolidayAndWorkday(_) => error("day", "case_admin.day_both"),
    }
}

/// Sets the working week (district admins): daily periods as `09:00-12:00,13:30-17:30` and
/// the working weekdays, Monday first. Holidays and make-up days stay.
pub async fn edit_week(
    state: &AppState,
    user: &CurrentUser,
    periods: &str,
    weekdays: &[bool],
) -> AppResult<WorkCalendar> {
    district_admin(user)?;
    let periods = calendar_store::parse_periods(periods);
    let weekdays = <[bool; 7]>::try_from(weekdays).ok();
    let (Some(periods), Some(weekdays)) = (periods.clone(), weekdays) else {
        let mut errors = Vec::new();
        if periods.is_none() {
            errors.push(error("periods", "cases.calendar_invalid"));
        }
        if weekdays.is_none() {
            errors.push(error("weekdays", "cases.calendar_invalid"));
        }
        return Err(AppError::Invalid(errors));
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let current = calendar_store::work_calendar(&mut tx).await?;
    let calendar = WorkCalendar::new(periods, weekdays, current.holidays, current.extra_workdays)
        .map_err(|e| AppError::Invalid(vec![calendar_error(&e)]))?;
    calendar_store::set_work_week(&mut tx, &calendar, now).await?;
    let after = serde_json::json!({"periods": periods_of(&calendar), "weekdays": calendar.weekdays});
    audit::record(&mut tx, now, user.id, "work_calendar.update", Change::new("work_calendar", 1, None).after(&after))
        .await?;
    tx.commit().await?;
    Ok(calendar)
}

/// The daily periods as `09:00-12:00`; joined with commas, the form [`calendar_store::parse_periods`]
/// reads.
pub fn periods_of(c: &WorkCalendar) -> Vec<String> {
    c.periods.iter().map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M"))).collect()
}

/// What an exception day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday: no working time although the weekday works.
    Holiday,
    /// A make-up working day (调休上班): working time although the weekday does not work.
    Workday,
}

impl DayKind {
    /// Both, in the order the pages offer them.
    pub const ALL: [DayKind; 2] = [DayKind::Holiday, DayKind::Workday];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Its name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            DayKind::Holiday => "case_admin.holiday",
            DayKind::Workday => "case_admin.workday",
        }
    }
}

/// An exception day as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkDay {
    /// The date.
    pub day: NaiveDate,
    /// Holiday or make-up working day.
    pub kind: DayKind,
    /// Why, e.g. 国庆节.
    pub note: String,
}

/// A date as `YYYY-MM-DD`, within years a calendar is kept for (a typo such as 0226 is not).
pub fn parse_day(text: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&d.year()))
        .ok_or(error("day", "form.date_invalid"))
}

/// Marks a day as a public holiday or a make-up working day (district admins), replacing what
/// it was marked as before.
pub async fn mark_day(state: &AppState, user: &CurrentUser, day: &str, kind: &str, note: &str) -> AppResult<NaiveDate> {
    district_admin(user)?;
    let note = note.trim();
    let mut errors = Vec::new();
    let date = match parse_day(day) {
        Ok(date) => Some(date),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let kind = DayKind::parse(kind);
    if kind.is_none() {
        errors.push(error("kind", "form.choice_invalid"));
    }
    if note.chars().count() > MAX_DAY_NOTE || note.chars().any(char::is_control) {
        errors.push(error("note", "form.text_too_long"));
    }
    let (Some(date), Some(kind), true) = (date, kind, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    calendar_store::set_work_day(&mut tx, date, Some(kind.as_str()), note, now).await?;
    let after = serde_json::json!({"day": date.to_string(), "kind": kind.as_str(), "note": note});
    audit::record(&mut tx, now, user.id, "work_day.set", Change::new("work_day", day_id(date), None).after(&after))
        .await?;
    tx.commit().await?;
    Ok(date)
}

/// Makes a day again what its weekday says (district admins) — unless it is the calendar's
/// last working day.
pub async fn unmark_day(state: &AppState, user: &CurrentUser, day: &str) -> AppResult<NaiveDate> {
    district_admin(user)?;
    let date = parse_day(day).map_err(|e| AppError::Invalid(vec![e]))?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let current = calendar_store::work_calendar(&mut tx).await?;
    if !current.weekdays.contains(&true) && current.extra_workdays.iter().eq([&date]) {
        return Err(AppError::Invalid(vec![calendar_error(&CalendarError::NoWorkingDay)]));
    }
    calendar_store::set_work_day(&mut tx, date, None, "", now).await?;
    let after = serde_json::json!({"day": date.to_string()});
    audit::record(&mut tx, now, user.id, "work_day.clear", Change::new("work_day", day_id(date), None).after(&after))
        .await?;
    tx.commit().await?;
    Ok(date)
}

/// A day as the audit log's object id: 20261001.
fn day_id(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// The exception days from `from` on, in date order.
pub async fn work_days(conn: &mut Conn, from: NaiveDate) -> Result<Vec<WorkDay>, sqlx::Error> {
    // ISO dates compare as text in both engines.
    let rows = sqlx::query("select day, kind, note from work_days where day >= $1 order by day")
        .bind(from.format("%Y-%m-%d").to_string())
        .fetch_all(conn)
        .await?;
    let mut out = Vec::new();
    for r in &rows {
        let day: String = r.try_get("day")?;
        let kind: String = r.try_get("kind")?;
        // The calendar reads anything but `workday` as a holiday; the list says the same.
        let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else { continue };
        let kind = DayKind::parse(&kind).unwrap_or(DayKind::Holiday);
        out.push(WorkDay { day, kind, note: r.try_get("note")? });
    }
    Ok(out)
}

/// Seeds the categories (majors first); city-appearance minors go to `department` first.
pub async fn seed_categories(
    conn: &mut Conn,
    seeds: &[CategorySeed],
    department: Option<DepartmentId>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    for c in seeds {
        sqlx::query(
            "insert into case_categories (code, name, parent_code, kind, department_id, time_limit, photos_required, \
             public, active, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
        )
        .bind(&c.code)
        .bind(&c.name)
        .bind(c.parent.as_deref())
        .bind(store::KIND_CITY)
        .bind(c.parent.as_ref().and(department).map(|d| d.0))
        .bind(c.limit.map(|l| l.as_code()))
        .bind(i64::from(c.photos_required))
        .bind(i64::from(c.public))
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(seeds.len())
}

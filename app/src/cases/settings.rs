//! What the district maintains as data for its case engine, over the API (district admins):
//! a category's department, time limit and flags; the working week; holidays and make-up
//! working days. Every change is in the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::CurrentUser;
use crate::api::ApiUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::Role;
use crate::cases::store;
use crate::cases::worktime::{TimeLimit, WorkCalendar};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Json, Path};

/// The API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_category))
        .routes(routes!(calendar, set_week))
        .routes(routes!(set_day, clear_day))
}

fn district_admin(user: &CurrentUser) -> AppResult<()> {
    if user.principal.has_role(Role::DistrictAdmin) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn invalid(field: &'static str, key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError { field, key }])
}

/// Changes to a category (fields left out stay).
#[derive(Debug, Deserialize, ToSchema)]
pub struct CategoryChange {
    /// Where its cases go first.
    department_id: Option<i64>,
    /// `4h` (working hours) or `3d` (working days).
    time_limit: Option<String>,
    photos_required: Option<bool>,
    public: Option<bool>,
}

/// Changes a minor category's department, time limit or flags (district admins).
#[utoipa::path(patch, path = "/case-categories/{id}", tag = "cases", request_body = CategoryChange,
    security(("bearer" = [])), params(("id" = i64, Path, description = "Category id")),
    responses((status = 204, description = "Changed"),
        (status = 422, description = "Invalid", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn change_category(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<CategoryChange>,
) -> AppResult<StatusCode> {
    district_admin(&user)?;
    let limit = match body.time_limit.as_deref() {
        Some(text) => Some(TimeLimit::parse(text).ok_or_else(|| invalid("time_limit", "cases.limit_invalid"))?),
        None => None,
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::category(&mut tx, id).await?.filter(|c| c.parent_code.is_some()).ok_or(AppError::NotFound)?;
    if let Some(d) = body.department_id
        && crate::org::store::department(&mut tx, crate::ids::DepartmentId(d)).await?.is_none()
    {
        return Err(invalid("department_id", "form.choice_invalid"));
    }
    sqlx::query(
        "update case_categories set department_id = $1, time_limit = $2, photos_required = $3, public = $4, \
         updated_at = $5 where category_id = $6",
    )
    .bind(body.department_id.or(before.department_id.map(|d| d.0)))
    .bind(limit.or(before.limit).map(|l| l.as_code()))
    .bind(i64::from(body.photos_required.unwrap_or(before.photos_required)))
    .bind(i64::from(body.public.unwrap_or(before.public)))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let change = Change::new("case_category", id, None)
        .before(&serde_json::json!({"limit": before.limit.map(|l| l.as_code()), "department_id": before.department_id.map(|d| d.0)}))
        .after(&serde_json::json!({"limit": limit.or(before.limit).map(|l| l.as_code()), "department_id": body.department_id}));
    audit::record(&mut tx, now, user.id, "case_category.update", change).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The working-time calendar.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarBody {
    /// Daily working periods, e.g. `["09:00-12:00", "13:30-17:30"]`.
    periods: Vec<String>,
    /// Working weekdays, Monday first, e.g. `[true, true, true, true, true, false, false]`.
    weekdays: Vec<bool>,
    /// Public holidays (`YYYY-MM-DD`); read only here, set one by one.
    #[serde(default)]
    holidays: Vec<String>,
    /// Make-up working days (`YYYY-MM-DD`); read only here, set one by one.
    #[serde(default)]
    workdays: Vec<String>,
}

fn calendar_body(c: &WorkCalendar) -> CalendarBody {
    CalendarBody {
        periods: c.periods.iter().map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M"))).collect(),
        weekdays: c.weekdays.to_vec(),
        holidays: c.holidays.iter().map(|d| d.to_string()).collect(),
        workdays: c.extra_workdays.iter().map(|d| d.to_string()).collect(),
    }
}

/// The working-time calendar deadlines are counted in.
#[utoipa::path(get, path = "/work-calendar", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "The calendar", body = CalendarBody)))]
async fn calendar(ApiUser(_user): ApiUser, State(state): State<AppState>) -> AppResult<Json<CalendarBody>> {
    Ok(Json(calendar_body(&store::work_calendar(&mut *state.db.conn().await?).await?)))
}

/// Sets the working week (district admins); holidays and make-up days stay.
#[utoipa::path(put, path = "/work-calendar", tag = "cases", request_body = CalendarBody, security(("bearer" = [])),
    responses((status = 200, description = "The calendar", body = CalendarBody),
        (status = 422, description = "Not a working week", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn set_week(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<CalendarBody>,
) -> AppResult<Json<CalendarBody>> {
    district_admin(&user)?;
    let periods =
        store::parse_periods(&body.periods.join(",")).ok_or_else(|| invalid("periods", "cases.calendar_invalid"))?;
    let weekdays: [bool; 7] = body.weekdays.try_into().map_err(|_| invalid("weekdays", "cases.calendar_invalid"))?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let current = store::work_calendar(&mut tx).await?;
    let calendar = WorkCalendar::new(periods, weekdays, current.holidays, current.extra_workdays)
        .map_err(|_| invalid("periods", "cases.calendar_invalid"))?;
    store::set_work_week(&mut tx, &calendar, now).await?;
    audit::record(
        &mut tx,
        now,
        user.id,
        "work_calendar.update",
        Change::new("work_calendar", 1, None).after(&calendar_body(&calendar)),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(calendar_body(&calendar)))
}

/// What a day is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DayBody {
    /// `holiday` or `workday` (a make-up working day).
    kind: String,
    /// E.g. 国庆节.
    #[serde(default)]
    note: String,
}

fn parse_day(day: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| invalid("day", "cases.calendar_invalid"))
}

/// Marks a day as a holiday or a make-up working day (district admins).
#[utoipa::path(put, path = "/work-calendar/days/{day}", tag = "cases", request_body = DayBody, security(("bearer" = [])),
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "Set")))]
async fn set_day(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(day): Path<String>,
    Json(body): Json<DayBody>,
) -> AppResult<StatusCode> {
    district_admin(&user)?;
    let date = parse_day(&day)?;
    let kind = match body.kind.as_str() {
        "holiday" => "holiday",
        "workday" => "workday",
        _ => return Err(invalid("kind", "form.choice_invalid")),
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::set_work_day(&mut tx, date, Some(kind), body.note.trim(), now).await?;
    audit::record(
        &mut tx,
        now,
        user.id,
        "work_day.set",
        Change::new("work_day", 0, None).after(&serde_json::json!({"day": day, "kind": kind})),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a day again what its weekday says (district admins).
#[utoipa::path(delete, path = "/work-calendar/days/{day}", tag = "cases", security(("bearer" = [])),
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "Cleared")))]
async fn clear_day(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(day): Path<String>,
) -> AppResult<StatusCode> {
    district_admin(&user)?;
    let date = parse_day(&day)?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::set_work_day(&mut tx, date, None, "", now).await?;
    audit::record(
        &mut tx,
        now,
        user.id,
        "work_day.clear",
        Change::new("work_day", 0, None).after(&serde_json::json!({"day": day})),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

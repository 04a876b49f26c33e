//! What the district maintains as data for its case engine, over the API (district admins):
//! a category's department, time limit and flags; the working week; holidays and make-up
//! working days. Every change is in the audit log. The checks and the log are
//! `service`'s, which the back-office pages share.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::cases::calendar::model::WorkCalendar;
use crate::cases::calendar::store as calendar_store;
use crate::cases::settings::service::{self as settings_service, CategoryEdit};
use crate::error::AppResult;
use crate::web::extract::{Json, Path};

/// The API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_category))
        .routes(routes!(calendar, set_week))
        .routes(routes!(set_day, clear_day))
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
    /// The public board and Open311 show its cases at their exact coordinates (false: rounded
    /// to about 50 m). For things of the street whose spot is no one's privacy.
    precise: Option<bool>,
    /// Offered for new cases (false retires the category).
    active: Option<bool>,
    /// English name, shown on English pages; `""` clears it (they then show the Chinese name).
    name_en: Option<String>,
}

/// Changes a minor category's department, time limit or flags (district admins).
#[utoipa::path(patch, path = "/case-categories/{id}", tag = "cases", request_body = CategoryChange,
    security(("bearer" = [])), params(("id" = i64, Path, description = "Category id")),
    responses((status = 204, description = "Changed"),
        (status = 403, description = "Not a district admin", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such minor category", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn change_category(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<CategoryChange>,
) -> AppResult<StatusCode> {
    let edit = CategoryEdit {
        department_id: body.department_id,
        time_limit: body.time_limit,
        photos_required: body.photos_required,
        public: body.public,
        precise: body.precise,
        active: body.active,
        name_en: body.name_en,
    };
    settings_service::edit_category(&state, &user, id, edit).await?;
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
        periods: settings_service::periods_of(c),
        weekdays: c.weekdays.to_vec(),
        holidays: c.holidays.iter().map(|d| d.to_string()).collect(),
        workdays: c.extra_workdays.iter().map(|d| d.to_string()).collect(),
    }
}

/// The working-time calendar deadlines are counted in.
#[utoipa::path(get, path = "/work-calendar", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "The calendar", body = CalendarBody)))]
async fn calendar(ApiUser(_user): ApiUser, State(state): State<AppState>) -> AppResult<Json<CalendarBody>> {
    Ok(Json(calendar_body(&calendar_store::work_calendar(&mut *state.db.conn().await?).await?)))
}

/// Sets the working week (district admins); holidays and make-up days stay.
#[utoipa::path(put, path = "/work-calendar", tag = "cases", request_body = CalendarBody, security(("bearer" = [])),
    responses((status = 200, description = "The calendar", body = CalendarBody),
        (status = 422, description = "Not a working week", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a district admin", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn set_week(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<CalendarBody>,
) -> AppResult<Json<CalendarBody>> {
    let calendar = settings_service::edit_week(&state, &user, &body.periods.join(","), &body.weekdays).await?;
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

/// Marks a day as a holiday or a make-up working day (district admins).
#[utoipa::path(put, path = "/work-calendar/days/{day}", tag = "cases", request_body = DayBody, security(("bearer" = [])),
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "Set"),
        (status = 403, description = "Not a district admin", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a day (`YYYY-MM-DD`), an unknown kind, a note too long, or a week left without a working day", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn set_day(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(day): Path<String>,
    Json(body): Json<DayBody>,
) -> AppResult<StatusCode> {
    settings_service::mark_day(&state, &user, &day, &body.kind, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a day again what its weekday says (district admins).
#[utoipa::path(delete, path = "/work-calendar/days/{day}", tag = "cases", security(("bearer" = [])),
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "Cleared"),
        (status = 403, description = "Not a district admin", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a day (`YYYY-MM-DD`), or a week left without a working day", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn clear_day(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(day): Path<String>,
) -> AppResult<StatusCode> {
    settings_service::unmark_day(&state, &user, &day).await?;
    Ok(StatusCode::NO_CONTENT)
}

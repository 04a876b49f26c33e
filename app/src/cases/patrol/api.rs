//! The foot patrols over the API: an inspector starts a patrol, adds route points, ends it;
//! inspectors read their own patrols, those who run patrols any within their reach
//! (`service::reach`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::authz::gate::Inspector;
use crate::cases::patrol::service::{self as patrols, Patrol};
use crate::error::AppResult;
use crate::web::extract::{Json, Path};
use crate::web::guard::ApiStaff;

/// The patrols' API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_patrol))
        .routes(routes!(get_patrol))
        .routes(routes!(patrol_points))
        .routes(routes!(end_patrol))
        .routes(routes!(my_patrols))
}

/// Starts a foot patrol (inspectors); 409 while another is open.
#[utoipa::path(post, path = "/patrols", tag = "cases", security(("bearer" = [])),
    responses((status = 201, description = "Started", body = Patrol),
        (status = 403, description = "Not an inspector", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "You have a patrol open already", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn start_patrol(
    ApiStaff { user, .. }: ApiStaff<Inspector>,
    State(state): State<AppState>,
) -> AppResult<(StatusCode, Json<Patrol>)> {
    Ok((StatusCode::CREATED, Json(patrols::start(&state, &user).await?)))
}

/// One patrol's log: times, minutes, route points, cases filed. Your own, or — for the
/// district's admins and dispatchers — any; for a street's admins and dispatchers, those of the
/// inspectors posted in their street (the patrol log's reach).
#[utoipa::path(get, path = "/patrols/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Patrol id")),
    responses((status = 200, description = "The patrol", body = Patrol),
        (status = 404, description = "No such patrol, or not within your reach", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn get_patrol(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Patrol>> {
    Ok(Json(patrols::get(&state, &user, id).await?))
}

/// Route points to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PointsBody {
    /// `[[lat, lng], ...]` (WGS84).
    points: Vec<(f64, f64)>,
}

/// Adds route points to your open patrol.
#[utoipa::path(post, path = "/patrols/{id}/points", tag = "cases", request_body = PointsBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Patrol id")),
    responses((status = 200, description = "Added", body = Patrol),
        (status = 403, description = "Not an inspector", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not your open patrol", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A coordinate out of range, or more points than a patrol keeps", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn patrol_points(
    ApiStaff { user, .. }: ApiStaff<Inspector>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<PointsBody>,
) -> AppResult<Json<Patrol>> {
    Ok(Json(patrols::add_points(&state, &user, id, &body.points).await?))
}

/// Ends your open patrol.
#[utoipa::path(post, path = "/patrols/{id}/end", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Patrol id")),
    responses((status = 200, description = "Ended", body = Patrol),
        (status = 403, description = "Not an inspector", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not your open patrol", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn end_patrol(
    ApiStaff { user, .. }: ApiStaff<Inspector>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Patrol>> {
    Ok(Json(patrols::end(&state, &user, id).await?))
}

/// Your latest 100 patrols, newest first.
#[utoipa::path(get, path = "/me/patrols", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "Your latest 100 patrols", body = Vec<Patrol>)))]
async fn my_patrols(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<Patrol>>> {
    Ok(Json(patrols::mine(&state, &user, 100).await?))
}

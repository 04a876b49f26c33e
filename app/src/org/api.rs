//! `/api/v1/{streets,communities,venues,departments}`: the district's public directory.
//! Readable without a token; a token, if sent, must be valid.

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{MaybeApiUser, PageParams, Problem, next_cursor};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::ids::{CommunityId, DepartmentId, StreetId, VenueId};
use crate::org::model::{Community, Department, Street, Venue, VenueKind};
use crate::org::store::{self, VenueFilter};
use crate::web::extract::{Path, Query};

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_streets))
        .routes(routes!(get_street))
        .routes(routes!(list_communities))
        .routes(routes!(get_community))
        .routes(routes!(list_venues))
        .routes(routes!(get_venue))
        .routes(routes!(list_departments))
        .routes(routes!(get_department))
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items, in id order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn page<T>(items: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Page<T> {
    let next_cursor = next_cursor(items.len(), limit, items.last().map(&id));
    Page { items, next_cursor }
}

/// Streets of the district.
#[utoipa::path(get, path = "/streets", tag = "district", params(PageParams),
    responses((status = 200, description = "Found", body = Page<Street>), (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json")))]
async fn list_streets(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Street>>> {
    let (after, limit) = p.decode()?;
    let items = store::list_streets(&mut *state.db.conn().await?, None, after, limit).await?;
    Ok(Json(page(items, limit, |s| s.id.0)))
}

/// One street.
#[utoipa::path(get, path = "/streets/{id}", tag = "district", params(("id" = i64, Path, description = "Street id")),
    responses((status = 200, description = "Found", body = Street), (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json")))]
async fn get_street(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Street>> {
    let street = store::street(&mut *state.db.conn().await?, StreetId(id)).await?;
    street.map(Json).ok_or(AppError::NotFound)
}

/// Filter for communities.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    /// Only communities of this street.
    pub street_id: Option<i64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200.
    pub limit: Option<i64>,
}

/// Communities, optionally of one street.
#[utoipa::path(get, path = "/communities", tag = "district", params(CommunityQuery),
    responses((status = 200, description = "Found", body = Page<Community>), (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json")))]
async fn list_communities(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Query(q): Query<CommunityQuery>,
) -> AppResult<Json<Page<Community>>> {
    let (after, limit) = PageParams { cursor: q.cursor, limit: q.limit }.decode()?;
    let items = store::list_communities(&mut *state.db.conn().await?, q.street_id.map(StreetId), after, limit).await?;
    Ok(Json(page(items, limit, |c| c.id.0)))
}

/// One community.
#[utoipa::path(get, path = "/communities/{id}", tag = "district", params(("id" = i64, Path, description = "Community id")),
    responses((status = 200, description = "Found", body = Community), (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json")))]
async fn get_community(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Community>> {
    let c = store::community(&mut *state.db.conn().await?, CommunityId(id)).await?;
    c.map(Json).ok_or(AppError::NotFound)
}

/// Filter for venues.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VenueQuery {
    /// Only venues of this street.
    pub street_id: Option<i64>,
    /// Only venues of this kind.
    pub kind: Option<VenueKind>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200.
    pub limit: Option<i64>,
}

/// Venues, optionally by street and kind.
#[utoipa::path(get, path = "/venues", tag = "district", params(VenueQuery),
    responses((status = 200, description = "Found", body = Page<Venue>), (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json")))]
async fn list_venues(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Query(q): Query<VenueQuery>,
) -> AppResult<Json<Page<Venue>>> {
    let (after, limit) = PageParams { cursor: q.cursor, limit: q.limit }.decode()?;
    let filter = VenueFilter { street: q.street_id.map(StreetId), kind: q.kind };
    let items = store::list_venues(&mut *state.db.conn().await?, filter, after, limit).await?;
    Ok(Json(page(items, limit, |v| v.id.0)))
}

/// One venue.
#[utoipa::path(get, path = "/venues/{id}", tag = "district", params(("id" = i64, Path, description = "Venue id")),
    responses((status = 200, description = "Found", body = Venue), (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json")))]
async fn get_venue(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Venue>> {
    let v = store::venue(&mut *state.db.conn().await?, VenueId(id)).await?;
    v.map(Json).ok_or(AppError::NotFound)
}

/// Departments, including street offices.
#[utoipa::path(get, path = "/departments", tag = "district", params(PageParams),
    responses((status = 200, description = "Found", body = Page<Department>), (status = 400, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json")))]
async fn list_departments(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<Page<Department>>> {
    let (after, limit) = p.decode()?;
    let items = store::list_departments(&mut *state.db.conn().await?, after, limit).await?;
    Ok(Json(page(items, limit, |d| d.id.0)))
}

/// One department.
#[utoipa::path(get, path = "/departments/{id}", tag = "district", params(("id" = i64, Path, description = "Department id")),
    responses((status = 200, description = "Found", body = Department), (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json")))]
async fn get_department(
    _auth: MaybeApiUser,
    state: axum::extract::State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Department>> {
    let d = store::department(&mut *state.db.conn().await?, DepartmentId(id)).await?;
    d.map(Json).ok_or(AppError::NotFound)
}

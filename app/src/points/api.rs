//! The ledger over the API: your total and your history (`GET /me/points`).

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, PageParams, next_cursor};
use crate::app::AppState;
use crate::error::AppResult;
use crate::points::model::{Source, Why};
use crate::points::store;
use crate::web::extract::{Json, Query};

/// The API routes of the ledger.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_points))
}

/// One entry of your points history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PointsEntry)]
pub struct EntryOut {
    /// What earned it: `checkin`, `quiz`, `attendance`, `vote`.
    source: Option<Source>,
    /// Points (negative: an earlier award taken back).
    points: i64,
    /// When it was written (RFC 3339, district time).
    at: String,
    /// The object that earned it (`attendance:456`).
    reference: String,
    /// The district-local day it counts for (`2026-12-01`).
    day: String,
    /// For an award taken back: why (`reduced`, `refused`, `replaced`, `voided`, `not_attended`).
    reversed_because: Option<String>,
}

/// Your points: the total, and the history newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyPoints {
    /// Your total.
    total: i64,
    /// The history, newest first.
    items: Vec<EntryOut>,
    /// Pass as `cursor` for older entries; absent on the last page.
    next_cursor: Option<String>,
}

/// Your points total and history, newest first (paged).
#[utoipa::path(get, path = "/me/points", tag = "points", params(PageParams), security(("bearer" = [])),
    responses((status = 200, description = "Your points", body = MyPoints),
        (status = 400, description = "Bad cursor or limit", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn my_points(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<MyPoints>> {
    let (before, limit) = p.decode()?;
    let mut conn = state.db.conn().await?;
    let total = store::total(&mut conn, user.id).await?;
    let entries = store::history(&mut conn, user.id, before, limit).await?;
    drop(conn);
    let next_cursor = next_cursor(entries.len(), limit, entries.last().map(|e| e.id));
    let items = entries
        .into_iter()
        .map(|e| EntryOut {
            source: e.source,
            points: e.points,
            at: crate::clock::rfc3339(e.at),
            reference: e.reference,
            day: e.day,
            reversed_because: e.why.map(|w: Why| w.as_str().to_owned()),
        })
        .collect();
    Ok(Json(MyPoints { total, items, next_cursor }))
}

//! The board over the API: a dispatcher's review of a case's photos (which ones the public
//! board may show). The public cases themselves are served by Open311 (`/open311/v2`).

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::cases::photos::service::{self as photos, Photo};
use crate::error::AppResult;
use crate::web::extract::{Json, Path};

/// The API routes of the board.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(review_photo))
}

/// A decision on a photo.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewBody {
    /// Fit for the public board (true) or not (false).
    reviewed: bool,
}

/// Marks a photo of a case fit for the public board or not: the dispatcher or district admin
/// whose scope covers the case. The board shows a reviewed photo while the case's category
/// is public.
#[utoipa::path(post, path = "/cases/{id}/photos/{image}/review", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id"), ("image" = i64, Path, description = "Photo id")),
    request_body = ReviewBody,
    responses((status = 200, description = "The case's photos", body = Vec<Photo>),
        (status = 403, description = "Not the case's dispatcher", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case or photo", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn review_photo(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path((id, image)): Path<(i64, i64)>,
    Json(body): Json<ReviewBody>,
) -> AppResult<Json<Vec<Photo>>> {
    Ok(Json(photos::review(&state, &user, id, image, body.reviewed).await?))
}

//! A case's photos over the API: the parties add them and read them (the case itself lists
//! them, see `cases::api`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::cases::photos::service::{self as photos, Photo};
use crate::error::AppResult;
use crate::web::extract::{Json, Path, Query};

/// The photos' API routes (an upload takes a body up to the pictures' limit).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_photo)).merge(
        OpenApiRouter::new()
            .routes(routes!(add_photo))
            .layer(axum::extract::DefaultBodyLimit::max(crate::media::model::MAX_UPLOAD_BYTES)),
    )
}

/// What a photo shows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// `report` (what was seen; default) or `after` (the department's result).
    kind: Option<String>,
}

/// Adds a photo (JPEG, PNG or WebP body, at most 10 MB; EXIF is dropped): `report` by any
/// party while the case is open, `after` by the department's handler.
#[utoipa::path(post, path = "/cases/{id}/photos", tag = "cases", params(("id" = i64, Path, description = "Case id"), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP picture"),
    security(("bearer" = [])),
    responses((status = 201, description = "The case's photos", body = Vec<Photo>),
        (status = 422, description = "Not a readable picture", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a photo you may add to this case now (`report` while it is open, `after` by its handler while handling)", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many pictures being processed; try again after `Retry-After` seconds", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn add_photo(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<PhotoQuery>,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<Vec<Photo>>)> {
    let kind = q.kind.as_deref().unwrap_or("report");
    Ok((StatusCode::CREATED, Json(photos::add(&state, &user, id, kind, body.to_vec()).await?)))
}

/// One photo of a case (JPEG), for the parties to it.
#[utoipa::path(get, path = "/cases/{id}/photos/{image}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id"), ("image" = i64, Path, description = "Photo id")),
    responses((status = 200, description = "The picture", content_type = "image/jpeg")))]
async fn get_photo(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path((id, image)): Path<(i64, i64)>,
) -> AppResult<axum::response::Response> {
    Ok(photos::response(photos::image(&state, &user, id, image).await?))
}

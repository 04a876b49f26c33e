//! Photos on the case page: the pictures themselves (for the parties to the case only) and
//! the upload form's handler.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::cases::case_views::{Failed, case_page};
use crate::cases::photos::service as photos;
use crate::error::{AppError, AppResult};
use crate::web::extract::Path;
use crate::web::{Ctx, render_status, see_other};

/// Routes of the photo pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/photos/{file}", get(picture))
        .route("/report/photos/{token}", get(draft_picture))
        .route("/cases/{id}/photos/{image}/review", axum::routing::post(review))
        .route(
            "/cases/{id}/photos",
            axum::routing::post(upload).layer(axum::extract::DefaultBodyLimit::max(crate::web::csrf::UPLOAD_LIMIT)),
        )
}

#[derive(Debug, serde::Deserialize)]
struct ReviewForm {
    /// `1`: fit for the public board; anything else: not.
    #[serde(default)]
    reviewed: String,
}

/// The dispatcher's decision on one photo, from the case page; back to the case.
async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, image)): Path<(i64, i64)>,
    crate::web::extract::Form(f): crate::web::extract::Form<ReviewForm>,
) -> AppResult<Response> {
    photos::review(&state, ctx.user()?, id, image, f.reviewed == "1").await?;
    Ok(see_other(&format!("/cases/{id}#photos-h")))
}

async fn picture(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    let image: i64 = file.strip_suffix(".jpg").and_then(|n| n.parse().ok()).ok_or(AppError::NotFound)?;
    Ok(photos::response(photos::image(&state, ctx.user()?, id, image).await?))
}

/// A photo the resident attached to a report not filed yet (the thumbnail of the report's last
/// screen): its signed token (`report_service`) is the proof it is theirs.
async fn draft_picture(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let user = ctx.user()?;
    let image = state.keys.upload_image(user.id.0, &token).ok_or(AppError::NotFound)?;
    let stored = crate::media::get(&mut *state.db.conn().await?, image, false).await?.ok_or(AppError::NotFound)?;
    Ok(photos::response(stored))
}

/// The upload form's text: what the photo shows (`report` unless it says `after`).
#[derive(Debug, serde::Deserialize)]
struct UploadForm {
    #[serde(default = "report_kind")]
    kind: String,
}

fn report_kind() -> String {
    "report".into()
}

/// Adds a photo from the case page's form (multipart: `photo`, `kind`).
async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (UploadForm { kind }, bytes) = crate::web::extract::form_with_file(request, &state, "photo").await?;
    match photos::add(&state, &user, id, &kind, bytes).await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}"))),
        Err(AppError::Rule(key)) => {
            let failed = Failed { action: "photo".into(), refusal: Some(key), ..Failed::default() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &case_page(&state, ctx, id, false, Some(failed)).await?)
        }
        Err(other) => Err(other),
    }
}

//! Merging a possible duplicate from the case page: for whoever may void the case (the command
//! centre, the district's admins), the page lists the open cases of the same category filed
//! nearby within the configured window (`case_views::candidates`), each with a button that
//! posts here to merge this case into it.
//! The merged case is voided with a link to its master, and its reporter hears of the master's
//! steps from then on (see `service::merge`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use crate::app::AppState;
use crate::cases::case_views::{Failed, case_page};
use crate::cases::service;
use crate::error::{AppError, AppResult};
use crate::web::extract::{Form, Path};
use crate::web::{Ctx, render_status, see_other};

/// Routes of the merge form.
pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}/merge", post(merge))
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

/// Merges the case into the chosen one and shows the master; refusals come back to this case's
/// page at the duplicates panel.
async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MergeForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    // Text that is not a case id becomes one nothing has: the service refuses it at the field.
    let into = f.into.trim().parse().unwrap_or(0);
    let failed = match service::merge(&state, &user, id, into).await {
        Ok(_) => return Ok(see_other(&format!("/cases/{into}"))),
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, Failed { errors, ..Failed::default() }),
        Err(AppError::Conflict(key)) => (StatusCode::CONFLICT, Failed { refusal: Some(key), ..Failed::default() }),
        Err(other) => return Err(other),
    };
    let (status, failed) = failed;
    let failed = Failed { action: "merge".into(), ..failed };
    render_status(status, &case_page(&state, ctx, id, false, Some(failed)).await?)
}

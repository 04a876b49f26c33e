//! The inbox over the API.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::error::AppResult;
use crate::notify::{inbox, store};

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_notifications)).routes(routes!(mark_read))
}

/// Your newest notices (bookings confirmed, places from the waiting list, reminders,
/// cancellations; progress on your reports and assistance requests; the decision on your
/// enterprise application), in your chosen language.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, description = "Notices, newest first", body = Vec<inbox::Entry>)))]
async fn my_notifications(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<inbox::Entry>>> {
    Ok(Json(inbox::entries(&state, user.id, user.locale.unwrap_or_default()).await?))
}

/// Marks all your notices read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "notifications", security(("bearer" = [])),
    responses((status = 204, description = "Marked")))]
async fn mark_read(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<StatusCode> {
    store::mark_all_read(&mut *state.db.conn().await?, user.id, state.clock.unix()).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The case pages (being written).

use axum::Router;

use crate::app::AppState;

/// Routes of the case pages.
pub fn router() -> Router<AppState> {
    Router::new()
}

//! Images people upload (event covers, case photos): checked, scaled down and re-encoded before they are
//! kept, then served from the database with long-lived caching.

pub mod model;
pub mod routes;
pub mod store;

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

/// Decoding a large photo takes tens of megabytes and a core for a moment; two at a time
/// keeps a burst of uploads from starving the booking rush or the memory budget.
static DECODERS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

/// Processes an uploaded image and keeps it; returns its id. An unreadable or unsupported
/// file is a rule error with a message for the user; nothing is stored then.
pub async fn save(state: &AppState, upload: Vec<u8>, by: UserId) -> AppResult<i64> {
    keep(state, upload, true, by).await
}

/// As [`save`], for an image only the pages of what it belongs to may show (a case photo).
pub async fn save_private(state: &AppState, upload: Vec<u8>, by: UserId) -> AppResult<i64> {
    keep(state, upload, false, by).await
}

async fn keep(state: &AppState, upload: Vec<u8>, public: bool, by: UserId) -> AppResult<i64> {
    let processed = process(upload).await?;
    Ok(store::insert(&mut *state.db.conn().await?, &processed, public, by, state.clock.unix()).await?)
}

/// Checks, scales and re-encodes an upload without keeping it, for a caller that must know the
/// file is good before it writes anything else (a patrol finding and its photo are filed together).
pub async fn process(upload: Vec<u8>) -> AppResult<model::Processed> {
    let _permit = DECODERS.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || model::process(&upload))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Rule)
}

/// The URL an image is served at.
pub fn url(id: i64) -> String {
    format!("/images/{id}.jpg")
}

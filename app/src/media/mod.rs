//! Images people upload (event covers, case photos): checked, scaled down and re-encoded before they are
//! kept, then served from the database with long-lived caching.

pub mod model;
pub mod routes;
pub mod store;

// What the domains that keep pictures call: store one, read one. Never `store`.
pub use store::{Stored, get, insert};

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::app::{AppState, Domain};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

/// The domain: the public images' route.
pub const DOMAIN: Domain = Domain { name: "media", pages: routes::router, ..Domain::NONE };

/// Pictures decoded at once. A picture of [`model::MAX_PIXELS`] takes up to 160 MB while it
/// is decoded and a core for a moment; two at a time keep a burst of uploads from starving the
/// booking rush or the memory budget (measured: two 40 MP photos at once peak at about 340 MB;
/// two 12000×12000 PNGs, before the pixel cap, took 1.2 GB).
///
/// Memory freed after a decode is not a leak but mimalloc's delayed purge: it gives freed
/// pages back to the system only on a later call into the allocator, so a process that goes
/// quiet right after a decode keeps its peak until something allocates again (measured: 312 MB
/// held until then, 26 MB after). The caps bound that peak.
pub const DECODES: usize = 2;
/// Uploads that may wait for a decoder. One more is answered 503 with `Retry-After` at once,
/// rather than held in memory (each waits with its file, up to 10 MB).
pub const WAITING: usize = 8;
/// What a refused upload is told to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 5;

/// The process's picture decoders: [`DECODES`] at work, [`WAITING`] in line.
#[derive(Debug)]
pub struct Decoders {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

impl Default for Decoders {
    fn default() -> Self {
        Self { admitted: Arc::new(Semaphore::new(DECODES + WAITING)), running: Arc::new(Semaphore::new(DECODES)) }
    }
}

/// A place among the uploads being decoded or waiting to be.
#[derive(Debug)]
pub struct Place {
    _admitted: OwnedSemaphorePermit,
    running: Arc<Semaphore>,
}

impl Decoders {
    /// A place in line, or [`AppError::Busy`] when every decoder is at work and the line is full.
    pub fn enter(&self) -> AppResult<Place> {
        match self.admitted.clone().try_acquire_owned() {
            Ok(admitted) => Ok(Place { _admitted: admitted, running: self.running.clone() }),
            Err(_) => Err(AppError::Busy { key: "image.busy", retry_after: RETRY_AFTER_SECS }),
        }
    }
}

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
    let processed = process(state, upload).await?;
    Ok(store::insert(&mut *state.db.conn().await?, &processed, public, by, state.clock.unix()).await?)
}

/// Checks, scales and re-encodes an upload without keeping it, for a caller that must know the
/// file is good before it writes anything else (a patrol finding and its photo are filed together).
pub async fn process(state: &AppState, upload: Vec<u8>) -> AppResult<model::Processed> {
    let place = state.decoders.enter()?;
    let running = place.running.clone().acquire_owned().await.map_err(|e| AppError::Internal(e.into()))?;
    // The places go into the decoding thread: a request given up meanwhile does not free its
    // decoder before the decoder is done.
    tokio::task::spawn_blocking(move || {
        let _held = (place, running);
        model::process(&upload)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(AppError::Rule)
}

/// The URL an image is served at.
pub fn url(id: i64) -> String {
    format!("/images/{id}.jpg")
}

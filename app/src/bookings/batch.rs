//! Group commit on PostgreSQL: the bookings that arrive while a batch runs go together into
//! the next one — one call of the database function `book_batch` (migration 0005), one
//! transaction, one WAL flush.
//!
//! Booking one seat per transaction, PostgreSQL on this 2-core machine manages ~1,500 a
//! second: most of the work is per statement and per commit, not per row. A batch of a
//! hundred costs little more than one. The database still decides every seat (the function
//! locks each offering before counting), so instances batching side by side stay correct.
//! The workers have connections of their own: taking them from the shared pool, they would
//! queue behind the hundreds of requests that are reading there in a rush.
//! No answer is released before the batch's commit has returned: a confirmed booking is
//! durable before anyone hears of it. When a batch fails as a whole (the database is away, or
//! a deadlock with another instance over one person booking on both at once), each of its
//! bookings is made again on its own by the caller.

use std::collections::HashMap;

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use crate::bookings::model::Status;

/// Bookings taken into one batch at most.
const MAX_BATCH: usize = 256;
/// Bookings waiting at most; callers wait beyond that (backpressure).
const QUEUE: usize = 16_384;
/// Workers per instance. Each takes the offerings whose id falls to it, so the workers of one
/// instance never wait for each other's row locks; each gathers its next batch while its
/// current one runs.
const WORKERS: usize = 2;

/// One booking for the batch; field names are the function's.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Position in the batch (set by the worker).
    pub ord: i64,
    /// Offering.
    pub offering_id: i64,
    /// Who books.
    pub booker: i64,
    /// For whom, on their list.
    pub person_id: Option<i64>,
    /// Identity for the one-active rule.
    pub person_key: String,
    /// The service's one-active scope.
    pub service_key: String,
    /// Seats.
    pub seats: i64,
    /// Status wanted: confirmed or requested (lottery).
    pub status: &'static str,
    /// Status when no seat is left: waitlisted, or None to refuse.
    pub fallback: Option<&'static str>,
    /// Client's idempotency key.
    pub idempotency_key: Option<String>,
    /// Ticket code.
    pub code: String,
    /// Time of the booking (unix seconds).
    pub now: i64,
}

/// What the database made of one booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written, with this id and status.
    Booked(i64, Status),
    /// An earlier request with the same key made this reservation.
    Repeated(i64),
    /// The person already holds an active booking for the service.
    Already,
    /// The offering takes no bookings (cancelled, or gone).
    Closed,
    /// No seat and no waiting list.
    Full,
}

type Reply = oneshot::Sender<Option<Outcome>>;

/// Handle to the batch workers; cheap to clone.
#[derive(Debug, Clone)]
pub struct Batcher {
    queues: Vec<mpsc::Sender<(Item, Reply)>>,
}

impl Batcher {
    /// Starts the workers on this runtime, with their own connections to PostgreSQL at
    /// `url` (made when first needed, and again after a failure).
    pub fn start(url: &str) -> Result<Self, sqlx::Error> {
        let pool = AnyPoolOptions::new()
            .max_connections(WORKERS as u32)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_lazy(url)?;
        let queues = (0..WORKERS)
            .map(|_| {
                let (queue, rx) = mpsc::channel(QUEUE / WORKERS);
                tokio::spawn(work(pool.clone(), rx));
                queue
            })
            .collect();
        Ok(Self { queues })
    }

    /// Books `item` in the next batch. None: the batch failed or could not say; the caller
    /// books it alone.
    pub async fn book(&self, item: Item) -> Option<Outcome> {
        let (reply, answer) = oneshot::channel();
        let queue = &self.queues[item.offering_id.unsigned_abs() as usize % self.queues.len()];
        queue.send((item, reply)).await.ok()?;
        answer.await.ok().flatten()
    }
}

async fn work(db: AnyPool, mut rx: mpsc::Receiver<(Item, Reply)>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    loop {
        if rx.recv_many(&mut jobs, MAX_BATCH).await == 0 {
            return;
        }
        run(&db, &mut jobs).await;
    }
}

async fn run(db: &AnyPool, jobs: &mut Vec<(Item, Reply)>) {
    for (i, (item, _)) in jobs.iter_mut().enumerate() {
        item.ord = i as i64;
    }
    let items: Vec<&Item> = jobs.iter().map(|(item, _)| item).collect();
    let outcomes = match call(db, &items).await {
        Ok(outcomes) => outcomes,
        Err(e) => {
            tracing::warn!(error = %e, size = jobs.len(), "booking batch failed; booking one by one");
            HashMap::new()
        }
    };
    for (item, reply) in jobs.drain(..) {
        let _ = reply.send(outcomes.get(&item.ord).cloned());
    }
}

async fn call(db: &AnyPool, items: &[&Item]) -> anyhow::Result<HashMap<i64, Outcome>> {
    let json = serde_json::to_string(items)?;
    let mut tx = db.begin().await?;
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> =
        sqlx::query_as("select out_ord, out_outcome, out_id, out_status from book_batch($1::json)")
            .bind(json)
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    let mut outcomes = HashMap::with_capacity(rows.len());
    for (ord, outcome, id, status) in rows {
        let outcome = match (outcome.as_str(), id, status.as_deref().and_then(Status::parse)) {
            ("booked", Some(id), Some(status)) => Outcome::Booked(id, status),
            ("repeated", Some(id), _) => Outcome::Repeated(id),
            ("already", ..) => Outcome::Already,
            ("closed", ..) => Outcome::Closed,
            ("full", ..) => Outcome::Full,
            // "retry": the caller books it alone.
            _ => continue,
        };
        outcomes.insert(ord, outcome);
    }
    Ok(outcomes)
}

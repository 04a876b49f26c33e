//! Group commit on PostgreSQL: the writes that arrive while a batch runs go together into the
//! next one — one transaction, one WAL flush. What a batch does with its items (for bookings,
//! one call of the database function `book_batch`) is the domain's [`Batch`]; the queue, the
//! workers and their connections, and the fallback are here.
//!
//! PostgreSQL's work is mostly per statement and per commit, not per row: on a 2-core machine
//! one booking a transaction manages ~1,500 a second, and a batch of a hundred costs little
//! more than one. The workers have connections of their own: taking them from the shared
//! pool, they would queue behind the hundreds of requests that are reading there in a rush.
//! No answer is released before the batch's commit has returned: a write is durable before
//! anyone hears of it. When a batch fails as a whole (the database is away, a deadlock with
//! another instance), every item is answered `None`, and its caller writes it on its own.
//!
//! SQLite has no batcher: its writer thread commits in groups already (`db::writer`).

use std::future::Future;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use tokio::sync::{mpsc, oneshot};

use crate::db::{Conn, Db, Engine};

/// Items taken into one batch at most.
const MAX_BATCH: usize = 256;
/// Items waiting at most; callers wait beyond that (backpressure).
const QUEUE: usize = 16_384;
/// Workers per instance. Each takes the items whose [`Batch::worker_key`] falls to it, so the
/// workers of one instance never wait for each other's row locks; each gathers its next batch
/// while its current one runs.
const WORKERS: usize = 2;

/// What a batch of one kind of write does.
pub trait Batch: 'static {
    /// One write.
    type Item: Send + 'static;
    /// What became of it.
    type Outcome: Send + 'static;

    /// Items with the same key go to the same worker (e.g. an offering's id: one worker per
    /// offering, so two never wait for each other's lock on it).
    fn worker_key(item: &Self::Item) -> u64;

    /// Writes `items` in `tx` (committed by the caller) and answers each, in their order. A
    /// `None` answer (or a missing one) leaves that item to its caller to write alone.
    fn run(
        tx: &mut Conn,
        items: &mut [Self::Item],
    ) -> impl Future<Output = anyhow::Result<Vec<Option<Self::Outcome>>>> + Send;
}

type Job<B> = (<B as Batch>::Item, oneshot::Sender<Option<<B as Batch>::Outcome>>);

/// Handle to the batch workers of one kind of write; cheap to clone.
pub struct Batcher<B: Batch> {
    queues: Vec<mpsc::Sender<Job<B>>>,
}

impl<B: Batch> Clone for Batcher<B> {
    fn clone(&self) -> Self {
        Self { queues: self.queues.clone() }
    }
}

impl<B: Batch> std::fmt::Debug for Batcher<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").field("workers", &self.queues.len()).finish()
    }
}

impl<B: Batch> Batcher<B> {
    /// Starts the workers on this runtime, on PostgreSQL, with connections of their own to
    /// `db`'s database (made when first needed, and again after a failure). None on SQLite.
    pub fn start(db: &Db) -> Option<Self> {
        let Engine::Postgres = db.engine else { return None };
        let pool = AnyPoolOptions::new()
            .max_connections(WORKERS as u32)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with((*db.pool.connect_options()).clone());
        let queues = (0..WORKERS)
            .map(|_| {
                let (queue, rx) = mpsc::channel(QUEUE / WORKERS);
                tokio::spawn(work::<B>(pool.clone(), rx));
                queue
            })
            .collect();
        Some(Self { queues })
    }

    /// Writes `item` in the next batch. None: the batch failed or could not say; the caller
    /// writes it alone.
    pub async fn submit(&self, item: B::Item) -> Option<B::Outcome> {
        let (reply, answer) = oneshot::channel();
        let queue = &self.queues[(B::worker_key(&item) % self.queues.len() as u64) as usize];
        queue.send((item, reply)).await.ok()?;
        answer.await.ok().flatten()
    }
}

async fn work<B: Batch>(pool: AnyPool, mut rx: mpsc::Receiver<Job<B>>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    loop {
        if rx.recv_many(&mut jobs, MAX_BATCH).await == 0 {
            return;
        }
        let (mut items, replies): (Vec<_>, Vec<_>) = jobs.drain(..).unzip();
        let outcomes = match commit::<B>(&pool, &mut items).await {
            Ok(outcomes) => outcomes,
            Err(e) => {
                tracing::warn!(error = %e, size = items.len(), batch = std::any::type_name::<B>(), "batch failed; writing one by one");
                Vec::new()
            }
        };
        let mut outcomes = outcomes.into_iter();
        for reply in replies {
            let _ = reply.send(outcomes.next().flatten());
        }
    }
}

async fn commit<B: Batch>(pool: &AnyPool, items: &mut [B::Item]) -> anyhow::Result<Vec<Option<B::Outcome>>> {
    let mut tx = pool.begin().await?;
    let outcomes = B::run(&mut tx, items).await?;
    tx.commit().await?;
    Ok(outcomes)
}

//! The SQLite write path for rushes: one thread, one connection, group commit.
//!
//! SQLite has one writer at a time and makes each commit durable with an fsync. Booking a
//! seat per transaction would cap a rush at the disk's fsync rate, and sqlx's SQLite driver
//! adds a thread hand-off to every statement. So hot writes go to this thread instead, which
//! runs them directly on its own connection (rusqlite) and commits whatever has queued up
//! meanwhile in one transaction: one fsync for the whole batch. Each job runs in its own
//! savepoint, so one job's failure undoes only that job. No job's answer is released before
//! the batch is committed — a confirmed booking is durable before anyone hears of it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

/// Jobs taken into one transaction at most.
const MAX_BATCH: usize = 512;
/// Jobs waiting at most; senders wait beyond that (backpressure).
const QUEUE: usize = 16_384;
/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// WAL length (4 KiB pages) beyond which the checkpointer makes the writer wait for a restart.
const WAL_LIMIT_FRAMES: i64 = 16_384;
/// Restart checkpoints tried per round past the limit, and the pause between two.
const RESTART_TRIES: u32 = 10;
const RESTART_PAUSE: Duration = Duration::from_millis(5);

type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Deliver + Send>;

/// Why a job produced no answer.
#[derive(Debug, thiserror::Error)]
pub enum WriterError {
    /// The writer thread has stopped.
    #[error("the SQLite writer has stopped")]
    Stopped,
    /// The batch could not be committed: nothing of it was written.
    #[error("commit failed: {0}")]
    Commit(String),
}

impl From<WriterError> for crate::error::AppError {
    fn from(e: WriterError) -> Self {
        crate::error::AppError::Internal(e.into())
    }
}

/// Handle to the writer thread; cheap to clone.
#[derive(Debug, Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    stats: WriterStats,
}

/// What the writer thread measures, for `/metrics`: how long each batch's commit took (its
/// fsync, mostly: where a slow disk shows), and how many jobs each batch held.
#[derive(Debug, Clone)]
pub struct WriterStats {
    /// Seconds each commit took.
    pub commit_seconds: prometheus_client::metrics::histogram::Histogram,
    /// Jobs each batch held.
    pub batch_jobs: prometheus_client::metrics::histogram::Histogram,
}

impl WriterStats {
    fn new() -> Self {
        use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
        Self {
            // 0.25 ms … ~2 s
            commit_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 14)),
            // 1 … 512 (MAX_BATCH)
            batch_jobs: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
        }
    }
}

impl Writer {
    /// Starts the writer thread on the SQLite file at `path`.
    pub fn start(path: &Path) -> anyhow::Result<Self> {
        let conn = open(path)?;
        // Checkpointing (copying the WAL back into the database file, with its own fsyncs)
        // would otherwise happen inside a commit of this thread and stall every booking
        // waiting on it; a helper thread does it beside the writer instead.
        // Its savepoints' journals (one per job) stay in memory rather than spill to temp files.
        conn.execute_batch("pragma wal_autocheckpoint = 0; pragma temp_store = memory")?;
        let checkpointer = open(path)?;
        // A restart checkpoint holds new writers back while it waits for readers to leave the
        // WAL; under a rush they keep coming, so it does not wait at all: it tries a few times,
        // briefly apart, and again next round (measured: waiting up to the 10 s timeout stalled
        // writes for up to 5 s; waiting 50 ms still cost the writer 50–100 ms every round).
        checkpointer.busy_timeout(Duration::ZERO)?;
        let (jobs, rx) = mpsc::channel::<Job>(QUEUE);
        let stats = WriterStats::new();
        let measured = stats.clone();
        std::thread::Builder::new().name("ejia-sqlite-writer".into()).spawn(move || run(conn, rx, &measured))?;
        let alive = jobs.downgrade();
        std::thread::Builder::new().name("ejia-sqlite-checkpoint".into()).spawn(move || {
            while alive.upgrade().is_some() {
                std::thread::sleep(CHECKPOINT_EVERY);
                checkpoint(&checkpointer);
            }
        })?;
        Ok(Self { jobs, stats })
    }

    /// What the writer measures.
    pub fn stats(&self) -> &WriterStats {
        &self.stats
    }

    /// Jobs waiting for the writer now.
    pub fn queued(&self) -> usize {
        QUEUE - self.jobs.capacity()
    }

    /// Runs `work` in the next batch; resolves after the batch is committed. An `Err` from
    /// `work` rolls back what `work` did, and only that.
    pub async fn write<T, E, F>(&self, work: F) -> Result<Result<T, E>, WriterError>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn: &Connection| {
            // Prepared once per connection: thousands of jobs a second would otherwise parse them.
            let run = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.execute([])).map(drop);
            let result = match run("savepoint job") {
                Ok(()) => {
                    let r = work(conn);
                    // Should closing the savepoint fail, the commit fails too and says so.
                    let _ = if r.is_ok() {
                        run("release job")
                    } else {
                        run("rollback to job").and_then(|()| run("release job"))
                    };
                    Some(r)
                }
                Err(_) => None,
            };
            Box::new(move |committed: Result<(), String>| {
                let answer = match (committed, result) {
                    (Ok(()), Some(r)) => Ok(r),
                    (Ok(()), None) => Err(WriterError::Commit("savepoint failed".into())),
                    (Err(e), _) => Err(WriterError::Commit(e)),
                };
                let _ = tx.send(answer);
            })
        });
        self.jobs.send(job).await.map_err(|_| WriterError::Stopped)?;
        rx.await.map_err(|_| WriterError::Stopped)?
    }
}

fn open(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // The same durability as the pool's connections: WAL, and a commit is on disk before
    // it returns.
    conn.execute_batch(
        "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; \
         pragma journal_size_limit = 67108864;",
    )?;
    Ok(conn)
}

/// Copies the WAL into the database without waiting for anyone (PASSIVE). Under a sustained
/// rush readers are nearly always in the WAL, so it is seldom started over by itself; past
/// [`WAL_LIMIT_FRAMES`] a RESTART checkpoint is tried a few times, none of them waiting, and
/// one that finds no reader starts the WAL over (truncated to `journal_size_limit`). Under a
/// rush the WAL may grow past the limit meanwhile (measured: up to ~1 GB in a 20-second rush
/// of 7,700 check-ins a second) and shrinks once a try succeeds.
fn checkpoint(conn: &Connection) {
    let started = std::time::Instant::now();
    let passive =
        conn.query_row("pragma wal_checkpoint(passive)", [], |r| Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)));
    let ms = |since: std::time::Instant| since.elapsed().as_millis();
    match passive {
        Ok((frames, copied)) if frames > WAL_LIMIT_FRAMES => {
            // Busy (a reader is in the WAL, or the writer is writing) ends a try at once.
            let restart = || conn.query_row("pragma wal_checkpoint(restart)", [], |r| r.get::<_, i64>(0));
            let mut tries = 0;
            let restarted = loop {
                tries += 1;
                match restart() {
                    Ok(0) => break true,
                    Ok(_) if tries < RESTART_TRIES => std::thread::sleep(RESTART_PAUSE),
                    Ok(_) => break false,
                    Err(e) => {
                        tracing::debug!(error = %e, "sqlite restart checkpoint failed");
                        break false;
                    }
                }
            };
            tracing::debug!(frames, copied, restarted, tries, ms = ms(started), "sqlite restart checkpoint");
        }
        Ok((frames, copied)) => tracing::debug!(frames, copied, ms = ms(started), "sqlite checkpoint"),
        Err(e) => tracing::warn!(error = %e, "sqlite checkpoint failed"),
    }
}

fn run(conn: Connection, mut rx: mpsc::Receiver<Job>, stats: &WriterStats) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("begin immediate") {
            // Nothing runs; dropping the jobs tells every waiting request it failed.
            tracing::error!(error = %e, jobs = batch.len(), "sqlite writer could not begin a transaction");
            continue;
        }
        let delivers: Vec<Deliver> = batch
            .into_iter()
            .filter_map(|job| {
                // A panicking job must not take the writer (and every later booking) down:
                // undo its savepoint and carry on; its caller sees the job as failed.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&conn))) {
                    Ok(deliver) => Some(deliver),
                    Err(_) => {
                        let _ = conn.execute_batch("rollback to job; release job");
                        tracing::error!("a sqlite writer job panicked; it was rolled back");
                        None
                    }
                }
            })
            .collect();
        stats.batch_jobs.observe(delivers.len() as f64);
        let commit_started = std::time::Instant::now();
        let committed = conn.execute_batch("commit").map_err(|e| {
            let _ = conn.execute_batch("rollback");
            tracing::error!(error = %e, "sqlite writer commit failed");
            e.to_string()
        });
        stats.commit_seconds.observe(commit_started.elapsed().as_secs_f64());
        for deliver in delivers {
            deliver(committed.clone());
        }
    }
}

/// The file path in a `sqlite://path?options` URL; None for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, options) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path == ":memory:" || options.split('&').any(|o| o == "mode=memory");
    (!in_memory).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_out_of_urls() {
        assert_eq!(sqlite_path("sqlite:///data/ejia.db?mode=rwc"), Some(PathBuf::from("/data/ejia.db")));
        assert_eq!(sqlite_path("sqlite://ejia-data/ejia.db"), Some(PathBuf::from("ejia-data/ejia.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://:memory:?cache=shared"), None);
        assert_eq!(sqlite_path("sqlite://ejia.db?cache=shared&mode=memory"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }

    #[tokio::test]
    async fn a_failed_job_undoes_only_itself_and_answers_come_after_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let setup = Connection::open(&path).unwrap();
        setup.execute_batch("create table t (x integer primary key, v text not null unique)").unwrap();
        drop(setup);
        let w = Writer::start(&path).unwrap();
        let jobs: Vec<_> = (0..50)
            .map(|i| {
                let w = w.clone();
                tokio::spawn(async move {
                    w.write(move |c| {
                        c.execute("insert into t (v) values (?1)", [format!("a{i}")])?;
                        // Every third job fails after writing: its row must vanish.
                        if i % 3 == 0 {
                            c.execute("insert into t (v) values (?1)", [format!("a{i}")])?;
                        }
                        Ok::<_, rusqlite::Error>(i)
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut ok = 0;
        for j in jobs {
            if j.await.unwrap().is_ok() {
                ok += 1;
            }
        }
        let check = Connection::open(&path).unwrap();
        let rows: i64 = check.query_row("select count(*) from t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, ok);
        assert_eq!(ok, 50 - 17, "jobs 0, 3, …, 48 failed");
    }
}

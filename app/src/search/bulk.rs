//! Handing documents in by the hundred, for `ejia search reindex`: the domains call
//! [`super::index`] for each document as they always do, and while a bulk is open on this task
//! the documents are gathered instead of written one by one, then segmented on every core at
//! once and written a batch to a statement.
//!
//! Why behind `index` rather than a second way for the domains to hand documents in: a domain
//! has one function that says what search holds of its documents (and whether one is public at
//! all), used on every write and by the reindex alike; a second path would drift from it.
//! Written one by one, each document waited for its segmenting, then for its statement, then
//! for the change signal — 100,000 articles took 83 s on PostgreSQL, most of it waiting.
//!
//! The bulk is task-local: only the task that opened it (the reindex, in its one transaction)
//! gathers; a server's requests on other tasks index as always.

use std::cell::RefCell;

use crate::db::Conn;
use crate::search::model::Document;
use crate::search::{segment, store};

/// Documents a statement writes at most (14 values each on PostgreSQL, far below its limit).
const BATCH: usize = 200;

tokio::task_local! {
    /// The documents gathered and not yet written, with the time each was handed in at.
    static GATHERED: RefCell<Vec<(Document, i64)>>;
}

/// Runs `work` with a bulk open on this task; what it hands in is written before this returns
/// (with `conn`, which must be the connection `work` hands documents in on).
pub async fn gathering<T, E>(conn: &mut Conn, work: impl AsyncFnOnce(&mut Conn) -> Result<T, E>) -> Result<T, E>
where
    E: From<sqlx::Error>,
{
    GATHERED
        .scope(RefCell::new(Vec::new()), async {
            let out = work(&mut *conn).await?;
            flush(conn).await?;
            Ok(out)
        })
        .await
}

/// Whether a bulk is open on this task.
pub fn is_open() -> bool {
    GATHERED.try_with(|_| ()).is_ok()
}

/// Gathers a document when a bulk is open (false when none is), writing the batch once full.
pub async fn gather(conn: &mut Conn, doc: &Document, now: i64) -> Result<bool, sqlx::Error> {
    let full = GATHERED.try_with(|g| {
        let mut g = g.borrow_mut();
        g.push((doc.clone(), now));
        g.len() >= BATCH
    });
    match full {
        Err(_) => Ok(false),
        Ok(false) => Ok(true),
        Ok(true) => flush(conn).await.map(|()| true),
    }
}

/// Writes what was gathered (nothing when no bulk is open): before a removal, so that the
/// writes keep their order, and at the end.
pub async fn flush(conn: &mut Conn) -> Result<(), sqlx::Error> {
    let Ok(mut batch) = GATHERED.try_with(|g| std::mem::take(&mut *g.borrow_mut())) else { return Ok(()) };
    // A document handed in twice is written as it was last (one statement may not write a
    // row twice).
    let mut seen = std::collections::HashSet::new();
    batch.reverse();
    batch.retain(|(d, _)| seen.insert((d.kind, d.id)));
    batch.reverse();
    let mut terms = segment_all(&batch).await.into_iter();
    let mut start = 0;
    // Documents handed in at different times (never, in a reindex) go in separate statements.
    while start < batch.len() {
        let now = batch[start].1;
        let end = start + batch[start..].iter().take_while(|(_, t)| *t == now).count();
        let stored: Vec<store::Stored<'_>> = batch[start..end]
            .iter()
            .zip(terms.by_ref())
            .map(|((doc, _), (title, all))| store::Stored { doc, title, all })
            .collect();
        for chunk in stored.chunks(BATCH) {
            store::upsert(conn, chunk, now).await?;
        }
        start = end;
    }
    Ok(())
}

/// Each document's title terms and all its terms, segmented on every core.
async fn segment_all(batch: &[(Document, i64)]) -> Vec<(segment::Terms, segment::Terms)> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = batch.len().div_ceil(cores).max(1);
    let tasks: Vec<_> = batch
        .chunks(per)
        .map(|chunk| {
            let texts: Vec<(String, String)> =
                chunk.iter().map(|(d, _)| (d.title.clone(), format!("{}\n{}", d.title, d.body))).collect();
            tokio::task::spawn_blocking(move || {
                texts.iter().map(|(title, all)| (segment::terms(title), segment::terms(all))).collect::<Vec<_>>()
            })
        })
        .collect();
    let mut out = Vec::with_capacity(batch.len());
    for task in tasks {
        match task.await {
            Ok(terms) => out.extend(terms),
            // Only a panic inside jieba gets here; resuming it keeps the one panic handler in charge.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    out
}

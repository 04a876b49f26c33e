//! Read counts, kept cheap: a read of a published article adds one to a counter in memory,
//! per article per district day — no row names a reader, as in `news_reads` — and [`flush`]
//! writes the increments at every run of the news job (`app::run_every`, every
//! `jobs_every_secs`: 10 s by default) and once more at shutdown (`app::serve`). A read then
//! costs no database write, and a burst on one article becomes one `UPDATE` per flush. The map
//! holds one entry per article read per day between flushes, so it stays small; with the jobs
//! turned off (`jobs_every_secs = 0`) it is written at shutdown only.
//!
//! What a crash can lose: the reads counted since the last flush (at most one job interval) —
//! never an article, a booking or anything else, which are written at once. A flush that fails
//! puts its counts back, to be written at the next one. With several instances each counts its
//! own reads and adds them, so the sums stay right.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::app::AppState;
use crate::news::store;

/// The reads counted since the last flush.
#[derive(Debug, Default)]
pub struct ReadCounter {
    pending: Mutex<HashMap<(i64, NaiveDate), i64>>,
}

impl ReadCounter {
    /// Counts one read of `article` on `day`.
    pub fn count(&self, article: i64, day: NaiveDate) {
        // A poisoned lock only means another thread panicked mid-increment: the map is still a map.
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *pending.entry((article, day)).or_default() += 1;
    }

    fn take(&self) -> HashMap<(i64, NaiveDate), i64> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn put_back(&self, counts: HashMap<(i64, NaiveDate), i64>) {
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (key, n) in counts {
            *pending.entry(key).or_default() += n;
        }
    }
}

/// Writes the reads counted since the last flush, in one transaction; how many (article, day)
/// counters it wrote. On failure the counts go back to be written next time.
pub async fn flush(state: &AppState) -> anyhow::Result<usize> {
    let counts = state.news_reads.take();
    if counts.is_empty() {
        return Ok(0);
    }
    match write(state, &counts).await {
        Ok(()) => Ok(counts.len()),
        Err(e) => {
            state.news_reads.put_back(counts);
            Err(e)
        }
    }
}

async fn write(state: &AppState, counts: &HashMap<(i64, NaiveDate), i64>) -> anyhow::Result<()> {
    let mut tx = state.db.begin().await?;
    for ((article, day), n) in counts {
        store::add_reads(&mut tx, *article, &day.to_string(), *n).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_come_back_after_a_failed_flush() {
        let c = ReadCounter::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        c.count(1, day);
        c.count(1, day);
        c.count(2, day);
        let taken = c.take();
        assert_eq!(taken[&(1, day)], 2);
        assert!(c.take().is_empty(), "taken once");
        c.count(1, day);
        c.put_back(taken);
        assert_eq!(c.take()[&(1, day)], 3);
    }
}

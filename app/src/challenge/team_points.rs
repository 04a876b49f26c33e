//! Each team's points (学习积分): the sum of its members' totals in the platform's one ledger
//! (`points`), whatever earned them — check-ins, quizzes, attendance.
//!
//! Summing means joining every participant to their total: for 100,000 participants tens of
//! milliseconds, too slow for the board read every morning by thousands. So the sums are kept
//! per challenge for [`FRESH_FOR`] seconds on each instance: a team's points on the board may
//! be that much behind, the kilometres (kept as running totals) never are.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::app::AppState;
use crate::challenge::store;

/// How long a challenge's sums are served before they are summed again, seconds.
pub const FRESH_FOR: i64 = 30;

/// Team → points.
pub type Sums = Arc<HashMap<i64, i64>>;

/// The sums last read, per challenge: when, and the sums.
#[derive(Debug, Default)]
pub struct TeamPoints {
    sums: Mutex<HashMap<i64, (i64, Sums)>>,
}

impl TeamPoints {
    fn fresh(&self, challenge: i64, now: i64) -> Option<Sums> {
        let sums = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        sums.get(&challenge).filter(|(at, _)| now - at < FRESH_FOR).map(|(_, s)| s.clone())
    }

    fn keep(&self, challenge: i64, now: i64, sums: Sums) {
        self.sums.lock().unwrap_or_else(PoisonError::into_inner).insert(challenge, (now, sums));
    }
}

/// Team → points of challenge `challenge`, at most [`FRESH_FOR`] seconds old. Two requests
/// that find the sums stale at once both sum: rare, and cheaper than making one wait.
pub async fn of(state: &AppState, challenge: i64) -> Result<Sums, sqlx::Error> {
    let now = state.clock.unix();
    if let Some(sums) = state.team_points.fresh(challenge, now) {
        return Ok(sums);
    }
    let sums: Sums =
        Arc::new(store::team_points(&mut *state.db.conn().await?, challenge).await?.into_iter().collect());
    state.team_points.keep(challenge, now, sums.clone());
    Ok(sums)
}

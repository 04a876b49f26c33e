//! Sums over a challenge's people that the teams' board shows and that running totals do not
//! keep: each team's points (学习积分 — its members' totals in the platform's one ledger,
//! whatever earned them) and each team's kilometres of one day (the daily board).
//!
//! Summing means joining every participant to their points, or every check-in of the day to
//! its participant: for 100,000 participants tens of milliseconds, too slow for the board read
//! every morning by thousands. So the sums are kept per challenge (and day) for [`FRESH_FOR`]
//! seconds on each instance: a team's points and today's kilometres on the board may be that
//! much behind; the overall kilometres (running totals) never are.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;

use crate::app::AppState;
use crate::challenge::store;

/// How long sums are served before they are summed again, seconds.
pub const FRESH_FOR: i64 = 30;

/// Team → sum.
pub type Sums = Arc<HashMap<i64, i64>>;

/// What is summed: a challenge's team points, or its teams' counted metres of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Points(i64),
    Day(i64, NaiveDate),
}

/// The sums last read: when, and the sums.
#[derive(Debug, Default)]
pub struct TeamSums {
    sums: Mutex<HashMap<Key, (i64, Sums)>>,
}

impl TeamSums {
    fn fresh(&self, key: Key, now: i64) -> Option<Sums> {
        let sums = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        sums.get(&key).filter(|(at, _)| now - at < FRESH_FOR).map(|(_, s)| s.clone())
    }

    fn keep(&self, key: Key, now: i64, sums: Sums) {
        let mut all = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        // Days go by: what is stale is dropped, so the map holds a few entries per challenge.
        all.retain(|_, (at, _)| now - *at < FRESH_FOR);
        all.insert(key, (now, sums));
    }
}

/// Two requests that find the sums stale at once both sum: rare, and cheaper than making one wait.
async fn cached(state: &AppState, key: Key) -> Result<Sums, sqlx::Error> {
    let now = state.clock.unix();
    if let Some(sums) = state.team_sums.fresh(key, now) {
        return Ok(sums);
    }
    let mut conn = state.db.conn().await?;
    let rows = match key {
        Key::Points(challenge) => store::team_points(&mut conn, challenge).await?,
        Key::Day(challenge, day) => store::team_day_totals(&mut conn, challenge, &day.to_string()).await?,
    };
    let sums: Sums = Arc::new(rows.into_iter().collect());
    state.team_sums.keep(key, now, sums.clone());
    Ok(sums)
}

/// Team → points of challenge `challenge`, at most [`FRESH_FOR`] seconds old.
pub async fn points(state: &AppState, challenge: i64) -> Result<Sums, sqlx::Error> {
    cached(state, Key::Points(challenge)).await
}

/// Team → counted metres of `day` in challenge `challenge`, at most [`FRESH_FOR`] seconds old.
pub async fn day(state: &AppState, challenge: i64, day: NaiveDate) -> Result<Sums, sqlx::Error> {
    cached(state, Key::Day(challenge, day)).await
}

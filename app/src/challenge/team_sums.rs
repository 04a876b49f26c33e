//! Sums over a challenge's people that the teams' board shows and that running totals do not
//! keep: each team's points (学习积分 — its members' totals in the platform's one ledger,
//! whatever earned them) and each team's kilometres of one day (the daily board).
//!
//! Summing means joining every participant to their points, or every check-in of the day to
//! its participant: for 100,000 participants tens of milliseconds, too slow for the board read
//! every morning by thousands. So the sums are kept per challenge (and day) for [`FRESH_FOR`]
//! seconds on each instance: a team's points and today's kilometres on the board may be that
//! much behind.
//!
//! The teams themselves (their running totals, members and names) and their challenge are what
//! the teams' board and the route map read, hundreds of times a second in a morning rush while
//! thousands check in: reading 200 rows each time took a third of the server's time (measured
//! with `bench/challenge.sh`). So they too are kept, for [`TEAMS_FRESH_MS`] by the app's clock
//! ([`teams`]), with two exceptions that keep what a person sees consistent with what they did:
//! whoever checked in since the teams were read reads them afresh ([`wrote`]: a resident sees
//! their own kilometres at once), and a change to the challenge or its teams on this instance
//! (a review, a join, a new or renamed team, the organiser's edit) drops them ([`changed`]).
//! Other people's check-ins, and changes made on other instances, show up to that late.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;

use crate::app::AppState;
use crate::challenge::store::{self, Challenge, Team};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

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

/// How long a challenge's teams, as read, serve reads (milliseconds, by the app's clock).
pub const TEAMS_FRESH_MS: i64 = 1_000;

/// A challenge and its teams (by id), as read at one moment.
#[derive(Debug)]
pub struct Teams {
    /// The challenge.
    pub challenge: Challenge,
    /// Its teams, by id.
    pub teams: Vec<Team>,
    /// When they were read (app clock, milliseconds).
    read_at_ms: i64,
}

/// The sums last read: when, and the sums; the teams last read, per challenge; and who checked
/// in when, for the last [`TEAMS_FRESH_MS`].
#[derive(Debug, Default)]
pub struct TeamSums {
    sums: Mutex<HashMap<Key, Kept>>,
    summing: tokio::sync::Mutex<()>,
    teams: Mutex<HashMap<i64, Arc<Teams>>>,
    teams_reading: Mutex<HashMap<i64, i64>>,
    challenges: Mutex<HashMap<i64, (i64, Arc<Challenge>)>>,
    wrote: Mutex<Wrote>,
}

/// Sums as read (when, and what), and since when one request is reading them again.
#[derive(Debug)]
struct Kept {
    at: i64,
    sums: Sums,
    refreshing_since: Option<i64>,
}

/// Who checked in when (app clock, milliseconds), and when what is too old to matter was last
/// swept out.
#[derive(Debug, Default)]
struct Wrote {
    at: HashMap<(i64, UserId), i64>,
    swept_at_ms: i64,
}

impl TeamSums {
    /// The sums to serve without summing: fresh ones, or stale ones while another request sums
    /// them again (under a rush a dozen readers would otherwise all sum at once, for seconds).
    /// None: the caller sums, and is marked as summing.
    fn usable(&self, key: Key, now: i64) -> Option<Sums> {
        let mut all = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = all.get_mut(&key)?;
        // A summing request that vanished (its client went away) is given up after a while.
        let summing = kept.refreshing_since.is_some_and(|since| now - since < FRESH_FOR);
        if now - kept.at < FRESH_FOR || summing {
            return Some(kept.sums.clone());
        }
        kept.refreshing_since = Some(now);
        None
    }

    /// Fresh sums only.
    fn fresh(&self, key: Key, now: i64) -> Option<Sums> {
        let all = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        all.get(&key).filter(|kept| now - kept.at < FRESH_FOR).map(|kept| kept.sums.clone())
    }

    fn keep(&self, key: Key, now: i64, sums: Sums) {
        let mut all = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        // Days go by: what is stale is dropped, so the map holds a few entries per challenge.
        all.retain(|_, kept| now - kept.at < FRESH_FOR);
        all.insert(key, Kept { at: now, sums, refreshing_since: None });
    }
}

/// One request sums stale sums again; the others meanwhile serve the stale ones (`usable`).
async fn cached(state: &AppState, key: Key) -> Result<Sums, sqlx::Error> {
    let now = state.clock.unix();
    if let Some(sums) = state.team_sums.usable(key, now) {
        return Ok(sums);
    }
    // With nothing to serve meanwhile (the first read, or a summing that failed), one request
    // sums at a time and those that waited find its sums.
    let _one = state.team_sums.summing.lock().await;
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

/// The challenge and its teams, at most [`TEAMS_FRESH_MS`] old (or, while one request reads
/// them again, as old as that takes) — unless `viewer` checked in since they were read (see the
/// module's doc). NotFound without the challenge.
pub async fn teams(state: &AppState, challenge: i64, viewer: Option<UserId>) -> AppResult<Arc<Teams>> {
    let now = state.clock.now().timestamp_millis();
    let kept = state.team_sums.teams.lock().unwrap_or_else(PoisonError::into_inner).get(&challenge).cloned();
    if let Some(kept) = kept
        && !viewer.is_some_and(|v| wrote_since(state, challenge, v, kept.read_at_ms))
    {
        if now - kept.read_at_ms < TEAMS_FRESH_MS {
            return Ok(kept);
        }
        // Stale: one request reads them again, the others serve these meanwhile — a database
        // too busy to answer at once (PostgreSQL past its capacity in a rush) would otherwise
        // hold every reader behind the writes. A reading that never came back is given up.
        let mut reading = state.team_sums.teams_reading.lock().unwrap_or_else(PoisonError::into_inner);
        if reading.get(&challenge).is_some_and(|since| now - since < FRESH_FOR * 1_000) {
            return Ok(kept);
        }
        reading.insert(challenge, now);
    }
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, challenge).await?.ok_or(AppError::NotFound)?;
    let teams = store::teams(&mut conn, challenge).await?;
    drop(conn);
    let read = Arc::new(Teams { challenge: c, teams, read_at_ms: now });
    state.team_sums.teams.lock().unwrap_or_else(PoisonError::into_inner).insert(challenge, read.clone());
    state.team_sums.teams_reading.lock().unwrap_or_else(PoisonError::into_inner).remove(&challenge);
    Ok(read)
}

/// Whether `user` checked in to `challenge` at or after `at_ms`.
fn wrote_since(state: &AppState, challenge: i64, user: UserId, at_ms: i64) -> bool {
    let wrote = state.team_sums.wrote.lock().unwrap_or_else(PoisonError::into_inner);
    wrote.at.get(&(challenge, user)).is_some_and(|w| *w >= at_ms)
}

/// Notes that `user` has just checked in to `challenge` (after the commit), so that their next
/// read of the teams is fresh. What is older than [`TEAMS_FRESH_MS`] is forgotten: every
/// snapshot served is younger, so it was read after that check-in.
pub fn wrote(state: &AppState, challenge: i64, user: UserId) {
    let now = state.clock.now().timestamp_millis();
    let mut wrote = state.team_sums.wrote.lock().unwrap_or_else(PoisonError::into_inner);
    // Swept at most once per freshness span: a rush of thousands a second holds a span's worth.
    if now - wrote.swept_at_ms > TEAMS_FRESH_MS {
        wrote.at.retain(|_, at| now - *at <= TEAMS_FRESH_MS);
        wrote.swept_at_ms = now;
    }
    wrote.at.insert((challenge, user), now);
}

/// The challenge alone (its rules, for a check-in), at most [`TEAMS_FRESH_MS`] old; kept apart
/// from its teams, so that checking in does not also keep the teams other people then read.
pub async fn challenge(state: &AppState, id: i64) -> AppResult<Arc<Challenge>> {
    let now = state.clock.now().timestamp_millis();
    let kept = state.team_sums.challenges.lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned();
    if let Some((at, c)) = kept
        && now - at < TEAMS_FRESH_MS
    {
        return Ok(c);
    }
    let c = Arc::new(store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?);
    state.team_sums.challenges.lock().unwrap_or_else(PoisonError::into_inner).insert(id, (now, c.clone()));
    Ok(c)
}

/// Drops what was read of `challenge` and its teams: they changed on this instance.
pub fn changed(state: &AppState, challenge: i64) {
    state.team_sums.teams.lock().unwrap_or_else(PoisonError::into_inner).remove(&challenge);
    state.team_sums.challenges.lock().unwrap_or_else(PoisonError::into_inner).remove(&challenge);
}

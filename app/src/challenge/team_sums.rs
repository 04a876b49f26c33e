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
/// How long a request reading the teams again may take before it is given up, the others
/// serving the old ones meanwhile; also how long who checked in is remembered ([`wrote`]).
/// Milliseconds.
const TEAMS_STALE_MS: i64 = FRESH_FOR * 1_000;

/// A challenge and its teams (by id), as read at one moment.
#[derive(Debug)]
pub struct Teams {
    /// The challenge.
    pub challenge: Challenge,
    /// Its teams, by id.
    pub teams: Vec<Team>,
}

/// The sums last read: when, and the sums; the teams last read, per challenge; and who checked
/// in when, for the last [`TEAMS_FRESH_MS`].
#[derive(Debug, Default)]
pub struct TeamSums {
    sums: Mutex<HashMap<Key, Kept<Sums>>>,
    summing: tokio::sync::Mutex<()>,
    teams: Mutex<HashMap<i64, Kept<Arc<Teams>>>>,
    challenges: Mutex<HashMap<i64, Kept<Arc<Challenge>>>>,
    wrote: Mutex<Wrote>,
}

/// Something as read: when (in the unit its reader counts in), what, and since when one
/// request is reading it again.
#[derive(Debug)]
struct Kept<T> {
    at: i64,
    value: T,
    refreshing_since: Option<i64>,
}

impl<T: Clone> Kept<T> {
    fn new(at: i64, value: T) -> Self {
        Self { at, value, refreshing_since: None }
    }

    /// The value while younger than `fresh`.
    fn fresh(&self, now: i64, fresh: i64) -> Option<T> {
        (now - self.at < fresh).then(|| self.value.clone())
    }

    /// What to serve without reading: the value while fresh, or stale while another request
    /// reads it again (under a rush a dozen readers would otherwise all read at once, behind
    /// the writes). None: the caller reads, and is marked as reading. A reading request that
    /// vanished (its client went away) is given up after `give_up`.
    fn serve(&mut self, now: i64, fresh: i64, give_up: i64) -> Option<T> {
        let reading = self.refreshing_since.is_some_and(|since| now - since < give_up);
        if reading {
            return Some(self.value.clone());
        }
        let value = self.fresh(now, fresh);
        if value.is_none() {
            self.refreshing_since = Some(now);
        }
        value
    }
}

/// Who checked in when (app clock, milliseconds), and when what is too old to matter was last
/// swept out.
#[derive(Debug, Default)]
struct Wrote {
    at: HashMap<(i64, UserId), i64>,
    swept_at_ms: i64,
}

impl TeamSums {
    fn keep(&self, key: Key, now: i64, sums: Sums) {
        let mut all = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        // Days go by: what is stale is dropped, so the map holds a few entries per challenge.
        all.retain(|_, kept| now - kept.at < FRESH_FOR);
        all.insert(key, Kept::new(now, sums));
    }
}

/// One request sums stale sums again; the others meanwhile serve the stale ones (`Kept::serve`).
async fn cached(state: &AppState, key: Key) -> Result<Sums, sqlx::Error> {
    let now = state.clock.unix();
    let kept = || state.team_sums.sums.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(sums) = kept().get_mut(&key).and_then(|k| k.serve(now, FRESH_FOR, FRESH_FOR)) {
        return Ok(sums);
    }
    // With nothing to serve meanwhile (the first read, or a summing that failed), one request
    // sums at a time and those that waited find its sums.
    let _one = state.team_sums.summing.lock().await;
    if let Some(sums) = kept().get(&key).and_then(|k| k.fresh(now, FRESH_FOR)) {
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
    {
        let mut all = state.team_sums.teams.lock().unwrap_or_else(PoisonError::into_inner);
        // Stale ones are served while one request reads them again (`Kept::serve`): a database
        // too busy to answer at once (PostgreSQL past its capacity in a rush) would otherwise
        // hold every reader behind the writes.
        // For a signed-in viewer, a copy older than the check-ins remembered ([`wrote`]) may
        // lack theirs.
        if let Some(kept) = all.get_mut(&challenge)
            && !viewer.is_some_and(|v| now - kept.at > TEAMS_STALE_MS || wrote_since(state, challenge, v, kept.at))
            && let Some(teams) = kept.serve(now, TEAMS_FRESH_MS, TEAMS_STALE_MS)
        {
            return Ok(teams);
        }
    }
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, challenge).await?.ok_or(AppError::NotFound)?;
    let teams = store::teams(&mut conn, challenge).await?;
    drop(conn);
    let read = Arc::new(Teams { challenge: c, teams });
    state
        .team_sums
        .teams
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(challenge, Kept::new(now, read.clone()));
    Ok(read)
}

/// Whether `user` checked in to `challenge` at or after `at_ms`.
fn wrote_since(state: &AppState, challenge: i64, user: UserId, at_ms: i64) -> bool {
    let wrote = state.team_sums.wrote.lock().unwrap_or_else(PoisonError::into_inner);
    wrote.at.get(&(challenge, user)).is_some_and(|w| *w >= at_ms)
}

/// Notes that `user` has just checked in to `challenge` (after the commit), so that their next
/// read of the teams is fresh. What is older than [`TEAMS_STALE_MS`] is forgotten: a copy
/// older than that is not served to a signed-in viewer ([`teams`]).
pub fn wrote(state: &AppState, challenge: i64, user: UserId) {
    let now = state.clock.now().timestamp_millis();
    let mut wrote = state.team_sums.wrote.lock().unwrap_or_else(PoisonError::into_inner);
    // Swept at most once per freshness span: a rush of thousands a second holds half a
    // minute's worth (a few MB).
    if now - wrote.swept_at_ms > TEAMS_FRESH_MS {
        wrote.at.retain(|_, at| now - *at <= TEAMS_STALE_MS);
        wrote.swept_at_ms = now;
    }
    wrote.at.insert((challenge, user), now);
}

/// The challenge alone (its rules, for a check-in), at most [`TEAMS_FRESH_MS`] old; kept apart
/// from its teams, so that checking in does not also keep the teams other people then read.
pub async fn challenge(state: &AppState, id: i64) -> AppResult<Arc<Challenge>> {
    let now = state.clock.now().timestamp_millis();
    let kept = state
        .team_sums
        .challenges
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .and_then(|kept| kept.fresh(now, TEAMS_FRESH_MS));
    if let Some(c) = kept {
        return Ok(c);
    }
    let c = Arc::new(store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?);
    state.team_sums.challenges.lock().unwrap_or_else(PoisonError::into_inner).insert(id, Kept::new(now, c.clone()));
    Ok(c)
}

/// Drops what was read of `challenge` and its teams: they changed on this instance.
pub fn changed(state: &AppState, challenge: i64) {
    state.team_sums.teams.lock().unwrap_or_else(PoisonError::into_inner).remove(&challenge);
    state.team_sums.challenges.lock().unwrap_or_else(PoisonError::into_inner).remove(&challenge);
}

//! Importing check-ins: a GPX track becomes one check-in, a health app's export one walk per
//! day. Both go through the one durable check-in write (`checkin::check_in`), so the rules are
//! the same as by hand: the day window, the caps, the speed, one check-in per day and kind (an
//! import replaces the day's, unless an organiser reviewed it), a track used before refused.
//!
//! Reading a file is CPU work (an XML parser over up to 5 MB, a geodesic per pair of points),
//! so it runs on the blocking pool, not on the threads that answer requests.

use chrono::NaiveDate;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::challenge::checkin::{self, Answer, NewCheckin};
use crate::challenge::import::health_csv::{self, Skip, Skipped};
use crate::challenge::import::track;
use crate::challenge::model::{Kind, Source};
use crate::challenge::store::{self, Checkin};
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};

/// The largest file taken, GPX or CSV: a day's walk logged every second is well under 1 MB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The field a file's errors are given on.
pub const FILE_FIELD: &str = "file";

fn file_error(key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError { field: FILE_FIELD, key }])
}

/// Refuses a file too large (before reading it).
fn check_size(bytes: &[u8]) -> AppResult<()> {
    if bytes.len() > MAX_BYTES { Err(file_error("challenge.import.too_large")) } else { Ok(()) }
}

/// What a track came to, as checked in (the points are gone by now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackClaim {
    /// The day it was checked in for.
    pub day: NaiveDate,
    /// Its distance.
    pub metres: i64,
    /// Its moving time, minutes (none when its points have no times).
    pub minutes: Option<i64>,
}

/// Checks in a GPX track as `kind`: for the day of its first point (today when its points have
/// no times), with its distance, moving time, hash and whether it jumps. The outer error is the
/// file's (not GPX, too few points, too large); the inner result is the check-in's (written, or
/// refused by a rule: a track used before, a reviewed day, a day outside the window).
pub async fn gpx(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    kind: Kind,
    document: Vec<u8>,
    idempotency_key: Option<String>,
) -> AppResult<(TrackClaim, AppResult<Answer>)> {
    check_size(&document)?;
    let figures = tokio::task::spawn_blocking(move || track::read(&document).and_then(|s| track::figures(&s, kind)))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|unusable| file_error(unusable.key()))?;
    let day = figures.day.unwrap_or_else(|| local_day(state.clock.unix()));
    let claim = TrackClaim { day, metres: figures.metres, minutes: figures.minutes };
    let new = NewCheckin {
        day,
        kind,
        metres: Some(figures.metres),
        steps: None,
        minutes: figures.minutes,
        source: Source::Gpx,
        track_hash: Some(figures.hash),
        jumps: figures.jumps,
        idempotency_key,
    };
    Ok((claim, checkin::check_in(state, user, challenge_id, new).await))
}

/// What a health app's export came to: the check-ins written (earliest day first) and the rows
/// and days not checked in, with why.
#[derive(Debug, Clone, Default)]
pub struct StepsImport {
    /// Written: accepted, or held with the reason.
    pub checkins: Vec<Checkin>,
    /// Not written.
    pub skipped: Vec<Skipped>,
}

/// Checks in a health app's export: each day the challenge takes a check-in for becomes that
/// day's walk, by its steps (replacing the day's walk, as a second check-in by hand does). Days
/// outside the window, a reviewed day's walk and rows that cannot be read are skipped and said;
/// they do not stop the others.
pub async fn steps_csv(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    bytes: Vec<u8>,
) -> AppResult<StepsImport> {
    check_size(&bytes)?;
    let c = store::challenge(&mut *state.db.conn().await?, challenge_id).await?.ok_or(AppError::NotFound)?;
    let file = tokio::task::spawn_blocking(move || health_csv::read(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .ok_or_else(|| file_error("challenge.import.not_steps"))?;
    let (rules, (starts_on, ends_on)) = (c.rules(), c.dates());
    let today = local_day(state.clock.unix());
    let mut done = StepsImport { checkins: Vec::new(), skipped: file.skipped };
    for d in file.days {
        let skip = |why| Skipped { row: d.row, day: Some(d.day), why };
        if !rules.day_allowed(d.day, today, starts_on, ends_on) {
            done.skipped.push(skip(Skip::Outside));
            continue;
        }
        let new = NewCheckin {
            day: d.day,
            kind: Kind::Walk,
            metres: None,
            steps: Some(d.steps),
            minutes: None,
            source: Source::Csv,
            track_hash: None,
            jumps: false,
            idempotency_key: None,
        };
        match checkin::check_in(state, user, challenge_id, new).await {
            Ok(answer) => done.checkins.push(answer.checkin),
            Err(AppError::Conflict("challenge.checkin_reviewed")) => done.skipped.push(skip(Skip::Reviewed)),
            // The day ended between the check above and the write.
            Err(AppError::Invalid(e)) if e.iter().any(|f| f.key == "challenge.day_outside") => {
                done.skipped.push(skip(Skip::Outside));
            }
            // Too few steps to make a metre at the challenge's rate.
            Err(AppError::Invalid(e)) if e.iter().any(|f| f.key == "challenge.km_or_steps") => {
                done.skipped.push(skip(Skip::NoSteps));
            }
            // Not joined, no such challenge, or the database: the file cannot be imported.
            Err(e) => return Err(e),
        }
    }
    done.skipped.sort_by_key(|s| s.row);
    Ok(done)
}

/// A challenge's name, for the import's page (anyone may see a challenge's page).
pub async fn challenge_name(state: &AppState, challenge_id: i64) -> AppResult<String> {
    let c = store::challenge(&mut *state.db.conn().await?, challenge_id).await?.ok_or(AppError::NotFound)?;
    Ok(c.name)
}

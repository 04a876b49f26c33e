//! The daily check-in (运动打卡) and an organiser's review of one: the two writes that move the
//! running totals.
//!
//! A check-in is one row per person, challenge, day and kind (a unique index the database
//! enforces). Each write runs in one transaction that first locks the person's participation
//! row (`store::lock_participant`), so two check-ins of the same person — or a check-in and a
//! review of it — run one after the other on either engine: the daily cap reads the person's
//! other check-ins of the day under the lock, and a replacement reads the old counted metres
//! under it. The totals then move by the difference (new counted metres − old), in the same
//! transaction: the participant's and their team's, so both always equal the sum of the
//! check-ins they stand for, and the boards read them without summing.
//!
//! A repeated `Idempotency-Key` answers with the check-in that key wrote, and writes nothing.
//! First check-ins are not audited (a morning rush writes thousands a second, and the row is
//! its own record); replacements and reviews are, with the before and after.
//!
//! This runs on the pool (`Db::begin`) on both engines. A rush faster than SQLite's
//! per-transaction fsync would move it to the writer thread's group commit (`db::Write`), as
//! bookings do; the steps stay the same.

use chrono::NaiveDate;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::challenge::model::{Kind, Source, Status, Verdict};
use crate::challenge::service::runs;
use crate::challenge::store::{self, Checkin, CheckinWrite};
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{StreetId, UserId};

/// A check-in as asked for.
#[derive(Debug, Clone)]
pub struct NewCheckin {
    /// The day it is for.
    pub day: NaiveDate,
    /// Kind.
    pub kind: Kind,
    /// Real metres, if given (wins over steps).
    pub metres: Option<i64>,
    /// Steps, if given.
    pub steps: Option<i64>,
    /// Minutes, if given (for the speed check).
    pub minutes: Option<i64>,
    /// Where the figures come from.
    pub source: Source,
    /// Hash of the GPX track, to refuse the same track twice (importer).
    pub track_hash: Option<String>,
    /// The importer found the track's points jumping.
    pub jumps: bool,
    /// The client's idempotency key.
    pub idempotency_key: Option<String>,
}

/// The check-in written, and whether it is new (201) or replaced one (200).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The check-in as it now stands.
    pub checkin: Checkin,
    /// Whether this made it (false: it replaced the day's check-in of that kind).
    pub created: bool,
}

/// Checks in for the user.
pub async fn check_in(state: &AppState, user: &CurrentUser, challenge_id: i64, new: NewCheckin) -> AppResult<Answer> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let c = store::challenge(&mut tx, challenge_id).await?.ok_or(AppError::NotFound)?;
    let rules = c.rules();
    let (starts_on, ends_on) = c.dates();
    if !rules.day_allowed(new.day, local_day(now), starts_on, ends_on) {
        return Err(AppError::Invalid(vec![FieldError { field: "day", key: "challenge.day_outside" }]));
    }
    let metres = match (new.metres, new.steps) {
        (Some(m), _) => m,
        (None, Some(steps)) => rules.metres_of_steps(steps),
        (None, None) => 0,
    };
    if metres <= 0 {
        return Err(AppError::Invalid(vec![FieldError { field: "km", key: "challenge.km_or_steps" }]));
    }
    let p = store::lock_participant(&mut tx, challenge_id, user.id.0, now)
        .await?
        .ok_or(AppError::Rule("challenge.join_first"))?;
    // Under the lock: a retry racing its first attempt finds what the first one wrote.
    if let Some(key) = &new.idempotency_key
        && let Some(first) = store::checkin_by_key(&mut tx, user.id, key).await?
    {
        return Ok(Answer { created: first.revision == 0, checkin: first });
    }
    let day = new.day.format("%Y-%m-%d").to_string();
    let existing = store::checkin_of(&mut tx, challenge_id, user.id, &day, new.kind).await?;
    if existing.as_ref().is_some_and(|e| e.reviewed_by.is_some()) {
        return Err(AppError::Conflict("challenge.checkin_reviewed"));
    }
    if let Some(hash) = &new.track_hash
        && store::track_used(&mut tx, challenge_id, hash, existing.as_ref().map(|e| e.id)).await?
    {
        return Err(AppError::Conflict("challenge.track_duplicate"));
    }
    let others = store::others_today(&mut tx, challenge_id, user.id, &day, new.kind).await?;
    let (status, counted_m, reason) = match rules.verdict(new.kind, metres, new.minutes, others, new.jumps) {
        Verdict::Accepted => (Status::Accepted, metres, None),
        Verdict::Held(reason) => (Status::Held, 0, Some(reason.code())),
    };
    let write = CheckinWrite {
        day: &day,
        kind: new.kind,
        claimed_m: metres,
        steps: new.steps,
        minutes: new.minutes,
        source: new.source.as_str(),
        status,
        counted_m,
        reason,
        track_hash: new.track_hash.as_deref(),
        idempotency_key: new.idempotency_key.as_deref(),
    };
    let (id, old_counted) = match &existing {
        None => (store::insert_checkin(&mut tx, challenge_id, user.id, &write, now).await?, 0),
        Some(e) => {
            store::replace_checkin(&mut tx, e.id, &write, now).await?;
            (e.id, e.counted_m)
        }
    };
    let delta = counted_m - old_counted;
    if delta != 0 {
        store::add_counted(&mut tx, &p, delta, now).await?;
    }
    // POINTS: here, in this transaction, the points ledger is written — `points::award` for an
    // accepted check-in that counts (`counted_m > 0`) when there was none, `points::reverse`
    // for a replaced one that no longer counts (`existing` with `old_counted > 0`, now held).
    // Left for the `points` domain (issue 13), which owns the rules and the daily caps.
    let checkin = store::checkin(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Some(before) = &existing {
        let change = Change::new("challenge_checkin", id, p.street_id.map(StreetId)).before(before).after(&checkin);
        audit::record(&mut tx, now, user.id, "challenges.checkin_replace", change).await?;
    }
    tx.commit().await?;
    Ok(Answer { checkin, created: existing.is_none() })
}

/// An organiser's decision on a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Count it in full.
    Accept,
    /// Count this many metres (no more than claimed).
    Reduce(i64),
    /// Count nothing.
    Refuse,
}

/// Reviews a check-in (organisers who run its challenge): its status, counted metres and the
/// reason the person reads change, and the totals move by the difference. A reviewed check-in
/// can no longer be replaced by its owner; an organiser may review it again.
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    checkin_id: i64,
    decision: Decision,
    reason: Option<String>,
) -> AppResult<Checkin> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let found = store::checkin(&mut tx, checkin_id).await?.ok_or(AppError::NotFound)?;
    let c = store::challenge(&mut tx, found.challenge_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    let p = store::lock_participant(&mut tx, c.id, found.user_id, now).await?.ok_or(AppError::NotFound)?;
    // Read again under the lock: the owner may have replaced it meanwhile.
    let before = store::checkin(&mut tx, checkin_id).await?.ok_or(AppError::NotFound)?;
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
        return Err(AppError::Invalid(vec![FieldError { field: "reason", key: "form.text_too_long" }]));
    }
    let (status, counted_m) = match decision {
        Decision::Accept => (Status::Accepted, before.claimed_m),
        Decision::Reduce(m) if m > 0 && m < before.claimed_m => (Status::Reduced, m),
        Decision::Reduce(_) => {
            return Err(AppError::Invalid(vec![FieldError { field: "km", key: "challenge.reduce_below_claim" }]));
        }
        Decision::Refuse => (Status::Refused, 0),
    };
    if status != Status::Accepted && reason.is_none() {
        return Err(AppError::Invalid(vec![FieldError { field: "reason", key: "challenge.reason_required" }]));
    }
    store::set_review(&mut tx, checkin_id, status, counted_m, reason.as_deref(), user.id, now).await?;
    let delta = counted_m - before.counted_m;
    if delta != 0 {
        store::add_counted(&mut tx, &p, delta, now).await?;
    }
    // POINTS: award for a check-in that now counts and did not, reverse for one that no
    // longer does (`before.counted_m` vs `counted_m`), in this transaction (`points` domain).
    let after = store::checkin(&mut tx, checkin_id).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("challenge_checkin", checkin_id, p.street_id.map(StreetId)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "challenges.checkin_review", change).await?;
    tx.commit().await?;
    Ok(after)
}

/// The review queue of a challenge: its held check-ins, oldest first (organisers who run it).
pub async fn held(state: &AppState, user: &CurrentUser, challenge_id: i64) -> AppResult<Vec<Checkin>> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, challenge_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut conn, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    Ok(store::checkins_in(&mut conn, challenge_id, Status::Held, 500).await?)
}

/// The user's own check-ins, newest first.
pub async fn mine(state: &AppState, user: UserId) -> AppResult<Vec<Checkin>> {
    Ok(store::checkins_of_user(&mut *state.db.conn().await?, user, 200).await?)
}

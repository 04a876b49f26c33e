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
//! Points (学习积分) are written in the same transaction: an accepted check-in earns the
//! `checkin` source's points (reference `checkin:{id}`, counted on the check-in's day, under
//! the daily cap); a replaced one's award is reversed first (and the replacement, if accepted,
//! awarded anew); a held one earns nothing until an organiser accepts it; reduced or refused,
//! what it earned is reversed. Points are for an accepted check-in, not for kilometres: the
//! same points for 2 km as for 20, so nobody is paid to overstate.
//!
//! A check-in is the morning rush's write, so it is a durable write (`db::Write`), as a booking
//! is: on SQLite it runs on the writer thread and commits with whatever else queued meanwhile
//! (one fsync for the batch), on PostgreSQL in its own transaction on the pool. Reviews are
//! rare and run on the pool on both engines, under the same participation lock.

use std::sync::Arc;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::challenge::model::{Kind, Source, Status, Verdict};
use crate::challenge::service::runs;
use crate::challenge::store::{self, Challenge, Checkin, CheckinWrite};
use crate::challenge::team_sums;
use crate::clock::local_day;
use crate::db::{Db, Write};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{StreetId, UserId};
use crate::points::{self, Why};

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

/// Checks in for the user: durably, through `Db::write` — on SQLite on the writer thread in its
/// group commit ([`CheckIn::on_writer`]), on PostgreSQL in a transaction on the pool
/// ([`CheckIn::on_pool`]). The rules ([`claim`], [`outcome`]) and the statements (`store`'s) are
/// the same on both; only the way they run differs.
///
/// The challenge's rules are kept in memory (`team_sums::challenge`, at most a second old, and
/// dropped at once when its organiser changes it on this instance): read for every check-in
/// they cost a statement each in the morning rush.
pub async fn check_in(state: &AppState, user: &CurrentUser, challenge_id: i64, new: NewCheckin) -> AppResult<Answer> {
    let challenge = team_sums::challenge(state, challenge_id).await?;
    let now = state.clock.unix();
    let metres = claim(&challenge, &new, now)?;
    let answer = state.db.write(CheckIn { user: user.id, challenge, new, metres, now }).await?;
    team_sums::wrote(state, challenge_id, user.id);
    Ok(answer)
}

/// One check-in to write.
#[derive(Debug, Clone)]
pub struct CheckIn {
    /// Who checks in.
    pub user: UserId,
    /// In which challenge.
    pub challenge: Arc<Challenge>,
    /// What.
    pub new: NewCheckin,
    /// The real metres it claims ([`claim`]).
    pub metres: i64,
    /// Now (Unix seconds).
    pub now: i64,
}

/// The real metres a check-in claims, if its day is allowed and it claims any.
fn claim(c: &Challenge, new: &NewCheckin, now: i64) -> AppResult<i64> {
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
    Ok(metres)
}

/// What a check-in is decided on, sorted out of `store::day_and_key`'s rows: the check-in its
/// idempotency key wrote (then it is a retry), the day's check-in of its kind (which it
/// replaces), and the metres the person's other kinds count that day.
#[derive(Debug, Default)]
struct Found {
    retry: Option<Checkin>,
    existing: Option<Checkin>,
    others_today_m: i64,
}

impl Found {
    fn of(rows: Vec<Checkin>, w: &CheckIn, day: &str) -> Found {
        let key = w.new.idempotency_key.as_deref();
        let mut found = Found::default();
        let mut seen = Vec::with_capacity(rows.len());
        for c in rows {
            // The read is a union: the key's check-in may be one of the day's too.
            if seen.contains(&c.id) {
                continue;
            }
            seen.push(c.id);
            if key.is_some() && c.idempotency_key.as_deref() == key {
                found.retry = Some(c.clone());
            }
            if c.challenge_id == w.challenge.id && c.day == day {
                if c.kind == w.new.kind {
                    found.existing = Some(c);
                } else {
                    found.others_today_m += c.counted_m;
                }
            }
        }
        found
    }
}

/// What a check-in becomes, given the day's check-in of its kind (if any), whether its track was
/// checked in before, and what the person's other kinds count that day: its state, counted
/// metres and reason — or why it is refused.
fn outcome(
    c: &Challenge,
    new: &NewCheckin,
    metres: i64,
    existing: Option<&Checkin>,
    track_used: bool,
    others_today_m: i64,
) -> AppResult<(Status, i64, Option<&'static str>)> {
    if existing.is_some_and(|e| e.reviewed_by.is_some()) {
        return Err(AppError::Conflict("challenge.checkin_reviewed"));
    }
    if track_used {
        return Err(AppError::Conflict("challenge.track_duplicate"));
    }
    Ok(match c.rules().verdict(new.kind, metres, new.minutes, others_today_m, new.jumps) {
        Verdict::Accepted => (Status::Accepted, metres, None),
        Verdict::Held(reason) => (Status::Held, 0, Some(reason.code())),
    })
}

impl CheckIn {
    fn write<'a>(&'a self, day: &'a str, decided: (Status, i64, Option<&'static str>)) -> CheckinWrite<'a> {
        let (status, counted_m, reason) = decided;
        CheckinWrite {
            day,
            kind: self.new.kind,
            claimed_m: self.metres,
            steps: self.new.steps,
            minutes: self.new.minutes,
            source: self.new.source.as_str(),
            status,
            counted_m,
            reason,
            track_hash: self.new.track_hash.as_deref(),
            idempotency_key: self.new.idempotency_key.as_deref(),
        }
    }
}

impl Write for CheckIn {
    type Output = Answer;
    type Error = AppError;

    /// On the SQLite writer thread: one job at a time, so the person's check-ins cannot race and
    /// no lock is needed; the same statements as the pool's.
    fn on_writer(self, conn: &Connection) -> AppResult<Answer> {
        let internal = |e: rusqlite::Error| AppError::Internal(e.into());
        let (user, now, challenge_id) = (self.user, self.now, self.challenge.id);
        let p = conn
            .prepare_cached(&store::participant_sql())
            .and_then(|mut s| s.query_row(params![challenge_id, user.0], |r| store::participant_from(r)).optional())
            .map_err(internal)?
            .ok_or(AppError::Rule("challenge.join_first"))?;
        let day = self.new.day.format("%Y-%m-%d").to_string();
        let key = self.new.idempotency_key.as_deref();
        let rows = conn
            .prepare_cached(&store::day_and_key_sql())
            .and_then(|mut s| {
                s.query_map(params![challenge_id, user.0, day, user.0, key], |r| store::checkin_from(r))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(internal)?;
        let found = Found::of(rows, &self, &day);
        if let Some(first) = found.retry {
            return Ok(Answer { created: first.revision == 0, checkin: first });
        }
        let track_used = match &self.new.track_hash {
            Some(hash) => conn
                .prepare_cached(store::TRACK_USED)
                .and_then(|mut s| s.exists(params![challenge_id, hash]))
                .map_err(internal)?,
            None => false,
        };
        let existing = found.existing;
        let decided =
            outcome(&self.challenge, &self.new, self.metres, existing.as_ref(), track_used, found.others_today_m)?;
        let w = self.write(&day, decided);
        let saved = |sql: String, values: &[&dyn rusqlite::ToSql]| {
            conn.prepare_cached(&sql)
                .and_then(|mut s| s.query_row(values, |r| store::checkin_from(r)))
                .map_err(internal)
        };
        // What both statements set, in `store::bind_figures`' order.
        let status = w.status.as_str();
        let figures = params![
            w.claimed_m,
            w.steps,
            w.minutes,
            w.source,
            status,
            w.counted_m,
            w.reason,
            w.track_hash,
            w.idempotency_key
        ];
        let kind = w.kind.as_str();
        let checkin = match &existing {
            None => {
                let head = params![challenge_id, user.0, w.day, kind];
                saved(store::insert_checkin_sql(), &[head, figures, params![now]].concat())?
            }
            Some(e) => saved(store::replace_checkin_sql(), &[figures, params![now, e.id]].concat())?,
        };
        let delta = checkin.counted_m - existing.as_ref().map_or(0, |e| e.counted_m);
        if delta != 0 {
            let add =
                |sql: &str, id: i64| conn.prepare_cached(sql).and_then(|mut s| s.execute(params![delta, now, id]));
            add(store::ADD_TO_PARTICIPANT, p.id).map_err(internal)?;
            if let Some(team) = p.team_id {
                add(store::ADD_TO_TEAM, team).map_err(internal)?;
            }
        }
        let reference = points::checkin_reference(checkin.id);
        if existing.is_some() {
            points::writer::reverse(conn, now, points::Source::Checkin, &reference, Why::Replaced).map_err(internal)?;
        }
        if checkin.status == Status::Accepted {
            points::writer::award(conn, now, user, points::Source::Checkin, &reference, self.new.day)
                .map_err(internal)?;
        }
        if let Some(before) = &existing {
            let json = |v: &Checkin| serde_json::to_string(v).ok();
            conn.prepare_cached(crate::audit::INSERT)
                .and_then(|mut s| {
                    s.execute(params![
                        now,
                        user.0,
                        "challenges.checkin_replace",
                        "challenge_checkin",
                        checkin.id,
                        p.street_id,
                        format!("challenge_checkin#{}", checkin.id),
                        json(before),
                        json(&checkin)
                    ])
                })
                .map_err(internal)?;
        }
        Ok(Answer { checkin, created: existing.is_none() })
    }

    async fn on_pool(self, db: &Db) -> AppResult<Answer> {
        let (user, now, c) = (self.user, self.now, &*self.challenge);
        let mut tx = db.begin().await?;
        // Locks the person's participation until the end: their check-ins run one by one.
        let p = store::lock_participant(&mut tx, c.id, user.0).await?.ok_or(AppError::Rule("challenge.join_first"))?;
        // Under the lock: a retry racing its first attempt finds what the first one wrote.
        let day = self.new.day.format("%Y-%m-%d").to_string();
        let rows = store::day_and_key(&mut tx, c.id, user, &day, self.new.idempotency_key.as_deref()).await?;
        let found = Found::of(rows, &self, &day);
        if let Some(first) = found.retry {
            return Ok(Answer { created: first.revision == 0, checkin: first });
        }
        let track_used = match &self.new.track_hash {
            Some(hash) => store::track_used(&mut tx, c.id, hash).await?,
            None => false,
        };
        let existing = found.existing;
        let decided = outcome(c, &self.new, self.metres, existing.as_ref(), track_used, found.others_today_m)?;
        let w = self.write(&day, decided);
        let checkin = match &existing {
            None => store::insert_checkin(&mut tx, c.id, user, &w, now).await?,
            Some(e) => store::replace_checkin(&mut tx, e.id, &w, now).await?,
        };
        // Points in this transaction (the module doc says why): a replaced check-in's award is taken back,
        // and an accepted one is awarded (again, in a new round, if it replaced one).
        let reference = points::checkin_reference(checkin.id);
        if existing.is_some() {
            points::reverse(&mut tx, now, points::Source::Checkin, &reference, Why::Replaced).await?;
        }
        if checkin.status == Status::Accepted {
            points::award(&mut tx, now, user, points::Source::Checkin, &reference, self.new.day).await?;
        }
        if let Some(before) = &existing {
            let change =
                Change::new("challenge_checkin", checkin.id, p.street_id.map(StreetId)).before(before).after(&checkin);
            audit::record(&mut tx, now, user, "challenges.checkin_replace", change).await?;
        }
        // Last before the commit: the team's row is shared by hundreds of people checking in
        // at once, and its lock is held from here to the commit.
        let delta = checkin.counted_m - existing.as_ref().map_or(0, |e| e.counted_m);
        if delta != 0 {
            store::add_counted(&mut tx, &p, delta, now).await?;
        }
        tx.commit().await?;
        Ok(Answer { checkin, created: existing.is_none() })
    }
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
    let p = store::lock_participant(&mut tx, c.id, found.user_id).await?.ok_or(AppError::NotFound)?;
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
    // Points follow the status: accepted earns (a repeat adds nothing), reduced or refused
    // takes back what it earned — an organiser who cut the claim cut its points too.
    let reference = points::checkin_reference(checkin_id);
    match status {
        Status::Accepted => {
            let day = NaiveDate::parse_from_str(&before.day, "%Y-%m-%d").map_err(|e| AppError::Internal(e.into()))?;
            points::award(&mut tx, now, UserId(found.user_id), points::Source::Checkin, &reference, day).await?;
        }
        Status::Reduced => _ = points::reverse(&mut tx, now, points::Source::Checkin, &reference, Why::Reduced).await?,
        _ => _ = points::reverse(&mut tx, now, points::Source::Checkin, &reference, Why::Refused).await?,
    }
    let after = store::checkin(&mut tx, checkin_id).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("challenge_checkin", checkin_id, p.street_id.map(StreetId)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "challenges.checkin_review", change).await?;
    tx.commit().await?;
    team_sums::changed(state, c.id);
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

//! The check-ins' SQL: one row per person, challenge, day and kind. Each statement is a constant
//! whose parameters appear in order, so the SQLite writer thread (rusqlite, binding by position)
//! and the pool (sqlx) run the very same text; the row mapper serves both.

use serde::Serialize;

use crate::challenge::model::{Kind, Status};
use crate::challenge::store::AnyQuery;
use crate::db::Conn;
use crate::db::row::Row;
use crate::ids::UserId;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// A check-in.
#[derive(Debug, Clone, Serialize)]
pub struct Checkin {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// The person.
    pub user_id: i64,
    /// The day it is for (`YYYY-MM-DD`).
    pub day: String,
    /// Kind.
    pub kind: Kind,
    /// Real metres claimed (or worked out from the steps).
    pub claimed_m: i64,
    /// Steps, if given.
    pub steps: Option<i64>,
    /// Minutes, if given.
    pub minutes: Option<i64>,
    /// `manual`, `gpx` or `csv`.
    pub source: String,
    /// State.
    pub status: Status,
    /// Metres that count.
    pub counted_m: i64,
    /// Why it is held (a rule's code) or, once reviewed, the organiser's words.
    pub reason: Option<String>,
    /// Who reviewed it.
    pub reviewed_by: Option<i64>,
    /// The key of the request that last wrote it.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
    /// Times it was replaced.
    pub revision: i64,
    /// Last written (Unix seconds).
    pub updated_at: i64,
}

/// A check-in's columns, in [`checkin_from`]'s order.
pub const CHECKIN_COLUMNS: &str = "checkin_id, challenge_id, user_id, day, kind, claimed_m, steps, minutes, source, \
    status, counted_m, reason, reviewed_by, idempotency_key, revision, updated_at";

/// A check-in from a row of [`CHECKIN_COLUMNS`].
pub fn checkin_from<R: Row>(r: &R) -> std::result::Result<Checkin, R::Error> {
    Ok(Checkin {
        id: r.get(0)?,
        challenge_id: r.get(1)?,
        user_id: r.get(2)?,
        day: r.get(3)?,
        kind: Kind::parse(&r.get::<String>(4)?).unwrap_or(Kind::Walk),
        claimed_m: r.get(5)?,
        steps: r.get(6)?,
        minutes: r.get(7)?,
        source: r.get(8)?,
        status: Status::parse(&r.get::<String>(9)?).unwrap_or(Status::Held),
        counted_m: r.get(10)?,
        reason: r.get(11)?,
        reviewed_by: r.get(12)?,
        idempotency_key: r.get(13)?,
        revision: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

/// Check-ins chosen by `filter` ([`BY_ID`]).
pub fn select_checkins(filter: &str) -> String {
    format!("select {CHECKIN_COLUMNS} from challenge_checkins where {filter}")
}

/// One check-in by id ($1).
pub const BY_ID: &str = "checkin_id = $1";

/// One check-in.
pub async fn checkin(conn: &mut Conn, id: i64) -> Result<Option<Checkin>> {
    let sql = select_checkins(BY_ID);
    sqlx::query(&sql).bind(id).fetch_optional(conn).await?.as_ref().map(checkin_from).transpose()
}

/// What a new check-in is decided on, in one read: the person's check-ins of the day in the
/// challenge (every kind: the one it replaces, and the others the daily cap adds up), and the
/// one their request with this idempotency key wrote (in any challenge; None: no key). A row
/// may come twice.
pub async fn day_and_key(
    conn: &mut Conn,
    challenge: i64,
    user: UserId,
    day: &str,
    key: Option<&str>,
) -> Result<Vec<Checkin>> {
    let rows = sqlx::query(&day_and_key_sql())
        .bind(challenge)
        .bind(user.0)
        .bind(day)
        .bind(user.0)
        .bind(key)
        .fetch_all(conn)
        .await?;
    rows.iter().map(checkin_from).collect()
}

/// [`day_and_key`]'s statement: challenge ($1), person ($2), day ($3), the person again ($4),
/// the key ($5) — numbered in order of appearance, so SQLite's writer thread binds them by
/// position too.
pub fn day_and_key_sql() -> String {
    format!(
        "select {CHECKIN_COLUMNS} from challenge_checkins where challenge_id = $1 and user_id = $2 and day = $3 \
         union all select {CHECKIN_COLUMNS} from challenge_checkins where user_id = $4 and idempotency_key = $5"
    )
}

/// Whether a track with this hash was already checked in to the challenge, by anyone, for any
/// day — the day's own check-in too: the same track uploaded again is refused, not a
/// replacement that changes nothing. (A retry with the first upload's `Idempotency-Key` is
/// answered before this is asked.)
pub async fn track_used(conn: &mut Conn, challenge: i64, hash: &str) -> Result<bool> {
    let found = sqlx::query(TRACK_USED).bind(challenge).bind(hash).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// [`track_used`]'s statement.
pub const TRACK_USED: &str = "select 1 from challenge_checkins where challenge_id = $1 and track_hash = $2";

/// What a check-in write sets.
#[derive(Debug, Clone)]
pub struct CheckinWrite<'a> {
    /// Day (`YYYY-MM-DD`).
    pub day: &'a str,
    /// Kind.
    pub kind: Kind,
    /// Metres claimed.
    pub claimed_m: i64,
    /// Steps.
    pub steps: Option<i64>,
    /// Minutes.
    pub minutes: Option<i64>,
    /// Source.
    pub source: &'a str,
    /// State.
    pub status: Status,
    /// Metres that count.
    pub counted_m: i64,
    /// Reason code when held.
    pub reason: Option<&'a str>,
    /// Track hash (GPX).
    pub track_hash: Option<&'a str>,
    /// Idempotency key.
    pub idempotency_key: Option<&'a str>,
}

/// Saves a first check-in for its day and kind; the check-in as saved.
pub async fn insert_checkin(
    conn: &mut Conn,
    challenge: i64,
    user: UserId,
    w: &CheckinWrite<'_>,
    now: i64,
) -> Result<Checkin> {
    let sql = insert_checkin_sql();
    let q = sqlx::query(&sql).bind(challenge).bind(user.0).bind(w.day).bind(w.kind.as_str());
    let row = bind_figures(q, w).bind(now).fetch_one(conn).await?;
    checkin_from(&row)
}

/// Binds what both a first check-in and a replacement set, as the statement's next 9
/// parameters in this order: claimed_m, steps, minutes, source, status, counted_m, reason,
/// track_hash, idempotency_key (the writer thread's `checkin::CheckIn::on_writer` binds them in
/// the same order).
fn bind_figures<'q>(q: AnyQuery<'q>, w: &'q CheckinWrite<'q>) -> AnyQuery<'q> {
    q.bind(w.claimed_m)
        .bind(w.steps)
        .bind(w.minutes)
        .bind(w.source)
        .bind(w.status.as_str())
        .bind(w.counted_m)
        .bind(w.reason)
        .bind(w.track_hash)
        .bind(w.idempotency_key)
}

/// [`insert_checkin`]'s statement.
pub fn insert_checkin_sql() -> String {
    format!(
        "insert into challenge_checkins (challenge_id, user_id, day, kind, claimed_m, steps, minutes, source, status, \
         counted_m, reason, track_hash, idempotency_key, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) returning {CHECKIN_COLUMNS}"
    )
}

/// Replaces a check-in's figures and verdict (its day and kind stay); the check-in as saved.
pub async fn replace_checkin(conn: &mut Conn, id: i64, w: &CheckinWrite<'_>, now: i64) -> Result<Checkin> {
    let sql = replace_checkin_sql();
    let row = bind_figures(sqlx::query(&sql), w).bind(now).bind(id).fetch_one(conn).await?;
    checkin_from(&row)
}

/// [`replace_checkin`]'s statement, its parameters in order of appearance.
pub fn replace_checkin_sql() -> String {
    format!(
        "update challenge_checkins set claimed_m = $1, steps = $2, minutes = $3, source = $4, status = $5, \
         counted_m = $6, reason = $7, track_hash = $8, idempotency_key = $9, revision = revision + 1, \
         updated_at = $10 where checkin_id = $11 returning {CHECKIN_COLUMNS}"
    )
}

/// Records an organiser's decision on a check-in.
pub async fn set_review(
    conn: &mut Conn,
    id: i64,
    status: Status,
    counted_m: i64,
    reason: Option<&str>,
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "update challenge_checkins set status = $2, counted_m = $3, reason = $4, reviewed_by = $5, reviewed_at = $6, \
         updated_at = $6 where checkin_id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(counted_m)
    .bind(reason)
    .bind(by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The person's check-ins, newest day first.
pub async fn checkins_of_user(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<Checkin>> {
    let sql = format!(
        "select {CHECKIN_COLUMNS} from challenge_checkins where user_id = $1 order by day desc, checkin_id desc limit $2"
    );
    sqlx::query(&sql).bind(user.0).bind(limit).fetch_all(conn).await?.iter().map(checkin_from).collect()
}

/// A challenge's check-ins in a state, oldest first (the review queue).
pub async fn checkins_in(conn: &mut Conn, challenge: i64, status: Status, limit: i64) -> Result<Vec<Checkin>> {
    let sql = format!(
        "select {CHECKIN_COLUMNS} from challenge_checkins where challenge_id = $1 and status = $2 \
         order by checkin_id limit $3"
    );
    let rows = sqlx::query(&sql).bind(challenge).bind(status.as_str()).bind(limit).fetch_all(conn).await?;
    rows.iter().map(checkin_from).collect()
}

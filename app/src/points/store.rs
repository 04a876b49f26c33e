//! SQL of the points ledger: rules (versioned), entries (appended, never changed) and each
//! person's total. Callers hold the transaction; `service` says in which order these run.

use crate::db::{Conn, per_engine};
use crate::ids::UserId;
use crate::points::model::{Rule, Source, Why};

type Result<T> = std::result::Result<T, sqlx::Error>;

// The statements an award and a reversal run are constants: the same text runs through sqlx on
// the pool and through rusqlite on SQLite's writer thread (`points::writer`).

const RULE_COLUMNS: &str = "rule_id, source, version, points, daily_cap, created_at";

/// The current rule of a source ($1): its highest version.
pub(crate) const CURRENT_RULE: &str = "select rule_id, source, version, points, daily_cap, created_at \
     from points_rules where source = $1 order by version desc limit 1";

/// Makes the person's ($1) totals row at 0 (now $2) unless they have one, and reads their
/// total — one statement that on PostgreSQL also locks the row (an upsert's update does).
pub(crate) const LOCK_TOTAL: &str = "insert into points_totals (user_id, total, updated_at) values ($1, 0, $2) \
     on conflict (user_id) do update set updated_at = excluded.updated_at returning total";

/// The person's ($1) total, for reading.
pub(crate) const SELECT_TOTAL: &str = "select total from points_totals where user_id = $1";

/// Adds $1 to the person's ($3) total at $2; the new total. (Numbered in order of appearance:
/// SQLite numbers `$n` parameters in the order they appear, which positional binding follows.)
pub(crate) const ADD_TO_TOTAL: &str =
    "update points_totals set total = total + $1, updated_at = $2 where user_id = $3 returning total";

/// The latest award of source $1 and reference $2: entry, user, round, and how many reversals it has.
pub(crate) const LATEST_AWARD: &str = "select e.entry_id, e.user_id, e.round, \
            (select count(*) from points_entries r where r.reverses_entry_id = e.entry_id) \
     from points_entries e \
     where e.source = $1 and e.reference = $2 and e.reverses_entry_id is null \
     order by e.round desc limit 1";

/// What an award of source $1 for reference $2 to person $3 on day $4 is decided on, read in
/// one statement (three were a round trip each in the check-in rush): the reference's latest
/// award (its round and how many reversals it has; NULLs when it has none), the source's
/// current rule (NULLs when it has none) and the net points the person has from the source that
/// day. Each parameter first appears in order: SQLite numbers them so.
pub(crate) const AWARD_FACTS: &str = "select a.round, a.reversals, \
            r.rule_id, r.source, r.version, r.points, r.daily_cap, r.created_at, d.earned \
     from (select 1 as one) o \
     left join (select e.round, \
                  (select count(*) from points_entries x where x.reverses_entry_id = e.entry_id) as reversals \
                from points_entries e \
                where e.source = $1 and e.reference = $2 and e.reverses_entry_id is null \
                order by e.round desc limit 1) a on 1 = 1 \
     left join (select rule_id, source, version, points, daily_cap, created_at from points_rules \
                where source = $1 order by version desc limit 1) r on 1 = 1 \
     left join (select cast(coalesce(sum(points), 0) as bigint) as earned from points_entries \
                where source = $1 and user_id = $3 and day = $4) d on 1 = 1";

/// A row of [`AWARD_FACTS`].
pub(crate) type FactsRow = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// What an award is decided on ([`plan_award`](crate::points::model::plan_award)'s inputs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardFacts {
    /// The reference's latest award: (round, whether it is live — not reversed).
    pub latest: Option<(i64, bool)>,
    /// The source's current rule.
    pub rule: Option<Rule>,
    /// The person's net points from the source that day.
    pub earned: i64,
}

pub(crate) fn facts_from(row: FactsRow) -> AwardFacts {
    let (round, reversals, rule_id, source, version, points, daily_cap, created_at, earned) = row;
    let rule = match (rule_id, source, version, points, daily_cap, created_at) {
        (Some(id), Some(source), Some(version), Some(points), Some(cap), Some(at)) => {
            rule_from((id, source, version, points, cap, at))
        }
        _ => None,
    };
    AwardFacts { latest: round.map(|r| (r, reversals.unwrap_or(0) == 0)), rule, earned: earned.unwrap_or(0) }
}

/// [`AWARD_FACTS`] on the pool.
pub async fn award_facts(
    conn: &mut Conn,
    user: UserId,
    source: Source,
    reference: &str,
    day: &str,
) -> Result<AwardFacts> {
    let row: FactsRow = sqlx::query_as(AWARD_FACTS)
        .bind(source.as_str())
        .bind(reference)
        .bind(user.0)
        .bind(day)
        .fetch_one(conn)
        .await?;
    Ok(facts_from(row))
}

/// Appends an entry (columns in [`NewEntry`]'s order, then the time); its id.
pub(crate) const APPEND: &str = "insert into points_entries \
     (user_id, source, reference, round, points, day, rule_id, reverses_entry_id, reason, created_at) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning entry_id";

/// The awards of source $1 and reference $2 not reversed yet: entry, points, day, rule.
pub(crate) const LIVE_AWARDS: &str = "select e.entry_id, e.points, e.day, e.rule_id from points_entries e \
     where e.source = $1 and e.reference = $2 and e.reverses_entry_id is null \
       and not exists (select 1 from points_entries r where r.reverses_entry_id = e.entry_id) \
     order by e.entry_id";

pub(crate) type RuleRow = (i64, String, i64, i64, i64, i64);

pub(crate) fn rule_from((id, source, version, points, daily_cap, created_at): RuleRow) -> Option<Rule> {
    // A source this build does not know (a newer instance's) is left out rather than failing.
    Some(Rule { id, source: Source::parse(&source)?, version, points, daily_cap, created_at })
}

/// The current rule of a source: its highest version.
pub async fn current_rule(conn: &mut Conn, source: Source) -> Result<Option<Rule>> {
    let row: Option<RuleRow> = sqlx::query_as(CURRENT_RULE).bind(source.as_str()).fetch_optional(conn).await?;
    Ok(row.and_then(rule_from))
}

/// The current rule of every source that has one, in [`Source::ALL`]'s order.
pub async fn current_rules(conn: &mut Conn) -> Result<Vec<Rule>> {
    let sql = format!(
        "select {RULE_COLUMNS} from points_rules r where version = \
         (select max(version) from points_rules s where s.source = r.source)"
    );
    let rows: Vec<RuleRow> = sqlx::query_as(&sql).fetch_all(conn).await?;
    let mut rules: Vec<Rule> = rows.into_iter().filter_map(rule_from).collect();
    rules.sort_by_key(|r| Source::ALL.iter().position(|s| *s == r.source));
    Ok(rules)
}

/// Adds the next version of a source's rule; the new rule.
pub async fn add_rule(
    conn: &mut Conn,
    source: Source,
    points: i64,
    daily_cap: i64,
    by: UserId,
    now: i64,
) -> Result<Rule> {
    let version: i64 = sqlx::query_scalar("select coalesce(max(version), 0) + 1 from points_rules where source = $1")
        .bind(source.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "insert into points_rules (source, version, points, daily_cap, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning rule_id",
    )
    .bind(source.as_str())
    .bind(version)
    .bind(points)
    .bind(daily_cap)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Rule { id, source, version, points, daily_cap, created_at: now })
}

/// Takes the person's totals row (made at 0 the first time) until the transaction ends, and
/// reads their total. On PostgreSQL the upsert's row lock makes a second award for the same
/// person wait here, before it reads the day's sum; SQLite's write transactions already
/// exclude each other (`BEGIN IMMEDIATE`).
pub async fn lock_person(conn: &mut Conn, user: UserId, now: i64) -> Result<i64> {
    sqlx::query_scalar(LOCK_TOTAL).bind(user.0).bind(now).fetch_one(conn).await
}

/// Adds `delta` to the person's total (their row locked by [`lock_person`]); the new total.
pub async fn add_to_total(conn: &mut Conn, user: UserId, delta: i64, now: i64) -> Result<i64> {
    sqlx::query_scalar(ADD_TO_TOTAL).bind(delta).bind(now).bind(user.0).fetch_one(conn).await
}

/// A reference's latest award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestAward {
    /// The entry.
    pub entry_id: i64,
    /// Whose.
    pub user: UserId,
    /// Its round (0 for the first award of the reference).
    pub round: i64,
    /// Not reversed.
    pub live: bool,
}

/// The latest award of `(source, reference)`, reversed or not.
pub async fn latest_award(conn: &mut Conn, source: Source, reference: &str) -> Result<Option<LatestAward>> {
    let row: Option<(i64, i64, i64, i64)> =
        sqlx::query_as(LATEST_AWARD).bind(source.as_str()).bind(reference).fetch_optional(conn).await?;
    Ok(row.map(|(entry_id, user, round, reversals)| LatestAward {
        entry_id,
        user: UserId(user),
        round,
        live: reversals == 0,
    }))
}

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Whose.
    pub user: UserId,
    /// From what.
    pub source: Source,
    /// The object that earned it.
    pub reference: &'a str,
    /// The award's round (a reversal: its award's).
    pub round: i64,
    /// Points (negative for a reversal).
    pub points: i64,
    /// The day it counts for.
    pub day: &'a str,
    /// The rule version it was given under.
    pub rule_id: i64,
    /// For a reversal: the award it takes back, and why.
    pub reverses: Option<(i64, Why)>,
}

/// Appends an entry; its id.
pub async fn append(conn: &mut Conn, e: &NewEntry<'_>, now: i64) -> Result<i64> {
    bind_entry(sqlx::query_scalar(APPEND), e, now).fetch_one(conn).await
}

/// Appends an entry and adds its points to the person's total (their row locked by
/// [`lock_person`], which read `total`); the new total. On PostgreSQL this is one statement —
/// an insert inside `with` —, a round trip fewer for every award of the check-in rush; SQLite
/// has no such statement and runs the two.
pub async fn append_and_add(conn: &mut Conn, e: &NewEntry<'_>, now: i64, total: i64) -> Result<i64> {
    if e.points == 0 {
        append(conn, e, now).await?;
        return Ok(total);
    }
    if per_engine(conn, false, true) {
        return bind_entry(sqlx::query_scalar(APPEND_AND_ADD), e, now).fetch_one(conn).await;
    }
    append(conn, e, now).await?;
    add_to_total(conn, e.user, e.points, now).await
}

/// [`APPEND`], then the entry's points ($5) added to the person's ($1) total at $10: PostgreSQL only.
const APPEND_AND_ADD: &str = "with appended as (insert into points_entries \
     (user_id, source, reference, round, points, day, rule_id, reverses_entry_id, reason, created_at) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning entry_id) \
     update points_totals set total = total + $5, updated_at = $10 where user_id = $1 returning total";

type ScalarQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>>;

/// Binds an entry's columns and the time ($1–$10, [`APPEND`]'s order).
fn bind_entry<'q>(q: ScalarQuery<'q>, e: &NewEntry<'q>, now: i64) -> ScalarQuery<'q> {
    q.bind(e.user.0)
        .bind(e.source.as_str())
        .bind(e.reference)
        .bind(e.round)
        .bind(e.points)
        .bind(e.day)
        .bind(e.rule_id)
        .bind(e.reverses.map(|(id, _)| id))
        .bind(e.reverses.map(|(_, why)| why.as_str()))
        .bind(now)
}

/// An award of `(source, reference)` not reversed yet: (entry, points, day, rule).
pub async fn live_awards(conn: &mut Conn, source: Source, reference: &str) -> Result<Vec<(i64, i64, String, i64)>> {
    sqlx::query_as(LIVE_AWARDS).bind(source.as_str()).bind(reference).fetch_all(conn).await
}

/// An entry of a person's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// From what (None: a source this build does not know).
    pub source: Option<Source>,
    /// The object that earned it.
    pub reference: String,
    /// Points (negative: a reversal).
    pub points: i64,
    /// The day it counts for, `YYYY-MM-DD`.
    pub day: String,
    /// Why it was reversed, for a reversal.
    pub why: Option<Why>,
    /// When it was written.
    pub at: i64,
}

/// An entry's columns: id, source, reference, points, day, reason, created_at.
type EntryRow = (i64, String, String, i64, String, Option<String>, i64);

/// A person's entries, newest first, those older than `before` (0: from the newest).
pub async fn history(conn: &mut Conn, user: UserId, before: i64, limit: i64) -> Result<Vec<Entry>> {
    let before = if before <= 0 { i64::MAX } else { before };
    let rows: Vec<EntryRow> = sqlx::query_as(
        "select entry_id, source, reference, points, day, reason, created_at from points_entries \
         where user_id = $1 and entry_id < $2 order by entry_id desc limit $3",
    )
    .bind(user.0)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, source, reference, points, day, why, at)| Entry {
            id,
            source: Source::parse(&source),
            reference,
            points,
            day,
            why: why.as_deref().and_then(Why::parse),
            at,
        })
        .collect())
}

/// A person's total (0 before their first entry).
pub async fn total(conn: &mut Conn, user: UserId) -> Result<i64> {
    let total: Option<i64> = sqlx::query_scalar(SELECT_TOTAL).bind(user.0).fetch_optional(conn).await?;
    Ok(total.unwrap_or(0))
}

/// The sum of these people's totals (a team's), read from the totals rows.
pub async fn total_of(conn: &mut Conn, users: &[UserId]) -> Result<i64> {
    let mut sum = 0;
    // In chunks, so a large team stays under either engine's limit of bound parameters.
    for chunk in users.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "select cast(coalesce(sum(total), 0) as bigint) from points_totals where user_id in ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for u in chunk {
            query = query.bind(u.0);
        }
        sum += query.fetch_one(&mut *conn).await?;
    }
    Ok(sum)
}

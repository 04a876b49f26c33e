//! The award and the reversal for writes that run on SQLite's writer thread (rusqlite) — the
//! exercise check-in, the morning rush's write, commits there in a group with the others that
//! queued meanwhile. They run the same statements (`store`'s constants) in the same order and
//! decide with the same rule ([`plan_award`]) as `service::award` and `service::reverse` on
//! the pool; only the driver differs. No lock is taken: the writer thread runs one job at a
//! time, so nothing else writes between reading the day's sum and appending.
//!
//! On PostgreSQL the same writes run on the pool and call `service`'s functions.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension as _, params};

use crate::ids::UserId;
use crate::points::model::{AwardPlan, Awarded, Source, Why, plan_award};
use crate::points::store::{self, FactsRow};

type Result<T> = rusqlite::Result<T>;

/// Makes the person's totals row if needed, and reads their total.
fn total_of(conn: &Connection, user: UserId, now: i64) -> Result<i64> {
    conn.prepare_cached(store::LOCK_TOTAL)?.query_row(params![user.0, now], |r| r.get(0))
}

/// Appends an entry and moves the total; the new total.
#[allow(clippy::too_many_arguments)]
fn append(
    conn: &Connection,
    now: i64,
    user: UserId,
    source: Source,
    reference: &str,
    round: i64,
    points: i64,
    day: &str,
    rule_id: i64,
    reverses: Option<(i64, Why)>,
) -> Result<()> {
    conn.prepare_cached(store::APPEND)?.query_row(
        params![
            user.0,
            source.as_str(),
            reference,
            round,
            points,
            day,
            rule_id,
            reverses.map(|(id, _)| id),
            reverses.map(|(_, why)| why.as_str()),
            now
        ],
        |r| r.get::<_, i64>(0),
    )?;
    Ok(())
}

/// Adds `delta` to the person's total; the new total.
fn add_to_total(conn: &Connection, user: UserId, delta: i64, now: i64) -> Result<i64> {
    conn.prepare_cached(store::ADD_TO_TOTAL)?.query_row(params![delta, now, user.0], |r| r.get(0))
}

/// The latest award of the reference: (user, round, live).
fn latest_award(conn: &Connection, source: Source, reference: &str) -> Result<Option<(UserId, i64, bool)>> {
    conn.prepare_cached(store::LATEST_AWARD)?
        .query_row(params![source.as_str(), reference], |r| {
            Ok((UserId(r.get(1)?), r.get::<_, i64>(2)?, r.get::<_, i64>(3)? == 0))
        })
        .optional()
}

/// `service::award` on the writer thread.
pub fn award(
    conn: &Connection,
    now: i64,
    user: UserId,
    source: Source,
    reference: &str,
    day: NaiveDate,
) -> Result<Awarded> {
    let total = total_of(conn, user, now)?;
    let day = day.to_string();
    let facts = conn.prepare_cached(store::AWARD_FACTS)?.query_row(
        params![source.as_str(), reference, user.0, day],
        |r| -> Result<FactsRow> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        },
    )?;
    let facts = store::facts_from(facts);
    Ok(match plan_award(facts.latest, facts.rule.as_ref(), facts.earned) {
        AwardPlan::Repeat => Awarded { points: 0, repeat: true, capped: false, total },
        AwardPlan::NoRule => Awarded { points: 0, repeat: false, capped: false, total },
        AwardPlan::Give { round, points, capped, rule_id } => {
            append(conn, now, user, source, reference, round, points, &day, rule_id, None)?;
            let total = if points == 0 { total } else { add_to_total(conn, user, points, now)? };
            Awarded { points, repeat: false, capped, total }
        }
    })
}

/// `service::reverse` on the writer thread: the change to the person's total (0 or negative).
pub fn reverse(conn: &Connection, now: i64, source: Source, reference: &str, why: Why) -> Result<i64> {
    let Some((user, round, _)) = latest_award(conn, source, reference)? else { return Ok(0) };
    let live: Vec<(i64, i64, String, i64)> = conn
        .prepare_cached(store::LIVE_AWARDS)?
        .query_map(params![source.as_str(), reference], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_>>()?;
    let mut change = 0;
    for (entry_id, points, day, rule_id) in live {
        append(conn, now, user, source, reference, round, -points, &day, rule_id, Some((entry_id, why)))?;
        change -= points;
    }
    if change != 0 {
        total_of(conn, user, now)?;
        add_to_total(conn, user, change, now)?;
    }
    Ok(change)
}

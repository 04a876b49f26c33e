//! The ledger's use cases: awarding and reversing inside another domain's transaction, and the
//! district admin's audited change of a rule.
//!
//! The order of an award is what keeps the cap: lock the person (their totals row), then read
//! the day's sum, then append and add to the total — all in the caller's transaction, so the
//! points stand or fall with the action that earned them.

use chrono::NaiveDate;

use crate::app::AppState;
use crate::audit::{self, Change};
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::UserId;
use crate::points::model::{AwardPlan, Awarded, MAX_POINTS, Rule, Source, Why, plan_award};
use crate::points::store::{self, NewEntry};
use crate::web::CurrentUser;

/// Errors are the database's only (`sqlx::Error`, which `?` turns into `AppError`), so the
/// booking engine, whose statements answer `sqlx::Error`, calls it as any domain does.
///
/// Gives `user` the points the current rule of `source` gives for `reference`, counted on
/// `day` (district-local), inside the caller's transaction. See `points` (the module) for the
/// contract; in short: capped per source and day to what is left under the cap, and once per
/// reference until the award is reversed.
pub async fn award(
    conn: &mut Conn,
    now: i64,
    user: UserId,
    source: Source,
    reference: &str,
    day: NaiveDate,
) -> Result<Awarded, sqlx::Error> {
    let total = store::lock_person(conn, user, now).await?;
    // Read under the person's lock: the day's sum is then the one the cap applies to.
    let day = day.to_string();
    let facts = store::award_facts(conn, user, source, reference, &day).await?;
    match plan_award(facts.latest, facts.rule.as_ref(), facts.earned) {
        AwardPlan::Repeat => Ok(Awarded { points: 0, repeat: true, capped: false, total }),
        // Every source has a rule from the migration on; without one there is nothing to give.
        AwardPlan::NoRule => Ok(Awarded { points: 0, repeat: false, capped: false, total }),
        AwardPlan::Give { round, points, capped, rule_id } => {
            let entry = NewEntry { user, source, reference, round, points, day: &day, rule_id, reverses: None };
            // The entry is written even at 0 points: the reference is then scored (a retry adds
            // nothing), and the person's history says the cap was reached.
            let total = store::append_and_add(conn, &entry, now, total).await?;
            Ok(Awarded { points, repeat: false, capped, total })
        }
    }
}

/// Takes back what `(source, reference)` earned, inside the caller's transaction: a reversing
/// entry for each award not yet reversed, so the reference's net is zero. What it changed the
/// person's total by (0 or negative); 0 when there was nothing to reverse (a retry).
pub async fn reverse(conn: &mut Conn, now: i64, source: Source, reference: &str, why: Why) -> Result<i64, sqlx::Error> {
    let Some(latest) = store::latest_award(conn, source, reference).await? else { return Ok(0) };
    // Locked before reading what is live: a reversal running at the same time then either
    // went first (and nothing is live) or waits.
    store::lock_person(conn, latest.user, now).await?;
    let mut change = 0;
    for (entry_id, points, day, rule_id) in store::live_awards(conn, source, reference).await? {
        let round = latest.round;
        let entry = NewEntry {
            user: latest.user,
            source,
            reference,
            round,
            points: -points,
            day: &day,
            rule_id,
            reverses: Some((entry_id, why)),
        };
        store::append(conn, &entry, now).await?;
        change -= points;
    }
    if change != 0 {
        store::add_to_total(conn, latest.user, change, now).await?;
    }
    Ok(change)
}

/// Only the district's admins change the rules.
pub fn may_edit(user: &CurrentUser) -> bool {
    user.principal.has_role(crate::authz::Role::DistrictAdmin)
}

/// Street admins read the rules too (to answer residents); nobody else in the back office.
pub fn may_read(user: &CurrentUser) -> bool {
    may_edit(user) || user.principal.has_role(crate::authz::Role::StreetAdmin)
}

/// A rule as a form sends it, as text (a bad value is shown back as typed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RuleEdit {
    /// Points per action.
    pub points: String,
    /// Daily cap.
    pub daily_cap: String,
}

/// Changes a source's rule: a new version that applies to entries from now on; those already
/// written keep the points they were given. Audited.
pub async fn edit_rule(state: &AppState, user: &CurrentUser, source: Source, edit: &RuleEdit) -> AppResult<Rule> {
    if !may_edit(user) {
        return Err(AppError::Forbidden);
    }
    let number = |text: &str, field: &'static str, errors: &mut Vec<FieldError>| {
        let n = text.trim().parse::<i64>().ok().filter(|n| (0..=MAX_POINTS).contains(n));
        if n.is_none() {
            errors.push(FieldError { field, key: "points.number_invalid" });
        }
        n.unwrap_or(0)
    };
    let mut errors = Vec::new();
    let points = number(&edit.points, "points", &mut errors);
    let daily_cap = number(&edit.daily_cap, "daily_cap", &mut errors);
    if errors.is_empty() && daily_cap < points {
        errors.push(FieldError { field: "daily_cap", key: "points.cap_below_points" });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::current_rule(&mut tx, source).await?;
    if before.as_ref().is_some_and(|r| r.points == points && r.daily_cap == daily_cap) {
        // Nothing changed: no new version, no audit entry.
        return before.ok_or(AppError::NotFound);
    }
    let after = store::add_rule(&mut tx, source, points, daily_cap, user.id, now).await?;
    let change =
        Change::new("points_rule", after.id, None).before(&before.as_ref().map(summary)).after(&summary(&after));
    audit::record(&mut tx, now, user.id, "points_rule.update", change).await?;
    tx.commit().await?;
    Ok(after)
}

/// What the audit log keeps of a rule.
fn summary(r: &Rule) -> serde_json::Value {
    serde_json::json!({"source": r.source.as_str(), "version": r.version, "points": r.points, "daily_cap": r.daily_cap})
}

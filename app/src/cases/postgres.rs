//! A filing on PostgreSQL in two statements: the read of what it refers to
//! (`store::FILING_REFS`), the rules (`filing::check`), then the case, its first timeline step
//! and its audit entry in one data-modifying statement, which commits as a whole.
//!
//! PostgreSQL's work here is per statement, not per row (profiled under load: a flat spread of
//! executor start-up and parsing), and a filing was six — begin, the read, three inserts (the
//! case's unprepared, see below), commit. The read and the write need no transaction around
//! them: at READ COMMITTED a category retired between them was never held off anyway, and the
//! write is atomic by itself.
//!
//! The coordinates travel as text and are cast in SQL: sqlx 0.8's Any driver types a NULL `f64`
//! as float4, so a cached statement first prepared with one would refuse a real latitude.
//! Rust prints an `f64` in the shortest form that reads back as the same number, so nothing is
//! lost. The columns and values are `store::INSERT_CASE`'s, `store::INSERT_STEP`'s and
//! `audit::INSERT`'s; the statistics' running totals follow by their triggers. An anonymous
//! report's audit entry names nobody (`model::audit_actor`): the statement decides by the
//! `anonymous` value it already binds.

use crate::app::AppState;
use crate::cases::filing::{self, Filer, NewCase, Reserved};
use crate::cases::model::Case;
use crate::cases::store;
use crate::error::AppResult;
use crate::ids::UserId;

const FILE: &str = "with c as (insert into cases (category_id, source, state, description, street_id, \
     community_id, address, reporter_user_id, anonymous, created_at, updated_at, lat, lng, patrol_id) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, cast($11 as double precision), \
     cast($12 as double precision), $13) returning case_id, street_id), \
     s as (insert into case_events (case_id, at, actor_user_id, action, from_state, to_state, department_id, note) \
     select case_id, $10, $14, 'file', null, $3, null, '' from c), \
     a as (insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, \
     before_json, after_json) select $10, case when $9 = 1 then null else $14 end, 'case.file', 'case', case_id, \
     street_id, 'case#' || case_id, null, case when $9 = 1 then '{\"anonymous\":true}' else null end from c) \
     select case_id from c";

/// What the audit entry of an anonymous filing says instead of naming its reporter (the same as
/// `service::filing_change`; spelled in `FILE`, which binds no more than it must).
pub(crate) const ANONYMOUS: &str = r#"{"anonymous":true}"#;

/// Checks and stores a case filed by `user` at `now`, with its first timeline step and audit
/// entry.
pub async fn file(
    state: &AppState,
    new: NewCase,
    user: UserId,
    filer: Filer,
    reserved: &[Reserved],
    now: i64,
) -> AppResult<Case> {
    let mut conn = state.db.conn().await?;
    let refs = store::filing_refs(&mut conn, new.category_id, new.community_id, user).await?;
    let mut case = filing::check(new, &refs, filer, reserved, now)?;
    case.id = sqlx::query_scalar(FILE)
        .bind(case.category_id)
        .bind(case.source.as_str())
        .bind(case.state.as_str())
        .bind(&case.description)
        .bind(case.street_id.map(|s| s.0))
        .bind(case.community_id.map(|c| c.0))
        .bind(&case.address)
        .bind(case.reporter.map(|u| u.0))
        .bind(i64::from(case.anonymous))
        .bind(case.created_at)
        .bind(case.coords.map(|p| p.0.to_string()))
        .bind(case.coords.map(|p| p.1.to_string()))
        .bind(case.patrol_id)
        .bind(user.0)
        .fetch_one(&mut *conn)
        .await?;
    Ok(case)
}

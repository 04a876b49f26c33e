//! A filing on SQLite, run whole on the writer thread (`db/writer.rs`): the read of what it
//! refers to, the checks and the writes share its group commit and run in-thread, in one
//! transaction. The SQL is the store's and the audit log's own (`store::FILING_REFS`,
//! `store::INSERT_CASE`, `store::INSERT_STEP`, `audit::INSERT`), the rules `filing::check`;
//! the statistics' running totals follow by their triggers, as on every other path.

use rusqlite::{Connection, params};

use crate::cases::filing::{self, Filer, NewCase, Refs, Reserved};
use crate::cases::model::{Case, audit_actor};
use crate::cases::postgres::ANONYMOUS;
use crate::cases::store::{FILING_REFS, INSERT_CASE, INSERT_STEP};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

/// Checks and stores a case filed by `user` at `now`, with its first timeline step and audit
/// entry.
pub fn file(
    conn: &Connection,
    new: NewCase,
    user: UserId,
    filer: Filer,
    reserved: &[Reserved],
    now: i64,
) -> AppResult<Case> {
    let internal = |e: rusqlite::Error| AppError::Internal(e.into());
    let refs = conn
        .prepare_cached(FILING_REFS)
        .and_then(|mut s| {
            s.query_row(params![new.category_id, new.community_id.map(|c| c.0), user.0], |r| {
                Ok(Refs { kind: r.get(0)?, street: r.get(1)?, open_patrol: r.get(2)? })
            })
        })
        .map_err(internal)?;
    let mut case = filing::check(new, &refs, filer, reserved, now)?;
    case.id = insert(conn, &case, user).map_err(internal)?;
    Ok(case)
}

fn insert(conn: &Connection, case: &Case, filer: UserId) -> rusqlite::Result<i64> {
    let id: i64 = conn.prepare_cached(INSERT_CASE)?.query_row(
        params![
            case.category_id,
            case.source.as_str(),
            case.state.as_str(),
            case.description,
            case.street_id.map(|s| s.0),
            case.community_id.map(|c| c.0),
            case.address,
            case.reporter.map(|u| u.0),
            i64::from(case.anonymous),
            case.created_at,
            case.coords.map(|p| p.0),
            case.coords.map(|p| p.1),
            case.patrol_id,
        ],
        |row| row.get(0),
    )?;
    conn.prepare_cached(INSERT_STEP)?.execute(params![
        id,
        case.created_at,
        filer.0,
        "file",
        None::<String>,
        case.state.as_str(),
        None::<i64>,
        "",
    ])?;
    // An anonymous report's entry names nobody (see `model::audit_actor`, `service::filing_change`).
    conn.prepare_cached(crate::audit::INSERT)?.execute(params![
        case.created_at,
        audit_actor(case, filer).map(|u| u.0),
        "case.file",
        "case",
        id,
        case.street_id.map(|s| s.0),
        format!("case#{id}"),
        None::<String>,
        case.anonymous.then_some(ANONYMOUS),
    ])?;
    Ok(id)
}

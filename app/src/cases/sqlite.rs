//! The SQLite write of a new case, run on the writer thread (`db/writer.rs`) so that filings share
//! its group commit and run their statements in-thread. The SQL is the store's and the audit
//! log's own (`store::INSERT_CASE`, `store::INSERT_STEP`, `audit::INSERT`); the statistics'
//! running totals follow by their triggers, as on every other path.

use rusqlite::{Connection, params};

use crate::cases::model::Case;
use crate::cases::store::{INSERT_CASE, INSERT_STEP};
use crate::ids::UserId;

/// Stores `case` (checked already) with its first timeline step and audit entry; its id.
pub fn file(conn: &Connection, case: &Case, filer: UserId) -> rusqlite::Result<i64> {
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
    conn.prepare_cached(crate::audit::INSERT)?.execute(params![
        case.created_at,
        filer.0,
        "case.file",
        "case",
        id,
        case.street_id.map(|s| s.0),
        format!("case#{id}"),
        None::<String>,
        None::<String>,
    ])?;
    Ok(id)
}

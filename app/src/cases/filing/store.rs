//! A filing, durably (`db::Write`): the one read of what it refers to
//! (`cases::store::FILING_REFS`), the rules ([`check`]), then the case, its first timeline step and
//! its audit entry, and the dispatchers' notices (`cases::queues`). Filings come in crowds (a morning's reports, an API client's backlog).
//!
//! On the SQLite writer thread ([`Write::on_writer`]) the read, the checks and the three
//! INSERTs run in-thread, in the group commit's transaction: no pooled connection, and nothing
//! can change between check and write.
//!
//! On the pool ([`Write::on_pool`], PostgreSQL) in two statements: the read, then the case, its
//! step, its audit entry and the dispatchers' notices in one data-modifying statement, which commits as a whole.
//! PostgreSQL's work here is per statement, not per row (profiled under load: a flat spread of
//! executor start-up and parsing), and a filing was six — begin, the read, three inserts,
//! commit. The read and the write need no transaction around them: at READ COMMITTED a
//! category retired between them was never held off anyway, and the write is atomic by
//! itself. PostgreSQL already shares WAL flushes between concurrent commits; a serial batch
//! measured slower here (1,258 filings/s against 1,572/s), so each filing is its own statement.
//! The coordinates travel as text and are cast in SQL: sqlx 0.8's Any driver types a NULL `f64`
//! as float4, so a cached statement first prepared with one would refuse a real latitude.
//! Rust prints an `f64` in the shortest form that reads back as the same number, so nothing is
//! lost.
//!
//! Both write the columns and values of `cases::store::INSERT_CASE`, `cases::store::INSERT_STEP`
//! and `audit::INSERT` (the writer thread runs those very statements; the pool's one statement
//! spells them again as one); the statistics' running totals follow by their triggers. An
//! anonymous report's audit entry names nobody (`model::audit_actor`). A filing inside a
//! caller's transaction (taken down on someone's behalf, with what is stored beside it) is
//! `service::file_in`.

use rusqlite::{Connection, params};

use crate::cases::filing::{Filer, NewCase, Reserved, check};
use crate::cases::model::{Case, audit_actor};
use crate::cases::store::{self, FILING_REFS, INSERT_CASE, INSERT_STEP, refs_from};
use crate::db::{Db, Write};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

const FILE: &str = "with c as (insert into cases (category_id, source, state, description, street_id, \
     community_id, address, reporter_user_id, anonymous, created_at, updated_at, lat, lng, patrol_id) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, cast($11 as double precision), \
     cast($12 as double precision), $13) returning case_id, street_id), \
     s as (insert into case_events (case_id, at, actor_user_id, action, from_state, to_state, department_id, note) \
     select case_id, $10, $14, 'file', null, $3, null, '' from c), \
     a as (insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, summary, \
     before_json, after_json) select $10, case when $9 = 1 then null else $14 end, 'case.file', 'case', case_id, \
     street_id, 'case#' || case_id, null, case when $9 = 1 then '{\"anonymous\":true}' else null end from c), \
     n as (insert into notifications (user_id, kind, params_json, created_at) \
     select distinct g.user_id, 'case.queue_dispatch', '{\"case_id\":' || c.case_id || '}', $10 \
     from c, role_grants g join users u on u.user_id = g.user_id \
     where g.role = 'dispatcher' and u.disabled_at is null and g.user_id <> $14 \
     and (g.scope_kind = 'district' or (g.scope_kind = 'street' and g.scope_id = c.street_id))) \
     select case_id from c";

/// What the audit entry of an anonymous filing says instead of naming its reporter (the same as
/// `service::filing_change`; spelled in `FILE`, which binds no more than it must).
pub(crate) const ANONYMOUS: &str = r#"{"anonymous":true}"#;

/// A case filed by `user` at `now`, with its first timeline step and audit entry.
#[derive(Debug, Clone)]
pub struct File {
    /// What was filed.
    pub new: NewCase,
    /// Who files it.
    pub user: UserId,
    /// Its source and reporter.
    pub filer: Filer,
    /// The category kinds the add-ons reserve (see `addons::reserved`).
    pub reserved: Vec<Reserved>,
    /// Now (Unix seconds).
    pub now: i64,
}

impl Write for File {
    type Output = Case;
    type Error = AppError;

    fn on_writer(self, conn: &Connection) -> AppResult<Case> {
        let internal = |e: rusqlite::Error| AppError::Internal(e.into());
        let refs = conn
            .prepare_cached(FILING_REFS)
            .and_then(|mut s| {
                s.query_row(params![self.new.category_id, self.new.community_id.map(|c| c.0), self.user.0], |r| {
                    refs_from(r)
                })
            })
            .map_err(internal)?;
        let mut case = check(self.new, &refs, self.filer, &self.reserved, self.now)?;
        case.id = insert(conn, &case, self.user).map_err(internal)?;
        Ok(case)
    }

    async fn on_pool(self, db: &Db) -> AppResult<Case> {
        let mut conn = db.conn().await?;
        let refs = store::filing_refs(&mut conn, self.new.category_id, self.new.community_id, self.user).await?;
        let mut case = check(self.new, &refs, self.filer, &self.reserved, self.now)?;
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
            .bind(self.user.0)
            .fetch_one(&mut *conn)
            .await?;
        Ok(case)
    }
}

/// The case, its first step and its audit entry, on the writer thread.
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
    // The dispatchers hear of it (`cases::queues`), in the same group commit.
    conn.prepare_cached(crate::cases::queues::store::TELL_DISPATCHERS)?.execute(params![
        crate::cases::queues::params(id),
        case.created_at,
        filer.0,
        case.street_id.map_or(-1, |s| s.0),
    ])?;
    Ok(id)
}

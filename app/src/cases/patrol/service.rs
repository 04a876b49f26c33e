//! Foot patrols (步巡): an inspector starts a patrol, files findings during it in a few taps,
//! and ends it. The log keeps who, when, how long, the route points the phone sent, and the
//! cases filed on the way. One open patrol per inspector at a time. Small enough to keep its
//! few SQL statements beside the rules.
//!
//! Who reads a patrol: its inspector, and those who oversee ([`within_sql`]) — the district's
//! admins and dispatchers every inspector's, a street's admins and dispatchers those of the
//! inspectors posted in their street. The patrol log page (`log_pages`) and the API ask the
//! same question, so neither shows a patrol the other would hide.

use serde::Serialize;
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::Area;
use crate::cases::model::valid_coords;
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::UserId;

/// Route points kept per patrol at most (a point every 10 s for over 5 hours).
pub const MAX_POINTS: i64 = 2000;

/// A patrol as its log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Patrol {
    /// Id.
    pub id: i64,
    /// The inspector.
    pub inspector: i64,
    /// Started (Unix seconds).
    pub started_at: i64,
    /// Ended (None: still on patrol).
    pub ended_at: Option<i64>,
    /// Minutes on patrol (so far).
    pub minutes: i64,
    /// Route points given.
    pub points: i64,
    /// Cases filed during it.
    pub cases: Vec<i64>,
}

/// A condition on `inspector` (an SQL expression for a user id) that holds for the patrols
/// within `reach` (where the viewer oversees, see `authz::Reach::oversees`): those of the
/// inspectors posted in its streets or one of their communities; empty for the whole district.
/// The street ids are integers we hold, spelled into the SQL; nothing from a request is.
pub fn within_sql(reach: &Area, inspector: &str) -> String {
    if reach.is_district() {
        return String::new();
    }
    let ids = reach.streets().iter().map(|s| s.0.to_string()).collect::<Vec<_>>().join(", ");
    // An overseer of no street at all reads no one's (`in ()` is no SQL).
    let ids = if ids.is_empty() { "null".to_owned() } else { ids };
    format!(
        " and exists (select 1 from role_grants g where g.user_id = {inspector} and g.role = 'inspector' \
         and ((g.scope_kind = 'street' and g.scope_id in ({ids})) or (g.scope_kind = 'community' \
         and g.scope_id in (select community_id from communities where street_id in ({ids})))))"
    )
}

/// The inspector's open patrol, if any.
pub async fn open_patrol(conn: &mut Conn, user: UserId) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select patrol_id from patrols where inspector_user_id = $1 and ended_at is null order by patrol_id desc limit 1",
    )
    .bind(user.0)
    .fetch_optional(conn)
    .await
}

/// Starts a patrol; 409 while another is open. Only inspectors patrol: the callers take
/// `Staff<Inspector>` or `ApiStaff<Inspector>`.
pub async fn start(state: &AppState, user: &CurrentUser) -> AppResult<Patrol> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if open_patrol(&mut tx, user.id).await?.is_some() {
        return Err(AppError::Conflict("patrols.already_open"));
    }
    let id: i64 =
        sqlx::query_scalar("insert into patrols (inspector_user_id, started_at) values ($1, $2) returning patrol_id")
            .bind(user.id.0)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    get(state, user, id).await
}

/// Adds route points to the inspector's open patrol `id`.
pub async fn add_points(state: &AppState, user: &CurrentUser, id: i64, points: &[(f64, f64)]) -> AppResult<Patrol> {
    if points.iter().any(|p| !valid_coords(*p)) {
        return Err(AppError::Invalid(vec![FieldError { field: "points", key: "form.coordinate_invalid" }]));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if open_patrol(&mut tx, user.id).await? != Some(id) {
        return Err(AppError::Conflict("patrols.not_open"));
    }
    let had: i64 = sqlx::query_scalar("select count(*) from patrol_points where patrol_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if had + points.len() as i64 > MAX_POINTS {
        return Err(AppError::Rule("patrols.too_many_points"));
    }
    for (lat, lng) in points {
        sqlx::query("insert into patrol_points (patrol_id, at, lat, lng) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(now)
            .bind(lat)
            .bind(lng)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    get(state, user, id).await
}

/// Ends the inspector's open patrol `id`.
pub async fn end(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Patrol> {
    let done = sqlx::query(
        "update patrols set ended_at = $1 where patrol_id = $2 and inspector_user_id = $3 and ended_at is null",
    )
    .bind(state.clock.unix())
    .bind(id)
    .bind(user.id.0)
    .execute(&mut *state.db.conn().await?)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict("patrols.not_open"));
    }
    get(state, user, id).await
}

/// One patrol: the inspector's own, or one within the viewer's [`reach`]. Any other is "not
/// found", as if it did not exist.
pub async fn get(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Patrol> {
    let mut conn = state.db.conn().await?;
    let patrol = load(&mut conn, id, state.clock.unix()).await?.ok_or(AppError::NotFound)?;
    if patrol.inspector == user.id.0 {
        return Ok(patrol);
    }
    let reach = user.principal.reach().oversees();
    if reach.is_empty() {
        return Err(AppError::NotFound);
    }
    let sql =
        format!("select count(*) from patrols p where p.patrol_id = $1{}", within_sql(reach, "p.inspector_user_id"));
    let within: i64 = sqlx::query_scalar(&sql).bind(id).fetch_one(&mut *conn).await?;
    if within == 0 {
        return Err(AppError::NotFound);
    }
    Ok(patrol)
}

/// The inspector's latest `limit` patrols, newest first.
pub async fn mine(state: &AppState, user: &CurrentUser, limit: i64) -> AppResult<Vec<Patrol>> {
    let mut conn = state.db.conn().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "select patrol_id from patrols where inspector_user_id = $1 order by patrol_id desc limit $2",
    )
    .bind(user.id.0)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let now = state.clock.unix();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = load(&mut conn, id, now).await? {
            out.push(p);
        }
    }
    Ok(out)
}

async fn load(conn: &mut Conn, id: i64, now: i64) -> Result<Option<Patrol>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select patrol_id, inspector_user_id, started_at, ended_at, \
         (select count(*) from patrol_points p where p.patrol_id = patrols.patrol_id) as points \
         from patrols where patrol_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let cases: Vec<i64> = sqlx::query_scalar("select case_id from cases where patrol_id = $1 order by case_id")
        .bind(id)
        .fetch_all(conn)
        .await?;
    let started_at: i64 = row.try_get("started_at")?;
    let ended_at: Option<i64> = row.try_get("ended_at")?;
    Ok(Some(Patrol {
        id: row.try_get("patrol_id")?,
        inspector: row.try_get("inspector_user_id")?,
        started_at,
        ended_at,
        minutes: (ended_at.unwrap_or(now) - started_at).max(0) / 60,
        points: row.try_get("points")?,
        cases,
    }))
}

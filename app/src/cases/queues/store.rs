//! The queues' SQL: who works a queue, their notices, and how many cases wait in one.

use crate::authz::Scope;
use crate::cases::model::Case;
use crate::cases::queues::Queue;
use crate::db::Conn;
use crate::ids::UserId;

/// A filing's notices to the dispatchers ($1 the notice's parameters, $2 now, $3 who filed it,
/// $4 the case's street): one statement, run inside the filing's own durable write (see
/// `filing::store`) so that a crowd of filings stays one group commit — the same people as
/// [`workers`] for [`Queue::Dispatch`], whose role allows the district and street scopes.
pub const TELL_DISPATCHERS: &str = "insert into notifications (user_id, kind, params_json, created_at) \
     select distinct g.user_id, 'case.queue_dispatch', $1, $2 from role_grants g join users u on u.user_id = g.user_id \
     where g.role = 'dispatcher' and u.disabled_at is null and g.user_id <> $3 \
     and (g.scope_kind = 'district' or (g.scope_kind = 'street' and g.scope_id = $4))";

/// The live staff whose grants of the queue's role cover `case`: the district, its street, its
/// community, or (handlers) its department.
pub async fn workers(conn: &mut Conn, queue: Queue, case: &Case) -> Result<Vec<UserId>, sqlx::Error> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "select distinct g.user_id, g.scope_kind, g.scope_id from role_grants g join users u on u.user_id = g.user_id \
         where g.role = $1 and u.disabled_at is null and (g.scope_kind = 'district' \
         or (g.scope_kind = 'street' and g.scope_id = $2) or (g.scope_kind = 'community' and g.scope_id = $3) \
         or (g.scope_kind = 'department' and g.scope_id = $4)) order by g.user_id",
    )
    .bind(queue.role().as_str())
    .bind(case.street_id.map_or(-1, |s| s.0))
    .bind(case.community_id.map_or(-1, |c| c.0))
    .bind(case.department_id.map_or(-1, |d| d.0))
    .fetch_all(conn)
    .await?;
    // A grant in a scope its role does not allow (a district-wide "handler") reaches nothing.
    let mut out: Vec<UserId> = rows
        .into_iter()
        .filter(|(_, kind, id)| Scope::from_parts(kind, *id).is_some_and(|s| queue.role().allows_scope(&s)))
        .map(|(user, _, _)| UserId(user))
        .collect();
    out.dedup();
    Ok(out)
}

/// One notice in a user's inbox.
pub async fn leave_notice(
    conn: &mut Conn,
    user: UserId,
    kind: &str,
    params_json: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into notifications (user_id, kind, params_json, created_at) values ($1, $2, $3, $4)")
        .bind(user.0)
        .bind(kind)
        .bind(params_json)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many cases wait in `queue` within `area` (see [`super::area_sql`]).
pub async fn count(conn: &mut Conn, queue: Queue, area: &str) -> Result<i64, sqlx::Error> {
    let states: Vec<String> = queue.states().iter().map(|s| format!("'{}'", s.as_str())).collect();
    let sql = format!("select count(*) from cases where state in ({}) and ({area})", states.join(", "));
    sqlx::query_scalar(&sql).fetch_one(conn).await
}

/// The name of case `id`'s category and its English name, if the case is there.
pub async fn category_name(conn: &mut Conn, id: i64) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "select c.name, c.name_en from cases k join case_categories c on c.category_id = k.category_id \
         where k.case_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

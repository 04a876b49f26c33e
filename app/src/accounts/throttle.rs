//! Counting failures per key (a phone, a client address) in fixed windows, in the database so
//! that every instance sees the same counts.

use crate::db::Conn;

/// A limit: at most `max` failures per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Failures allowed in one window.
    pub max: i64,
    /// Window length.
    pub window_secs: i64,
}

/// Login failures per phone.
pub const LOGIN_PER_PHONE: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Login failures per client address (a shared NAT holds many residents, so higher).
pub const LOGIN_PER_ADDRESS: Limit = Limit { max: 50, window_secs: 15 * 60 };
/// Verification codes sent per phone.
pub const CODES_PER_PHONE: Limit = Limit { max: 5, window_secs: 3600 };
/// Verification codes requested per client address.
pub const CODES_PER_ADDRESS: Limit = Limit { max: 20, window_secs: 3600 };

/// If `key` is over its limit, the seconds until it may try again.
pub async fn blocked_for(conn: &mut Conn, key: &str, limit: Limit, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("select window_start, failures from auth_throttle where throttle_key = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?;
    Ok(match row {
        Some((start, failures)) if start + limit.window_secs > now && failures >= limit.max => {
            Some(u64::try_from(start + limit.window_secs - now).unwrap_or(1).max(1))
        }
        _ => None,
    })
}

/// Counts one failure (or one use) against `key`. One statement, so concurrent failures
/// are all counted.
pub async fn hit(conn: &mut Conn, key: &str, limit: Limit, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into auth_throttle (throttle_key, window_start, failures) values ($1, $2, 1) \
         on conflict (throttle_key) do update set \
         failures = case when auth_throttle.window_start + $3 <= $2 then 1 else auth_throttle.failures + 1 end, \
         window_start = case when auth_throttle.window_start + $3 <= $2 then $2 else auth_throttle.window_start end",
    )
    .bind(key)
    .bind(now)
    .bind(limit.window_secs)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the failures of `key` (after a successful login).
pub async fn clear(conn: &mut Conn, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from auth_throttle where throttle_key = $1").bind(key).execute(conn).await?;
    Ok(())
}

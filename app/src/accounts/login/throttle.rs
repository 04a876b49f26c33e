//! Counting attempts per key (a phone, a client address, a user) in fixed windows, in the
//! database so that every instance sees the same counts.
//!
//! An attempt is *reserved* before the work it guards (checking a password, sending a code)
//! and counted in the same statement that checks the limit, so no number of parallel requests
//! can get more than the limit past the check. What turns out not to be a failure (the right
//! password, a request refused for another reason) is given back with [`release`].

use std::net::IpAddr;

use crate::db::Conn;

/// A limit: at most `max` attempts per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Attempts allowed in one window.
    pub max: i64,
    /// Window length.
    pub window_secs: i64,
}

/// Login failures per phone.
pub const LOGIN_PER_PHONE: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Login failures per client address (a shared NAT holds many residents, so higher).
pub const LOGIN_PER_ADDRESS: Limit = Limit { max: 50, window_secs: 15 * 60 };
/// Password guesses a browser that unlocked a phone with a texted code may make on it.
pub const LOGIN_PER_UNLOCK: Limit = Limit { max: 5, window_secs: 15 * 60 };
/// Wrong current passwords when changing one's password (per account).
pub const PASSWORD_CHANGE_PER_USER: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Verification codes sent per phone (registration and unlocking together).
pub const CODES_PER_PHONE: Limit = Limit { max: 5, window_secs: 3600 };
/// Verification codes requested per client address.
pub const CODES_PER_ADDRESS: Limit = Limit { max: 20, window_secs: 3600 };

/// The throttle key of a client address under `prefix`. An IPv6 address counts by its /64,
/// which one client usually holds whole (and could otherwise walk through).
pub fn address_key(prefix: &str, ip: Option<IpAddr>) -> String {
    let address = match ip {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => String::new(),
    };
    format!("{prefix}:{address}")
}

/// Counts one attempt against `key` if it is within its limit. Returns `None` when the attempt
/// may go ahead (and is now counted), or the seconds until the window ends when it may not.
///
/// One statement: the row lock (PostgreSQL) or the write lock (SQLite) orders concurrent
/// reservations, and each sees the count the previous one left. A refused attempt is not
/// counted (the upsert's `where` skips the update and returns no row), so the count never
/// passes the limit and an attempt given back with [`release`] is truly free again.
pub async fn reserve(conn: &mut Conn, key: &str, limit: Limit, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let taken: Option<i64> = sqlx::query_scalar(
        "insert into auth_throttle (throttle_key, window_start, failures) values ($1, $2, 1) \
         on conflict (throttle_key) do update set \
         failures = case when auth_throttle.window_start + $3 <= $2 then 1 else auth_throttle.failures + 1 end, \
         window_start = case when auth_throttle.window_start + $3 <= $2 then $2 else auth_throttle.window_start end \
         where auth_throttle.window_start + $3 <= $2 or auth_throttle.failures < $4 \
         returning failures",
    )
    .bind(key)
    .bind(now)
    .bind(limit.window_secs)
    .bind(limit.max)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let start: Option<i64> = sqlx::query_scalar("select window_start from auth_throttle where throttle_key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(Some(start.map_or(1, |s| u64::try_from(s + limit.window_secs - now).unwrap_or(1).max(1))))
}

/// Gives back one reserved attempt (the password was right, or the attempt never happened).
pub async fn release(conn: &mut Conn, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update auth_throttle set failures = failures - 1 where throttle_key = $1 and failures > 0")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets every attempt against `key` (after the phone's owner logged in).
pub async fn clear(conn: &mut Conn, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from auth_throttle where throttle_key = $1").bind(key).execute(conn).await?;
    Ok(())
}

/// Reserves an attempt against each key in turn; if one is over its limit, gives back the
/// ones already taken and returns the wait.
pub async fn reserve_all(conn: &mut Conn, keys: &[(&str, Limit)], now: i64) -> Result<Option<u64>, sqlx::Error> {
    for (i, (key, limit)) in keys.iter().enumerate() {
        if let Some(wait) = reserve(conn, key, *limit, now).await? {
            for (taken, _) in &keys[..i] {
                release(conn, taken).await?;
            }
            return Ok(Some(wait));
        }
    }
    Ok(None)
}

/// Gives back one attempt against each key.
pub async fn release_all(conn: &mut Conn, keys: &[(&str, Limit)]) -> Result<(), sqlx::Error> {
    for (key, _) in keys {
        release(conn, key).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_key_by_host_and_ipv6_by_its_network() {
        assert_eq!(address_key("login-ip", Some("10.1.2.3".parse().unwrap())), "login-ip:10.1.2.3");
        let a = address_key("x", Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = address_key("x", Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a, b, "one /64, one key");
        assert_eq!(a, "x:2001:db8:1:2::/64");
        assert_eq!(address_key("x", None), "x:");
    }
}

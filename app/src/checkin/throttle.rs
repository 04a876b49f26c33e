//! Self check-in guesses, limited per user and per client address in fixed windows. The counts
//! live in the database, so every instance sees the same ones.
//!
//! A guess is reserved before the code is compared — one statement that counts it and returns
//! the new count — so simultaneous guesses cannot all pass a check made before any of them was
//! counted. A right code gives its reservation back (a family checking in five tickets, a venue
//! full of residents behind one address, are not slowed down); only wrong ones use the budget.
//!
//! This is the login throttle's idea (`accounts::throttle`, which counts failures after the
//! fact) with the reservation made first; the two could share one module and table.

use std::net::IpAddr;

use crate::db::Conn;
use crate::ids::UserId;

/// A limit: at most `max` guesses per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Guesses allowed in one window.
    pub max: i64,
    /// Window length.
    pub window_secs: i64,
}

/// Wrong guesses per user: with two valid codes in a million, 10 in 15 minutes leave a
/// guesser one chance in 50,000.
pub const PER_USER: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Wrong guesses per client address (a venue's wireless network holds many residents).
pub const PER_ADDRESS: Limit = Limit { max: 100, window_secs: 15 * 60 };

/// Counts one guess against `key` and answers (window start, guesses in it, this one
/// included). One statement, so concurrent guesses each get their own count.
const RESERVE: &str = "insert into checkin_throttle (throttle_key, window_start, attempts) values ($1, $2, 1) \
     on conflict (throttle_key) do update set \
     attempts = case when checkin_throttle.window_start + $3 <= $2 then 1 else checkin_throttle.attempts + 1 end, \
     window_start = case when checkin_throttle.window_start + $3 <= $2 then $2 else checkin_throttle.window_start end \
     returning window_start, attempts";

/// Gives a guess back, unless its window has passed.
const REFUND: &str = "update checkin_throttle set attempts = attempts - 1 \
     where throttle_key = $1 and window_start = $2 and attempts > 0";

/// Guesses counted for one attempt, to give back when the code was right.
#[derive(Debug)]
pub struct Reserved(Vec<(String, i64)>);

/// The keys of a guess: the user, and the client address (an IPv6 address by its /64, which
/// one client usually holds whole).
pub fn keys(user: UserId, ip: Option<IpAddr>) -> [(String, Limit); 2] {
    let address = match ip {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => String::new(),
    };
    [(format!("checkin-user:{user}"), PER_USER), (format!("checkin-ip:{address}"), PER_ADDRESS)]
}

/// Reserves one guess under every key. `Err(seconds)`: a key is over its limit, try again
/// then (and nothing stays reserved).
pub async fn reserve(
    conn: &mut Conn,
    keys: &[(String, Limit)],
    now: i64,
) -> Result<Result<Reserved, u64>, sqlx::Error> {
    let mut reserved = Vec::with_capacity(keys.len());
    let mut wait: Option<i64> = None;
    for (key, limit) in keys {
        let (start, attempts): (i64, i64) =
            sqlx::query_as(RESERVE).bind(key).bind(now).bind(limit.window_secs).fetch_one(&mut *conn).await?;
        if attempts > limit.max {
            wait = Some(wait.unwrap_or(0).max(start + limit.window_secs - now));
        }
        reserved.push((key.clone(), start));
    }
    match wait {
        None => Ok(Ok(Reserved(reserved))),
        Some(seconds) => {
            // Not a guess after all: the code is not compared.
            give_back(conn, Reserved(reserved)).await?;
            Ok(Err(u64::try_from(seconds).unwrap_or(1).max(1)))
        }
    }
}

/// Gives reserved guesses back (the code was right, or was never compared).
pub async fn give_back(conn: &mut Conn, reserved: Reserved) -> Result<(), sqlx::Error> {
    for (key, start) in reserved.0 {
        sqlx::query(REFUND).bind(key).bind(start).execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_key_by_host_and_ipv6_by_its_network() {
        let [user, v4] = keys(UserId(7), Some("10.1.2.3".parse().unwrap()));
        assert_eq!((user.0.as_str(), v4.0.as_str()), ("checkin-user:7", "checkin-ip:10.1.2.3"));
        let [_, a] = keys(UserId(7), Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let [_, b] = keys(UserId(8), Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a.0, b.0, "one /64, one key");
        assert_eq!(a.0, "checkin-ip:2001:db8:1:2::/64");
    }
}

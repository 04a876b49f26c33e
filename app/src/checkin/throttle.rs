//! Self check-in guesses, limited per user and per client address in fixed windows, with the
//! accounts' throttle ([`accounts::login::throttle`](crate::accounts::login::throttle)): each guess is
//! reserved before the code is compared, so simultaneous guesses cannot all pass a check made
//! before any of them was counted. A right code gives its reservation back (a family checking
//! in five tickets, a venue full of residents behind one address, are not slowed down); only
//! wrong ones use the budget.

use std::net::IpAddr;

use crate::accounts::login::throttle::{self, Limit};
use crate::db::Conn;
use crate::ids::UserId;

/// Wrong guesses per user: with two valid codes in a million, 10 in 15 minutes leave a
/// guesser one chance in 50,000.
pub const PER_USER: Limit = Limit { max: 10, window_secs: 15 * 60 };
/// Wrong guesses per client address (a venue's wireless network holds many residents).
pub const PER_ADDRESS: Limit = Limit { max: 100, window_secs: 15 * 60 };

/// Guesses counted for one attempt, to give back when the code was right.
#[derive(Debug)]
pub struct Reserved([(String, Limit); 2]);

/// The keys of a guess: the user, and the client address.
pub fn keys(user: UserId, ip: Option<IpAddr>) -> [(String, Limit); 2] {
    [(format!("checkin-user:{user}"), PER_USER), (throttle::address_key("checkin-ip", ip), PER_ADDRESS)]
}

fn borrowed(keys: &[(String, Limit); 2]) -> [(&str, Limit); 2] {
    [(keys[0].0.as_str(), keys[0].1), (keys[1].0.as_str(), keys[1].1)]
}

/// Reserves one guess under every key. `Err(seconds)`: a key is over its limit, try again
/// then (and nothing stays reserved).
pub async fn reserve(
    conn: &mut Conn,
    keys: [(String, Limit); 2],
    now: i64,
) -> Result<Result<Reserved, u64>, sqlx::Error> {
    Ok(match throttle::reserve_all(conn, &borrowed(&keys), now).await? {
        None => Ok(Reserved(keys)),
        Some(wait) => Err(wait),
    })
}

/// Gives reserved guesses back (the code was right).
pub async fn give_back(conn: &mut Conn, reserved: Reserved) -> Result<(), sqlx::Error> {
    throttle::release_all(conn, &borrowed(&reserved.0)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guess_is_counted_against_its_user_and_address() {
        let [user, v4] = keys(UserId(7), Some("10.1.2.3".parse().unwrap()));
        assert_eq!((user.0.as_str(), v4.0.as_str()), ("checkin-user:7", "checkin-ip:10.1.2.3"));
    }
}

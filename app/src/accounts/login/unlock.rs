//! Unlocking a phone's logins with a texted code.
//!
//! Ten wrong passwords lock a phone for everyone for up to fifteen minutes, so anyone who knows
//! a number could keep its owner out for good with a few guesses every quarter hour. The owner
//! proves they hold the phone with a texted code and gets an unlock: a cookie, good for
//! [`UNLOCK_TTL_SECS`] on this browser only, that lets them try the password on a budget of
//! its own ([`LOGIN_PER_UNLOCK`](crate::accounts::login::throttle::LOGIN_PER_UNLOCK)) while the lock
//! keeps holding against everyone else. The password is still needed: a code alone never logs
//! anyone in.
//!
//! Codes are sent and throttled exactly like registration's ([`codes`]): a number without an
//! account is told so by text, and the pages read the same either way.

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::accounts::login::codes::{self, Purpose};
use crate::accounts::model::Phone;
use crate::accounts::store;
use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::db::Conn;
use crate::error::AppResult;
use crate::web::client::is_https;
use crate::web::i18n::Locale;

/// The cookie holding an unlock.
pub const UNLOCK_COOKIE: &str = "ejia_unlock";
/// How long an unlock lasts: as long as the lock it lifts.
pub const UNLOCK_TTL_SECS: i64 = 15 * 60;

/// Step one: texts a code to the phone (or, to a number without an account, a text saying so).
pub async fn start(state: &AppState, phone: &Phone, ip: Option<IpAddr>, locale: Locale) -> AppResult<String> {
    codes::send(state, phone, ip, Purpose::Unlock, locale).await
}

/// Step two: checks the code; returns the unlock cookie's value.
pub async fn complete(state: &AppState, token: &str, code: &str) -> AppResult<String> {
    let mut conn = state.db.conn().await?;
    let pending = codes::pending(state, &mut conn, token, Purpose::Unlock).await?;
    codes::guess(state, &mut conn, &pending, code).await?;
    let index = state.keys.phone_index(pending.phone.as_str());
    // A number without an account has nothing to unlock: the same answer as a wrong code.
    if store::user_id_by_phone(&mut conn, &index).await?.is_none() {
        return Err(codes::wrong_code());
    }
    drop(conn);
    let now = state.clock.unix();
    let unlock = random_token();
    let mut tx = state.db.begin().await?;
    if !codes::consume(&mut tx, &pending, now).await? {
        return Err(codes::wrong_code());
    }
    sqlx::query("delete from login_unlocks where expires_at <= $1").bind(now).execute(&mut *tx).await?;
    sqlx::query("insert into login_unlocks (unlock_hash, phone_index, created_at, expires_at) values ($1, $2, $3, $4)")
        .bind(sha256_hex(&unlock))
        .bind(&index)
        .bind(now)
        .bind(now + UNLOCK_TTL_SECS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(unlock)
}

/// The throttle key of a live unlock of `phone_index` held in `cookie`, if it is one.
pub async fn key(conn: &mut Conn, cookie: Option<&str>, phone_index: &str, now: i64) -> AppResult<Option<String>> {
    let Some(cookie) = cookie else { return Ok(None) };
    let hash = sha256_hex(cookie);
    let live: Option<i64> = sqlx::query_scalar(
        "select 1 from login_unlocks where unlock_hash = $1 and phone_index = $2 and expires_at > $3",
    )
    .bind(&hash)
    .bind(phone_index)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(live.map(|_| format!("login-unlock:{hash}")))
}

/// Ends an unlock (its owner has logged in).
pub async fn end(conn: &mut Conn, cookie: &str) -> AppResult<()> {
    sqlx::query("delete from login_unlocks where unlock_hash = $1").bind(sha256_hex(cookie)).execute(conn).await?;
    Ok(())
}

/// The `Set-Cookie` of an unlock: sent only to the login pages.
pub fn cookie(state: &AppState, headers: &HeaderMap, value: String) -> Cookie<'static> {
    Cookie::build((UNLOCK_COOKIE, value))
        .path("/login")
        .http_only(true)
        .secure(is_https(headers, &state.config))
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(UNLOCK_TTL_SECS))
        .build()
}

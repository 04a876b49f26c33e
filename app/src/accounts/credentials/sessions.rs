//! Server-side sessions, so any ejia instance can serve any request.
//!
//! The cookie holds 256 random bits; the database holds only their SHA-256, so a copy of the
//! database cannot be used to log in. Sessions slide: each use extends them (written at most
//! every few minutes), up to an absolute limit.

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, SameSite};
use sqlx::Row as _;

use crate::accounts::model::CurrentUser;
use crate::app::AppState;
use crate::authz::{Grant, Principal, Role, Scope};
use crate::crypto::{random_token, sha256_hex};
use crate::db::Conn;
use crate::error::AppResult;
use crate::ids::{CommunityId, UserId};
use crate::web::client::is_https;
use crate::web::i18n::Locale;
use crate::web::{SESSION_COOKIE, csrf::time_days};

/// A session ends after this long without use.
pub const IDLE_SECS: i64 = 14 * 24 * 3600;
/// And after this long whatever happens.
pub const ABSOLUTE_SECS: i64 = 90 * 24 * 3600;
/// Activity is written back at most this often.
const TOUCH_SECS: i64 = 300;

/// The user of a session cookie, if the session is live.
pub async fn current_user(state: &AppState, cookie: &str) -> AppResult<Option<CurrentUser>> {
    let now = state.clock.unix();
    let id = sha256_hex(cookie);
    let mut conn = state.db.conn().await?;
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "select user_id, created_at, last_seen_at from sessions where session_id = $1 and expires_at > $2",
    )
    .bind(&id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user_id, created, last_seen)) = row else { return Ok(None) };
    if now - last_seen > TOUCH_SECS {
        let expires = (now + IDLE_SECS).min(created + ABSOLUTE_SECS);
        sqlx::query("update sessions set last_seen_at = $1, expires_at = $2 where session_id = $3")
            .bind(now)
            .bind(expires)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(load_user(&mut conn, UserId(user_id)).await?)
}

/// A user with their grants and unread count, in one statement (one row per grant; a user
/// without grants gives one row of NULLs). `{from_where}` names the user `u`.
///
/// The unread count is the header's badge on every signed-in page. It is counted here, in
/// the statement that loads the session anyway, rather than cached per session: no second
/// round trip, no staleness after reading the inbox or a new notice, and the count reads only
/// the unread notices' index entries (`notifications_unread_idx`), a handful per user.
fn user_with_grants(from_where: &str) -> String {
    format!(
        "select u.user_id, u.display_name, u.phone_masked, u.community_id, u.locale, u.large_text, \
         (select count(*) from notifications n where n.user_id = u.user_id and n.read_at is null) as unread, \
         g.role, g.scope_kind, g.scope_id {from_where} and u.disabled_at is null order by g.role_grant_id"
    )
}

fn user_from_rows(rows: &[sqlx::any::AnyRow]) -> Result<Option<CurrentUser>, sqlx::Error> {
    let Some(first) = rows.first() else { return Ok(None) };
    let user_id = UserId(first.try_get("user_id")?);
    let mut grants = Vec::new();
    for row in rows {
        let role: Option<String> = row.try_get("role")?;
        let kind: Option<String> = row.try_get("scope_kind")?;
        let scope_id: Option<i64> = row.try_get("scope_id")?;
        // Rows written by this code always parse; anything else is skipped, never widened.
        if let (Some(role), Some(scope)) = (
            role.as_deref().and_then(Role::parse),
            kind.as_deref().zip(scope_id).and_then(|(k, i)| Scope::from_parts(k, i)),
        ) {
            grants.push(Grant { role, scope });
        }
    }
    let locale: Option<String> = first.try_get("locale")?;
    Ok(Some(CurrentUser {
        id: user_id,
        display_name: first.try_get("display_name")?,
        phone_masked: first.try_get("phone_masked")?,
        community_id: first.try_get::<Option<i64>, _>("community_id")?.map(CommunityId),
        locale: locale.as_deref().and_then(Locale::from_tag),
        large_text: first.try_get::<i64, _>("large_text")? == 1,
        principal: Principal::new(user_id, grants),
        unread: first.try_get("unread")?,
    }))
}

/// A live (not disabled) user with their grants.
pub async fn load_user(conn: &mut Conn, user_id: UserId) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = user_with_grants("from users u left join role_grants g on g.user_id = u.user_id where u.user_id = $1");
    let rows = sqlx::query(&sql).bind(user_id.0).fetch_all(conn).await?;
    user_from_rows(&rows)
}

/// The live user behind an API token (stored as its SHA-256), with their grants.
pub async fn user_by_api_token(conn: &mut Conn, token_hash: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let sql = user_with_grants(
        "from api_tokens t join users u on u.user_id = t.user_id left join role_grants g on g.user_id = u.user_id \
         where t.token_hash = $1 and t.revoked_at is null",
    );
    let rows = sqlx::query(&sql).bind(token_hash).fetch_all(conn).await?;
    user_from_rows(&rows)
}

/// Starts a session; returns the cookie value. Any session the browser held before is ended
/// by the caller, so a fixed session id can never be promoted to a logged-in one.
pub async fn start(conn: &mut Conn, user: UserId, now: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    sqlx::query(
        "insert into sessions (session_id, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)",
    )
    .bind(sha256_hex(&token))
    .bind(user.0)
    .bind(now)
    .bind(now + IDLE_SECS)
    .execute(&mut *conn)
    .await?;
    // Opportunistic cleanup keeps the table small without a background job.
    sqlx::query("delete from sessions where expires_at <= $1").bind(now).execute(conn).await?;
    Ok(token)
}

/// Ends the session behind a cookie value.
pub async fn end(conn: &mut Conn, cookie: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where session_id = $1").bind(sha256_hex(cookie)).execute(conn).await?;
    Ok(())
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn end_others(conn: &mut Conn, user: UserId, keep: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where user_id = $1 and session_id <> $2")
        .bind(user.0)
        .bind(keep.map(sha256_hex).unwrap_or_default())
        .execute(conn)
        .await?;
    Ok(())
}

/// The `Set-Cookie` for a new session.
pub fn cookie(state: &AppState, headers: &HeaderMap, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(is_https(headers, &state.config))
        .same_site(SameSite::Lax)
        .max_age(time_days(IDLE_SECS / 86_400))
        .build()
}

/// The `Set-Cookie` that removes the session cookie.
pub fn removal() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, "")).path("/").max_age(time_days(0)).build()
}

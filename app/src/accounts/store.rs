//! SQL for users, role grants, sessions and API tokens.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::authz::{Grant, Role, Scope};
use crate::db::Conn;
use crate::ids::{CommunityId, StreetId, UserId};

use super::model::{ApiToken, User};

type Result<T> = std::result::Result<T, sqlx::Error>;

/// A new account's stored fields.
pub struct NewUser<'a> {
    /// Blind index of the phone.
    pub phone_index: &'a str,
    /// Encrypted phone.
    pub phone_sealed: &'a str,
    /// Masked phone.
    pub phone_masked: &'a str,
    /// Display name.
    pub display_name: &'a str,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Argon2id PHC string; None until the person sets a password.
    pub password_hash: Option<&'a str>,
}

/// Inserts a user; fails with a unique violation when the phone is taken.
pub async fn insert_user(conn: &mut Conn, u: &NewUser<'_>, now: i64) -> Result<UserId> {
    let id: i64 = sqlx::query_scalar(
        "insert into users (phone_index, phone_sealed, phone_masked, display_name, community_id, password_hash, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning user_id",
    )
    .bind(u.phone_index)
    .bind(u.phone_sealed)
    .bind(u.phone_masked)
    .bind(u.display_name)
    .bind(u.community_id.map(|c| c.0))
    .bind(u.password_hash)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(UserId(id))
}

/// Credentials for a phone: (user, password hash), for login. Disabled accounts are absent.
pub async fn credentials_by_phone(conn: &mut Conn, phone_index: &str) -> Result<Option<(UserId, Option<String>)>> {
    let row = sqlx::query("select user_id, password_hash from users where phone_index = $1 and disabled_at is null")
        .bind(phone_index)
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((UserId(r.try_get("user_id")?), r.try_get("password_hash")?))).transpose()
}

/// The user id for a phone, disabled or not.
pub async fn user_id_by_phone(conn: &mut Conn, phone_index: &str) -> Result<Option<UserId>> {
    let id: Option<i64> = sqlx::query_scalar("select user_id from users where phone_index = $1")
        .bind(phone_index)
        .fetch_optional(conn)
        .await?;
    Ok(id.map(UserId))
}

/// The password hash of a user.
pub async fn password_hash(conn: &mut Conn, id: UserId) -> Result<Option<String>> {
    let hash: Option<Option<String>> = sqlx::query_scalar("select password_hash from users where user_id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    Ok(hash.flatten())
}

/// The sealed phone of a user.
pub async fn phone_sealed(conn: &mut Conn, id: UserId) -> Result<Option<String>> {
    sqlx::query_scalar("select phone_sealed from users where user_id = $1").bind(id.0).fetch_optional(conn).await
}

const USER_COLUMNS: &str = "u.user_id, u.display_name, u.phone_masked, u.community_id, \
     (case when u.password_hash is not null and u.disabled_at is null then 1 else 0 end) as can_log_in, u.created_at";

fn user_from(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId(row.try_get("user_id")?),
        display_name: row.try_get("display_name")?,
        phone_masked: row.try_get("phone_masked")?,
        community_id: row.try_get::<Option<i64>, _>("community_id")?.map(CommunityId),
        can_log_in: row.try_get::<i64, _>("can_log_in")? == 1,
        created_at: row.try_get("created_at")?,
    })
}

/// One user.
pub async fn user(conn: &mut Conn, id: UserId) -> Result<Option<User>> {
    let sql = format!("select {USER_COLUMNS} from users u where u.user_id = $1");
    let row = sqlx::query(&sql).bind(id.0).fetch_optional(conn).await?;
    row.as_ref().map(user_from).transpose()
}

/// Filter for the user list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Only residents of this street (street admins).
    pub street: Option<StreetId>,
    /// Exact phone (blind index), when searching by phone.
    pub phone_index: Option<String>,
    /// Part of the display name.
    pub name_contains: Option<String>,
}

/// Users, newest first, older than `before` (0: from the newest).
pub async fn list_users(conn: &mut Conn, f: &UserFilter, before: i64, limit: i64) -> Result<Vec<User>> {
    let sql = format!(
        "select {USER_COLUMNS} from users u left join communities c on c.community_id = u.community_id \
         where ($1 = 0 or c.street_id = $1) and ($2 = '' or u.phone_index = $2) \
         and ($3 = '' or u.display_name like $3) and ($4 = 0 or u.user_id < $4) \
         order by u.user_id desc limit $5"
    );
    let like = f.name_contains.as_deref().map(|n| format!("%{}%", escape_like(n))).unwrap_or_default();
    let rows = sqlx::query(&sql)
        .bind(f.street.map_or(0, |s| s.0))
        .bind(f.phone_index.clone().unwrap_or_default())
        .bind(like)
        .bind(before)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(user_from).collect()
}

/// Neutralises LIKE wildcards in user input (both engines treat `_` and `%` specially; we
/// simply drop them, which is what a person searching a name expects).
fn escape_like(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect()
}

/// Changes name and home community.
pub async fn update_profile(
    conn: &mut Conn,
    id: UserId,
    name: &str,
    community: Option<CommunityId>,
    now: i64,
) -> Result<()> {
    sqlx::query("update users set display_name = $1, community_id = $2, updated_at = $3 where user_id = $4")
        .bind(name)
        .bind(community.map(|c| c.0))
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the password hash.
pub async fn set_password(conn: &mut Conn, id: UserId, hash: &str, now: i64) -> Result<()> {
    sqlx::query("update users set password_hash = $1, updated_at = $2 where user_id = $3")
        .bind(hash)
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores language and display preferences.
pub async fn set_preferences(
    conn: &mut Conn,
    id: UserId,
    locale: Option<&str>,
    large_text: Option<bool>,
) -> Result<()> {
    sqlx::query(
        "update users set locale = coalesce($1, locale), \
         large_text = (case when $2 < 0 then large_text else $2 end) where user_id = $3",
    )
    .bind(locale)
    .bind(large_text.map_or(-1i64, i64::from))
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a member of staff gets the daily digest of their queues by text (`notify::digest`).
pub async fn staff_digest(conn: &mut Conn, id: UserId) -> Result<bool> {
    let on: Option<i64> =
        sqlx::query_scalar("select staff_digest from users where user_id = $1").bind(id.0).fetch_optional(conn).await?;
    Ok(on == Some(1))
}

/// Turns the daily digest on or off.
pub async fn set_staff_digest(conn: &mut Conn, id: UserId, on: bool) -> Result<()> {
    sqlx::query("update users set staff_digest = $1 where user_id = $2")
        .bind(i64::from(on))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// A user's grants.
pub async fn grants(conn: &mut Conn, id: UserId) -> Result<Vec<Grant>> {
    let rows =
        sqlx::query("select role, scope_kind, scope_id from role_grants where user_id = $1 order by role_grant_id")
            .bind(id.0)
            .fetch_all(conn)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let role: String = row.try_get("role")?;
        let kind: String = row.try_get("scope_kind")?;
        let scope_id: i64 = row.try_get("scope_id")?;
        // Rows written by this code always parse; anything else is skipped, never widened.
        if let (Some(role), Some(scope)) = (Role::parse(&role), Scope::from_parts(&kind, scope_id)) {
            out.push(Grant { role, scope });
        }
    }
    Ok(out)
}

/// Adds a grant; returns false when the user already had it.
pub async fn insert_grant(conn: &mut Conn, id: UserId, g: Grant, by: Option<UserId>, now: i64) -> Result<bool> {
    let (kind, scope_id) = g.scope.to_parts();
    let done = sqlx::query(
        "insert into role_grants (user_id, role, scope_kind, scope_id, granted_by, created_at) values ($1, $2, $3, $4, $5, $6) \
         on conflict (user_id, role, scope_kind, scope_id) do nothing",
    )
    .bind(id.0)
    .bind(g.role.as_str())
    .bind(kind)
    .bind(scope_id)
    .bind(by.map(|u| u.0))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a grant; returns false when the user did not have it.
pub async fn delete_grant(conn: &mut Conn, id: UserId, g: Grant) -> Result<bool> {
    let (kind, scope_id) = g.scope.to_parts();
    let done =
        sqlx::query("delete from role_grants where user_id = $1 and role = $2 and scope_kind = $3 and scope_id = $4")
            .bind(id.0)
            .bind(g.role.as_str())
            .bind(kind)
            .bind(scope_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates an API token (stored hashed); returns its id.
pub async fn insert_token(
    conn: &mut Conn,
    user: UserId,
    token_hash: &str,
    label: &str,
    long_lived: bool,
    now: i64,
) -> Result<i64> {
    sqlx::query_scalar(
        "insert into api_tokens (user_id, token_hash, label, created_at, long_lived) values ($1, $2, $3, $4, $5) \
         returning api_token_id",
    )
    .bind(user.0)
    .bind(token_hash)
    .bind(label)
    .bind(now)
    .bind(i64::from(long_lived))
    .fetch_one(conn)
    .await
}

/// A user's live API tokens, newest first.
pub async fn live_tokens(conn: &mut Conn, user: UserId) -> Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "select api_token_id, label, created_at, long_lived from api_tokens \
         where user_id = $1 and revoked_at is null order by api_token_id desc",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.try_get("api_token_id")?,
                label: r.try_get("label")?,
                created_at: r.try_get("created_at")?,
                long_lived: r.try_get::<i64, _>("long_lived")? == 1,
            })
        })
        .collect()
}

/// Revokes one of a user's tokens; false if they have no such live token.
pub async fn revoke_token(conn: &mut Conn, user: UserId, token: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "update api_tokens set revoked_at = $1 where api_token_id = $2 and user_id = $3 and revoked_at is null",
    )
    .bind(now)
    .bind(token)
    .bind(user.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live token of a user that is not a long-lived service token; how many.
pub async fn revoke_short_lived_tokens(conn: &mut Conn, user: UserId, now: i64) -> Result<u64> {
    let done = sqlx::query(
        "update api_tokens set revoked_at = $1 where user_id = $2 and revoked_at is null and long_lived = 0",
    )
    .bind(now)
    .bind(user.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The generation of a user's calendar feed URL (None: no such live user).
pub async fn feed_generation(conn: &mut Conn, user: UserId) -> Result<Option<i64>> {
    sqlx::query_scalar("select feed_generation from users where user_id = $1 and disabled_at is null")
        .bind(user.0)
        .fetch_optional(conn)
        .await
}

/// Moves a user's calendar feed to a new URL; returns the new generation.
pub async fn rotate_feed(conn: &mut Conn, user: UserId, now: i64) -> Result<i64> {
    sqlx::query_scalar(
        "update users set feed_generation = feed_generation + 1, updated_at = $1 where user_id = $2 \
         returning feed_generation",
    )
    .bind(now)
    .bind(user.0)
    .fetch_one(conn)
    .await
}

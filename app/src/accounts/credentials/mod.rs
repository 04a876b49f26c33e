//! What a person holds besides their password: API tokens and the private calendar URL.
//!
//! Tokens are shown once and stored as their SHA-256. Each has a name so its owner can tell
//! them apart, is listed and revoked on the site and through the API, and ends when its owner
//! changes their password — unless an administrator made it as a long-lived service token
//! (an integration that must not stop because a person changed a password). Revoking reaches
//! this instance at once and others within the token cache's
//! [`TTL_MS`](crate::accounts::credentials::tokens::TTL_MS).
//!
//! The calendar URL is a MAC, so it needs no storage; rotating it bumps a per-user number the
//! MAC covers, and every earlier URL stops working.

//!
//! The folder: `password` (Argon2id hashing, bounded), `sessions` (the site's cookie sessions),
//! `tokens` (API bearer tokens and their cache), this module (listing, naming and revoking
//! them, the calendar URL) and `pages` (the person's own page for them).

pub mod pages;
pub mod password;
pub mod sessions;
pub mod tokens;

use crate::accounts::model::{ApiToken, MAX_API_TOKENS, parse_token_label};
use crate::accounts::store;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::crypto::{random_token, sha256_hex};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;

/// A new token, shown to its owner this once.
#[derive(Debug)]
pub struct NewToken {
    /// Its id.
    pub id: i64,
    /// The token itself.
    pub token: String,
}

/// Creates an API token for `user` named `label`. `actor` is who asked (None: the command
/// line); only administrators' requests may make it `long_lived`, which the caller checks.
pub async fn issue(
    state: &AppState,
    actor: Option<UserId>,
    user: UserId,
    label: &str,
    long_lived: bool,
) -> AppResult<NewToken> {
    let label = parse_token_label(label).map_err(|e| AppError::Invalid(vec![e]))?;
    let token = format!("ejia_{}", random_token());
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if store::live_tokens(&mut tx, user).await?.len() as i64 >= MAX_API_TOKENS {
        return Err(AppError::Rule("tokens.too_many"));
    }
    let id = store::insert_token(&mut tx, user, &sha256_hex(&token), &label, long_lived, now).await?;
    let after = serde_json::json!({ "token": id, "label": label, "long_lived": long_lived });
    audit::record(&mut tx, now, actor, "api_token.create", Change::new("user", user.0, None).after(&after)).await?;
    tx.commit().await?;
    Ok(NewToken { id, token })
}

/// Creates a personal API token (the command line, tests): ends with a password change.
pub async fn create_api_token(state: &AppState, user: UserId, label: &str) -> AppResult<String> {
    Ok(issue(state, None, user, label, false).await?.token)
}

/// A user's live tokens.
pub async fn list(state: &AppState, user: UserId) -> AppResult<Vec<ApiToken>> {
    Ok(store::live_tokens(&mut *state.db.conn().await?, user).await?)
}

/// Revokes one of the user's own tokens; 404 if they hold no such live token.
pub async fn revoke(state: &AppState, user: UserId, token: i64) -> AppResult<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if !store::revoke_token(&mut tx, user, token, now).await? {
        return Err(AppError::NotFound);
    }
    let before = serde_json::json!({ "token": token });
    audit::record(&mut tx, now, user, "api_token.revoke", Change::new("user", user.0, None).before(&before)).await?;
    tx.commit().await?;
    state.tokens.forget_user(user);
    Ok(())
}

/// The path of a user's private calendar feed.
pub async fn feed_path(state: &AppState, user: UserId) -> AppResult<String> {
    let generation = store::feed_generation(&mut *state.db.conn().await?, user).await?.ok_or(AppError::NotFound)?;
    Ok(format!("/calendar/{}.ics", state.keys.feed_token(user.0, generation)))
}

/// The user whose calendar feed `token` is, if it is their current one.
pub async fn feed_user(state: &AppState, token: &str) -> AppResult<Option<UserId>> {
    let Some(user) = crate::crypto::Keys::feed_claim(token) else { return Ok(None) };
    let generation = store::feed_generation(&mut *state.db.conn().await?, UserId(user)).await?;
    Ok(generation.filter(|g| state.keys.feed_token_is(token, user, *g)).map(|_| UserId(user)))
}

/// Gives the user's calendar feed a new URL; the old one stops working.
pub async fn rotate_feed(state: &AppState, user: UserId) -> AppResult<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let generation = store::rotate_feed(&mut tx, user, now).await?;
    let after = serde_json::json!({ "calendar_feed_generation": generation });
    audit::record(&mut tx, now, user, "user.rotate_feed", Change::new("user", user.0, None).after(&after)).await?;
    tx.commit().await?;
    Ok(())
}

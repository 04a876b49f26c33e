//! Self-registration with a verified phone number.
//!
//! Step one sends a six-digit code to the phone; step two takes the code with a password and,
//! if they like, the person's name and community (both can wait for the profile page). The page after step one reads the same whether or not the
//! number already has an account: the owner of a registered number gets a text saying so
//! instead of a code. So nobody learns who is registered without holding the phone.

use std::net::IpAddr;

use crate::accounts::credentials::sessions;
use crate::accounts::login::codes::{self, Purpose};
use crate::accounts::model::{Phone, check_new_password, parse_display_name};
use crate::accounts::service::{self, NewAccount, RESIDENT};
use crate::accounts::store;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::ids::{CommunityId, UserId};
use crate::web::i18n::Locale;

/// Step one: sends a code (or a "you already have an account" text). Returns the token that
/// identifies this verification in step two.
pub async fn start(state: &AppState, phone: &Phone, ip: Option<IpAddr>, locale: Locale) -> AppResult<String> {
    codes::send(state, phone, ip, Purpose::Register, locale).await
}

/// Step two as submitted.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Token from step one.
    pub token: String,
    /// The code from the text.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Password.
    pub password: String,
    /// The page's language, for the name given when none is typed.
    pub locale: Locale,
}

/// Step two: checks the code and creates the account; returns the user and a session.
pub async fn complete(state: &AppState, c: Completion) -> AppResult<(UserId, String)> {
    let mut errors = Vec::new();
    let mut conn = state.db.conn().await?;
    let pending = codes::pending(state, &mut conn, &c.token, Purpose::Register).await?;
    // Name and community may wait (the profile page sets them): without a name, the account
    // is called after the phone's last four digits, e.g. 居民5678.
    let name = match c.name.trim() {
        "" => Some(default_name(&pending.phone, c.locale)),
        typed => parse_display_name(typed).map_err(|e| errors.push(e)).ok(),
    };
    if let Err(e) = check_new_password("password", &c.password, Some(&pending.phone)) {
        errors.push(e);
    }
    if !errors.is_empty() {
        // Field mistakes do not use up a guess.
        return Err(AppError::Invalid(errors));
    }
    // A place for the password's hash is taken before the guess, so a busy server refuses
    // without spending one of the code's guesses.
    let place = state.hashing.admit()?;
    codes::guess(state, &mut conn, &pending, &c.code).await?;
    let index = state.keys.phone_index(pending.phone.as_str());
    if store::user_id_by_phone(&mut conn, &index).await?.is_some() {
        return Err(codes::wrong_code());
    }
    drop(conn);
    // Hash outside any transaction: it takes tens of milliseconds and SQLite has one writer.
    let password_hash = state.hashing.hash(place, c.password).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if !codes::consume(&mut tx, &pending, now).await? {
        return Err(codes::wrong_code());
    }
    let account = NewAccount {
        phone: pending.phone,
        display_name: name.unwrap_or_default(),
        community_id: c.community_id,
        password_hash: Some(password_hash),
    };
    let user = match service::create_account(state, &mut tx, None, account, &[RESIDENT]).await {
        // Registered by someone else between the two steps: same answer as a wrong code.
        Err(AppError::Invalid(fields)) if fields.iter().any(|f| f.field == "phone") => return Err(codes::wrong_code()),
        other => other?,
    };
    let session = sessions::start(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok((user, session))
}

/// The name of an account registered without one: 居民 and the phone's last four digits.
pub fn default_name(phone: &Phone, locale: Locale) -> String {
    let digits = phone.as_str();
    let last4 = &digits[digits.len().saturating_sub(4)..];
    crate::web::i18n::tf(locale, "register.default_name", &[("digits", last4)])
}

//! Self-registration with a verified phone number.
//!
//! Step one sends a six-digit code to the phone; step two takes the code with the person's
//! name, community and password. The page after step one reads the same whether or not the
//! number already has an account: the owner of a registered number gets a text saying so
//! instead of a code. So nobody learns who is registered without holding the phone.

use std::net::IpAddr;

use rand::Rng as _;
use sqlx::Row as _;

use crate::accounts::model::{Phone, check_new_password, parse_display_name};
use crate::accounts::service::{self, NewAccount, RESIDENT};
use crate::accounts::throttle::{self, CODES_PER_ADDRESS, CODES_PER_PHONE};
use crate::accounts::{password, sessions, store};
use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, UserId};
use crate::notify;
use crate::web::i18n::{self, Locale};

/// A code is good for ten minutes.
pub const CODE_TTL_SECS: i64 = 600;
/// Wrong guesses allowed per code.
pub const MAX_ATTEMPTS: i64 = 5;

fn code_hash(token: &str, code: &str) -> String {
    sha256_hex(&format!("{token}:{code}"))
}

/// Step one: sends a code (or a "you already have an account" text). Returns the token that
/// identifies this verification in step two.
pub async fn start(state: &AppState, phone: &Phone, ip: Option<IpAddr>, locale: Locale) -> AppResult<String> {
    let now = state.clock.unix();
    let index = state.keys.phone_index(phone.as_str());
    let phone_key = format!("code-phone:{index}");
    let ip_key = format!("code-ip:{}", ip.map(|i| i.to_string()).unwrap_or_default());
    let mut tx = state.db.begin().await?;
    for (key, limit) in [(&phone_key, CODES_PER_PHONE), (&ip_key, CODES_PER_ADDRESS)] {
        if let Some(retry_after) = throttle::blocked_for(&mut tx, key, limit, now).await? {
            return Err(AppError::TooManyRequests { retry_after });
        }
        throttle::hit(&mut tx, key, limit, now).await?;
    }
    let registered = store::user_id_by_phone(&mut tx, &index).await?.is_some();
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let token = random_token();
    let sealed = state.keys.seal(phone.as_str());
    sqlx::query(
        "insert into verifications (token_hash, purpose, phone_index, phone_sealed, code_hash, created_at, expires_at) \
         values ($1, 'register', $2, $3, $4, $5, $6)",
    )
    .bind(sha256_hex(&token))
    .bind(&index)
    .bind(&sealed)
    .bind(code_hash(&token, &code))
    .bind(now)
    .bind(now + CODE_TTL_SECS)
    .execute(&mut *tx)
    .await?;
    if registered {
        let body = i18n::t(locale, "sms.already_registered");
        notify::queue_sms(&mut tx, &sealed, &phone.masked(), body, now).await?;
    } else {
        // The outbox keeps the code sealed until the gateway has it, masked after.
        let text = i18n::tf(locale, "sms.register_code", &[("code", &code)]);
        let masked = i18n::tf(locale, "sms.register_code", &[("code", "******")]);
        let secret = notify::SecretText { text: &text, masked: &masked, expires_at: now + CODE_TTL_SECS };
        notify::queue_secret_sms(&mut tx, &state.keys, &sealed, &phone.masked(), secret, now).await?;
    }
    tx.commit().await?;
    Ok(token)
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
}

fn wrong_code() -> AppError {
    AppError::Invalid(vec![FieldError { field: "code", key: "form.code_wrong" }])
}

/// Step two: checks the code and creates the account; returns the user and a session.
pub async fn complete(state: &AppState, c: Completion) -> AppResult<(UserId, String)> {
    let mut errors = Vec::new();
    let name = parse_display_name(&c.name).map_err(|e| errors.push(e)).ok();
    if c.community_id.is_none() {
        errors.push(FieldError { field: "community_id", key: "form.required" });
    }
    let now = state.clock.unix();
    let token_hash = sha256_hex(&c.token);
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "select verification_id, phone_sealed, code_hash, attempts, expires_at from verifications \
         where token_hash = $1 and purpose = 'register' and consumed_at is null",
    )
    .bind(&token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Err(wrong_code()) };
    let id: i64 = row.try_get("verification_id")?;
    let attempts: i64 = row.try_get("attempts")?;
    let expires: i64 = row.try_get("expires_at")?;
    if attempts >= MAX_ATTEMPTS || expires <= now {
        return Err(AppError::Invalid(vec![FieldError { field: "code", key: "form.code_expired" }]));
    }
    let phone = state.keys.open(&row.try_get::<String, _>("phone_sealed")?).ok().and_then(|p| Phone::parse(&p));
    let Some(phone) = phone else { return Err(wrong_code()) };
    if let Err(e) = check_new_password("password", &c.password, Some(&phone)) {
        errors.push(e);
    }
    if !errors.is_empty() {
        // Field mistakes do not use up a guess.
        return Err(AppError::Invalid(errors));
    }
    sqlx::query("update verifications set attempts = attempts + 1 where verification_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let stored: String = row.try_get("code_hash")?;
    let registered = store::user_id_by_phone(&mut tx, &state.keys.phone_index(phone.as_str())).await?.is_some();
    // The guess is counted whatever happens next.
    tx.commit().await?;
    if stored != code_hash(&c.token, c.code.trim()) || registered {
        return Err(wrong_code());
    }
    // Hash outside any transaction: it takes tens of milliseconds and SQLite has one writer.
    let password_hash = password::hash(c.password).await?;
    let mut tx = state.db.begin().await?;
    let consumed =
        sqlx::query("update verifications set consumed_at = $1 where verification_id = $2 and consumed_at is null")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if consumed.rows_affected() != 1 {
        return Err(wrong_code());
    }
    let account = NewAccount {
        phone,
        display_name: name.unwrap_or_default(),
        community_id: c.community_id,
        password_hash: Some(password_hash),
    };
    let user = match service::create_account(state, &mut tx, None, account, &[RESIDENT]).await {
        // Registered by someone else between the two steps: same answer as a wrong code.
        Err(AppError::Invalid(fields)) if fields.iter().any(|f| f.field == "phone") => return Err(wrong_code()),
        other => other?,
    };
    let session = sessions::start(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok((user, session))
}

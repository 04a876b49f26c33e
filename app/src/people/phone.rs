//! A family member's own phone (代预约 for a parent who has a phone of their own), proved by a
//! code texted to it, so that the reminder of a booking made for them reaches the person who
//! attends (`notify`'s worker asks [`reminder_phone`](crate::people::reminder_phone)).
//!
//! The code is six digits, good for [`CODE_TTL_SECS`] and [`MAX_ATTEMPTS`] guesses, stored
//! only as a salted hash and deleted once used; its text sits sealed in the outbox until the
//! gateway has it. Sending shares the per-phone hourly limit of registration and unlock codes
//! (so nobody can text a number more through this form) and has a per-account limit.

use rand::Rng as _;

use crate::accounts::Phone;
use crate::accounts::login::throttle::{self, CODES_PER_PHONE, Limit};
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::crypto::{random_token, sha256_hex};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::UserId;
use crate::people::model::{Person, Relation};
use crate::people::store::{self, PhoneCode};
use crate::web::i18n::{self, Locale};

/// A code is good for ten minutes.
pub const CODE_TTL_SECS: i64 = 600;
/// Wrong guesses allowed per code.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes one account may have texted to its family members' phones in an hour.
const CODES_PER_ACCOUNT: Limit = Limit { max: 10, window_secs: 3600 };

fn invalid(field: &'static str, key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError { field, key }])
}

/// One of the owner's family members (not their own record: their own phone is the account's).
pub async fn family_member(state: &AppState, owner: UserId, person: i64) -> AppResult<Person> {
    let p = store::get(&mut *state.db.conn().await?, owner, person).await?.ok_or(AppError::NotFound)?;
    if p.relation == Relation::Myself {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// Texts a code to `raw`, the number to add to `person`.
pub async fn send_code(state: &AppState, owner: UserId, person: i64, raw: &str, locale: Locale) -> AppResult<()> {
    let p = family_member(state, owner, person).await?;
    let phone = Phone::parse(raw).ok_or_else(|| invalid("phone", "form.phone_invalid"))?;
    let now = state.clock.unix();
    let phone_key = format!("code-phone:{}", state.keys.phone_index(phone.as_str()));
    let owner_key = format!("person-phone-codes:{}", owner.0);
    let keys = [(phone_key.as_str(), CODES_PER_PHONE), (owner_key.as_str(), CODES_PER_ACCOUNT)];
    if let Some(retry_after) = throttle::reserve_all(&mut *state.db.conn().await?, &keys, now).await? {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let salt = random_token();
    let sealed = state.keys.seal(phone.as_str());
    let stored = PhoneCode {
        phone_sealed: sealed.clone(),
        phone_masked: phone.masked(),
        code_hash: sha256_hex(&format!("{salt}:{code}")),
        salt,
        attempts: 0,
        expires_at: now + CODE_TTL_SECS,
    };
    let mut tx = state.db.begin().await?;
    store::put_phone_code(&mut tx, p.id, &stored, now).await?;
    let text = i18n::tf(locale, "sms.family_phone_code", &[("code", &code), ("name", &p.name)]);
    let masked = i18n::tf(locale, "sms.family_phone_code", &[("code", "******"), ("name", &p.name)]);
    let secret = crate::notify::SecretText { text: &text, masked: &masked, expires_at: stored.expires_at };
    crate::notify::queue_secret_sms(&mut tx, &state.keys, &sealed, &stored.phone_masked, secret, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The number a code is waiting for (masked), if one is live.
pub async fn pending(state: &AppState, person: i64) -> AppResult<Option<String>> {
    let code = store::phone_code(&mut *state.db.conn().await?, person).await?;
    let now = state.clock.unix();
    Ok(code.filter(|c| c.expires_at > now && c.attempts < MAX_ATTEMPTS).map(|c| c.phone_masked))
}

/// Checks the code; when right, the number becomes the person's, and the code is spent.
pub async fn confirm(state: &AppState, owner: UserId, person: i64, code: &str) -> AppResult<()> {
    let p = family_member(state, owner, person).await?;
    let now = state.clock.unix();
    let mut conn = state.db.conn().await?;
    let Some(pending) = store::phone_code(&mut conn, p.id).await? else {
        return Err(invalid("code", "form.code_expired"));
    };
    // The guess is spent before it is checked, in its own statement, so it counts whatever follows.
    if !store::spend_guess(&mut conn, p.id, MAX_ATTEMPTS, now).await? {
        return Err(invalid("code", "form.code_expired"));
    }
    drop(conn);
    if pending.code_hash != sha256_hex(&format!("{}:{}", pending.salt, code.trim())) {
        return Err(invalid("code", "form.code_wrong"));
    }
    let mut tx = state.db.begin().await?;
    store::set_phone(&mut tx, p.id, &pending.phone_sealed, &pending.phone_masked, now).await?;
    let change = Change::new("person", p.id, None).after(&serde_json::json!({ "phone_masked": pending.phone_masked }));
    audit::record(&mut tx, now, owner, "person.phone_verified", change).await?;
    tx.commit().await?;
    Ok(())
}

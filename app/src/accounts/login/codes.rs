//! Six-digit codes texted to a phone, proving the person holds it: for registering, for
//! unlocking a phone that wrong passwords locked, and for setting a forgotten password anew. The database keeps a code only as a hash
//! (and the outbox its text only sealed, until the gateway has it).
//!
//! Sending is throttled per phone and per client address (the two purposes share the counts,
//! so nobody can text a phone more than [`CODES_PER_PHONE`] times an hour). Checking spends one
//! of a code's [`MAX_ATTEMPTS`] guesses in the statement that checks there is one left, so
//! guesses sent in parallel cannot outnumber them.

use std::net::IpAddr;

use rand::Rng as _;
use sqlx::Row as _;

use crate::accounts::login::throttle::{self, CODES_PER_ADDRESS, CODES_PER_PHONE};
use crate::accounts::model::Phone;
use crate::accounts::store;
use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::notify;
use crate::web::i18n::{self, Locale};

/// A code is good for ten minutes.
pub const CODE_TTL_SECS: i64 = 600;
/// Wrong guesses allowed per code.
pub const MAX_ATTEMPTS: i64 = 5;

/// What a code proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Registering a new account.
    Register,
    /// Unlocking a phone's logins.
    Unlock,
    /// Setting a new password, the old one forgotten (`reset`).
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Unlock => "unlock",
            Purpose::Reset => "reset",
        }
    }

    /// Whether a number with (or without) an account gets a code: registering, one without;
    /// unlocking, one with. The other gets a notice saying why there is no code.
    fn sends_code(self, registered: bool) -> bool {
        match self {
            Purpose::Register => !registered,
            Purpose::Unlock | Purpose::Reset => registered,
        }
    }

    /// The text carrying the code (`{code}`), and the notice sent instead.
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Purpose::Register => ("sms.register_code", "sms.already_registered"),
            Purpose::Unlock => ("sms.unlock_code", "sms.unlock_no_account"),
            Purpose::Reset => ("reset.sms_code", "reset.sms_no_account"),
        }
    }
}

fn code_hash(token: &str, code: &str) -> String {
    sha256_hex(&format!("{token}:{code}"))
}

/// Sends a code: throttles, stores its hash, and queues the text — the code to a number that
/// should get one, a notice saying why not to one that should not ([`Purpose`]), so the pages
/// read the same either way. The outbox keeps a code's text sealed until the gateway has it
/// (see `notify::outbox`). Returns the token naming this code in the second step; it goes in
/// the next page's URL, the code only to the phone.
pub async fn send(
    state: &AppState,
    phone: &Phone,
    ip: Option<IpAddr>,
    purpose: Purpose,
    locale: Locale,
) -> AppResult<String> {
    let now = state.clock.unix();
    let index = state.keys.phone_index(phone.as_str());
    let phone_key = format!("code-phone:{index}");
    let ip_key = throttle::address_key("code-ip", ip);
    let keys = [(phone_key.as_str(), CODES_PER_PHONE), (ip_key.as_str(), CODES_PER_ADDRESS)];
    if let Some(retry_after) = throttle::reserve_all(&mut *state.db.conn().await?, &keys, now).await? {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let mut tx = state.db.begin().await?;
    let registered = store::user_id_by_phone(&mut tx, &index).await?.is_some();
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let token = random_token();
    let sealed = state.keys.seal(phone.as_str());
    sqlx::query(
        "insert into verifications (token_hash, purpose, phone_index, phone_sealed, code_hash, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(sha256_hex(&token))
    .bind(purpose.as_str())
    .bind(&index)
    .bind(&sealed)
    .bind(code_hash(&token, &code))
    .bind(now)
    .bind(now + CODE_TTL_SECS)
    .execute(&mut *tx)
    .await?;
    let (with_code, notice) = purpose.texts();
    if purpose.sends_code(registered) {
        let text = i18n::tf(locale, with_code, &[("code", &code)]);
        let masked = i18n::tf(locale, with_code, &[("code", "******")]);
        let secret = notify::SecretText { text: &text, masked: &masked, expires_at: now + CODE_TTL_SECS };
        notify::queue_secret_sms(&mut tx, &state.keys, &sealed, &phone.masked(), secret, now).await?;
    } else {
        notify::queue_sms(&mut tx, &sealed, &phone.masked(), i18n::t(locale, notice), now).await?;
    }
    tx.commit().await?;
    Ok(token)
}

/// A code waiting to be entered.
#[derive(Debug)]
pub struct Pending {
    id: i64,
    token: String,
    code_hash: String,
    /// The phone it was sent to.
    pub phone: Phone,
}

/// The answer to a wrong or unknown code.
pub fn wrong_code() -> AppError {
    AppError::Invalid(vec![FieldError { field: "code", key: "form.code_wrong" }])
}

fn used_up() -> AppError {
    AppError::Invalid(vec![FieldError { field: "code", key: "form.code_expired" }])
}

/// The code `token` names, if it is live; nothing is spent.
pub async fn pending(state: &AppState, conn: &mut Conn, token: &str, purpose: Purpose) -> AppResult<Pending> {
    let row = sqlx::query(
        "select verification_id, phone_sealed, code_hash, attempts, expires_at from verifications \
         where token_hash = $1 and purpose = $2 and consumed_at is null",
    )
    .bind(sha256_hex(token))
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Err(wrong_code()) };
    if row.try_get::<i64, _>("attempts")? >= MAX_ATTEMPTS || row.try_get::<i64, _>("expires_at")? <= state.clock.unix()
    {
        return Err(used_up());
    }
    let phone = state.keys.open(&row.try_get::<String, _>("phone_sealed")?).ok().and_then(|p| Phone::parse(&p));
    let Some(phone) = phone else { return Err(wrong_code()) };
    Ok(Pending {
        id: row.try_get("verification_id")?,
        token: token.to_owned(),
        code_hash: row.try_get("code_hash")?,
        phone,
    })
}

/// Spends one guess on `code` and says whether it was right. The guess is written before the
/// answer, in its own statement, so it counts whatever happens next.
pub async fn guess(state: &AppState, conn: &mut Conn, p: &Pending, code: &str) -> AppResult<()> {
    let spent = sqlx::query(
        "update verifications set attempts = attempts + 1 \
         where verification_id = $1 and attempts < $2 and expires_at > $3 and consumed_at is null",
    )
    .bind(p.id)
    .bind(MAX_ATTEMPTS)
    .bind(state.clock.unix())
    .execute(&mut *conn)
    .await?;
    if spent.rows_affected() != 1 {
        return Err(used_up());
    }
    if p.code_hash != code_hash(&p.token, code.trim()) {
        return Err(wrong_code());
    }
    Ok(())
}

/// Uses the code up; false if another request did first.
pub async fn consume(conn: &mut Conn, p: &Pending, now: i64) -> AppResult<bool> {
    let done =
        sqlx::query("update verifications set consumed_at = $1 where verification_id = $2 and consumed_at is null")
            .bind(now)
            .bind(p.id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

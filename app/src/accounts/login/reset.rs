//! 忘记密码: setting a new password with a texted code (issue 12, point 11).
//!
//! The code is sent, stored (as a hash), throttled and guessed exactly like the unlock's and
//! registration's ([`codes`]): at most a few texts per phone and address an hour, five guesses
//! per code, ten minutes, used once — and a number without an account is told so by text, so
//! the pages read the same either way and do not tell who has an account. A good code sets the
//! new password, ends every session and short-lived API token of the account (whoever knew the
//! old password is out), and is audited. It does not log in: the person logs in with the new
//! password, which proves they can.

use std::net::IpAddr;

use crate::accounts::credentials::sessions;
use crate::accounts::login::codes::{self, Purpose};
use crate::accounts::model::{Phone, check_new_password};
use crate::accounts::store;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::i18n::Locale;

/// Step one: texts a code to the phone (or, to a number without an account, a text saying so).
pub async fn start(state: &AppState, phone: &Phone, ip: Option<IpAddr>, locale: Locale) -> AppResult<String> {
    codes::send(state, phone, ip, Purpose::Reset, locale).await
}

/// What step two's form brings.
#[derive(Debug)]
pub struct NewPassword<'a> {
    /// The verification token from step one.
    pub token: &'a str,
    /// The texted code.
    pub code: &'a str,
    /// The new password, twice.
    pub password: String,
    /// Its confirmation.
    pub confirm: &'a str,
}

/// Step two: checks the code and sets the new password; ends every session of the account.
pub async fn complete(state: &AppState, form: NewPassword<'_>) -> AppResult<()> {
    let mut conn = state.db.conn().await?;
    let pending = codes::pending(state, &mut conn, form.token, Purpose::Reset).await?;
    // The passwords are checked before the code, so a typo in them spends no guess.
    if form.password != form.confirm {
        return Err(AppError::Invalid(vec![FieldError { field: "confirm_password", key: "form.password_mismatch" }]));
    }
    check_new_password("new_password", &form.password, Some(&pending.phone)).map_err(|e| AppError::Invalid(vec![e]))?;
    codes::guess(state, &mut conn, &pending, form.code).await?;
    let index = state.keys.phone_index(pending.phone.as_str());
    // A number without an account has no password to set: the same answer as a wrong code.
    let Some(user) = store::user_id_by_phone(&mut conn, &index).await? else { return Err(codes::wrong_code()) };
    drop(conn);
    let hash = state.hashing.hash_waiting(form.password).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if !codes::consume(&mut tx, &pending, now).await? {
        return Err(codes::wrong_code());
    }
    store::set_password(&mut tx, user, &hash, now).await?;
    sessions::end_others(&mut tx, user, None).await?;
    let ended = store::revoke_short_lived_tokens(&mut tx, user, now).await?;
    let change = Change::new("user", user.0, None).after(&serde_json::json!({ "api_tokens_ended": ended }));
    audit::record(&mut tx, now, user, "user.reset_password", change).await?;
    tx.commit().await?;
    Ok(())
}

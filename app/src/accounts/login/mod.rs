//! What defends logging in: attempts counted per phone, address and account before a password
//! is checked (`throttle`), six-digit codes texted to prove a phone is held — for registering
//! and for unlocking (`codes`) —, and the unlock a locked phone's owner gets with one
//! (`unlock`, its pages in `unlock_pages`), and the reset of a forgotten password with one
//! (`reset`, its pages in `reset_pages`).

pub mod codes;
pub mod reset;
pub mod reset_pages;
pub mod throttle;
pub mod unlock;
pub mod unlock_pages;

/// The first step of every flow that texts a code to a phone (registering, unlocking logins,
/// 忘记密码): the number as typed.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct PhoneForm {
    #[serde(default)]
    pub(crate) phone: String,
}

/// The code step's page address: the flow's token (`?token=`).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    pub(crate) token: String,
}

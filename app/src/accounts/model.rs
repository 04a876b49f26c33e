//! People and their credentials, as plain types and rules. No I/O.

use serde::Serialize;

use crate::authz::Principal;
use crate::error::FieldError;
use crate::ids::{CommunityId, UserId};
use crate::web::i18n::Locale;

/// A mainland China mobile number, normalised to 11 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13800000001`, `138 0000 0001`, `138-0000-0001`, `+86 13800000001`,
    /// `008613800000001`. Mobile numbers are 11 digits starting 13–19.
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let ok = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        ok.then(|| Phone(digits.to_owned()))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown form: `138****0001`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// Length limits for passwords. Length is what makes a password strong; we do not impose
/// composition rules that push elderly users to write passwords down.
pub const PASSWORD_MIN: usize = 8;
/// Upper bound keeps hashing cost bounded.
pub const PASSWORD_MAX: usize = 128;

/// Checks a new password; `field` names the form field for the error.
pub fn check_new_password(field: &'static str, password: &str, phone: Option<&Phone>) -> Result<(), FieldError> {
    let len = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&len) {
        return Err(FieldError { field, key: "form.password_length" });
    }
    let first = password.chars().next();
    let repetitive = password.chars().all(|c| Some(c) == first);
    let is_phone = phone.is_some_and(|p| password.contains(p.as_str()));
    if repetitive || is_phone || ["12345678", "123456789", "password", "11111111", "88888888"].contains(&password) {
        return Err(FieldError { field, key: "form.password_weak" });
    }
    Ok(())
}

/// A display name: 1–32 characters, trimmed, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError { field: "name", key: "form.required" });
    }
    if name.chars().count() > 32 || name.chars().any(char::is_control) {
        return Err(FieldError { field: "name", key: "form.display_name_invalid" });
    }
    Ok(name.to_owned())
}

/// A user as the back office sees them.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub display_name: String,
    /// Masked phone, e.g. 138****0001.
    pub phone_masked: String,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Whether the account can log in (has a password and is not disabled).
    pub can_log_in: bool,
    /// When created (Unix seconds).
    pub created_at: i64,
}

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub display_name: String,
    /// Masked phone.
    pub phone_masked: String,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Preferred language, if chosen.
    pub locale: Option<Locale>,
    /// Large-text mode, if chosen.
    pub large_text: bool,
    /// Roles, for authorization.
    pub principal: Principal,
    /// How many of their inbox's notices are unread (the header's 消息 badge).
    pub unread: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_and_mask() {
        for raw in ["13800000001", "138 0000 0001", "138-0000-0001", "+86 138 0000 0001", "008613800000001"] {
            let phone = Phone::parse(raw).unwrap_or_else(|| panic!("{raw} should parse"));
            assert_eq!(phone.as_str(), "13800000001");
            assert_eq!(phone.masked(), "138****0001");
        }
        for bad in
            ["", "1380000000", "138000000012", "12800000001", "23800000001", "1380000000x", "１３８００００００01"]
        {
            assert_eq!(Phone::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn weak_passwords_are_refused() {
        let phone = Phone::parse("13800000001");
        assert!(check_new_password("p", "海边散步2026", phone.as_ref()).is_ok());
        for bad in ["short", "aaaaaaaaaa", "12345678", "x13800000001", &"a".repeat(129)] {
            assert!(check_new_password("p", bad, phone.as_ref()).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_are_bounded() {
        assert_eq!(parse_display_name("  张三 ").unwrap(), "张三");
        assert!(parse_display_name(" ").is_err());
        assert!(parse_display_name(&"名".repeat(33)).is_err());
        assert!(parse_display_name("a\nb").is_err());
    }
}

/// An API token as its owner sees it: never the token itself, which is shown once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Token id, for revoking it.
    pub id: i64,
    /// The name its owner gave it.
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// A service token made by an administrator: it outlives password changes.
    pub long_lived: bool,
}

/// Live tokens one person may hold at once.
pub const MAX_API_TOKENS: i64 = 20;

/// A token's name: trimmed, 1 to 40 characters.
pub fn parse_token_label(raw: &str) -> Result<String, FieldError> {
    let label = raw.trim();
    match label.chars().count() {
        0 => Err(FieldError { field: "label", key: "form.required" }),
        1..=40 => Ok(label.to_owned()),
        _ => Err(FieldError { field: "label", key: "form.text_too_long" }),
    }
}

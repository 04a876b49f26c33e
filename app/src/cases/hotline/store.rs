//! The hotline (12345) caller behind a case that staff took down for them: their name, their
//! number — sealed, shown masked, found by a keyed blind index — and whether they want to hear
//! the outcome. A caller with an account is also the case's reporter; this contact is what
//! staff keep for everyone else, and what the case page shows staff.

use sqlx::Row as _;

use crate::accounts::{CurrentUser, Phone};
use crate::crypto::Keys;
use crate::db::Conn;
use crate::error::FieldError;
use crate::ids::UserId;

/// Longest caller name kept.
pub const MAX_NAME: usize = 32;

/// A caller's number: a mobile (which may be an account's) or a landline, as digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerPhone {
    /// A mainland mobile number.
    Mobile(Phone),
    /// A fixed line, with or without its area code (0532 for Qingdao): 7 to 12 digits.
    Landline(String),
}

impl CallerPhone {
    /// Accepts a mobile as accounts do (`138 0000 0001`, `+86…`), or a landline such as
    /// `0532-8888 8888`; spaces, dashes and brackets are ignored.
    pub fn parse(raw: &str) -> Option<Self> {
        if let Some(mobile) = Phone::parse(raw) {
            return Some(CallerPhone::Mobile(mobile));
        }
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
        let ok = (7..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| CallerPhone::Landline(digits.to_owned()))
    }

    /// The digits, the form that is sealed and indexed.
    pub fn digits(&self) -> &str {
        match self {
            CallerPhone::Mobile(p) => p.as_str(),
            CallerPhone::Landline(d) => d,
        }
    }

    /// Shown form: `138****0001`, `0532****8888`, `****8888`.
    pub fn masked(&self) -> String {
        match self {
            CallerPhone::Mobile(p) => p.masked(),
            CallerPhone::Landline(d) => {
                // Only whole characters: the digits are ASCII, so byte offsets are safe.
                let tail = &d[d.len().saturating_sub(4)..];
                let area = if d.starts_with('0') && d.len() >= 10 { &d[..4] } else { "" };
                format!("{area}****{tail}")
            }
        }
    }

    /// The whole number as read out for dialling: `139 1111 2222`, `0532-8288 1234`, `8288 1234`.
    pub fn dial_display(&self) -> String {
        // Four-digit groups from the end, as numbers are said aloud; the digits are ASCII, so
        // byte offsets are safe.
        fn grouped(d: &str) -> String {
            match d.len().checked_sub(4) {
                Some(cut) if cut > 0 => format!("{} {}", &d[..cut], &d[cut..]),
                _ => d.to_owned(),
            }
        }
        match self {
            CallerPhone::Mobile(p) => {
                let (network, rest) = p.as_str().split_at(3);
                format!("{network} {}", grouped(rest))
            }
            CallerPhone::Landline(d) if d.starts_with('0') && d.len() >= 10 => {
                // Beijing, Shanghai and the other 01x/02x cities have three-digit area codes.
                let area = if d.starts_with("01") || d.starts_with("02") { 3 } else { 4 };
                let (area, local) = d.split_at(area);
                format!("{area}-{}", grouped(local))
            }
            CallerPhone::Landline(d) => grouped(d),
        }
    }

    /// A `tel:` link a phone can dial as it stands (digits only: RFC 3966 allows local numbers,
    /// and staff call from inside the district).
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.digits())
    }
}

/// A caller as taken down, checked.
#[derive(Debug, Clone)]
pub struct NewCaller {
    /// Name or form of address (王先生).
    pub name: String,
    /// Number.
    pub phone: CallerPhone,
    /// They asked to be told the outcome (回访).
    pub wants_reply: bool,
}

/// Checks a caller's name and number; every problem at once.
pub fn check(name: &str, phone: &str, wants_reply: bool) -> Result<NewCaller, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        errors.push(FieldError { field: "caller_name", key: "hotline.name_invalid" });
    }
    let phone = CallerPhone::parse(phone);
    if phone.is_none() {
        errors.push(FieldError { field: "caller_phone", key: "hotline.phone_invalid" });
    }
    match phone {
        Some(phone) if errors.is_empty() => Ok(NewCaller { name: name.to_owned(), phone, wants_reply }),
        _ => Err(errors),
    }
}

/// A case's caller as staff see them: never the number in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Name.
    pub name: String,
    /// Masked number.
    pub phone_masked: String,
    /// They asked to be told the outcome.
    pub wants_reply: bool,
}

/// Keeps the caller of case `case`.
pub async fn insert(
    conn: &mut Conn,
    keys: &Keys,
    case: i64,
    caller: &NewCaller,
    taken_by: UserId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into case_callers (case_id, name, phone_index, phone_sealed, phone_masked, wants_reply, taken_by, \
         created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(case)
    .bind(&caller.name)
    .bind(keys.phone_index(caller.phone.digits()))
    .bind(keys.seal(caller.phone.digits()))
    .bind(caller.phone.masked())
    .bind(i64::from(caller.wants_reply))
    .bind(taken_by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The caller of a case, if it came in by a call staff took down.
pub async fn of_case(conn: &mut Conn, case: i64) -> Result<Option<Caller>, sqlx::Error> {
    let row = sqlx::query("select name, phone_masked, wants_reply from case_callers where case_id = $1")
        .bind(case)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        Ok(Caller {
            name: r.try_get("name")?,
            phone_masked: r.try_get("phone_masked")?,
            wants_reply: r.try_get::<i64, _>("wants_reply")? == 1,
        })
    })
    .transpose()
}

/// The sealed number of case `case`'s caller, if it has one.
pub async fn sealed_phone(conn: &mut Conn, case: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("select phone_sealed from case_callers where case_id = $1").bind(case).fetch_optional(conn).await
}

/// Opens a sealed number. Fails when the key is no longer the one it was sealed with or the
/// data is damaged; the error never holds the number.
pub fn open(keys: &Keys, sealed: &str) -> anyhow::Result<CallerPhone> {
    let digits = keys.open(sealed)?;
    CallerPhone::parse(&digits).ok_or_else(|| anyhow::anyhow!("a sealed caller number opened to something else"))
}

/// The caller for the case page: staff only (the viewer has passed the case's own check).
pub async fn for_viewer(conn: &mut Conn, viewer: &CurrentUser, case: i64) -> Result<Option<Caller>, sqlx::Error> {
    if !viewer.principal.is_staff() {
        return Ok(None);
    }
    of_case(conn, case).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines_parse_and_mask() {
        let mobile = CallerPhone::parse("+86 139-1111-2222").unwrap();
        assert_eq!((mobile.digits(), mobile.masked().as_str()), ("13911112222", "139****2222"));
        let landline = CallerPhone::parse("(0532) 8288 1234").unwrap();
        assert_eq!(landline, CallerPhone::Landline("053282881234".into()));
        assert_eq!(landline.masked(), "0532****1234");
        assert_eq!(CallerPhone::parse("8288-1234").unwrap().masked(), "****1234");
        for bad in ["", "12345", "0532-8288-1234-5678", "abc12345678", "1391111222x"] {
            assert_eq!(CallerPhone::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn full_numbers_are_grouped_for_dialling() {
        for (raw, shown, tel) in [
            ("13911112222", "139 1111 2222", "tel:13911112222"),
            ("0532-8288 1234", "0532-8288 1234", "tel:053282881234"),
            ("010-6552 9988", "010-6552 9988", "tel:01065529988"),
            ("8288-1234", "8288 1234", "tel:82881234"),
            ("828-1234", "828 1234", "tel:8281234"),
        ] {
            let phone = CallerPhone::parse(raw).unwrap();
            assert_eq!((phone.dial_display().as_str(), phone.tel_uri().as_str()), (shown, tel), "{raw}");
        }
    }

    #[test]
    fn a_sealed_number_opens_only_with_its_key() {
        let keys = Keys::from_master(&[7; 32]).unwrap();
        let sealed = keys.seal("053282881234");
        assert_eq!(open(&keys, &sealed).unwrap(), CallerPhone::Landline("053282881234".into()));
        let rotated = Keys::from_master(&[8; 32]).unwrap();
        let error = open(&rotated, &sealed).unwrap_err().to_string();
        assert!(!error.contains("8288"), "{error}");
        assert!(open(&keys, &keys.seal("not a number")).is_err());
    }

    #[test]
    fn a_caller_needs_a_name_and_a_number() {
        let errors = check(" ", "12", false).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["caller_name", "caller_phone"]);
        let ok = check(" 王先生 ", "13911112222", true).unwrap();
        assert_eq!((ok.name.as_str(), ok.wants_reply), ("王先生", true));
        assert!(check(&"名".repeat(33), "13911112222", false).is_err());
    }
}

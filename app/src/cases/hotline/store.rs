//! The hotline (12345) caller behind a case that staff took down for them: their name, their
//! number — sealed, shown masked, found by a keyed blind index — and whether they want to hear
//! the outcome. A caller with an account is also the case's reporter; this contact is what
//! staff keep for everyone else, and what the case page shows staff.

use sqlx::Row as _;

use crate::accounts::CurrentUser;
use crate::cases::model::Case;
use crate::cases::reveal::{ContactPhone, Sealed, Subject};
use crate::cases::workflow::Party;
use crate::crypto::Keys;
use crate::db::{BoxFuture, Conn};
use crate::error::FieldError;
use crate::ids::UserId;

/// Longest caller name kept.
pub const MAX_NAME: usize = 32;

/// The caller's whole number, revealed on the case page to call them back (see `cases::reveal`).
pub const CALLER: Subject = Subject {
    segment: "caller",
    audit_action: "case.caller_reveal",
    what: "caller_phone",
    revealers: &CALLER_REVEALERS,
    sealed: caller_sealed,
};

/// The parts that may see a caller's whole number: those who call residents back about a case.
/// The command centre (dispatchers) makes the 12345 return calls; the district's and the
/// case's street's admins answer for cases in their area and take calls themselves; the
/// department the case is with may need to ask the caller where exactly or when to come.
/// Not the reporter (a resident who sees their own case), not inspectors (they check the work
/// on the spot, not with the caller), and not other departments (they are no party at all).
const CALLER_REVEALERS: [Party; 4] = [Party::Dispatcher, Party::DistrictAdmin, Party::StreetAdmin, Party::Handler];

fn caller_sealed<'a>(conn: &'a mut Conn, case: &'a Case) -> BoxFuture<'a, Result<Option<Sealed>, sqlx::Error>> {
    Box::pin(async move { Ok(sealed_phone(conn, case.id).await?.map(|sealed| (None, sealed))) })
}

/// A caller as taken down, checked.
#[derive(Debug, Clone)]
pub struct NewCaller {
    /// Name or form of address (王先生).
    pub name: String,
    /// Number.
    pub phone: ContactPhone,
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
    let phone = ContactPhone::parse(phone);
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
    fn those_who_call_back_may_reveal_a_caller() {
        use crate::cases::reveal::may_reveal;
        for party in Party::ALL {
            let expected =
                matches!(party, Party::Dispatcher | Party::DistrictAdmin | Party::StreetAdmin | Party::Handler);
            assert_eq!(may_reveal(&CALLER, &[party]), expected, "{party:?}");
        }
        assert!(!may_reveal(&CALLER, &[]));
        assert!(may_reveal(&CALLER, &[Party::Reporter, Party::Handler]), "a handler who also called in");
        assert_eq!(CALLER.audit_action, "case.caller_reveal", "the log's existing entries keep their name");
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

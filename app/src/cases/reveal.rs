//! Revealing what the case page shows masked or not at all, to the staff who must call someone
//! about the case: who reported anonymously — name and number, to the command centre alone,
//! which may need to ask them — and whatever number an add-on keeps beside the case (a hotline
//! caller's, to call them back, 回访; an enterprise contact's, to walk its checklist with it, 帮办).
//! A masked number cannot be dialled.
//!
//! What can be revealed is a [`Subject`]: data — its URL segment, its audit action, who may
//! reveal it, where its sealed number is — declared by whoever keeps the number: the core
//! declares [`REPORTER`], the hotline and enterprise assistance theirs, and each serves the
//! core's reveal form for its own (`cases::pages::reveal`), so the core names none of them.
//!
//! Private by default: the number is shown only in the answer to a POST (CSRF-checked like
//! every form; `pages::reveal`), just that once, never in a URL, cookie or redirect, and with
//! `Cache-Control: no-store` so no cache keeps the page. Every reveal is written to the audit
//! log — who, which case, what kind of thing, never the thing itself — in the transaction that
//! reads the sealed value, so nothing is shown without its entry (`service::reveal`). This
//! module is the subjects, the numbers and the answer, with no use case of its own: the case
//! page's panels read it, and it reads nothing of the core but its model.

use crate::accounts::Phone;
use crate::cases::model::Case;
use crate::cases::workflow::Party;
use crate::crypto::Keys;
use crate::db::{BoxFuture, Conn};

/// A case's sealed number and the name that goes with it (a person's, when the reveal is of one).
pub type Sealed = (Option<String>, String);

/// Where a subject's sealed number is: read in the reveal's transaction.
pub type SealedOf = for<'a> fn(&'a mut Conn, &'a Case) -> BoxFuture<'a, Result<Option<Sealed>, sqlx::Error>>;

/// What a reveal opens: declared as a `const` by whoever keeps the number.
pub struct Subject {
    /// Its part of the form's URL, `/cases/{id}/{segment}/reveal`, and its name in templates.
    pub segment: &'static str,
    /// The audit action of a reveal (`case.<segment>_reveal`: the log's existing entries keep
    /// their names).
    pub audit_action: &'static str,
    /// What the audit entry says was revealed: the kind of thing, never the thing.
    pub what: &'static str,
    /// The parts that may reveal it.
    pub revealers: &'static [Party],
    /// The sealed number of a case's subject, if the case has one.
    pub sealed: SealedOf,
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject").field("segment", &self.segment).finish_non_exhaustive()
    }
}

/// The name and number of the resident who filed an anonymous report.
pub const REPORTER: Subject = Subject {
    segment: "reporter",
    audit_action: "case.reporter_reveal",
    what: "anonymous_reporter",
    revealers: &REPORTER_REVEALERS,
    sealed: reporter,
};

/// The part that may learn who filed an anonymous report: the command centre, as the report
/// form promises the reporter — not the department, the street or the district's admins.
const REPORTER_REVEALERS: [Party; 1] = [Party::Dispatcher];

/// The reporter of an anonymous report (a report that is not anonymous has no reporter to
/// reveal: nothing hides them).
fn reporter<'a>(conn: &'a mut Conn, case: &'a Case) -> BoxFuture<'a, Result<Option<Sealed>, sqlx::Error>> {
    Box::pin(async move {
        let Some(reporter) = case.reporter.filter(|_| case.anonymous) else { return Ok(None) };
        let found =
            sqlx::query_as::<_, (String, String)>("select display_name, phone_sealed from users where user_id = $1")
                .bind(reporter.0)
                .fetch_optional(conn)
                .await?;
        Ok(found.map(|(name, sealed)| (Some(name), sealed)))
    })
}

/// Whether someone with these parts in a case may reveal its `subject`.
pub fn may_reveal(subject: &Subject, parts: &[Party]) -> bool {
    parts.iter().any(|p| subject.revealers.contains(p))
}

/// A number someone is called back on — a hotline caller, an enterprise's contact, a
/// reporter: a mobile (which may be an account's) or a landline, as digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactPhone {
    /// A mainland mobile number.
    Mobile(Phone),
    /// A fixed line, with or without its area code (0532 for Qingdao): 7 to 12 digits.
    Landline(String),
}

impl ContactPhone {
    /// Accepts a mobile as accounts do (`138 0000 0001`, `+86…`), or a landline such as
    /// `0532-8888 8888`; spaces, dashes and brackets are ignored.
    pub fn parse(raw: &str) -> Option<Self> {
        if let Some(mobile) = Phone::parse(raw) {
            return Some(ContactPhone::Mobile(mobile));
        }
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
        let ok = (7..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| ContactPhone::Landline(digits.to_owned()))
    }

    /// The digits, the form that is sealed and indexed.
    pub fn digits(&self) -> &str {
        match self {
            ContactPhone::Mobile(p) => p.as_str(),
            ContactPhone::Landline(d) => d,
        }
    }

    /// Shown form: `138****0001`, `0532****8888`, `****8888`.
    pub fn masked(&self) -> String {
        match self {
            ContactPhone::Mobile(p) => p.masked(),
            ContactPhone::Landline(d) => {
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
            ContactPhone::Mobile(p) => {
                let (network, rest) = p.as_str().split_at(3);
                format!("{network} {}", grouped(rest))
            }
            ContactPhone::Landline(d) if d.starts_with('0') && d.len() >= 10 => {
                // Beijing, Shanghai and the other 01x/02x cities have three-digit area codes.
                let area = if d.starts_with("01") || d.starts_with("02") { 3 } else { 4 };
                let (area, local) = d.split_at(area);
                format!("{area}-{}", grouped(local))
            }
            ContactPhone::Landline(d) => grouped(d),
        }
    }

    /// A `tel:` link a phone can dial as it stands (digits only: RFC 3966 allows local numbers,
    /// and staff call from inside the district).
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.digits())
    }
}

/// Opens a sealed number. Fails when the key is no longer the one it was sealed with or the
/// data is damaged; the error never holds the number.
pub fn open(keys: &Keys, sealed: &str) -> anyhow::Result<ContactPhone> {
    let digits = keys.open(sealed)?;
    ContactPhone::parse(&digits).ok_or_else(|| anyhow::anyhow!("a sealed number opened to something else"))
}

/// A number, whole, ready to dial.
#[derive(Debug, Clone)]
pub struct FullNumber {
    /// Grouped for reading out: `139 1111 2222`.
    pub shown: String,
    /// `tel:13911112222`.
    pub tel: String,
}

impl From<&ContactPhone> for FullNumber {
    fn from(phone: &ContactPhone) -> Self {
        Self { shown: phone.dial_display(), tel: phone.tel_uri() }
    }
}

/// What came of a reveal the viewer was allowed.
#[derive(Debug, Clone)]
pub enum Revealed {
    /// The number, and the name that goes with it (an anonymous reporter's).
    Number {
        /// Name, when the reveal is of a person.
        name: Option<String>,
        /// The number.
        number: FullNumber,
    },
    /// The sealed value could not be opened (the key changed, or the data is damaged).
    Unreadable,
}

/// A reveal's answer, for the case page to show where its subject is.
#[derive(Debug, Clone)]
pub struct Shown {
    /// What was revealed.
    pub subject: &'static Subject,
    /// What came of it.
    pub revealed: Revealed,
}

/// What a reveal opened, as the answer to it shows it where its subject is (the case page and
/// the add-ons' panels ask it by the subject's segment).
#[derive(Debug, Clone, Copy, Default)]
pub struct Answer<'a>(pub Option<&'a Shown>);

impl<'a> Answer<'a> {
    /// The whole number a reveal of `subject` opened.
    pub fn number(&self, subject: &str) -> Option<&'a FullNumber> {
        match self.0 {
            Some(Shown { subject: s, revealed: Revealed::Number { number, .. } }) if s.segment == subject => {
                Some(number)
            }
            _ => None,
        }
    }

    /// The name a reveal of `subject` opened with the number.
    pub fn revealed_name(&self, subject: &str) -> Option<&'a str> {
        match self.0 {
            Some(Shown { subject: s, revealed: Revealed::Number { name: Some(name), .. } }) if s.segment == subject => {
                Some(name)
            }
            _ => None,
        }
    }

    /// Whether this answers a reveal of `subject` that was allowed but could not be opened.
    pub fn unreadable(&self, subject: &str) -> bool {
        matches!(self.0, Some(Shown { subject: s, revealed: Revealed::Unreadable }) if s.segment == subject)
    }

    /// Whether this answers a reveal of `subject` (no second button beside what it shows).
    pub fn revealing(&self, subject: &str) -> bool {
        self.0.is_some_and(|s| s.subject.segment == subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_command_centre_may_learn_who_reported_anonymously() {
        for party in Party::ALL {
            assert_eq!(may_reveal(&REPORTER, &[party]), party == Party::Dispatcher, "{party:?}");
        }
        assert!(!may_reveal(&REPORTER, &[]));
        assert_eq!(REPORTER.audit_action, "case.reporter_reveal", "the log's existing entries keep their name");
    }

    #[test]
    fn mobiles_and_landlines_parse_and_mask() {
        let mobile = ContactPhone::parse("+86 139-1111-2222").unwrap();
        assert_eq!((mobile.digits(), mobile.masked().as_str()), ("13911112222", "139****2222"));
        let landline = ContactPhone::parse("(0532) 8288 1234").unwrap();
        assert_eq!(landline, ContactPhone::Landline("053282881234".into()));
        assert_eq!(landline.masked(), "0532****1234");
        assert_eq!(ContactPhone::parse("8288-1234").unwrap().masked(), "****1234");
        for bad in ["", "12345", "0532-8288-1234-5678", "abc12345678", "1391111222x"] {
            assert_eq!(ContactPhone::parse(bad), None, "{bad:?}");
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
            let phone = ContactPhone::parse(raw).unwrap();
            assert_eq!((phone.dial_display().as_str(), phone.tel_uri().as_str()), (shown, tel), "{raw}");
        }
    }

    #[test]
    fn a_sealed_number_opens_only_with_its_key() {
        let keys = Keys::from_master(&[7; 32]).unwrap();
        let sealed = keys.seal("053282881234");
        assert_eq!(open(&keys, &sealed).unwrap(), ContactPhone::Landline("053282881234".into()));
        let rotated = Keys::from_master(&[8; 32]).unwrap();
        let error = open(&rotated, &sealed).unwrap_err().to_string();
        assert!(!error.contains("8288"), "{error}");
        assert!(open(&keys, &keys.seal("not a number")).is_err());
    }
}

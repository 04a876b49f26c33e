//! People a user books for (代预约): family members with a relation and, for real-name
//! services, their resident identity card number.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A mainland resident identity number (公民身份号码, GB 11643-1999): 17 digits and a check
/// character computed from them (ISO 7064 MOD 11-2), with the birth date in digits 7–14.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

impl IdNumber {
    /// Accepts the 18 characters (spaces ignored, a lowercase `x` allowed).
    pub fn parse(raw: &str) -> Option<Self> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
        let valid_check = b[17] == CHECK[(sum % 11) as usize];
        let id = IdNumber(s);
        (valid_check && id.birth_date().is_some()).then_some(id)
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown form: `3702**********1234`.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }

    /// The birth date the number carries.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok().filter(|d| chrono::Datelike::year(d) >= 1900)
    }
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    use chrono::Datelike as _;
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// How a person relates to the account holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The account holder themself.
    #[serde(rename = "self")]
    Myself,
    /// Father or mother.
    Parent,
    /// Husband or wife.
    Spouse,
    /// Son or daughter.
    Child,
    /// Grandparent.
    Grandparent,
    /// Anyone else (a neighbour the user helps, ...).
    Other,
}

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 6] =
        [Relation::Myself, Relation::Parent, Relation::Spouse, Relation::Child, Relation::Grandparent, Relation::Other];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Myself => "self",
            Relation::Parent => "parent",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Grandparent => "grandparent",
            Relation::Other => "other",
        }
    }

    /// Parses [`Relation::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Translation key.
    pub fn label_key(self) -> &'static str {
        match self {
            Relation::Myself => "relation.self",
            Relation::Parent => "relation.parent",
            Relation::Spouse => "relation.spouse",
            Relation::Child => "relation.child",
            Relation::Grandparent => "relation.grandparent",
            Relation::Other => "relation.other",
        }
    }
}

/// A person as stored (the ID number only sealed and masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Person {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Relation to the account holder.
    pub relation: Relation,
    /// Masked ID number, when given.
    pub id_masked: Option<String>,
    /// Birth date from the ID number (YYYY-MM-DD), when given.
    pub birth_date: Option<String>,
    /// Blind index of the ID number (never shown).
    #[serde(skip)]
    pub id_index: Option<String>,
}

/// A new person, checked.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// Name.
    pub name: String,
    /// Relation.
    pub relation: Relation,
    /// ID number, optional (required only by real-name services).
    pub id_number: Option<IdNumber>,
}

/// Checks the fields of a new person.
pub fn check_person(name: &str, relation: &str, id_number: Option<&str>) -> Result<NewPerson, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_control) {
        errors.push(FieldError { field: "name", key: "form.display_name_invalid" });
    }
    let relation = Relation::parse(relation.trim());
    if relation.is_none() {
        errors.push(FieldError { field: "relation", key: "form.choice_invalid" });
    }
    let id_number = match id_number.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let id = IdNumber::parse(raw);
            if id.is_none() {
                errors.push(FieldError { field: "id_number", key: "form.id_number_invalid" });
            }
            id
        }
    };
    match relation {
        Some(relation) if errors.is_empty() => Ok(NewPerson { name: name.to_owned(), relation, id_number }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completes 17 digits with their check character.
    pub fn with_check(first17: &str) -> String {
        let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn check_characters_are_verified() {
        // The standard's own example number.
        assert!(IdNumber::parse("11010519491231002X").is_some());
        assert!(IdNumber::parse("11010519491231002x").is_some());
        assert!(IdNumber::parse("110105194912310021").is_none(), "wrong check character");
        let good = with_check("37020219500101123");
        let id = IdNumber::parse(&good).unwrap();
        assert_eq!(id.masked(), format!("3702**********{}", &good[14..]));
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1950, 1, 1));
        for bad in ["", "3702021950010112", "37020219500101123X5", "3702021950013212", "abcdefghijklmnopqr"] {
            assert!(IdNumber::parse(bad).is_none(), "{bad}");
        }
        assert!(IdNumber::parse(&with_check("37020219501301123")).is_none(), "month 13");
    }

    #[test]
    fn ages_count_whole_years() {
        let birth = NaiveDate::from_ymd_opt(1950, 6, 15).unwrap();
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()), 75);
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()), 76);
    }

    #[test]
    fn persons_are_checked() {
        let id = with_check("37020219500101123");
        let p = check_person(" 王秀英 ", "parent", Some(&id)).unwrap();
        assert_eq!(p.name, "王秀英");
        assert!(check_person("王秀英", "parent", None).unwrap().id_number.is_none());
        let errors = check_person("", "cousin", Some("123")).unwrap_err();
        assert_eq!(errors.len(), 3);
    }
}

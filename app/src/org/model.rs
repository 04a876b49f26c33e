//! The district's structure as plain types, and the rules for valid input. No I/O here.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::{CommunityId, DepartmentId, DistrictId, StreetId, VenueId};

/// The district (区).
#[derive(Debug, Clone, Serialize)]
pub struct District {
    /// Id.
    pub id: DistrictId,
    /// Official division code, e.g. 370202.
    pub code: String,
    /// Name, e.g. 市南区.
    pub name: String,
    /// City, e.g. 青岛市.
    pub city: String,
    /// Province.
    pub province: String,
    /// Census population.
    pub population: Option<i64>,
    /// Area in km².
    pub area_km2: Option<f64>,
}

/// A street (街道).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Street {
    /// Id.
    pub id: StreetId,
    /// Official 9-digit code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A community (社区).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Community {
    /// Id.
    pub id: CommunityId,
    /// The street it belongs to.
    pub street_id: StreetId,
    /// Official 12-digit code, starting with its street's code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// What kind of body a department is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    /// A district bureau (区委宣传部, 区卫健局, ...).
    District,
    /// A street office (街道办事处).
    StreetOffice,
    /// Other bodies the district works with (e.g. a police branch).
    Other,
}

impl DepartmentKind {
    /// Every kind.
    pub const ALL: [DepartmentKind; 3] =
        [DepartmentKind::District, DepartmentKind::StreetOffice, DepartmentKind::Other];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::District => "district",
            DepartmentKind::StreetOffice => "street_office",
            DepartmentKind::Other => "other",
        }
    }

    /// Parses [`DepartmentKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Translation key.
    pub fn label_key(self) -> &'static str {
        match self {
            DepartmentKind::District => "department_kind.district",
            DepartmentKind::StreetOffice => "department_kind.street_office",
            DepartmentKind::Other => "department_kind.other",
        }
    }
}

/// A department (部门).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Department {
    /// Id.
    pub id: DepartmentId,
    /// Name.
    pub name: String,
    /// English name, shown on English pages (null: they show the Chinese name).
    #[serde(default)]
    pub name_en: Option<String>,
    /// Kind.
    pub kind: DepartmentKind,
    /// For street offices: their street.
    pub street_id: Option<StreetId>,
}

/// Kinds of venue (场所).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VenueKind {
    /// 新时代文明实践站 (one per community).
    PracticeStation,
    /// Cinema.
    Cinema,
    /// School or university.
    School,
    /// Public square.
    Square,
    /// Museum or memorial site.
    Museum,
    /// Community health service site.
    HealthSite,
    /// Government service hall.
    GovHall,
    /// Park, beach or scenic area.
    Park,
    /// Anything else.
    Other,
}

impl VenueKind {
    /// Every kind, in display order.
    pub const ALL: [VenueKind; 9] = [
        VenueKind::PracticeStation,
        VenueKind::Cinema,
        VenueKind::School,
        VenueKind::Square,
        VenueKind::Museum,
        VenueKind::HealthSite,
        VenueKind::GovHall,
        VenueKind::Park,
        VenueKind::Other,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VenueKind::PracticeStation => "practice_station",
            VenueKind::Cinema => "cinema",
            VenueKind::School => "school",
            VenueKind::Square => "square",
            VenueKind::Museum => "museum",
            VenueKind::HealthSite => "health_site",
            VenueKind::GovHall => "gov_hall",
            VenueKind::Park => "park",
            VenueKind::Other => "other",
        }
    }

    /// Parses [`VenueKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Translation key.
    pub fn label_key(self) -> &'static str {
        match self {
            VenueKind::PracticeStation => "venue_kind.practice_station",
            VenueKind::Cinema => "venue_kind.cinema",
            VenueKind::School => "venue_kind.school",
            VenueKind::Square => "venue_kind.square",
            VenueKind::Museum => "venue_kind.museum",
            VenueKind::HealthSite => "venue_kind.health_site",
            VenueKind::GovHall => "venue_kind.gov_hall",
            VenueKind::Park => "venue_kind.park",
            VenueKind::Other => "venue_kind.other",
        }
    }
}

/// A venue (场所).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Venue {
    /// Id.
    pub id: VenueId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: VenueKind,
    /// Street address ("" when not known).
    pub address: String,
    /// Latitude (WGS84), when known.
    pub lat: Option<f64>,
    /// Longitude (WGS84), when known.
    pub lng: Option<f64>,
    /// Its street.
    pub street_id: StreetId,
    /// Its community, when it belongs to one.
    pub community_id: Option<CommunityId>,
    /// How many people it holds, when known.
    pub capacity: Option<i64>,
}

/// Checked input for a street.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetInput {
    /// 9-digit code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Checked input for a community (its code's prefix is checked against the street later).
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityInput {
    /// Street.
    pub street_id: StreetId,
    /// 12-digit code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// Checked input for a department.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentInput {
    /// Name.
    pub name: String,
    /// English name (None: English pages show the Chinese name).
    pub name_en: Option<String>,
    /// Kind.
    pub kind: DepartmentKind,
    /// Street, for street offices.
    pub street_id: Option<StreetId>,
}

/// Checked input for a venue.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: VenueKind,
    /// Address.
    pub address: String,
    /// Coordinates, both or neither.
    pub coords: Option<(f64, f64)>,
    /// Street.
    pub street_id: StreetId,
    /// Community.
    pub community_id: Option<CommunityId>,
    /// Capacity.
    pub capacity: Option<i64>,
}

/// A name: trimmed, 1 to `max` characters, no control characters.
pub fn parse_name(field: &'static str, raw: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let name = raw.trim();
    if name.is_empty() {
        errors.push(FieldError { field, key: "form.required" });
    } else if name.chars().count() > max || name.chars().any(char::is_control) {
        errors.push(FieldError { field, key: "form.name_invalid" });
    }
    name.to_owned()
}

/// An optional name, such as an English name: empty means none; otherwise as [`parse_name`].
pub fn parse_optional_name(field: &'static str, raw: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    if raw.trim().is_empty() { None } else { Some(parse_name(field, raw, max, errors)) }
}

/// A division code of exactly `len` digits.
pub fn parse_code(field: &'static str, raw: &str, len: usize, errors: &mut Vec<FieldError>) -> String {
    let code = raw.trim();
    if code.len() != len || !code.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(FieldError {
            field,
            key: if len == 9 { "form.street_code_invalid" } else { "form.community_code_invalid" },
        });
    }
    code.to_owned()
}

/// An optional id from a form select ("" means none).
pub fn parse_optional_id(field: &'static str, raw: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.push(FieldError { field, key: "form.choice_invalid" });
            None
        }
    }
}

/// An optional number in a range ("" means none).
pub fn parse_optional_f64(
    field: &'static str,
    raw: &str,
    range: std::ops::RangeInclusive<f64>,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && range.contains(&v) => Some(v),
        _ => {
            errors.push(FieldError { field, key: "form.coordinate_invalid" });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_must_be_all_digits_of_the_right_length() {
        let mut errors = Vec::new();
        parse_code("code", "370202001", 9, &mut errors);
        assert!(errors.is_empty());
        parse_code("code", "37020200a", 9, &mut errors);
        parse_code("code", "370202001001", 9, &mut errors);
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(parse_name("name", "  云霄路社区 ", 64, &mut errors), "云霄路社区");
        assert!(errors.is_empty());
        parse_name("name", "", 64, &mut errors);
        parse_name("name", "a\u{7}b", 64, &mut errors);
        parse_name("name", &"长".repeat(65), 64, &mut errors);
        assert_eq!(errors.len(), 3);
    }
}

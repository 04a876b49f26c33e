//! Back-office form fields as submitted (strings, so a bad value can be shown back next to
//! its error) and their conversion into checked inputs.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::{CommunityId, StreetId};
use crate::org::model::*;

/// Venue form fields as submitted (strings, so a bad value can be shown back).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VenueFields {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Address.
    pub address: String,
    /// Latitude.
    pub lat: String,
    /// Longitude.
    pub lng: String,
    /// Street id.
    pub street_id: String,
    /// Community id.
    pub community_id: String,
    /// Capacity.
    pub capacity: String,
}

impl VenueFields {
    /// Checks the fields; the community's street is checked by the service.
    pub fn parse(&self) -> Result<VenueInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = parse_name("name", &self.name, 80, &mut errors);
        let kind = VenueKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError { field: "kind", key: "form.choice_invalid" });
        }
        let address = self.address.trim().to_owned();
        if address.chars().count() > 120 || address.chars().any(char::is_control) {
            errors.push(FieldError { field: "address", key: "form.address_invalid" });
        }
        let lat = parse_optional_f64("lat", &self.lat, -90.0..=90.0, &mut errors);
        let lng = parse_optional_f64("lng", &self.lng, -180.0..=180.0, &mut errors);
        let coords = match (lat, lng) {
            (Some(a), Some(b)) => Some((a, b)),
            (None, None) => None,
            (Some(_), None) => {
                if self.lng.trim().is_empty() {
                    errors.push(FieldError { field: "lng", key: "form.coordinates_pair" });
                }
                None
            }
            (None, Some(_)) => {
                if self.lat.trim().is_empty() {
                    errors.push(FieldError { field: "lat", key: "form.coordinates_pair" });
                }
                None
            }
        };
        let street_id = parse_optional_id("street_id", &self.street_id, &mut errors);
        if street_id.is_none() && self.street_id.trim().is_empty() {
            errors.push(FieldError { field: "street_id", key: "form.required" });
        }
        let community_id = parse_optional_id("community_id", &self.community_id, &mut errors);
        let capacity = match self.capacity.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(c) if (0..=1_000_000).contains(&c) => Some(c),
                _ => {
                    errors.push(FieldError { field: "capacity", key: "form.capacity_invalid" });
                    None
                }
            },
        };
        match (kind, street_id) {
            (Some(kind), Some(street)) if errors.is_empty() => Ok(VenueInput {
                name,
                kind,
                address,
                coords,
                street_id: StreetId(street),
                community_id: community_id.map(CommunityId),
                capacity,
            }),
            _ => Err(errors),
        }
    }

    /// The fields of an existing venue, for an edit form.
    pub fn from_venue(v: &Venue) -> Self {
        Self {
            name: v.name.clone(),
            kind: v.kind.as_str().to_owned(),
            address: v.address.clone(),
            lat: v.lat.map(|x| x.to_string()).unwrap_or_default(),
            lng: v.lng.map(|x| x.to_string()).unwrap_or_default(),
            street_id: v.street_id.to_string(),
            community_id: v.community_id.map(|c| c.to_string()).unwrap_or_default(),
            capacity: v.capacity.map(|c| c.to_string()).unwrap_or_default(),
        }
    }
}

/// Street form fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StreetFields {
    /// 9-digit code.
    pub code: String,
    /// Name.
    pub name: String,
}

impl StreetFields {
    /// Checks the fields.
    pub fn parse(&self) -> Result<StreetInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let code = parse_code("code", &self.code, 9, &mut errors);
        let name = parse_name("name", &self.name, 64, &mut errors);
        if errors.is_empty() { Ok(StreetInput { code, name }) } else { Err(errors) }
    }

    /// The fields of an existing street.
    pub fn from_street(s: &Street) -> Self {
        Self { code: s.code.clone(), name: s.name.clone() }
    }
}

/// Community form fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CommunityFields {
    /// Street id.
    pub street_id: String,
    /// 12-digit code.
    pub code: String,
    /// Name.
    pub name: String,
}

impl CommunityFields {
    /// Checks the fields; the code prefix is checked against the street by the service.
    pub fn parse(&self) -> Result<CommunityInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let street_id = parse_optional_id("street_id", &self.street_id, &mut errors);
        if self.street_id.trim().is_empty() {
            errors.push(FieldError { field: "street_id", key: "form.required" });
        }
        let code = parse_code("code", &self.code, 12, &mut errors);
        let name = parse_name("name", &self.name, 64, &mut errors);
        match street_id {
            Some(street) if errors.is_empty() => Ok(CommunityInput { street_id: StreetId(street), code, name }),
            _ => Err(errors),
        }
    }

    /// The fields of an existing community.
    pub fn from_community(c: &Community) -> Self {
        Self { street_id: c.street_id.to_string(), code: c.code.clone(), name: c.name.clone() }
    }
}

/// Department form fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DepartmentFields {
    /// Name.
    pub name: String,
    /// English name (optional).
    pub name_en: String,
    /// Kind.
    pub kind: String,
    /// Street id, for street offices.
    pub street_id: String,
}

impl DepartmentFields {
    /// Checks the fields: a street office needs its street, other kinds have none.
    pub fn parse(&self) -> Result<DepartmentInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = parse_name("name", &self.name, 64, &mut errors);
        // Empty is kept as '' (cleared), not None, so the start's catch-up does not refill it.
        let name_en = Some(parse_optional_name("name_en", &self.name_en, 100, &mut errors).unwrap_or_default());
        let kind = DepartmentKind::parse(self.kind.trim());
        let street_id = parse_optional_id("street_id", &self.street_id, &mut errors).map(StreetId);
        match kind {
            None => errors.push(FieldError { field: "kind", key: "form.choice_invalid" }),
            Some(DepartmentKind::StreetOffice) if street_id.is_none() => {
                errors.push(FieldError { field: "street_id", key: "form.street_office_needs_street" });
            }
            Some(_) => {}
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(DepartmentInput {
                name,
                name_en,
                kind,
                street_id: if kind == DepartmentKind::StreetOffice { street_id } else { None },
            }),
            _ => Err(errors),
        }
    }

    /// The fields of an existing department.
    pub fn from_department(d: &Department) -> Self {
        Self {
            name: d.name.clone(),
            name_en: d.name_en.clone().unwrap_or_default(),
            kind: d.kind.as_str().to_owned(),
            street_id: d.street_id.map(|s| s.to_string()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn venue() -> VenueFields {
        VenueFields {
            name: " 五四广场 ".into(),
            kind: "square".into(),
            address: "东海西路".into(),
            lat: "36.062".into(),
            lng: "120.384".into(),
            street_id: "1".into(),
            community_id: "".into(),
            capacity: "".into(),
        }
    }

    #[test]
    fn a_good_venue_parses_and_trims() {
        let v = venue().parse().unwrap();
        assert_eq!(v.name, "五四广场");
        assert_eq!(v.coords, Some((36.062, 120.384)));
        assert_eq!(v.community_id, None);
    }

    type Spoil = fn(&mut VenueFields);

    #[test]
    fn each_bad_venue_field_is_named() {
        let cases: [(&str, Spoil); 8] = [
            ("name", |f| f.name = "  ".into()),
            ("name", |f| f.name = "x".repeat(81)),
            ("kind", |f| f.kind = "castle".into()),
            ("lat", |f| f.lat = "91".into()),
            ("lng", |f| f.lng = "east".into()),
            ("lng", |f| f.lng = "".into()),
            ("street_id", |f| f.street_id = "".into()),
            ("capacity", |f| f.capacity = "-5".into()),
        ];
        for (field, spoil) in cases {
            let mut f = venue();
            spoil(&mut f);
            let errors = f.parse().unwrap_err();
            assert!(errors.iter().any(|e| e.field == field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_street_office_needs_a_street_and_others_drop_it() {
        let office = DepartmentFields {
            name: "香港中路街道办事处".into(),
            name_en: "".into(),
            kind: "street_office".into(),
            street_id: "".into(),
        };
        assert!(office.parse().unwrap_err().iter().any(|e| e.field == "street_id"));
        let bureau = DepartmentFields {
            name: "区卫健局".into(),
            name_en: " District Health Commission ".into(),
            kind: "district".into(),
            street_id: "3".into(),
        };
        let parsed = bureau.parse().unwrap();
        assert_eq!((parsed.street_id, parsed.name_en.as_deref()), (None, Some("District Health Commission")));
    }

    #[test]
    fn community_needs_street_and_twelve_digit_code() {
        let c = CommunityFields { street_id: "".into(), code: "37020200100".into(), name: "x".into() };
        let errors = c.parse().unwrap_err();
        assert!(errors.iter().any(|e| e.field == "street_id"));
        assert!(errors.iter().any(|e| e.field == "code"));
    }
}

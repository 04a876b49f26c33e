//! Views of the district: the public directory (`/district`), and the back-office tables and forms.

use crate::org::forms::{CommunityFields, DepartmentFields, StreetFields, VenueFields};
use std::sync::Arc;

use crate::org::cache::Structure;
use crate::org::model::*;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};

/// The district directory (`/district`; the home page before the portal).
#[derive(askama::Template)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Page context.
    pub ctx: Ctx,
    /// The district's structure (shared, from the cache).
    pub data: Arc<Structure>,
}

impl HomePage {
    /// Population with thousands separators.
    pub fn population(&self) -> String {
        self.data.district.as_ref().and_then(|d| d.population).map(group_digits).unwrap_or_default()
    }

    /// Area in km², e.g. "32.18 平方公里".
    pub fn area(&self) -> String {
        let area = self.data.district.as_ref().and_then(|d| d.area_km2).map(|a| format!("{a:.2}")).unwrap_or_default();
        self.ctx.tf("home.area_value", &[("area", &area)])
    }

    /// Anchor id of a street section.
    pub fn anchor(&self, street: &Street) -> String {
        format!("street-{}", street.code)
    }
}

fn group_digits(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Options for a street select: only `streets` (those the user may use).
pub fn street_options(ctx: &Ctx, streets: &[Street], allow_none: bool) -> Vec<OptGroup> {
    let mut options = Vec::new();
    if allow_none {
        options.push(Opt { value: String::new(), label: ctx.t("form.none").into() });
    }
    options.extend(streets.iter().map(|s| Opt { value: s.id.to_string(), label: s.name.clone() }));
    vec![OptGroup { label: None, options }]
}

fn kind_options<K: Copy>(
    ctx: &Ctx,
    kinds: &[K],
    value: fn(K) -> &'static str,
    label: fn(K) -> &'static str,
) -> Vec<OptGroup> {
    let options = kinds.iter().map(|k| Opt { value: value(*k).into(), label: ctx.t(label(*k)).into() }).collect();
    vec![OptGroup { label: None, options }]
}

/// Fields of the street form.
pub fn street_fields(f: &StreetFields) -> Vec<Field> {
    vec![
        Field::text("name", "field.name", &f.name).required(),
        Field::text("code", "field.street_code", &f.code).required().inputmode("numeric").hint("hint.street_code"),
    ]
}

/// Fields of the community form.
pub fn community_fields(ctx: &Ctx, f: &CommunityFields, streets: &[Street]) -> Vec<Field> {
    vec![
        Field::select("street_id", "field.street", &f.street_id, street_options(ctx, streets, false)).required(),
        Field::text("name", "field.name", &f.name).required(),
        Field::text("code", "field.community_code", &f.code)
            .required()
            .inputmode("numeric")
            .hint("hint.community_code"),
    ]
}

/// Fields of the department form.
pub fn department_fields(ctx: &Ctx, f: &DepartmentFields, streets: &[Street]) -> Vec<Field> {
    vec![
        Field::text("name", "field.name", &f.name).required(),
        Field::text("name_en", "field.name_en", &f.name_en).hint("hint.name_en"),
        Field::select(
            "kind",
            "field.department_kind",
            &f.kind,
            kind_options(ctx, &DepartmentKind::ALL, DepartmentKind::as_str, DepartmentKind::label_key),
        )
        .required(),
        Field::select("street_id", "field.street", &f.street_id, street_options(ctx, streets, true))
            .hint("hint.department_street"),
    ]
}

/// Fields of the venue form.
pub fn venue_fields(ctx: &Ctx, f: &VenueFields, streets: &[Street], communities: Vec<OptGroup>) -> Vec<Field> {
    vec![
        Field::text("name", "field.name", &f.name).required(),
        Field::select(
            "kind",
            "field.venue_kind",
            &f.kind,
            kind_options(ctx, &VenueKind::ALL, VenueKind::as_str, VenueKind::label_key),
        )
        .required(),
        Field::select("street_id", "field.street", &f.street_id, street_options(ctx, streets, false)).required(),
        Field::select("community_id", "field.community", &f.community_id, communities),
        Field::text("address", "field.address", &f.address).autocomplete("street-address"),
        Field::text("lat", "field.lat", &f.lat).inputmode("decimal").hint("hint.coordinates"),
        Field::text("lng", "field.lng", &f.lng).inputmode("decimal"),
        Field::text("capacity", "field.capacity", &f.capacity).inputmode("numeric"),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(super::group_digits(486_643), "486,643");
        assert_eq!(super::group_digits(1_000), "1,000");
        assert_eq!(super::group_digits(999), "999");
    }
}

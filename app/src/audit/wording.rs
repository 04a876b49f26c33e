//! The log's words: each domain's [`Wording`](super::Wording) gathered, and the field labels
//! many domains share (a name, a street, a state...), so a domain words only its own.

use crate::app::Domain;

/// Field labels shared by many records; a domain's own `fields` come first.
const COMMON_FIELDS: &[(&str, &str)] = &[
    ("id", "audit.fields.id"),
    ("name", "audit.fields.name"),
    ("name_en", "audit.fields.name_en"),
    ("title", "audit.fields.title"),
    ("code", "audit.fields.code"),
    ("summary", "audit.fields.summary"),
    ("body", "audit.fields.body"),
    ("description", "audit.fields.description"),
    ("note", "audit.fields.note"),
    ("reason", "audit.fields.reason"),
    ("state", "audit.fields.state"),
    ("status", "audit.fields.status"),
    ("street_id", "audit.fields.street"),
    ("community_id", "audit.fields.community"),
    ("venue_id", "audit.fields.venue"),
    ("department_id", "audit.fields.department"),
    ("category_id", "audit.fields.category"),
    ("display_name", "audit.fields.display_name"),
    ("phone", "audit.fields.phone"),
    ("phone_masked", "audit.fields.phone"),
    ("address", "audit.fields.address"),
    ("lat", "audit.fields.lat"),
    ("lng", "audit.fields.lng"),
    ("capacity", "audit.fields.capacity"),
    ("starts_at", "audit.fields.starts_at"),
    ("ends_at", "audit.fields.ends_at"),
    ("created_at", "audit.fields.created_at"),
    ("updated_at", "audit.fields.updated_at"),
    ("created_by", "audit.fields.created_by"),
    ("updated_by", "audit.fields.updated_by"),
    ("active", "audit.fields.active"),
    ("image_id", "audit.fields.image"),
    ("alt", "audit.fields.alt"),
    ("revealed", "audit.fields.revealed"),
    ("case_id", "audit.fields.case"),
    ("user_id", "audit.fields.user"),
];

/// Every domain's wording, in `DOMAINS` order.
fn all(domains: &[Domain]) -> impl Iterator<Item = &'static super::Wording> + '_ {
    domains.iter().filter_map(|d| d.audit)
}

/// The key of an action's sentence, or a generic one for an action no domain words (an old
/// entry whose action was renamed; the wording test keeps current ones worded).
pub fn action(domains: &[Domain], name: &str) -> &'static str {
    all(domains).flat_map(|w| w.actions).find(|(n, _)| *n == name).map_or("audit.action.other", |(_, k)| *k)
}

/// Whether some domain words this action (the filter accepts only those).
pub fn is_action(domains: &[Domain], name: &str) -> bool {
    all(domains).flat_map(|w| w.actions).any(|(n, _)| *n == name)
}

/// Every worded action: (name, key), in `DOMAINS` order.
pub fn actions(domains: &[Domain]) -> Vec<(&'static str, &'static str)> {
    all(domains).flat_map(|w| w.actions.iter().copied()).collect()
}

/// Every worded object kind: (name, key), each once.
pub fn objects(domains: &[Domain]) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for pair in all(domains).flat_map(|w| w.objects.iter().copied()) {
        if !out.iter().any(|(n, _)| *n == pair.0) {
            out.push(pair);
        }
    }
    out
}

/// The key naming an object kind.
pub fn object(domains: &[Domain], kind: &str) -> &'static str {
    all(domains).flat_map(|w| w.objects).find(|(n, _)| *n == kind).map_or("audit.object.other", |(_, k)| *k)
}

/// Where the object is seen, when it has a page (id 0 is a batch, e.g. an import: none).
pub fn link(domains: &[Domain], kind: &str, id: i64) -> Option<String> {
    if id <= 0 {
        return None;
    }
    all(domains).flat_map(|w| w.links).find(|(n, _)| *n == kind).map(|(_, p)| p.replace("{id}", &id.to_string()))
}

/// The label key of a field of a record: the domain's, the shared one, else the generic one.
pub fn field(domains: &[Domain], name: &str) -> &'static str {
    all(domains)
        .flat_map(|w| w.fields)
        .chain(COMMON_FIELDS)
        .find(|(n, _)| *n == name)
        .map_or("audit.fields.other", |(_, k)| *k)
}

/// The shared labels' keys (the catalogue test checks each is translated).
pub fn common_field_keys() -> impl Iterator<Item = &'static str> {
    COMMON_FIELDS.iter().map(|(_, k)| *k)
}

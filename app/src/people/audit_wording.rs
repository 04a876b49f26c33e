//! How the audit log words a resident's family members. They have no back-office page, so the
//! entries link nowhere; ID numbers appear only masked (`people::model::Person`).

use crate::audit::Wording;

/// The family members' entries (registered in `people::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("person", "audit.object.person")],
    actions: &[
        ("person.create", "audit.action.person_create"),
        ("person.update", "audit.action.person_update"),
        ("person.remove", "audit.action.person_remove"),
        ("person.phone_verified", "audit.action.person_phone_verified"),
    ],
    links: &[],
    fields: &[
        ("relation", "audit.fields.relation"),
        ("id_masked", "audit.fields.id_masked"),
        ("id_index", "audit.fields.id_index"),
        ("birth_date", "audit.fields.birth_date"),
        ("phone_verified", "audit.fields.phone_verified"),
    ],
};

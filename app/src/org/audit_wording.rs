//! How the audit log words the district's structure: streets, communities, venues, departments.

use crate::audit::Wording;

/// The structure's entries (registered in `org::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[
        ("district", "audit.object.district"),
        ("street", "audit.object.street"),
        ("community", "audit.object.community"),
        ("venue", "audit.object.venue"),
        ("department", "audit.object.department"),
    ],
    actions: &[
        ("district.import", "audit.action.district_import"),
        ("street.create", "audit.action.street_create"),
        ("street.update", "audit.action.street_update"),
        ("community.create", "audit.action.community_create"),
        ("community.update", "audit.action.community_update"),
        ("venue.create", "audit.action.venue_create"),
        ("venue.update", "audit.action.venue_update"),
        ("department.create", "audit.action.department_create"),
        ("department.update", "audit.action.department_update"),
    ],
    links: &[
        ("street", "/manage/streets/{id}"),
        ("community", "/manage/communities/{id}"),
        ("venue", "/manage/venues/{id}"),
        ("department", "/manage/departments/{id}"),
    ],
    // A venue's and a department's kind (`org::model`).
    fields: &[("kind", "audit.fields.kind")],
};

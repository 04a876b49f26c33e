//! How the audit log words the challenges' entries.

use crate::audit::Wording;

/// The challenges' entries (registered in `challenge::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[
        ("challenge", "challenge.audit.challenge"),
        ("challenge_team", "challenge.audit.team"),
        ("challenge_checkin", "challenge.audit.checkin"),
    ],
    actions: &[
        ("challenges.create", "challenge.audit.create"),
        ("challenges.team_create", "challenge.audit.team_create"),
        ("challenges.join", "challenge.audit.join"),
        ("challenges.checkin_replace", "challenge.audit.checkin_replace"),
        ("challenges.checkin_review", "challenge.audit.checkin_review"),
        ("challenges.update", "challenge_manage.audit.update"),
        ("challenges.team_rename", "challenge_manage.audit.team_rename"),
        ("challenges.export_people", "challenge_manage.audit.export_people"),
    ],
    links: &[],
    // `challenge::store`'s rows, as recorded.
    fields: &[
        ("scale_milli", "challenge.audit.fields.scale"),
        ("daily_cap_m", "challenge.audit.fields.daily_cap"),
        ("claimed_m", "challenge.audit.fields.claimed"),
        ("counted_m", "challenge.audit.fields.counted"),
        ("status", "challenge.audit.fields.status"),
        ("reason", "challenge.audit.fields.reason"),
        ("team_id", "challenge.audit.fields.team"),
    ],
};

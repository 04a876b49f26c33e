//! How the audit log words activities and their sessions.

use crate::audit::Wording;

/// The activities' entries (registered in `events::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("event", "audit.object.event")],
    actions: &[
        ("event.create", "audit.action.event_create"),
        ("event.update", "audit.action.event_update"),
        ("event.cover", "audit.action.event_cover"),
        ("event.add_sessions", "audit.action.event_add_sessions"),
        ("event.change_sessions", "audit.action.event_change_sessions"),
    ],
    links: &[("event", "/manage/events/{id}")],
    // `events::model::Event` and the sessions' summaries (`events::service`).
    fields: &[
        ("kind", "audit.fields.kind"),
        ("campaign", "audit.fields.campaign"),
        ("members_only", "audit.fields.members_only"),
        ("cover_url", "audit.fields.cover"),
        ("sessions_created", "audit.fields.sessions_created"),
        ("rrule", "audit.fields.rrule"),
        ("sessions", "audit.fields.sessions"),
        ("cancel", "audit.fields.cancel"),
        ("shift", "audit.fields.shift"),
    ],
};

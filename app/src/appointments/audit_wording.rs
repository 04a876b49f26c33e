//! How the audit log words appointment services and their slots.

use crate::audit::Wording;

/// The services' entries (registered in `appointments::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("service", "audit.object.service"), ("offering", "audit.object.offering")],
    actions: &[
        ("service.create", "audit.action.service_create"),
        ("service.create_slots", "audit.action.service_create_slots"),
        ("offering.update", "audit.action.offering_update"),
        ("service.update", "audit.action.service_update"),
        ("offering.cancel", "audit.action.offering_cancel"),
    ],
    // A slot has no page of its own; its service's day sheet lists it.
    links: &[("service", "/manage/services/{id}")],
    // `appointments::model::Service`, `bookings::model::Offering`, the slots' summary.
    fields: &[
        ("real_name_required", "audit.fields.real_name_required"),
        ("kind", "audit.fields.kind"),
        ("service_id", "audit.fields.service"),
        ("service_key", "audit.fields.service"),
        ("booked", "audit.fields.booked"),
        ("waitlist_enabled", "audit.fields.waitlist_enabled"),
        ("mode", "audit.fields.mode"),
        ("rules", "audit.fields.rules"),
        ("lottery_seed", "audit.fields.lottery"),
        ("lottery_commitment", "audit.fields.lottery"),
        ("drawn_at", "audit.fields.drawn_at"),
        ("event_id", "audit.fields.event"),
        ("series_id", "audit.fields.series"),
        ("online_url", "audit.fields.online_url"),
        ("slots_created", "audit.fields.slots_created"),
    ],
};

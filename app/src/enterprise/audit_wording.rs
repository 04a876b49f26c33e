//! How the audit log words enterprise applications and the assistance on a case.

use crate::audit::Wording;

/// The enterprise domain's entries (registered in `enterprise::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("enterprise", "audit.object.enterprise")],
    actions: &[
        ("enterprise.apply", "audit.action.enterprise_apply"),
        ("enterprise.decide", "audit.action.enterprise_decide"),
        ("case.assign_agent", "audit.action.case_assign_agent"),
        ("case.assist_step", "audit.action.case_assist_step"),
        ("case.contact_reveal", "audit.action.case_contact_reveal"),
    ],
    // Applications are decided from their list; there is no page per enterprise.
    links: &[("enterprise", "/manage/enterprises")],
    fields: &[
        ("uscc", "audit.fields.uscc"),
        ("agent_user_id", "audit.fields.agent"),
        ("assist_step_id", "audit.fields.assist_step"),
    ],
};

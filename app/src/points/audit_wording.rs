//! How the audit log words the points rules' changes.

use crate::audit::Wording;

/// The ledger's entries (registered in `points::DOMAIN`). Awards and reversals are not audited:
/// the ledger is itself the record, append-only, and each entry names what earned it.
pub const AUDIT: Wording = Wording {
    objects: &[("points_rule", "points.audit.rule")],
    actions: &[("points_rule.update", "points.audit.rule_update")],
    links: &[("points_rule", "/manage/points")],
    fields: &[
        ("source", "points.audit.source"),
        ("version", "points.audit.version"),
        ("points", "points.audit.points"),
        ("daily_cap", "points.audit.daily_cap"),
    ],
};

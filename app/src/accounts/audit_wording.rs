//! How the audit log words what happens to accounts: creation, profile, passwords, roles,
//! API tokens and calendar links.

use crate::audit::Wording;

/// The accounts' entries (registered in `accounts::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("user", "audit.object.user")],
    actions: &[
        ("user.create", "audit.action.user_create"),
        ("user.import", "audit.action.user_import"),
        ("user.update_profile", "audit.action.user_update_profile"),
        ("user.change_password", "audit.action.user_change_password"),
        ("user.reset_password", "audit.action.user_reset_password"),
        ("user.grant_role", "audit.action.user_grant_role"),
        ("user.revoke_role", "audit.action.user_revoke_role"),
        ("user.rotate_feed", "audit.action.user_rotate_feed"),
        ("api_token.create", "audit.action.api_token_create"),
        ("api_token.revoke", "audit.action.api_token_revoke"),
    ],
    links: &[("user", "/manage/users/{id}")],
    // `accounts::model::User`, a role grant (`authz::Grant`), a token's summary, an import's.
    fields: &[
        ("can_log_in", "audit.fields.can_log_in"),
        ("role", "audit.fields.role"),
        ("scope", "audit.fields.scope"),
        ("token", "audit.fields.token"),
        ("label", "audit.fields.label"),
        ("long_lived", "audit.fields.long_lived"),
        ("created", "audit.fields.created"),
        ("skipped", "audit.fields.skipped"),
    ],
};

//! How the audit log words the hotline's one entry: a caller's full number was viewed.

use crate::audit::Wording;

/// The hotline's entries (registered in `cases::hotline::DOMAIN`).
pub const AUDIT: Wording =
    Wording { actions: &[("case.caller_reveal", "audit.action.case_caller_reveal")], ..Wording::NONE };

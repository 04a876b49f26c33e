//! Role gates: who may open a whole feature at all, before any object is looked at. A gate is a
//! type, so a handler names its gate in its signature (`web::guard::Staff<Overseer>`) and the
//! back office's tiles ask the same gate whether to show the way in.

use crate::authz::{Principal, Role};

/// A role gate.
pub trait Gate {
    /// Whether `principal` passes.
    fn admits(principal: &Principal) -> bool;
}

/// Any staff role: the back office.
pub struct AnyStaff;

impl Gate for AnyStaff {
    fn admits(principal: &Principal) -> bool {
        principal.is_staff()
    }
}

/// Those who run the cases of a place (admins and dispatchers): statistics, the patrol log, the
/// hotline.
pub struct Overseer;

impl Gate for Overseer {
    fn admits(principal: &Principal) -> bool {
        !principal.reach().oversees().is_empty()
    }
}

/// Inspectors: foot patrols.
pub struct Inspector;

impl Gate for Inspector {
    fn admits(principal: &Principal) -> bool {
        principal.has_role(Role::Inspector)
    }
}

/// Those who organise activities: organisers, and the district's admins for everything.
pub struct Organising;

impl Gate for Organising {
    fn admits(principal: &Principal) -> bool {
        principal.has_role(Role::Organizer) || principal.has_role(Role::DistrictAdmin)
    }
}

/// The check-in desk: those who run activities at venues — organisers and the admins of a
/// place (whose reach then decides which tickets and venue codes are theirs).
pub struct CheckinDesk;

impl Gate for CheckinDesk {
    fn admits(principal: &Principal) -> bool {
        principal.has_role(Role::Organizer) || !principal.reach().administers().is_empty()
    }
}

/// The district's admins: settings of the whole district.
pub struct DistrictAdmin;

impl Gate for DistrictAdmin {
    fn admits(principal: &Principal) -> bool {
        principal.reach().administers().is_district()
    }
}

/// Those who administer a place (district and street admins): people, the audit log.
pub struct Administrator;

impl Gate for Administrator {
    fn admits(principal: &Principal) -> bool {
        !principal.reach().administers().is_empty()
    }
}

/// The enterprise-assistance desk (帮办代办): the district's overseers and departments' handlers.
pub struct AssistanceDesk;

impl Gate for AssistanceDesk {
    fn admits(principal: &Principal) -> bool {
        !principal.reach().assistance().is_empty()
    }
}

/// The command centre: those who oversee the whole district (district admins and dispatchers).
/// They decide on enterprises' applications.
pub struct CommandCentre;

impl Gate for CommandCentre {
    fn admits(principal: &Principal) -> bool {
        principal.reach().oversees().is_district()
    }
}

/// The newsroom: those who write and publish news (editors, district and street admins).
pub struct Newsroom;

impl Gate for Newsroom {
    fn admits(principal: &Principal) -> bool {
        !principal.reach().publishes().is_empty()
    }
}

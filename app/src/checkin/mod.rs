//! Check-in (签到): staff scan a ticket's QR code with the phone camera (where the browser can)
//! or type its code; residents check themselves in with the code a venue shows on a screen,
//! which changes every minute so a photo of it is soon useless. Attendance is kept per
//! person on the reservation (feeding the campaign statistics later).
//!
//! A venue's code is shown only to staff whose reach covers the venue (see [`may_read_code`]),
//! and residents' guesses are limited in the database (see `throttle`), so the six digits
//! cannot be tried one after another.

pub mod routes;
pub mod store;
pub mod throttle;

use crate::app::Domain;
use crate::authz::{Action, Location, Principal, Role, Target};
use crate::crypto::Keys;
use crate::web::backoffice::Tile;

/// The domain: the check-in pages, and the tile of those who check people in.
pub const DOMAIN: Domain = Domain { name: "checkin", pages: routes::router, tiles, ..Domain::NONE };

/// Admins and organisers check people in.
fn tiles(principal: &Principal) -> Vec<Tile> {
    let admin = principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::StreetAdmin);
    if admin || principal.has_role(Role::Organizer) {
        vec![Tile::new("checkin.title", "/manage/checkin")]
    } else {
        Vec::new()
    }
}

/// A venue code is valid for one window of this many seconds (and the one before, so a code
/// read just before it changed still works).
pub const WINDOW_SECS: i64 = 60;

/// Self check-in opens this long before a session starts (the booking list's rule too).
pub const EARLY_SECS: i64 = crate::bookings::CHECKIN_EARLY_SECS;

/// The code a venue shows at `now`.
pub fn current_code(keys: &Keys, venue: i64, now: i64) -> String {
    keys.venue_code(venue, now.div_euclid(WINDOW_SECS))
}

/// A venue's screen may be opened this long before a session there starts.
pub const SCREEN_AHEAD_SECS: i64 = 24 * 3600;

/// Whether `who` may read the code of a venue at `venue`: the district, the admin of its
/// street, organisers of the district, its street or its community (the venue's own reach),
/// or the organisers running an offering there soon or now (`running_here`: the locations of
/// those offerings — their department and street). Everyone else is told there is no such
/// page.
pub fn may_read_code(who: &Principal, venue: &Location, running_here: &[Location]) -> bool {
    who.can(Action::Manage, &Target::Venue(*venue))
        || who.can(Action::Manage, &Target::Offering(*venue))
        || running_here.iter().any(|o| who.can(Action::Manage, &Target::Offering(*o)))
}

/// Whether `code` is the venue's code now or a minute ago.
pub fn code_matches(keys: &Keys, venue: i64, now: i64, code: &str) -> bool {
    let window = now.div_euclid(WINDOW_SECS);
    let code = code.trim();
    [window, window - 1].iter().any(|w| keys.venue_code(venue, *w) == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Grant, Role, Scope};
    use crate::ids::{CommunityId, DepartmentId, StreetId, UserId};

    #[test]
    fn a_venues_code_is_for_staff_whose_reach_covers_it() {
        let venue = Location::community(Some(StreetId(1)), CommunityId(10));
        let session_here = Location { department: Some(DepartmentId(5)), street: None, community: None };
        let street_session_here = Location::street(StreetId(2));
        let who = |role, scope| Principal::new(UserId(9), vec![Grant { role, scope }]);
        let table = [
            (Role::DistrictAdmin, Scope::District, true),
            (Role::StreetAdmin, Scope::Street(StreetId(1)), true),
            (Role::StreetAdmin, Scope::Street(StreetId(3)), false),
            (Role::Organizer, Scope::District, true),
            (Role::Organizer, Scope::Street(StreetId(1)), true),
            (Role::Organizer, Scope::Street(StreetId(2)), true),
            (Role::Organizer, Scope::Street(StreetId(3)), false),
            (Role::Organizer, Scope::Community(CommunityId(10)), true),
            (Role::Organizer, Scope::Community(CommunityId(11)), false),
            (Role::Organizer, Scope::Department(DepartmentId(5)), true),
            (Role::Organizer, Scope::Department(DepartmentId(6)), false),
            (Role::Dispatcher, Scope::District, false),
            (Role::Inspector, Scope::Community(CommunityId(10)), false),
            (Role::Resident, Scope::District, false),
        ];
        for (role, scope, may) in table {
            let p = who(role, scope);
            assert_eq!(may_read_code(&p, &venue, &[session_here, street_session_here]), may, "{role:?} {scope:?}");
        }
        let dept = who(Role::Organizer, Scope::Department(DepartmentId(5)));
        assert!(!may_read_code(&dept, &venue, &[]), "with nothing of theirs running there");
    }

    #[test]
    fn codes_rotate_and_the_previous_one_is_still_accepted() {
        let keys = Keys::from_master(&[3u8; 32]).unwrap();
        let now = 1_795_942_800;
        let code = current_code(&keys, 7, now);
        assert_eq!(code.len(), 6);
        assert!(code_matches(&keys, 7, now, &code));
        assert!(code_matches(&keys, 7, now + WINDOW_SECS, &code), "a minute later still fine");
        assert!(!code_matches(&keys, 7, now + 2 * WINDOW_SECS, &code), "two minutes later it is stale");
        assert!(!code_matches(&keys, 8, now, &code), "another venue's code");
        assert_ne!(current_code(&keys, 7, now + 5 * WINDOW_SECS), code);
    }
}

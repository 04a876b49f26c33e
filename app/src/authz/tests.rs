//! The rule book as a table: every row is (who, action, target, expected).

use super::*;

const S1: StreetId = StreetId(1);
const S2: StreetId = StreetId(2);
const C1: CommunityId = CommunityId(11); // in street 1
const C2: CommunityId = CommunityId(21); // in street 2
const D1: DepartmentId = DepartmentId(5);

fn who(user: i64, grants: &[(Role, Scope)]) -> Principal {
    Principal::new(UserId(user), grants.iter().map(|&(role, scope)| Grant { role, scope }).collect())
}

fn in_c1() -> Location {
    Location::community(Some(S1), C1)
}

fn in_c2() -> Location {
    Location::community(Some(S2), C2)
}

#[test]
fn rule_table() {
    use Action::*;
    let district = who(1, &[(Role::DistrictAdmin, Scope::District)]);
    let street1 = who(2, &[(Role::StreetAdmin, Scope::Street(S1))]);
    let resident = who(3, &[(Role::Resident, Scope::District)]);
    let handler = who(4, &[(Role::Handler, Scope::Department(D1))]);
    let nobody = who(5, &[]);
    let organizer_d1 = who(6, &[(Role::Organizer, Scope::Department(D1))]);
    let organizer_s1 = who(7, &[(Role::Organizer, Scope::Street(S1))]);
    let editor_d1 = who(8, &[(Role::Editor, Scope::Department(D1))]);

    let rows: Vec<(&str, &Principal, Action, Target, bool)> = vec![
        // back office entry
        ("district enters back office", &district, View, Target::BackOffice, true),
        ("street admin enters back office", &street1, View, Target::BackOffice, true),
        ("handler enters back office", &handler, View, Target::BackOffice, true),
        ("resident kept out of back office", &resident, View, Target::BackOffice, false),
        ("no roles kept out", &nobody, View, Target::BackOffice, false),
        // streets
        ("district creates streets", &district, Manage, Target::District, true),
        ("street admin cannot create streets", &street1, Manage, Target::District, false),
        ("street admin views own street", &street1, View, Target::Street(S1), true),
        ("street admin cannot view other street", &street1, View, Target::Street(S2), false),
        ("street admin cannot rename own street", &street1, Manage, Target::Street(S1), false),
        ("district edits any street", &district, Manage, Target::Street(S2), true),
        // communities and venues
        ("street admin edits own community", &street1, Manage, Target::Community(in_c1()), true),
        ("street admin cannot edit other street's community", &street1, Manage, Target::Community(in_c2()), false),
        ("street admin creates venue in own street", &street1, Manage, Target::Venue(Location::street(S1)), true),
        ("street admin cannot create venue elsewhere", &street1, Manage, Target::Venue(Location::street(S2)), false),
        (
            "street admin cannot create district-wide venue",
            &street1,
            Manage,
            Target::Venue(Location::district()),
            false,
        ),
        ("district edits any venue", &district, Manage, Target::Venue(in_c2()), true),
        ("resident cannot edit venues", &resident, Manage, Target::Venue(in_c1()), false),
        ("handler cannot edit communities", &handler, Manage, Target::Community(in_c1()), false),
        // departments
        ("district edits departments", &district, Manage, Target::Department(Location::district()), true),
        ("street admin views own street office", &street1, View, Target::Department(Location::street(S1)), true),
        ("street admin cannot edit departments", &street1, Manage, Target::Department(Location::street(S1)), false),
        // users
        ("district manages a resident", &district, Manage, Target::User(UserId(3), in_c2()), true),
        ("nobody manages their own account here", &district, Manage, Target::User(UserId(1), in_c1()), false),
        ("street admin manages own street's resident", &street1, Manage, Target::User(UserId(3), in_c1()), true),
        (
            "street admin cannot manage other street's resident",
            &street1,
            Manage,
            Target::User(UserId(3), in_c2()),
            false,
        ),
        (
            "street admin cannot see homeless account",
            &street1,
            View,
            Target::User(UserId(3), Location::district()),
            false,
        ),
        // roles
        (
            "district grants street admin",
            &district,
            Manage,
            Target::RoleGrant(Role::StreetAdmin, Location::street(S1)),
            true,
        ),
        (
            "street admin grants inspector in street",
            &street1,
            Manage,
            Target::RoleGrant(Role::Inspector, Location::street(S1)),
            true,
        ),
        (
            "street admin grants inspector in own community",
            &street1,
            Manage,
            Target::RoleGrant(Role::Inspector, in_c1()),
            true,
        ),
        (
            "street admin cannot grant in other street",
            &street1,
            Manage,
            Target::RoleGrant(Role::Inspector, in_c2()),
            false,
        ),
        (
            "street admin cannot grant street admin",
            &street1,
            Manage,
            Target::RoleGrant(Role::StreetAdmin, Location::street(S1)),
            false,
        ),
        (
            "street admin cannot grant district admin",
            &street1,
            Manage,
            Target::RoleGrant(Role::DistrictAdmin, Location::district()),
            false,
        ),
        (
            "street admin cannot grant district-wide roles",
            &street1,
            Manage,
            Target::RoleGrant(Role::Dispatcher, Location::district()),
            false,
        ),
        ("handler cannot grant", &handler, Manage, Target::RoleGrant(Role::Inspector, in_c1()), false),
        // offerings
        ("district runs any offering", &district, Manage, Target::Offering(Location::district()), true),
        ("street admin does not run offerings", &street1, Manage, Target::Offering(Location::street(S1)), false),
        (
            "handler does not run offerings",
            &handler,
            Manage,
            Target::Offering(Location { department: Some(D1), ..Location::default() }),
            false,
        ),
        (
            "department organiser runs its department's offerings",
            &organizer_d1,
            Manage,
            Target::Offering(Location { department: Some(D1), ..Location::default() }),
            true,
        ),
        (
            "department organiser cannot run another's",
            &organizer_d1,
            Manage,
            Target::Offering(Location { department: Some(DepartmentId(9)), ..Location::default() }),
            false,
        ),
        (
            "street organiser runs its street office's offerings",
            &organizer_s1,
            Manage,
            Target::Offering(Location { department: Some(DepartmentId(9)), street: Some(S1), community: None }),
            true,
        ),
        (
            "street organiser cannot run district-wide offerings",
            &organizer_s1,
            Manage,
            Target::Offering(Location::district()),
            false,
        ),
        // audit
        ("district reads whole audit", &district, View, Target::Audit(Location::district()), true),
        ("street admin reads own street audit", &street1, View, Target::Audit(Location::street(S1)), true),
        ("street admin cannot read other street audit", &street1, View, Target::Audit(Location::street(S2)), false),
        ("street admin cannot read district-wide audit", &street1, View, Target::Audit(Location::district()), false),
        ("nobody edits the audit log", &district, Manage, Target::Audit(Location::district()), false),
        // news: editors everywhere, street admins their street's, nobody else
        ("editor writes a district-wide article", &editor_d1, Manage, Target::Article(Location::district()), true),
        ("editor writes a street's article", &editor_d1, Manage, Target::Article(Location::street(S2)), true),
        ("district admin publishes anywhere", &district, Manage, Target::Article(Location::street(S2)), true),
        ("street admin writes for own street", &street1, Manage, Target::Article(Location::street(S1)), true),
        ("street admin not for other street", &street1, Manage, Target::Article(Location::street(S2)), false),
        ("street admin not district-wide", &street1, Manage, Target::Article(Location::district()), false),
        ("resident writes no news", &resident, Manage, Target::Article(Location::district()), false),
        ("organiser writes no news", &organizer_s1, Manage, Target::Article(Location::street(S1)), false),
        ("editor makes topics", &editor_d1, Manage, Target::Topic, true),
        ("street admin makes no topics", &street1, Manage, Target::Topic, false),
        ("anyone sees topics", &resident, View, Target::Topic, true),
        // challenges: run like offerings
        ("district runs any challenge", &district, Manage, Target::Challenge(Location::street(S2)), true),
        (
            "street organiser runs its street's challenge",
            &organizer_s1,
            Manage,
            Target::Challenge(Location::street(S1)),
            true,
        ),
        (
            "street organiser not another street's",
            &organizer_s1,
            Manage,
            Target::Challenge(Location::street(S2)),
            false,
        ),
        ("street organiser not the district's", &organizer_s1, Manage, Target::Challenge(Location::district()), false),
        ("resident runs no challenge", &resident, Manage, Target::Challenge(Location::street(S1)), false),
        ("street admin runs no challenge", &street1, Manage, Target::Challenge(Location::street(S1)), false),
    ];
    let failures: Vec<String> = rows
        .iter()
        .filter(|(_, p, a, t, expected)| p.can(*a, t) != *expected)
        .map(|(name, _, _, _, expected)| format!("{name}: expected {expected}"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn roles_accept_only_sensible_scopes() {
    let rows = [
        (Role::DistrictAdmin, Scope::District, true),
        (Role::DistrictAdmin, Scope::Street(S1), false),
        (Role::StreetAdmin, Scope::Street(S1), true),
        (Role::StreetAdmin, Scope::District, false),
        (Role::Handler, Scope::Department(D1), true),
        (Role::Handler, Scope::Street(S1), false),
        (Role::Inspector, Scope::Community(C1), true),
        (Role::Inspector, Scope::Department(D1), false),
        (Role::Resident, Scope::District, true),
        (Role::Resident, Scope::Community(C1), false),
        (Role::Organizer, Scope::Department(D1), true),
        (Role::Editor, Scope::Street(S1), false),
    ];
    for (role, scope, expected) in rows {
        assert_eq!(role.allows_scope(&scope), expected, "{role:?} in {scope:?}");
    }
}

#[test]
fn role_and_scope_names_round_trip() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    for scope in [Scope::District, Scope::Street(S1), Scope::Community(C1), Scope::Department(D1)] {
        let (kind, id) = scope.to_parts();
        assert_eq!(Scope::from_parts(kind, id), Some(scope));
    }
    assert_eq!(Scope::from_parts("planet", 1), None);
}

//! A case and who stands where towards it, and what the public may see of it. Pure types and
//! rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::{Location, Principal, Role};
use crate::cases::workflow::{Party, State};
use crate::ids::{CommunityId, DepartmentId, StreetId, UserId};

/// How a case came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A resident's report.
    Report,
    /// An inspector's finding on foot patrol (步巡).
    Patrol,
    /// Staff taking a hotline call (12345) on a resident's behalf.
    Hotline,
    /// An enterprise asking for approval assistance (帮办代办).
    Enterprise,
}

impl Source {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Report => "report",
            Source::Patrol => "patrol",
            Source::Hotline => "hotline",
            Source::Enterprise => "enterprise",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Source::Report, Source::Patrol, Source::Hotline, Source::Enterprise].into_iter().find(|x| x.as_str() == s)
    }

    /// The source a filer's roles imply: inspectors file patrol findings, dispatchers take
    /// hotline calls, everyone else reports.
    pub fn for_filer(principal: &Principal) -> Self {
        if principal.has_role(Role::Inspector) {
            Source::Patrol
        } else if principal.has_role(Role::Dispatcher) {
            Source::Hotline
        } else {
            Source::Report
        }
    }
}

/// The reporter's verdict on a closed case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 满意.
    Satisfied,
    /// 基本满意.
    FairlySatisfied,
    /// 不满意.
    Unsatisfied,
}

impl Rating {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::FairlySatisfied => "fairly_satisfied",
            Rating::Unsatisfied => "unsatisfied",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Rating::Satisfied, Rating::FairlySatisfied, Rating::Unsatisfied].into_iter().find(|x| x.as_str() == s)
    }
}

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// Category.
    pub category_id: i64,
    /// How it came in.
    pub source: Source,
    /// Where it stands.
    pub state: State,
    /// What was found or asked.
    pub description: String,
    /// Street.
    pub street_id: Option<StreetId>,
    /// Community.
    pub community_id: Option<CommunityId>,
    /// Address as given.
    pub address: String,
    /// Where, as WGS84 (latitude, longitude).
    pub coords: Option<(f64, f64)>,
    /// The case this duplicate was merged into.
    pub merged_into: Option<i64>,
    /// The foot patrol it was found on.
    pub patrol_id: Option<i64>,
    /// Who filed it.
    pub reporter: Option<UserId>,
    /// The reporter asked not to be named to anyone but the dispatcher.
    pub anonymous: bool,
    /// The department it is with.
    pub department_id: Option<DepartmentId>,
    /// When it was (last) dispatched.
    pub dispatched_at: Option<i64>,
    /// When the department's time runs out.
    pub deadline_at: Option<i64>,
    /// When it was closed.
    pub closed_at: Option<i64>,
    /// Escalated (督办).
    pub escalated: bool,
    /// Times a check sent it back (返工).
    pub rework_count: i64,
    /// The reporter's verdict.
    pub rating: Option<Rating>,
    /// Filed at.
    pub created_at: i64,
    /// The enterprise-assistance agent (帮办员) assigned to it.
    pub agent: Option<UserId>,
}

impl Case {
    /// A filed report for unit tests, to adjust with struct update syntax.
    #[cfg(test)]
    pub(crate) fn example() -> Self {
        Case {
            id: 1,
            category_id: 1,
            source: Source::Report,
            state: State::Reported,
            description: String::new(),
            street_id: None,
            community_id: None,
            address: String::new(),
            coords: None,
            merged_into: None,
            patrol_id: None,
            reporter: Some(UserId(1)),
            anonymous: false,
            department_id: None,
            dispatched_at: None,
            deadline_at: None,
            closed_at: None,
            escalated: false,
            rework_count: 0,
            rating: None,
            created_at: 0,
            agent: None,
        }
    }

    /// Where it is, for scope checks.
    pub fn location(&self) -> Location {
        Location { street: self.street_id, community: self.community_id, department: self.department_id }
    }

    /// Past its deadline and still with the department (a postponed case waits on purpose;
    /// a handled one waits for the check).
    pub fn overdue(&self, now: i64) -> bool {
        LATE_STATES.contains(&self.state) && self.deadline_at.is_some_and(|d| now > d)
    }
}

/// Who the audit log names for `user`'s change to `case`: nobody when they are the reporter of
/// an anonymous report (the log's actor column is read in the back office, far from the
/// command centre's audited reveal; the case itself still knows its reporter, for "my reports").
pub fn audit_actor(case: &Case, user: UserId) -> Option<UserId> {
    (!(case.anonymous && case.reporter == Some(user))).then_some(user)
}

/// The states in which a case can be late: with the department, working on it.
pub const LATE_STATES: [State; 2] = [State::Dispatched, State::Handling];

/// States as an SQL list, `('dispatched', 'handling')`, so that queries and the rules above
/// name the same states.
pub fn sql_list(states: impl IntoIterator<Item = State>) -> String {
    let names: Vec<String> = states.into_iter().map(|s| format!("'{}'", s.as_str())).collect();
    format!("({})", names.join(", "))
}

/// The open states (see [`State::is_open`]) as an SQL list.
pub fn open_states_sql() -> String {
    sql_list(State::ALL.into_iter().filter(|s| s.is_open()))
}

/// Every part `user` plays towards `case`, from their grants and the case's place: the
/// reporter; the enterprise-assistance agent assigned to it; dispatchers, inspectors and street
/// admins whose scope covers the case's street or community; handlers of the department it is
/// with; district admins.
pub fn parties(principal: &Principal, case: &Case) -> Vec<Party> {
    let mut out = Vec::new();
    if case.reporter == Some(principal.user_id) {
        out.push(Party::Reporter);
    }
    if case.agent == Some(principal.user_id) {
        out.push(Party::Agent);
    }
    let place = case.location();
    for grant in principal.grants() {
        let party = match grant.role {
            Role::Dispatcher => Party::Dispatcher,
            Role::Inspector => Party::Inspector,
            Role::StreetAdmin => Party::StreetAdmin,
            Role::DistrictAdmin => Party::DistrictAdmin,
            // A department's handler only once the case is with that department.
            Role::Handler if case.department_id.is_some() => Party::Handler,
            _ => continue,
        };
        if grant.scope.covers(&place) && !out.contains(&party) {
            out.push(party);
        }
    }
    out
}

/// Metres between two WGS84 points (haversine; plenty for a district's few kilometres).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Whether coordinates are a point on Earth.
pub fn valid_coords((lat, lng): (f64, f64)) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)
}

// What the public may see of a case: the rules every public reading follows — the board's list,
// page and map and Open311 (`crate::board::store`), and the possible duplicates a resident is
// told of (`service::tell_duplicate`). Where a case is can say where its reporter lives, so the
// place follows the description, and the coordinates are rounded unless the category is precise.

/// Whether the public may read what the reporter wrote: only once a dispatcher accepted it
/// (a rejected or voided report was never vetted, and may hold anything).
pub fn description_shown(state: State) -> bool {
    !matches!(state, State::Reported | State::Rejected | State::Voided)
}

/// Public coordinates lie on a grid of 1/2000 of a degree: about 55 m north–south and 45 m
/// east–west at Qingdao (36°N), so a point is shown within about 35 m of where it was given.
const GRID_PER_DEGREE: f64 = 2000.0;

/// Coordinates moved to the nearest point of the public grid.
pub fn rounded((lat, lng): (f64, f64)) -> (f64, f64) {
    // Divided rather than multiplied by the step, so that grid points print as short decimals.
    ((lat * GRID_PER_DEGREE).round() / GRID_PER_DEGREE, (lng * GRID_PER_DEGREE).round() / GRID_PER_DEGREE)
}

/// What the public may see of where a case is: the address and the coordinates (rounded unless
/// the category is `precise`) once the description is shown; neither before.
pub fn public_place(
    state: State,
    precise: bool,
    address: String,
    coords: Option<(f64, f64)>,
) -> (String, Option<(f64, f64)>) {
    if !description_shown(state) {
        return (String::new(), None);
    }
    (address, if precise { coords } else { coords.map(rounded) })
}

/// One step on a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Step {
    /// When (unix seconds).
    pub at: i64,
    /// Who (None: the system, or a reporter who stays anonymous).
    pub actor: Option<i64>,
    /// `file`, or a workflow action.
    pub action: String,
    /// State before.
    pub from: Option<String>,
    /// State after.
    pub to: String,
    /// Department it went to (dispatch).
    pub department_id: Option<i64>,
    /// Note.
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Grant, Scope};

    fn case(street: i64, department: Option<i64>, reporter: i64) -> Case {
        Case {
            state: State::Dispatched,
            description: "x".into(),
            street_id: Some(StreetId(street)),
            reporter: Some(UserId(reporter)),
            department_id: department.map(DepartmentId),
            dispatched_at: Some(0),
            deadline_at: Some(100),
            ..Case::example()
        }
    }

    fn who(user: i64, grants: &[(Role, Scope)]) -> Principal {
        Principal::new(UserId(user), grants.iter().map(|&(role, scope)| Grant { role, scope }).collect())
    }

    #[test]
    fn parties_follow_grants_and_the_cases_place() {
        let c = case(3, Some(7), 42);
        assert_eq!(parties(&who(42, &[(Role::Resident, Scope::District)]), &c), [Party::Reporter]);
        assert_eq!(parties(&who(5, &[(Role::Handler, Scope::Department(DepartmentId(7)))]), &c), [Party::Handler]);
        assert!(parties(&who(5, &[(Role::Handler, Scope::Department(DepartmentId(8)))]), &c).is_empty());
        assert_eq!(parties(&who(6, &[(Role::StreetAdmin, Scope::Street(StreetId(3)))]), &c), [Party::StreetAdmin]);
        assert!(parties(&who(6, &[(Role::StreetAdmin, Scope::Street(StreetId(4)))]), &c).is_empty());
        assert_eq!(
            parties(&who(9, &[(Role::Dispatcher, Scope::District), (Role::Inspector, Scope::Street(StreetId(3)))]), &c),
            [Party::Dispatcher, Party::Inspector]
        );
        assert!(parties(&who(9, &[(Role::Organizer, Scope::District)]), &c).is_empty());
        let undispatched = case(3, None, 42);
        assert!(parties(&who(5, &[(Role::Handler, Scope::Department(DepartmentId(7)))]), &undispatched).is_empty());
        let assisted = Case { agent: Some(UserId(5)), ..c };
        let agent = who(5, &[(Role::Handler, Scope::Department(DepartmentId(7)))]);
        assert_eq!(parties(&agent, &assisted), [Party::Agent, Party::Handler], "the agent, and of its department");
        let colleague = who(6, &[(Role::Handler, Scope::Department(DepartmentId(7)))]);
        assert_eq!(parties(&colleague, &assisted), [Party::Handler]);
    }

    #[test]
    fn an_anonymous_reporter_is_named_in_no_audit_entry() {
        let mut c = case(3, None, 42);
        assert_eq!(audit_actor(&c, UserId(42)), Some(UserId(42)), "not anonymous");
        c.anonymous = true;
        assert_eq!(audit_actor(&c, UserId(42)), None);
        assert_eq!(audit_actor(&c, UserId(7)), Some(UserId(7)), "staff acting on it are named");
    }

    #[test]
    fn state_lists_for_sql() {
        assert_eq!(sql_list(LATE_STATES), "('dispatched', 'handling')");
        assert_eq!(open_states_sql(), "('reported', 'accepted', 'dispatched', 'handling', 'handled', 'postponed')");
    }

    #[test]
    fn overdue_means_open_unhandled_and_past_the_deadline() {
        let mut c = case(1, Some(1), 1);
        assert!(!c.overdue(100) && c.overdue(101));
        c.state = State::Handled;
        assert!(!c.overdue(101), "waiting for the check is not the department's delay");
        c.state = State::Postponed;
        assert!(!c.overdue(101), "postponed on purpose, with a reason");
        c.state = State::Closed;
        assert!(!c.overdue(101));
    }

    #[test]
    fn distances_on_the_ground() {
        // 0.001° of latitude is about 111 m anywhere; of longitude at Qingdao (36°N) about 90 m.
        let here = (36.0611, 120.3836);
        assert!((distance_m(here, (36.0621, 120.3836)) - 111.2).abs() < 0.5);
        assert!((distance_m(here, (36.0611, 120.3846)) - 89.9).abs() < 0.5);
        assert!(distance_m(here, here) < 1e-6);
        assert!(valid_coords(here) && !valid_coords((91.0, 0.0)) && !valid_coords((0.0, 181.0)));
    }

    #[test]
    fn names_round_trip() {
        for s in [Source::Report, Source::Patrol, Source::Hotline, Source::Enterprise] {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
        for r in [Rating::Satisfied, Rating::FairlySatisfied, Rating::Unsatisfied] {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
        }
        assert_eq!(Source::for_filer(&who(1, &[(Role::Inspector, Scope::District)])), Source::Patrol);
        assert_eq!(Source::for_filer(&who(1, &[(Role::Resident, Scope::District)])), Source::Report);
    }

    const PUBLIC_AT: (f64, f64) = (36.06137, 120.38362);

    #[test]
    fn an_unreviewed_report_shows_no_place_at_all() {
        for state in [State::Reported, State::Rejected, State::Voided] {
            for precise in [false, true] {
                assert_eq!(public_place(state, precise, "云霄路 88 号".into(), Some(PUBLIC_AT)), (String::new(), None));
            }
        }
    }

    #[test]
    fn a_reviewed_case_shows_its_address_and_a_rounded_point_unless_precise() {
        for state in State::ALL.into_iter().filter(|s| description_shown(*s)) {
            let (address, coords) = public_place(state, false, "云霄路 88 号".into(), Some(PUBLIC_AT));
            assert_eq!((address.as_str(), coords), ("云霄路 88 号", Some((36.0615, 120.3835))), "{state:?}");
            assert_eq!(public_place(state, true, String::new(), Some(PUBLIC_AT)).1, Some(PUBLIC_AT), "{state:?}");
            assert_eq!(public_place(state, false, String::new(), None).1, None);
        }
    }

    #[test]
    fn rounding_moves_a_point_by_at_most_about_35_metres() {
        let mut worst: f64 = 0.0;
        for i in 0..500 {
            let at = (36.05 + f64::from(i) * 0.000_037, 120.37 + f64::from(i) * 0.000_041);
            worst = worst.max(distance_m(at, rounded(at)));
        }
        assert!(worst > 20.0 && worst < 36.0, "{worst}");
        assert_eq!(rounded((36.062, 120.383)), (36.062, 120.383), "grid points stay");
    }
}

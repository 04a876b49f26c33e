//! Who may do what to which object — in one place, as pure rules, tested as a table.
//!
//! A user holds [`Grant`]s: a [`Role`] bound to a [`Scope`] (the whole district, one street,
//! one community or one department). Every check is `principal.can(action, target)`, where
//! the target carries its own location (its street and community), so the rule never needs
//! the database. Where a principal's grants reach is worked out once, when the principal is
//! built ([`Reach`]), and the rules read it.

use serde::{Deserialize, Serialize};

use crate::ids::{CommunityId, DepartmentId, StreetId, UserId};

pub mod gate;
pub mod reach;
pub mod start;
#[cfg(test)]
mod tests;

pub use gate::Gate;
pub use reach::{Area, Reach};

/// Roles a user can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民
    Resident,
    /// 企业
    Enterprise,
    /// 网格员/巡查员
    Inspector,
    /// 部门处置人员
    Handler,
    /// 指挥中心
    Dispatcher,
    /// 活动组织者
    Organizer,
    /// 编辑
    Editor,
    /// 街道管理员
    StreetAdmin,
    /// 区管理员
    DistrictAdmin,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 9] = [
        Role::Resident,
        Role::Enterprise,
        Role::Inspector,
        Role::Handler,
        Role::Dispatcher,
        Role::Organizer,
        Role::Editor,
        Role::StreetAdmin,
        Role::DistrictAdmin,
    ];

    /// Stable name used in the database, CLI and API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Enterprise => "enterprise",
            Role::Inspector => "inspector",
            Role::Handler => "handler",
            Role::Dispatcher => "dispatcher",
            Role::Organizer => "organizer",
            Role::Editor => "editor",
            Role::StreetAdmin => "street_admin",
            Role::DistrictAdmin => "district_admin",
        }
    }

    /// Parses [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Resident => "role.resident",
            Role::Enterprise => "role.enterprise",
            Role::Inspector => "role.inspector",
            Role::Handler => "role.handler",
            Role::Dispatcher => "role.dispatcher",
            Role::Organizer => "role.organizer",
            Role::Editor => "role.editor",
            Role::StreetAdmin => "role.street_admin",
            Role::DistrictAdmin => "role.district_admin",
        }
    }

    /// Which scopes make sense for this role. A street admin without a street, or a
    /// department handler without a department, would be a configuration mistake.
    pub fn allows_scope(self, scope: &Scope) -> bool {
        use Scope::*;
        match self {
            Role::Resident | Role::Enterprise | Role::DistrictAdmin => matches!(scope, District),
            Role::StreetAdmin => matches!(scope, Street(_)),
            Role::Handler => matches!(scope, Department(_)),
            Role::Inspector => matches!(scope, District | Street(_) | Community(_)),
            Role::Dispatcher => matches!(scope, District | Street(_)),
            Role::Organizer => matches!(scope, District | Street(_) | Community(_) | Department(_)),
            Role::Editor => matches!(scope, District | Department(_)),
        }
    }

    /// Staff roles see the back office.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Resident | Role::Enterprise)
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// The whole district.
    District,
    /// One street and everything in it.
    Street(StreetId),
    /// One community.
    Community(CommunityId),
    /// One department.
    Department(DepartmentId),
}

impl Scope {
    /// (kind, id) as stored in `role_grants`.
    pub fn to_parts(self) -> (&'static str, i64) {
        match self {
            Scope::District => ("district", 0),
            Scope::Street(id) => ("street", id.0),
            Scope::Community(id) => ("community", id.0),
            Scope::Department(id) => ("department", id.0),
        }
    }

    /// The inverse of [`Scope::to_parts`].
    pub fn from_parts(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "district" => Some(Scope::District),
            "street" => Some(Scope::Street(StreetId(id))),
            "community" => Some(Scope::Community(CommunityId(id))),
            "department" => Some(Scope::Department(DepartmentId(id))),
            _ => None,
        }
    }

    /// Whether something located at `loc` lies inside this scope.
    pub fn covers(self, loc: &Location) -> bool {
        match self {
            Scope::District => true,
            Scope::Street(s) => loc.street == Some(s),
            Scope::Community(c) => loc.community == Some(c),
            Scope::Department(d) => loc.department == Some(d),
        }
    }

    /// The location of the scope itself (a grant's scope is a target when granting roles).
    pub fn location(self, street_of_community: Option<StreetId>) -> Location {
        match self {
            Scope::District => Location::district(),
            Scope::Street(s) => Location::street(s),
            Scope::Community(c) => Location::community(street_of_community, c),
            Scope::Department(d) => Location { department: Some(d), ..Location::default() },
        }
    }
}

/// A role in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Where it applies.
    pub scope: Scope,
}

/// Where an object sits in the district. `None` fields are "not tied to one".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// Its street.
    pub street: Option<StreetId>,
    /// Its community.
    pub community: Option<CommunityId>,
    /// Its department.
    pub department: Option<DepartmentId>,
}

impl Location {
    /// District-wide (tied to no street).
    pub fn district() -> Self {
        Self::default()
    }

    /// A street.
    pub fn street(street: StreetId) -> Self {
        Self { street: Some(street), ..Self::default() }
    }

    /// A community (and its street, when known).
    pub fn community(street: Option<StreetId>, community: CommunityId) -> Self {
        Self { street, community: Some(community), department: None }
    }
}

/// Things an action can be done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The district record, or district-wide things (e.g. creating a street).
    District,
    /// A street record.
    Street(StreetId),
    /// A community, located in its street.
    Community(Location),
    /// A venue, located in its street and maybe community.
    Venue(Location),
    /// A department (and the street, for street offices).
    Department(Location),
    /// A user account, located at their home community.
    User(UserId, Location),
    /// Granting or revoking a role with this scope (located where the scope is).
    RoleGrant(Role, Location),
    /// The audit log of a place.
    Audit(Location),
    /// Services, slots, events and sessions (and their bookings), located at the organising
    /// department and its street.
    Offering(Location),
    /// The back office itself.
    BackOffice,
    /// How the cases of a place are run: its statistics, patrol log and hotline (located at
    /// the place; `Location::district()` for the whole district's).
    Oversight(Location),
    /// A news article, located at its scope: the district (`Location::district()`) or one
    /// street. Who wrote it is not the rule book's: four eyes is `news::model`'s.
    Article(Location),
    /// The news's topic columns (专题), the district's.
    Topic,
    /// A challenge (网上重走长征路) with its teams and check-ins, located at its owner: the
    /// district, or one street, and its organising department if it names one.
    Challenge(Location),
}

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Look at it in the back office.
    View,
    /// Create (the target is where it will be created), edit or delete it.
    Manage,
}

/// A user's identity and grants, enough to answer every authorization question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: UserId,
    grants: Vec<Grant>,
    reach: Reach,
}

impl Principal {
    /// `user_id` holding `grants`; their [`Reach`] is worked out here, once.
    pub fn new(user_id: UserId, grants: Vec<Grant>) -> Self {
        let reach = Reach::of(user_id, &grants);
        Self { user_id, grants, reach }
    }

    /// Their grants.
    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Where their grants reach.
    pub fn reach(&self) -> &Reach {
        &self.reach
    }

    /// Whether this principal holds `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether to show the back office.
    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_staff())
    }

    /// The one rule book.
    pub fn can(&self, action: Action, target: &Target) -> bool {
        use Action::*;
        let administers = self.reach.administers();
        let district_admin = administers.is_district();
        // Street admins' rights: the district admin's reach covers every place too.
        let administers_at = |loc: &Location| administers.covers(loc);
        match (action, target) {
            (_, Target::BackOffice) => self.is_staff(),
            // The district and its streets are the district's to change; a street admin sees
            // their own street.
            (View, Target::District) => self.is_staff(),
            (Manage, Target::District) => district_admin,
            (View, Target::Street(s)) => administers_at(&Location::street(*s)),
            (Manage, Target::Street(_)) => district_admin,
            // Communities and venues: the district, or the admin of the street they are in.
            (_, Target::Community(loc) | Target::Venue(loc)) => administers_at(loc),
            // Departments: district-wide bodies; street admins may view their street office.
            (View, Target::Department(loc)) => administers_at(loc),
            (Manage, Target::Department(_)) => district_admin,
            // People: the district admin sees everyone; a street admin sees and manages the
            // residents of their street. Nobody manages their own account here (that is the
            // profile page), so an admin cannot quietly raise their own rights.
            (View, Target::User(_, loc)) => administers_at(loc),
            (Manage, Target::User(id, loc)) => *id != self.user_id && administers_at(loc),
            // Roles: the district admin grants anything; a street admin grants the street's
            // working roles inside their street, never admin roles.
            (View, Target::RoleGrant(..)) => !administers.is_empty(),
            (Manage, Target::RoleGrant(role, loc)) => {
                district_admin
                    || (!matches!(role, Role::StreetAdmin | Role::DistrictAdmin)
                        && loc.street.is_some()
                        && administers_at(loc))
            }
            // Offerings: the organiser in charge of the place, and the district.
            (_, Target::Offering(loc)) => district_admin || self.reach.organises().covers(loc),
            (View, Target::Audit(loc)) => administers_at(loc),
            (Manage, Target::Audit(_)) => false,
            // Running cases: a place's statistics, patrol log and hotline.
            (View, Target::Oversight(loc)) => self.reach.oversees().covers(loc),
            (Manage, Target::Oversight(_)) => false,
            // News: editors and district admins everywhere, street admins their street's.
            (_, Target::Article(loc)) => self.reach.publishes().covers(loc),
            (View, Target::Topic) => true,
            (Manage, Target::Topic) => self.reach.publishes().is_district(),
            // Challenges are run like activities: the organiser in charge of the place (a
            // street's organisers their street's challenges), and the district.
            (_, Target::Challenge(loc)) => district_admin || self.reach.organises().covers(loc),
        }
    }
}

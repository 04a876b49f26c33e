//! What a principal can reach: for each kind of work their grants give them, the places it
//! covers (the whole district, streets, communities, departments), and their own objects.
//!
//! Computed once, when the [`Principal`](super::Principal) is built from the grants (once per
//! request, by the session or token extractor), and read by [`Principal::can`](super::Principal::can)
//! and by every list, page and export that filters by place: case lists, statistics, the patrol
//! log, the hotline, the assistance lists, the people and audit pages. Before there was one
//! `Reach`, five features each read the grants their own way and disagreed at the edges.
//!
//! The kinds of work:
//! - **administers**: district admins the district, street admins their streets (the district's
//!   structure, its people, the audit log);
//! - **oversees**: those who administer, and dispatchers where they are posted — they run the
//!   cases of a place: its statistics, its patrol log, its hotline;
//! - **works**: inspectors where they patrol, handlers their departments — the cases they work on;
//! - **organises**: organisers, the offerings of their place;
//! - **publishes**: editors and district admins the whole district's news, street admins their
//!   street's (who may write an article of a place, and publish a colleague's).
//!
//! A grant whose role does not allow its scope ([`Role::allows_scope`]) reaches nothing.

use crate::authz::{Grant, Location, Role, Scope};
use crate::ids::{CommunityId, DepartmentId, StreetId, UserId};

/// A set of places: the whole district, or the union of some streets, communities and
/// departments (each kept once, in grant order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Area {
    district: bool,
    streets: Vec<StreetId>,
    communities: Vec<CommunityId>,
    departments: Vec<DepartmentId>,
}

impl Area {
    fn add(&mut self, scope: Scope) {
        fn push<T: PartialEq>(v: &mut Vec<T>, x: T) {
            if !v.contains(&x) {
                v.push(x);
            }
        }
        match scope {
            Scope::District => self.district = true,
            Scope::Street(s) => push(&mut self.streets, s),
            Scope::Community(c) => push(&mut self.communities, c),
            Scope::Department(d) => push(&mut self.departments, d),
        }
    }

    /// The places of both.
    pub fn union(&self, other: &Area) -> Area {
        let mut out = self.clone();
        out.district |= other.district;
        other.streets.iter().for_each(|s| out.add(Scope::Street(*s)));
        other.communities.iter().for_each(|c| out.add(Scope::Community(*c)));
        other.departments.iter().for_each(|d| out.add(Scope::Department(*d)));
        out
    }

    /// No place at all.
    pub fn is_empty(&self) -> bool {
        !self.district && self.streets.is_empty() && self.communities.is_empty() && self.departments.is_empty()
    }

    /// The whole district.
    pub fn is_district(&self) -> bool {
        self.district
    }

    /// Its streets (empty when it is the district: see [`Area::is_district`]).
    pub fn streets(&self) -> &[StreetId] {
        &self.streets
    }

    /// Its departments.
    pub fn departments(&self) -> &[DepartmentId] {
        &self.departments
    }

    /// Whether something located at `loc` lies inside.
    pub fn covers(&self, loc: &Location) -> bool {
        self.district
            || loc.street.is_some_and(|s| self.streets.contains(&s))
            || loc.community.is_some_and(|c| self.communities.contains(&c))
            || loc.department.is_some_and(|d| self.departments.contains(&d))
    }

    /// The street to show when `wanted` is asked for, for pages that show one street or the whole
    /// district: the district any or none (None: the whole district), streets one of theirs (the
    /// first by default). None when `wanted` lies outside.
    pub fn street_choice(&self, wanted: Option<StreetId>) -> Option<Option<StreetId>> {
        match wanted {
            _ if self.district => Some(wanted),
            None => self.streets.first().map(|s| Some(*s)),
            Some(s) => self.streets.contains(&s).then_some(Some(s)),
        }
    }

    /// The area as SQL conditions (to join with `or`) on a row's `street_id`, `community_id` and
    /// `department_id` columns, each name led by `prefix` (e.g. `c.`); none for an empty area.
    /// The ids are integers we hold, spelled into the SQL; nothing from a request is.
    pub fn sql(&self, prefix: &str) -> Vec<String> {
        fn ids<T: Copy>(v: &[T], id: fn(T) -> i64) -> String {
            v.iter().map(|x| id(*x).to_string()).collect::<Vec<_>>().join(", ")
        }
        if self.district {
            return vec!["1 = 1".to_owned()];
        }
        let mut out = Vec::new();
        if !self.streets.is_empty() {
            out.push(format!("{prefix}street_id in ({})", ids(&self.streets, |s| s.0)));
        }
        if !self.communities.is_empty() {
            out.push(format!("{prefix}community_id in ({})", ids(&self.communities, |c| c.0)));
        }
        if !self.departments.is_empty() {
            out.push(format!("{prefix}department_id in ({})", ids(&self.departments, |d| d.0)));
        }
        out
    }
}

/// What one principal can reach, by kind of work (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    user: UserId,
    administers: Area,
    oversees: Area,
    works: Area,
    organises: Area,
    publishes: Area,
}

impl Reach {
    /// The reach of `user` holding `grants`.
    pub fn of(user: UserId, grants: &[Grant]) -> Self {
        let mut r = Reach {
            user,
            administers: Area::default(),
            oversees: Area::default(),
            works: Area::default(),
            organises: Area::default(),
            publishes: Area::default(),
        };
        for g in grants.iter().filter(|g| g.role.allows_scope(&g.scope)) {
            match g.role {
                Role::DistrictAdmin | Role::StreetAdmin => {
                    r.administers.add(g.scope);
                    r.oversees.add(g.scope);
                    r.publishes.add(g.scope);
                }
                Role::Dispatcher => r.oversees.add(g.scope),
                Role::Inspector | Role::Handler => r.works.add(g.scope),
                Role::Organizer => r.organises.add(g.scope),
                // The news is the district's: an editor posted in a department (区委宣传部) edits
                // it all, as one posted in the district does.
                Role::Editor => r.publishes.add(Scope::District),
                Role::Resident | Role::Enterprise => {}
            }
        }
        r
    }

    /// Whose own objects (reports filed, cases assigned to them) they reach.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// Where they administer: the district's structure, people and audit log.
    pub fn administers(&self) -> &Area {
        &self.administers
    }

    /// Where they run the cases: statistics, the patrol log, the hotline.
    pub fn oversees(&self) -> &Area {
        &self.oversees
    }

    /// Where they work on cases: inspectors' streets and communities, handlers' departments.
    pub fn works(&self) -> &Area {
        &self.works
    }

    /// Where they run offerings.
    pub fn organises(&self) -> &Area {
        &self.organises
    }

    /// Where they write and publish news.
    pub fn publishes(&self) -> &Area {
        &self.publishes
    }

    /// The cases they see besides their own reports: where they oversee or work.
    pub fn cases(&self) -> Area {
        self.oversees.union(&self.works)
    }

    /// The enterprise-assistance cases (帮办代办) they see besides those they are the agent
    /// of: every one when they oversee the district (assistance is a district service, not a
    /// street's), else their departments'.
    pub fn assistance(&self) -> Area {
        let mut out = Area { district: self.oversees.district, ..Area::default() };
        self.works.departments.iter().for_each(|d| out.add(Scope::Department(*d)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(grants: &[(Role, Scope)]) -> Reach {
        let grants: Vec<Grant> = grants.iter().map(|&(role, scope)| Grant { role, scope }).collect();
        Reach::of(UserId(1), &grants)
    }

    const S1: StreetId = StreetId(1);
    const S2: StreetId = StreetId(2);

    #[test]
    fn every_grant_counts_not_only_the_last() {
        let two = reach(&[(Role::StreetAdmin, Scope::Street(S1)), (Role::Dispatcher, Scope::Street(S2))]);
        assert_eq!(two.oversees().streets(), [S1, S2]);
        assert_eq!(two.administers().streets(), [S1]);
        assert!(two.oversees().covers(&Location::community(Some(S2), CommunityId(9))));
        assert!(!two.oversees().covers(&Location::district()));
        let twice = reach(&[(Role::Dispatcher, Scope::Street(S1)), (Role::StreetAdmin, Scope::Street(S1))]);
        assert_eq!(twice.oversees().streets(), [S1], "kept once");
    }

    #[test]
    fn each_kind_of_work_reaches_its_own_places() {
        let staff = reach(&[
            (Role::Inspector, Scope::Community(CommunityId(5))),
            (Role::StreetAdmin, Scope::Street(StreetId(3))),
            (Role::Handler, Scope::Department(DepartmentId(7))),
            (Role::Organizer, Scope::District),
        ]);
        let cases = staff.cases();
        assert!(!cases.is_district());
        assert_eq!(
            (cases.streets(), &cases.communities[..], cases.departments()),
            (&[StreetId(3)][..], &[CommunityId(5)][..], &[DepartmentId(7)][..])
        );
        assert!(staff.organises().is_district() && !staff.oversees().is_district());
        assert!(reach(&[(Role::Dispatcher, Scope::District)]).cases().is_district());
        let resident = reach(&[(Role::Resident, Scope::District)]);
        assert!(resident.cases().is_empty() && resident.oversees().is_empty() && resident.assistance().is_empty());
    }

    #[test]
    fn a_grant_its_role_does_not_allow_reaches_nothing() {
        assert!(reach(&[(Role::Handler, Scope::District)]).cases().is_empty());
        assert!(reach(&[(Role::StreetAdmin, Scope::District)]).oversees().is_empty());
    }

    #[test]
    fn assistance_is_the_district_overseers_and_the_departments() {
        assert!(reach(&[(Role::Dispatcher, Scope::District)]).assistance().is_district());
        assert!(reach(&[(Role::Dispatcher, Scope::Street(S1))]).assistance().is_empty());
        let handler = reach(&[(Role::Handler, Scope::Department(DepartmentId(7)))]).assistance();
        assert_eq!(handler.departments(), [DepartmentId(7)]);
    }

    #[test]
    fn a_page_of_one_street_shows_one_within_reach() {
        let district = reach(&[(Role::Dispatcher, Scope::District)]);
        assert_eq!(district.oversees().street_choice(Some(S2)), Some(Some(S2)));
        assert_eq!(district.oversees().street_choice(None), Some(None));
        let street = reach(&[(Role::StreetAdmin, Scope::Street(S2)), (Role::StreetAdmin, Scope::Street(S1))]);
        assert_eq!(street.oversees().street_choice(None), Some(Some(S2)), "the first by default");
        assert_eq!(street.oversees().street_choice(Some(S1)), Some(Some(S1)));
        assert_eq!(street.oversees().street_choice(Some(StreetId(3))), None);
    }

    #[test]
    fn areas_spell_as_sql() {
        let staff = reach(&[(Role::Inspector, Scope::Street(S1)), (Role::Handler, Scope::Department(DepartmentId(7)))]);
        assert_eq!(staff.cases().sql("c."), ["c.street_id in (1)", "c.department_id in (7)"]);
        assert_eq!(reach(&[(Role::Dispatcher, Scope::District)]).cases().sql(""), ["1 = 1"]);
        assert!(Area::default().sql("").is_empty());
    }
}

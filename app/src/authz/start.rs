//! Where each role starts (issue 12, point 2): after logging in, staff land on the page of
//! their work rather than the residents' home — the inspector on the patrol, the dispatcher on
//! the new reports, the handler on their department's cases, the organiser on the activities,
//! the editor on the articles, an administrator on the back office. One table, pure: the login
//! asks it where to go, and the start pages ask it which other start pages to link.

use crate::authz::{Principal, Role};

/// A role's start page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartPage {
    /// The role it is for.
    pub role: Role,
    /// Where.
    pub path: &'static str,
}

/// The start page of `role`; None for residents and enterprises, who keep the home page.
pub fn of(role: Role) -> Option<&'static str> {
    Some(match role {
        Role::DistrictAdmin | Role::StreetAdmin => "/manage",
        Role::Editor => "/manage/news",
        Role::Organizer => "/manage/events",
        Role::Dispatcher => "/manage/cases?state=reported",
        Role::Handler => "/manage/cases",
        Role::Inspector => "/patrol",
        Role::Resident | Role::Enterprise => return None,
    })
}

/// The work pages a role has besides its start page (an organiser's appointment services,
/// next to their activities), as (name key, where): the strip links them too.
pub fn also(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Organizer => {
            &[("start.page_services", "/manage/services"), ("start.page_challenges", "/manage/challenges")]
        }
        _ => &[],
    }
}

/// Catalog key of a role's start page's name.
pub fn key(role: Role) -> &'static str {
    match role {
        Role::DistrictAdmin => "start.page_district_admin",
        Role::StreetAdmin => "start.page_street_admin",
        Role::Editor => "start.page_editor",
        Role::Organizer => "start.page_organizer",
        Role::Dispatcher => "start.page_dispatcher",
        Role::Handler => "start.page_handler",
        Role::Inspector => "start.page_inspector",
        Role::Resident | Role::Enterprise => "nav.home",
    }
}

/// The start pages of `principal`'s roles, the most senior role's first, each page once. The
/// order of seniority is [`Role::ALL`] read backwards (it lists the roles from residents up to
/// the district's administrators).
pub fn pages(principal: &Principal) -> Vec<StartPage> {
    let mut out: Vec<StartPage> = Vec::new();
    for role in Role::ALL.into_iter().rev().filter(|r| principal.has_role(*r)) {
        if let Some(path) = of(role).filter(|p| !out.iter().any(|s| s.path == *p)) {
            out.push(StartPage { role, path });
        }
    }
    out
}

/// The strip at the top of a start page: links to the start pages of the viewer's other roles
/// and, where the page's domain knows them, counts of what waits (the case queues fill
/// `counts`, see `cases::queues::strip`). Rendered by `templates/_start_strip.html`.
#[derive(Debug, Clone, Default)]
pub struct Strip {
    /// (name key, where, how many) for each queue they work.
    pub counts: Vec<(&'static str, &'static str, i64)>,
    /// (page name key, where) for their other start pages.
    pub others: Vec<(&'static str, &'static str)>,
}

impl Strip {
    /// The links to `principal`'s start pages other than `here`; no counts.
    pub fn links(principal: &Principal, here: &str) -> Self {
        let mut others: Vec<(&'static str, &'static str)> =
            pages(principal).into_iter().filter(|p| p.path != here).map(|p| (key(p.role), p.path)).collect();
        for role in Role::ALL.into_iter().rev().filter(|r| principal.has_role(*r)) {
            for &(name, path) in also(role) {
                if path != here && !others.iter().any(|(_, p)| *p == path) {
                    others.push((name, path));
                }
            }
        }
        Self { counts: Vec::new(), others }
    }

    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.others.is_empty()
    }
}

/// Where to go after logging in: where they asked to return to (`next`, already made safe),
/// or else their most senior role's start page, or else the home page.
pub fn after_login(principal: &Principal, next: &str) -> String {
    if next != "/" {
        return next.to_owned();
    }
    pages(principal).first().map_or_else(|| "/".to_owned(), |p| p.path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Grant, Scope};
    use crate::ids::{DepartmentId, StreetId, UserId};

    fn principal(grants: &[(Role, Scope)]) -> Principal {
        Principal::new(UserId(1), grants.iter().map(|&(role, scope)| Grant { role, scope }).collect())
    }

    #[test]
    fn each_role_lands_on_its_own_page() {
        let expected = [
            (Role::Inspector, Scope::Street(StreetId(1)), "/patrol"),
            (Role::Dispatcher, Scope::District, "/manage/cases?state=reported"),
            (Role::Handler, Scope::Department(DepartmentId(2)), "/manage/cases"),
            (Role::Organizer, Scope::District, "/manage/events"),
            (Role::Editor, Scope::District, "/manage/news"),
            (Role::StreetAdmin, Scope::Street(StreetId(1)), "/manage"),
            (Role::DistrictAdmin, Scope::District, "/manage"),
            (Role::Resident, Scope::District, "/"),
            (Role::Enterprise, Scope::District, "/"),
        ];
        for (role, scope, path) in expected {
            assert_eq!(after_login(&principal(&[(role, scope)]), "/"), path, "{role:?}");
        }
    }

    #[test]
    fn several_roles_start_at_the_most_senior_and_link_the_others() {
        let p = principal(&[
            (Role::Resident, Scope::District),
            (Role::Inspector, Scope::Street(StreetId(1))),
            (Role::Dispatcher, Scope::Street(StreetId(1))),
            (Role::StreetAdmin, Scope::Street(StreetId(1))),
        ]);
        let paths: Vec<&str> = pages(&p).iter().map(|s| s.path).collect();
        assert_eq!(paths, ["/manage", "/manage/cases?state=reported", "/patrol"]);
        assert_eq!(after_login(&p, "/"), "/manage");
        let admins =
            principal(&[(Role::StreetAdmin, Scope::Street(StreetId(1))), (Role::DistrictAdmin, Scope::District)]);
        assert_eq!(pages(&admins).len(), 1, "one page, once");
    }

    #[test]
    fn an_organiser_is_linked_to_their_services_too() {
        let organiser = principal(&[(Role::Organizer, Scope::District)]);
        let strip = Strip::links(&organiser, "/manage/events");
        assert_eq!(
            strip.others,
            [("start.page_services", "/manage/services"), ("start.page_challenges", "/manage/challenges")]
        );
        assert_eq!(
            Strip::links(&organiser, "/manage/services").others,
            [("start.page_organizer", "/manage/events"), ("start.page_challenges", "/manage/challenges")]
        );
    }

    #[test]
    fn a_return_address_wins() {
        let inspector = principal(&[(Role::Inspector, Scope::District)]);
        assert_eq!(after_login(&inspector, "/cases/7"), "/cases/7");
        assert_eq!(after_login(&principal(&[]), "/"), "/");
    }
}

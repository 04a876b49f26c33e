//! A case's timeline as the API tells it. Who took each step is told as their part in the case —
//! the reporter, the command centre, the department it was with (and which), the street's
//! checker, the system — so a resident following their report learns which role or department
//! moved it, never which staff member's account. The acting user's id is for staff with a part
//! in the case (they are entitled to know who did what), and for the viewer's own steps.
//!
//! The part is read from the actor's grants against the case as it stood at that step (the
//! department it was with then), preferring a part the workflow allows for that action; grants
//! are read now, so someone who has since lost every part in the case is told as `staff`.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::{Grant, Principal};
use crate::cases::model::{Case, Step, parties};
use crate::cases::workflow::{self, Action, Party, State};
use crate::error::AppResult;
use crate::ids::{DepartmentId, UserId};

/// Who took a step, as a part in the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// Whoever filed the case (a resident, an enterprise, the inspector who found it).
    Reporter,
    /// The command centre (指挥中心).
    Dispatcher,
    /// Staff of the department the case was with (see `actor_department_id`).
    Handler,
    /// The enterprise-assistance agent (帮办员) of the department (see `actor_department_id`).
    Agent,
    /// An inspector or cadre of the case's street, checking the work.
    Inspector,
    /// An administrator of the case's street.
    StreetAdmin,
    /// An administrator of the district.
    DistrictAdmin,
    /// Staff whose part in the case cannot be told any more.
    Staff,
    /// Nobody: the system (an overdue case escalated by the background job).
    System,
}

impl ActorRole {
    fn of(party: Party) -> Self {
        match party {
            Party::Reporter => ActorRole::Reporter,
            Party::Dispatcher => ActorRole::Dispatcher,
            Party::Handler => ActorRole::Handler,
            Party::Agent => ActorRole::Agent,
            Party::Inspector => ActorRole::Inspector,
            Party::StreetAdmin => ActorRole::StreetAdmin,
            Party::DistrictAdmin => ActorRole::DistrictAdmin,
        }
    }
}

/// One step on a case's timeline, as the API tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TimelineStep {
    /// When (unix seconds).
    pub at: i64,
    /// The acting user's id: for staff with a part in the case, and on the viewer's own steps;
    /// null for anyone else, for the system, and on every step of an anonymous reporter.
    pub actor: Option<i64>,
    /// Who acted, as their part in the case.
    pub actor_role: ActorRole,
    /// The department the actor acted for (`handler`, `agent`).
    pub actor_department_id: Option<i64>,
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

/// The part `actor` (with `grants`) played in the step `action` from `from`, on `case` as it
/// stood then: the first of their parts the workflow allows for the action, else their first.
fn part_of(actor: UserId, grants: &[Grant], case: &Case, from: Option<State>, action: &str) -> Option<Party> {
    let principal = Principal::new(actor, grants.to_vec());
    // Being the reporter or the agent is told by the case itself, before this is asked.
    let parts: Vec<Party> =
        parties(&principal, case).into_iter().filter(|p| !matches!(p, Party::Reporter | Party::Agent)).collect();
    let allowed = from.zip(Action::parse(action)).and_then(|(from, action)| workflow::rule(from, action));
    allowed.and_then(|(_, who)| parts.iter().find(|p| who.contains(p)).copied()).or_else(|| parts.first().copied())
}

/// Tells `steps` of `case` to `viewer`, who sees users' ids when `staff` (see the module doc).
/// `grants` holds the grants of every actor but the reporter and the agent.
pub fn tell(
    case: &Case,
    steps: Vec<Step>,
    grants: &HashMap<i64, Vec<Grant>>,
    viewer: UserId,
    staff: bool,
) -> Vec<TimelineStep> {
    let mut department: Option<DepartmentId> = None;
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        let then = Case { department_id: department, ..case.clone() };
        let (role, acted_for) = match s.actor {
            // Only the background job escalates; every other step without its actor is the
            // anonymous reporter's, whose id nobody but themself is given (`service::get`).
            None if s.action == "escalate" => (ActorRole::System, None),
            None => (ActorRole::Reporter, None),
            Some(a) if case.reporter.is_some_and(|r| r.0 == a) => (ActorRole::Reporter, None),
            Some(a) if case.agent.is_some_and(|r| r.0 == a) => (ActorRole::Agent, department),
            Some(a) => {
                let from = s.from.as_deref().and_then(State::parse);
                let part = grants.get(&a).and_then(|g| part_of(UserId(a), g, &then, from, &s.action));
                match part {
                    Some(Party::Handler) => (ActorRole::Handler, department),
                    Some(p) => (ActorRole::of(p), None),
                    None => (ActorRole::Staff, None),
                }
            }
        };
        if matches!(Action::parse(&s.action), Some(Action::Dispatch | Action::Redispatch)) {
            department = s.department_id.map(DepartmentId).or(department);
        }
        out.push(TimelineStep {
            at: s.at,
            actor: s.actor.filter(|a| staff || *a == viewer.0),
            actor_role: role,
            actor_department_id: acted_for.map(|d| d.0),
            action: s.action,
            from: s.from,
            to: s.to,
            department_id: s.department_id,
            note: s.note,
        });
    }
    out
}

/// `case`'s timeline for `user` (who has passed the case's own check): the actors' grants
/// read, and whether the user is staff with a part in it (any part but the reporter's).
pub async fn for_viewer(
    state: &AppState,
    user: &CurrentUser,
    case: &Case,
    steps: Vec<Step>,
) -> AppResult<Vec<TimelineStep>> {
    let staff = parties(&user.principal, case).iter().any(|p| *p != Party::Reporter);
    let mut grants = HashMap::new();
    let mut conn = state.db.conn().await?;
    for actor in steps.iter().filter_map(|s| s.actor) {
        let known = case.reporter.is_some_and(|r| r.0 == actor) || case.agent.is_some_and(|r| r.0 == actor);
        if !known && !grants.contains_key(&actor) {
            grants.insert(actor, crate::accounts::grants(&mut conn, UserId(actor)).await?);
        }
    }
    Ok(tell(case, steps, &grants, user.id, staff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::{Role, Scope};
    use crate::ids::StreetId;

    const REPORTER: i64 = 1;
    const DISPATCHER: i64 = 2;
    const HANDLER: i64 = 3;
    const OTHER_HANDLER: i64 = 4;
    const INSPECTOR: i64 = 5;
    const GONE: i64 = 6;

    fn case() -> Case {
        Case {
            id: 9,
            state: State::Closed,
            street_id: Some(StreetId(1)),
            reporter: Some(UserId(REPORTER)),
            department_id: Some(DepartmentId(8)),
            ..Case::example()
        }
    }

    fn step(actor: Option<i64>, action: &str, from: Option<State>, department: Option<i64>) -> Step {
        Step {
            at: 0,
            actor,
            action: action.into(),
            from: from.map(|s| s.as_str().into()),
            to: String::new(),
            department_id: department,
            note: String::new(),
        }
    }

    fn grants() -> HashMap<i64, Vec<Grant>> {
        let g = |role, scope| vec![Grant { role, scope }];
        HashMap::from([
            (DISPATCHER, g(Role::Dispatcher, Scope::District)),
            (HANDLER, g(Role::Handler, Scope::Department(DepartmentId(7)))),
            (OTHER_HANDLER, g(Role::Handler, Scope::Department(DepartmentId(8)))),
            (INSPECTOR, g(Role::Inspector, Scope::Street(StreetId(1)))),
            (GONE, g(Role::Resident, Scope::District)),
        ])
    }

    /// A case dispatched to department 7, redispatched to 8 and handled there: each step told
    /// by the part and department of the time.
    fn steps() -> Vec<Step> {
        use State::*;
        vec![
            step(Some(REPORTER), "file", None, None),
            step(Some(DISPATCHER), "dispatch", Some(Reported), Some(7)),
            step(Some(HANDLER), "start_handling", Some(Dispatched), None),
            step(Some(DISPATCHER), "redispatch", Some(Handling), Some(8)),
            step(Some(OTHER_HANDLER), "report_handled", Some(Dispatched), None),
            step(Some(INSPECTOR), "check_pass", Some(Handled), None),
            step(None, "escalate", Some(Handled), None),
            step(Some(GONE), "comment", Some(Closed), None),
        ]
    }

    #[test]
    fn each_step_is_told_by_the_part_and_department_of_its_time() {
        let told = tell(&case(), steps(), &grants(), UserId(REPORTER), false);
        let roles: Vec<(ActorRole, Option<i64>)> = told.iter().map(|s| (s.actor_role, s.actor_department_id)).collect();
        use ActorRole::*;
        assert_eq!(
            roles,
            [
                (Reporter, None),
                (Dispatcher, None),
                (Handler, Some(7)),
                (Dispatcher, None),
                (Handler, Some(8)),
                (Inspector, None),
                (System, None),
                (Staff, None),
            ]
        );
    }

    #[test]
    fn the_reporter_sees_no_staff_ids_and_staff_see_them_all() {
        let told = tell(&case(), steps(), &grants(), UserId(REPORTER), false);
        let ids: Vec<Option<i64>> = told.iter().map(|s| s.actor).collect();
        assert_eq!(ids, [Some(REPORTER), None, None, None, None, None, None, None]);
        let told = tell(&case(), steps(), &grants(), UserId(DISPATCHER), true);
        let ids: Vec<Option<i64>> = told.iter().map(|s| s.actor).collect();
        let expected: Vec<Option<i64>> = steps().iter().map(|s| s.actor).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn an_anonymous_reporters_steps_are_the_reporters_without_an_id() {
        let masked = vec![step(None, "file", None, None), step(None, "comment", Some(State::Reported), None)];
        let told = tell(&case(), masked, &grants(), UserId(DISPATCHER), true);
        for s in told {
            assert_eq!((s.actor, s.actor_role), (None, ActorRole::Reporter), "{}", s.action);
        }
    }

    #[test]
    fn a_part_the_workflow_allows_for_the_action_comes_first() {
        // An inspector who is also the street's admin: checking the work is told as the first of
        // their parts (both may check); escalating as the admin (the command's, not a checker's).
        let both = vec![
            Grant { role: Role::Inspector, scope: Scope::Street(StreetId(1)) },
            Grant { role: Role::StreetAdmin, scope: Scope::Street(StreetId(1)) },
        ];
        let part = part_of(UserId(7), &both, &case(), Some(State::Handled), "escalate");
        assert_eq!(part, Some(Party::StreetAdmin));
        let part = part_of(UserId(7), &both, &case(), Some(State::Handled), "check_pass");
        assert_eq!(part, Some(Party::Inspector));
    }
}

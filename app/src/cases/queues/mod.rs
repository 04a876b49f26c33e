//! The staff's queues and what staff hear of them (issue 12, point 2): a case that reaches a
//! queue — filed (the dispatchers'), sent to a department or back to it for rework (its
//! handlers'), reported done (the inspectors' who check it) — leaves a notice in the inbox of
//! every member of staff whose grants cover it, in the transaction that moves it; and the
//! counts of each queue, for a person's start page and daily digest.
//!
//! A part of the case core beside `notices` (what the reporter hears): the same inbox, kinds
//! `case.queue_<queue>` which `notices::CaseNotices` hands here to be worded. Who works a queue
//! follows the grants alone ([`Queue::role`]), not the wider reach a street or district admin
//! holds: an admin oversees, and would otherwise hear of every case of the street.

use crate::authz::start::Strip;
use crate::authz::{Grant, Principal, Role, Scope};
use crate::cases::model::Case;
use crate::cases::workflow::{Action, State};
use crate::db::Conn;
use crate::ids::UserId;
use crate::web::i18n::{self, Locale};

pub mod store;

/// The stored kinds of queue notices start with this (inside the core's `case.`).
pub const PREFIX: &str = "case.queue_";

/// A queue of cases waiting for one kind of staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    /// New reports, waiting to be taken on and dispatched (指挥中心).
    Dispatch,
    /// Dispatched or sent back for rework, waiting for the department.
    Department,
    /// Reported done, waiting to be checked.
    Check,
}

impl Queue {
    /// Every queue, in the order of a case's life.
    pub const ALL: [Queue; 3] = [Queue::Dispatch, Queue::Department, Queue::Check];

    /// Stored name (in the notice's kind).
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Dispatch => "dispatch",
            Queue::Department => "department",
            Queue::Check => "check",
        }
    }

    /// Parses [`Queue::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == s)
    }

    /// Whose queue it is.
    pub fn role(self) -> Role {
        match self {
            Queue::Dispatch => Role::Dispatcher,
            Queue::Department => Role::Handler,
            Queue::Check => Role::Inspector,
        }
    }

    /// The states a case waits in, in this queue.
    pub fn states(self) -> &'static [State] {
        match self {
            Queue::Dispatch => &[State::Reported, State::Accepted],
            Queue::Department => &[State::Dispatched, State::Handling],
            Queue::Check => &[State::Handled],
        }
    }

    /// Catalog key of the queue's name.
    pub fn key(self) -> &'static str {
        match self {
            Queue::Dispatch => "queue.dispatch",
            Queue::Department => "queue.department",
            Queue::Check => "queue.check",
        }
    }

    /// Where its members find it.
    pub fn path(self) -> &'static str {
        match self {
            Queue::Dispatch => "/manage/cases?state=reported",
            Queue::Department => "/manage/cases",
            Queue::Check => "/manage/cases?state=handled",
        }
    }

    /// The inbox text's catalog key.
    fn inbox_key(self) -> &'static str {
        match self {
            Queue::Dispatch => "queue.inbox_dispatch",
            Queue::Department => "queue.inbox_department",
            Queue::Check => "queue.inbox_check",
        }
    }
}

/// The queue a case enters by a move (`action` taking it from `from` to `to`), if any. Filing
/// is the move into [`State::Reported`] (no `from`). Resuming a postponed case enters none:
/// the department postponed it itself. A redispatch to another department is the new
/// department's news.
pub fn entered(from: Option<State>, action: Option<Action>, to: State) -> Option<Queue> {
    if from == Some(to) && action != Some(Action::Redispatch) {
        return None;
    }
    match (action, to) {
        (None, State::Reported) => Some(Queue::Dispatch),
        (Some(Action::Dispatch | Action::Redispatch), State::Dispatched) => Some(Queue::Department),
        (Some(Action::CheckFail), State::Handling) => Some(Queue::Department),
        (Some(Action::ReportHandled), State::Handled) => Some(Queue::Check),
        _ => None,
    }
}

/// The scopes of `grant`s of `queue`'s role, as a SQL condition on a case's `street_id`,
/// `community_id` and `department_id`; None when they hold none. The ids are integers from
/// the grants, spelled into the SQL; nothing from a request is.
pub fn area_sql(grants: &[Grant], queue: Queue) -> Option<String> {
    let parts: Vec<String> = grants
        .iter()
        .filter(|g| g.role == queue.role() && g.role.allows_scope(&g.scope))
        .map(|g| match g.scope {
            Scope::District => "1 = 1".to_owned(),
            Scope::Street(s) => format!("street_id = {}", s.0),
            Scope::Community(c) => format!("community_id = {}", c.0),
            Scope::Department(d) => format!("department_id = {}", d.0),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" or "))
}

/// The parameters of a notice about case `id`.
pub fn params(id: i64) -> String {
    serde_json::json!({ "case_id": id }).to_string()
}

/// Leaves a notice for everyone who works the queue `case` (as it now is) entered by this
/// move, but the one who moved it.
pub async fn tell(
    conn: &mut Conn,
    case: &Case,
    from: Option<State>,
    action: Option<Action>,
    actor: Option<UserId>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let Some(queue) = entered(from, action, case.state) else { return Ok(0) };
    let people = store::workers(conn, queue, case).await?;
    let kind = format!("{PREFIX}{}", queue.as_str());
    let params = params(case.id);
    let mut told = 0;
    for person in people.into_iter().filter(|p| Some(*p) != actor) {
        store::leave_notice(conn, person, &kind, &params, now).await?;
        told += 1;
    }
    Ok(told)
}

/// How many cases wait in each of `principal`'s queues (only the queues their roles work).
pub async fn counts(conn: &mut Conn, principal: &Principal) -> Result<Vec<(Queue, i64)>, sqlx::Error> {
    let mut out = Vec::new();
    for queue in Queue::ALL {
        if let Some(area) = area_sql(principal.grants(), queue) {
            out.push((queue, store::count(conn, queue, &area).await?));
        }
    }
    Ok(out)
}

/// The strip for `principal` on the start page at `here`: their other start pages (see
/// `authz::start`) and the counts of their queues.
pub async fn strip(conn: &mut Conn, principal: &Principal, here: &str) -> Result<Strip, sqlx::Error> {
    let mut strip = Strip::links(principal, here);
    strip.counts = counts(conn, principal).await?.into_iter().map(|(q, n)| (q.key(), q.path(), n)).collect();
    Ok(strip)
}

/// A stored queue notice in words; None for kinds or cases no longer known.
pub async fn text(
    conn: &mut Conn,
    kind: &str,
    params_json: &str,
    locale: Locale,
) -> Result<Option<String>, sqlx::Error> {
    let Some(queue) = kind.strip_prefix(PREFIX).and_then(Queue::parse) else { return Ok(None) };
    let Some(id) = crate::cases::notices::case_of(params_json) else { return Ok(None) };
    let Some((zh, en)) = store::category_name(conn, id).await? else { return Ok(None) };
    let category = i18n::LocalName::pick(locale, &zh, en.as_deref()).text;
    Ok(Some(i18n::tf(locale, queue.inbox_key(), &[("number", &id.to_string()), ("category", &category)])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DepartmentId, StreetId};

    #[test]
    fn a_case_enters_a_queue_at_each_hand_over() {
        use Action as A;
        use State as S;
        assert_eq!(entered(None, None, S::Reported), Some(Queue::Dispatch));
        assert_eq!(entered(Some(S::Reported), Some(A::Dispatch), S::Dispatched), Some(Queue::Department));
        assert_eq!(entered(Some(S::Dispatched), Some(A::Redispatch), S::Dispatched), Some(Queue::Department));
        assert_eq!(entered(Some(S::Handled), Some(A::CheckFail), S::Handling), Some(Queue::Department));
        assert_eq!(entered(Some(S::Handling), Some(A::ReportHandled), S::Handled), Some(Queue::Check));
        assert_eq!(entered(Some(S::Postponed), Some(A::Resume), S::Handling), None, "they postponed it");
        assert_eq!(entered(Some(S::Dispatched), Some(A::StartHandling), S::Handling), None);
        assert_eq!(entered(Some(S::Handled), Some(A::Comment), S::Handled), None, "no move");
        assert_eq!(entered(Some(S::Reported), Some(A::Accept), S::Accepted), None, "already theirs");
    }

    #[test]
    fn a_queue_is_worked_by_its_role_only_where_granted() {
        let grants = [
            Grant { role: Role::Dispatcher, scope: Scope::Street(StreetId(3)) },
            Grant { role: Role::Handler, scope: Scope::Department(DepartmentId(7)) },
            Grant { role: Role::StreetAdmin, scope: Scope::Street(StreetId(4)) },
            // Not a scope the role allows: reaches nothing.
            Grant { role: Role::Handler, scope: Scope::District },
        ];
        assert_eq!(area_sql(&grants, Queue::Dispatch).as_deref(), Some("street_id = 3"));
        assert_eq!(area_sql(&grants, Queue::Department).as_deref(), Some("department_id = 7"));
        assert_eq!(area_sql(&grants, Queue::Check), None);
        let everywhere = [Grant { role: Role::Inspector, scope: Scope::District }];
        assert_eq!(area_sql(&everywhere, Queue::Check).as_deref(), Some("1 = 1"));
        for q in Queue::ALL {
            assert_eq!(Queue::parse(q.as_str()), Some(q));
        }
        // The filing's one statement spells the dispatchers' kind and scopes itself.
        assert!(store::TELL_DISPATCHERS.contains(&format!("'{PREFIX}{}'", Queue::Dispatch.as_str())));
        assert!(
            Role::Dispatcher.allows_scope(&Scope::District)
                && Role::Dispatcher.allows_scope(&Scope::Street(StreetId(1)))
        );
        assert!(!Role::Dispatcher.allows_scope(&Scope::Community(crate::ids::CommunityId(1))));
    }
}

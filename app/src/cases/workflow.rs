//! The workflow of a case: its states, what can be done to it, and who may do it. Pure rules, no I/O.
//!
//! It follows the steps of China's digital urban-management standard (信息收集 → 立案 → 派遣 → 处置 →
//! 反馈 → 核查 → 结案 → 评价), with FixMyStreet and Open311 as outside references. One engine serves
//! inspectors' patrol findings, residents' reports, hotline calls entered by staff and enterprise approval
//! assistance, so the rules speak of [`Party`] — who someone is *relative to the case* — rather than of roles:
//! the caller turns roles and scopes into a party (a handler of another department is no party at all).
//!
//! The whole rule is one table, [`rule`]: for a state and an action, the state it leads to and the parties
//! allowed to take it. [`next`] and [`actions_for`] both read that table, so the buttons shown and the moves
//! accepted cannot drift apart. The tests compare it with a second table written out by hand.

use serde::{Deserialize, Serialize};

use Party::{Agent, Dispatcher, DistrictAdmin, Handler, Inspector, Reporter, StreetAdmin};

/// Where a case stands. Stored as the snake_case string from [`State::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 上报 — filed, waiting for the dispatcher.
    Reported,
    /// 立案 — accepted as a case, not yet dispatched.
    Accepted,
    /// 不予立案 — refused with a reason (final).
    Rejected,
    /// 派遣 — sent to a department; the deadline runs from here.
    Dispatched,
    /// 处置 — the department is working on it.
    Handling,
    /// 反馈 — the department reports it done, waiting for the check.
    Handled,
    /// 结案 — checked and closed (final, except for the reporter's rating).
    Closed,
    /// 作废 — void: a duplicate merged into another case, or filed in error (final).
    Voided,
    /// 挂账 — postponed with a reason and a date; resumes to [`State::Handling`].
    Postponed,
}

impl State {
    /// Every state, in the order of a case's life.
    pub const ALL: [State; 9] = [
        State::Reported,
        State::Accepted,
        State::Rejected,
        State::Dispatched,
        State::Handling,
        State::Handled,
        State::Closed,
        State::Voided,
        State::Postponed,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Reported => "reported",
            State::Accepted => "accepted",
            State::Rejected => "rejected",
            State::Dispatched => "dispatched",
            State::Handling => "handling",
            State::Handled => "handled",
            State::Closed => "closed",
            State::Voided => "voided",
            State::Postponed => "postponed",
        }
    }

    /// Parses [`State::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Translation key of the state's name.
    pub fn key(self) -> &'static str {
        match self {
            State::Reported => "case_state.reported",
            State::Accepted => "case_state.accepted",
            State::Rejected => "case_state.rejected",
            State::Dispatched => "case_state.dispatched",
            State::Handling => "case_state.handling",
            State::Handled => "case_state.handled",
            State::Closed => "case_state.closed",
            State::Voided => "case_state.voided",
            State::Postponed => "case_state.postponed",
        }
    }

    /// Still needs work (counts in queues and overdue lists). Postponed cases stay open: they come back.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Rejected | State::Closed | State::Voided)
    }

    /// Whether the reporter is told when the case enters this state.
    ///
    /// Every step that changes what the reporter may expect: taken on or refused, sent to a department,
    /// postponed (a new date), reported done (the reporter may confirm or dispute it), closed or voided.
    /// Not `Reported` (the reporter just did that) and not `Handling` (the department's own bookkeeping; a
    /// rework after a failed check is already known to whoever failed it).
    pub fn is_public_step(self) -> bool {
        use State as S;
        matches!(self, S::Accepted | S::Rejected | S::Dispatched | S::Postponed | S::Handled | S::Closed | S::Voided)
    }
}

/// What someone does to a case. Stored as the snake_case string from [`Action::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 立案: take a report on as a case.
    Accept,
    /// 不予立案: refuse a report, with a reason.
    Reject,
    /// 派遣: send to a department (directly from a report, too: accept-and-dispatch is one step in practice).
    Dispatch,
    /// 改派: the department says it is not theirs; back to the dispatcher's choice of another department.
    Redispatch,
    /// 开始处置: the department starts work.
    StartHandling,
    /// 处置反馈: the department reports it done.
    ReportHandled,
    /// 核查通过: the check confirms it is done; the case closes.
    CheckPass,
    /// 核查不通过 (返工): not done; back to the department.
    CheckFail,
    /// 挂账: postpone, with a reason and a date.
    Postpone,
    /// 恢复: take a postponed case up again.
    Resume,
    /// 作废: void a duplicate or a case filed in error.
    Void,
    /// 督办: press the department; the state does not change.
    Escalate,
    /// 评价: the reporter rates a closed case; the state does not change.
    Rate,
    /// 备注: a note on the timeline; the state does not change.
    Comment,
}

impl Action {
    /// Every action, in the order buttons are shown.
    pub const ALL: [Action; 14] = [
        Action::Accept,
        Action::Reject,
        Action::Dispatch,
        Action::Redispatch,
        Action::StartHandling,
        Action::ReportHandled,
        Action::CheckPass,
        Action::CheckFail,
        Action::Postpone,
        Action::Resume,
        Action::Void,
        Action::Escalate,
        Action::Rate,
        Action::Comment,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject => "reject",
            Action::Dispatch => "dispatch",
            Action::Redispatch => "redispatch",
            Action::StartHandling => "start_handling",
            Action::ReportHandled => "report_handled",
            Action::CheckPass => "check_pass",
            Action::CheckFail => "check_fail",
            Action::Postpone => "postpone",
            Action::Resume => "resume",
            Action::Void => "void",
            Action::Escalate => "escalate",
            Action::Rate => "rate",
            Action::Comment => "comment",
        }
    }

    /// Parses [`Action::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Translation key of the action's name (button label, timeline entry).
    pub fn key(self) -> &'static str {
        match self {
            Action::Accept => "case_action.accept",
            Action::Reject => "case_action.reject",
            Action::Dispatch => "case_action.dispatch",
            Action::Redispatch => "case_action.redispatch",
            Action::StartHandling => "case_action.start_handling",
            Action::ReportHandled => "case_action.report_handled",
            Action::CheckPass => "case_action.check_pass",
            Action::CheckFail => "case_action.check_fail",
            Action::Postpone => "case_action.postpone",
            Action::Resume => "case_action.resume",
            Action::Void => "case_action.void",
            Action::Escalate => "case_action.escalate",
            Action::Rate => "case_action.rate",
            Action::Comment => "case_action.comment",
        }
    }
}

/// Who is acting, relative to the case (computed by the caller from roles and scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// Whoever filed it (a resident, an enterprise, the inspector who found it).
    Reporter,
    /// The command centre (指挥中心) that accepts and dispatches.
    Dispatcher,
    /// Staff of the department the case is with.
    Handler,
    /// Checks the work: an inspector or cadre of the case's street.
    Inspector,
    /// Administrator of the case's street.
    StreetAdmin,
    /// Administrator of the district.
    DistrictAdmin,
    /// The enterprise-assistance agent (帮办员) assigned to the case; does the work like a handler.
    Agent,
}

impl Party {
    /// Every party.
    pub const ALL: [Party; 7] = [Reporter, Dispatcher, Handler, Inspector, StreetAdmin, DistrictAdmin, Agent];
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The action makes no sense in this state, whoever asks (409).
    NotAllowedFrom,
    /// It makes sense, but not for this party (403).
    NotYours,
}

impl Refusal {
    /// Translation key of the explanation.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NotAllowedFrom => "case_refusal.not_allowed",
            Refusal::NotYours => "case_refusal.not_yours",
        }
    }
}

/// Who decides what becomes of a case: taking it on, sending it, pressing the department.
const COMMAND: &[Party] = &[Dispatcher, StreetAdmin, DistrictAdmin];
/// Changing the department or voiding is the centre's call: a street could otherwise push its cases away.
const CENTRE: &[Party] = &[Dispatcher, DistrictAdmin];
/// Who does the work.
const WORKERS: &[Party] = &[Handler, Agent];
/// Who may confirm or dispute that the work is done; the reporter's own confirmation counts.
const CHECKERS: &[Party] = &[Inspector, Dispatcher, Reporter, StreetAdmin, DistrictAdmin];
/// Who may put a case on hold and take it up again: command, and the department that knows why it waits.
const POSTPONERS: &[Party] = &[Dispatcher, StreetAdmin, DistrictAdmin, Handler];
/// Everyone party to the case.
const EVERYONE: &[Party] = &Party::ALL;

/// The rule for `action` on a case in `from`: the state it leads to and who may take it, or `None` when the
/// action makes no sense there for anyone.
pub fn rule(from: State, action: Action) -> Option<(State, &'static [Party])> {
    use Action as A;
    use State as S;
    let (to, who): (State, &'static [Party]) = match (action, from) {
        (A::Accept, S::Reported) => (S::Accepted, COMMAND),
        (A::Reject, S::Reported) => (S::Rejected, COMMAND),
        (A::Dispatch, S::Reported | S::Accepted) => (S::Dispatched, COMMAND),
        (A::Redispatch, S::Dispatched | S::Handling) => (S::Dispatched, CENTRE),
        (A::StartHandling, S::Dispatched) => (S::Handling, WORKERS),
        // A quick job may be reported done without a separate start.
        (A::ReportHandled, S::Dispatched | S::Handling) => (S::Handled, WORKERS),
        (A::CheckPass, S::Handled) => (S::Closed, CHECKERS),
        (A::CheckFail, S::Handled) => (S::Handling, CHECKERS),
        (A::Postpone, S::Dispatched | S::Handling) => (S::Postponed, POSTPONERS),
        // Whether work had started before the hold is not tracked: the department picks it up again.
        (A::Resume, S::Postponed) => (S::Handling, POSTPONERS),
        (A::Void, s) if s.is_open() => (S::Voided, CENTRE),
        // A report nobody has taken on yet has no department to press.
        (A::Escalate, s) if s.is_open() && s != S::Reported => (s, COMMAND),
        (A::Rate, S::Closed) => (S::Closed, &[Reporter]),
        (A::Comment, s) => (s, EVERYONE),
        _ => return None,
    };
    Some((to, who))
}

/// The state after `action` by `party` on a case in `from`, or why not.
///
/// [`Refusal::NotAllowedFrom`] wins over [`Refusal::NotYours`]: a move nobody could make is reported as such.
pub fn next(from: State, action: Action, party: Party) -> Result<State, Refusal> {
    let (to, who) = rule(from, action).ok_or(Refusal::NotAllowedFrom)?;
    if who.contains(&party) { Ok(to) } else { Err(Refusal::NotYours) }
}

/// Whether any of `parts` may take `action` on a case in `from`.
pub fn may(parts: &[Party], from: State, action: Action) -> bool {
    parts.iter().any(|p| next(from, action, *p).is_ok())
}

/// What `party` may do to a case in `from` (the buttons to show), in the order of [`Action::ALL`].
pub fn actions_for(from: State, party: Party) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| next(from, *a, party).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use State::*;

    const P_CMD: [Party; 3] = [Dispatcher, StreetAdmin, DistrictAdmin];
    const P_CTR: [Party; 2] = [Dispatcher, DistrictAdmin];
    const P_WRK: [Party; 2] = [Handler, Agent];
    const P_CHK: [Party; 5] = [Inspector, Dispatcher, Reporter, StreetAdmin, DistrictAdmin];
    const P_PST: [Party; 4] = [Dispatcher, StreetAdmin, DistrictAdmin, Handler];

    /// The expected rules, written out independently of `rule`: (from, action, who, to).
    #[rustfmt::skip] // Dense on purpose: rows of one action share a line, so it reads as a table.
    fn expected() -> Vec<(State, Action, &'static [Party], State)> {
        let all: &'static [Party] = &Party::ALL;
        vec![
            (Reported, Accept, &P_CMD, Accepted),
            (Reported, Reject, &P_CMD, Rejected),
            (Reported, Dispatch, &P_CMD, Dispatched), (Accepted, Dispatch, &P_CMD, Dispatched),
            (Dispatched, Redispatch, &P_CTR, Dispatched), (Handling, Redispatch, &P_CTR, Dispatched),
            (Dispatched, StartHandling, &P_WRK, Handling),
            (Dispatched, ReportHandled, &P_WRK, Handled), (Handling, ReportHandled, &P_WRK, Handled),
            (Handled, CheckPass, &P_CHK, Closed),
            (Handled, CheckFail, &P_CHK, Handling),
            (Dispatched, Postpone, &P_PST, Postponed), (Handling, Postpone, &P_PST, Postponed),
            (Postponed, Resume, &P_PST, Handling),
            (Reported, Void, &P_CTR, Voided), (Accepted, Void, &P_CTR, Voided), (Dispatched, Void, &P_CTR, Voided),
            (Handling, Void, &P_CTR, Voided), (Handled, Void, &P_CTR, Voided), (Postponed, Void, &P_CTR, Voided),
            (Accepted, Escalate, &P_CMD, Accepted), (Dispatched, Escalate, &P_CMD, Dispatched),
            (Handling, Escalate, &P_CMD, Handling), (Handled, Escalate, &P_CMD, Handled),
            (Postponed, Escalate, &P_CMD, Postponed),
            (Closed, Rate, &[Reporter], Closed),
            (Reported, Comment, all, Reported), (Accepted, Comment, all, Accepted), (Rejected, Comment, all, Rejected),
            (Dispatched, Comment, all, Dispatched), (Handling, Comment, all, Handling),
            (Handled, Comment, all, Handled), (Closed, Comment, all, Closed), (Voided, Comment, all, Voided),
            (Postponed, Comment, all, Postponed),
        ]
    }

    #[test]
    fn every_state_action_party_matches_the_table() {
        let table = expected();
        let mut allowed = 0;
        for from in State::ALL {
            for action in Action::ALL {
                let row = table.iter().find(|r| r.0 == from && r.1 == action);
                for party in Party::ALL {
                    let want = match row {
                        None => Err(Refusal::NotAllowedFrom),
                        Some(&(_, _, who, to)) if who.contains(&party) => Ok(to),
                        Some(_) => Err(Refusal::NotYours),
                    };
                    assert_eq!(next(from, action, party), want, "{from:?} {action:?} by {party:?}");
                    allowed += usize::from(want.is_ok());
                }
            }
        }
        assert_eq!(allowed, table.iter().map(|r| r.2.len()).sum::<usize>(), "no duplicate rows in the table");
    }

    #[test]
    fn refusal_kinds_for_a_sample() {
        let cases = [
            (Closed, Accept, Dispatcher, Refusal::NotAllowedFrom),
            (Reported, Escalate, DistrictAdmin, Refusal::NotAllowedFrom),
            (Rejected, Rate, Reporter, Refusal::NotAllowedFrom),
            (Voided, Void, DistrictAdmin, Refusal::NotAllowedFrom),
            (Postponed, StartHandling, Handler, Refusal::NotAllowedFrom),
            (Reported, Accept, Reporter, Refusal::NotYours),
            (Closed, Rate, Dispatcher, Refusal::NotYours),
            (Handling, Redispatch, StreetAdmin, Refusal::NotYours),
            (Handled, CheckPass, Handler, Refusal::NotYours),
            (Handled, CheckPass, Agent, Refusal::NotYours),
            (Dispatched, Postpone, Agent, Refusal::NotYours),
        ];
        for (from, action, party, why) in cases {
            assert_eq!(next(from, action, party), Err(why), "{from:?} {action:?} by {party:?}");
        }
        assert_eq!(Refusal::NotAllowedFrom.key(), "case_refusal.not_allowed");
        assert_eq!(Refusal::NotYours.key(), "case_refusal.not_yours");
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert_eq!(s.key(), format!("case_state.{}", s.as_str()));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(a.key(), format!("case_action.{}", a.as_str()));
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.as_str()));
        }
        assert_eq!(State::parse("Closed"), None);
        assert_eq!(Action::parse(""), None);
    }

    #[test]
    fn open_and_public_states() {
        let open: Vec<State> = State::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [Reported, Accepted, Dispatched, Handling, Handled, Postponed]);
        let public: Vec<State> = State::ALL.into_iter().filter(|s| s.is_public_step()).collect();
        assert_eq!(public, [Accepted, Rejected, Dispatched, Handled, Closed, Voided, Postponed]);
    }

    #[test]
    fn actions_for_agrees_with_next() {
        for from in State::ALL {
            for party in Party::ALL {
                let shown = actions_for(from, party);
                for action in Action::ALL {
                    assert_eq!(shown.contains(&action), next(from, action, party).is_ok(), "{from:?} {party:?}");
                }
            }
        }
        assert_eq!(actions_for(Reported, Dispatcher), [Accept, Reject, Dispatch, Void, Comment]);
        assert_eq!(actions_for(Dispatched, Handler), [StartHandling, ReportHandled, Postpone, Comment]);
        assert_eq!(actions_for(Handled, Reporter), [CheckPass, CheckFail, Comment]);
    }

    #[test]
    fn a_whole_case_with_one_rework() {
        let steps = [
            (Accept, Dispatcher, Accepted),
            (Dispatch, Dispatcher, Dispatched),
            (StartHandling, Handler, Handling),
            (ReportHandled, Handler, Handled),
            (CheckFail, Inspector, Handling),
            (Comment, Reporter, Handling),
            (ReportHandled, Handler, Handled),
            (CheckPass, Reporter, Closed),
            (Rate, Reporter, Closed),
        ];
        let mut state = Reported;
        for (action, party, want) in steps {
            state = next(state, action, party).unwrap();
            assert_eq!(state, want, "after {action:?} by {party:?}");
        }
        assert_eq!(next(state, Rate, Inspector), Err(Refusal::NotYours));
        assert_eq!(next(state, CheckFail, Reporter), Err(Refusal::NotAllowedFrom), "closed is closed");
    }

    #[test]
    fn postponed_cases_resume_to_handling_and_can_be_redispatched_after() {
        let mut state = next(Dispatched, Postpone, Handler).unwrap();
        assert_eq!(state, Postponed);
        assert!(state.is_open());
        assert_eq!(next(state, Redispatch, Dispatcher), Err(Refusal::NotAllowedFrom), "resume first");
        state = next(state, Resume, StreetAdmin).unwrap();
        assert_eq!(state, Handling);
        assert_eq!(next(state, Redispatch, Dispatcher), Ok(Dispatched));
    }
}

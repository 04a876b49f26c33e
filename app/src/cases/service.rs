//! Case use cases: filing, seeing, revealing what the case page masks, and moving a case along
//! its workflow. Each change is one transaction: the case's new state (written only if nobody
//! moved it meanwhile), its timeline step and the audit entry.

use chrono::{NaiveDateTime, TimeZone as _};

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::cases::addons;
use crate::cases::calendar::store as calendar_store;
use crate::cases::filing::store::File;
use crate::cases::filing::{self, Filer};
use crate::cases::model::{Case, Rating, Source, Step, audit_actor, distance_m, parties, public_place};
use crate::cases::reveal::{self, FullNumber, Revealed, Subject};
use crate::cases::store::{self, Category};
use crate::cases::workflow::{self, Action, Party, Refusal};
use crate::clock::DISTRICT_OFFSET;
use crate::db::{Conn, Tx};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::DepartmentId;

pub use crate::cases::filing::{MAX_ADDRESS, MAX_TEXT, NewCase, OnBehalf};

/// Files a case for `user`; the source follows from their roles (patrol, hotline, report).
/// Durable before it answers: on the SQLite writer's group commit, on PostgreSQL in one
/// statement (see `filing::store`).
pub async fn file(state: &AppState, user: &CurrentUser, new: NewCase) -> AppResult<Case> {
    let filer = Filer::new(user.id, Source::for_filer(&user.principal), &new, None);
    let reserved = addons::reserved(state);
    // The filing's write leaves the dispatchers' notices too (`queues::store::TELL_DISPATCHERS`).
    state.db.write(File { new, user: user.id, filer, reserved, now: state.clock.unix() }).await
}

/// Files a case in `tx`, which the caller commits (so that what it stores beside the case is
/// kept or dropped with it): by `user` for themself, or `on_behalf` of someone else.
pub async fn file_in(
    state: &AppState,
    tx: &mut Tx,
    user: &CurrentUser,
    new: NewCase,
    on_behalf: Option<OnBehalf>,
) -> AppResult<Case> {
    let filer = Filer::new(user.id, Source::for_filer(&user.principal), &new, on_behalf);
    let refs = store::filing_refs(tx, new.category_id, new.community_id, user.id).await?;
    let mut case = filing::check(new, &refs, filer, &addons::reserved(state), state.clock.unix())?;
    case.id = store::insert_case(tx, &case, user.id, case.created_at).await?;
    audit::record(tx, case.created_at, audit_actor(&case, user.id), "case.file", filing_change(&case)).await?;
    crate::cases::queues::tell(tx, &case, None, None, Some(user.id), case.created_at).await?;
    Ok(case)
}

/// The audit entry of a filing: an anonymous one says so, since it names nobody (see
/// [`audit_actor`]).
pub fn filing_change(case: &Case) -> Change {
    let change = Change::new("case", case.id, case.street_id);
    if case.anonymous { change.after(&serde_json::json!({"anonymous": true})) } else { change }
}

/// Case `id` and `user`'s parts in it (see `model::parties`), if they have any. Others get
/// "not found", not "forbidden": they need not know it exists.
pub async fn visible(conn: &mut Conn, user: &CurrentUser, id: i64) -> AppResult<(Case, Vec<Party>)> {
    let case = store::case(conn, id).await?.ok_or(AppError::NotFound)?;
    let parts = parties(&user.principal, &case);
    if parts.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((case, parts))
}

/// A case and its timeline, if `user` may see it (see [`visible`]). The steps the reporter of
/// an anonymous report took carry no actor for anyone but that reporter — the command centre
/// included, which learns who it is only by an audited reveal (`reveal`). A step without an
/// actor is the anonymous reporter's, or (an escalation) the system's.
pub async fn get(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<(Case, Vec<Step>)> {
    let mut conn = state.db.conn().await?;
    let (case, _) = visible(&mut conn, user, id).await?;
    let mut steps = store::steps(&mut conn, id).await?;
    if case.anonymous && case.reporter != Some(user.id) {
        for s in steps.iter_mut().filter(|s| s.actor.is_some() && s.actor == case.reporter.map(|r| r.0)) {
            s.actor = None;
        }
    }
    Ok((case, steps))
}

/// What to do to a case.
#[derive(Debug, Clone)]
pub struct Act {
    /// The action.
    pub action: Action,
    /// Department (dispatch, redispatch).
    pub department_id: Option<DepartmentId>,
    /// Note: the reason for rejecting, voiding or postponing; the handler's report; a comment.
    pub note: String,
    /// The reporter's verdict (rate).
    pub rating: Option<Rating>,
    /// The case a voided duplicate is merged into (see [`merge`]).
    pub merge_into: Option<i64>,
}

/// Moves a case: allowed only to the parties the workflow names, from the states it names.
pub async fn act(state: &AppState, user: &CurrentUser, id: i64, act: Act) -> AppResult<Case> {
    let note = act.note.trim().to_owned();
    if note.chars().count() > MAX_TEXT {
        return Err(AppError::Invalid(vec![FieldError { field: "note", key: "form.text_too_long" }]));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let (case, mine) = visible(&mut tx, user, id).await?;
    let mut refusal = Refusal::NotYours;
    let mut to = None;
    for party in &mine {
        match workflow::next(case.state, act.action, *party) {
            Ok(state) => {
                to = Some(state);
                break;
            }
            Err(r) => refusal = r,
        }
    }
    let Some(to) = to else {
        return Err(match refusal {
            Refusal::NotAllowedFrom => AppError::Conflict(refusal.key()),
            Refusal::NotYours => AppError::Forbidden,
        });
    };
    let mut next = case.clone();
    next.state = to;
    match act.action {
        Action::Dispatch | Action::Redispatch => {
            let Some(department) = act.department_id else {
                return Err(AppError::Invalid(vec![FieldError { field: "department_id", key: "form.required" }]));
            };
            if crate::org::department(&mut tx, department).await?.is_none() {
                return Err(AppError::Invalid(vec![FieldError { field: "department_id", key: "form.choice_invalid" }]));
            }
            let calendar = calendar_store::work_calendar(&mut tx).await?;
            let category = store::category(&mut tx, case.category_id).await?;
            next.department_id = Some(department);
            next.dispatched_at = Some(now);
            next.deadline_at = category.and_then(|c| c.limit).and_then(|limit| {
                let local = chrono::DateTime::from_timestamp(now, 0)?.with_timezone(&DISTRICT_OFFSET).naive_local();
                unix_of(calendar.deadline(local, limit))
            });
        }
        Action::Reject | Action::Void | Action::Postpone if note.is_empty() => {
            return Err(AppError::Invalid(vec![FieldError { field: "note", key: "cases.reason_required" }]));
        }
        Action::CheckFail => next.rework_count += 1,
        Action::CheckPass => next.closed_at = Some(now),
        Action::Escalate => next.escalated = true,
        Action::Rate => {
            let Some(rating) = act.rating else {
                return Err(AppError::Invalid(vec![FieldError { field: "rating", key: "form.required" }]));
            };
            if case.rating.is_some() {
                return Err(AppError::Conflict("cases.already_rated"));
            }
            next.rating = Some(rating);
        }
        _ => {}
    }
    // What the add-ons require first (an assistance case's checklist before it is handled).
    for addon in addons::registered(state) {
        addon.check_act(&mut tx, &case, act.action).await?;
    }
    if !crate::cases::searchable::move_case(&mut tx, &next, case.state, now).await? {
        return Err(AppError::Conflict("cases.moved_meanwhile"));
    }
    if let Some(master) = act.merge_into.filter(|_| act.action == Action::Void) {
        store::set_merged_into(&mut tx, id, master).await?;
        next.merged_into = Some(master);
    }
    let step = Step {
        at: now,
        actor: Some(user.id.0),
        action: act.action.as_str().into(),
        from: Some(case.state.as_str().into()),
        to: to.as_str().into(),
        department_id: next
            .department_id
            .filter(|_| matches!(act.action, Action::Dispatch | Action::Redispatch))
            .map(|d| d.0),
        note,
    };
    store::add_step(&mut tx, id, &step).await?;
    let change = Change::new("case", id, case.street_id)
        .before(&serde_json::json!({"state": case.state.as_str()}))
        .after(&serde_json::json!({"state": to.as_str(), "department_id": next.department_id.map(|d| d.0)}));
    audit::record(&mut tx, now, audit_actor(&case, user.id), "case.act", change).await?;
    if to != case.state {
        if let Some(reporter) = case.reporter.filter(|r| *r != user.id) {
            crate::cases::notices::tell(&mut tx, reporter, id, to, now).await?;
        }
        // Duplicates merged into this case follow it: their reporters hear of its steps too.
        for (duplicate, reporter) in store::merged_into(&mut tx, id).await? {
            if let Some(reporter) = reporter.map(crate::ids::UserId).filter(|r| *r != user.id) {
                crate::cases::notices::tell(&mut tx, reporter, duplicate, to, now).await?;
            }
        }
    }
    // The staff whose queue it now reaches hear of it (see `queues`).
    crate::cases::queues::tell(&mut tx, &next, Some(case.state), Some(act.action), Some(user.id), now).await?;
    tx.commit().await?;
    Ok(next)
}

/// Reveals `subject` of case `id` to `user` and records that they saw it. Someone who cannot
/// see the case, or a case without one, gets 404; someone who sees it without a part that may
/// reveal (see `Subject::revealers`) gets 403. Neither leaves an entry.
pub async fn reveal(state: &AppState, user: &CurrentUser, id: i64, subject: &'static Subject) -> AppResult<Revealed> {
    let mut tx = state.db.begin().await?;
    let (case, parts) = visible(&mut tx, user, id).await?;
    if !reveal::may_reveal(subject, &parts) {
        return Err(AppError::Forbidden);
    }
    let (name, sealed) = (subject.sealed)(&mut tx, &case).await?.ok_or(AppError::NotFound)?;
    let phone = match reveal::open(&state.keys, &sealed) {
        Ok(phone) => phone,
        Err(e) => {
            // Nothing was shown, so nothing is audited; operators must hear of it, though.
            tracing::error!(case = id, subject = subject.segment, error = %e, "a sealed number cannot be opened");
            return Ok(Revealed::Unreadable);
        }
    };
    let change = Change::new("case", id, case.street_id).after(&serde_json::json!({"revealed": subject.what}));
    audit::record(&mut tx, state.clock.unix(), user.id, subject.audit_action, change).await?;
    tx.commit().await?;
    Ok(Revealed::Number { name, number: FullNumber::from(&phone) })
}

/// District local time to Unix seconds.
fn unix_of(local: NaiveDateTime) -> Option<i64> {
    DISTRICT_OFFSET.from_local_datetime(&local).single().map(|t| t.timestamp())
}

/// A possible duplicate, as the viewer may be told of it (see [`possible_duplicates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// Its id: told only of a case the viewer has a part in.
    pub id: Option<i64>,
    /// Metres from this case: to it, or — told without its id — to where the public sees it.
    pub metres: u32,
}

/// How someone is told of `other`, an open case near `at`: with its id and distance when they
/// `see` it (have a part in it); as the public sees it — no id, the distance to its public
/// position — when its category is public and a dispatcher took it on; else not at all.
pub fn tell_duplicate(at: (f64, f64), other: &Case, see: bool, category: Option<&Category>) -> Option<Duplicate> {
    let metres = |to: (f64, f64)| distance_m(at, to).round() as u32;
    if see {
        return Some(Duplicate { id: Some(other.id), metres: metres(other.coords?) });
    }
    let category = category.filter(|c| c.public)?;
    let (_, public) = public_place(other.state, category.precise, String::new(), other.coords);
    Some(Duplicate { id: None, metres: metres(public?) })
}

/// Open cases of the same category filed near `case` recently (within the configured radius
/// and window), nearest first, as `user` may be told of them ([`tell_duplicate`]): a resident
/// learns of their own reports and of public ones a dispatcher took on, never another's
/// report's id or exact place; staff learn ids of the cases within their reach (the command
/// centre, which merges duplicates, of all).
pub async fn possible_duplicates(state: &AppState, user: &CurrentUser, case: &Case) -> AppResult<Vec<Duplicate>> {
    let Some(at) = case.coords else { return Ok(Vec::new()) };
    let radius = f64::from(state.config.duplicate_radius_m);
    let since = case.created_at - i64::from(state.config.duplicate_window_hours) * 3600;
    let mut conn = state.db.conn().await?;
    let near = store::near(&mut conn, case.category_id, at, radius, since, case.id).await?;
    let category = store::category(&mut conn, case.category_id).await?;
    let mut found: Vec<Duplicate> = near
        .iter()
        // The comparison uses the exact distance; what is told is rounded metres.
        .filter(|c| c.coords.is_some_and(|p| distance_m(at, p) <= radius))
        .filter_map(|c| tell_duplicate(at, c, !parties(&user.principal, c).is_empty(), category.as_ref()))
        .collect();
    found.sort_by_key(|d| (d.metres, d.id));
    Ok(found)
}

/// Merges `duplicate` into `master`: the duplicate is voided with a link to the master, whose
/// steps its reporter then hears of. Allowed to whoever may void the duplicate (dispatchers,
/// district admins), and only into another open case that is not itself merged.
pub async fn merge(state: &AppState, user: &CurrentUser, duplicate: i64, master: i64) -> AppResult<Case> {
    if duplicate == master {
        return Err(AppError::Invalid(vec![FieldError { field: "into", key: "form.choice_invalid" }]));
    }
    let mut conn = state.db.conn().await?;
    // Whether this user may void the duplicate is the first question (act asks it again).
    let (dup, mine) = visible(&mut conn, user, duplicate).await?;
    if !dup.state.is_open() {
        return Err(AppError::Conflict(Refusal::NotAllowedFrom.key()));
    }
    if !workflow::may(&mine, dup.state, Action::Void) {
        return Err(AppError::Forbidden);
    }
    let target = store::case(&mut conn, master).await?;
    drop(conn);
    let Some(target) = target.filter(|t| t.state.is_open() && t.merged_into.is_none()) else {
        return Err(AppError::Invalid(vec![FieldError { field: "into", key: "form.choice_invalid" }]));
    };
    if parties(&user.principal, &target).is_empty() {
        return Err(AppError::Invalid(vec![FieldError { field: "into", key: "form.choice_invalid" }]));
    }
    let act = Act {
        action: Action::Void,
        department_id: None,
        note: format!("→ #{master}"),
        rating: None,
        merge_into: Some(master),
    };
    self::act(state, user, duplicate, act).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::workflow::State;

    fn case(state: State) -> Case {
        Case { id: 4, state, coords: Some((36.06137, 120.38362)), ..Case::example() }
    }

    fn category(public: bool, precise: bool) -> Category {
        Category {
            id: 1,
            code: "0101".into(),
            name: String::new(),
            name_en: None,
            parent_code: Some("01".into()),
            kind: store::KIND_CITY.into(),
            department_id: None,
            limit: None,
            photos_required: false,
            public,
            precise,
            active: true,
        }
    }

    #[test]
    fn an_anonymous_filing_is_audited_alike_on_every_engine() {
        let anonymous = Case { anonymous: true, ..case(State::Reported) };
        let entry = format!("{:?}", filing_change(&anonymous));
        assert!(entry.contains(&format!("{:?}", crate::cases::filing::store::ANONYMOUS)), "{entry}");
        assert!(!format!("{:?}", filing_change(&case(State::Reported))).contains("anonymous"));
    }

    #[test]
    fn a_duplicate_is_told_with_its_id_only_to_those_who_see_it() {
        // About 18 m from the case, on the public grid point of its cell.
        let at = (36.0615, 120.3835);
        let (public, private) = (category(true, false), category(false, false));
        let accepted = case(State::Accepted);
        let seen = tell_duplicate(at, &accepted, true, Some(&private));
        assert_eq!(seen, Some(Duplicate { id: Some(4), metres: 18 }));
        assert_eq!(tell_duplicate(at, &accepted, false, Some(&public)), Some(Duplicate { id: None, metres: 0 }));
        let precise = category(true, true);
        assert_eq!(tell_duplicate(at, &accepted, false, Some(&precise)), Some(Duplicate { id: None, metres: 18 }));
        assert_eq!(tell_duplicate(at, &accepted, false, Some(&private)), None, "not a public category");
        assert_eq!(tell_duplicate(at, &case(State::Reported), false, Some(&public)), None, "not reviewed");
        assert_eq!(tell_duplicate(at, &accepted, false, None), None);
    }
}

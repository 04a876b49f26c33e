//! Enterprise assistance use cases: applying for an enterprise account and deciding on it,
//! filing a request, assigning its agent, ticking its checklist, and what the inbox says of
//! them. Each change is one transaction with its timeline step and audit entry.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::gate::CommandCentre;
use crate::authz::{Gate as _, Grant, Principal, Role, Scope};
use crate::cases;
use crate::cases::model::{Case, Source, Step};
use crate::cases::reveal::{Sealed, Subject};
use crate::cases::service::{self, Act, NewCase, OnBehalf};
use crate::cases::workflow::{self, Action, Party, Refusal, State};
use crate::db::{BoxFuture, Conn};
use crate::enterprise::model::{
    self as assist, Application, ChecklistStep, Contact, Enterprise, EnterpriseStatus, Progress,
};
use crate::enterprise::notices::{self as assist_notices, Decision};
use crate::enterprise::store::{self as db, CaseContact};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{DepartmentId, UserId};
use crate::web::i18n::{self, Locale};

/// The enterprise contact's whole number, revealed on the case page to the agent who calls them
/// (see `cases::reveal`).
pub const CONTACT: Subject = Subject {
    segment: "contact",
    audit_action: "case.contact_reveal",
    what: "contact_phone",
    revealers: &CONTACT_REVEALERS,
    sealed: contact_sealed,
};

/// The parts that may see an enterprise contact's whole number: the agent (帮办员) who walks the
/// checklist with the company, and the command centre and district admins who assign and
/// press the agent. Not the agent's colleagues of the department (they do not work the
/// request), and not the company itself (it is its own number).
const CONTACT_REVEALERS: [Party; 3] = [Party::Agent, Party::Dispatcher, Party::DistrictAdmin];

fn contact_sealed<'a>(conn: &'a mut Conn, case: &'a Case) -> BoxFuture<'a, Result<Option<Sealed>, sqlx::Error>> {
    Box::pin(async move {
        let request = db::request_of(conn, case.id).await?;
        Ok(request.map(|(_, (_, sealed, _))| (None, sealed)).filter(|(_, s)| !s.is_empty()))
    })
}

/// Timeline action of a ticked step.
pub const STEP_ACTION: &str = "assist_step";
/// Timeline action of an agent's assignment.
pub const AGENT_ACTION: &str = "assist_agent";
/// Inbox kinds of assistance notices start with this (under the cases' own prefix, so the
/// inbox hands them to the case notices, which hand them here).
pub const NOTICE_PREFIX: &str = "case.assist_";

fn invalid(field: &'static str, key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError { field, key }])
}

/// Whether a user decides on enterprise applications: district admins and district dispatchers.
pub fn may_decide(principal: &Principal) -> bool {
    CommandCentre::admits(principal)
}

/// Applies for an enterprise account. One account per user, one per code; a refused
/// application may be sent again.
pub async fn apply(state: &AppState, user: &CurrentUser, app: Application) -> AppResult<Enterprise> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if db::enterprise_of_owner(&mut tx, user.id).await?.is_some_and(|e| e.status != EnterpriseStatus::Refused) {
        return Err(AppError::Conflict("enterprise.applied_already"));
    }
    if db::enterprise_by_uscc(&mut tx, app.uscc.as_str()).await?.is_some_and(|e| e.status != EnterpriseStatus::Refused)
    {
        return Err(invalid("uscc", "enterprise.uscc_taken"));
    }
    db::drop_refused(&mut tx, user.id, app.uscc.as_str()).await?;
    let sealed = state.keys.seal(app.contact.phone.as_str());
    let row = db::NewEnterprise {
        name: &app.name,
        uscc: app.uscc.as_str(),
        contact_name: &app.contact.name,
        phone_sealed: &sealed,
        phone_masked: &app.contact.phone.masked(),
    };
    let id = match db::insert_enterprise(&mut tx, &row, user.id, now).await {
        Ok(id) => id,
        // Someone took the code meanwhile.
        Err(e) if crate::db::is_unique_violation(&e) => return Err(invalid("uscc", "enterprise.uscc_taken")),
        Err(e) => return Err(e.into()),
    };
    let after = serde_json::json!({"name": app.name, "uscc": app.uscc.masked(), "status": "pending"});
    audit::record(&mut tx, now, user.id, "enterprise.apply", Change::new("enterprise", id, None).after(&after)).await?;
    let enterprise = db::enterprise(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(enterprise)
}

/// Approves an application (its owner is granted the enterprise role) or refuses it with a reason;
/// either way the applicant hears of it.
pub async fn decide(state: &AppState, user: &CurrentUser, id: i64, approve: bool, note: &str) -> AppResult<Enterprise> {
    if !may_decide(&user.principal) {
        return Err(AppError::Forbidden);
    }
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(invalid("note", "cases.reason_required"));
    }
    if note.chars().count() > service::MAX_TEXT {
        return Err(invalid("note", "form.text_too_long"));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = db::enterprise(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let status = if approve { EnterpriseStatus::Approved } else { EnterpriseStatus::Refused };
    if before.owner == user.id {
        return Err(AppError::Forbidden);
    }
    if !db::decide(&mut tx, id, status, user.id, note, now).await? {
        return Err(AppError::Conflict("enterprise.decided_already"));
    }
    if approve {
        let grant = Grant { role: Role::Enterprise, scope: Scope::District };
        crate::accounts::insert_grant(&mut tx, before.owner, grant, Some(user.id), now).await?;
    }
    let change = Change::new("enterprise", id, None)
        .before(&serde_json::json!({"status": before.status.as_str()}))
        .after(&serde_json::json!({"status": status.as_str(), "note": note}));
    audit::record(&mut tx, now, user.id, "enterprise.decide", change).await?;
    let enterprise = db::enterprise(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    assist_notices::tell(&mut tx, &enterprise, now).await?;
    tx.commit().await?;
    state.tokens.forget_user(before.owner);
    Ok(enterprise)
}

/// The user's approved enterprise, or 403: only its owner, holding the enterprise role, files
/// and follows its requests.
pub async fn approved(conn: &mut Conn, user: &CurrentUser) -> AppResult<Enterprise> {
    match db::enterprise_of_owner(conn, user.id).await? {
        Some(e) if e.status == EnterpriseStatus::Approved && user.principal.has_role(Role::Enterprise) => Ok(e),
        _ => Err(AppError::Forbidden),
    }
}

/// A request as the company sends it.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The item (an assistance category's id).
    pub item_id: i64,
    /// What the company needs; the item's name when left empty.
    pub description: String,
    /// Who to call, when not the enterprise's contact: name and phone as typed.
    pub contact: Option<(String, String)>,
}

/// Files an approved enterprise's request: a case of the item's category, source `enterprise`.
pub async fn file_request(state: &AppState, user: &CurrentUser, req: NewRequest) -> AppResult<Case> {
    let mut conn = state.db.conn().await?;
    let enterprise = approved(&mut conn, user).await?;
    let item = cases::category(&mut conn, req.item_id).await?;
    let Some(item) = item.filter(|c| c.kind == assist::KIND && c.parent_code.is_some() && c.active) else {
        return Err(invalid("item_id", "form.choice_invalid"));
    };
    let contact: CaseContact = match &req.contact {
        Some((name, phone)) => {
            let mut errors = Vec::new();
            let Some(c) = Contact::parse(name, phone, &mut errors) else { return Err(AppError::Invalid(errors)) };
            (c.name, state.keys.seal(c.phone.as_str()), c.phone.masked())
        }
        None => {
            let sealed = db::enterprise_phone_sealed(&mut conn, enterprise.id).await?.unwrap_or_default();
            (enterprise.contact_name.clone(), sealed, enterprise.contact_phone_masked.clone())
        }
    };
    drop(conn);
    let description = match req.description.trim() {
        "" => item.name.clone(),
        text => text.to_owned(),
    };
    let new = NewCase {
        category_id: item.id,
        description,
        community_id: None,
        address: String::new(),
        anonymous: false,
        coords: None,
        patrol_id: None,
    };
    let mut tx = state.db.begin().await?;
    let on_behalf = OnBehalf { source: Source::Enterprise, reporter: Some(user.id) };
    let case = service::file_in(state, &mut tx, user, new, Some(on_behalf)).await?;
    db::set_request(&mut tx, case.id, enterprise.id, &contact).await?;
    tx.commit().await?;
    Ok(case)
}

/// An assistance case and the viewer's parts in it; 404 for anything else or anyone else.
async fn assisted(conn: &mut Conn, user: &CurrentUser, id: i64) -> AppResult<(Case, Vec<Party>)> {
    let (case, parts) = service::visible(conn, user, id).await?;
    if case.source != Source::Enterprise {
        return Err(AppError::NotFound);
    }
    Ok((case, parts))
}

/// Whether these parts may choose the agent: the centre, or the department the case is with
/// (a department shares out its own work; there is no head-of-department role of its own).
pub fn may_assign(case: &Case, parts: &[Party]) -> bool {
    case.state.is_open()
        && parts.iter().any(|p| match p {
            Party::Dispatcher | Party::DistrictAdmin => true,
            Party::Handler => case.department_id.is_some(),
            _ => false,
        })
}

/// The department an assistance case's agent comes from: the one it is with, else its item's.
pub async fn department_of(conn: &mut Conn, case: &Case) -> AppResult<Option<DepartmentId>> {
    match case.department_id {
        Some(d) => Ok(Some(d)),
        None => Ok(cases::category(conn, case.category_id).await?.and_then(|c| c.department_id)),
    }
}

/// Assigns the agent: a handler of the item's department. A case not yet with the department
/// is dispatched to it first (its deadline starts then).
pub async fn assign(state: &AppState, user: &CurrentUser, id: i64, agent: UserId) -> AppResult<Case> {
    let mut conn = state.db.conn().await?;
    let (case, parts) = assisted(&mut conn, user, id).await?;
    if !case.state.is_open() {
        return Err(AppError::Conflict(Refusal::NotAllowedFrom.key()));
    }
    if !may_assign(&case, &parts) {
        return Err(AppError::Forbidden);
    }
    let department = department_of(&mut conn, &case).await?.ok_or(AppError::Rule("assist.no_department"))?;
    let agents = db::handlers_of(&mut conn, department).await?;
    let Some((_, name)) = agents.into_iter().find(|(u, _)| *u == agent) else {
        return Err(invalid("agent_user_id", "assist.agent_invalid"));
    };
    drop(conn);
    if matches!(case.state, State::Reported | State::Accepted) {
        let dispatch = Act {
            action: Action::Dispatch,
            department_id: Some(department),
            note: String::new(),
            rating: None,
            merge_into: None,
        };
        service::act(state, user, id, dispatch).await?;
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let mut case = cases::case(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    db::set_agent(&mut tx, id, agent, now).await?;
    let step = Step {
        at: now,
        actor: Some(user.id.0),
        action: AGENT_ACTION.into(),
        from: Some(case.state.as_str().into()),
        to: case.state.as_str().into(),
        department_id: None,
        note: name,
    };
    cases::add_step(&mut tx, id, &step).await?;
    let change = Change::new("case", id, None)
        .before(&serde_json::json!({"agent_user_id": case.agent.map(|u| u.0)}))
        .after(&serde_json::json!({"agent_user_id": agent.0}));
    audit::record(&mut tx, now, user.id, "case.assign_agent", change).await?;
    if agent != user.id {
        notice(&mut tx, agent, "agent", id, None, now).await?;
    }
    tx.commit().await?;
    case.agent = Some(agent);
    Ok(case)
}

/// Ticks a step of the checklist (the assigned agent, while the case is with the department).
/// The first tick starts the handling. Returns the progress after it.
pub async fn tick(state: &AppState, user: &CurrentUser, id: i64, step_id: i64, note: &str) -> AppResult<Progress> {
    let note = note.trim();
    if note.chars().count() > service::MAX_TEXT {
        return Err(invalid("note", "form.text_too_long"));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let (case, parts) = assisted(&mut tx, user, id).await?;
    if !parts.contains(&Party::Agent) {
        return Err(AppError::Forbidden);
    }
    if !matches!(case.state, State::Dispatched | State::Handling) {
        return Err(AppError::Conflict(Refusal::NotAllowedFrom.key()));
    }
    let steps = db::checklist(&mut tx, id, case.category_id).await?;
    let step = steps.iter().find(|s| s.id == step_id).ok_or(AppError::NotFound)?;
    if !db::tick(&mut tx, id, step, user.id, note, now).await? {
        return Err(AppError::Conflict("assist.step_done_already"));
    }
    let mut from = case.state;
    if case.state == State::Dispatched {
        let to = workflow::next(from, Action::StartHandling, Party::Agent).map_err(|_| AppError::Forbidden)?;
        if !cases::move_case(&mut tx, &Case { state: to, ..case.clone() }, from, now).await? {
            return Err(AppError::Conflict("cases.moved_meanwhile"));
        }
        let start = timeline(now, user.id, Action::StartHandling.as_str(), from, to, String::new());
        cases::add_step(&mut tx, id, &start).await?;
        from = to;
    }
    let text = if note.is_empty() {
        format!("{}. {}", step.step_no, step.title)
    } else {
        format!("{}. {}\n{note}", step.step_no, step.title)
    };
    cases::add_step(&mut tx, id, &timeline(now, user.id, STEP_ACTION, from, from, text)).await?;
    let change = Change::new("case", id, None).after(&serde_json::json!({"assist_step_id": step.id}));
    audit::record(&mut tx, now, user.id, "case.assist_step", change).await?;
    if let Some(reporter) = case.reporter.filter(|r| *r != user.id) {
        notice(&mut tx, reporter, "step", id, Some(step.id), now).await?;
    }
    let after = db::checklist(&mut tx, id, case.category_id).await?;
    let spared = db::visits_spared(&mut tx, id).await?;
    tx.commit().await?;
    Ok(db::progress_of(&after, spared))
}

fn timeline(at: i64, actor: UserId, action: &str, from: State, to: State, note: String) -> Step {
    Step {
        at,
        actor: Some(actor.0),
        action: action.into(),
        from: Some(from.as_str().into()),
        to: to.as_str().into(),
        department_id: None,
        note,
    }
}

/// Refuses to report an assistance case handled while steps of its checklist are open (called
/// by the case core before a case is reported handled, see `Assistance::check_act`).
pub async fn require_complete(conn: &mut Conn, case: &Case) -> AppResult<()> {
    if case.source != Source::Enterprise {
        return Ok(());
    }
    let steps = db::checklist(conn, case.id, case.category_id).await?;
    if steps.iter().any(|s| s.done_at.is_none()) {
        return Err(AppError::Rule("assist.steps_open"));
    }
    Ok(())
}

/// An assistance case's checklist and progress, for those party to it.
pub async fn checklist(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(Case, Vec<ChecklistStep>, Progress)> {
    let mut conn = state.db.conn().await?;
    let (case, _) = assisted(&mut conn, user, id).await?;
    let steps = db::checklist(&mut conn, id, case.category_id).await?;
    let spared = db::visits_spared(&mut conn, id).await?;
    let progress = db::progress_of(&steps, spared);
    Ok((case, steps, progress))
}

async fn notice(conn: &mut Conn, to: UserId, what: &str, case: i64, step: Option<i64>, now: i64) -> AppResult<()> {
    sqlx::query("insert into notifications (user_id, kind, params_json, created_at) values ($1, $2, $3, $4)")
        .bind(to.0)
        .bind(format!("{NOTICE_PREFIX}{what}"))
        .bind(serde_json::json!({ "case_id": case, "step_id": step }).to_string())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A stored assistance notice in words (an application's decision, an agent assigned, a step
/// done); None for kinds, cases or steps no longer known.
pub async fn notice_text(
    conn: &mut Conn,
    kind: &str,
    params_json: &str,
    locale: Locale,
) -> Result<Option<String>, sqlx::Error> {
    if let Some(decision) = Decision::parse(kind, params_json) {
        return Ok(Some(decision.inbox_text(locale)));
    }
    let params: serde_json::Value = serde_json::from_str(params_json).unwrap_or_default();
    let Some(id) = params["case_id"].as_i64() else { return Ok(None) };
    let Some(case) = cases::case(conn, id).await? else { return Ok(None) };
    let item = cases::category(conn, case.category_id).await?;
    let item = item.map(|c| i18n::LocalName::pick(locale, &c.name, c.name_en.as_deref()).text).unwrap_or_default();
    let number = id.to_string();
    match kind.strip_prefix(NOTICE_PREFIX) {
        Some("agent") => Ok(Some(i18n::tf(locale, "assist.inbox_agent", &[("number", &number), ("item", &item)]))),
        Some("step") => {
            let steps = db::checklist(conn, id, case.category_id).await?;
            let Some(step) = steps.iter().find(|s| Some(s.id) == params["step_id"].as_i64()) else { return Ok(None) };
            let done = steps.iter().filter(|s| s.done_at.is_some()).count().to_string();
            let total = steps.len().to_string();
            let args =
                [("number", &*number), ("item", &item), ("step", &step.title), ("done", &done), ("total", &total)];
            Ok(Some(i18n::tf(locale, "assist.inbox_step", &args)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::reveal::may_reveal;

    #[test]
    fn the_agent_and_the_centre_may_reveal_an_enterprise_contact() {
        for party in Party::ALL {
            let expected = matches!(party, Party::Agent | Party::Dispatcher | Party::DistrictAdmin);
            assert_eq!(may_reveal(&CONTACT, &[party]), expected, "{party:?}");
        }
        assert!(!may_reveal(&CONTACT, &[Party::Handler, Party::StreetAdmin, Party::Reporter]));
        assert_eq!(CONTACT.audit_action, "case.contact_reveal", "the log's existing entries keep their name");
    }
}

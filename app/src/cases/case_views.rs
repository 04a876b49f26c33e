//! The staff queue (the cases within reach, filtered), and the case page: one case with its facts, its photos, its timeline, and one form offering the
//! actions the viewer may take now as one choice (from the workflow's table over the viewer's
//! parts in the case), with the last failure shown in it; the possible duplicates for whoever may
//! merge it; and the panels the registered add-ons show (`addons::Panel`).

use std::collections::HashMap;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::addons::{self, CaseView, Panel, PanelPage, Slot};
use crate::cases::model::{Case, Rating, parties};
use crate::cases::reveal::{Answer, FullNumber, REPORTER, Shown, may_reveal};
use crate::cases::store;
use crate::cases::views::Lookup;
use crate::cases::workflow::{Action, Party, State};
use crate::error::{AppResult, FieldError};
use crate::ids::DepartmentId;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;
use crate::web::i18n::LocalName;

/// A rating's translation key.
pub fn rating_key(r: Rating) -> &'static str {
    match r {
        Rating::Satisfied => "cases_page.rating_satisfied",
        Rating::FairlySatisfied => "cases_page.rating_fairly_satisfied",
        Rating::Unsatisfied => "cases_page.rating_unsatisfied",
    }
}

/// Department names by id.
pub type Departments = HashMap<DepartmentId, LocalName>;

/// The name of a timeline step: the filing's, an add-on's own step's, or the action's.
pub fn step_key(state: &AppState, action: &str) -> &'static str {
    match action {
        "file" => "cases_page.filed",
        other => addons::registered(state)
            .find_map(|addon| addon.step_key(other))
            .or_else(|| Action::parse(other).map(Action::key))
            .unwrap_or("cases_page.step_other"),
    }
}

/// Why the last action on the case page failed, to show at its form with what was typed.
#[derive(Debug, Clone, Default)]
pub struct Failed {
    /// The action as sent.
    pub action: String,
    /// Field errors.
    pub errors: Vec<FieldError>,
    /// A refusal not tied to a field (409).
    pub refusal: Option<&'static str>,
    /// The note as typed.
    pub note: String,
    /// The department as chosen.
    pub department: String,
}

/// A step on the timeline.
pub struct StepRow {
    /// When, district time.
    pub at: String,
    /// What happened.
    pub action_key: &'static str,
    /// Who did it: the reporter, staff, the system.
    pub who_key: &'static str,
    /// The department it was sent to.
    pub department: Option<LocalName>,
    /// Note.
    pub note: String,
}

/// One action the viewer may take, as a choice of the case page's one action form.
pub struct ActionForm {
    /// The action.
    pub action: Action,
    /// Needs a department (dispatch, redispatch).
    pub department: bool,
    /// The note is required (reject, void, postpone).
    pub note_required: bool,
    /// The reporter's rating.
    pub rate: bool,
    /// Chosen when the page opens: the last attempt's, else the usual next step.
    pub checked: bool,
}

/// The case page's one action form: the actions as one choice, with the fields they need and
/// one note box, instead of a form with a text box per action (five for a new case). It works
/// without script; `case-actions.js` shows only the chosen action's fields.
pub struct ActPanel {
    /// The actions the viewer may take now.
    pub choices: Vec<ActionForm>,
    /// Errors of the last attempt.
    pub errors: Errors,
    /// A refusal of the last attempt.
    pub refusal: Option<&'static str>,
    /// The note as typed.
    pub note: String,
    /// The department as chosen, else the category's own department while the case waits to
    /// be dispatched.
    pub department: String,
}

impl ActPanel {
    /// Whether any choice needs a department.
    pub fn has_department(&self) -> bool {
        self.choices.iter().any(|c| c.department)
    }

    /// Whether any choice is a rating.
    pub fn has_rating(&self) -> bool {
        self.choices.iter().any(|c| c.rate)
    }
}

/// The step usually taken next, first offered (checked) when the page opens.
const USUAL_NEXT: [Action; 7] = [
    Action::Dispatch,
    Action::StartHandling,
    Action::ReportHandled,
    Action::CheckPass,
    Action::Resume,
    Action::Rate,
    Action::Comment,
];

/// One case.
#[derive(askama::Template)]
#[template(path = "cases/case.html")]
pub struct CasePage {
    /// Page context.
    pub ctx: Ctx,
    /// The case.
    pub case: Case,
    /// Category name.
    pub category: LocalName,
    /// Street · community.
    pub place: String,
    /// The department it is with.
    pub department: Option<LocalName>,
    /// Deadline, district time.
    pub deadline: Option<String>,
    /// Past its deadline.
    pub overdue: bool,
    /// Filed at, district time.
    pub filed_at: String,
    /// The reporter's rating, translated key.
    pub rating: Option<&'static str>,
    /// The timeline, oldest first.
    pub steps: Vec<StepRow>,
    /// The actions the viewer may take now, as one form.
    pub act: ActPanel,
    /// The reporter's name, for the command centre when the report is not anonymous.
    pub reporter_name: Option<String>,
    /// Departments to dispatch to.
    pub departments: Vec<Opt>,
    /// The rating choices: (value, key).
    pub ratings: Vec<(&'static str, &'static str)>,
    /// A failure not shown at any form (the action is no longer offered).
    pub alert: Option<&'static str>,
    /// Just filed: say so.
    pub filed: bool,
    /// Its photos.
    pub photos: Vec<crate::cases::photos::service::Photo>,
    /// Whether the viewer may add a photo of what they saw, and an after-photo.
    pub can_add: (bool, bool),
    /// Whether the viewer may learn who filed this anonymous report (the command centre).
    pub can_reveal_reporter: bool,
    /// What a reveal opened (or could not), in the answer to that reveal only.
    pub shown: Option<Shown>,
    /// Whether the viewer decides which photos the public board shows.
    pub can_review: bool,
    /// What the registered add-ons show (the hotline's caller, enterprise assistance's panel).
    pub panels: Vec<Box<dyn Panel>>,
    /// Open cases nearby that may be the same problem (for whoever may merge it).
    pub duplicates: Vec<Candidate>,
}

impl CasePage {
    /// What a reveal opened on this answer.
    fn answer(&self) -> Answer<'_> {
        Answer(self.shown.as_ref())
    }

    /// The whole number a reveal of `subject` (its [`Subject::segment`]) opened, on this answer.
    ///
    /// [`Subject::segment`]: crate::cases::reveal::Subject::segment
    pub fn number(&self, subject: &str) -> Option<&FullNumber> {
        self.answer().number(subject)
    }

    /// The name a reveal of `subject` opened with the number, on this answer.
    pub fn revealed_name(&self, subject: &str) -> Option<&str> {
        self.answer().revealed_name(subject)
    }

    /// Whether this answers a reveal of `subject` that was allowed but could not be opened.
    pub fn unreadable(&self, subject: &str) -> bool {
        self.answer().unreadable(subject)
    }

    /// Whether this answers a reveal of `subject` (no second button beside what it shows).
    pub fn revealing(&self, subject: &str) -> bool {
        self.answer().revealing(subject)
    }

    /// The add-ons' panels of `slot`, rendered.
    fn panels_in(&self, slot: Slot) -> askama::Result<String> {
        let page = PanelPage { ctx: &self.ctx, case: &self.case, reveal: self.answer() };
        let mut html = String::new();
        for panel in self.panels.iter().filter(|p| p.slot() == slot) {
            html.push_str(&panel.render(&page)?);
        }
        Ok(html)
    }

    /// The add-ons' rows of the summary.
    pub fn summary(&self) -> askama::Result<String> {
        self.panels_in(Slot::Summary)
    }

    /// The add-ons' sections.
    pub fn sections(&self) -> askama::Result<String> {
        self.panels_in(Slot::Section)
    }
}

/// A possible duplicate as the case page lists it (merged by `duplicate_pages`).
pub struct Candidate {
    /// Its case id.
    pub id: i64,
    /// Metres from this case.
    pub metres: u32,
    /// Translation key of its state.
    pub state_key: &'static str,
    /// Filed, district time.
    pub filed: String,
}

/// The candidates to show `user` on `case`'s page: none unless they may void it.
pub async fn candidates(state: &AppState, ctx: &Ctx, user: &CurrentUser, case: &Case) -> AppResult<Vec<Candidate>> {
    let may_void = crate::cases::workflow::may(&parties(&user.principal, case), case.state, Action::Void);
    if !may_void || case.merged_into.is_some() {
        return Ok(Vec::new());
    }
    let found = crate::cases::service::possible_duplicates(state, user, case).await?;
    let mut conn = state.db.conn().await?;
    let mut out = Vec::with_capacity(found.len());
    // Only cases the viewer has a part in can be merged into: those told by id.
    for (id, metres) in found.into_iter().filter_map(|d| Some((d.id?, d.metres))) {
        if let Some(c) = store::case(&mut conn, id).await? {
            out.push(Candidate { id, metres, state_key: c.state.key(), filed: ctx.when(c.created_at) });
        }
    }
    Ok(out)
}

/// Who took a step, as the timeline says it.
fn who_key(actor: Option<i64>, action: &str, case: &Case) -> &'static str {
    match actor {
        None if action == "escalate" => "cases_page.by_system",
        None => "cases_page.by_anonymous",
        Some(a) if case.reporter.is_some_and(|r| r.0 == a) => "cases_page.by_reporter",
        Some(_) => "cases_page.by_staff",
    }
}

/// The actions the viewer's parts allow now, in the workflow's order (the rating only while
/// the case is unrated), as one form: the last attempt's action, note and department kept;
/// else the usual next step chosen and, for a case waiting to be dispatched, its category's
/// department (`default_department`) preselected.
fn act_panel(
    case: &Case,
    parties: &[Party],
    failed: Option<&Failed>,
    default_department: Option<DepartmentId>,
) -> ActPanel {
    let actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| parties.iter().any(|p| crate::cases::workflow::actions_for(case.state, *p).contains(a)))
        .filter(|a| *a != Action::Rate || case.rating.is_none())
        .collect();
    let last = failed.filter(|f| actions.iter().any(|a| a.as_str() == f.action));
    let checked = last
        .and_then(|f| Action::parse(&f.action))
        .or_else(|| USUAL_NEXT.into_iter().find(|a| actions.contains(a)))
        .or_else(|| actions.first().copied());
    let choices = actions
        .iter()
        .map(|&action| ActionForm {
            action,
            department: matches!(action, Action::Dispatch | Action::Redispatch),
            note_required: matches!(action, Action::Reject | Action::Void | Action::Postpone),
            rate: action == Action::Rate,
            checked: Some(action) == checked,
        })
        .collect();
    let department = match last {
        Some(f) => f.department.clone(),
        None if actions.contains(&Action::Dispatch) => default_department.map(|d| d.to_string()).unwrap_or_default(),
        None => String::new(),
    };
    ActPanel {
        choices,
        errors: last.map(|f| f.errors.clone()).unwrap_or_default().into(),
        refusal: last.and_then(|f| f.refusal),
        note: last.map(|f| f.note.clone()).unwrap_or_default(),
        department,
    }
}

/// The case page for the viewer, with the last failure shown where it belongs.
pub async fn case_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    filed: bool,
    failed: Option<Failed>,
) -> AppResult<CasePage> {
    let user = ctx.user()?.clone();
    let (case, steps) = crate::cases::service::get(state, &user, id).await?;
    let photos = crate::cases::photos::service::list(state, id).await?;
    let parts = crate::cases::model::parties(&user.principal, &case);
    let can_add = (
        case.state.is_open(),
        parts.iter().any(|p| matches!(p, Party::Handler | Party::Agent))
            && matches!(case.state, State::Dispatched | State::Handling | State::Handled),
    );
    let can_review = crate::cases::photos::service::may_review(&parts);
    let can_reveal_reporter = case.anonymous && case.reporter.is_some() && may_reveal(&REPORTER, &parts);
    let view = CaseView { ctx: &ctx, user: &user, case: &case, parts: &parts };
    let mut panels = Vec::new();
    for addon in addons::registered(state) {
        panels.extend(addon.panel(state, &view).await?);
    }
    let duplicates = candidates(state, &ctx, &user, &case).await?;
    let lookup = Lookup::load(state).await?;
    let list = crate::org::list_departments(&mut *state.db.conn().await?, 0, 200).await?;
    let names: Departments = list.iter().map(|d| (d.id, ctx.name(&d.name, d.name_en.as_deref()))).collect();
    let act = act_panel(&case, &parts, failed.as_ref(), lookup.department_of(case.category_id));
    // A failure whose action is gone (someone moved the case meanwhile) is shown at the top.
    let alert = failed
        .filter(|f| !act.choices.iter().any(|a| a.action.as_str() == f.action))
        .and_then(|f| f.refusal.or_else(|| f.errors.first().map(|e| e.key)));
    let mut departments = vec![Opt { value: String::new(), label: ctx.t("form.choose").into() }];
    departments.extend(list.iter().map(|d| Opt { value: d.id.to_string(), label: names[&d.id].text.clone() }));
    let steps = steps
        .into_iter()
        .map(|s| StepRow {
            at: ctx.when(s.at),
            action_key: step_key(state, &s.action),
            who_key: who_key(s.actor, &s.action, &case),
            department: s.department_id.and_then(|d| names.get(&DepartmentId(d)).cloned()),
            note: s.note,
        })
        .collect();
    // The command centre sees who reported, unless the report is anonymous (then only
    // through the audited reveal).
    let reporter_name = match case.reporter {
        Some(user)
            if !case.anonymous && parts.iter().any(|p| matches!(p, Party::Dispatcher | Party::DistrictAdmin)) =>
        {
            store::reporter_name(&mut *state.db.conn().await?, user).await?
        }
        _ => None,
    };
    let ratings = [Rating::Satisfied, Rating::FairlySatisfied, Rating::Unsatisfied]
        .into_iter()
        .map(|r| (r.as_str(), rating_key(r)))
        .collect();
    Ok(CasePage {
        category: lookup.category_name(ctx.locale, case.category_id),
        place: lookup.case_place(&case),
        department: case.department_id.and_then(|d| names.get(&d).cloned()),
        deadline: case.deadline_at.map(|t| ctx.when(t)),
        overdue: case.overdue(state.clock.unix()),
        filed_at: ctx.when(case.created_at),
        rating: case.rating.map(rating_key),
        ctx,
        case,
        steps,
        act,
        reporter_name,
        departments,
        ratings,
        alert,
        filed,
        photos,
        can_add,
        can_reveal_reporter,
        shown: None,
        can_review,
        panels,
        duplicates,
    })
}

/// One case in the staff queue.
pub struct QueueRow {
    /// Case id.
    pub id: i64,
    /// Category name.
    pub category: LocalName,
    /// Street · community.
    pub place: String,
    /// State.
    pub state: State,
    /// Deadline, district time (empty before dispatch).
    pub deadline: String,
    /// Past its deadline.
    pub overdue: bool,
    /// Escalated.
    pub escalated: bool,
}

/// The staff queue.
#[derive(askama::Template)]
#[template(path = "cases/queue.html")]
pub struct QueuePage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form).
    pub filters: Vec<Field>,
    /// The overdue box is ticked.
    pub overdue: bool,
    /// Cases.
    pub rows: Vec<QueueRow>,
    /// The viewer's queue counts and other work pages (the queue is a start page).
    pub strip: crate::authz::start::Strip,
}

impl Lookup {
    /// The queue page: filters as submitted, rows of the cases found.
    pub fn queue(&self, ctx: Ctx, filter: (&str, bool, &str), cases: Vec<Case>, now: i64) -> QueuePage {
        let (state, overdue, sort) = filter;
        let mut states = vec![Opt { value: String::new(), label: ctx.t("cases_manage.all_states").into() }];
        states.extend(State::ALL.iter().map(|s| Opt { value: s.as_str().into(), label: ctx.t(s.key()).into() }));
        let sorts = [("newest", "cases_manage.sort_newest"), ("deadline", "cases_manage.sort_deadline")]
            .into_iter()
            .map(|(value, key)| Opt { value: value.into(), label: ctx.t(key).into() })
            .collect();
        let filters = vec![
            Field::select("state", "cases_manage.state", state, vec![OptGroup { label: None, options: states }]),
            Field::select("sort", "cases_manage.sort", sort, vec![OptGroup { label: None, options: sorts }]),
        ];
        let rows = cases
            .into_iter()
            .map(|c| QueueRow {
                id: c.id,
                category: self.category_name(ctx.locale, c.category_id),
                place: self.case_place(&c),
                state: c.state,
                deadline: c.deadline_at.map(|t| ctx.when(t)).unwrap_or_default(),
                overdue: c.overdue(now),
                escalated: c.escalated,
            })
            .collect();
        QueuePage { ctx, filters, overdue, rows, strip: Default::default() }
    }
}

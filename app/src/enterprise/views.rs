//! View structs of the enterprise-assistance pages: the company's page with its requests'
//! checklists, the application and request forms, the back office's applications and the
//! agents' list, and the assistance panel of the case page (a panel assistance adds to the case
//! core, see `cases::addons`).

use crate::app::AppState;
use crate::cases::addons::{Panel, PanelPage, Slot};
use crate::cases::model::{Case, Source, Step};
use crate::cases::reveal::{self, Answer};
use crate::cases::workflow::{Party, State};
use crate::enterprise::model::{ChecklistStep, Enterprise, Progress};
use crate::enterprise::service::{self, STEP_ACTION};
use crate::enterprise::store::{self as db, Item, Row};
use crate::error::AppResult;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

/// "3/5 步完成", in the reader's language.
pub fn progress_text(ctx: &Ctx, p: Progress) -> String {
    ctx.tf("assist.progress", &[("done", &p.done.to_string()), ("total", &p.total.to_string())])
}

/// "为企业少跑 3 次", in the reader's language.
pub fn visits_text(ctx: &Ctx, visits: i64) -> String {
    ctx.tf("assist.visits_spared", &[("count", &visits.to_string())])
}

/// A message on a request's timeline.
pub struct Message {
    /// When, district time.
    pub at: String,
    /// Who wrote it (translation key).
    pub who_key: &'static str,
    /// The text.
    pub text: String,
}

/// The comments of a timeline, as messages between the company and the agent, dated in
/// `ctx`'s language.
pub fn messages(ctx: &Ctx, steps: &[Step], case: &Case) -> Vec<Message> {
    steps
        .iter()
        .filter(|s| s.action == "comment" && !s.note.is_empty())
        .map(|s| Message {
            at: ctx.when(s.at),
            who_key: match s.actor {
                Some(a) if case.reporter.is_some_and(|r| r.0 == a) => "assist.by_company",
                Some(a) if case.agent.is_some_and(|r| r.0 == a) => "assist.by_agent",
                _ => "cases_page.by_staff",
            },
            text: s.note.clone(),
        })
        .collect()
}

/// One request on the company's page.
pub struct RequestCard {
    /// The case's id.
    pub id: i64,
    /// The item's name.
    pub item: String,
    /// Where it stands.
    pub state: State,
    /// Filed at, district time.
    pub filed: String,
    /// The agent's name, once assigned.
    pub agent: Option<String>,
    /// Progress.
    pub progress: Progress,
    /// "3/5 步完成".
    pub progress_text: String,
    /// "少跑 3 次".
    pub visits_text: String,
    /// The checklist.
    pub steps: Vec<ChecklistStep>,
    /// Messages, oldest first.
    pub messages: Vec<Message>,
}

/// The company's page.
#[derive(askama::Template)]
#[template(path = "enterprise/home.html")]
pub struct EnterprisePage {
    /// Page context.
    pub ctx: Ctx,
    /// Its account, if it applied.
    pub enterprise: Option<Enterprise>,
    /// The account is approved and the role held: requests may be filed.
    pub approved: bool,
    /// Its requests, newest first.
    pub requests: Vec<RequestCard>,
    /// Visits spared over all requests, in words.
    pub total_visits: String,
    /// Just applied or filed: say so (translation key).
    pub notice: Option<&'static str>,
}

/// The application form.
#[derive(askama::Template)]
#[template(path = "enterprise/apply.html")]
pub struct ApplyPage {
    /// Page context.
    pub ctx: Ctx,
    /// Fields.
    pub fields: Vec<Field>,
    /// Errors of the last attempt.
    pub errors: Errors,
}

impl ApplyPage {
    /// The form with what was typed.
    pub fn new(ctx: Ctx, values: [&str; 4], errors: Errors) -> Self {
        let [name, uscc, contact_name, contact_phone] = values;
        let fields = vec![
            Field::text("name", "enterprise.name", name).required().autocomplete("organization"),
            Field::text("uscc", "enterprise.uscc", uscc).required().hint("enterprise.uscc_hint"),
            Field::text("contact_name", "enterprise.contact_name", contact_name).required().autocomplete("name"),
            Field::text("contact_phone", "enterprise.contact_phone", contact_phone)
                .required()
                .kind("tel")
                .inputmode("tel")
                .autocomplete("tel"),
        ];
        Self { ctx, fields, errors }
    }
}

/// The request form.
#[derive(askama::Template)]
#[template(path = "enterprise/request.html")]
pub struct RequestPage {
    /// Page context.
    pub ctx: Ctx,
    /// The items with their checklists.
    pub items: Vec<Item>,
    /// The item chosen (id as typed).
    pub chosen: String,
    /// What the company needs.
    pub description: String,
    /// Contact fields (optional: the enterprise's contact otherwise).
    pub fields: Vec<Field>,
    /// "李经理 138****0001": whom the agent calls when the fields are left empty.
    pub default_contact: String,
    /// Errors of the last attempt.
    pub errors: Errors,
}

impl Item {
    /// Its name in the page's language.
    pub fn local_name(&self, ctx: &Ctx) -> crate::web::i18n::LocalName {
        ctx.name(&self.name, self.name_en.as_deref())
    }
}

impl RequestPage {
    /// "少跑 N 次" for an item's whole checklist.
    pub fn item_visits(&self, item: &Item) -> String {
        visits_text(&self.ctx, item.steps.iter().map(|s| s.visits).sum())
    }
}

/// An application in the back office.
pub struct ApplicationRow {
    /// The account.
    pub enterprise: Enterprise,
    /// Applied at, district time.
    pub applied: String,
    /// Why the last refusal of it was not taken (translation key).
    pub error: Option<&'static str>,
}

/// The back office's enterprise applications.
#[derive(askama::Template)]
#[template(path = "enterprise/assist_enterprises.html")]
pub struct EnterprisesPage {
    /// Page context.
    pub ctx: Ctx,
    /// Pending first, then newest.
    pub rows: Vec<ApplicationRow>,
}

/// One row of the agents' list.
pub struct ListRow {
    /// The case.
    pub row: Row,
    /// The item's name.
    pub item: String,
    /// Deadline, district time.
    pub deadline: String,
    /// Past its deadline.
    pub overdue: bool,
    /// "3/5 步完成".
    pub progress_text: String,
}

/// The agents' (and dispatchers') list of enterprise items.
#[derive(askama::Template)]
#[template(path = "enterprise/assist_list.html")]
pub struct AssistListPage {
    /// Page context.
    pub ctx: Ctx,
    /// GET filters.
    pub filters: Vec<Field>,
    /// The cases.
    pub rows: Vec<ListRow>,
    /// The viewer may decide on applications (a link to them).
    pub decides: bool,
}

impl AssistListPage {
    /// The filters: item, state, sort — as submitted.
    pub fn filters(ctx: &Ctx, items: &[Item], chosen: (&str, &str, &str)) -> Vec<Field> {
        let (item, state, sort) = chosen;
        let mut item_opts = vec![Opt { value: String::new(), label: ctx.t("assist.all_items").into() }];
        item_opts.extend(items.iter().map(|i| Opt { value: i.id.to_string(), label: i.local_name(ctx).text }));
        let mut states = vec![Opt { value: String::new(), label: ctx.t("cases_manage.all_states").into() }];
        states.extend(State::ALL.iter().map(|s| Opt { value: s.as_str().into(), label: ctx.t(s.key()).into() }));
        let sorts = [("newest", "cases_manage.sort_newest"), ("deadline", "cases_manage.sort_deadline")]
            .into_iter()
            .map(|(value, key)| Opt { value: value.into(), label: ctx.t(key).into() })
            .collect();
        let group = |options| vec![OptGroup { label: None, options }];
        vec![
            Field::select("item", "assist.item", item, group(item_opts)),
            Field::select("state", "cases_manage.state", state, group(states)),
            Field::select("sort", "cases_manage.sort", sort, group(sorts)),
        ]
    }
}

/// The assistance panel of a case page.
pub struct AssistPanel {
    /// The enterprise's name.
    pub enterprise: String,
    /// Who to call: name and masked phone.
    pub contact: (String, String),
    /// Whether the viewer may reveal the contact's whole number (see `reveal`).
    pub can_reveal: bool,
    /// The agent's name, once assigned.
    pub agent: Option<String>,
    /// The checklist.
    pub steps: Vec<ChecklistStep>,
    /// Progress.
    pub progress: Progress,
    /// "3/5 步完成".
    pub progress_text: String,
    /// "少跑 3 次".
    pub visits_text: String,
    /// The viewer is the agent and the case is with the department: tick forms.
    pub can_tick: bool,
    /// Agents to choose from, when the viewer may assign one.
    pub agents: Vec<Opt>,
}

/// The panel as the case page renders it.
#[derive(askama::Template)]
#[template(path = "enterprise/assist_panel.html")]
struct AssistSection<'a> {
    ctx: &'a Ctx,
    case: &'a Case,
    a: &'a AssistPanel,
    reveal: Answer<'a>,
}

impl Panel for AssistPanel {
    fn slot(&self) -> Slot {
        Slot::Section
    }

    fn render(&self, page: &PanelPage<'_>) -> askama::Result<String> {
        askama::Template::render(&AssistSection { ctx: page.ctx, case: page.case, a: self, reveal: page.reveal })
    }
}

/// The panel for an assistance case, or None for any other case.
pub async fn panel(state: &AppState, ctx: &Ctx, case: &Case, parts: &[Party]) -> AppResult<Option<AssistPanel>> {
    if case.source != Source::Enterprise {
        return Ok(None);
    }
    let mut conn = state.db.conn().await?;
    let Some((enterprise_id, contact)) = db::request_of(&mut conn, case.id).await? else { return Ok(None) };
    let enterprise = db::enterprise(&mut conn, enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let steps = db::checklist(&mut conn, case.id, case.category_id).await?;
    let progress = db::progress_of(&steps, db::visits_spared(&mut conn, case.id).await?);
    let agent = match case.agent {
        Some(a) => db::user_name(&mut conn, a).await?,
        None => None,
    };
    // The whole number only ever in the answer to a reveal, audited (see `reveal`).
    let (name, sealed, masked) = contact;
    let can_reveal = !sealed.is_empty() && reveal::may_reveal(&service::CONTACT, parts);
    let agents = if service::may_assign(case, parts) {
        match service::department_of(&mut conn, case).await? {
            Some(d) => {
                let mut opts = vec![Opt { value: String::new(), label: ctx.t("form.choose").into() }];
                let list = db::handlers_of(&mut conn, d).await?;
                opts.extend(list.into_iter().map(|(id, name)| Opt { value: id.0.to_string(), label: name }));
                opts
            }
            None => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(Some(AssistPanel {
        enterprise,
        contact: (name, masked),
        can_reveal,
        agent,
        progress_text: progress_text(ctx, progress),
        visits_text: visits_text(ctx, progress.visits_spared),
        steps,
        progress,
        can_tick: parts.contains(&Party::Agent) && matches!(case.state, State::Dispatched | State::Handling),
        agents,
    }))
}

/// The timeline action key of an assistance step, if it is one.
pub fn step_key(action: &str) -> Option<&'static str> {
    match action {
        STEP_ACTION => Some("assist.step_done"),
        service::AGENT_ACTION => Some("assist.agent_assigned"),
        _ => None,
    }
}

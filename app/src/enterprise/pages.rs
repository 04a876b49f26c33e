//! The enterprise-assistance pages: the company's page, its application and requests; the back
//! office's applications and the agents' list; and the case page's assignment and checklist
//! forms (the rest of the case — messages, report handled, confirmation, rating — goes through
//! the case page's own action forms).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::Gate as _;
use crate::authz::Role;
use crate::authz::gate::{AssistanceDesk, CommandCentre};
use crate::cases;
use crate::cases::case_views::{Failed, case_page};
use crate::cases::workflow::State as CaseState;
use crate::enterprise::model::{Application, EnterpriseStatus};
use crate::enterprise::service::{self, NewRequest};
use crate::enterprise::store::{self as db, Filter};
use crate::enterprise::views::{
    ApplicationRow, ApplyPage, AssistListPage, EnterprisePage, EnterprisesPage, ListRow, RequestCard, RequestPage,
    messages, progress_text, visits_text,
};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::web::backoffice::{Field, Tile};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// Most requests shown on the company's page.
const SHOWN: usize = 50;

/// Routes of the assistance pages, and of revealing a contact's number on the case page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/enterprise", get(home))
        .route("/enterprise/apply", get(apply_form).post(apply))
        .route("/enterprise/requests/new", get(request_form).post(request))
        .route("/manage/enterprises", get(applications))
        .route("/manage/enterprises/{id}/decision", post(decide))
        .route("/manage/assist", get(list))
        .route("/cases/{id}/assist/agent", post(assign))
        .route("/cases/{id}/checklist/{step}", post(tick))
        .merge(crate::cases::pages::reveal(&service::CONTACT))
}

/// The back-office tiles of assistance: the agents' list, and the applications for those who
/// decide on them.
pub fn tiles(principal: &crate::authz::Principal) -> Vec<Tile> {
    let mut out = Vec::new();
    if AssistanceDesk::admits(principal) {
        out.push(Tile::new("assist.list_title", "/manage/assist"));
    }
    if CommandCentre::admits(principal) {
        out.push(Tile::new("assist.applications_title", "/manage/enterprises"));
    }
    out
}

#[derive(Debug, Default, Deserialize)]
struct HomeQuery {
    #[serde(default)]
    applied: String,
    #[serde(default)]
    filed: String,
}

/// The company's page: its account and, once approved, its requests with their checklists,
/// messages and the visits spared.
async fn home(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HomeQuery>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let mut conn = state.db.conn().await?;
    let enterprise = db::enterprise_of_owner(&mut conn, user.id).await?;
    let approved = enterprise.as_ref().is_some_and(|e| e.status == EnterpriseStatus::Approved)
        && user.principal.has_role(Role::Enterprise);
    let mut requests = Vec::new();
    let mut total = 0;
    if let Some(e) = enterprise.as_ref().filter(|_| approved) {
        let rows = db::list(&mut conn, &Filter { enterprise: Some(e.id), ..Filter::default() }).await?;
        for row in rows.into_iter().take(SHOWN) {
            let Some(case) = cases::case(&mut conn, row.id).await? else { continue };
            let item = cases::category(&mut conn, row.item_id).await?;
            let item = item.map(|c| ctx.name(&c.name, c.name_en.as_deref()).text).unwrap_or_default();
            let steps = db::checklist(&mut conn, row.id, row.item_id).await?;
            let timeline = cases::steps(&mut conn, row.id).await?;
            total += row.progress.visits_spared;
            requests.push(RequestCard {
                id: row.id,
                item,
                state: row.state,
                filed: ctx.when(row.created_at),
                agent: row.agent_name,
                progress: row.progress,
                progress_text: progress_text(&ctx, row.progress),
                visits_text: visits_text(&ctx, row.progress.visits_spared),
                steps,
                messages: messages(&ctx, &timeline, &case),
            });
        }
    }
    let notice = if !q.filed.is_empty() {
        Some("enterprise.filed_notice")
    } else if !q.applied.is_empty() {
        Some("enterprise.applied_notice")
    } else {
        None
    };
    let total_visits = visits_text(&ctx, total);
    render(&EnterprisePage { ctx, enterprise, approved, requests, total_visits, notice })
}

/// The application form; those who applied already go to their page.
async fn apply_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    let mine = db::enterprise_of_owner(&mut *state.db.conn().await?, user.id).await?;
    if mine.is_some_and(|e| e.status != EnterpriseStatus::Refused) {
        return Ok(see_other("/enterprise"));
    }
    let name = user.display_name.clone();
    render(&ApplyPage::new(ctx, ["", "", &name, ""], Errors::none()))
}

#[derive(Debug, Default, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
}

/// Sends the application; the form again with its problems (422), each at its field.
async fn apply(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ApplyForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let done = match Application::parse(&f.name, &f.uscc, &f.contact_name, &f.contact_phone) {
        Ok(app) => service::apply(&state, &user, app).await.map(drop),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match done {
        Ok(()) => Ok(see_other("/enterprise?applied=1")),
        Err(AppError::Invalid(errors)) => {
            let page = ApplyPage::new(ctx, [&f.name, &f.uscc, &f.contact_name, &f.contact_phone], errors.into());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(_)) => Ok(see_other("/enterprise")),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
struct RequestForm {
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
}

/// The request form (approved enterprises; others go to their page).
async fn request_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    request_page(&state, ctx, RequestForm::default(), Vec::new()).await
}

async fn request_page(
    state: &AppState,
    ctx: Ctx,
    f: RequestForm,
    errors: Vec<crate::error::FieldError>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let mut conn = state.db.conn().await?;
    let enterprise = match service::approved(&mut conn, &user).await {
        Ok(e) => e,
        Err(AppError::Forbidden) => return Ok(see_other("/enterprise")),
        Err(other) => return Err(other),
    };
    let items = db::items(&mut conn).await?;
    let fields = vec![
        Field::text("contact_name", "enterprise.contact_name", f.contact_name).autocomplete("name"),
        Field::text("contact_phone", "enterprise.contact_phone", f.contact_phone)
            .kind("tel")
            .inputmode("tel")
            .autocomplete("tel"),
    ];
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RequestPage {
        default_contact: format!("{} {}", enterprise.contact_name, enterprise.contact_phone_masked),
        ctx,
        items,
        chosen: f.item_id,
        description: f.description,
        fields,
        errors: errors.into(),
    };
    render_status(status, &page)
}

/// Files the request and goes back to the company's page.
async fn request(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RequestForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let contact = (!f.contact_name.trim().is_empty() || !f.contact_phone.trim().is_empty())
        .then(|| (f.contact_name.clone(), f.contact_phone.clone()));
    let req = NewRequest {
        // Not a number: an id nothing has, refused next to its field.
        item_id: f.item_id.trim().parse().unwrap_or(0),
        description: f.description.clone(),
        contact,
    };
    match service::file_request(&state, &user, req).await {
        Ok(case) => Ok(see_other(&format!("/enterprise?filed=1#request-{}", case.id))),
        Err(AppError::Invalid(errors)) => request_page(&state, ctx, f, errors).await,
        Err(AppError::Forbidden) => Ok(see_other("/enterprise")),
        Err(other) => Err(other),
    }
}

/// The applications, pending first (district admins and dispatchers).
async fn applications(State(state): State<AppState>, staff: Staff<CommandCentre>) -> AppResult<Response> {
    applications_page(&state, staff, None).await
}

async fn applications_page(
    state: &AppState,
    Staff { ctx, .. }: Staff<CommandCentre>,
    failed: Option<(i64, &'static str)>,
) -> AppResult<Response> {
    let all = db::enterprises(&mut *state.db.conn().await?, None).await?;
    let rows = all
        .into_iter()
        .map(|e| ApplicationRow {
            applied: ctx.when(e.created_at),
            error: failed.filter(|f| f.0 == e.id).map(|f| f.1),
            enterprise: e,
        })
        .collect();
    let status = if failed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_status(status, &EnterprisesPage { ctx, rows })
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// Approves or refuses an application.
async fn decide(
    State(state): State<AppState>,
    staff: Staff<CommandCentre>,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    match service::decide(&state, &staff.user, id, f.decision == "approve", &f.note).await {
        Ok(_) | Err(AppError::Conflict(_)) => Ok(see_other("/manage/enterprises")),
        Err(AppError::Invalid(errors)) => {
            let key = errors.first().map_or("form.required", |e| e.key);
            applications_page(&state, staff, Some((id, key))).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    item: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sort: String,
}

/// Which assistance cases a user's list holds (see `authz::Reach::assistance`): every one for
/// the command centre; for a handler, those they are the agent of and those of their
/// departments (an empty list for anyone else: the lists' guard is `AssistanceDesk`).
pub fn reach(principal: &crate::authz::Principal) -> Filter {
    Filter { area: principal.reach().assistance(), agent: Some(principal.user_id), ..Filter::default() }
}

/// The agents' list of enterprise items, filtered by item and state, sorted by newest or deadline.
async fn list(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<AssistanceDesk>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let base = reach(&user.principal);
    let decides = service::may_decide(&user.principal);
    let filter = Filter {
        item: q.item.trim().parse().ok(),
        state: CaseState::parse(&q.state),
        by_deadline: q.sort == "deadline",
        ..base
    };
    let mut conn = state.db.conn().await?;
    let items = db::items(&mut conn).await?;
    let found = db::list(&mut conn, &filter).await?;
    drop(conn);
    let now = state.clock.unix();
    let rows = found
        .into_iter()
        .map(|row| ListRow {
            item: items.iter().find(|i| i.id == row.item_id).map(|i| i.local_name(&ctx).text).unwrap_or_default(),
            deadline: row.deadline_at.map(|t| ctx.when(t)).unwrap_or_default(),
            overdue: crate::cases::model::LATE_STATES.contains(&row.state) && row.deadline_at.is_some_and(|d| now > d),
            progress_text: progress_text(&ctx, row.progress),
            row,
        })
        .collect();
    let filters = AssistListPage::filters(&ctx, &items, (&q.item, &q.state, &q.sort));
    render(&AssistListPage { ctx, filters, rows, decides })
}

#[derive(Debug, Default, Deserialize)]
struct AgentForm {
    #[serde(default)]
    agent_user_id: String,
}

/// Shows a failed assistance action at the top of the case page (409 or 422).
async fn failed_page(state: &AppState, ctx: Ctx, id: i64, error: AppError) -> AppResult<Response> {
    let (status, failed) = match error {
        AppError::Invalid(errors) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Failed { action: "assist".into(), errors, ..Failed::default() })
        }
        AppError::Conflict(key) | AppError::Rule(key) => {
            (StatusCode::CONFLICT, Failed { action: "assist".into(), refusal: Some(key), ..Failed::default() })
        }
        other => return Err(other),
    };
    render_status(status, &case_page(state, ctx, id, false, Some(failed)).await?)
}

/// Assigns the case's agent.
async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AgentForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let agent = UserId(f.agent_user_id.trim().parse().unwrap_or(0));
    match service::assign(&state, &user, id, agent).await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}"))),
        Err(e) => failed_page(&state, ctx, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct TickForm {
    #[serde(default)]
    note: String,
}

/// Ticks a step of the checklist.
async fn tick(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step)): Path<(i64, i64)>,
    Form(f): Form<TickForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    match service::tick(&state, &user, id, step, &f.note).await {
        Ok(_) => Ok(see_other(&format!("/cases/{id}#checklist"))),
        Err(e) => failed_page(&state, ctx, id, e).await,
    }
}

//! Enterprise assistance over the API: the enterprise account (apply, see, decide), the items
//! with their checklists, requests, the agents' list, assigning the agent and ticking steps.
//! Messages, reporting handled, confirming and rating go through `/cases/{id}/actions`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::authz::gate::{AssistanceDesk, CommandCentre};
use crate::cases::model::Case;
use crate::cases::workflow::State as CaseState;
use crate::enterprise::model::{Application, ChecklistStep, Enterprise, EnterpriseStatus, Progress};
use crate::enterprise::pages::reach;
use crate::enterprise::service::{self, NewRequest};
use crate::enterprise::store::{self as db, Filter, Item, Row};
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::web::extract::{Json, Path, Query};
use crate::web::guard::ApiStaff;

/// The API routes of enterprise assistance.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply))
        .routes(routes!(my_enterprise))
        .routes(routes!(applications))
        .routes(routes!(decide))
        .routes(routes!(items))
        .routes(routes!(file_request, my_requests))
        .routes(routes!(assist_cases))
        .routes(routes!(checklist))
        .routes(routes!(assign))
        .routes(routes!(tick))
}

/// An enterprise account.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseOut {
    id: i64,
    name: String,
    /// Unified social credit code (public, printed on the licence).
    uscc: String,
    contact_name: String,
    /// The contact's mobile, masked.
    contact_phone: String,
    status: EnterpriseStatus,
    /// The reason given with a refusal.
    decision_note: String,
    /// Applied at (RFC 3339, district time).
    created_at: String,
}

impl From<Enterprise> for EnterpriseOut {
    fn from(e: Enterprise) -> Self {
        Self {
            id: e.id,
            name: e.name,
            uscc: e.uscc,
            contact_name: e.contact_name,
            contact_phone: e.contact_phone_masked,
            status: e.status,
            decision_note: e.decision_note,
            created_at: crate::appointments::model::rfc3339(e.created_at),
        }
    }
}

/// An application for an enterprise account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationBody {
    name: String,
    /// 18 characters with its GB 32100 check character; spaces are dropped.
    uscc: String,
    contact_name: String,
    /// A mainland mobile number.
    contact_phone: String,
}

/// Applies for an enterprise account (one per user, one per code); a district admin or
/// dispatcher decides. 422 with the field's problem, e.g. a wrong check character.
#[utoipa::path(post, path = "/enterprise/application", tag = "assist", request_body = ApplicationBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Applied", body = EnterpriseOut),
        (status = 409, description = "Applied already", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn apply(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<ApplicationBody>,
) -> AppResult<(StatusCode, Json<EnterpriseOut>)> {
    let app = Application::parse(&body.name, &body.uscc, &body.contact_name, &body.contact_phone)
        .map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(service::apply(&state, &user, app).await?.into())))
}

/// Your enterprise account and where it stands (404 before applying).
#[utoipa::path(get, path = "/me/enterprise", tag = "assist", security(("bearer" = [])),
    responses((status = 200, description = "Your enterprise", body = EnterpriseOut),
        (status = 404, description = "You have not applied", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn my_enterprise(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<EnterpriseOut>> {
    let mine = db::enterprise_of_owner(&mut *state.db.conn().await?, user.id).await?;
    Ok(Json(mine.ok_or(AppError::NotFound)?.into()))
}

/// Which applications to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    /// `pending`, `approved` or `refused` (default: all, pending first).
    status: Option<String>,
}

/// Enterprise applications, pending first (district admins and dispatchers).
#[utoipa::path(get, path = "/enterprises", tag = "assist", params(ApplicationsQuery), security(("bearer" = [])),
    responses((status = 200, description = "Applications", body = Vec<EnterpriseOut>),
        (status = 403, description = "Not a district admin or dispatcher", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn applications(
    _: ApiStaff<CommandCentre>,
    State(state): State<AppState>,
    Query(q): Query<ApplicationsQuery>,
) -> AppResult<Json<Vec<EnterpriseOut>>> {
    let status = q.status.as_deref().and_then(EnterpriseStatus::parse);
    let all = db::enterprises(&mut *state.db.conn().await?, status).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// A decision on an application.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// Approve (the owner is granted the enterprise role) or refuse.
    approve: bool,
    /// The reason, required to refuse.
    #[serde(default)]
    note: String,
}

/// Approves or refuses an application (district admins and dispatchers); 409 once decided.
#[utoipa::path(post, path = "/enterprises/{id}/decision", tag = "assist", request_body = DecisionBody,
    params(("id" = i64, Path, description = "Enterprise id")), security(("bearer" = [])),
    responses((status = 200, description = "Decided", body = EnterpriseOut),
        (status = 403, description = "Not a district admin or dispatcher, or your own application", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A refusal without its reason, or a note too long", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn decide(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<DecisionBody>,
) -> AppResult<Json<EnterpriseOut>> {
    Ok(Json(service::decide(&state, &user, id, body.approve, &body.note).await?.into()))
}

/// The assistance items with their checklists.
#[utoipa::path(get, path = "/assist-items", tag = "assist",
    responses((status = 200, description = "Items", body = Vec<Item>)))]
async fn items(State(state): State<AppState>) -> AppResult<Json<Vec<Item>>> {
    Ok(Json(db::items(&mut *state.db.conn().await?).await?))
}

/// A request for assistance.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestBody {
    /// The item's id (see `/assist-items`).
    item_id: i64,
    /// What the company needs (default: the item's name).
    #[serde(default)]
    description: String,
    /// Who to call about it, with `contact_phone` (default: the enterprise's contact).
    contact_name: Option<String>,
    contact_phone: Option<String>,
}

/// An assistance case with its checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssistOut {
    /// The case's id (see `/cases/{id}` for its timeline).
    id: i64,
    item_id: i64,
    state: CaseState,
    agent_user_id: Option<i64>,
    /// Deadline (RFC 3339, district time), set at dispatch.
    deadline: Option<String>,
    steps: Vec<ChecklistStep>,
    progress: Progress,
}

impl AssistOut {
    fn new(case: &Case, steps: Vec<ChecklistStep>, progress: Progress) -> Self {
        Self {
            id: case.id,
            item_id: case.category_id,
            state: case.state,
            agent_user_id: case.agent.map(|u| u.0),
            deadline: case.deadline_at.map(crate::appointments::model::rfc3339),
            steps,
            progress,
        }
    }
}

async fn assist_out(state: &AppState, user: &crate::accounts::CurrentUser, id: i64) -> AppResult<Json<AssistOut>> {
    let (case, steps, progress) = service::checklist(state, user, id).await?;
    Ok(Json(AssistOut::new(&case, steps, progress)))
}

/// Files a request of your approved enterprise (403 before approval).
#[utoipa::path(post, path = "/enterprise/requests", tag = "assist", request_body = RequestBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Filed", body = AssistOut),
        (status = 422, description = "Invalid", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the owner of an approved enterprise", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn file_request(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<RequestBody>,
) -> AppResult<(StatusCode, Json<AssistOut>)> {
    let contact = match (body.contact_name, body.contact_phone) {
        (None, None) => None,
        (name, phone) => Some((name.unwrap_or_default(), phone.unwrap_or_default())),
    };
    let req = NewRequest { item_id: body.item_id, description: body.description, contact };
    let case = service::file_request(&state, &user, req).await?;
    Ok((StatusCode::CREATED, assist_out(&state, &user, case.id).await?))
}

/// Your enterprise's requests, newest first, with their progress.
#[utoipa::path(get, path = "/enterprise/requests", tag = "assist", security(("bearer" = [])),
    responses((status = 200, description = "Requests", body = Vec<Row>),
        (status = 403, description = "Not the owner of an approved enterprise", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn my_requests(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<Row>>> {
    let mut conn = state.db.conn().await?;
    let enterprise = service::approved(&mut conn, &user).await?;
    Ok(Json(db::list(&mut conn, &Filter { enterprise: Some(enterprise.id), ..Filter::default() }).await?))
}

/// The agents' list's filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssistQuery {
    /// Only of this item.
    item_id: Option<i64>,
    /// Only in this state.
    #[param(inline)]
    state: Option<CaseState>,
    /// `deadline` (earliest first) or `newest` (default).
    sort: Option<String>,
}

/// Enterprise items: all of them for district dispatchers and admins; for a handler, those they
/// are the agent of and those of their departments.
#[utoipa::path(get, path = "/assist-cases", tag = "assist", params(AssistQuery), security(("bearer" = [])),
    responses((status = 200, description = "Cases", body = Vec<Row>),
        (status = 403, description = "Neither district staff nor a handler", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn assist_cases(
    ApiStaff { user, .. }: ApiStaff<AssistanceDesk>,
    State(state): State<AppState>,
    Query(q): Query<AssistQuery>,
) -> AppResult<Json<Vec<Row>>> {
    let base = reach(&user.principal);
    let filter = Filter { item: q.item_id, state: q.state, by_deadline: q.sort.as_deref() == Some("deadline"), ..base };
    Ok(Json(db::list(&mut *state.db.conn().await?, &filter).await?))
}

/// An assistance case's checklist (those party to it).
#[utoipa::path(get, path = "/cases/{id}/checklist", tag = "assist", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The checklist", body = AssistOut)))]
async fn checklist(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<AssistOut>> {
    assist_out(&state, &user, id).await
}

/// The agent to assign.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AgentBody {
    /// A handler of the item's department.
    agent_user_id: i64,
}

/// Assigns the agent (dispatchers; the department itself once the case is with it); a case not
/// yet dispatched goes to the item's department at once.
#[utoipa::path(put, path = "/cases/{id}/agent", tag = "assist", request_body = AgentBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "Assigned", body = AssistOut),
        (status = 422, description = "Not a handler of the department", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the dispatcher, nor the department once the case is with it", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn assign(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<AgentBody>,
) -> AppResult<Json<AssistOut>> {
    service::assign(&state, &user, id, UserId(body.agent_user_id)).await?;
    assist_out(&state, &user, id).await
}

/// A note on a ticked step.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TickBody {
    #[serde(default)]
    note: String,
}

/// Marks a step done (the assigned agent, while the case is with the department); the company
/// hears of it. 409 when it is done already.
#[utoipa::path(post, path = "/cases/{id}/checklist/{step_id}", tag = "assist", request_body = TickBody,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id"), ("step_id" = i64, Path, description = "Step id")),
    responses((status = 200, description = "Done", body = AssistOut),
        (status = 409, description = "Done already, or the case is not being worked", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the case's agent", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The note is too long", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn tick(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path((id, step_id)): Path<(i64, i64)>,
    Json(body): Json<TickBody>,
) -> AppResult<Json<AssistOut>> {
    service::tick(&state, &user, id, step_id, &body.note).await?;
    assist_out(&state, &user, id).await
}

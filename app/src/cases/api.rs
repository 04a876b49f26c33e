//! Cases over the API: categories, filing, one case with its timeline and photos, moving it
//! along, merging duplicates. A case's photos are taken and served by `photos::api`; the
//! patrols' operations are the patrol's own (`patrol::api`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiUser;
use crate::app::AppState;
use crate::cases::model::{Case, Rating};
use crate::cases::photos::service::{self as photos, Photo};
use crate::cases::service::{self, Act, NewCase};
use crate::cases::store;
use crate::cases::timeline::{self, TimelineStep};
use crate::cases::workflow::{Action, State as CaseState};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, DepartmentId, StreetId};
use crate::web::extract::{Json, Path, Query};

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(file_case, list_cases))
        .routes(routes!(get_case))
        .routes(routes!(act_on_case))
        .routes(routes!(merge_case))
        .routes(routes!(my_cases))
}

/// A category, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOut {
    id: i64,
    /// Two-level code (majors: two digits).
    code: String,
    name: String,
    /// English name (null: English pages show `name`).
    name_en: Option<String>,
    parent_code: Option<String>,
    /// Handling limit in working time: `4h`, `3d`.
    time_limit: Option<String>,
    photos_required: bool,
    public: bool,
    /// The public sees its cases at their exact coordinates (false: rounded to about 50 m).
    precise: bool,
}

/// The case categories, majors before their minors.
#[utoipa::path(get, path = "/case-categories", tag = "cases",
    responses((status = 200, description = "Categories", body = Vec<CategoryOut>)))]
async fn categories(State(state): State<AppState>) -> AppResult<Json<Vec<CategoryOut>>> {
    let all = store::categories(&mut *state.db.conn().await?).await?;
    Ok(Json(
        all.into_iter()
            .map(|c| CategoryOut {
                id: c.id,
                code: c.code,
                name: c.name,
                name_en: c.name_en.filter(|n| !n.is_empty()),
                parent_code: c.parent_code,
                time_limit: c.limit.map(|l| l.as_code()),
                photos_required: c.photos_required,
                public: c.public,
                precise: c.precise,
            })
            .collect(),
    ))
}

/// A case to file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCaseBody {
    /// A minor category's id.
    category_id: i64,
    description: String,
    community_id: Option<i64>,
    #[serde(default)]
    address: String,
    #[serde(default)]
    anonymous: bool,
    /// Latitude (WGS84), with `lng`.
    lat: Option<f64>,
    /// Longitude (WGS84), with `lat`.
    lng: Option<f64>,
    /// Your open foot patrol this finding belongs to.
    patrol_id: Option<i64>,
}

/// A case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOut {
    id: i64,
    category_id: i64,
    /// `report`, `patrol` or `hotline`.
    source: String,
    state: CaseState,
    description: String,
    street_id: Option<i64>,
    community_id: Option<i64>,
    address: String,
    department_id: Option<i64>,
    /// Deadline (RFC 3339, district time), set at dispatch.
    deadline: Option<String>,
    overdue: bool,
    escalated: bool,
    rework_count: i64,
    rating: Option<Rating>,
    created_at: String,
    /// Latitude (WGS84).
    lat: Option<f64>,
    /// Longitude (WGS84).
    lng: Option<f64>,
    /// The case this duplicate was merged into.
    merged_into: Option<i64>,
    /// The foot patrol it was found on.
    patrol_id: Option<i64>,
    /// The timeline (one case only): who acted as their role (and department); their user id
    /// only for staff with a part in the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<Vec<TimelineStep>>,
    /// Photos (one case only).
    #[serde(skip_serializing_if = "Option::is_none")]
    photos: Option<Vec<Photo>>,
    /// Open cases of the same category filed nearby, nearest first, as you may know of them (on
    /// filing, and for staff).
    #[serde(skip_serializing_if = "Option::is_none")]
    possible_duplicates: Option<Vec<Nearby>>,
}

/// A possible duplicate: an open case of the same category filed nearby in the last few days.
/// A case you have a part in (your own report; for staff, one within your reach) is given by id
/// and distance. Another's is told only if the public may see it (a public category, taken on
/// by a dispatcher), without its id, its distance measured to where the public board shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Nearby {
    /// Its id (null: someone else's case, told as the public sees it).
    id: Option<i64>,
    /// How far from this one, in metres.
    distance_m: u32,
}

fn nearby(found: Vec<service::Duplicate>) -> Option<Vec<Nearby>> {
    Some(found.into_iter().map(|d| Nearby { id: d.id, distance_m: d.metres }).collect())
}

impl CaseOut {
    fn new(c: Case, now: i64, timeline: Option<Vec<TimelineStep>>) -> Self {
        let rfc = crate::appointments::model::rfc3339;
        Self {
            overdue: c.overdue(now),
            id: c.id,
            category_id: c.category_id,
            source: c.source.as_str().into(),
            state: c.state,
            description: c.description,
            street_id: c.street_id.map(|s| s.0),
            community_id: c.community_id.map(|s| s.0),
            address: c.address,
            department_id: c.department_id.map(|d| d.0),
            deadline: c.deadline_at.map(rfc),
            escalated: c.escalated,
            rework_count: c.rework_count,
            rating: c.rating,
            created_at: rfc(c.created_at),
            lat: c.coords.map(|p| p.0),
            lng: c.coords.map(|p| p.1),
            merged_into: c.merged_into,
            patrol_id: c.patrol_id,
            timeline,
            photos: None,
            possible_duplicates: None,
        }
    }
}

/// Files a case: a resident's report, an inspector's patrol finding or a hotline call taken
/// by a dispatcher (the source follows from the filer's roles).
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = NewCaseBody, security(("bearer" = [])),
    responses((status = 201, description = "Filed, with the possible duplicates you may know of", body = CaseOut),
        (status = 409, description = "The patrol given is not your open patrol", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn file_case(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<NewCaseBody>,
) -> AppResult<(StatusCode, Json<CaseOut>)> {
    let new = NewCase {
        coords: body.lat.zip(body.lng),
        patrol_id: body.patrol_id,
        category_id: body.category_id,
        description: body.description,
        community_id: body.community_id.map(CommunityId),
        address: body.address,
        anonymous: body.anonymous,
    };
    let case = service::file(&state, &user, new).await?;
    let duplicates = service::possible_duplicates(&state, &user, &case).await?;
    let mut out = CaseOut::new(case, state.clock.unix(), None);
    out.possible_duplicates = nearby(duplicates);
    Ok((StatusCode::CREATED, Json(out)))
}

/// One case with its timeline (its reporter and those with a part in it).
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = CaseOut),
        (status = 404, description = "No such case (or not yours to see)", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn get_case(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<CaseOut>> {
    let (case, steps) = service::get(&state, &user, id).await?;
    let duplicates = if user.principal.is_staff() && case.state.is_open() {
        nearby(service::possible_duplicates(&state, &user, &case).await?)
    } else {
        None
    };
    let steps = timeline::for_viewer(&state, &user, &case, steps).await?;
    let mut out = CaseOut::new(case, state.clock.unix(), Some(steps));
    out.possible_duplicates = duplicates;
    out.photos = Some(photos::list(&state, id).await?);
    Ok(Json(out))
}

/// What to do to a case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActBody {
    /// accept, reject, dispatch, redispatch, start_handling, report_handled, check_pass,
    /// check_fail, postpone, resume, void, escalate, rate, comment.
    action: String,
    /// For dispatch and redispatch.
    department_id: Option<i64>,
    /// The reason (reject, void, postpone), the handler's report, a comment.
    #[serde(default)]
    note: String,
    /// For rate.
    rating: Option<Rating>,
}

/// Moves a case along its workflow: 200 with the case; 403 when the action is not yours,
/// 409 when the case's state does not allow it (or someone moved it first), 422 for a
/// missing department, reason or rating.
#[utoipa::path(post, path = "/cases/{id}/actions", tag = "cases", request_body = ActBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "Done", body = CaseOut),
        (status = 409, description = "Not in this state", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not your part of the case: the action is for another party", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown action, a missing or invalid field (department, reason, rating, note), or an assistance case whose checklist is not complete", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn act_on_case(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<ActBody>,
) -> AppResult<Json<CaseOut>> {
    let action = Action::parse(&body.action)
        .ok_or_else(|| AppError::Invalid(vec![FieldError { field: "action", key: "form.choice_invalid" }]))?;
    let act = Act {
        action,
        department_id: body.department_id.map(DepartmentId),
        note: body.note,
        rating: body.rating,
        merge_into: None,
    };
    let case = service::act(&state, &user, id, act).await?;
    Ok(Json(CaseOut::new(case, state.clock.unix(), None)))
}

/// Cases you filed, newest first.
#[utoipa::path(get, path = "/me/cases", tag = "cases", security(("bearer" = [])),
    responses((status = 200, description = "Your cases", body = Vec<CaseOut>)))]
async fn my_cases(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<CaseOut>>> {
    let now = state.clock.unix();
    let mine = store::cases_of_reporter(&mut *state.db.conn().await?, user.id, 200).await?;
    Ok(Json(mine.into_iter().map(|c| CaseOut::new(c, now, None)).collect()))
}

/// A queue's filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Only in this state.
    state: Option<CaseState>,
    /// Only of this street.
    street_id: Option<i64>,
    /// Only with this department.
    department_id: Option<i64>,
    /// Only those past their deadline.
    #[serde(default)]
    overdue: bool,
    /// `deadline` (earliest first) or `newest` (default).
    sort: Option<String>,
    /// At most this many (1–500, default 100).
    limit: Option<i64>,
}

/// The cases you may work on or follow — the dispatcher's queue, a department's, a street's,
/// or your own reports — filtered and sorted.
#[utoipa::path(get, path = "/cases", tag = "cases", params(CaseQuery), security(("bearer" = [])),
    responses((status = 200, description = "Cases", body = Vec<CaseOut>)))]
async fn list_cases(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<CaseQuery>,
) -> AppResult<Json<Vec<CaseOut>>> {
    let now = state.clock.unix();
    let filter = store::Filter {
        state: q.state,
        street: q.street_id.map(StreetId),
        department: q.department_id.map(DepartmentId),
        overdue_at: q.overdue.then_some(now),
        by_deadline: q.sort.as_deref() == Some("deadline"),
        limit: q.limit.unwrap_or(100),
    };
    let cases = store::list(&mut *state.db.conn().await?, user.principal.reach(), &filter).await?;
    Ok(Json(cases.into_iter().map(|c| CaseOut::new(c, now, None)).collect()))
}

/// Which case a duplicate goes into.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeBody {
    /// The case to merge into (open, not itself merged).
    into: i64,
}

/// Merges a duplicate into another case (dispatchers): the duplicate is voided and linked,
/// and its reporter hears of the other case's steps from then on.
#[utoipa::path(post, path = "/cases/{id}/merge", tag = "cases", request_body = MergeBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "The duplicate's id")),
    responses((status = 200, description = "Merged", body = CaseOut),
        (status = 403, description = "Not yours to merge", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The duplicate is no longer open to merging", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`into` names the case itself, or no open case you can see", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn merge_case(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<MergeBody>,
) -> AppResult<Json<CaseOut>> {
    let case = service::merge(&state, &user, id, body.into).await?;
    Ok(Json(CaseOut::new(case, state.clock.unix(), None)))
}

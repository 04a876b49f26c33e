//! Back office for appointment services (issue 12, point 9): the organiser's list of the
//! services they run with their coming slots and seats, and the form that creates or edits a
//! service. Slots are managed on each service's slots page (`slot_pages`). Every write goes
//! through `appointments::service`, the same functions the API calls, so the checks and audit
//! entries are the API's.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::appointments::model::Service;
use crate::appointments::{runs, service, slot_pages, store};
use crate::authz::gate::Organising;
use crate::authz::{Action, Location, Target};
use crate::bookings as booking_store;
use crate::error::{AppError, AppResult};
use crate::web::backoffice::{Field, FormPage, Link, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// How far ahead the list counts a service's slots and seats.
const AHEAD_DAYS: i64 = 60;

/// Routes: the list and the service form here, the slots page and slot actions in `slot_pages`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/services", get(list))
        .route("/manage/services/new", get(new_service).post(create_service))
        .route("/manage/services/{id}/edit", get(edit_service).post(update_service))
        .route("/manage/services/{id}/slots", get(slot_pages::slots).post(slot_pages::add_slots))
        .route("/manage/slots/{id}/capacity", post(slot_pages::capacity))
        .route("/manage/slots/{id}/cancel", get(slot_pages::confirm_cancel).post(slot_pages::cancel))
        .route("/manage/slots/{id}/draw", post(slot_pages::draw))
}

/// A service as the list shows it.
pub(super) struct ServiceRow {
    pub(super) service: Service,
    /// Its open slots from now on (within [`AHEAD_DAYS`]), the seats booked on them and the
    /// seats they offer (slots without a limit not counted), in words.
    pub(super) counts: String,
}

#[derive(askama::Template)]
#[template(path = "appointments/manage_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ServiceRow>,
    strip: crate::authz::start::Strip,
    /// What was just done (`saved`), said once at the top.
    done: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// The services the user runs, with their coming slots and seats.
async fn list(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let now = state.clock.unix();
    let mut conn = state.db.conn().await?;
    let mut rows = Vec::new();
    for s in store::list(&mut conn, 0, 1000).await? {
        if !runs(&mut conn, &user, &s).await? {
            continue;
        }
        let slots = booking_store::offerings_of_service(&mut conn, s.id, now, now + AHEAD_DAYS * 86_400).await?;
        let open: Vec<_> = slots.iter().filter(|o| o.status == "open").collect();
        let (upcoming, booked, offered) = (
            open.len(),
            open.iter().map(|o| o.booked).sum::<i64>(),
            open.iter().filter_map(|o| o.capacity).sum::<i64>(),
        );
        let counts = ctx.tf(
            "manage_services.counts",
            &[("slots", &upcoming.to_string()), ("booked", &booked.to_string()), ("offered", &offered.to_string())],
        );
        rows.push(ServiceRow { service: s, counts });
    }
    let strip = crate::authz::start::Strip::links(&user.principal, &ctx.path);
    let done = (q.done.as_deref() == Some("saved")).then_some("manage_services.done_saved");
    render(&ListPage { ctx, rows, strip, done })
}

/// The service form as typed.
#[derive(Debug, Default, Deserialize)]
struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    /// "yes" or "no".
    #[serde(default)]
    real_name_required: String,
    /// A department's id, or "" for the whole district.
    #[serde(default)]
    department_id: String,
}

impl ServiceForm {
    fn of(s: &Service) -> Self {
        Self {
            name: s.name.clone(),
            description: s.description.clone(),
            real_name_required: if s.real_name_required { "yes" } else { "no" }.into(),
            department_id: s.department_id.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn new_service(&self) -> service::NewService {
        service::NewService {
            name: self.name.clone(),
            description: self.description.clone(),
            real_name_required: self.real_name_required != "no",
            department_id: self.department_id.trim().parse().ok(),
        }
    }
}

/// The form page: new when `id` is None.
async fn service_form(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: Option<i64>,
    f: &ServiceForm,
    errors: Errors,
) -> AppResult<FormPage> {
    let mut options = crate::org::offering_departments(&mut *state.db.conn().await?, &ctx, &user.principal).await?;
    if user.principal.can(Action::Manage, &Target::Offering(Location::district())) {
        options.push(Opt { value: String::new(), label: ctx.t("manage_services.whole_district").into() });
    }
    let yes_no = vec![
        Opt { value: "yes".into(), label: ctx.t("manage_services.real_name_yes").into() },
        Opt { value: "no".into(), label: ctx.t("manage_services.real_name_no").into() },
    ];
    let group = |options| vec![OptGroup { label: None, options }];
    let fields = vec![
        Field::text("name", "manage_services.name", &f.name).required().hint("manage_services.name_hint"),
        Field::textarea("description", "manage_services.description", &f.description)
            .hint("manage_services.description_hint"),
        Field::select("real_name_required", "manage_services.real_name", &f.real_name_required, group(yes_no))
            .hint("manage_services.real_name_hint"),
        Field::select("department_id", "manage_services.department", &f.department_id, group(options))
            .required()
            .hint("manage_services.department_hint"),
    ];
    let errors = errors.labelled(&fields);
    let (title, action, submit_key) = match id {
        None => (ctx.t("manage_services.new").into(), "/manage/services/new".into(), "manage_services.create"),
        Some(id) => (ctx.t("manage_services.edit").into(), format!("/manage/services/{id}/edit"), "action.save"),
    };
    let back = Link { label: ctx.t("manage_services.title").into(), href: "/manage/services".into() };
    Ok(FormPage { ctx, title, action, fields, errors, submit_key, back, preview: Default::default() })
}

async fn new_service(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Organising>) -> AppResult<Response> {
    let fresh = ServiceForm { real_name_required: "yes".into(), ..ServiceForm::default() };
    render(&service_form(&state, ctx, &user, None, &fresh, Errors::none()).await?)
}

/// Creates the service, then opens its slots page: a service without slots offers nothing.
async fn create_service(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Form(f): Form<ServiceForm>,
) -> AppResult<Response> {
    match service::create_service(&state, &user, f.new_service()).await {
        Ok(id) => Ok(see_other(&format!("/manage/services/{id}/slots?done=service_created"))),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &service_form(&state, ctx, &user, None, &f, errors.into()).await?,
        ),
        Err(other) => Err(other),
    }
}

async fn edit_service(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let s = run_service(&state, &user, id).await?;
    render(&service_form(&state, ctx, &user, Some(id), &ServiceForm::of(&s), Errors::none()).await?)
}

async fn update_service(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<ServiceForm>,
) -> AppResult<Response> {
    match service::update_service(&state, &user, id, f.new_service()).await {
        Ok(()) => Ok(see_other("/manage/services?done=saved")),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &service_form(&state, ctx, &user, Some(id), &f, errors.into()).await?,
        ),
        Err(other) => Err(other),
    }
}

/// The service, if `user` runs it (404 when there is none, 403 when it is not theirs).
pub(super) async fn run_service(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Service> {
    let mut conn = state.db.conn().await?;
    let s = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut conn, user, &s).await? {
        return Err(AppError::Forbidden);
    }
    Ok(s)
}

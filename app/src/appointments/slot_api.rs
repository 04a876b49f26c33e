//! The appointments API for what is offered: services and their slots (one at a time or from
//! a template), listed by day, with capacity changes. Booking them is in `api.rs`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Created, MaybeApiUser, PageParams, Problem, next_cursor};
use crate::app::AppState;
use crate::appointments::model::{Service, Template, day_range, expand, rfc3339};
use crate::appointments::{service, store};
use crate::bookings as booking_store;
use crate::bookings::model::Offering;
use crate::bookings::offer::{NewOfferings, RulesInput, Terms, parse_time};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Json, Path, Query};

/// The service and slot routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(list_slots, create_slots))
        .routes(routes!(update_slot))
}

/// A new service.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewService {
    /// Name, e.g. 新冠疫苗接种 第一剂.
    pub name: String,
    /// What to know before booking.
    #[serde(default)]
    pub description: String,
    /// Whether bookings need the person's name and resident ID (default true).
    #[serde(default = "yes")]
    pub real_name_required: bool,
    /// Organising department.
    pub department_id: Option<i64>,
}

fn yes() -> bool {
    true
}

/// A page of services.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServicePage {
    /// Services.
    pub items: Vec<Service>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Services residents can book.
#[utoipa::path(get, path = "/services", tag = "appointments", params(PageParams),
    responses((status = 200, description = "Services", body = ServicePage)))]
async fn list_services(
    _auth: MaybeApiUser,
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> AppResult<Json<ServicePage>> {
    let (after, limit) = p.decode()?;
    let items = store::list(&mut *state.db.conn().await?, after, limit).await?;
    let next_cursor = next_cursor(items.len(), limit, items.last().map(|s| s.id));
    Ok(Json(ServicePage { items, next_cursor }))
}

/// Creates a service (organisers of the department, district admins).
#[utoipa::path(post, path = "/services", tag = "appointments", request_body = NewService, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created),
        (status = 403, description = "Not an organiser here", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn create_service(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<NewService>,
) -> AppResult<impl IntoResponse> {
    let new = service::NewService {
        name: body.name,
        description: body.description,
        real_name_required: body.real_name_required,
        department_id: body.department_id,
    };
    let id = service::create_service(&state, &user, new).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// New slots: one (`starts_at`, `ends_at`) or a `template`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSlots {
    /// Venue (site) of the slots.
    pub venue_id: i64,
    /// Start of a single slot (RFC 3339).
    pub starts_at: Option<String>,
    /// End of a single slot.
    pub ends_at: Option<String>,
    /// A recurring pattern instead of a single slot.
    pub template: Option<Template>,
    /// Seats per slot.
    pub capacity: i64,
    /// Booking rules.
    #[serde(flatten)]
    pub rules: RulesInput,
}

/// What was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedSlots {
    /// The first (or only) slot.
    pub id: i64,
    /// Every slot created.
    pub ids: Vec<i64>,
}

/// Creates one slot or a template's worth (organisers of the service).
#[utoipa::path(post, path = "/services/{id}/slots", tag = "appointments", request_body = NewSlots, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service id")),
    responses((status = 201, description = "Created", body = CreatedSlots),
        (status = 403, description = "Not an organiser of this service", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn create_slots(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<NewSlots>,
) -> AppResult<impl IntoResponse> {
    let mut errors = Vec::new();
    let terms = Terms::check(&body.rules, Some(body.capacity), &mut errors);
    let times = match (&body.template, &body.starts_at, &body.ends_at) {
        (Some(t), None, None) => expand(t, &mut errors),
        (None, Some(s), Some(e)) => {
            let (s, e) = (parse_time("starts_at", s, &mut errors), parse_time("ends_at", e, &mut errors));
            match (s, e) {
                (Some(s), Some(e)) if e > s => vec![(s, e)],
                (Some(_), Some(_)) => {
                    errors.push(FieldError { field: "ends_at", key: "form.time_order" });
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        _ => {
            errors.push(FieldError { field: "template", key: "form.slot_or_template" });
            Vec::new()
        }
    };
    let slots = NewOfferings { times, places: vec![Some(body.venue_id)], online_url: None, terms };
    let ids = service::create_slots(&state, &user, id, &slots, errors).await?;
    Ok((StatusCode::CREATED, Json(CreatedSlots { id: ids.first().copied().unwrap_or_default(), ids })))
}

/// A slot as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    /// Id.
    pub id: i64,
    /// Service.
    pub service_id: Option<i64>,
    /// Venue.
    pub venue_id: Option<i64>,
    /// Start (RFC 3339, district time).
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Seats.
    pub capacity: Option<i64>,
    /// Seats taken.
    pub booked: i64,
    /// `first_come` or `lottery`.
    pub mode: crate::bookings::model::Mode,
    /// Whether a full slot takes a waiting list.
    pub waitlist: bool,
    /// `open` or `cancelled`.
    pub status: String,
    /// A lottery's seed, published at the draw (64 hex characters).
    pub lottery_seed: Option<String>,
    /// A lottery's commitment, published when it was created, before anyone entered: SHA-256
    /// of the seed (hex). After the draw, SHA-256 of `lottery_seed` must equal it.
    pub lottery_commitment: Option<String>,
}

impl From<&Offering> for SlotView {
    fn from(o: &Offering) -> Self {
        Self {
            id: o.id,
            service_id: o.service_id,
            venue_id: o.venue_id,
            starts_at: rfc3339(o.starts_at),
            ends_at: rfc3339(o.ends_at),
            capacity: o.capacity,
            booked: o.booked,
            mode: o.mode,
            waitlist: o.waitlist_enabled,
            status: o.status.clone(),
            lottery_seed: o.lottery_seed.clone(),
            lottery_commitment: o.lottery_commitment.clone(),
        }
    }
}

/// Which day's slots.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// A day, `YYYY-MM-DD` (district time); default: the coming 14 days.
    pub date: Option<String>,
}

/// Slots of a service on a day.
#[utoipa::path(get, path = "/services/{id}/slots", tag = "appointments", params(("id" = i64, Path, description = "Service id"), SlotQuery),
    responses((status = 200, description = "Slots", body = Vec<SlotView>),
        (status = 404, description = "No such service", body = Problem, content_type = "application/problem+json")))]
async fn list_slots(
    _auth: MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<SlotQuery>,
) -> AppResult<Json<Vec<SlotView>>> {
    let mut conn = state.db.conn().await?;
    store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let (from, to) = match q.date.as_deref() {
        Some(d) => {
            let day = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest("error.query_unreadable"))?;
            day_range(day)
        }
        None => {
            let now = state.clock.unix();
            (now, now + 14 * 86_400)
        }
    };
    let slots = booking_store::offerings_of_service(&mut conn, id, from, to).await?;
    Ok(Json(slots.iter().map(SlotView::from).collect()))
}

/// Changes to a slot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SlotChange {
    /// New number of seats; refused below the seats already booked.
    pub capacity: i64,
}

/// Changes a slot's capacity (organisers). More seats promote the waiting list.
#[utoipa::path(patch, path = "/slots/{id}", tag = "appointments", request_body = SlotChange, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id")),
    responses((status = 200, description = "Changed", body = SlotView),
        (status = 409, description = "Below the seats already booked", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser of this slot", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid number of seats", body = Problem, content_type = "application/problem+json")))]
async fn update_slot(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<SlotChange>,
) -> AppResult<Json<SlotView>> {
    let after = service::change_slot(&state, &user, id, service::SlotChange::Capacity(body.capacity)).await?;
    Ok(Json(SlotView::from(&after)))
}

//! The appointments API: services, slots, bookings, family members. Same rules and errors as
//! the site: 201 on success, 409 when full or already booked, 422 for rule violations.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, MaybeApiUser, PageParams, Problem, next_cursor};
use crate::app::AppState;
use crate::appointments::model::{
    RulesInput, Service, Template, check_capacity, check_rules, day_range, expand, parse_time, rfc3339,
};
use crate::appointments::{runs, service_of_offering, staff_for_reservation, store};
use crate::bookings::engine::is_no_seat;
use crate::bookings::model::{Offering, Status};
use crate::bookings::service as bookings;
use crate::bookings::store::{self as booking_store, NewOffering, Reservation};
use crate::error::{AppError, AppResult, FieldError};
use crate::people;
use crate::people::model::{Person, check_person};
use crate::web::extract::{Json, Path, Query};

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(list_slots, create_slots))
        .routes(routes!(update_slot))
        .routes(routes!(book_slot))
        .routes(routes!(draw_slot))
        .routes(routes!(book_group))
        .routes(routes!(cancel_booking))
        .routes(routes!(reschedule_booking))
        .routes(routes!(mark_booking))
        .routes(routes!(my_bookings))
        .routes(routes!(list_people, add_person))
}

fn invalid(errors: Vec<FieldError>) -> AppError {
    AppError::Invalid(errors)
}

/// Something created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
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
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(invalid(vec![FieldError { field: "name", key: "form.name_invalid" }]));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let draft = Service {
        id: 0,
        name: name.into(),
        description: body.description.clone(),
        real_name_required: body.real_name_required,
        department_id: body.department_id,
    };
    if let Some(d) = body.department_id {
        crate::org::store::department(&mut tx, crate::ids::DepartmentId(d))
            .await?
            .ok_or_else(|| invalid(vec![FieldError { field: "department_id", key: "form.choice_invalid" }]))?;
    }
    if !runs(&mut tx, &user, &draft).await? {
        return Err(AppError::Forbidden);
    }
    let id = store::insert(
        &mut tx,
        name,
        body.description.trim(),
        body.real_name_required,
        body.department_id,
        user.id,
        now,
    )
    .await?;
    let change = crate::audit::Change::new("service", id, None).after(&Service { id, ..draft });
    crate::audit::record(&mut tx, now, user.id, "service.create", change).await?;
    tx.commit().await?;
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
    let (rules, mode, waitlist) = check_rules(&body.rules, &mut errors);
    check_capacity(body.capacity, &mut errors);
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
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let service = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, &user, &service).await? {
        return Err(AppError::Forbidden);
    }
    let location = crate::appointments::service_location(&mut tx, &service).await?;
    if crate::org::store::venue(&mut tx, crate::ids::VenueId(body.venue_id)).await?.is_none() {
        errors.push(FieldError { field: "venue_id", key: "form.choice_invalid" });
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let mut ids = Vec::with_capacity(times.len());
    for (starts_at, ends_at) in times {
        let o = NewOffering {
            kind: "slot",
            service_id: Some(service.id),
            service_key: format!("service:{}", service.id),
            venue_id: Some(body.venue_id),
            starts_at,
            ends_at,
            capacity: Some(body.capacity),
            waitlist_enabled: waitlist,
            mode,
            rules: rules.clone(),
            event_id: None,
            series_id: None,
            online_url: None,
            department_id: location.department.map(|d| d.0),
            street_id: location.street.map(|s| s.0),
        };
        ids.push(booking_store::insert_offering(&mut tx, &o, now).await?);
    }
    let change = crate::audit::Change::new("service", service.id, None)
        .after(&serde_json::json!({ "slots_created": ids.len() }));
    crate::audit::record(&mut tx, now, user.id, "service.create_slots", change).await?;
    tx.commit().await?;
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
    /// Published lottery seed, once drawn.
    pub lottery_seed: Option<String>,
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
        (status = 409, description = "Below the seats already booked", body = Problem, content_type = "application/problem+json")))]
async fn update_slot(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<SlotChange>,
) -> AppResult<Json<SlotView>> {
    let mut errors = Vec::new();
    check_capacity(body.capacity, &mut errors);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let service = service_of_offering(&mut tx, id).await?;
    if !runs(&mut tx, &user, &service).await? {
        return Err(AppError::Forbidden);
    }
    let before = booking_store::offering(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    match booking_store::set_capacity(&mut tx, id, Some(body.capacity), now).await {
        Err(e) if is_no_seat(&e) => return Err(AppError::Conflict("booking.capacity_below_booked")),
        other => other?,
    };
    crate::bookings::engine::promote(&mut tx, state.db.backend(), id, now).await?;
    let after = booking_store::offering(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let change = crate::audit::Change::new("offering", id, None).before(&before).after(&after);
    crate::audit::record(&mut tx, now, user.id, "offering.update", change).await?;
    tx.commit().await?;
    Ok(Json(SlotView::from(&after)))
}

/// Whom to book.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BookingRequest {
    /// A person from `GET /me/people`; absent: yourself.
    pub person_id: Option<i64>,
}

/// The person of an optional booking body (booking for yourself needs no body).
pub fn person_of(body: &[u8]) -> AppResult<Option<i64>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let request: BookingRequest =
        serde_json::from_slice(body).map_err(|_| AppError::BadRequest("error.json_unreadable"))?;
    Ok(request.person_id)
}

/// A booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingView {
    /// Id.
    pub id: i64,
    /// The slot (offering) booked.
    pub slot_id: i64,
    /// `confirmed`, `waitlisted`, `requested` (lottery), `cancelled`, `attended`, `no_show`.
    pub status: Status,
    /// Ticket code to show at the site.
    pub code: String,
    /// The person booked for, if not the booker.
    pub person_id: Option<i64>,
}

impl From<&Reservation> for BookingView {
    fn from(r: &Reservation) -> Self {
        Self { id: r.id, slot_id: r.offering_id, status: r.status, code: r.code.clone(), person_id: r.person_id }
    }
}

/// The `Idempotency-Key` header, checked.
pub fn idempotency_key(headers: &HeaderMap) -> AppResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().map_err(|_| AppError::BadRequest("error.idempotency_key_invalid"))?.trim();
            let ok = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
            if ok { Ok(Some(key.to_owned())) } else { Err(AppError::BadRequest("error.idempotency_key_invalid")) }
        }
    }
}

/// Books a slot for yourself or a family member. Send an `Idempotency-Key` header: a retry
/// with the same key books nothing more and answers the same.
#[utoipa::path(post, path = "/slots/{id}/bookings", tag = "appointments", request_body(content = Option<BookingRequest>), security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string per booking attempt, up to 128 characters")),
    responses((status = 201, description = "Booked (or waitlisted, or entered in a lottery)", body = BookingView),
        (status = 409, description = "Full, or the person already holds a booking for this service", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule says no (window, age, street, real-name ID)", body = Problem, content_type = "application/problem+json")))]
async fn book_slot(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<impl IntoResponse> {
    let key = idempotency_key(&headers)?;
    // The body is optional: booking for yourself needs none.
    let person = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<BookingRequest>(&body)
            .map_err(|_| AppError::BadRequest("error.json_unreadable"))?
            .person_id
    };
    let booked = bookings::book(&state, &user, id, person, key).await?;
    Ok((StatusCode::CREATED, Json(BookingView::from(&booked.reservation))))
}

/// A lottery draw.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Draw {
    /// The seed, published before or at the draw (e.g. the day's lottery numbers).
    pub seed: String,
}

/// The drawn order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrawResult {
    /// The seed.
    pub seed: String,
    /// Booking ids in drawn order: SHA-256 of `seed:id`, ascending.
    pub order: Vec<i64>,
}

/// Draws a lottery slot (organisers).
#[utoipa::path(post, path = "/slots/{id}/draw", tag = "appointments", request_body = Draw, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id")),
    responses((status = 200, description = "Drawn", body = DrawResult),
        (status = 409, description = "Not a lottery, or drawn already", body = Problem, content_type = "application/problem+json")))]
async fn draw_slot(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<Draw>,
) -> AppResult<Json<DrawResult>> {
    let seed = body.seed.trim().to_owned();
    if seed.is_empty() || seed.len() > 200 {
        return Err(invalid(vec![FieldError { field: "seed", key: "form.required" }]));
    }
    let service = service_of_offering(&mut *state.db.conn().await?, id).await?;
    let staff = runs(&mut *state.db.conn().await?, &user, &service).await?;
    let order = bookings::draw(&state, &user, id, &seed, staff).await?;
    Ok(Json(DrawResult { seed, order }))
}

/// A group booking: named people (from the organiser's list) on this slot and, optionally,
/// on other offerings such as bus seats — all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupBooking {
    /// People from the organiser's `GET /me/people`.
    pub person_ids: Vec<i64>,
    /// Further offerings every person is booked on too (e.g. transport).
    #[serde(default)]
    pub also: Vec<i64>,
}

/// Books a group (organisers), all or nothing.
#[utoipa::path(post, path = "/slots/{id}/group-bookings", tag = "appointments", request_body = GroupBooking, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id")),
    responses((status = 201, description = "All booked", body = Vec<BookingView>),
        (status = 409, description = "Someone could not be booked; nothing was", body = Problem, content_type = "application/problem+json")))]
async fn book_group(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<GroupBooking>,
) -> AppResult<impl IntoResponse> {
    if body.person_ids.is_empty() || body.person_ids.len() > 500 {
        return Err(invalid(vec![FieldError { field: "person_ids", key: "form.required" }]));
    }
    let mut offerings = vec![id];
    offerings.extend(body.also.iter().copied().filter(|o| *o != id));
    let mut conn = state.db.conn().await?;
    let service = service_of_offering(&mut conn, id).await?;
    let staff = runs(&mut conn, &user, &service).await?;
    drop(conn);
    match bookings::book_group(&state, &user, &offerings, &body.person_ids, staff).await? {
        Ok(made) => Ok((StatusCode::CREATED, Json(made.iter().map(BookingView::from).collect::<Vec<_>>()))),
        Err((_, refusal)) => Err(bookings::refused(refusal)),
    }
}

/// Cancels a booking (its booker before the deadline, or an organiser). Frees the seat for
/// the first on the waiting list. Cancelling twice answers the same.
#[utoipa::path(delete, path = "/bookings/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Booking id")),
    responses((status = 200, description = "Cancelled", body = BookingView),
        (status = 404, description = "No such booking of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Past the cancellation deadline", body = Problem, content_type = "application/problem+json")))]
async fn cancel_booking(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<BookingView>> {
    let staff = staff_for_reservation(&state, &user, id).await?;
    let r = bookings::cancel(&state, &user, id, staff).await?;
    Ok(Json(BookingView::from(&r)))
}

/// Where to move a booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reschedule {
    /// Another slot of the same service.
    pub slot_id: i64,
}

/// Moves a booking to another slot of the same service; the old one stands until the new
/// one is confirmed.
#[utoipa::path(post, path = "/bookings/{id}/reschedule", tag = "appointments", request_body = Reschedule, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Booking id")),
    responses((status = 201, description = "The new booking (the old one is cancelled)", body = BookingView),
        (status = 409, description = "The new slot is full, or this booking can no longer move; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule says no; nothing changed", body = Problem, content_type = "application/problem+json")))]
async fn reschedule_booking(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<Reschedule>,
) -> AppResult<impl IntoResponse> {
    let booked = bookings::reschedule(&state, &user, id, body.slot_id).await?;
    Ok((StatusCode::CREATED, Json(BookingView::from(&booked.reservation))))
}

/// Attendance.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Attendance {
    /// `attended` or `no_show`.
    pub status: Status,
}

/// Marks a booking attended (登记) or no-show (organisers).
#[utoipa::path(post, path = "/bookings/{id}/attendance", tag = "appointments", request_body = Attendance, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Booking id")),
    responses((status = 200, description = "Marked", body = BookingView),
        (status = 409, description = "Not a confirmed booking", body = Problem, content_type = "application/problem+json")))]
async fn mark_booking(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<Attendance>,
) -> AppResult<Json<BookingView>> {
    let staff = staff_for_reservation(&state, &user, id).await?;
    let r = bookings::mark(&state, &user, id, body.status, staff).await?;
    Ok(Json(BookingView::from(&r)))
}

/// Your bookings, newest first.
#[utoipa::path(get, path = "/me/bookings", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, description = "Bookings", body = Vec<BookingView>)))]
async fn my_bookings(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<BookingView>>> {
    let all = booking_store::of_booker(&mut *state.db.conn().await?, user.id, 500).await?;
    Ok(Json(all.iter().map(BookingView::from).collect()))
}

/// A family member (or yourself, for real-name services).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPersonBody {
    /// Name as on the ID card.
    pub name: String,
    /// `self`, `parent`, `spouse`, `child`, `grandparent` or `other`.
    pub relation: String,
    /// 18-character resident ID number; needed for real-name services.
    pub id_number: Option<String>,
}

/// The people you book for.
#[utoipa::path(get, path = "/me/people", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, description = "People", body = Vec<Person>)))]
async fn list_people(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<Person>>> {
    Ok(Json(people::store::list(&mut *state.db.conn().await?, user.id).await?))
}

/// Adds a person you book for. The ID number is checked (GB 11643), stored encrypted and
/// shown masked.
#[utoipa::path(post, path = "/me/people", tag = "appointments", request_body = NewPersonBody, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Person),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn add_person(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(body): Json<NewPersonBody>,
) -> AppResult<impl IntoResponse> {
    let person = check_person(&body.name, &body.relation, body.id_number.as_deref()).map_err(invalid)?;
    let person = people::add(&state, user.id, person).await?;
    Ok((StatusCode::CREATED, Json(person)))
}

//! The appointments API: services, slots, bookings, family members. Same rules and errors as
//! the site: 201 on success, 409 when full or already booked, 422 for rule violations.
//! Services and slots are in `slot_api.rs`; this file holds the router and booking.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::appointments::{runs, service_of_offering, slot_api, staff_for_reservation};
use crate::bookings::model::Status;
use crate::bookings::service as bookings;
use crate::bookings::store::{self as booking_store, Reservation};
use crate::error::{AppError, AppResult, FieldError};
use crate::people;
use crate::people::model::{Person, check_person};
use crate::web::extract::{Json, Path};

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(slot_api::router())
        .routes(routes!(book_slot))
        .routes(routes!(draw_slot))
        .routes(routes!(book_group))
        .routes(routes!(cancel_booking))
        .routes(routes!(reschedule_booking))
        .routes(routes!(mark_booking))
        .routes(routes!(my_bookings))
        .routes(routes!(list_people, add_person))
}

pub(super) fn invalid(errors: Vec<FieldError>) -> AppError {
    AppError::Invalid(errors)
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
    let person = person_of(&body)?;
    let booked = bookings::book(&state, &user, id, person, key).await?;
    Ok((StatusCode::CREATED, Json(BookingView::from(&booked.reservation))))
}

/// A lottery draw: no body is needed.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Draw {
    /// No longer taken: the seed is the server's, committed (its SHA-256 published as the
    /// slot's `lottery_commitment`) when the lottery was created. Sending one is refused.
    #[schema(deprecated)]
    pub seed: Option<String>,
}

/// The drawn order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrawResult {
    /// The seed, revealed at the draw (64 hex characters).
    pub seed: String,
    /// Booking ids in drawn order: SHA-256 of `seed:id` (the id in decimal), ascending.
    pub order: Vec<i64>,
    /// SHA-256 of `seed` (hex), as published on the slot before anyone entered.
    pub commitment: String,
}

/// Draws a lottery slot (organisers) with the seed the server committed to when the slot was
/// created. Anyone can check the draw: SHA-256 of `seed` equals the slot's
/// `lottery_commitment`, published before the draw, and sorting the entrants by SHA-256 of
/// `seed:id` gives `order`.
#[utoipa::path(post, path = "/slots/{id}/draw", tag = "appointments", request_body(content = Option<Draw>), security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id")),
    responses((status = 200, description = "Drawn", body = DrawResult),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser of this slot", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such slot", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a lottery, or drawn already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A seed was sent: the seed is the server's, committed before entry", body = Problem, content_type = "application/problem+json")))]
async fn draw_slot(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Json<DrawResult>> {
    let draw: Draw = if body.iter().all(u8::is_ascii_whitespace) {
        Draw::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("error.json_unreadable"))?
    };
    if draw.seed.is_some() {
        return Err(invalid(vec![FieldError { field: "seed", key: "form.seed_committed" }]));
    }
    let service = service_of_offering(&mut *state.db.conn().await?, id).await?;
    let staff = runs(&mut *state.db.conn().await?, &user, &service).await?;
    let drawn = bookings::draw(&state, &user, id, staff).await?;
    Ok(Json(DrawResult { seed: drawn.seed, order: drawn.order, commitment: drawn.commitment }))
}

/// A group booking: named people (from the organiser's list) on this slot and, optionally,
/// on other offerings such as bus seats — all or nothing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupBooking {
    /// People from the organiser's `GET /me/people` (1 to 500; a person named twice is booked once).
    pub person_ids: Vec<i64>,
    /// Further offerings every person is booked on too (e.g. transport): at most 10 offerings
    /// with the slot, each run by the caller.
    #[serde(default)]
    pub also: Vec<i64>,
}

/// Offerings one group booking may span (the slot and its `also`).
pub const MAX_GROUP_OFFERINGS: usize = 10;

/// Each id once, in the order first given.
fn once(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Books a group (organisers), all or nothing. Every person on every offering passes the
/// same checks as a single booking (window, real-name ID, age, streets, per-user limit), and
/// the caller must run every offering named.
#[utoipa::path(post, path = "/slots/{id}/group-bookings", tag = "appointments", request_body = GroupBooking, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Slot id")),
    responses((status = 201, description = "All booked", body = Vec<BookingView>),
        (status = 403, description = "The caller does not run the slot or one of the `also` offerings; nothing was booked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such slot, offering or person of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone could not be booked (full, already booked); nothing was", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No people or too many offerings, or a rule says no for someone (window, real-name ID, age, street, per-user limit); nothing was booked", body = Problem, content_type = "application/problem+json")))]
async fn book_group(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<GroupBooking>,
) -> AppResult<impl IntoResponse> {
    let people = once(body.person_ids.iter().copied());
    if people.is_empty() || people.len() > 500 {
        return Err(invalid(vec![FieldError { field: "person_ids", key: "form.required" }]));
    }
    let offerings = once(std::iter::once(id).chain(body.also.iter().copied()));
    if offerings.len() > MAX_GROUP_OFFERINGS {
        return Err(invalid(vec![FieldError { field: "also", key: "form.too_many_offerings" }]));
    }
    // The path names an appointment slot; the service checks who runs each offering.
    service_of_offering(&mut *state.db.conn().await?, id).await?;
    match bookings::book_group(&state, &user, &offerings, &people).await? {
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
        (status = 422, description = "Past the cancellation deadline", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an active booking (attended, marked no-show, or a lottery entry already drawn)", body = Problem, content_type = "application/problem+json")))]
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
        (status = 409, description = "Not a confirmed booking", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser of the booking's service", body = Problem, content_type = "application/problem+json")))]
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

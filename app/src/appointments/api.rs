//! The appointments API: services, slots, bookings, family members. Same rules and errors as
//! the site: 201 on success, 409 when full or already booked, 422 for rule violations.
//! Services and slots are in `slot_api.rs`; booking, cancelling, moving, attendance and the
//! caller's list are the booking API's (`bookings::api`), mounted here as slots and bookings;
//! this file adds what only appointments have: lottery draws, group bookings and the people
//! one books for.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::appointments::service_of_offering;
use crate::bookings::api::{BookingView, Names};
use crate::bookings::service as bookings;
use crate::error::{AppError, AppResult, FieldError};
use crate::people;
use crate::people::model::{Person, check_person};
use crate::web::extract::{Json, Path};

/// What the booking API calls this domain's offerings and reservations.
pub const NAMES: Names =
    Names { tag: "appointments", offering: "slot", reservation: "booking", book_operation: "book_slot" };

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(NAMES.book())
        .routes(routes!(draw_slot))
        .routes(routes!(book_group))
        .routes(NAMES.cancel())
        .routes(NAMES.reschedule())
        .routes(NAMES.attendance())
        .routes(NAMES.mine())
        .routes(routes!(list_people, add_person))
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
        return Err(AppError::Invalid(vec![FieldError { field: "seed", key: "form.seed_committed" }]));
    }
    // Only an appointment slot is drawn here (404 for any other offering).
    service_of_offering(&mut *state.db.conn().await?, id).await?;
    let drawn = bookings::draw(&state, &user, id).await?;
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
        return Err(AppError::Invalid(vec![FieldError { field: "person_ids", key: "form.required" }]));
    }
    let offerings = once(std::iter::once(id).chain(body.also.iter().copied()));
    if offerings.len() > MAX_GROUP_OFFERINGS {
        return Err(AppError::Invalid(vec![FieldError { field: "also", key: "form.too_many_offerings" }]));
    }
    // The path names an appointment slot; the service checks who runs each offering.
    service_of_offering(&mut *state.db.conn().await?, id).await?;
    match bookings::book_group(&state, &user, &offerings, &people).await? {
        Ok(made) => Ok((StatusCode::CREATED, Json(made.iter().map(BookingView::from).collect::<Vec<_>>()))),
        Err((_, refusal)) => Err(bookings::refused(refusal)),
    }
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
    let person = check_person(&body.name, &body.relation, body.id_number.as_deref()).map_err(AppError::Invalid)?;
    let person = people::add(&state, user.id, person).await?;
    Ok((StatusCode::CREATED, Json(person)))
}

//! The booking API, once for every kind of offering: booking one for yourself or a family
//! member (with an idempotency key), cancelling, moving to another offering of the same
//! service, marking attendance, and listing your own. Appointments mount it as slots and
//! bookings (`POST /slots/{id}/bookings`, `DELETE /bookings/{id}`, …), activities as sessions
//! and registrations (`POST /sessions/{id}/registrations`, `DELETE /registrations/{id}`, …):
//! their [`Names`] say which words, URLs and operations each has.
//!
//! Each operation's annotation is written once, with `{offering}` and `{reservation}` (and
//! `{Offering}`, `{Reservation}`, `{reservations}`, `{Reservations}`) where a domain's words go,
//! and a placeholder path; [`Names`] puts in the domain's words, URL, tag and operation id when
//! the domain mounts it. The behaviour is the same whichever URL is used: a reservation of any
//! kind is cancelled, listed or marked by the same rules.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::Paths;
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::bookings::model::Status;
use crate::bookings::service;
use crate::bookings::store::{self, Reservation};
use crate::error::{AppError, AppResult};
use crate::web::extract::{Json, Path};

/// How a domain names its offerings and reservations in the API.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    /// The tag of its operations: `appointments`, `events`.
    pub tag: &'static str,
    /// What its offerings are called: `slot`, `session` (their URLs use the plural).
    pub offering: &'static str,
    /// What its reservations are called: `booking`, `registration` (likewise).
    pub reservation: &'static str,
    /// The id of its booking operation (`book_slot`, `register`); the others are named after
    /// the reservation (`cancel_booking`, `my_registrations`).
    pub book_operation: &'static str,
}

impl Names {
    /// `POST /{offerings}/{id}/{reservations}`: book.
    pub fn book(self) -> UtoipaMethodRouter<AppState> {
        let path = format!("/{}s/{{id}}/{}s", self.offering, self.reservation);
        self.mount(routes!(book), &path, self.book_operation)
    }

    /// `DELETE /{reservations}/{id}`: cancel.
    pub fn cancel(self) -> UtoipaMethodRouter<AppState> {
        let path = format!("/{}s/{{id}}", self.reservation);
        self.mount(routes!(cancel), &path, &format!("cancel_{}", self.reservation))
    }

    /// `POST /{reservations}/{id}/reschedule`: move to another offering of the same service.
    pub fn reschedule(self) -> UtoipaMethodRouter<AppState> {
        let path = format!("/{}s/{{id}}/reschedule", self.reservation);
        self.mount(routes!(reschedule), &path, &format!("reschedule_{}", self.reservation))
    }

    /// `POST /{reservations}/{id}/attendance`: mark attended or no-show.
    pub fn attendance(self) -> UtoipaMethodRouter<AppState> {
        let path = format!("/{}s/{{id}}/attendance", self.reservation);
        self.mount(routes!(mark), &path, &format!("mark_{}", self.reservation))
    }

    /// `GET /me/{reservations}`: the caller's own.
    pub fn mine(self) -> UtoipaMethodRouter<AppState> {
        let path = format!("/me/{}s", self.reservation);
        self.mount(routes!(mine), &path, &format!("my_{}s", self.reservation))
    }

    /// The operation at `path` under this domain's tag and `operation_id`, its descriptions in
    /// this domain's words.
    fn mount(
        self,
        (schemas, paths, handler): UtoipaMethodRouter<AppState>,
        path: &str,
        operation_id: &str,
    ) -> UtoipaMethodRouter<AppState> {
        let mut mounted = Paths::new();
        for (_, mut item) in paths.paths {
            for operation in crate::api::contract::operations_mut(&mut item) {
                operation.tags = Some(vec![self.tag.to_owned()]);
                operation.operation_id = Some(operation_id.to_owned());
                for text in [&mut operation.summary, &mut operation.description].into_iter().flatten() {
                    *text = self.words(text);
                }
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let RefOr::T(parameter) = parameter
                        && let Some(text) = &mut parameter.description
                    {
                        *text = self.words(text);
                    }
                }
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        response.description = self.words(&response.description);
                    }
                }
            }
            mounted.paths.insert(path.to_owned(), item);
        }
        (schemas, mounted, handler)
    }

    /// `text` with this domain's words in place of the placeholders.
    fn words(self, text: &str) -> String {
        let capital = |word: &str| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        };
        let reservations = format!("{}s", self.reservation);
        [
            ("{offering}", self.offering.to_owned()),
            ("{Offering}", capital(self.offering)),
            ("{Reservations}", capital(&reservations)),
            ("{reservations}", reservations),
            ("{reservation}", self.reservation.to_owned()),
            ("{Reservation}", capital(self.reservation)),
        ]
        .iter()
        .fold(text.to_owned(), |text, (placeholder, word)| text.replace(placeholder, word))
    }
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

/// Books a {offering} for yourself or a family member. Send an `Idempotency-Key` header: a retry
/// with the same key books nothing more and answers the same.
#[utoipa::path(post, path = "/offerings/{id}/reservations", request_body(content = Option<BookingRequest>), security(("bearer" = [])),
    params(("id" = i64, Path, description = "{Offering} id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string per booking attempt, up to 128 characters")),
    responses((status = 201, description = "Booked (or waitlisted, or entered in a lottery)", body = BookingView),
        (status = 409, description = "Full, or the person already holds an active {reservation} (one at a time per appointment service, one per activity session)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule says no (window, age, street, real-name ID)", body = Problem, content_type = "application/problem+json")))]
async fn book(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<BookingView>)> {
    let key = idempotency_key(&headers)?;
    let person = person_of(&body)?;
    let booked = service::book(&state, &user, id, person, key).await?;
    Ok((StatusCode::CREATED, Json(BookingView::from(&booked.reservation))))
}

/// Cancels a {reservation} (its booker before the deadline, or an organiser). Frees the seat for
/// the first on the waiting list. Cancelling twice answers the same.
#[utoipa::path(delete, path = "/reservations/{id}", security(("bearer" = [])),
    params(("id" = i64, Path, description = "{Reservation} id")),
    responses((status = 200, description = "Cancelled", body = BookingView),
        (status = 404, description = "No such {reservation} of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Past the cancellation deadline", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an active {reservation} (attended, marked no-show, or a lottery entry already drawn)", body = Problem, content_type = "application/problem+json")))]
async fn cancel(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<BookingView>> {
    let r = service::cancel(&state, &user, id, service::CancelAs::Runner).await?;
    Ok(Json(BookingView::from(&r)))
}

/// Where to move a booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reschedule {
    /// Another slot of the same service.
    pub slot_id: i64,
}

/// Moves a {reservation} to another {offering} of the same service; the old one stands until the new
/// one is confirmed.
#[utoipa::path(post, path = "/reservations/{id}/reschedule", request_body = Reschedule, security(("bearer" = [])),
    params(("id" = i64, Path, description = "{Reservation} id")),
    responses((status = 201, description = "The new {reservation} (the old one is cancelled)", body = BookingView),
        (status = 409, description = "The new {offering} is full, or this {reservation} can no longer move; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rule says no; nothing changed", body = Problem, content_type = "application/problem+json")))]
async fn reschedule(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<Reschedule>,
) -> AppResult<(StatusCode, Json<BookingView>)> {
    let booked = service::reschedule(&state, &user, id, body.slot_id).await?;
    Ok((StatusCode::CREATED, Json(BookingView::from(&booked.reservation))))
}

/// Attendance.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Attendance {
    /// `attended` or `no_show`.
    pub status: Status,
}

/// Marks a {reservation} attended (登记) or no-show (organisers).
#[utoipa::path(post, path = "/reservations/{id}/attendance", request_body = Attendance, security(("bearer" = [])),
    params(("id" = i64, Path, description = "{Reservation} id")),
    responses((status = 200, description = "Marked", body = BookingView),
        (status = 409, description = "Not a confirmed {reservation}", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser of the {reservation}'s service", body = Problem, content_type = "application/problem+json")))]
async fn mark(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<Attendance>,
) -> AppResult<Json<BookingView>> {
    let r = service::mark(&state, &user, id, body.status).await?;
    Ok(Json(BookingView::from(&r)))
}

/// Your {reservations}, newest first: appointment bookings and activity registrations alike.
#[utoipa::path(get, path = "/me/reservations", security(("bearer" = [])),
    responses((status = 200, description = "{Reservations}", body = Vec<BookingView>)))]
async fn mine(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<BookingView>>> {
    let all = store::of_booker(&mut *state.db.conn().await?, user.id, 500).await?;
    Ok(Json(all.iter().map(BookingView::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SESSIONS: Names =
        Names { tag: "events", offering: "session", reservation: "registration", book_operation: "register" };

    #[test]
    fn a_domain_mounts_each_operation_at_its_url_in_its_words() {
        let (_, paths, _) = SESSIONS.cancel();
        let (path, item) = paths.paths.iter().next().unwrap();
        assert_eq!(path, "/registrations/{id}");
        let op = item.delete.as_ref().unwrap();
        assert_eq!(op.operation_id.as_deref(), Some("cancel_registration"));
        assert_eq!(op.tags.as_deref(), Some(&["events".to_owned()][..]));
        assert!(op.summary.as_deref().unwrap().starts_with("Cancels a registration (its booker"));
        let text = serde_json::to_string(op).unwrap();
        assert!(text.contains("Registration id") && text.contains("No such registration of yours"), "{text}");
        assert!(!text.to_lowercase().contains("{reservation"), "{text}");
        let (_, paths, _) = SESSIONS.mine();
        let op = paths.paths["/me/registrations"].get.clone().unwrap();
        assert_eq!(op.operation_id.as_deref(), Some("my_registrations"));
        assert!(serde_json::to_string(&op).unwrap().contains("\"Registrations\""));
    }
}

//! The activities API: events, sessions (single or a series), registrations. Same rules and
//! errors as appointments: 201, 409 when full or already registered, 422 for rule violations.
//! Registering, cancelling and the caller's list are the booking API's (`bookings::api`),
//! mounted here as sessions and registrations; sessions are made by the one path that makes
//! offerings (`bookings::offer`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Created, MaybeApiUser, Problem};
use crate::app::AppState;
use crate::bookings as booking_store;
use crate::bookings::api::Names;
use crate::bookings::model::Offering;
use crate::bookings::offer::{NewOfferings, RulesInput, Terms, check_capacity, check_online_url, parse_time};
use crate::clock::{local_day, rfc3339};
use crate::error::{AppError, AppResult, FieldError};
use crate::events::model::{Event, EventKind, check_event};
use crate::events::service::{self, Plan, Scope, SessionChange};
use crate::events::store::{self, Filter};
use crate::web::extract::{Json, Path, Query};

/// What the booking API calls this domain's offerings and reservations.
pub const NAMES: Names =
    Names { tag: "events", offering: "session", reservation: "registration", book_operation: "register" };

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(get_event))
        .routes(routes!(add_sessions))
        .routes(routes!(change_session))
        .routes(NAMES.book())
        .routes(NAMES.cancel())
        .routes(NAMES.mine())
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_cover, delete_cover))
                .layer(axum::extract::DefaultBodyLimit::max(crate::media::model::MAX_UPLOAD_BYTES)),
        )
}

/// Sets the event's cover from a JPEG, PNG or WebP body (organisers who run the event). It is
/// scaled to fit 1200×900, re-encoded as JPEG and stripped of metadata.
#[utoipa::path(put, path = "/events/{id}/cover", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP picture, at most 10 MB"),
    responses((status = 204, description = "Set; the event's `cover_url` serves it"),
        (status = 403, description = "Not an organiser of this event", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MB"),
        (status = 422, description = "Not a readable JPEG, PNG or WebP, or more than 40 million pixels", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many pictures being processed; try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json")))]
async fn put_cover(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<StatusCode> {
    service::set_cover(&state, &user, id, Some(body.to_vec())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the event's cover.
#[utoipa::path(delete, path = "/events/{id}/cover", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 204, description = "Removed"),
        (status = 403, description = "Not an organiser of this event", body = Problem, content_type = "application/problem+json")))]
async fn delete_cover(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    service::set_cover(&state, &user, id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Event filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Sessions from this day (`YYYY-MM-DD`), default today.
    pub from: Option<String>,
    /// Sessions up to this day, inclusive; default 30 days on.
    pub to: Option<String>,
    /// Sessions at venues of this street (id).
    pub street: Option<i64>,
    /// Sessions at this venue (id).
    pub venue: Option<i64>,
    /// Sessions at venues of this community (id).
    pub community: Option<i64>,
    /// Kind of event.
    pub kind: Option<EventKind>,
}

/// An event in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    /// The event.
    #[serde(flatten)]
    pub event: Event,
    /// Start of its next open session in the range (RFC 3339).
    pub next_session: String,
}

/// Parses a day bound; `end` makes it the end of that day.
fn day_bound(raw: Option<&str>, default: chrono::NaiveDate, end: bool) -> AppResult<i64> {
    let day = match raw {
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest("error.query_unreadable"))?,
        None => default,
    };
    let (from, to) = crate::clock::day_range(day);
    Ok(if end { to } else { from })
}

/// Filter from the query, relative to today.
pub fn filter(state: &AppState, q: &EventQuery, members: bool) -> AppResult<Filter> {
    let today = local_day(state.clock.unix());
    Ok(Filter {
        from: day_bound(q.from.as_deref(), today, false)?,
        to: day_bound(q.to.as_deref(), today + chrono::Duration::days(30), true)?,
        street: q.street,
        venue: q.venue,
        community: q.community,
        kind: q.kind,
        members,
    })
}

/// Events with sessions in a date range.
#[utoipa::path(get, path = "/events", tag = "events", params(EventQuery),
    responses((status = 200, description = "Events, soonest first", body = Vec<EventSummary>),
        (status = 400, description = "Bad dates", body = Problem, content_type = "application/problem+json")))]
async fn list_events(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Query(q): Query<EventQuery>,
) -> AppResult<Json<Vec<EventSummary>>> {
    let f = filter(&state, &q, user.is_some())?;
    let found = store::list(&mut *state.db.conn().await?, &f, 500).await?;
    Ok(Json(found.into_iter().map(|l| EventSummary { event: l.event, next_session: rfc3339(l.next_start) }).collect()))
}

/// A new event.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEventBody {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Campaign tag.
    #[serde(default)]
    pub campaign: String,
    /// Organising department.
    pub department_id: Option<i64>,
    /// Organising street.
    pub street_id: Option<i64>,
    /// Only for logged-in residents.
    #[serde(default)]
    pub members_only: bool,
}

/// Creates an event (organisers).
#[utoipa::path(post, path = "/events", tag = "events", request_body = NewEventBody, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Created),
        (status = 403, description = "Not an organiser here", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn create_event(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(b): Json<NewEventBody>,
) -> AppResult<impl IntoResponse> {
    let e = check_event(&b.title, &b.kind, &b.description, &b.campaign, b.department_id, b.street_id, b.members_only)
        .map_err(AppError::Invalid)?;
    let id = service::create(&state, &user, e).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A session as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Id (book it with `POST /sessions/{id}/registrations`).
    pub id: i64,
    /// Venue (absent: online).
    pub venue_id: Option<i64>,
    /// Start (RFC 3339).
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Seats (absent: unlimited).
    pub capacity: Option<i64>,
    /// Seats taken.
    pub booked: i64,
    /// `open` or `cancelled`.
    pub status: String,
    /// Whether it is online (the link is given to registrants).
    pub online: bool,
    /// The series it belongs to.
    pub series_id: Option<i64>,
}

impl From<&Offering> for SessionView {
    fn from(o: &Offering) -> Self {
        Self {
            id: o.id,
            venue_id: o.venue_id,
            starts_at: rfc3339(o.starts_at),
            ends_at: rfc3339(o.ends_at),
            capacity: o.capacity,
            booked: o.booked,
            status: o.status.clone(),
            online: o.online_url.is_some(),
            series_id: o.series_id,
        }
    }
}

/// An event with its sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetail {
    /// The event.
    #[serde(flatten)]
    pub event: Event,
    /// Its sessions, in time order.
    pub sessions: Vec<SessionView>,
}

/// An event and its sessions.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, description = "The event", body = EventDetail),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json")))]
async fn get_event(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<EventDetail>> {
    let mut conn = state.db.conn().await?;
    let event =
        store::get(&mut conn, id).await?.filter(|e| !e.members_only || user.is_some()).ok_or(AppError::NotFound)?;
    let sessions = booking_store::offerings_of_event(&mut conn, id).await?;
    Ok(Json(EventDetail { event, sessions: sessions.iter().map(SessionView::from).collect() }))
}

/// New sessions: one (`starts_at`, `ends_at`) or a series (`rrule` + `duration_minutes`), at
/// one or more venues or online.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSessions {
    /// Venue of a single session.
    pub venue_id: Option<i64>,
    /// Venues: a session at each (series across venues).
    #[serde(default)]
    pub venue_ids: Vec<i64>,
    /// Link for an online session.
    pub online_url: Option<String>,
    /// Start of a single session (RFC 3339).
    pub starts_at: Option<String>,
    /// End of a single session.
    pub ends_at: Option<String>,
    /// RFC 5545 recurrence: `DTSTART;TZID=Asia/Shanghai:20261205T190000` and `RRULE:…` lines.
    pub rrule: Option<String>,
    /// Length of each session of a series, in minutes.
    pub duration_minutes: Option<i64>,
    /// Seats per session (absent: unlimited).
    pub capacity: Option<i64>,
    /// Booking rules of every session.
    #[serde(flatten)]
    pub rules: RulesInput,
}

/// What was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedSessions {
    /// The first session.
    pub id: i64,
    /// Every session created.
    pub ids: Vec<i64>,
}

/// Adds sessions (organisers).
#[utoipa::path(post, path = "/events/{id}/sessions", tag = "events", request_body = NewSessions, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 201, description = "Created", body = CreatedSessions),
        (status = 403, description = "Not an organiser of this event", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or `mode: lottery` (only an appointment slot can be drawn)", body = Problem, content_type = "application/problem+json")))]
async fn add_sessions(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<NewSessions>,
) -> AppResult<impl IntoResponse> {
    let mut errors = Vec::new();
    let terms = Terms::check(&b.rules, b.capacity, &mut errors);
    terms.first_come_only(&mut errors);
    let single = b.starts_at.as_deref().and_then(|s| parse_time("starts_at", s, &mut errors));
    let single_end = b.ends_at.as_deref().and_then(|s| parse_time("ends_at", s, &mut errors));
    let starts = service::starts(b.rrule.as_deref(), single, &mut errors);
    let duration = match (b.rrule.is_some(), b.duration_minutes, single, single_end) {
        (true, Some(m), _, _) if (5..=24 * 60).contains(&m) => m * 60,
        (false, _, Some(s), Some(e)) if e > s => e - s,
        (true, _, _, _) => {
            errors.push(FieldError { field: "duration_minutes", key: "form.number_invalid" });
            0
        }
        _ => {
            errors.push(FieldError { field: "ends_at", key: "form.time_order" });
            0
        }
    };
    let mut venues = b.venue_ids.clone();
    venues.extend(b.venue_id);
    let online_url = check_online_url(b.online_url.as_deref(), &mut errors);
    if venues.is_empty() && online_url.is_none() {
        errors.push(FieldError { field: "venue_ids", key: "form.venue_or_online" });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let times = starts.iter().map(|s| (*s, s + duration)).collect();
    let sessions = NewOfferings { times, places: NewOfferings::places(&venues), online_url, terms };
    let ids = service::add_sessions(&state, &user, id, Plan { sessions, rrule: b.rrule.clone() }).await?;
    Ok((StatusCode::CREATED, Json(CreatedSessions { id: ids.first().copied().unwrap_or_default(), ids })))
}

/// A change to a session, or to it and the rest of its series.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SessionChangeBody {
    /// `this` (default) or `following`.
    #[serde(default)]
    pub scope: Option<String>,
    /// Cancel (registrants are told).
    #[serde(default)]
    pub cancel: bool,
    /// Move by this many minutes, at most a year either way.
    pub shift_minutes: Option<i64>,
    /// New seats per session, 0–100,000.
    pub capacity: Option<i64>,
}

/// The longest move of a session, in minutes: a year.
const MAX_SHIFT_MINUTES: i64 = 366 * 24 * 60;

/// The sessions changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    /// Their ids.
    pub ids: Vec<i64>,
}

/// Edits or cancels a session or the rest of its series (organisers).
#[utoipa::path(patch, path = "/sessions/{id}", tag = "events", request_body = SessionChangeBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Session id")),
    responses((status = 200, description = "Changed", body = Changed),
        (status = 409, description = "Capacity below registrations", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser of this event", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `scope`, seats outside 0–100,000, or a move of more than a year", body = Problem, content_type = "application/problem+json")))]
async fn change_session(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<SessionChangeBody>,
) -> AppResult<Json<Changed>> {
    let mut errors = Vec::new();
    let scope = match b.scope.as_deref() {
        None | Some("this") => Scope::This,
        Some("following") => Scope::Following,
        Some(_) => {
            errors.push(FieldError { field: "scope", key: "form.choice_invalid" });
            Scope::This
        }
    };
    // Bounded here, so the seconds cannot overflow and a session cannot land centuries away.
    let shift = b.shift_minutes.filter(|m| (-MAX_SHIFT_MINUTES..=MAX_SHIFT_MINUTES).contains(m));
    if shift.is_none() && b.shift_minutes.is_some() {
        errors.push(FieldError { field: "shift_minutes", key: "form.number_invalid" });
    }
    if let Some(c) = b.capacity {
        check_capacity(c, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let change = SessionChange { cancel: b.cancel, shift: shift.map(|m| m * 60), capacity: b.capacity };
    let ids = service::change_sessions(&state, &user, id, scope, change).await?;
    Ok(Json(Changed { ids }))
}

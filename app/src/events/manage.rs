//! Back office for activities: organisers create events, add a session or a whole series
//! (weekly on chosen days until a date, at many venues at once), and move, resize or cancel a
//! session or the rest of its series.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::TimeZone as _;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::bookings as booking_store;
use crate::clock::DISTRICT_OFFSET;
use crate::error::{AppError, AppResult};
use crate::events::event_form::{create_event, edit_event, new_event, update_event};
use crate::events::model::Event;
use crate::events::service::{self, Scope, SessionChange};
use crate::events::sessions_form::SessionsForm;
use crate::events::store;
use crate::web::extract::{Form, Path};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/events", get(list))
        .route("/manage/events/new", get(new_event).post(create_event))
        .route("/manage/events/{id}", get(event_admin))
        .route("/manage/events/{id}/edit", get(edit_event).post(update_event))
        .route("/manage/events/{id}/sessions", post(add_sessions))
        .route("/manage/sessions/{id}/cancel", post(cancel_sessions))
        .route("/manage/sessions/{id}/edit", post(edit_sessions))
        .route(
            "/manage/events/{id}/cover",
            post(set_cover).layer(axum::extract::DefaultBodyLimit::max(crate::web::csrf::UPLOAD_LIMIT)),
        )
}

/// The cover form's text: the remove button, whose presence alone counts.
#[derive(Debug, Deserialize)]
struct CoverForm {
    remove: Option<String>,
}

/// Uploads (or with the remove button, takes away) the event's cover image.
async fn set_cover(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    let (CoverForm { remove }, bytes) = crate::web::extract::form_with_file(request, &state, "cover").await?;
    let upload = if remove.is_some() { None } else { Some(bytes) };
    match service::set_cover(&state, &user, id, upload).await {
        Ok(()) => Ok(see_other(&format!("/manage/events/{id}"))),
        Err(AppError::Rule(key)) => {
            let mut page = admin_page(&state, ctx, &user, id, SessionsForm::default(), Errors::none(), None).await?;
            page.cover_error = Some(key);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

#[derive(askama::Template)]
#[template(path = "events/manage_list.html")]
struct ListPage {
    ctx: Ctx,
    events: Vec<Event>,
    /// The organiser's other work pages (this list is their start page).
    strip: crate::authz::start::Strip,
}

async fn list(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Organising>) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let all = store::all(&mut conn, 1000).await?;
    let mut events = Vec::new();
    for e in all {
        if service::runs(&mut conn, &user, &e).await? {
            events.push(e);
        }
    }
    let strip = crate::authz::start::Strip::links(&user.principal, &ctx.path);
    render(&ListPage { ctx, events, strip })
}

/// A session row for organisers.
struct AdminSession {
    id: i64,
    when: String,
    place: String,
    capacity: String,
    booked: i64,
    cancelled: bool,
    in_series: bool,
    /// Start as a `datetime-local` value, district time.
    starts_local: String,
    /// Capacity as a number field's value ("" for unlimited).
    capacity_value: String,
}

/// A venue to tick.
struct VenueChoice {
    id: i64,
    name: String,
    checked: bool,
}

#[derive(askama::Template)]
#[template(path = "events/manage_event.html")]
struct AdminPage {
    ctx: Ctx,
    event: Event,
    sessions: Vec<AdminSession>,
    streets: Vec<(String, Vec<VenueChoice>)>,
    form: SessionsForm,
    errors: Errors,
    created: Option<usize>,
    /// Why the last cover upload was refused.
    cover_error: Option<&'static str>,
    /// Why the last change of a session (its id) was refused.
    session_error: Option<(i64, &'static str)>,
}

impl AdminPage {
    /// Why the last change of this session was refused.
    fn error_for(&self, session: i64) -> Option<&'static str> {
        self.session_error.filter(|(id, _)| *id == session).map(|(_, key)| key)
    }

    /// Translation key of an RFC 5545 weekday.
    fn weekday_key(&self, day: &str) -> &'static str {
        match day {
            "MO" => "weekday.mon",
            "TU" => "weekday.tue",
            "WE" => "weekday.wed",
            "TH" => "weekday.thu",
            "FR" => "weekday.fri",
            "SA" => "weekday.sat",
            _ => "weekday.sun",
        }
    }
}

async fn admin_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    form: SessionsForm,
    errors: Errors,
    created: Option<usize>,
) -> AppResult<AdminPage> {
    let mut conn = state.db.conn().await?;
    let event = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !service::runs(&mut conn, user, &event).await? {
        return Err(AppError::Forbidden);
    }
    let offerings = booking_store::offerings_of_event(&mut conn, id).await?;
    drop(conn);
    let structure = state.structure.get(state).await?;
    let venue_name =
        |v: i64| structure.blocks.iter().flat_map(|b| b.venues.iter()).find(|x| x.id.0 == v).map(|x| x.name.clone());
    let sessions = offerings
        .iter()
        .take(500)
        .map(|o| AdminSession {
            id: o.id,
            when: ctx.when_range(o.starts_at, o.ends_at),
            place: o.venue_id.and_then(venue_name).unwrap_or_else(|| ctx.t("events.online").into()),
            capacity: o.capacity.map(|c| c.to_string()).unwrap_or_else(|| "—".into()),
            booked: o.booked,
            cancelled: o.status != "open",
            in_series: o.series_id.is_some(),
            starts_local: chrono::DateTime::from_timestamp(o.starts_at, 0)
                .map(|t| t.with_timezone(&DISTRICT_OFFSET).format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            capacity_value: o.capacity.map(|c| c.to_string()).unwrap_or_default(),
        })
        .collect();
    let streets = structure
        .blocks
        .iter()
        .map(|b| {
            let venues = b
                .venues
                .iter()
                .map(|v| VenueChoice { id: v.id.0, name: v.name.clone(), checked: form.venues.contains(&v.id.0) })
                .collect();
            (b.street.name.clone(), venues)
        })
        .collect();
    // The summary at the top names each field; the weekdays and venues are checkbox groups,
    // linked through their first box and their fieldset, and the rule's errors through 重复到.
    let errors = errors
        .label("first_date", "events.first_date")
        .label("start_time", "events.start_time")
        .label("end_time", "events.end_time")
        .label("weekday", "events.repeat")
        .label("until", "events.until")
        .label("rrule", "events.until")
        .label("venue", "events.venues")
        .label("online_url", "events.online_url")
        .label("capacity", "field.capacity")
        .anchor("rrule", "f-until");
    Ok(AdminPage { ctx, event, sessions, streets, form, errors, created, cover_error: None, session_error: None })
}

#[derive(Debug, Default, Deserialize)]
struct CreatedQuery {
    created: Option<usize>,
}

async fn event_admin(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    crate::web::extract::Query(q): crate::web::extract::Query<CreatedQuery>,
) -> AppResult<Response> {
    render(&admin_page(&state, ctx, &user, id, SessionsForm::default(), Errors::none(), q.created).await?)
}

async fn add_sessions(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let form = SessionsForm::parse(&body);
    let mut errors = Vec::new();
    let result = match form.plan(&mut errors) {
        Some(plan) if errors.is_empty() => service::add_sessions(&state, &user, id, plan).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(ids) => Ok(see_other(&format!("/manage/events/{id}?created={}", ids.len()))),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &admin_page(&state, ctx, &user, id, form, errors.into(), None).await?,
        ),
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
struct CancelForm {
    #[serde(default)]
    scope: String,
}

async fn cancel_sessions(
    State(state): State<AppState>,
    Staff { user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<CancelForm>,
) -> AppResult<Response> {
    let scope = if f.scope == "following" { Scope::Following } else { Scope::This };
    let session = booking_store::offering(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let event = session.event_id.ok_or(AppError::NotFound)?;
    service::change_sessions(&state, &user, id, scope, SessionChange { cancel: true, ..SessionChange::default() })
        .await?;
    Ok(see_other(&format!("/manage/events/{event}")))
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    capacity: String,
}

/// Moves and/or resizes a session, or it and the rest of its series: the later sessions move
/// by as much as this one does. Registrants keep their places.
async fn edit_sessions(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    let scope = if f.scope == "following" { Scope::Following } else { Scope::This };
    let session = booking_store::offering(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let event = session.event_id.ok_or(AppError::NotFound)?;
    let starts = chrono::NaiveDateTime::parse_from_str(f.starts_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| DISTRICT_OFFSET.from_local_datetime(&t).single());
    let capacity = match f.capacity.trim() {
        "" => Some(None),
        text => text.parse::<i64>().ok().filter(|c| *c >= 0).map(Some),
    };
    let (Some(starts), Some(capacity)) = (starts, capacity) else {
        return edit_refused(&state, ctx, &user, event, id, "events.edit_invalid").await;
    };
    let shift = starts.timestamp() - session.starts_at;
    let change = SessionChange {
        cancel: false,
        shift: (shift != 0).then_some(shift),
        capacity: capacity.filter(|c| Some(*c) != session.capacity),
    };
    match service::change_sessions(&state, &user, id, scope, change).await {
        Ok(_) => Ok(see_other(&format!("/manage/events/{event}"))),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => edit_refused(&state, ctx, &user, event, id, key).await,
        Err(other) => Err(other),
    }
}

async fn edit_refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    event: i64,
    session: i64,
    key: &'static str,
) -> AppResult<Response> {
    let mut page = admin_page(state, ctx, user, event, SessionsForm::default(), Errors::none(), None).await?;
    page.session_error = Some((session, key));
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

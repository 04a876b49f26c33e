//! Site handlers: residents find a service, pick a day and a slot, book for themselves or a
//! family member, see and cancel their bookings with a QR ticket; staff see a day's sheet,
//! mark attendance and export it.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use chrono::{Datelike as _, Duration, NaiveDate};
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::model::{day_range, local_date, time_range};
use crate::appointments::views::{
    BookingRow, Day, DaySheetPage, MyBookingsPage, PeoplePage, ServicePage, ServicesPage, SlotRow,
};
use crate::appointments::{runs, service_of_offering, staff_for_reservation, store};
use crate::bookings::listing::{self, Line};
use crate::bookings::model::Status;
use crate::bookings::service as bookings;
use crate::bookings::store as booking_store;
use crate::crypto::random_token;
use crate::error::{AppError, AppResult};
use crate::people::model::check_person;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, safe_next, see_other};

/// Routes of this domain (site side).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/slots/{id}/book", post(book))
        .route("/me/bookings", get(my_bookings))
        .route("/bookings/{id}/cancel", post(cancel))
        .route("/bookings/{id}/reschedule", post(reschedule))
        .route("/bookings/{id}/ticket.svg", get(ticket))
        .route("/me/people", get(people).post(add_person))
        .route("/manage/services/{id}", get(day_sheet))
        .route("/manage/services/{id}/export.csv", get(export))
        .route("/manage/services/{id}/export.xlsx", get(export_xlsx))
        .route("/manage/bookings/{id}/mark", post(mark))
}

async fn services(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let services = store::list(&mut *state.db.conn().await?, 0, 500).await?;
    render(&ServicesPage { ctx, services })
}

#[derive(Debug, Default, Deserialize)]
struct DayQuery {
    date: Option<String>,
    /// A booking to move here (from “my bookings”).
    #[serde(rename = "move")]
    moving: Option<i64>,
}

fn days(ctx: &Ctx, today: NaiveDate, current: NaiveDate, count: i64) -> Vec<Day> {
    (0..count)
        .map(|i| {
            let d = today + Duration::days(i);
            let weekday = ctx.t(match d.weekday().number_from_monday() {
                1 => "weekday.mon",
                2 => "weekday.tue",
                3 => "weekday.wed",
                4 => "weekday.thu",
                5 => "weekday.fri",
                6 => "weekday.sat",
                _ => "weekday.sun",
            });
            Day { date: d.to_string(), label: format!("{} {weekday}", d.format("%m-%d")), current: d == current }
        })
        .collect()
}

fn chosen_day(raw: Option<&str>, today: NaiveDate) -> NaiveDate {
    raw.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).unwrap_or(today)
}

async fn venue_names(state: &AppState) -> AppResult<HashMap<i64, String>> {
    let structure = state.structure.get(state).await?;
    Ok(structure.blocks.iter().flat_map(|b| b.venues.iter()).map(|v| (v.id.0, v.name.clone())).collect())
}

async fn service_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    date: Option<&str>,
    moving: Option<i64>,
    error: Option<(i64, &'static str)>,
) -> AppResult<ServicePage> {
    let mut conn = state.db.conn().await?;
    let service = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let today = local_date(now);
    let date = chosen_day(date, today);
    let (from, to) = day_range(date);
    let offerings = booking_store::offerings_of_service(&mut conn, id, from, to).await?;
    let venues = venue_names(state).await?;
    let slots = offerings
        .iter()
        .map(|o| SlotRow {
            id: o.id,
            time: time_range(o.starts_at, o.ends_at),
            venue: o.venue_id.and_then(|v| venues.get(&v).cloned()).unwrap_or_default(),
            left: o.seats_left(),
            open: o.status == "open"
                && o.rules.opens_at.is_none_or(|t| now >= t)
                && now < o.rules.closes_at.unwrap_or(o.starts_at),
            lottery: o.mode == crate::bookings::model::Mode::Lottery,
            commitment: o.lottery_commitment.clone(),
            seed: o.lottery_seed.clone(),
            error: error.filter(|(slot, _)| *slot == o.id).map(|(_, key)| key),
        })
        .collect();
    let mut people = Vec::new();
    if let Some(user) = &ctx.user {
        people
            .push(Opt { value: String::new(), label: format!("{} · {}", ctx.t("relation.self"), user.display_name) });
        for p in crate::people::store::list(&mut conn, user.id).await? {
            if p.relation != crate::people::model::Relation::Myself {
                people.push(Opt {
                    value: p.id.to_string(),
                    label: format!("{} · {}", ctx.t(p.relation.label_key()), p.name),
                });
            }
        }
    }
    let days = days(&ctx, today, date, 14);
    Ok(ServicePage { ctx, service, days, date: date.to_string(), slots, people, form_token: random_token(), moving })
}

async fn service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> AppResult<Response> {
    render(&service_page(&state, ctx, id, q.date.as_deref(), q.moving, None).await?)
}

#[derive(Debug, Deserialize)]
struct BookForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    date: String,
}

/// Books a slot. The form carries a one-time token, used as the idempotency key: sending
/// the same form twice (a double tap, a resend after a dropped connection) books once.
async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slot): Path<i64>,
    Form(f): Form<BookForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let key = bookings::form_key(&f.token, 64)?;
    let person = f.person_id.trim().parse::<i64>().ok();
    match bookings::book(&state, user, slot, person, Some(key)).await {
        Ok(b) => Ok(see_other(&format!("/me/bookings?done={}", b.reservation.status.as_str()))),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            let status = refusal_status(key);
            let service = service_of_offering(&mut *state.db.conn().await?, slot).await?;
            let page = service_page(&state, ctx, service.id, Some(&f.date), None, Some((slot, key))).await?;
            render_status(status, &page)
        }
        Err(other) => Err(other),
    }
}

/// A refusal's status: no seat is a conflict, any other rule is unprocessable.
fn refusal_status(key: &str) -> StatusCode {
    if key == "booking.full" || key == "booking.already_booked" {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    slot_id: i64,
    #[serde(default)]
    date: String,
}

/// Moves a booking to another slot of its service. Sending it twice is harmless: the second
/// time the old booking is already cancelled and nothing changes.
async fn reschedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    match bookings::reschedule(&state, user, id, f.slot_id).await {
        Ok(_) => Ok(see_other("/me/bookings?done=rescheduled")),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            let service = service_of_offering(&mut *state.db.conn().await?, f.slot_id).await?;
            let page = service_page(&state, ctx, service.id, Some(&f.date), Some(id), Some((f.slot_id, key))).await?;
            render_status(refusal_status(key), &page)
        }
        Err(other) => Err(other),
    }
}

fn rows(lines: Vec<Line>, now: i64) -> Vec<BookingRow> {
    lines
        .into_iter()
        .map(|line| BookingRow {
            when: format!("{} {}", local_date(line.starts_at), time_range(line.starts_at, line.ends_at)),
            cancellable: line.status.is_active() && line.starts_at > now,
            checkin_open: line.status == Status::Confirmed
                && !line.venue.is_empty()
                && now >= line.starts_at - crate::checkin::EARLY_SECS
                && now <= line.ends_at,
            movable_within: line
                .service_id
                .filter(|_| matches!(line.status, Status::Confirmed | Status::Waitlisted) && line.starts_at > now),
            line,
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn my_bookings_page(
    state: &AppState,
    ctx: Ctx,
    notice: Option<&'static str>,
    error: Option<&'static str>,
) -> AppResult<MyBookingsPage> {
    let user = ctx.user()?;
    let lines = listing::of_user(&mut *state.db.conn().await?, user.id, 200).await?;
    let calendar_url = crate::accounts::credentials::feed_path(state, user.id).await?;
    Ok(MyBookingsPage { rows: rows(lines, state.clock.unix()), ctx, notice, error, calendar_url })
}

async fn my_bookings(State(state): State<AppState>, ctx: Ctx, Query(q): Query<DoneQuery>) -> AppResult<Response> {
    let notice = match q.done.as_deref() {
        Some("confirmed") => Some("booking.done_confirmed"),
        Some("waitlisted") => Some("booking.done_waitlisted"),
        Some("requested") => Some("booking.done_requested"),
        Some("cancelled") => Some("booking.done_cancelled"),
        Some("rescheduled") => Some("booking.done_rescheduled"),
        Some("checked_in") => Some("checkin.self_done"),
        Some("calendar") => Some("events.my_calendar_rotated"),
        _ => None,
    };
    render(&my_bookings_page(&state, ctx, notice, None).await?)
}

async fn cancel(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    match bookings::cancel(&state, user, id, false).await {
        Ok(_) => Ok(see_other("/me/bookings?done=cancelled")),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &my_bookings_page(&state, ctx, None, Some(key)).await?)
        }
        Err(other) => Err(other),
    }
}

/// The ticket's QR code: the ticket code, for staff to scan at the door.
async fn ticket(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    let line = listing::one(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let mine = booking_store::reservation(&mut *state.db.conn().await?, id).await?.is_some_and(|r| r.booker == user.id);
    if !mine {
        return Err(AppError::NotFound);
    }
    let code = qrcode::QrCode::new(line.code.as_bytes()).map_err(|e| AppError::Internal(anyhow::anyhow!("qr: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
    let mut response = svg.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    Ok(response)
}

async fn people_page(state: &AppState, ctx: Ctx, values: (&str, &str), errors: Errors) -> AppResult<PeoplePage> {
    let user = ctx.user()?;
    let list = crate::people::store::list(&mut *state.db.conn().await?, user.id).await?;
    let people =
        list.into_iter().map(|p| (p.name, p.relation.label_key(), p.id_masked.unwrap_or_else(|| "—".into()))).collect();
    let relations = crate::people::model::Relation::ALL
        .iter()
        .map(|r| Opt { value: r.as_str().into(), label: ctx.t(r.label_key()).into() })
        .collect();
    let fields = vec![
        Field::text("name", "field.person_name", values.0).autocomplete("off").required(),
        Field::select("relation", "field.relation", values.1, vec![OptGroup { label: None, options: relations }])
            .required(),
        Field::text("id_number", "field.id_number", "").autocomplete("off").hint("hint.id_number"),
    ];
    Ok(PeoplePage { ctx, people, fields, errors })
}

async fn people(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&people_page(&state, ctx, ("", "parent"), Errors::none()).await?)
}

#[derive(Debug, Deserialize)]
struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    id_number: String,
}

async fn add_person(State(state): State<AppState>, ctx: Ctx, Form(f): Form<PersonForm>) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match check_person(&f.name, &f.relation, Some(&f.id_number)) {
        Ok(p) => crate::people::add(&state, user.id, p).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other("/me/people")),
        Err(AppError::Invalid(errors)) => {
            let page = people_page(&state, ctx, (&f.name, &f.relation), errors.into()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

async fn staff_service(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<crate::appointments::model::Service> {
    let user = ctx.user()?;
    let mut conn = state.db.conn().await?;
    let service = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut conn, user, &service).await? {
        return Err(AppError::Forbidden);
    }
    Ok(service)
}

async fn day_sheet(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> AppResult<Response> {
    let service = staff_service(&state, &ctx, id).await?;
    let now = state.clock.unix();
    let date = chosen_day(q.date.as_deref(), local_date(now));
    let (from, to) = day_range(date);
    let lines = listing::of_service(&mut *state.db.conn().await?, id, from, to).await?;
    let days = days(&ctx, date - Duration::days(3), date, 7);
    render(&DaySheetPage { rows: rows(lines, now), ctx, service, days, date: date.to_string() })
}

#[derive(Debug, Deserialize)]
struct MarkForm {
    #[serde(default)]
    status: String,
    back: Option<String>,
}

async fn mark(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MarkForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let to = match f.status.as_str() {
        "attended" => Status::Attended,
        "no_show" => Status::NoShow,
        _ => return Err(AppError::BadRequest("error.choice_invalid")),
    };
    let staff = staff_for_reservation(&state, user, id).await?;
    bookings::mark(&state, user, id, to, staff).await?;
    Ok(see_other(&safe_next(f.back.as_deref())))
}

/// Which file format an export is in.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// CSV with a byte-order mark.
    Csv,
    /// Excel.
    Xlsx,
}

/// An export response.
pub fn download(ctx: &Ctx, lines: &[Line], name: &str, format: Format) -> AppResult<Response> {
    let t = |k: &str| ctx.t(k).to_owned();
    let (body, content_type, ext) = match format {
        Format::Csv => (crate::bookings::export::csv(lines, &t)?, "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            crate::bookings::export::xlsx(lines, name, &t)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

async fn export_day(state: &AppState, ctx: &Ctx, id: i64, date: Option<&str>, format: Format) -> AppResult<Response> {
    let service = staff_service(state, ctx, id).await?;
    let date = chosen_day(date, local_date(state.clock.unix()));
    let (from, to) = day_range(date);
    let lines = listing::of_service(&mut *state.db.conn().await?, id, from, to).await?;
    download(ctx, &lines, &format!("service-{}-{date}", service.id), format)
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> AppResult<Response> {
    export_day(&state, &ctx, id, q.date.as_deref(), Format::Csv).await
}

async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> AppResult<Response> {
    export_day(&state, &ctx, id, q.date.as_deref(), Format::Xlsx).await
}

//! Site handlers: residents find a service, pick a day and a slot, book for themselves or a
//! family member, see and cancel their bookings with a QR ticket; staff see a day's sheet,
//! mark attendance and export it. Booking, moving, cancelling, the list of one's bookings,
//! tickets and marking are the shared booking pages (`bookings::pages`), routed here at the
//! appointment URLs; this file adds the services, a service's day of slots (the page a slot is
//! booked from) and the staff's day sheet.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike as _, Duration, NaiveDate};
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::model::{day_range, local_date, time_range};
use crate::appointments::views::{Day, DaySheetPage, PeoplePage, ServicePage, ServicesPage, SlotRow};
use crate::appointments::{runs, service_of_offering, store};
use crate::bookings as booking_store;
use crate::bookings::listing;
use crate::bookings::pages::{self as booking_pages, Format, Offered, Refused};
use crate::crypto::random_token;
use crate::error::{AppError, AppResult};
use crate::people::model::check_person;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes of this domain (site side).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/slots/{id}/book", post(booking_pages::book::<Slots>))
        .route("/me/bookings", get(booking_pages::my_bookings))
        .route("/bookings/{id}/cancel", post(booking_pages::cancel))
        .route("/bookings/{id}/reschedule", post(booking_pages::reschedule::<Slots>))
        .route("/bookings/{id}/ticket.svg", get(booking_pages::ticket))
        .route("/me/people", get(people).post(add_person))
        .route("/manage/services/{id}", get(day_sheet))
        .route("/manage/services/{id}/export.csv", get(export))
        .route("/manage/services/{id}/export.xlsx", get(export))
        .route("/manage/bookings/{id}/mark", post(booking_pages::mark))
}

/// Appointment slots, to the shared booking pages: booked from their service's day.
pub struct Slots;

impl Offered for Slots {
    const FORM_TOKEN_MAX: usize = 64;
    type Page = ServicePage;

    async fn refused(state: &AppState, ctx: Ctx, refusal: Refused) -> AppResult<ServicePage> {
        let service = service_of_offering(&mut *state.db.conn().await?, refusal.offering).await?;
        let error = Some((refusal.offering, refusal.key));
        service_page(state, ctx, service.id, Some(&refusal.day), refusal.moving, error).await
    }
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
    let venues = state.structure.get(state).await?.venue_names();
    let slots = offerings
        .iter()
        .map(|o| SlotRow {
            id: o.id,
            time: time_range(o.starts_at, o.ends_at),
            venue: o.venue_id.and_then(|v| venues.get(&v).cloned()).unwrap_or_default(),
            left: o.seats_left(),
            open: o.window_open(now),
            lottery: o.mode == crate::bookings::model::Mode::Lottery,
            commitment: o.lottery_commitment.clone(),
            seed: o.lottery_seed.clone(),
            error: error.filter(|(slot, _)| *slot == o.id).map(|(_, key)| key),
        })
        .collect();
    let people = booking_pages::whom_choices(&mut conn, &ctx).await?;
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

async fn people_page(state: &AppState, ctx: Ctx, values: (&str, &str), errors: Errors) -> AppResult<PeoplePage> {
    let user = ctx.user()?;
    let list = crate::people::list(&mut *state.db.conn().await?, user.id).await?;
    let people = list
        .into_iter()
        .map(|p| (p.name, p.relation.label_key(), p.id_masked.unwrap_or_else(|| "—".into()), p.id))
        .collect();
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
    render(&DaySheetPage { rows: booking_pages::rows(lines, now), ctx, service, days, date: date.to_string() })
}

/// A day's sheet of a service as CSV or XLSX, by the URL's extension (staff who run it).
async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
    uri: Uri,
) -> AppResult<Response> {
    let service = staff_service(&state, &ctx, id).await?;
    let date = chosen_day(q.date.as_deref(), local_date(state.clock.unix()));
    let (from, to) = day_range(date);
    let lines = listing::of_service(&mut *state.db.conn().await?, id, from, to).await?;
    booking_pages::download(&ctx, &lines, &format!("service-{}-{date}", service.id), Format::of(&uri))
}

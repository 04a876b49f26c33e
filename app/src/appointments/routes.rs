//! Site handlers: residents find a service, pick a day and a slot, book for themselves or a
//! family member, see and cancel their bookings with a QR ticket; staff see a day's sheet,
//! mark attendance and export it. Booking, moving, cancelling, the list of one's bookings,
//! tickets and marking are the shared booking pages (`bookings::pages`), routed here at the
//! appointment URLs; this file adds the services, a service's day of slots (the page a slot is
//! booked from) and the staff's day sheet.

use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike as _, Duration, NaiveDate};
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::model::{day_range, local_date, time_range};
use crate::appointments::views::{Day, DayFree, DaySheetPage, ServicePage, ServicesPage, SlotRow};
use crate::appointments::{people_pages, phone_pages};
use crate::appointments::{runs, service_of_offering, store};
use crate::bookings as booking_store;
use crate::bookings::listing;
use crate::bookings::pages::{self as booking_pages, Format, Offered, Refused, Whom};
use crate::crypto::random_token;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render};

/// Routes of this domain (site side).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/services", get(services))
        .route("/services/{id}", get(service))
        .route("/slots/{id}/book", post(booking_pages::book::<Slots>))
        .route("/me/bookings", get(booking_pages::my_bookings))
        .route("/bookings/{id}/cancel", get(crate::bookings::cancel::confirm).post(crate::bookings::cancel::cancel))
        .route("/bookings/{id}/reschedule", post(booking_pages::reschedule::<Slots>))
        .route("/bookings/{id}/ticket.svg", get(booking_pages::ticket))
        .route("/me/people", get(people_pages::people).post(people_pages::add_person))
        .route("/me/people/{id}/phone", get(phone_pages::show).post(phone_pages::send))
        .route("/me/people/{id}/phone/verify", post(phone_pages::verify))
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
        let q = DayQuery { date: Some(refusal.day), moving: refusal.moving, person: refusal.person, added: None };
        service_page(state, ctx, service.id, &q, error).await
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
    /// The person to book for, preselected (back from adding them; "" the user themself).
    person: Option<String>,
    /// Back from adding `person` (the page says so).
    added: Option<String>,
}

fn weekday_key(d: NaiveDate) -> &'static str {
    match d.weekday().number_from_monday() {
        1 => "weekday.mon",
        2 => "weekday.tue",
        3 => "weekday.wed",
        4 => "weekday.thu",
        5 => "weekday.fri",
        6 => "weekday.sat",
        _ => "weekday.sun",
    }
}

/// "12月2日 周三" / "Wed 2 Dec": the day whose slots are shown.
fn day_heading(ctx: &Ctx, d: NaiveDate) -> String {
    let weekday = ctx.t(weekday_key(d));
    match ctx.locale {
        crate::web::Locale::ZhCn => format!("{}月{}日 {weekday}", d.month(), d.day()),
        crate::web::Locale::En => format!("{weekday} {}", d.format("%-d %b")),
    }
}

fn days(ctx: &Ctx, today: NaiveDate, current: NaiveDate, count: i64) -> Vec<Day> {
    (0..count)
        .map(|i| {
            let d = today + Duration::days(i);
            let label = format!("{} {}", d.format("%m-%d"), ctx.t(weekday_key(d)));
            Day { date: d.to_string(), label, current: d == current, free: DayFree::Unknown }
        })
        .collect()
}

fn chosen_day(raw: Option<&str>, today: NaiveDate) -> Option<NaiveDate> {
    raw.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).filter(|d| *d >= today - Duration::days(366))
}

/// How many days of slots the service page offers to pick from.
const DAYS_SHOWN: i64 = 14;

/// What a refusal is about: whom the booking is for (the select), or the slot itself.
fn refusal_field(key: &str) -> &'static str {
    match key {
        "booking.real_name_required" | "booking.age" | "booking.age_unknown" | "booking.already_booked" => "person_id",
        _ => "slot",
    }
}

async fn service_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    q: &DayQuery,
    error: Option<(i64, &'static str)>,
) -> AppResult<ServicePage> {
    let mut conn = state.db.conn().await?;
    let service = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let today = local_date(now);
    // Every slot of the days on offer, once: the chips say which days are free, and the day
    // shown without a chosen one is the first with a free slot.
    let (from, _) = day_range(today);
    let ahead = booking_store::offerings_of_service(&mut conn, id, from, from + DAYS_SHOWN * 86_400).await?;
    let mut days = days(&ctx, today, today, DAYS_SHOWN);
    for d in &mut days {
        d.free = DayFree::of(ahead.iter().filter(|o| local_date(o.starts_at).to_string() == d.date), now);
    }
    let date = chosen_day(q.date.as_deref(), today)
        .or_else(|| days.iter().find(|d| d.free == DayFree::Free).and_then(|d| d.date.parse().ok()))
        .unwrap_or(today);
    for d in &mut days {
        d.current = d.date == date.to_string();
    }
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
    let people = booking_pages::whom(&mut conn, &ctx).await?;
    let eligible = |w: &&Whom| !service.real_name_required || w.has_id;
    let asked = q.person.as_deref().map(str::trim).filter(|p| people.iter().any(|w| w.value == *p)).map(str::to_owned);
    let chosen = asked.clone().or_else(|| people.iter().find(eligible).map(|w| w.value.clone())).unwrap_or_default();
    let nobody_eligible = ctx.user.is_some() && !people.iter().any(|w| eligible(&w));
    // Back from adding someone: say so, naming them as the choice now reads.
    let added = asked
        .as_ref()
        .filter(|_| q.added.as_deref() == Some("1"))
        .and_then(|p| people.iter().find(|w| w.value == *p))
        .map(|w| ctx.tf("appointments.person_added", &[("person", &w.label)]));
    let errors = match error {
        Some((slot, key)) => {
            let field = refusal_field(key);
            let anchor = if field == "person_id" { format!("person-{slot}") } else { format!("slot-{slot}") };
            Errors::from(vec![FieldError { field, key }])
                .anchor(field, anchor)
                .label("person_id", "appointments.for_whom")
        }
        None => Errors::none(),
    };
    let add_person = format!("/me/people?service={}&date={date}", service.id);
    Ok(ServicePage {
        date_heading: day_heading(&ctx, date),
        ctx,
        service,
        days,
        date: date.to_string(),
        slots,
        people,
        chosen,
        nobody_eligible,
        added,
        add_person,
        errors,
        form_token: random_token(),
        moving: q.moving,
    })
}

async fn service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<DayQuery>,
) -> AppResult<Response> {
    render(&service_page(&state, ctx, id, &q, None).await?)
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
    let date = chosen_day(q.date.as_deref(), local_date(now)).unwrap_or(local_date(now));
    let (from, to) = day_range(date);
    let lines = listing::of_service(&mut *state.db.conn().await?, id, from, to).await?;
    let days = days(&ctx, date - Duration::days(3), date, 7);
    render(&DaySheetPage { rows: booking_pages::rows(&ctx, lines, now), ctx, service, days, date: date.to_string() })
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
    let today = local_date(state.clock.unix());
    let date = chosen_day(q.date.as_deref(), today).unwrap_or(today);
    let (from, to) = day_range(date);
    let lines = listing::of_service(&mut *state.db.conn().await?, id, from, to).await?;
    booking_pages::download(&ctx, &lines, &format!("service-{}-{date}", service.id), Format::of(&uri))
}

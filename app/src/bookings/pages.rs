//! The booking pages, once for every kind of offering: booking one from its page (the form's
//! one-time token is the idempotency key), moving a booking to another offering, cancelling,
//! the resident's list with its tickets, staff marking attendance, and the organisers'
//! downloads of a list. Appointments route their URLs (`/slots/{id}/book`, `/me/bookings`,
//! `/bookings/{id}/cancel`, …) and activities theirs (`/sessions/{id}/register`, …) to these
//! handlers; the one thing that differs — the page an offering is booked from, shown again
//! with a refusal next to the offering — each kind gives through [`Offered`].

use std::future::Future;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse as _, Response};
use serde::Deserialize;

use crate::app::AppState;
use crate::bookings::listing::{self, Line};
use crate::bookings::model::{CHECKIN_EARLY_SECS, Status};
use crate::bookings::service;
use crate::bookings::store;
use crate::bookings::views::{BookingRow, MyBookingsPage};
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::web::backoffice::Opt;
use crate::web::extract::{Form, Path};
use crate::web::flash::{self, Flash};
use crate::web::{Ctx, render, render_status, safe_next, see_other};

/// What a kind of offering (an appointment slot, an activity session) gives the shared booking
/// pages: the page its offerings are booked from.
pub trait Offered: Send + Sync + 'static {
    /// The longest one-time token its booking form may carry: 64 characters for slots, 80 for
    /// sessions, as each form always took (a page's token is 43 characters, a dash and the
    /// offering's id, so both fit).
    const FORM_TOKEN_MAX: usize;

    /// The page an offering is booked from.
    type Page: askama::Template + Send;

    /// That page again, with a refusal next to the offering; "not found" when the offering is
    /// not of this kind.
    fn refused(state: &AppState, ctx: Ctx, refusal: Refused) -> impl Future<Output = AppResult<Self::Page>> + Send;
}

/// A booking, or a move, that the rules or the seats refused.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The offering asked for.
    pub offering: i64,
    /// Why (a message key).
    pub key: &'static str,
    /// The day the form was sent from (`YYYY-MM-DD`; blank when the form has none).
    pub day: String,
    /// The booking being moved, when a move was refused.
    pub moving: Option<i64>,
    /// Whom the refused booking was for, as sent ("" the user themself; None when the form
    /// has no choice), so the page keeps the choice.
    pub person: Option<String>,
}

/// A refusal's status: no seat is a conflict, any other rule is unprocessable.
fn refusal_status(key: &str) -> StatusCode {
    if key == "booking.full" || key == "booking.already_booked" {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A booking form.
#[derive(Debug, Deserialize)]
pub struct BookForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    date: String,
}

/// Books an offering of kind `K`. The form carries a one-time token, used as the idempotency
/// key: sending the same form twice (a double tap, a resend after a dropped connection) books
/// once.
pub async fn book<K: Offered>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(offering): Path<i64>,
    Form(f): Form<BookForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let key = service::form_key(&f.token, K::FORM_TOKEN_MAX)?;
    let person = f.person_id.trim().parse::<i64>().ok();
    match service::book(&state, user, offering, person, Some(key)).await {
        Ok(b) => Ok(flash::redirect("/me/bookings", booked_flash(b.reservation.status))),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            let page = K::refused(
                &state,
                ctx,
                Refused { offering, key, day: f.date, moving: None, person: Some(f.person_id) },
            )
            .await?;
            render_status(refusal_status(key), &page)
        }
        Err(other) => Err(other),
    }
}

/// A move to another offering.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    slot_id: i64,
    #[serde(default)]
    date: String,
}

/// Moves a booking to another offering of its service. Sending it twice is harmless: the
/// second time the old booking is already cancelled and nothing changes.
pub async fn reschedule<K: Offered>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    match service::reschedule(&state, user, id, f.slot_id).await {
        Ok(_) => Ok(flash::redirect("/me/bookings", Flash::BookingRescheduled)),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            let refusal = Refused { offering: f.slot_id, key, day: f.date, moving: Some(id), person: None };
            render_status(refusal_status(key), &K::refused(&state, ctx, refusal).await?)
        }
        Err(other) => Err(other),
    }
}

/// Someone the user can book for.
#[derive(Debug, Clone)]
pub struct Whom {
    /// The form's value: "" for the user themself, else the person's id.
    pub value: String,
    /// "父母 · 王秀英".
    pub label: String,
    /// Whether their resident ID is on file (a real-name service needs it).
    pub has_id: bool,
}

/// Whom the user can book for: themself (value "", with an ID when they added their own
/// record with one) and the people on their list, in the order added.
pub async fn whom(conn: &mut Conn, ctx: &Ctx) -> AppResult<Vec<Whom>> {
    let Some(user) = &ctx.user else { return Ok(Vec::new()) };
    let list = crate::people::list(conn, user.id).await?;
    let myself = list.iter().find(|p| p.relation == crate::people::model::Relation::Myself);
    let mut people = vec![Whom {
        value: String::new(),
        label: format!("{} · {}", ctx.t("relation.self"), user.display_name),
        has_id: myself.is_some_and(|p| p.id_masked.is_some()),
    }];
    for p in list.iter().filter(|p| p.relation != crate::people::model::Relation::Myself) {
        people.push(Whom {
            value: p.id.to_string(),
            label: format!("{} · {}", ctx.t(p.relation.label_key()), p.name),
            has_id: p.id_masked.is_some(),
        });
    }
    Ok(people)
}

/// Whom the user can book for, as a form's choices: themself (value "") and the people on
/// their list.
pub async fn whom_choices(conn: &mut Conn, ctx: &Ctx) -> AppResult<Vec<Opt>> {
    Ok(whom(conn, ctx).await?.into_iter().map(|w| Opt { value: w.value, label: w.label }).collect())
}

/// Reservations as rows of a list at `now`, their times with the weekday in `ctx`'s language.
pub fn rows(ctx: &Ctx, lines: Vec<Line>, now: i64) -> Vec<BookingRow> {
    lines
        .into_iter()
        .map(|line| BookingRow {
            when: ctx.when_range(line.starts_at, line.ends_at),
            cancellable: line.status.is_active() && line.starts_at > now,
            checkin_open: line.status == Status::Confirmed
                && !line.venue.is_empty()
                && now >= line.starts_at - CHECKIN_EARLY_SECS
                && now <= line.ends_at,
            movable_within: line
                .service_id
                .filter(|_| matches!(line.status, Status::Confirmed | Status::Waitlisted) && line.starts_at > now),
            line,
        })
        .collect()
}

/// What a booking's outcome says on the list it leads to (a one-time message, `web::flash`).
fn booked_flash(status: Status) -> Flash {
    match status {
        Status::Waitlisted => Flash::BookingWaitlisted,
        Status::Requested => Flash::BookingRequested,
        _ => Flash::BookingConfirmed,
    }
}

/// The resident's list, with an error after a refused action. What was just done is said by
/// the flash message the action left (`web::flash`).
pub(crate) async fn my_bookings_page(
    state: &AppState,
    ctx: Ctx,
    error: Option<&'static str>,
) -> AppResult<MyBookingsPage> {
    let user = ctx.user()?;
    let lines = listing::of_user(&mut *state.db.conn().await?, user.id, 200).await?;
    let calendar_url = crate::accounts::credentials::feed_path(state, user.id).await?;
    let now = state.clock.unix();
    Ok(MyBookingsPage { rows: rows(&ctx, lines, now), ctx, error, calendar_url })
}

/// The resident's bookings and registrations.
pub async fn my_bookings(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&my_bookings_page(&state, ctx, None).await?)
}

/// The ticket's QR code: the ticket code, for staff to scan at the door.
pub async fn ticket(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    let line = listing::one(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let mine = store::reservation(&mut *state.db.conn().await?, id).await?.is_some_and(|r| r.booker == user.id);
    if !mine {
        return Err(AppError::NotFound);
    }
    let code = qrcode::QrCode::new(line.code.as_bytes()).map_err(|e| AppError::Internal(anyhow::anyhow!("qr: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
    let mut response = svg.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    Ok(response)
}

/// A mark of attendance, and the page to go back to.
#[derive(Debug, Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    status: String,
    back: Option<String>,
}

/// Marks a reservation attended or no-show (those who run its offering).
pub async fn mark(
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
    service::mark(&state, user, id, to).await?;
    Ok(see_other(&safe_next(f.back.as_deref())))
}

/// Which file format a download is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a byte-order mark.
    Csv,
    /// Excel.
    Xlsx,
}

impl Format {
    /// The format a download's URL names by its extension (`….xlsx`; otherwise CSV).
    pub fn of(uri: &Uri) -> Self {
        if uri.path().ends_with(".xlsx") { Format::Xlsx } else { Format::Csv }
    }
}

/// A list of reservations as a file to download, named `name` plus the format's extension.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_in_the_format_its_url_names() {
        let of = |s: &str| Format::of(&s.parse().unwrap());
        assert_eq!(of("/manage/services/1/export.xlsx?date=2026-12-01"), Format::Xlsx);
        assert_eq!(of("/manage/sessions/1/registrations.csv"), Format::Csv);
        assert_eq!(
            (refusal_status("booking.full"), refusal_status("booking.age")),
            (StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY)
        );
    }
}

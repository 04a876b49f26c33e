//! Check-in pages: staff enter or scan a ticket code; a venue's screen shows its rotating
//! code to the staff whose reach covers the venue; residents check themselves in with it,
//! a limited number of wrong guesses at a time.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::model::{local_date, time_range};
use crate::authz::gate::CheckinDesk;
use crate::bookings::model::Status;
use crate::bookings::{self, Moved, attempt_transition, listing};
use crate::checkin::{EARLY_SECS, SCREEN_AHEAD_SECS, code_matches, current_code, may_read_code, throttle};
use crate::error::{AppError, AppResult, ErrorInfo};
use crate::web::client::client_ip;
use crate::web::extract::{Form, Path};
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/checkin", get(staff_page).post(staff_checkin))
        .route("/manage/venues/{id}/checkin-code", get(venue_code))
        .route("/bookings/{id}/checkin", post(self_checkin))
}

/// What a check-in found.
pub struct Outcome {
    /// Message key (checked in, already, not confirmed, …).
    pub key: &'static str,
    /// Whether it went well.
    pub ok: bool,
    /// Who, what, when (when a ticket was found).
    pub details: Option<(String, String, String)>,
}

#[derive(askama::Template)]
#[template(path = "checkin/staff.html")]
struct StaffPage {
    ctx: Ctx,
    outcome: Option<Outcome>,
}

#[derive(askama::Template)]
#[template(path = "checkin/venue_code.html")]
struct VenueCodePage {
    ctx: Ctx,
    venue: String,
    code: String,
}

async fn staff_page(Staff { ctx, .. }: Staff<CheckinDesk>) -> AppResult<Response> {
    render(&StaffPage { ctx, outcome: None })
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Marks the ticket with this code as come, if the user runs its offering.
async fn staff_checkin(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<CheckinDesk>,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let code: String = f.code.trim().to_ascii_uppercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let found = bookings::reservation_by_code(&mut tx, &code).await?;
    let Some(r) = found else {
        let outcome = Outcome { key: "checkin.unknown", ok: false, details: None };
        return render_status(StatusCode::NOT_FOUND, &StaffPage { ctx, outcome: Some(outcome) });
    };
    let offering = bookings::offering(&mut tx, r.offering_id).await?.ok_or(AppError::NotFound)?;
    if !offering.run_by(&user.principal) {
        return Err(AppError::Forbidden);
    }
    let key = match r.status {
        Status::Confirmed | Status::NoShow => {
            match attempt_transition(&mut tx, r.id, r.status, Status::Attended, Some(user.id), now).await? {
                Moved::Done => "checkin.done",
                _ => "checkin.not_confirmed",
            }
        }
        Status::Attended => "checkin.already",
        _ => "checkin.not_confirmed",
    };
    tx.commit().await?;
    let line = listing::one(&mut *state.db.conn().await?, r.id).await?;
    let details = line.map(|l| {
        let who = l.person.clone().unwrap_or_else(|| l.booker.clone());
        let when = format!("{} {}", local_date(l.starts_at), time_range(l.starts_at, l.ends_at));
        (who, l.title, when)
    });
    let ok = key == "checkin.done" || key == "checkin.already";
    let status = if ok { StatusCode::OK } else { StatusCode::CONFLICT };
    render_status(status, &StaffPage { ctx, outcome: Some(Outcome { key, ok, details }) })
}

/// The venue's current self check-in code, for a screen at the entrance (refreshes itself).
/// Only staff whose reach covers the venue see it; for anyone else there is no such page.
async fn venue_code(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    let now = state.clock.unix();
    let mut conn = state.db.conn().await?;
    let venue = crate::org::venue(&mut conn, crate::ids::VenueId(id)).await?.ok_or(AppError::NotFound)?;
    let here = crate::checkin::store::running_here(&mut conn, id, now, SCREEN_AHEAD_SECS).await?;
    drop(conn);
    if !may_read_code(&user.principal, &crate::org::service::venue_location(&venue), &here) {
        return Err(AppError::NotFound);
    }
    let code = current_code(&state.keys, id, now);
    render(&VenueCodePage { ctx, venue: venue.name, code })
}

/// 429 with the check-in's own explanation (the general one speaks of protecting accounts).
fn too_many_guesses(retry_after: u64) -> Response {
    let mut response = AppError::TooManyRequests { retry_after }.into_response();
    if let Some(info) = response.extensions_mut().get_mut::<ErrorInfo>() {
        info.detail_key = Some("checkin.too_many");
    }
    response
}

/// A resident checks in with the code shown at the venue, from shortly before the session
/// until its end. Each guess is counted before the code is compared (see `throttle`); past
/// the limit the answer is 429 whatever the code.
async fn self_checkin(
    State(state): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Path(id): Path<i64>,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let now = state.clock.unix();
    let mut conn = state.db.conn().await?;
    let r = bookings::reservation(&mut conn, id).await?.filter(|r| r.booker == user.id).ok_or(AppError::NotFound)?;
    let offering = bookings::offering(&mut conn, r.offering_id).await?.ok_or(AppError::NotFound)?;
    let venue = offering.venue_id.ok_or(AppError::Rule("checkin.no_venue"))?;
    if r.status == Status::Attended {
        return Ok(crate::web::flash::redirect("/me/bookings", crate::web::flash::Flash::CheckedIn));
    }
    if r.status != Status::Confirmed {
        return Err(AppError::Rule("checkin.not_confirmed"));
    }
    if now < offering.starts_at - EARLY_SECS || now > offering.ends_at {
        return Err(AppError::Rule("checkin.not_now"));
    }
    let keys = throttle::keys(user.id, client_ip(&parts, &state.config));
    let reserved = match throttle::reserve(&mut conn, keys, now).await? {
        Ok(reserved) => reserved,
        Err(retry_after) => return Ok(too_many_guesses(retry_after)),
    };
    drop(conn);
    if !code_matches(&state.keys, venue, now, &f.code) {
        return Err(AppError::Rule("checkin.wrong_code"));
    }
    // The transition checks the status it moves from, so reading outside the transaction is
    // safe; the right guess is given back in the check-in's own transaction.
    let mut tx = state.db.begin().await?;
    throttle::give_back(&mut tx, reserved).await?;
    attempt_transition(&mut tx, r.id, Status::Confirmed, Status::Attended, Some(user.id), now).await?;
    tx.commit().await?;
    Ok(crate::web::flash::redirect("/me/bookings", crate::web::flash::Flash::CheckedIn))
}

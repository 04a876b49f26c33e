//! Check-in pages: staff enter or scan a ticket code; a venue's screen shows its rotating
//! code; residents check themselves in with it.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::model::{local_date, time_range};
use crate::authz::{Action, Role, Target};
use crate::bookings::engine::{Moved, attempt_transition};
use crate::bookings::listing;
use crate::bookings::model::Status;
use crate::bookings::store;
use crate::checkin::{EARLY_SECS, code_matches, current_code};
use crate::error::{AppError, AppResult};
use crate::web::extract::{Form, Path};
use crate::web::{Ctx, render, render_status, see_other};

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

fn is_checkin_staff(ctx: &Ctx) -> AppResult<()> {
    let user = ctx.user()?;
    let p = &user.principal;
    if p.has_role(Role::Organizer) || p.has_role(Role::DistrictAdmin) || p.has_role(Role::StreetAdmin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn staff_page(ctx: Ctx) -> AppResult<Response> {
    is_checkin_staff(&ctx)?;
    render(&StaffPage { ctx, outcome: None })
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Marks the ticket with this code as come, if the user runs its offering.
async fn staff_checkin(State(state): State<AppState>, ctx: Ctx, Form(f): Form<CodeForm>) -> AppResult<Response> {
    is_checkin_staff(&ctx)?;
    let user = ctx.user()?.clone();
    let code: String = f.code.trim().to_ascii_uppercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let found = store::reservation_by_code(&mut tx, &code).await?;
    let Some(r) = found else {
        let outcome = Outcome { key: "checkin.unknown", ok: false, details: None };
        return render_status(StatusCode::NOT_FOUND, &StaffPage { ctx, outcome: Some(outcome) });
    };
    let offering = store::offering(&mut tx, r.offering_id).await?.ok_or(AppError::NotFound)?;
    if !offering.run_by(&user.principal) {
        return Err(AppError::Forbidden);
    }
    let key = match r.status {
        Status::Confirmed | Status::NoShow => {
            match attempt_transition(&mut tx, state.db.backend(), r.id, r.status, Status::Attended, Some(user.id), now)
                .await?
            {
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
async fn venue_code(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    is_checkin_staff(&ctx)?;
    let venue = crate::org::store::venue(&mut *state.db.conn().await?, crate::ids::VenueId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let user = ctx.user()?;
    let loc = crate::org::service::venue_location(&venue);
    if !user.principal.has_role(Role::Organizer) && !user.principal.can(Action::Manage, &Target::Venue(loc)) {
        return Err(AppError::Forbidden);
    }
    let code = current_code(&state.keys, id, state.clock.unix());
    render(&VenueCodePage { ctx, venue: venue.name, code })
}

/// A resident checks in with the code shown at the venue, from shortly before the session
/// until its end.
async fn self_checkin(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let r = store::reservation(&mut tx, id).await?.filter(|r| r.booker == user.id).ok_or(AppError::NotFound)?;
    let offering = store::offering(&mut tx, r.offering_id).await?.ok_or(AppError::NotFound)?;
    let venue = offering.venue_id.ok_or(AppError::Rule("checkin.no_venue"))?;
    if r.status == Status::Attended {
        return Ok(see_other("/me/bookings?done=checked_in"));
    }
    if r.status != Status::Confirmed {
        return Err(AppError::Rule("checkin.not_confirmed"));
    }
    if now < offering.starts_at - EARLY_SECS || now > offering.ends_at {
        return Err(AppError::Rule("checkin.not_now"));
    }
    if !code_matches(&state.keys, venue, now, &f.code) {
        return Err(AppError::Rule("checkin.wrong_code"));
    }
    attempt_transition(&mut tx, state.db.backend(), r.id, Status::Confirmed, Status::Attended, Some(user.id), now)
        .await?;
    tx.commit().await?;
    Ok(see_other("/me/bookings?done=checked_in"))
}

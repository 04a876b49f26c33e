//! Cancelling one's booking or registration, in two steps: the list's 取消 button opens a page
//! that says what will be cancelled and asks again (a plain link and a form, so it works
//! without script, and a stray tap in large-text mode cancels nothing); confirming cancels it
//! and the list then says it was (a one-time message, `web::flash`), where the booking shows
//! as cancelled.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::app::AppState;
use crate::bookings::listing;
use crate::bookings::pages::{my_bookings_page, rows};
use crate::bookings::service;
use crate::bookings::views::CancelPage;
use crate::error::{AppError, AppResult};
use crate::web::extract::Path;
use crate::web::{Ctx, render, render_status, see_other};

/// The second step: what will be cancelled, and the button that does it. Only the booker's
/// own bookings (others' are not found); one that can no longer be cancelled goes back to the
/// list, which shows it as it is.
pub async fn confirm(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    let mut conn = state.db.conn().await?;
    let mine = crate::bookings::store::reservation(&mut conn, id).await?.is_some_and(|r| r.booker == user.id);
    let line = listing::one(&mut conn, id).await?.filter(|_| mine).ok_or(AppError::NotFound)?;
    drop(conn);
    let Some(row) = rows(&ctx, vec![line], state.clock.unix()).pop().filter(|r| r.cancellable) else {
        return Ok(see_other("/me/bookings"));
    };
    render(&CancelPage { ctx, row })
}

/// Cancels one of the resident's own bookings (staff cancel over the API). A refusal shows the
/// list again with the reason.
pub async fn cancel(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?;
    match service::cancel(&state, user, id, service::CancelAs::Booker).await {
        Ok(_) => Ok(crate::web::flash::redirect("/me/bookings", crate::web::flash::Flash::BookingCancelled)),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &my_bookings_page(&state, ctx, Some(key)).await?)
        }
        Err(other) => Err(other),
    }
}

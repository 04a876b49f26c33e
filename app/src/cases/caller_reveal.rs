//! Revealing a hotline caller's full number so staff can call them back (回访): the case page
//! shows the number masked, and a masked number cannot be dialled.
//!
//! Private by default: the number is shown only in the answer to a POST (CSRF-checked like
//! every form), just that once, never in a URL, cookie or redirect, and with
//! `Cache-Control: no-store` so no cache keeps the page. Every reveal is written to the audit
//! log — who, which case, never the number — in the transaction that reads the sealed number,
//! so a number is never shown without its entry.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::cases::callers;
use crate::cases::case_view::case_page;
use crate::cases::workflow::Party;
use crate::error::{AppError, AppResult};
use crate::web::extract::Path;
use crate::web::{Ctx, render_status};

/// The audit action of a reveal.
pub const AUDIT_ACTION: &str = "case.caller_reveal";

/// The parts that may see a caller's whole number: those who call residents back about a case.
/// The command centre (dispatchers) makes the 12345 return calls; the district's and the
/// case's street's admins answer for cases in their area and take calls themselves; the
/// department the case is with may need to ask the caller where exactly or when to come.
/// Not the reporter (a resident who sees their own case), not inspectors (they check the work
/// on the spot, not with the caller), and not other departments (they are no party at all).
const REVEALERS: [Party; 4] = [Party::Dispatcher, Party::DistrictAdmin, Party::StreetAdmin, Party::Handler];

/// Whether someone with these parts in a case may reveal its caller's number.
pub fn may_reveal(parts: &[Party]) -> bool {
    parts.iter().any(|p| REVEALERS.contains(p))
}

/// A caller's number, whole, ready to dial.
#[derive(Debug, Clone)]
pub struct FullNumber {
    /// Grouped for reading out: `139 1111 2222`.
    pub shown: String,
    /// `tel:13911112222`.
    pub tel: String,
}

/// What came of a reveal the viewer was allowed.
#[derive(Debug, Clone)]
pub enum Revealed {
    /// The number.
    Number(FullNumber),
    /// The sealed number could not be opened (the key changed, or the data is damaged).
    Unreadable,
}

/// Routes of the reveal form.
pub fn router() -> Router<AppState> {
    Router::new().route("/cases/{id}/caller/reveal", post(reveal_page))
}

/// Reveals case `id`'s caller's number to `user` and records that they saw it. Someone who
/// cannot see the case, or a case without a caller, gets 404; someone who sees it without a
/// part that may reveal (see [`REVEALERS`]) gets 403.
pub async fn reveal(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Revealed> {
    let mut tx = state.db.begin().await?;
    let (case, parts) = crate::cases::service::visible(&mut tx, user, id).await?;
    if !may_reveal(&parts) {
        return Err(AppError::Forbidden);
    }
    let sealed = callers::sealed_phone(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let phone = match callers::open(&state.keys, &sealed) {
        Ok(phone) => phone,
        Err(e) => {
            // Nothing was shown, so nothing is audited; operators must hear of it, though.
            tracing::error!(case = id, error = %e, "a hotline caller's number cannot be opened");
            return Ok(Revealed::Unreadable);
        }
    };
    let change = Change::new("case", id, case.street_id).after(&serde_json::json!({"revealed": "caller_phone"}));
    audit::record(&mut tx, state.clock.unix(), user.id, AUDIT_ACTION, change).await?;
    tx.commit().await?;
    Ok(Revealed::Number(FullNumber { shown: phone.dial_display(), tel: phone.tel_uri() }))
}

/// The case page with the caller's whole number (or why it cannot be shown), answered to the
/// POST itself so the number travels in this one response only.
async fn reveal_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let revealed = reveal(&state, &user, id).await?;
    let mut page = case_page(&state, ctx, id, false, None).await?;
    let status = match revealed {
        Revealed::Number(number) => {
            page.revealed = Some(number);
            StatusCode::OK
        }
        Revealed::Unreadable => {
            page.reveal_failed = true;
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let mut response = render_status(status, &page)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn those_who_call_back_may_reveal() {
        for party in Party::ALL {
            let expected =
                matches!(party, Party::Dispatcher | Party::DistrictAdmin | Party::StreetAdmin | Party::Handler);
            assert_eq!(may_reveal(&[party]), expected, "{party:?}");
        }
        assert!(!may_reveal(&[]));
        assert!(may_reveal(&[Party::Reporter, Party::Handler]), "a handler who also called in");
    }
}

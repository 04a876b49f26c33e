//! `/manage/challenges/{id}/review`: the held check-ins of a challenge, oldest first, each with
//! who (name and phone masked, as the back office shows people), the day, kind, distance, time,
//! where the figures came from and why it was held; and per row one form whose three buttons
//! accept it, reduce it to the km typed, or refuse it (a reason is required for the last two,
//! and the person reads it). Built on `checkin::held` and `checkin::review`, the API's use cases;
//! plain forms, so it works without JavaScript.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::challenge::checkin::{self, Decision};
use crate::challenge::manage::export::mask_name;
use crate::challenge::manage::form::run_challenge;
use crate::challenge::manage::store as mstore;
use crate::challenge::manage::views::{HeldRow, ReviewPage, Typed};
use crate::challenge::model::{Reason, metres_of_km};
use crate::challenge::store::{self, Challenge};
use crate::challenge::views::km_text;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Form, Path};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render_status};

/// The queue, with a row's form sent back when it had errors.
async fn show(
    state: &AppState,
    ctx: Ctx,
    c: &Challenge,
    typed: Option<Typed>,
    status: StatusCode,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let held = checkin::held(state, &user, c.id).await?;
    let mut conn = state.db.conn().await?;
    let mut rows = Vec::with_capacity(held.len());
    for h in held {
        let who = mstore::who(&mut conn, h.user_id).await?;
        let why = match h.reason.as_deref().and_then(Reason::parse) {
            Some(r) => ctx.t(r.key()).to_owned(),
            None => h.reason.clone().unwrap_or_default(),
        };
        rows.push(HeldRow {
            id: h.id,
            who: mask_name(&who.name),
            phone: who.phone_masked,
            day: ctx.day(&h.day),
            kind: ctx.t(h.kind.label_key()).to_owned(),
            km: km_text(h.claimed_m),
            minutes: h.minutes,
            steps: h.steps,
            source: ctx.t(&format!("challenge_manage.source_{}", h.source)).to_owned(),
            why,
        });
    }
    render_status(status, &ReviewPage { ctx, id: c.id, name: c.name.clone(), rows, typed })
}

/// The queue.
pub async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    show(&state, ctx, &c, None, StatusCode::OK).await
}

/// A row's decision as sent.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    /// `accept`, `reduce` or `refuse` (the button pressed).
    #[serde(default)]
    decision: String,
    #[serde(default)]
    km: String,
    #[serde(default)]
    reason: String,
}

/// The decision the form names, or its errors.
fn decision_of(f: &DecisionForm) -> Result<Decision, Vec<FieldError>> {
    match f.decision.as_str() {
        "accept" => Ok(Decision::Accept),
        "refuse" => Ok(Decision::Refuse),
        "reduce" => {
            let km = f.km.trim().replace(['，', ','], ".");
            match km.parse::<f64>().ok().and_then(metres_of_km) {
                Some(m) => Ok(Decision::Reduce(m)),
                None => Err(vec![FieldError { field: "km", key: "challenge.reduce_below_claim" }]),
            }
        }
        _ => Err(vec![FieldError { field: "", key: "form.choice_invalid" }]),
    }
}

/// Decides on a held check-in of the challenge; says what was done on the queue.
pub async fn decide(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path((id, checkin_id)): Path<(i64, i64)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    // The check-in must be this challenge's: the URL names both.
    let found = store::checkin(&mut *state.db.conn().await?, checkin_id).await?;
    if found.is_none_or(|h| h.challenge_id != id) {
        return Err(AppError::NotFound);
    }
    let result = match decision_of(&f) {
        Ok(d) => checkin::review(&state, &user, checkin_id, d, Some(f.reason.clone())).await.map(|_| d),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(d) => {
            let said = match d {
                Decision::Accept => Flash::CheckinAccepted,
                Decision::Reduce(_) => Flash::CheckinReduced,
                Decision::Refuse => Flash::CheckinRefused,
            };
            Ok(flash::redirect(&format!("/manage/challenges/{id}/review"), said))
        }
        Err(AppError::Invalid(errors)) => {
            let errors = Errors::from(errors)
                .anchor("km", format!("f-km-{checkin_id}"))
                .anchor("reason", format!("f-reason-{checkin_id}"))
                .label("km", "challenge_manage.reduce_to")
                .label("reason", "challenge_manage.reason");
            let typed = Typed { id: checkin_id, km: f.km, reason: f.reason, errors };
            show(&state, ctx, &c, Some(typed), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other),
    }
}

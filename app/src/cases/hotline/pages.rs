//! The hotline page (12345), at `/manage/hotline`: the intake form, taking a call down
//! (`service::take_call`), and after a filing the case it became with its possible duplicates.
//! Revealing a caller's number on the case page is the core's reveal form with the hotline's
//! subject (`store::CALLER`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Overseer;
use crate::authz::{Gate as _, Principal};
use crate::cases::hotline::service::{CallForm, take_call};
use crate::cases::hotline::store as callers;
use crate::cases::hotline::views::{Filed, HotlinePage};
use crate::cases::model::parties;
use crate::cases::service;
use crate::cases::workflow::{self, Action};
use crate::error::{AppError, AppResult};
use crate::web::backoffice::Tile;
use crate::web::extract::{Form, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{render, render_status, see_other};

/// Routes of the hotline page, and of revealing a caller's number on the case page.
pub fn router() -> Router<AppState> {
    // Merging a duplicate the page offers is the case page's merge (`duplicate_pages`).
    Router::new().route("/manage/hotline", get(page).post(take)).merge(crate::cases::pages::reveal(&callers::CALLER))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    filed: String,
}

/// The intake form; after a filing, with the case it became and its possible duplicates.
async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Overseer>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let filed = match q.filed.trim().parse::<i64>() {
        Ok(id) => Some(filed(&state, &user, id).await?),
        Err(_) => None,
    };
    let page = HotlinePage::load(&state, ctx, CallForm::default(), Errors::none(), filed).await?;
    render(&page)
}

/// What the page says about a case just filed: found only if the viewer may see it.
async fn filed(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Filed> {
    let (case, _) = service::get(state, user, id).await?;
    // Those within the call-taker's reach, by id (a street's dispatcher may be near another street).
    let found = service::possible_duplicates(state, user, &case).await?;
    let duplicates = found.into_iter().filter_map(|d| Some((d.id?, d.metres))).collect();
    let can_merge = workflow::may(&parties(&user.principal, &case), case.state, Action::Void);
    Ok(Filed { id: case.id, reporter_matched: case.reporter.is_some(), duplicates, can_merge })
}

/// Takes the call down: to the page naming the new case, or the form again with its errors.
async fn take(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Overseer>,
    Form(form): Form<CallForm>,
) -> AppResult<Response> {
    match take_call(&state, &user, &form).await {
        Ok(case) => Ok(see_other(&format!("/manage/hotline?filed={}", case.id))),
        Err(AppError::Invalid(errors)) => {
            let page = HotlinePage::load(&state, ctx, form, errors.into(), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// The hotline's tile, for those who take calls.
pub fn tiles(principal: &Principal) -> Vec<Tile> {
    if Overseer::admits(principal) { vec![Tile::new("hotline.title", "/manage/hotline")] } else { Vec::new() }
}

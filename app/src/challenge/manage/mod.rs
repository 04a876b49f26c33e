//! The organisers' back office for the Long March challenge (issue 13): the challenges one runs
//! (`list`), the form that makes or changes one (`form`, on `service::update` here and the
//! challenge's own `create`), its teams (`teams`), the review queue of held check-ins (`review`,
//! on `checkin::review` and `checkin::held`), and the exports per team and per person
//! (`export`). `api` adds `PATCH /api/v1/challenges/{id}` on the same update.
//!
//! A sub-folder because the challenge's own folder is near its fifteen files; its layers are the
//! domain's: `store` (SQL), `service` (checks and audit), the page handlers, `views` (askama).
//! Every page is behind `Staff<Organising>` (organisers and district admins); which challenge
//! is theirs is `challenge::service::runs`, asked for each one.

pub mod api;
mod export;
mod form;
mod list;
mod review;
pub mod service;
pub mod store;
mod teams;
mod views;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::authz::Principal;
use crate::web::backoffice::Tile;

/// The back office's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/challenges", get(list::list))
        .route("/manage/challenges/new", get(form::new).post(form::create))
        .route("/manage/challenges/{id}/edit", get(form::edit).post(form::update))
        .route("/manage/challenges/{id}/teams", get(teams::page).post(teams::add))
        .route("/manage/challenges/{id}/teams/communities", post(teams::communities))
        .route("/manage/challenges/{id}/teams/{team}/rename", post(teams::rename))
        .route("/manage/challenges/{id}/review", get(review::page))
        .route("/manage/challenges/{id}/review/{checkin}", post(review::decide))
        .route("/manage/challenges/{id}/export.csv", get(export::download))
        .route("/manage/challenges/{id}/export.xlsx", get(export::download))
}

/// Organisers and the district's admins run challenges: their tile opens the list.
pub fn tiles(principal: &Principal) -> Vec<Tile> {
    use crate::authz::gate::{Gate as _, Organising};
    if Organising::admits(principal) {
        vec![Tile::new("challenge_manage.title", "/manage/challenges")]
    } else {
        Vec::new()
    }
}

//! Guard extractors: a handler that takes `Staff<G>` (a site page) or `ApiStaff<G>` (an API
//! operation) runs only for a signed-in user the role gate `G` admits (`authz::gate`). Without a
//! session or token the answer is 401 — on the site the error layer turns it into the login
//! redirect, on the API a problem+json —, for anyone the gate refuses 403, before the handler
//! runs. The handler gets the user without a check of its own to forget; checks about one object
//! (a case's parties, an offering's organisers) stay where the object is read.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::accounts::CurrentUser;
use crate::api::ApiUser;
use crate::app::AppState;
use crate::authz::Gate;
use crate::authz::gate::AnyStaff;
use crate::error::AppError;
use crate::web::Ctx;

/// A site request from a user the gate `G` admits, with the page context.
#[derive(Debug)]
pub struct Staff<G> {
    /// The page context.
    pub ctx: Ctx,
    /// The user (also in `ctx.user`).
    pub user: CurrentUser,
    gate: PhantomData<G>,
}

/// An API request from a user the gate `G` admits.
#[derive(Debug)]
pub struct ApiStaff<G> {
    /// The token's owner.
    pub user: Arc<CurrentUser>,
    gate: PhantomData<G>,
}

/// 403 unless `G` admits `user`.
fn admitted<G: Gate>(user: &CurrentUser) -> Result<(), AppError> {
    if G::admits(&user.principal) { Ok(()) } else { Err(AppError::Forbidden) }
}

impl<G: Gate> FromRequestParts<AppState> for Staff<G> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let user = ctx.user()?.clone();
        admitted::<G>(&user)?;
        Ok(Staff { ctx, user, gate: PhantomData })
    }
}

impl<G: Gate> FromRequestParts<AppState> for ApiStaff<G> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        admitted::<G>(&user)?;
        Ok(ApiStaff { user, gate: PhantomData })
    }
}

/// Middleware: the whole back office (`/manage` and below) is for staff. Each handler still
/// names its own gate; this makes the back office's floor hold for a route that forgets to, and
/// answers before any form is read or object looked up — so a resident learns nothing from a
/// back-office URL, not even whether the id in it exists.
pub async fn back_office(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path != "/manage" && !path.starts_with("/manage/") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // The page context the guard loads stays in the request's extensions for the handler.
    if let Err(refused) = Staff::<AnyStaff>::from_request_parts(&mut parts, &state).await {
        return refused.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

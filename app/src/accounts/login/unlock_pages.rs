//! The pages for unlocking a phone's logins with a texted code (see [`unlock`]).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::accounts::login::unlock;
use crate::accounts::login::{PhoneForm, TokenQuery};
use crate::accounts::model::Phone;
use crate::accounts::views::UnlockPage;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::client::client_ip;
use crate::web::extract::{Form, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/unlock", get(phone_page).post(send_code))
        .route("/login/unlock/verify", get(code_page).post(check_code))
}

async fn phone_page(ctx: Ctx) -> AppResult<Response> {
    render(&UnlockPage::phone(ctx, "", Errors::none()))
}

async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Form(f): Form<PhoneForm>,
) -> AppResult<Response> {
    let Some(phone) = Phone::parse(&f.phone) else {
        let errors = vec![FieldError { field: "phone", key: "form.phone_invalid" }].into();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &UnlockPage::phone(ctx, &f.phone, errors));
    };
    let token = unlock::start(&state, &phone, client_ip(&parts, &state.config), ctx.locale).await?;
    Ok(see_other(&format!("/login/unlock/verify?token={token}")))
}

async fn code_page(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    render(&UnlockPage::code(ctx, q.token, Errors::none()))
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    code: String,
}

async fn check_code(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    parts: Parts,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    match unlock::complete(&state, &f.token, &f.code).await {
        Ok(value) => {
            let jar = jar.add(unlock::cookie(&state, &parts.headers, value));
            Ok((jar, see_other("/login?unlocked=1")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &UnlockPage::code(ctx, f.token, errors.into()))
        }
        Err(other) => Err(other),
    }
}

//! The pages of 忘记密码 (see [`reset`]): the phone, then the code with the new password.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::accounts::login::reset::{self, NewPassword};
use crate::accounts::login::{PhoneForm, TokenQuery};
use crate::accounts::model::Phone;
use crate::accounts::views::ResetPage;
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::client::client_ip;
use crate::web::extract::{Form, Query};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/reset", get(phone_page).post(send_code))
        .route("/login/reset/verify", get(code_page).post(set_password))
}

async fn phone_page(ctx: Ctx) -> AppResult<Response> {
    render(&ResetPage::phone(ctx, "", Errors::none()))
}

async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Form(f): Form<PhoneForm>,
) -> AppResult<Response> {
    let Some(phone) = Phone::parse(&f.phone) else {
        let errors = vec![FieldError { field: "phone", key: "form.phone_invalid" }].into();
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &ResetPage::phone(ctx, &f.phone, errors));
    };
    let token = reset::start(&state, &phone, client_ip(&parts, &state.config), ctx.locale).await?;
    Ok(see_other(&format!("/login/reset/verify?token={token}")))
}

async fn code_page(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    render(&ResetPage::code(ctx, q.token, Errors::none()))
}

#[derive(Debug, Deserialize)]
struct CodeForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn set_password(State(state): State<AppState>, ctx: Ctx, Form(f): Form<CodeForm>) -> AppResult<Response> {
    let form =
        NewPassword { token: &f.token, code: &f.code, password: f.new_password.clone(), confirm: &f.confirm_password };
    match reset::complete(&state, form).await {
        Ok(()) => Ok(flash::redirect("/login", Flash::PasswordReset)),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &ResetPage::code(ctx, f.token, errors.into()))
        }
        Err(other) => Err(other),
    }
}

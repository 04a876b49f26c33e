//! Giving a family member their own phone for reminders (`/me/people/{id}/phone`): the number,
//! then the code texted to it (see `people::phone`). Both steps are one page, so the code form
//! appears under the number it was sent to, and errors come in the shared summary.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::views::PersonPhonePage;
use crate::error::{AppError, AppResult};
use crate::people::phone;
use crate::web::extract::{Form, Path};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

async fn page(state: &AppState, ctx: Ctx, id: i64, typed: &str, errors: Errors) -> AppResult<PersonPhonePage> {
    let user = ctx.user()?;
    let person = phone::family_member(state, user.id, id).await?;
    let sent = phone::pending(state, person.id).await?.map(|masked| ctx.tf("people.phone_sent", &[("phone", &masked)]));
    let errors = errors.label("phone", "people.phone_field").label("code", "people.code_field");
    Ok(PersonPhonePage { ctx, person, phone: typed.to_owned(), sent, errors })
}

/// The number, and the code form when a code is out.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    render(&page(&state, ctx, id, "", Errors::none()).await?)
}

/// The number typed.
#[derive(Debug, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
}

/// Texts a code to the number.
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PhoneForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    match phone::send_code(&state, user.id, id, &f.phone, ctx.locale).await {
        Ok(()) => Ok(see_other(&format!("/me/people/{id}/phone#f-code"))),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, ctx, id, &f.phone, errors.into()).await?)
        }
        Err(other) => Err(other),
    }
}

/// The code typed.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Checks the code; the number is the person's from then on.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    match phone::confirm(&state, user.id, id, &f.code).await {
        Ok(()) => Ok(see_other("/me/people?added=phone")),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, ctx, id, "", errors.into()).await?)
        }
        Err(other) => Err(other),
    }
}

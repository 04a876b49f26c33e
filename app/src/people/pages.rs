//! A family member's own page: edit their details, or remove them with a second step that
//! works without JavaScript (issue 12, points 5 and 11). Both say what happened on the list
//! they return to (`web::flash`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::people::model::{Person, Relation, check_person};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::Form;
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/people/{id}", get(edit_page).post(save))
        .route("/me/people/{id}/remove", get(remove_page).post(remove))
}

/// Editing one person.
#[derive(askama::Template)]
#[template(path = "people/edit.html")]
struct EditPage {
    ctx: Ctx,
    person: Person,
    fields: Vec<Field>,
    errors: Errors,
}

/// Removing one person: the second step, or why not yet.
#[derive(askama::Template)]
#[template(path = "people/remove.html")]
struct RemovePage {
    ctx: Ctx,
    person: Person,
    /// Bookings for them still ahead: removing waits until they are cancelled.
    ahead: i64,
}

fn fields(ctx: &Ctx, name: &str, relation: &str) -> Vec<Field> {
    let relations =
        Relation::ALL.iter().map(|r| Opt { value: r.as_str().into(), label: ctx.t(r.label_key()).into() }).collect();
    vec![
        Field::text("name", "field.person_name", name).autocomplete("off").required(),
        Field::select("relation", "field.relation", relation, vec![OptGroup { label: None, options: relations }])
            .required(),
        Field::text("id_number", "field.id_number", "").autocomplete("off").hint("people_edit.id_hint"),
    ]
}

async fn person(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<(Person, i64)> {
    crate::people::bookings_ahead(state, ctx.user()?.id, id).await?.ok_or(AppError::NotFound)
}

async fn edit_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let (person, _) = person(&state, &ctx, id).await?;
    let fields = fields(&ctx, &person.name, person.relation.as_str());
    render(&EditPage { ctx, person, fields, errors: Errors::none() })
}

#[derive(Debug, Deserialize)]
struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    id_number: String,
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    let owner = ctx.user()?.id;
    let result = match check_person(&f.name, &f.relation, Some(&f.id_number)) {
        Ok(p) => crate::people::update(&state, owner, id, p).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(flash::redirect("/me/people", Flash::PersonSaved)),
        Err(AppError::Invalid(errors)) => {
            let (person, _) = person(&state, &ctx, id).await?;
            // What was typed stays, the ID number too: it is the one to correct.
            let mut fields = fields(&ctx, &f.name, &f.relation);
            if let Some(field) = fields.iter_mut().find(|x| x.name == "id_number") {
                field.value = f.id_number.clone();
            }
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &EditPage { ctx, person, fields, errors: errors.into() })
        }
        Err(other) => Err(other),
    }
}

async fn remove_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let (person, ahead) = person(&state, &ctx, id).await?;
    render(&RemovePage { ctx, person, ahead })
}

async fn remove(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    match crate::people::remove(&state, ctx.user()?.id, id).await {
        Ok(()) => Ok(flash::redirect("/me/people", Flash::PersonRemoved)),
        // Bookings were made meanwhile: the page again, saying which to cancel first.
        Err(AppError::Conflict(_)) => {
            let (person, ahead) = person(&state, &ctx, id).await?;
            render_status(StatusCode::CONFLICT, &RemovePage { ctx, person, ahead })
        }
        Err(other) => Err(other),
    }
}

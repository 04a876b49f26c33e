//! The article form's pictures: the cover (uploaded with its required alt text, its alt
//! changed alone, or taken away) and images for the body, each kept with its alt text and
//! answered with the Markdown line to paste (`![alt](/images/N.jpg)`), shown on the article's
//! page so it works without JavaScript. Same upload rules as an event's cover (`media::save`).

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Newsroom;
use crate::error::{AppError, AppResult, FieldError};
use crate::news::links::{self, Extras};
use crate::news::manage::{ArticleForm, editable, form_page};
use crate::news::views::MediaForm;
use crate::web::csrf::UPLOAD_LIMIT;
use crate::web::extract::Path;
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render_status, see_other};

/// The picture routes of the article form.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/news/{id}/cover", post(set_cover).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/manage/news/{id}/image", post(upload_image).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
}

/// The cover or body-image form's text: the alt, and the remove button whose presence counts.
#[derive(Debug, Default, Deserialize)]
struct MediaPost {
    #[serde(default)]
    alt: String,
    remove: Option<String>,
}

/// Uploads (with its alt text) or with the remove button takes away the article's cover.
async fn set_cover(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    let (MediaPost { alt, remove }, bytes) = crate::web::extract::form_with_file(request, &state, "cover").await?;
    let result = if remove.is_some() {
        links::set_cover(&state, &user, id, None, None).await
    } else if bytes.is_empty() {
        // No new picture: the alt text of the one there is changes.
        links::set_extras(&state, &user, id, Extras { cover_alt: Some(alt.clone()), ..Extras::default() })
            .await
            .map(|_| ())
    } else {
        links::set_cover(&state, &user, id, Some(bytes), Some(&alt)).await
    };
    media_answer(&state, ctx, &user, id, result.map(|()| None), MediaForm { cover_alt: alt, ..MediaForm::default() })
        .await
}

/// Keeps an image for the body, with its alt text, and shows the Markdown line to paste.
async fn upload_image(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    let (MediaPost { alt, .. }, bytes) = crate::web::extract::form_with_file(request, &state, "image").await?;
    let result = links::upload_image(&state, &user, id, bytes, &alt).await.map(Some);
    media_answer(&state, ctx, &user, id, result, MediaForm { image_alt: alt, ..MediaForm::default() }).await
}

/// After a cover or image upload: back to the article, or its page with the Markdown line to
/// paste, or with why the upload was refused beside its field.
async fn media_answer(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    result: AppResult<Option<String>>,
    mut media: MediaForm,
) -> AppResult<Response> {
    let (status, errors) = match result {
        Ok(None) => return Ok(see_other(&format!("/manage/news/{id}"))),
        Ok(Some(line)) => {
            media.snippet = Some(line);
            media.image_alt.clear();
            (StatusCode::OK, Errors::none())
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors.into()),
        // An unreadable picture: said beside the field it came from.
        Err(AppError::Rule(key)) => {
            let field = if media.image_alt.is_empty() && !media.cover_alt.is_empty() { "cover" } else { "image" };
            (StatusCode::UNPROCESSABLE_ENTITY, vec![FieldError { field, key }].into())
        }
        Err(other) => return Err(other),
    };
    let full = editable(state, user, id).await?;
    let form = ArticleForm::of(&full);
    let mut page = form_page(state, ctx, user, Some(full.article), &form, Errors::none(), None).await?;
    media.errors = errors;
    page.media = media;
    render_status(status, &page)
}

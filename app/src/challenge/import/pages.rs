//! The import form's handler: `POST /challenges/{id}/import`, one upload for both kinds of
//! file, told apart by what they hold (an XML document is a GPX track; anything else is read as
//! a health app's CSV), because residents do not know which their app wrote and file names on
//! phones often lose their extension. The answer is a page saying what was checked in, each day
//! with its state, and what was not and why — or the form again with what was wrong with the
//! file. It is a page, not a redirect with a one-line message: an export can hold many days.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::challenge::import::service::{self, FILE_FIELD};
use crate::challenge::import::views::{ImportPage, Outcome, Refused, track_figures};
use crate::challenge::model::Kind;
use crate::challenge::views::rows;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Path, form_with_file};
use crate::web::forms::Errors;
use crate::web::{Ctx, render_status};

/// Routes: the upload takes a file up to the site's upload limit (the service then refuses
/// more than [`service::MAX_BYTES`] with a sentence of its own).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges/{id}/import", post(import).layer(DefaultBodyLimit::max(crate::web::csrf::UPLOAD_LIMIT)))
}

/// The form's text fields (multipart, beside `file`).
#[derive(Debug, Default, Deserialize)]
struct ImportForm {
    /// The kind a track counts as (a CSV's steps are always a walk).
    #[serde(default)]
    track_kind: String,
}

/// Whether a file is an XML document (after a byte-order mark and blank space).
fn is_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

async fn import(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, request: Request) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (form, bytes) = form_with_file::<ImportForm, _>(request, &state, FILE_FIELD).await?;
    let kind = Kind::parse(form.track_kind.trim()).unwrap_or(Kind::Walk);
    let name = service::challenge_name(&state, id).await?;
    let page = |ctx, errors, outcome| ImportPage {
        ctx,
        challenge_id: id,
        challenge_name: name.clone(),
        kind: kind.as_str(),
        errors,
        outcome,
    };
    let result = if bytes.is_empty() {
        Err(AppError::Invalid(vec![FieldError { field: FILE_FIELD, key: "challenge.import.no_file" }]))
    } else if is_xml(&bytes) {
        track(&state, &ctx, &user, id, kind, bytes).await
    } else {
        steps(&state, &ctx, &user, id, bytes).await
    };
    let errors = match result {
        Ok(outcome) => {
            // Nothing checked in is not a success, though the page says why as well.
            let status = if outcome.rows.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            return render_status(status, &page(ctx, Errors::none(), Some(outcome)));
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Rule(key) | AppError::Conflict(key)) => vec![FieldError { field: "", key }],
        Err(e) => return Err(e),
    };
    let errors = Errors::from(errors).label(FILE_FIELD, "challenge.import.file");
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, errors, None))
}

/// A GPX track: its check-in, or the check-in refused (a track used before, a reviewed day, a
/// day outside the window) with why.
async fn track(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: i64,
    kind: Kind,
    bytes: Vec<u8>,
) -> AppResult<Outcome> {
    let (claim, answer) = service::gpx(state, user, id, kind, bytes, None).await?;
    let track = Some(track_figures(ctx, claim.metres, claim.minutes));
    let why = match answer {
        Ok(a) => return Ok(Outcome { rows: rows(ctx, &[a.checkin]), track, ..Outcome::default() }),
        Err(AppError::Rule(key) | AppError::Conflict(key)) => key,
        Err(AppError::Invalid(errors)) if !errors.is_empty() => errors[0].key,
        Err(e) => return Err(e),
    };
    let refused = Refused::of_track(ctx, claim.day, ctx.t(kind.label_key()), claim.metres, why);
    Ok(Outcome { track, ..Outcome::default() }.refusing(vec![refused]))
}

/// A health app's export: the walks checked in and the rows skipped.
async fn steps(state: &AppState, ctx: &Ctx, user: &CurrentUser, id: i64, bytes: Vec<u8>) -> AppResult<Outcome> {
    let done = service::steps_csv(state, user, id, bytes).await?;
    let refused = done.skipped.iter().map(|s| Refused::of_row(ctx, s)).collect();
    Ok(Outcome { rows: rows(ctx, &done.checkins), ..Outcome::default() }.refusing(refused))
}

#[cfg(test)]
mod tests {
    use super::is_xml;

    #[test]
    fn xml_is_told_from_csv_by_its_first_character() {
        assert!(is_xml(b"<?xml version=\"1.0\"?><gpx/>"));
        assert!(is_xml(b"\xEF\xBB\xBF\r\n  <gpx/>"));
        assert!(!is_xml(b"date,steps\n"));
        assert!(!is_xml("\u{feff}日期,步数".as_bytes()));
    }
}

//! Photos on the resident's three-screen report. Screen 2 sends its form as multipart so a photo
//! can come along; the photo is checked and kept (privately) at once, and the next screens carry
//! it as a signed token (`Keys::upload_token`): the case does not exist yet, and a form can only
//! attach what its own user uploaded. Filing links the carried photos to the new case.
//!
//! An image kept for a report that is never filed stays unlinked: it is private, nobody can reach
//! it without the token, and it costs one row.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::model::Case;
use crate::cases::service::NewCase;
use crate::error::{AppError, AppResult, FieldError};

/// Photos one report carries at most (more can be added on the case page).
pub const MAX_PHOTOS: usize = 3;

/// The tokens a draft carries (comma-separated).
pub fn tokens(carried: &str) -> impl Iterator<Item = &str> {
    carried.split(',').map(str::trim).filter(|t| !t.is_empty())
}

/// Checks and keeps an uploaded photo; returns the draft's photos with its token added, or the
/// error to show at the photo field. Nothing is kept when the file is refused.
pub async fn keep(state: &AppState, user: &CurrentUser, carried: &str, upload: Vec<u8>) -> AppResult<String> {
    if tokens(carried).count() >= MAX_PHOTOS {
        return Err(AppError::Invalid(vec![FieldError { field: "photo", key: "report_page.too_many_photos" }]));
    }
    let processed = match crate::media::process(state, upload).await {
        Ok(p) => p,
        Err(AppError::Rule(key)) => return Err(AppError::Invalid(vec![FieldError { field: "photo", key }])),
        Err(e) => return Err(e),
    };
    let now = state.clock.unix();
    let image = crate::media::insert(&mut *state.db.conn().await?, &processed, false, user.id, now).await?;
    let token = state.keys.upload_token(user.id.0, image);
    Ok(tokens(carried).chain(std::iter::once(token.as_str())).collect::<Vec<_>>().join(","))
}

/// Files the report with the photos it carried, in one transaction: the case and its photos are
/// kept together or not at all. Tokens that are not this user's are ignored (a tampered form
/// attaches nothing).
pub async fn file(state: &AppState, user: &CurrentUser, new: NewCase, carried: &str) -> AppResult<Case> {
    let mut images: Vec<i64> = tokens(carried).filter_map(|t| state.keys.upload_image(user.id.0, t)).collect();
    images.sort_unstable();
    images.dedup();
    images.truncate(MAX_PHOTOS);
    let mut tx = state.db.begin().await?;
    let case = crate::cases::service::file_in(state, &mut tx, user, new, None).await?;
    for image in images {
        crate::cases::photos::service::link(&mut tx, user.id, case.id, image, "report", case.created_at).await?;
    }
    tx.commit().await?;
    Ok(case)
}

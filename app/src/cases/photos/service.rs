//! Photos of a case: what the reporter or inspector saw (`report`), and the department's
//! photo of the result (`after`). Checked, scaled and re-encoded like every upload (which
//! drops EXIF, GPS included), kept private: only the parties to the case get them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::service;
use crate::cases::workflow::{Party, State};
use crate::error::{AppError, AppResult, FieldError};

/// Photos one case keeps at most.
pub const MAX_PER_CASE: i64 = 20;

/// A photo of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Photo {
    /// Image id (fetch it at `/api/v1/cases/{case}/photos/{id}`).
    pub id: i64,
    /// `report` or `after`.
    pub kind: String,
    /// When (Unix seconds).
    pub created_at: i64,
    /// A dispatcher found it fit for the public board (see [`review`]).
    pub reviewed: bool,
}

/// Adds a photo to a case: `report` by any party while the case is open, `after` by the
/// department's handler (or the agent) while it is with them.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    case_id: i64,
    kind: &str,
    upload: Vec<u8>,
) -> AppResult<Vec<Photo>> {
    may_add(state, user, case_id, kind).await?;
    // Decoded before any transaction: a bad file changes nothing.
    let image = crate::media::process(state, upload).await?;
    keep(state, user, case_id, kind, &image).await
}

/// Whether `user` may add a photo of `kind` to the case now (see [`add`]).
pub async fn may_add(state: &AppState, user: &CurrentUser, case_id: i64, kind: &str) -> AppResult<()> {
    let mut conn = state.db.conn().await?;
    let (case, mine) = service::visible(&mut conn, user, case_id).await?;
    let allowed = match kind {
        "report" => case.state.is_open(),
        "after" => {
            mine.iter().any(|p| matches!(p, Party::Handler | Party::Agent))
                && matches!(case.state, State::Dispatched | State::Handling | State::Handled)
        }
        _ => return Err(AppError::Invalid(vec![FieldError { field: "kind", key: "form.choice_invalid" }])),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let count: i64 = sqlx::query_scalar("select count(*) from case_photos where case_id = $1")
        .bind(case_id)
        .fetch_one(&mut *conn)
        .await?;
    if count >= MAX_PER_CASE {
        return Err(AppError::Rule("cases.too_many_photos"));
    }
    Ok(())
}

/// Keeps an image already checked by `media::process` as a photo of the case, private to its
/// parties (the caller checked [`may_add`]).
pub async fn keep(
    state: &AppState,
    user: &CurrentUser,
    case_id: i64,
    kind: &str,
    processed: &crate::media::model::Processed,
) -> AppResult<Vec<Photo>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let image = crate::media::insert(&mut tx, processed, false, user.id, now).await?;
    link(&mut tx, user.id, case_id, image, kind, now).await?;
    tx.commit().await?;
    list(state, case_id).await
}

/// Makes a kept image a photo of the case, with its audit entry (the caller checked the user
/// may add it).
pub async fn link(
    conn: &mut crate::db::Conn,
    by: crate::ids::UserId,
    case_id: i64,
    image: i64,
    kind: &str,
    now: i64,
) -> AppResult<()> {
    let (street, anonymous, reporter): (Option<i64>, i64, Option<i64>) =
        sqlx::query_as("select street_id, anonymous, reporter_user_id from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&mut *conn)
            .await?;
    // The reporter of an anonymous report is named in no audit entry (see `model::audit_actor`).
    let actor = (!(anonymous == 1 && reporter == Some(by.0))).then_some(by);
    sqlx::query(
        "insert into case_photos (case_id, image_id, kind, created_by, created_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(case_id)
    .bind(image)
    .bind(kind)
    .bind(by.0)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let change = crate::audit::Change::new("case", case_id, street.map(crate::ids::StreetId));
    crate::audit::record(conn, now, actor, "case.photo", change).await?;
    Ok(())
}

/// The photos of a case, oldest first (the caller has checked the viewer may see the case).
pub async fn list(state: &AppState, case_id: i64) -> AppResult<Vec<Photo>> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "select image_id, kind, created_at, reviewed from case_photos where case_id = $1 order by case_photo_id",
    )
    .bind(case_id)
    .fetch_all(&mut *state.db.conn().await?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, created_at, reviewed)| Photo { id, kind, created_at, reviewed: reviewed == 1 })
        .collect())
}

/// Whether `parts` may decide which of a case's photos the public sees: the dispatcher or
/// the district admin whose scope covers the case (a photo can show faces, plates, a home).
pub fn may_review(parts: &[Party]) -> bool {
    parts.iter().any(|p| matches!(p, Party::Dispatcher | Party::DistrictAdmin))
}

/// Marks a photo of a case fit for the public board (`reviewed`) or not, keeping who decided
/// and when. Others with a part in the case get 403, everyone else 404.
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    case_id: i64,
    image_id: i64,
    reviewed: bool,
) -> AppResult<Vec<Photo>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let (case, mine) = service::visible(&mut tx, user, case_id).await?;
    if !may_review(&mine) {
        return Err(AppError::Forbidden);
    }
    let changed = sqlx::query(
        "update case_photos set reviewed = $1, reviewed_by = $2, reviewed_at = $3 where case_id = $4 and image_id = $5",
    )
    .bind(i64::from(reviewed))
    .bind(user.id.0)
    .bind(now)
    .bind(case_id)
    .bind(image_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    let change = crate::audit::Change::new("case", case_id, case.street_id)
        .after(&serde_json::json!({"image_id": image_id, "reviewed": reviewed}));
    crate::audit::record(&mut tx, now, user.id, "case.photo_review", change).await?;
    tx.commit().await?;
    list(state, case_id).await
}

/// One photo's bytes, for a party to the case.
pub async fn image(
    state: &AppState,
    user: &CurrentUser,
    case_id: i64,
    image_id: i64,
) -> AppResult<crate::media::Stored> {
    let mut conn = state.db.conn().await?;
    service::visible(&mut conn, user, case_id).await?;
    let belongs: Option<i64> =
        sqlx::query_scalar("select image_id from case_photos where case_id = $1 and image_id = $2")
            .bind(case_id)
            .bind(image_id)
            .fetch_optional(&mut *conn)
            .await?;
    if belongs.is_none() {
        return Err(AppError::NotFound);
    }
    crate::media::get(&mut conn, image_id, false).await?.ok_or(AppError::NotFound)
}

/// A photo as an HTTP answer: private to the viewer's browser, kept there an hour.
pub fn response(stored: crate::media::Stored) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let headers = [
        (axum::http::header::CONTENT_TYPE, stored.content_type),
        (axum::http::header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
    ];
    (headers, stored.bytes).into_response()
}

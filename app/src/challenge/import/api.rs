//! Importing check-ins over the API: a GPX track (one check-in, answered as the check-in API
//! answers) and a health app's CSV export of steps (a walk per day, and the rows skipped).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::challenge::checkin_api::{CheckinView, locale};
use crate::challenge::import::health_csv::Skipped;
use crate::challenge::import::service::{self, MAX_BYTES};
use crate::challenge::model::Kind;
use crate::error::AppResult;
use crate::web::extract::{Json, Path, Query};
use crate::web::i18n::{Locale, t};

/// The import routes: they take bodies up to [`MAX_BYTES`].
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_gpx)).routes(routes!(import_csv)).layer(DefaultBodyLimit::max(MAX_BYTES))
}

/// How to count a track.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GpxQuery {
    /// `walk` (default), `run`, `cycle` or `swim`: the kind the track is checked in as, whose
    /// speed limit it is checked against.
    kind: Option<Kind>,
}

/// Checks in a GPX track (yourself): its distance and moving time, for the day of its first
/// point (today when its points have no times). Only these figures and a hash of the track are
/// kept, never its points. The same track twice is refused (409); a track too fast for its kind,
/// or whose points jump, is held for an organiser with the reason (`reason_code` `speed` or
/// `track_jumps`). Like a check-in by hand it replaces the day's check-in of its kind, and an
/// `Idempotency-Key` makes a retry write nothing more.
#[utoipa::path(post, path = "/challenges/{id}/checkins/gpx", tag = "challenges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id"), GpxQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string per import attempt, up to 128 characters")),
    request_body(content = String, content_type = "application/gpx+xml", description = "A GPX 1.0 or 1.1 document with a track of two points or more, at most 5 MB (any XML content type is taken)"),
    responses((status = 201, description = "Checked in: accepted, or held with the reason", body = CheckinView),
        (status = 200, description = "Replaced the day's check-in of this kind", body = CheckinView),
        (status = 409, description = "This track was checked in before, or an organiser has reviewed the day's check-in of this kind", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a GPX track of two points or more that move, its day outside the window or the challenge's dates, or not joined", body = Problem, content_type = "application/problem+json")))]
async fn import_gpx(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<GpxQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<CheckinView>)> {
    let key = crate::bookings::api::idempotency_key(&headers)?;
    let kind = q.kind.unwrap_or(Kind::Walk);
    let (_, answer) = service::gpx(&state, &user, id, kind, body.to_vec(), key).await?;
    let answer = answer?;
    let status = if answer.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(CheckinView::of(&answer.checkin, locale(&headers)))))
}

/// A row or day of a CSV export not checked in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ImportSkippedRow)]
pub struct SkippedView {
    /// Its line in the file (the header is line 1).
    pub row: u64,
    /// Its day (`YYYY-MM-DD`), when it could be read.
    pub day: Option<String>,
    /// `unreadable`, `no_steps`, `too_many_steps`, `day_outside` or `reviewed`.
    pub reason_code: &'static str,
    /// Why, to read, in the caller's language.
    pub reason: &'static str,
}

impl SkippedView {
    fn of(s: &Skipped, locale: Locale) -> Self {
        Self {
            row: s.row,
            day: s.day.map(|d| d.format("%Y-%m-%d").to_string()),
            reason_code: s.why.code(),
            reason: t(locale, s.why.key()),
        }
    }
}

/// What a CSV export came to.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StepsImport)]
pub struct StepsImportView {
    /// The walks checked in, earliest day first: accepted, or held with the reason.
    pub items: Vec<CheckinView>,
    /// The rows and days not checked in, with why.
    pub skipped: Vec<SkippedView>,
}

/// Checks in a phone health app's CSV export of daily steps (yourself): each day the challenge
/// takes a check-in for becomes that day's walk, by its steps, replacing the day's walk. Rows
/// that cannot be read, days outside the window and days whose walk an organiser has reviewed
/// are skipped and said, without stopping the others. Columns `日期`/`date` and `步数`/`steps`
/// (or no header: date, steps), separated by `,`, `;` or a tab; dates `2026-11-30` or
/// `2026/11/30`; a UTF-8 byte-order mark is fine.
#[utoipa::path(post, path = "/challenges/{id}/checkins/csv", tag = "challenges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    request_body(content = String, content_type = "text/csv", description = "The export, UTF-8, at most 5 MB"),
    responses((status = 200, description = "The walks checked in and the rows skipped", body = StepsImportView),
        (status = 422, description = "Not a file of dates and steps, or not joined", body = Problem, content_type = "application/problem+json")))]
async fn import_csv(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Json<StepsImportView>> {
    let done = service::steps_csv(&state, &user, id, body.to_vec()).await?;
    let locale = locale(&headers);
    Ok(Json(StepsImportView {
        items: done.checkins.iter().map(|c| CheckinView::of(c, locale)).collect(),
        skipped: done.skipped.iter().map(|s| SkippedView::of(s, locale)).collect(),
    }))
}

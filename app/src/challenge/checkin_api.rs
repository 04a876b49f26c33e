//! The check-ins' API: checking in (201, or 200 when it replaces the day's check-in of that
//! kind), my check-ins, and the organisers' review queue and decisions. A held check-in says why
//! in `reason`, in the caller's language (`Accept-Language`), with a stable `reason_code`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::challenge::api::Items;
use crate::challenge::checkin::{self, Decision, NewCheckin};
use crate::challenge::model::{Kind, Reason, Source, Status, km_of, metres_of_km};
use crate::challenge::store::Checkin;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Json, Path};
use crate::web::i18n::{Locale, t};

/// The API routes of check-ins.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(held_checkins, check_in)).routes(routes!(my_checkins)).routes(routes!(review))
}

/// The caller's language, for the reasons they read.
pub(crate) fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

/// A check-in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinBody {
    /// The day it is for (`YYYY-MM-DD`): today or yesterday unless the organiser allows more.
    pub day: String,
    /// Kind.
    pub kind: Kind,
    /// Real distance, km (wins over `steps`).
    pub km: Option<f64>,
    /// Steps, converted at the challenge's `steps_per_km`.
    pub steps: Option<i64>,
    /// How long it took, minutes (for the speed check).
    pub minutes: Option<i64>,
}

/// A check-in as answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinView {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// Day.
    pub day: String,
    /// Kind.
    pub kind: Kind,
    /// `accepted` or `held` (after an organiser's review also `reduced` or `refused`).
    pub status: Status,
    /// Real km of the check-in (entered, or worked out from the steps).
    pub km: f64,
    /// Real km that count (0 while held).
    pub counted_km: f64,
    /// Steps, if given.
    pub steps: Option<i64>,
    /// Minutes, if given.
    pub minutes: Option<i64>,
    /// Why it is held, reduced or refused, to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `speed`, `daily_cap`, `kind_cap`, `track_jumps`, or `organiser` for a reviewer's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// An organiser has reviewed it: its owner can no longer replace it.
    pub reviewed: bool,
}

impl CheckinView {
    pub(crate) fn of(c: &Checkin, locale: Locale) -> Self {
        let (reason, reason_code) = match (&c.reason, c.reviewed_by) {
            (None, _) => (None, None),
            (Some(words), Some(_)) => (Some(words.clone()), Some("organiser".to_owned())),
            (Some(code), None) => {
                let text = Reason::parse(code).map_or_else(|| code.clone(), |r| t(locale, r.key()).to_owned());
                (Some(text), Some(code.clone()))
            }
        };
        Self {
            id: c.id,
            challenge_id: c.challenge_id,
            day: c.day.clone(),
            kind: c.kind,
            status: c.status,
            km: km_of(c.claimed_m),
            counted_km: km_of(c.counted_m),
            steps: c.steps,
            minutes: c.minutes,
            reason,
            reason_code,
            reviewed: c.reviewed_by.is_some(),
        }
    }
}

/// Checks a check-in's fields.
fn check(b: &CheckinBody) -> Result<(chrono::NaiveDate, Option<i64>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let day = chrono::NaiveDate::parse_from_str(&b.day, "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(FieldError { field: "day", key: "form.date_invalid" });
    }
    let metres = b.km.map(metres_of_km);
    if matches!(metres, Some(None)) {
        errors.push(FieldError { field: "km", key: "challenge.km_invalid" });
    }
    if b.steps.is_some_and(|s| !(1..=200_000).contains(&s)) {
        errors.push(FieldError { field: "steps", key: "form.number_invalid" });
    }
    if b.minutes.is_some_and(|m| !(1..=24 * 60).contains(&m)) {
        errors.push(FieldError { field: "minutes", key: "form.number_invalid" });
    }
    if b.km.is_none() && b.steps.is_none() {
        errors.push(FieldError { field: "km", key: "challenge.km_or_steps" });
    }
    match day {
        Some(day) if errors.is_empty() => Ok((day, metres.flatten())),
        _ => Err(errors),
    }
}

/// Checks in (yourself): one check-in per day and kind — a second for the same day and kind
/// replaces the first. Send an `Idempotency-Key`: a retry with the same key writes nothing more
/// and answers with what the first wrote. An implausible check-in (too fast for its kind, over a
/// daily cap) is held for an organiser, not refused: `status` says `held` and `reason` why.
#[utoipa::path(post, path = "/challenges/{id}/checkins", tag = "challenges", request_body = CheckinBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string per check-in attempt, up to 128 characters")),
    responses((status = 201, description = "Checked in: accepted, or held with the reason", body = CheckinView),
        (status = 200, description = "Replaced the day's check-in of this kind", body = CheckinView),
        (status = 409, description = "An organiser has reviewed the day's check-in of this kind: it cannot be replaced", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, a day outside the window or the challenge's dates, or not joined", body = Problem, content_type = "application/problem+json")))]
async fn check_in(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(b): Json<CheckinBody>,
) -> AppResult<(StatusCode, Json<CheckinView>)> {
    let key = crate::bookings::api::idempotency_key(&headers)?;
    let (day, metres) = check(&b).map_err(AppError::Invalid)?;
    let new = NewCheckin {
        day,
        kind: b.kind,
        metres,
        steps: b.steps,
        minutes: b.minutes,
        source: Source::Manual,
        track_hash: None,
        jumps: false,
        idempotency_key: key,
    };
    let answer = checkin::check_in(&state, &user, id, new).await?;
    let status = if answer.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(CheckinView::of(&answer.checkin, locale(&headers)))))
}

/// My check-ins in every challenge, newest day first (the latest 200).
#[utoipa::path(get, path = "/me/checkins", tag = "challenges", security(("bearer" = [])),
    responses((status = 200, description = "My check-ins", body = Items<CheckinView>)))]
async fn my_checkins(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Json<Items<CheckinView>>> {
    let found = checkin::mine(&state, user.id).await?;
    let locale = locale(&headers);
    Ok(Json(Items { items: found.iter().map(|c| CheckinView::of(c, locale)).collect() }))
}

/// The challenge's held check-ins, oldest first: the review queue (its organisers).
#[utoipa::path(get, path = "/challenges/{id}/checkins", tag = "challenges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "Held check-ins (at most 500)", body = Items<CheckinView>),
        (status = 403, description = "Not an organiser of this challenge", body = Problem, content_type = "application/problem+json")))]
async fn held_checkins(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<Items<CheckinView>>> {
    let found = checkin::held(&state, &user, id).await?;
    let locale = locale(&headers);
    Ok(Json(Items { items: found.iter().map(|c| CheckinView::of(c, locale)).collect() }))
}

/// An organiser's decision.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckinDecision {
    /// Count it in full.
    Accept,
    /// Count `km` (less than claimed).
    Reduce,
    /// Count nothing.
    Refuse,
}

/// A review.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinReviewBody {
    /// The decision.
    pub decision: CheckinDecision,
    /// Real km to count, for `reduce`.
    pub km: Option<f64>,
    /// Why, which the person reads (needed to reduce or refuse; up to 200 characters).
    pub reason: Option<String>,
}

/// Reviews a check-in (organisers of its challenge): accept, reduce to `km`, or refuse, with a
/// reason. The totals move at once; its owner can no longer replace it.
#[utoipa::path(post, path = "/checkins/{id}/review", tag = "challenges", request_body = CheckinReviewBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Check-in id")),
    responses((status = 200, description = "Reviewed", body = CheckinView),
        (status = 403, description = "Not an organiser of its challenge", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason to reduce or refuse, or a reduction not below the claim", body = Problem, content_type = "application/problem+json")))]
async fn review(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(b): Json<CheckinReviewBody>,
) -> AppResult<Json<CheckinView>> {
    let decision = match b.decision {
        CheckinDecision::Accept => Decision::Accept,
        CheckinDecision::Refuse => Decision::Refuse,
        CheckinDecision::Reduce => match b.km.and_then(metres_of_km) {
            Some(m) => Decision::Reduce(m),
            None => return Err(AppError::Invalid(vec![FieldError { field: "km", key: "challenge.km_invalid" }])),
        },
    };
    let after = checkin::review(&state, &user, id, decision, b.reason).await?;
    Ok(Json(CheckinView::of(&after, locale(&headers))))
}

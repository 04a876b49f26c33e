//! The resident's page of a challenge, `/challenges/{id}`: where they and their team stand on
//! the route, joining, the daily check-in (a form on the same screen, and "same as yesterday"
//! as one button: two taps from opening the page), their check-ins with why one is held, and
//! the teams' board. Anyone may look; joining and checking in need signing in.
//!
//! Milestone pages, the map, quizzes and cards come later (issue 13); this is the minimum the
//! daily habit needs.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::challenge::checkin::{self, NewCheckin};
use crate::challenge::model::{Kind, Source, Status, TeamKind, metres_of_km};
use crate::challenge::route::Route;
use crate::challenge::service::{self, BoardBy, Period};
use crate::challenge::store;
use crate::challenge::views::{self, Again, ChallengePage, Place, km_text};
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Form, Path, Query};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::{Ctx, render_status};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges/{id}", get(page))
        .route("/challenges/{id}/join", post(join))
        .route("/challenges/{id}/checkin", post(check_in))
        .merge(crate::challenge::import::pages::router())
        .merge(crate::challenge::map::router())
}

/// The check-in form as sent.
#[derive(Debug, Default, Deserialize)]
struct CheckinForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    km: String,
    #[serde(default)]
    steps: String,
    #[serde(default)]
    minutes: String,
}

/// The page's query: which teams' board (`?board=today`).
#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    board: Option<Period>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let period = q.board.unwrap_or_default();
    show(&state, ctx, id, &CheckinForm::default(), Errors::none(), StatusCode::OK, period).await
}

/// The page, with the form's values and errors.
async fn show(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    form: &CheckinForm,
    errors: Errors,
    status: StatusCode,
    period: Period,
) -> AppResult<Response> {
    let (challenge, board) = service::board(state, ctx.user.as_ref(), id, BoardBy::Team, period).await?;
    let today = local_day(state.clock.unix());
    let (today, yesterday) =
        (today.format("%Y-%m-%d").to_string(), (today - chrono::Duration::days(1)).format("%Y-%m-%d").to_string());
    let (mut joined, mut mine, mut team, mut joinable, mut checkins) =
        (false, Place::of(&service::standing(&challenge, 0)), None, Vec::new(), Vec::new());
    if let Some(user) = &ctx.user {
        let progress = service::progress(state, user, id).await?;
        joined = progress.participant.is_some();
        mine = Place::of(&progress.mine);
        team = progress.team.map(|(t, s)| (t.name, Place::of(&s)));
        let mut conn = state.db.conn().await?;
        if !joined {
            let home = match user.community_id {
                Some(c) => crate::org::community(&mut conn, c).await?,
                None => None,
            };
            joinable = store::teams(&mut conn, id)
                .await?
                .into_iter()
                .filter(|t| match (t.kind, &home) {
                    (TeamKind::Street, Some(h)) => t.street_id == Some(h.street_id.0),
                    (TeamKind::Community, Some(h)) => t.community_id == Some(h.id.0),
                    _ => false,
                })
                .map(|t| (t.id, t.name))
                .collect();
        }
        checkins = store::checkins_of_user(&mut conn, user.id, 200).await?;
        checkins.retain(|c| c.challenge_id == id);
    }
    let again = checkins.iter().find(|c| c.day == yesterday && c.status == Status::Accepted).map(|c| Again {
        day: today.clone(),
        kind: c.kind.as_str(),
        kind_label: ctx.t(c.kind.label_key()),
        km: km_text(c.claimed_m),
    });
    let day = if form.day.is_empty() { today.as_str() } else { form.day.as_str() };
    let kind = if form.kind.is_empty() { "walk" } else { form.kind.as_str() };
    let fields = views::fields(&ctx, &today, &yesterday, &[day, kind, &form.km, &form.steps, &form.minutes]);
    // The last fortnight's, at most: the page is for today; the API lists them all.
    let rows = views::rows(&ctx, &checkins[..checkins.len().min(14)]);
    let board = board
        .into_iter()
        .take(10)
        .map(|r| (r.name, Place::of(&service::standing(&challenge, r.real_m)), r.points.unwrap_or(0)))
        .collect();
    let route_km = Route::named(&challenge.route).map_or_else(String::new, |r| km_text(r.finish_m()));
    let scale = km_text(challenge.scale_milli);
    let milestones = crate::challenge::milestone::pages::list(state, &ctx, &challenge).await?;
    let page = ChallengePage {
        ctx,
        challenge,
        route_km,
        scale,
        joined,
        mine,
        team,
        joinable,
        fields,
        errors,
        again,
        checkins: rows,
        board,
        board_today: period == Period::Today,
        milestones,
    };
    render_status(status, &page)
}

/// Joining, from the page: with a team of one's home, or none.
#[derive(Debug, Deserialize)]
struct JoinForm {
    #[serde(default)]
    team_id: String,
}

async fn join(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<JoinForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let team = f.team_id.trim().parse::<i64>().ok();
    match service::join(&state, user, id, team, None).await {
        Ok(_) => Ok(flash::redirect(&format!("/challenges/{id}"), Flash::ChallengeJoined)),
        Err(AppError::Rule(key) | AppError::Conflict(key)) => {
            let errors = Errors::from(vec![FieldError { field: "", key }]);
            show(&state, ctx, id, &CheckinForm::default(), errors, StatusCode::UNPROCESSABLE_ENTITY, Period::All).await
        }
        Err(e) => Err(e),
    }
}

/// Reads the form into a check-in, or the fields' errors.
fn parse(f: &CheckinForm) -> Result<NewCheckin, Vec<FieldError>> {
    let mut errors = Vec::new();
    let day = chrono::NaiveDate::parse_from_str(f.day.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(FieldError { field: "day", key: "form.date_invalid" });
    }
    let kind = Kind::parse(f.kind.trim());
    if kind.is_none() {
        errors.push(FieldError { field: "kind", key: "form.choice_invalid" });
    }
    let number = |s: &str| s.trim().replace(['，', ','], ".");
    let km = number(&f.km);
    let metres = if km.is_empty() { None } else { Some(km.parse::<f64>().ok().and_then(metres_of_km)) };
    if matches!(metres, Some(None)) {
        errors.push(FieldError { field: "km", key: "challenge.km_invalid" });
    }
    let whole = |s: &str, max: i64, field: &'static str, errors: &mut Vec<FieldError>| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let n = s.parse::<i64>().ok().filter(|n| (1..=max).contains(n));
        if n.is_none() {
            errors.push(FieldError { field, key: "form.number_invalid" });
        }
        n
    };
    let steps = whole(&f.steps, 200_000, "steps", &mut errors);
    let minutes = whole(&f.minutes, 24 * 60, "minutes", &mut errors);
    if km.is_empty() && f.steps.trim().is_empty() {
        errors.push(FieldError { field: "km", key: "challenge.km_or_steps" });
    }
    match (day, kind) {
        (Some(day), Some(kind)) if errors.is_empty() => Ok(NewCheckin {
            day,
            kind,
            metres: metres.flatten(),
            steps,
            minutes,
            source: Source::Manual,
            track_hash: None,
            jumps: false,
            idempotency_key: None,
        }),
        _ => Err(errors),
    }
}

async fn check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CheckinForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match parse(&f) {
        Ok(new) => checkin::check_in(&state, user, id, new).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let errors = match result {
        Ok(answer) => {
            let said = if answer.checkin.status == Status::Held { Flash::CheckinHeld } else { Flash::CheckinCounted };
            return Ok(flash::redirect(&format!("/challenges/{id}"), said));
        }
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Rule(key) | AppError::Conflict(key)) => vec![FieldError { field: "", key }],
        Err(e) => return Err(e),
    };
    let errors = Errors::from(errors)
        .label("day", "challenge.page.day")
        .label("kind", "challenge.page.kind")
        .label("km", "challenge.page.km")
        .label("steps", "challenge.page.steps")
        .label("minutes", "challenge.page.minutes");
    show(&state, ctx, id, &f, errors, StatusCode::UNPROCESSABLE_ENTITY, Period::All).await
}

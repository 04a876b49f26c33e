//! The milestone page, `/challenges/{id}/milestones/{seq}`: what happened there (public
//! history: anyone may read it, reached or not), whether the viewer or their team has reached
//! it or how far is left, and — once reached — its quiz, answered with radio buttons in one
//! form and scored once; after answering, which were right, the right answer and why, and the
//! points. Also the milestones' list on the challenge page ([`list`]).

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::challenge::milestone::service::{self, Choice};
use crate::challenge::milestone::views::{self, Link, MilestoneList, MilestonePage, field_of};
use crate::challenge::route::Route;
use crate::challenge::store::Challenge;
use crate::challenge::views::km_text;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render_status, see_other};

/// Routes of the milestone pages (the organisers' are `manage`'s).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges/{id}/milestones/{seq}", get(page))
        .route("/challenges/{id}/milestones/{seq}/quiz", post(answer))
}

/// The milestones' list of the challenge page, for its viewer.
pub async fn list(state: &AppState, ctx: &Ctx, c: &Challenge) -> AppResult<MilestoneList> {
    let (_, pos) = service::positions(state, ctx.user.as_ref(), c.id).await?;
    let runs = match &ctx.user {
        Some(u) => service::runs(state, u, c).await?,
        None => false,
    };
    Ok(MilestoneList::of(ctx, c, &pos, runs))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    answered: Option<u8>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i64, i64)>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    show(&state, ctx, id, seq, &[], Errors::none(), q.answered.is_some(), StatusCode::OK).await
}

/// The page, with the radios sent and the errors of a form that had some.
#[expect(clippy::too_many_arguments, reason = "one page's inputs, each named")]
async fn show(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    seq: i64,
    chosen: &[(&'static str, i64)],
    errors: Errors,
    just_answered: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let (challenge, pos) = service::positions(state, ctx.user.as_ref(), id).await?;
    let place = service::place(&challenge, seq)?;
    let m = place.milestone;
    let open = pos.reached(m).any();
    let quiz = service::quiz(state, ctx.user.as_ref(), &challenge, seq, open).await?;
    let runs = match &ctx.user {
        Some(u) => service::runs(state, u, &challenge).await?,
        None => false,
    };
    let total = Route::named(&challenge.route).map_or(0, |r| r.milestones.len());
    let summary = (!quiz.answers.is_empty()).then(|| {
        let right = quiz.answers.iter().filter(|a| a.correct).count().to_string();
        let points = quiz.answers.iter().map(|a| a.points).sum::<i64>().to_string();
        let asked = quiz.questions.len().to_string();
        ctx.tf("milestone.quiz.summary", &[("right", &right), ("asked", &asked), ("points", &points)])
    });
    let page = MilestonePage {
        stop: ctx.tf("milestone.stop", &[("n", &m.seq.to_string()), ("of", &total.to_string())]),
        day: ctx.day(&m.date),
        route_km: km_text(m.metres()),
        prev: place.prev.map(Link::of),
        next: place.next.map(Link::of),
        signed_in: ctx.user.is_some(),
        joined: pos.joined,
        open,
        status: views::status(&ctx, m, &pos),
        questions: views::questions(&quiz, chosen),
        demo: quiz.questions.iter().any(|q| q.demo),
        done: quiz.done(),
        summary,
        just_answered: just_answered && !quiz.answers.is_empty(),
        errors,
        runs,
        m,
        challenge,
        ctx,
    };
    render_status(status, &page)
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i64, i64)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (challenge, pos) = service::positions(&state, Some(&user), id).await?;
    let place = service::place(&challenge, seq)?;
    let open = pos.reached(place.milestone).any();
    let quiz = service::quiz(&state, Some(&user), &challenge, seq, open).await?;
    // Each question not answered yet needs a choice: `q{position}` = the option's index.
    let (mut choices, mut chosen, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for q in quiz.questions.iter().filter(|q| quiz.answer(q.id).is_none()) {
        let field = field_of(q.position);
        match form.get(field).and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(choice) => {
                choices.push(Choice { question_id: q.id, choice });
                chosen.push((field, choice));
            }
            None => errors.push(FieldError { field, key: "milestone.quiz.choose" }),
        }
    }
    if choices.is_empty() && errors.is_empty() && open {
        // All answered before (a form sent twice, the back button): the first results stand.
        return Ok(see_other(&format!("/challenges/{id}/milestones/{seq}#quiz")));
    }
    let result = if errors.is_empty() {
        service::answer(&state, &user, id, seq, &choices).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    let errors = match result {
        Ok(()) => return Ok(see_other(&format!("/challenges/{id}/milestones/{seq}?answered=1#quiz"))),
        Err(AppError::Invalid(errors)) => errors,
        Err(AppError::Rule(key) | AppError::Conflict(key)) => vec![FieldError { field: "", key }],
        Err(e) => return Err(e),
    };
    let mut errors = Errors::from(errors);
    for q in &quiz.questions {
        let field = field_of(q.position);
        errors = errors.anchor(field, format!("f-{field}-0")).label(field, question_label(q.position));
    }
    show(&state, ctx, id, seq, &chosen, errors, false, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// "Question 1" for the error summary.
fn question_label(position: i64) -> &'static str {
    match position {
        1 => "milestone.quiz.q1",
        2 => "milestone.quiz.q2",
        3 => "milestone.quiz.q3",
        _ => "milestone.quiz.q4",
    }
}

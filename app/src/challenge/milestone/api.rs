//! The milestones in the API: the route's milestones with whether the caller (or their team)
//! has reached each, one milestone with its quiz (the questions once reached; right answers only
//! for questions the caller answered), and answering the quiz — scored once, with the points.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, MaybeApiUser, Problem};
use crate::app::AppState;
use crate::challenge::api::Items;
use crate::challenge::milestone::service::{self, Choice, Positions};
use crate::challenge::milestone::store::{Answer, Question};
use crate::challenge::model::km_of;
use crate::challenge::route::{Milestone, Route};
use crate::error::AppResult;
use crate::web::extract::{Json, Path};

/// The API routes of milestones and their quizzes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(milestones)).routes(routes!(milestone)).routes(routes!(answer))
}

/// A milestone and where the caller stands to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneItem {
    /// Order along the route, from 1 (the path's `{seq}`).
    pub seq: u32,
    /// Name (Chinese).
    pub name: String,
    /// Where it is today.
    pub place_today: String,
    /// Date of the event (`YYYY-MM-DD`, some approximate).
    pub date: String,
    /// Route km from the start (the route file's estimate).
    pub route_km: f64,
    /// One of the main milestones.
    pub core: bool,
    /// Beyond the finish (会宁, the bonus leg).
    pub optional: bool,
    /// The caller or their team has reached it: its quiz is open to them.
    pub reached: bool,
    /// `me` (by their own position) or `team` (by their team's); absent when not reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached_by: Option<&'static str>,
    /// Route km still to go, by the further of the caller and their team; absent when reached
    /// or not joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_go_route_km: Option<f64>,
}

impl MilestoneItem {
    fn of(m: &Milestone, pos: &Positions) -> Self {
        let reached = pos.reached(m);
        let furthest = pos.mine_m.max(pos.team.as_ref().map(|t| t.1));
        Self {
            seq: m.seq,
            name: m.name.clone(),
            place_today: m.place_today.clone(),
            date: m.date.clone(),
            route_km: km_of(m.metres()),
            core: m.core,
            optional: m.optional,
            reached: reached.any(),
            reached_by: reached.by(),
            to_go_route_km: furthest.filter(|_| !reached.any()).map(|f| km_of(m.metres() - f)),
        }
    }
}

/// The route's milestones, each with whether the caller has reached it (anyone may read them;
/// without a token none is reached).
#[utoipa::path(get, path = "/challenges/{id}/milestones", tag = "challenges",
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "The milestones in route order", body = Items<MilestoneItem>),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json")))]
async fn milestones(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Items<MilestoneItem>>> {
    let (c, pos) = service::positions(&state, user.as_deref(), id).await?;
    let items = Route::named(&c.route)
        .map_or_else(Vec::new, |r| r.milestones.iter().map(|m| MilestoneItem::of(m, &pos)).collect());
    Ok(Json(Items { items }))
}

/// A question of the quiz.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionItem {
    /// Id (`question_id` when answering).
    pub id: i64,
    /// The question (Chinese).
    pub prompt: String,
    /// Three or four options; a choice is an index into them, from 0.
    pub options: Vec<String>,
    /// Demo text from the route's quiz file, not yet checked by an organiser.
    pub demo: bool,
    /// The caller's answer, once given (absent before: no right answers before answering).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerItem>,
}

/// An answer as scored.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerItem {
    /// The question.
    pub question_id: i64,
    /// The option chosen.
    pub choice: i64,
    /// The right option when it was answered.
    pub right_choice: i64,
    /// Whether it was right.
    pub correct: bool,
    /// Why.
    pub explanation: String,
    /// Points it earned (0 when wrong or over the day's cap of quiz points).
    pub points: i64,
}

impl AnswerItem {
    fn of(a: &Answer, questions: &[Question]) -> Self {
        let explanation = questions.iter().find(|q| q.id == a.question_id).map(|q| q.text.explanation.clone());
        Self {
            question_id: a.question_id,
            choice: a.choice,
            right_choice: a.right_choice,
            correct: a.correct,
            explanation: explanation.unwrap_or_default(),
            points: a.points,
        }
    }
}

/// A milestone with what happened there and its quiz.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDetail {
    /// The milestone.
    #[serde(flatten)]
    pub milestone: MilestoneItem,
    /// What happened there (Chinese).
    pub event: String,
    /// The quiz's questions: empty until the caller (or their team) has reached the milestone.
    pub questions: Vec<QuestionItem>,
}

/// One milestone: its history (public), and its quiz once the caller has reached it.
#[utoipa::path(get, path = "/challenges/{id}/milestones/{seq}", tag = "challenges",
    params(("id" = i64, Path, description = "Challenge id"), ("seq" = i64, Path, description = "Milestone, from 1")),
    responses((status = 200, description = "The milestone, with the quiz if reached", body = MilestoneDetail),
        (status = 404, description = "No such challenge or milestone", body = Problem, content_type = "application/problem+json")))]
async fn milestone(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path((id, seq)): Path<(i64, i64)>,
) -> AppResult<Json<MilestoneDetail>> {
    let (c, pos) = service::positions(&state, user.as_deref(), id).await?;
    let m = service::place(&c, seq)?.milestone;
    let quiz = service::quiz(&state, user.as_deref(), &c, seq, pos.reached(m).any()).await?;
    let questions = quiz
        .questions
        .iter()
        .map(|q| QuestionItem {
            id: q.id,
            prompt: q.text.prompt.clone(),
            options: q.text.options.clone(),
            demo: q.demo,
            answer: quiz.answer(q.id).map(|a| AnswerItem::of(a, &quiz.questions)),
        })
        .collect();
    Ok(Json(MilestoneDetail { milestone: MilestoneItem::of(m, &pos), event: m.event.clone(), questions }))
}

/// An answer to one question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChoiceBody {
    /// The question's id.
    pub question_id: i64,
    /// The option chosen, an index into its `options` from 0.
    pub choice: i64,
}

/// Answers to a milestone's questions (some or all).
#[derive(Debug, Deserialize, ToSchema)]
pub struct QuizBody {
    /// One per question, each question at most once.
    pub answers: Vec<ChoiceBody>,
}

/// What answering gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuizResult {
    /// The caller's answers to this milestone's questions, as scored: a question answered
    /// before keeps its first answer.
    pub items: Vec<AnswerItem>,
    /// Questions answered by this request (the others were answered before and changed nothing).
    pub answered_now: Vec<i64>,
    /// Points earned by this request.
    pub points: i64,
    /// The day's cap of quiz points cut what this request earned.
    pub capped: bool,
}

/// Answers the milestone's quiz: each question is scored once (a second answer changes
/// nothing and gives the first result); a right answer earns the quiz's points, within the
/// day's cap. Only for participants who (or whose team) have reached the milestone.
#[utoipa::path(post, path = "/challenges/{id}/milestones/{seq}/quiz", tag = "challenges", request_body = QuizBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id"), ("seq" = i64, Path, description = "Milestone, from 1")),
    responses((status = 200, description = "The answers as scored, and the points earned now", body = QuizResult),
        (status = 404, description = "No such challenge or milestone", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not joined, milestone not reached, or a question not of this milestone or an option out of range", body = Problem, content_type = "application/problem+json")))]
async fn answer(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path((id, seq)): Path<(i64, i64)>,
    Json(body): Json<QuizBody>,
) -> AppResult<Json<QuizResult>> {
    let choices: Vec<Choice> =
        body.answers.iter().map(|a| Choice { question_id: a.question_id, choice: a.choice }).collect();
    let done = service::answer(&state, &user, id, seq, &choices).await?;
    let items = done.answers.iter().map(|a| AnswerItem::of(a, &done.questions)).collect();
    Ok(Json(QuizResult { items, answered_now: done.new, points: done.points, capped: done.capped }))
}

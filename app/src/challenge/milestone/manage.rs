//! The organisers' quiz pages: `/manage/challenges/{id}/quiz` lists a challenge's milestones
//! with their questions (the right option marked, demo text marked), and
//! `/manage/challenges/{id}/quiz/{question}` edits one question — its words, three or four
//! options, which is right, and why — with the shared form helpers; the edit is audited and
//! changes no past score. For those who run the challenge (`challenge::service::runs`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::challenge::milestone::model::QuestionText;
use crate::challenge::milestone::service;
use crate::challenge::milestone::store::Question;
use crate::challenge::milestone::views::{Link, QuizEditPage, QuizListPage};
use crate::challenge::route::Route;
use crate::challenge::store::Challenge;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{render, render_status, see_other};

/// Routes of the quiz's back office.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/challenges/{id}/quiz", get(list))
        .route("/manage/challenges/{id}/quiz/{question}", get(edit).post(save))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    saved: Option<i64>,
}

/// Every milestone with its questions.
async fn list(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let (challenge, questions) = service::all_questions(&state, &user, id).await?;
    let milestones = Route::named(&challenge.route)
        .map(|r| {
            r.milestones
                .iter()
                .map(|m| (Link::of(m), questions.iter().filter(|q| q.seq == i64::from(m.seq)).cloned().collect()))
                .collect()
        })
        .unwrap_or_default();
    render(&QuizListPage { ctx, challenge, milestones, saved: q.saved })
}

/// The form as sent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct QuizForm {
    prompt: String,
    option_1: String,
    option_2: String,
    option_3: String,
    option_4: String,
    answer: String,
    explanation: String,
}

impl QuizForm {
    fn of(q: &Question) -> Self {
        let option = |i: usize| q.text.options.get(i).cloned().unwrap_or_default();
        Self {
            prompt: q.text.prompt.clone(),
            option_1: option(0),
            option_2: option(1),
            option_3: option(2),
            option_4: option(3),
            answer: q.text.answer.to_string(),
            explanation: q.text.explanation.clone(),
        }
    }

    /// The question it describes: three options and a fourth if given; or the fields' errors.
    fn parse(&self) -> Result<QuestionText, Vec<FieldError>> {
        let mut errors = Vec::new();
        let required = [("option_1", &self.option_1), ("option_2", &self.option_2), ("option_3", &self.option_3)];
        for (field, value) in required {
            if value.trim().is_empty() {
                errors.push(FieldError { field, key: "milestone.quiz.option_required" });
            }
        }
        let mut options: Vec<String> = required.iter().map(|(_, v)| v.trim().to_owned()).collect();
        if !self.option_4.trim().is_empty() {
            options.push(self.option_4.trim().to_owned());
        }
        let answer = self.answer.trim().parse::<usize>().unwrap_or(usize::MAX);
        let text = QuestionText { prompt: self.prompt.clone(), options, answer, explanation: self.explanation.clone() };
        if errors.is_empty() {
            errors = text.check();
        }
        if errors.is_empty() { Ok(text) } else { Err(errors) }
    }
}

/// The edit page for `form`'s values.
fn edit_page(
    ctx: crate::web::Ctx,
    c: Challenge,
    q: Question,
    form: &QuizForm,
    errors: Errors,
) -> AppResult<QuizEditPage> {
    let place = service::place(&c, q.seq)?;
    let answers = (0..4)
        .map(|i| Opt {
            value: i.to_string(),
            label: ctx.tf("milestone.manage.option_n", &[("n", &(i + 1).to_string())]),
        })
        .collect();
    let fields = vec![
        Field::textarea("prompt", "milestone.manage.prompt", form.prompt.clone()).required(),
        Field::text("option_1", "milestone.manage.option_1", form.option_1.clone()).required(),
        Field::text("option_2", "milestone.manage.option_2", form.option_2.clone()).required(),
        Field::text("option_3", "milestone.manage.option_3", form.option_3.clone()).required(),
        Field::text("option_4", "milestone.manage.option_4", form.option_4.clone())
            .hint("milestone.manage.option_4_hint"),
        Field::select(
            "answer",
            "milestone.manage.answer",
            form.answer.clone(),
            vec![OptGroup { label: None, options: answers }],
        )
        .required(),
        Field::textarea("explanation", "milestone.manage.explanation", form.explanation.clone())
            .required()
            .hint("milestone.manage.explanation_hint"),
    ];
    let errors = errors.labelled(&fields);
    Ok(QuizEditPage {
        milestone: Link::of(place.milestone),
        challenge: c,
        question: q,
        fields,
        answer: form.answer.clone(),
        errors,
        ctx,
    })
}

/// The form for one question.
async fn edit(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path((id, question)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (c, q) = service::one_question(&state, &user, id, question).await?;
    let form = QuizForm::of(&q);
    render(&edit_page(ctx, c, q, &form, Errors::none())?)
}

/// Saves the question: back to the list, or the form again with what was typed.
async fn save(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path((id, question)): Path<(i64, i64)>,
    Form(form): Form<QuizForm>,
) -> AppResult<Response> {
    let result = match form.parse() {
        Ok(text) => service::edit_question(&state, &user, id, question, text).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(q) => Ok(see_other(&format!("/manage/challenges/{id}/quiz?saved={}#q-{}", q.id, q.id))),
        Err(AppError::Invalid(errors)) => {
            let (c, q) = service::one_question(&state, &user, id, question).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &edit_page(ctx, c, q, &form, errors.into())?)
        }
        Err(e) => Err(e),
    }
}

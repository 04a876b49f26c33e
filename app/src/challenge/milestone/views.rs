//! The milestone pages as askama sees them: the milestone with its quiz, the list of milestones
//! on the challenge page, and the organisers' quiz pages.

use crate::challenge::milestone::service::{Positions, Quiz};
use crate::challenge::milestone::store::Question;
use crate::challenge::route::{Milestone, Route};
use crate::challenge::store::Challenge;
use crate::challenge::views::km_text;
use crate::web::Ctx;
use crate::web::backoffice::Field;
use crate::web::forms::Errors;

/// A form field's name for the question at `position` (1–4), 'static for `FieldError`.
pub fn field_of(position: i64) -> &'static str {
    match position {
        1 => "q1",
        2 => "q2",
        3 => "q3",
        _ => "q4",
    }
}

/// A milestone named in a link.
pub struct Link {
    /// `Milestone::seq`.
    pub seq: u32,
    /// Name (Chinese data).
    pub name: String,
}

impl Link {
    /// Of a milestone.
    pub fn of(m: &Milestone) -> Self {
        Self { seq: m.seq, name: m.name.clone() }
    }
}

/// `/challenges/{id}/milestones/{seq}`.
#[derive(askama::Template)]
#[template(path = "challenge/milestone.html")]
pub struct MilestonePage {
    pub ctx: Ctx,
    pub challenge: Challenge,
    /// The milestone.
    pub m: &'static Milestone,
    /// "Stop 2 of 33".
    pub stop: String,
    /// Its date with the weekday.
    pub day: String,
    /// Route km from the start (text).
    pub route_km: String,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// Signed in and joined.
    pub signed_in: bool,
    pub joined: bool,
    /// Whether the quiz is open, and the sentences saying who reached it or how far is left.
    pub open: bool,
    pub status: Vec<StatusLine>,
    /// The quiz (empty until reached).
    pub questions: Vec<QuestionView>,
    /// Any question still the quiz file's demo text.
    pub demo: bool,
    /// Every question answered: no form, the results.
    pub done: bool,
    /// "Right 2 of 3, 4 points" after answering, and the points of the whole milestone.
    pub summary: Option<String>,
    /// Shown once after the answers were sent.
    pub just_answered: bool,
    pub errors: Errors,
    /// The viewer runs the challenge: a link to edit the quiz.
    pub runs: bool,
}

/// A question on the milestone page.
pub struct QuestionView {
    /// Its position (1–3): the form field `q{position}`.
    pub field: &'static str,
    pub prompt: String,
    pub options: Vec<OptionView>,
    /// Their answer, once given.
    pub result: Option<ResultView>,
}

/// An option of a question.
pub struct OptionView {
    /// Index, from 0 (the radio's value).
    pub index: i64,
    pub text: String,
    /// Checked again after a form with errors.
    pub checked: bool,
}

/// A scored answer.
pub struct ResultView {
    pub correct: bool,
    /// What they chose.
    pub chosen: String,
    /// The right option (when they answered).
    pub right: String,
    pub explanation: String,
    /// Points it earned.
    pub points: i64,
    /// Right, but the day's cap left nothing.
    pub capped: bool,
    /// An organiser changed the question since.
    pub changed: bool,
}

/// The questions of a milestone as the page shows them; `chosen` are the radios sent with a
/// form that had errors.
pub fn questions(quiz: &Quiz, chosen: &[(&'static str, i64)]) -> Vec<QuestionView> {
    quiz.questions
        .iter()
        .map(|q| {
            let field = field_of(q.position);
            let picked = chosen.iter().find(|(f, _)| *f == field).map(|(_, c)| *c);
            let option = |i: i64| q.text.options.get(i as usize).cloned().unwrap_or_default();
            QuestionView {
                field,
                prompt: q.text.prompt.clone(),
                options: q
                    .text
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| OptionView { index: i as i64, text: o.clone(), checked: picked == Some(i as i64) })
                    .collect(),
                result: quiz.answer(q.id).map(|a| ResultView {
                    correct: a.correct,
                    chosen: option(a.choice),
                    right: option(a.right_choice),
                    explanation: q.text.explanation.clone(),
                    points: a.points,
                    capped: a.correct && a.points == 0,
                    changed: a.revision != q.revision,
                }),
            }
        })
        .collect()
}

/// A sentence of the milestone's status: `before`, the team's name (Chinese data, marked as
/// such on English pages), `after`.
pub struct StatusLine {
    pub before: String,
    pub team: Option<String>,
    pub after: String,
}

/// The sentences saying who reached the milestone, or how far is still to go (route km).
pub fn status(ctx: &Ctx, m: &Milestone, pos: &Positions) -> Vec<StatusLine> {
    let reached = pos.reached(m);
    let mut out = Vec::new();
    let line = |before: String, team: Option<&String>, after: String| StatusLine { before, team: team.cloned(), after };
    if reached.mine {
        out.push(line(ctx.t("milestone.reached_me").to_owned(), None, String::new()));
    } else if let Some(mine) = pos.mine_m {
        out.push(line(ctx.tf("milestone.to_go_me", &[("km", &km_text(m.metres() - mine))]), None, String::new()));
    }
    if let Some((name, team_m)) = &pos.team {
        let after = if reached.team {
            ctx.t("milestone.reached_team").to_owned()
        } else {
            ctx.tf("milestone.to_go_team", &[("km", &km_text(m.metres() - team_m))])
        };
        out.push(line(ctx.t("milestone.your_team").to_owned(), Some(name), after));
    }
    out
}

/// The milestones on the challenge page: the last reached and the next (by the person or their
/// team, whichever is further), then all of them, each linked to its page.
pub struct MilestoneList {
    /// The challenge.
    pub challenge_id: i64,
    /// The last milestone reached (joined people only).
    pub passed: Option<Link>,
    /// The next one.
    pub next: Option<Link>,
    /// Every milestone: link, date, route km, reached.
    pub items: Vec<(Link, String, String, bool)>,
    /// The viewer runs the challenge: a link to the quiz's back office.
    pub runs: bool,
}

impl MilestoneList {
    /// Of a challenge, for a viewer at `pos`.
    pub fn of(ctx: &Ctx, c: &Challenge, pos: &Positions, runs: bool) -> Self {
        let milestones = Route::named(&c.route).map_or(&[][..], |r| &r.milestones[..]);
        let reached = |m: &Milestone| pos.reached(m).any();
        let passed = if pos.joined { milestones.iter().rev().find(|m| reached(m)).map(Link::of) } else { None };
        let next = if pos.joined { milestones.iter().find(|m| !reached(m)).map(Link::of) } else { None };
        let items =
            milestones.iter().map(|m| (Link::of(m), ctx.day(&m.date), km_text(m.metres()), reached(m))).collect();
        Self { challenge_id: c.id, passed, next, items, runs }
    }
}

/// `/manage/challenges/{id}/quiz`.
#[derive(askama::Template)]
#[template(path = "challenge/quiz_manage.html")]
pub struct QuizListPage {
    pub ctx: Ctx,
    pub challenge: Challenge,
    /// Milestones with their questions.
    pub milestones: Vec<(Link, Vec<Question>)>,
    /// "Saved" after an edit: the question's id.
    pub saved: Option<i64>,
}

/// `/manage/challenges/{id}/quiz/{question}`.
#[derive(askama::Template)]
#[template(path = "challenge/quiz_edit.html")]
pub struct QuizEditPage {
    pub ctx: Ctx,
    pub challenge: Challenge,
    pub milestone: Link,
    pub question: Question,
    /// Prompt, the four options, explanation.
    pub fields: Vec<Field>,
    /// The right option (radio 0–3).
    pub answer: String,
    pub errors: Errors,
}

//! The milestones' use cases: a milestone as one person sees it (reached or not, by them or
//! their team, and their quiz), answering the quiz (scored once, points in the same
//! transaction), and the organisers' audited edit of a question.
//!
//! A challenge's questions are copied from its route's quiz file on first use ([`ensure_quiz`]):
//! whoever opens a milestone, answers, or opens the quiz's back office first. So challenges made
//! before the quiz existed, by the API, the back-office form or the demo seed all get theirs the
//! same way, and creating a challenge needs to know nothing of quizzes.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::challenge::milestone::model::{QuestionText, Reached, quiz_of, reference};
use crate::challenge::milestone::store::{self, Answer, NewAnswer, Question, QuestionTextRow};
use crate::challenge::route::{Milestone, Route};
use crate::challenge::service::{self as challenges, standing, team_standing};
use crate::challenge::store::{self as challenge_store, Challenge};
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;

/// Copies the route's quiz into the challenge if it has none yet (see the module).
pub async fn ensure_quiz(state: &AppState, c: &Challenge) -> AppResult<()> {
    let Some(file) = quiz_of(&c.route) else { return Ok(()) };
    if store::count(&mut *state.db.conn().await?, c.id).await? > 0 {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    store::copy_file(&mut tx, c.id, file, state.clock.unix()).await?;
    tx.commit().await?;
    Ok(())
}

/// A milestone of a challenge's route, with its neighbours.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// The milestone.
    pub milestone: &'static Milestone,
    /// The one before, if any.
    pub prev: Option<&'static Milestone>,
    /// The one after, if any.
    pub next: Option<&'static Milestone>,
}

/// Milestone `seq` of the challenge's route, or 404.
pub fn place(c: &Challenge, seq: i64) -> AppResult<Place> {
    let route = Route::named(&c.route).ok_or(AppError::NotFound)?;
    let i = route.milestones.iter().position(|m| i64::from(m.seq) == seq).ok_or(AppError::NotFound)?;
    let all = &route.milestones;
    Ok(Place { milestone: &all[i], prev: i.checked_sub(1).map(|p| &all[p]), next: all.get(i + 1) })
}

/// Where a person and their team stand, in route metres (None: not joined, no team).
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Joined.
    pub joined: bool,
    /// Their route metres.
    pub mine_m: Option<i64>,
    /// Their team's name and route metres (its members' mean).
    pub team: Option<(String, i64)>,
}

impl Positions {
    /// Whether they reached `m`.
    pub fn reached(&self, m: &Milestone) -> Reached {
        Reached::at(m, self.mine_m, self.team.as_ref().map(|t| t.1))
    }
}

/// The challenge and where the user (if any) stands in it.
pub async fn positions(
    state: &AppState,
    user: Option<&CurrentUser>,
    challenge_id: i64,
) -> AppResult<(Challenge, Positions)> {
    let Some(user) = user else {
        let c = challenge_store::challenge(&mut *state.db.conn().await?, challenge_id).await?;
        return Ok((c.ok_or(AppError::NotFound)?, Positions::default()));
    };
    let p = challenges::progress(state, user, challenge_id).await?;
    let joined = p.participant.is_some();
    let positions =
        Positions { joined, mine_m: joined.then_some(p.mine.route_m), team: p.team.map(|(t, s)| (t.name, s.route_m)) };
    Ok((p.challenge, positions))
}

/// A milestone's quiz as one person sees it.
#[derive(Debug, Clone, Default)]
pub struct Quiz {
    /// Its questions (empty until the milestone is reached: the quiz is shown only then).
    pub questions: Vec<Question>,
    /// The person's answers to them.
    pub answers: Vec<Answer>,
}

impl Quiz {
    /// The person's answer to `question`.
    pub fn answer(&self, question: i64) -> Option<&Answer> {
        self.answers.iter().find(|a| a.question_id == question)
    }

    /// Whether every question is answered.
    pub fn done(&self) -> bool {
        self.questions.iter().all(|q| self.answer(q.id).is_some())
    }
}

/// The quiz of milestone `seq` for a user who reached it (an empty one otherwise).
pub async fn quiz(
    state: &AppState,
    user: Option<&CurrentUser>,
    c: &Challenge,
    seq: i64,
    open: bool,
) -> AppResult<Quiz> {
    let Some(user) = user.filter(|_| open) else { return Ok(Quiz::default()) };
    ensure_quiz(state, c).await?;
    let mut conn = state.db.conn().await?;
    let questions = store::questions(&mut conn, c.id, Some(seq)).await?;
    let mut answers = store::answers(&mut conn, c.id, user.id).await?;
    answers.retain(|a| questions.iter().any(|q| q.id == a.question_id));
    Ok(Quiz { questions, answers })
}

/// One answer as the quiz sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The question.
    pub question_id: i64,
    /// The option chosen, from 0.
    pub choice: i64,
}

/// What answering did, question by question.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    /// The person's answers to the milestone's questions, as scored (the first answer for a
    /// question answered before).
    pub answers: Vec<Answer>,
    /// The questions answered now (not before).
    pub new: Vec<i64>,
    /// Points earned now.
    pub points: i64,
    /// The day's cap of quiz points cut what was earned now.
    pub capped: bool,
    /// The milestone's questions.
    pub questions: Vec<Question>,
}

/// Answers milestone `seq`'s quiz. Only a participant who (or whose team) has reached the
/// milestone may; each question is scored once — a question answered before keeps its first
/// answer and earns nothing again, whatever races (the unique index decides) — and a right
/// answer earns the quiz's points in the same transaction, within the points' daily cap.
pub async fn answer(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    seq: i64,
    choices: &[Choice],
) -> AppResult<Answered> {
    let c = challenge_store::challenge(&mut *state.db.conn().await?, challenge_id).await?.ok_or(AppError::NotFound)?;
    let place = place(&c, seq)?;
    ensure_quiz(state, &c).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    // Locking the participation first serialises one person's answers (and check-ins): two
    // submissions at once then meet the unique index one after the other, never in a deadlock.
    let p = challenge_store::lock_participant(&mut tx, challenge_id, user.id.0)
        .await?
        .ok_or(AppError::Rule("milestone.quiz.not_joined"))?;
    let team_m = match p.team_id {
        Some(t) => challenge_store::team(&mut tx, t).await?.map(|t| team_standing(&c, &t).route_m),
        None => None,
    };
    if !Reached::at(place.milestone, Some(standing(&c, p.counted_m).route_m), team_m).any() {
        return Err(AppError::Rule("milestone.quiz.not_reached"));
    }
    let questions = store::questions(&mut tx, challenge_id, Some(seq)).await?;
    let mut sorted = Vec::with_capacity(choices.len());
    for ch in choices {
        let q = questions.iter().find(|q| q.id == ch.question_id);
        let fits = q.is_some_and(|q| (0..q.text.options.len() as i64).contains(&ch.choice));
        if !fits || sorted.iter().any(|(_, c): &(&Question, Choice)| c.question_id == ch.question_id) {
            return Err(AppError::Invalid(vec![FieldError { field: "answers", key: "milestone.quiz.choice_invalid" }]));
        }
        sorted.extend(q.map(|q| (q, *ch)));
    }
    if sorted.is_empty() {
        return Err(AppError::Invalid(vec![FieldError { field: "answers", key: "milestone.quiz.choose" }]));
    }
    sorted.sort_by_key(|(q, _)| q.id);
    let day = local_day(now);
    let mut out = Answered::default();
    for (q, ch) in sorted {
        let new = NewAnswer {
            challenge_id,
            question_id: q.id,
            user: user.id,
            choice: ch.choice,
            right_choice: q.text.answer,
            revision: q.revision,
        };
        let Some(answer_id) = store::insert_answer(&mut tx, &new, now).await? else { continue };
        out.new.push(q.id);
        if ch.choice == q.text.answer {
            let awarded = crate::points::award(
                &mut tx,
                now,
                user.id,
                crate::points::Source::Quiz,
                &reference(challenge_id, q.id),
                day,
            )
            .await?;
            store::set_points(&mut tx, answer_id, awarded.points).await?;
            out.points += awarded.points;
            out.capped |= awarded.capped;
        }
    }
    let mut answers = store::answers(&mut tx, challenge_id, user.id).await?;
    tx.commit().await?;
    answers.retain(|a| questions.iter().any(|q| q.id == a.question_id));
    out.answers = answers;
    out.questions = questions;
    Ok(out)
}

/// Whether the user runs the challenge (and so edits its quiz).
pub async fn runs(state: &AppState, user: &CurrentUser, c: &Challenge) -> AppResult<bool> {
    challenges::runs(&mut *state.db.conn().await?, user, c).await
}

/// The challenge's questions for its organisers (all milestones), or 403.
pub async fn all_questions(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
) -> AppResult<(Challenge, Vec<Question>)> {
    let c = challenge_store::challenge(&mut *state.db.conn().await?, challenge_id).await?.ok_or(AppError::NotFound)?;
    if !runs(state, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    ensure_quiz(state, &c).await?;
    let questions = store::questions(&mut *state.db.conn().await?, challenge_id, None).await?;
    Ok((c, questions))
}

/// One question for its organisers, or 403 / 404.
pub async fn one_question(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    id: i64,
) -> AppResult<(Challenge, Question)> {
    let c = challenge_store::challenge(&mut *state.db.conn().await?, challenge_id).await?.ok_or(AppError::NotFound)?;
    if !runs(state, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    let q = store::question(&mut *state.db.conn().await?, challenge_id, id).await?.ok_or(AppError::NotFound)?;
    Ok((c, q))
}

/// An organiser edits a question: its words, options, the right one and why. Answers already
/// given keep their score (they keep what was right then). Audited with before and after.
pub async fn edit_question(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    id: i64,
    text: QuestionText,
) -> AppResult<Question> {
    let (c, before) = one_question(state, user, challenge_id, id).await?;
    let errors = text.check();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let after = QuestionTextRow {
        prompt: text.prompt.trim().to_owned(),
        options: text.options.iter().map(|o| o.trim().to_owned()).collect(),
        answer: text.answer as i64,
        explanation: text.explanation.trim().to_owned(),
    };
    if after == before.text {
        return Ok(before);
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::update(&mut tx, id, &text, user.id, now).await?;
    let change =
        Change::new("challenge_quiz_question", id, c.street_id.map(StreetId)).before(&before.text).after(&after);
    audit::record(&mut tx, now, user.id, "challenges.quiz_edit", change).await?;
    let saved = store::question(&mut tx, challenge_id, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(saved)
}

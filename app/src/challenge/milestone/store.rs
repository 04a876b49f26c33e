//! The quizzes' SQL: a challenge's questions (copied from the route's quiz file on first use)
//! and each person's answers, one per question (the unique index scores once). SQL written once
//! for both engines.

use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::challenge::milestone::model::{QuestionText, QuizFile};
use crate::db::Conn;
use crate::ids::UserId;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// A question of a challenge.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// Milestone (`Milestone::seq`).
    pub seq: i64,
    /// 1, 2, 3 within the milestone.
    pub position: i64,
    /// The question, its options, the right one and why.
    #[serde(flatten)]
    pub text: QuestionTextRow,
    /// Still the quiz file's demo text (no organiser has edited it).
    pub demo: bool,
    /// Organisers' edits so far.
    pub revision: i64,
}

/// A question's words as stored (and as the audit log keeps them).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct QuestionTextRow {
    /// The question.
    pub prompt: String,
    /// Three or four options.
    pub options: Vec<String>,
    /// The right option's index, from 0.
    pub answer: i64,
    /// Why.
    pub explanation: String,
}

const QUESTION_COLUMNS: &str = "question_id, challenge_id, seq, position, prompt, option_1, option_2, option_3, option_4, \
    answer, explanation, demo, revision";

fn question_from(r: &AnyRow) -> Result<Question> {
    let mut options: Vec<String> = vec![r.try_get(5)?, r.try_get(6)?, r.try_get(7)?];
    if let Some(fourth) = r.try_get::<Option<String>, _>(8)? {
        options.push(fourth);
    }
    Ok(Question {
        id: r.try_get(0)?,
        challenge_id: r.try_get(1)?,
        seq: r.try_get(2)?,
        position: r.try_get(3)?,
        text: QuestionTextRow { prompt: r.try_get(4)?, options, answer: r.try_get(9)?, explanation: r.try_get(10)? },
        demo: r.try_get::<i64, _>(11)? != 0,
        revision: r.try_get(12)?,
    })
}

/// How many questions the challenge has.
pub async fn count(conn: &mut Conn, challenge: i64) -> Result<i64> {
    sqlx::query_scalar("select count(*) from challenge_quiz_questions where challenge_id = $1")
        .bind(challenge)
        .fetch_one(conn)
        .await
}

/// Copies the quiz file's questions into the challenge; those it has are left as they are (a
/// first use running twice at once copies once). How many were added.
pub async fn copy_file(conn: &mut Conn, challenge: i64, file: &QuizFile, now: i64) -> Result<u64> {
    let mut added = 0;
    for m in &file.milestones {
        for (i, q) in m.questions.iter().enumerate() {
            let done = sqlx::query(
                "insert into challenge_quiz_questions (challenge_id, seq, position, prompt, option_1, option_2, \
                 option_3, option_4, answer, explanation, demo, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 on conflict (challenge_id, seq, position) do nothing",
            )
            .bind(challenge)
            .bind(i64::from(m.seq))
            .bind(i as i64 + 1)
            .bind(&q.prompt)
            .bind(q.options.first())
            .bind(q.options.get(1))
            .bind(q.options.get(2))
            .bind(q.options.get(3))
            .bind(q.answer as i64)
            .bind(&q.explanation)
            .bind(i64::from(file.demo))
            .bind(now)
            .execute(&mut *conn)
            .await?;
            added += done.rows_affected();
        }
    }
    Ok(added)
}

/// The challenge's questions, by milestone and position (`seq` None: all milestones).
pub async fn questions(conn: &mut Conn, challenge: i64, seq: Option<i64>) -> Result<Vec<Question>> {
    let only = if seq.is_some() { "and seq = $2" } else { "" };
    let sql = format!(
        "select {QUESTION_COLUMNS} from challenge_quiz_questions where challenge_id = $1 {only} order by seq, position"
    );
    let mut query = sqlx::query(&sql).bind(challenge);
    if let Some(seq) = seq {
        query = query.bind(seq);
    }
    query.fetch_all(conn).await?.iter().map(question_from).collect()
}

/// One question of the challenge.
pub async fn question(conn: &mut Conn, challenge: i64, id: i64) -> Result<Option<Question>> {
    let sql =
        format!("select {QUESTION_COLUMNS} from challenge_quiz_questions where challenge_id = $1 and question_id = $2");
    sqlx::query(&sql).bind(challenge).bind(id).fetch_optional(conn).await?.as_ref().map(question_from).transpose()
}

/// Saves an organiser's edit: new words, the next revision, no longer demo text.
pub async fn update(conn: &mut Conn, id: i64, text: &QuestionText, by: UserId, now: i64) -> Result<()> {
    sqlx::query(
        "update challenge_quiz_questions set prompt = $2, option_1 = $3, option_2 = $4, option_3 = $5, option_4 = $6, \
         answer = $7, explanation = $8, demo = 0, revision = revision + 1, updated_by = $9, updated_at = $10 \
         where question_id = $1",
    )
    .bind(id)
    .bind(text.prompt.trim())
    .bind(text.options.first().map(|s| s.trim()))
    .bind(text.options.get(1).map(|s| s.trim()))
    .bind(text.options.get(2).map(|s| s.trim()))
    .bind(text.options.get(3).map(|s| s.trim()))
    .bind(text.answer as i64)
    .bind(text.explanation.trim())
    .bind(by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's answer to a question, as scored then.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The question.
    pub question_id: i64,
    /// The option chosen (index from 0).
    pub choice: i64,
    /// The right option when they answered.
    pub right_choice: i64,
    /// Whether they were right.
    pub correct: bool,
    /// Points it earned (0 when wrong or when the day's cap was reached).
    pub points: i64,
    /// The question's revision they answered.
    pub revision: i64,
}

/// An answer to record.
pub struct NewAnswer {
    /// Challenge.
    pub challenge_id: i64,
    /// Question.
    pub question_id: i64,
    /// Who.
    pub user: UserId,
    /// The option chosen.
    pub choice: i64,
    /// The right option now.
    pub right_choice: i64,
    /// The question's revision now.
    pub revision: i64,
}

/// Records an answer, unless the person answered the question before: its id, or None (the
/// first answer stands).
pub async fn insert_answer(conn: &mut Conn, a: &NewAnswer, now: i64) -> Result<Option<i64>> {
    sqlx::query_scalar(
        "insert into challenge_quiz_answers (challenge_id, question_id, user_id, choice, right_choice, correct, \
         points, revision, answered_at) values ($1, $2, $3, $4, $5, $6, 0, $7, $8) \
         on conflict (challenge_id, user_id, question_id) do nothing returning answer_id",
    )
    .bind(a.challenge_id)
    .bind(a.question_id)
    .bind(a.user.0)
    .bind(a.choice)
    .bind(a.right_choice)
    .bind(i64::from(a.choice == a.right_choice))
    .bind(a.revision)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Notes the points an answer earned (in the transaction that recorded it).
pub async fn set_points(conn: &mut Conn, answer: i64, points: i64) -> Result<()> {
    sqlx::query("update challenge_quiz_answers set points = $2 where answer_id = $1")
        .bind(answer)
        .bind(points)
        .execute(conn)
        .await?;
    Ok(())
}

/// The person's answers in the challenge.
pub async fn answers(conn: &mut Conn, challenge: i64, user: UserId) -> Result<Vec<Answer>> {
    sqlx::query(
        "select question_id, choice, right_choice, correct, points, revision from challenge_quiz_answers \
         where challenge_id = $1 and user_id = $2 order by question_id",
    )
    .bind(challenge)
    .bind(user.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Answer {
            question_id: r.try_get(0)?,
            choice: r.try_get(1)?,
            right_choice: r.try_get(2)?,
            correct: r.try_get::<i64, _>(3)? != 0,
            points: r.try_get(4)?,
            revision: r.try_get(5)?,
        })
    })
    .collect()
}

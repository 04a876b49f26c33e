//! The quiz's types and rules, pure: the route's quiz file (`data/long_march_quiz.json`, demo
//! content written from the route file's own text), a question as organisers edit it and the
//! checks of an edit, and whether a milestone is reached (by the person or by their team).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::challenge::route::{LONG_MARCH, Milestone};
use crate::error::FieldError;

/// The quiz file, embedded like the route file.
const LONG_MARCH_QUIZ_JSON: &str = include_str!("../../../../data/long_march_quiz.json");

/// Questions per milestone.
pub const PER_MILESTONE: usize = 3;
/// Fewest and most options of a question.
pub const OPTIONS: std::ops::RangeInclusive<usize> = 3..=4;
/// Longest prompt and explanation, characters.
pub const MAX_TEXT: usize = 300;
/// Longest option, characters.
pub const MAX_OPTION: usize = 80;

/// A question as the quiz file and the organisers' form give it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QuestionText {
    /// The question.
    pub prompt: String,
    /// Three or four options.
    pub options: Vec<String>,
    /// The right option's index, from 0.
    pub answer: usize,
    /// Why, shown after answering.
    pub explanation: String,
}

/// A milestone's questions in the quiz file.
#[derive(Debug, Clone, Deserialize)]
pub struct FileMilestone {
    /// The milestone (`Milestone::seq`).
    pub seq: u32,
    /// Its questions, in order.
    pub questions: Vec<QuestionText>,
}

/// A route's quiz file.
#[derive(Debug, Clone, Deserialize)]
pub struct QuizFile {
    /// Demo content: organisers are asked to check it.
    pub demo: bool,
    /// The milestones' questions.
    pub milestones: Vec<FileMilestone>,
}

/// The Long March's quiz, parsed once; a parse failure (a broken build the unit tests catch)
/// leaves no questions rather than stopping the server.
static LONG_MARCH_QUIZ: LazyLock<QuizFile> = LazyLock::new(|| {
    serde_json::from_str(LONG_MARCH_QUIZ_JSON).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the Long March quiz file cannot be read");
        QuizFile { demo: true, milestones: Vec::new() }
    })
});

/// The quiz file of a route, if it has one.
pub fn quiz_of(route: &str) -> Option<&'static QuizFile> {
    (route == LONG_MARCH).then(|| &*LONG_MARCH_QUIZ)
}

impl QuestionText {
    /// Checks an edit: a prompt, three or four distinct options, the right one among them, an
    /// explanation; each within its length. The fields' errors (names as the form's).
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let len = |s: &str| s.trim().chars().count();
        if len(&self.prompt) == 0 || len(&self.prompt) > MAX_TEXT {
            errors.push(FieldError { field: "prompt", key: "milestone.quiz.prompt_invalid" });
        }
        const NAMES: [&str; 4] = ["option_1", "option_2", "option_3", "option_4"];
        for (i, o) in self.options.iter().enumerate() {
            if len(o) > MAX_OPTION {
                errors.push(FieldError {
                    field: NAMES.get(i).copied().unwrap_or("option_4"),
                    key: "milestone.quiz.option_long",
                });
            }
        }
        if !OPTIONS.contains(&self.options.len()) {
            let field = NAMES[self.options.len().min(2)];
            errors.push(FieldError { field, key: "milestone.quiz.options_count" });
        } else {
            let mut seen: Vec<&str> = self.options.iter().map(|o| o.trim()).collect();
            seen.sort_unstable();
            if seen.windows(2).any(|w| w[0] == w[1]) {
                errors.push(FieldError { field: "option_1", key: "milestone.quiz.options_same" });
            }
        }
        if self.answer >= self.options.len() {
            errors.push(FieldError { field: "answer", key: "milestone.quiz.answer_invalid" });
        }
        if len(&self.explanation) == 0 || len(&self.explanation) > MAX_TEXT {
            errors.push(FieldError { field: "explanation", key: "milestone.quiz.explanation_invalid" });
        }
        errors
    }
}

/// Who has reached a milestone: the person by their own route metres, or their team by its
/// members' mean. Either opens the quiz; pages say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reached {
    /// By their own position.
    pub mine: bool,
    /// By their team's.
    pub team: bool,
}

impl Reached {
    /// Where the person and their team stand (route metres; None: not joined / no team).
    pub fn at(m: &Milestone, mine_m: Option<i64>, team_m: Option<i64>) -> Self {
        let reached = |route_m: Option<i64>| route_m.is_some_and(|r| r >= m.metres());
        Self { mine: reached(mine_m), team: reached(team_m) }
    }

    /// Whether the quiz is open to them.
    pub fn any(self) -> bool {
        self.mine || self.team
    }

    /// `me`, `team` or none, for the API (the person's own position first).
    pub fn by(self) -> Option<&'static str> {
        if self.mine {
            Some("me")
        } else if self.team {
            Some("team")
        } else {
            None
        }
    }
}

/// The points reference of a question's answer (`points::award`'s `reference`).
pub fn reference(challenge: i64, question: i64) -> String {
    format!("quiz:{challenge}:{question}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::route::Route;

    #[test]
    fn every_milestone_has_three_questions_with_one_right_answer() {
        let quiz = quiz_of(LONG_MARCH).unwrap();
        let route = Route::named(LONG_MARCH).unwrap();
        assert!(quiz.demo, "marked as demo content");
        assert_eq!(quiz.milestones.len(), route.milestones.len(), "all 33, core or not");
        for (m, q) in route.milestones.iter().zip(&quiz.milestones) {
            assert_eq!(m.seq, q.seq);
            assert_eq!(q.questions.len(), PER_MILESTONE, "{}", m.name);
            for question in &q.questions {
                assert_eq!(question.check(), vec![], "{} {}", m.name, question.prompt);
            }
        }
        assert!(quiz_of("silk_road").is_none());
    }

    #[test]
    fn an_edit_needs_a_prompt_distinct_options_and_a_right_one_among_them() {
        let ok = QuestionText {
            prompt: "遵义会议于何时召开？".into(),
            options: vec!["1935年1月".into(), "1934年12月".into(), "1935年8月".into()],
            answer: 0,
            explanation: "1月15日—17日".into(),
        };
        assert!(ok.check().is_empty());
        let fields = |q: QuestionText| q.check().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(QuestionText { prompt: " ".into(), ..ok.clone() }), ["prompt"]);
        assert_eq!(fields(QuestionText { answer: 3, ..ok.clone() }), ["answer"]);
        assert_eq!(
            fields(QuestionText { options: vec!["a".into(), "b".into()], answer: 0, ..ok.clone() }),
            ["option_3"]
        );
        assert_eq!(
            fields(QuestionText { options: vec!["a".into(), "b".into(), " a".into()], ..ok.clone() }),
            ["option_1"]
        );
        assert_eq!(fields(QuestionText { explanation: String::new(), ..ok }), ["explanation"]);
    }

    #[test]
    fn either_the_person_or_their_team_reaches_a_milestone() {
        let route = Route::named(LONG_MARCH).unwrap();
        let yudu = &route.milestones[1];
        assert_eq!(Reached::at(yudu, Some(210_000), None), Reached { mine: true, team: false });
        assert_eq!(Reached::at(yudu, Some(0), Some(300_000)).by(), Some("team"));
        assert!(!Reached::at(yudu, Some(209_999), Some(1)).any());
        assert!(!Reached::at(&route.milestones[0], None, None).any(), "not joined: nothing is reached");
        assert!(Reached::at(&route.milestones[0], Some(0), None).any(), "the start is reached on joining");
    }
}

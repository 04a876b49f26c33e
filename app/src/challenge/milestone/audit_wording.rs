//! How the audit log words the quizzes' entries.

use crate::audit::Wording;

/// The quizzes' entries (registered in `challenge::milestone::DOMAIN`).
pub const AUDIT: Wording = Wording {
    objects: &[("challenge_quiz_question", "milestone.audit.question")],
    actions: &[("challenges.quiz_edit", "milestone.audit.quiz_edit")],
    links: &[],
    // `store::QuestionTextRow`, as recorded.
    fields: &[
        ("prompt", "milestone.audit.fields.prompt"),
        ("options", "milestone.audit.fields.options"),
        ("answer", "milestone.audit.fields.answer"),
        ("explanation", "milestone.audit.fields.explanation"),
    ],
};

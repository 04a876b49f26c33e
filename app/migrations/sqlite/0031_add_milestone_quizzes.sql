-- Milestone quizzes of the Long March challenge (issue 13): three questions per milestone, and
-- each person's answers, scored once.
--
-- Questions are kept per challenge, copied from the route's quiz file (`data/long_march_quiz.json`,
-- demo content) the first time the challenge's quiz is used: a challenge's organisers edit their
-- own copy without changing another challenge's, and challenges made before this migration get
-- theirs the same way. `(challenge_id, seq, position)` is unique, so two first uses at once copy
-- once. Options are three or four (`option_4` null: three); `answer` is the right option's index
-- from 0. `revision` counts organisers' edits; `demo` is cleared by the first edit (the organiser
-- has made it theirs).
create table challenge_quiz_questions (
    question_id integer primary key,
    challenge_id bigint not null references challenges (challenge_id),
    seq bigint not null,
    position bigint not null,
    prompt text not null,
    option_1 text not null,
    option_2 text not null,
    option_3 text not null,
    option_4 text,
    answer bigint not null,
    explanation text not null,
    demo bigint not null default 0,
    revision bigint not null default 0,
    updated_by bigint references users (user_id),
    updated_at bigint not null
);
create unique index challenge_quiz_questions_place_idx on challenge_quiz_questions (challenge_id, seq, position);

-- One answer per person per question: the unique index is the rule "scored once", whatever
-- races. What was right when they answered (`right_choice`, `correct`, the question's
-- `revision`) and the points it earned are kept, so an organiser's later edit changes the
-- question, never a past score.
create table challenge_quiz_answers (
    answer_id integer primary key,
    challenge_id bigint not null references challenges (challenge_id),
    question_id bigint not null references challenge_quiz_questions (question_id),
    user_id bigint not null references users (user_id),
    choice bigint not null,
    right_choice bigint not null,
    correct bigint not null,
    points bigint not null,
    revision bigint not null,
    answered_at bigint not null
);
create unique index challenge_quiz_answers_once_idx on challenge_quiz_answers (challenge_id, user_id, question_id);

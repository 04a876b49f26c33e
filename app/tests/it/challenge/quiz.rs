//! Milestone pages and their quizzes: open only once the person or their team reached the
//! milestone, scored once whatever races, points within the day's cap, organisers' edits that
//! change the question but no past score, and who may edit.

use serde_json::{Value, json};

use super::*;

/// The milestone `seq` as `who` sees it in the API.
async fn milestone(who: &Api, id: i64, seq: i64) -> Value {
    let (status, m) = who.get(&format!("/challenges/{id}/milestones/{seq}")).await;
    assert_eq!(status, 200, "{m}");
    m
}

/// The right option of each question of `m`, from the database (the API hides them).
async fn right_answers(app: &TestApp, m: &Value) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for q in m["questions"].as_array().unwrap() {
        let id = q["id"].as_i64().unwrap();
        let sql = format!("select answer from challenge_quiz_questions where question_id = {id}");
        out.push((id, scalar(app, &sql).await));
    }
    out
}

/// Answers `(question, choice)` pairs.
async fn answer(who: &Api, id: i64, seq: i64, answers: &[(i64, i64)]) -> (u16, Value) {
    let answers: Vec<Value> = answers.iter().map(|(q, c)| json!({ "question_id": q, "choice": c })).collect();
    who.post(&format!("/challenges/{id}/milestones/{seq}/quiz"), json!({ "answers": answers })).await
}

/// `who`'s points from the quiz (their check-ins earn points too).
async fn points(who: &Api) -> i64 {
    let (status, p) = who.get("/me/points").await;
    assert_eq!(status, 200, "{p}");
    p["items"].as_array().unwrap().iter().filter(|e| e["source"] == "quiz").map(|e| e["points"].as_i64().unwrap()).sum()
}

/// A wrong option for a question whose right one is `right` (three options at least).
fn wrong(right: i64) -> i64 {
    (right + 1) % 3
}

#[tokio::test]
async fn the_quiz_opens_when_the_milestone_is_reached_and_is_scored_once() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    // Not joined: the history is public, the quiz is not open, answering is refused.
    let m = milestone(me, id, 2).await;
    assert_eq!((m["name"].as_str(), m["reached"].as_bool()), (Some("于都"), Some(false)));
    assert!(m["event"].as_str().unwrap().contains("于都河") && m["questions"].as_array().unwrap().is_empty());
    let (status, _) = answer(me, id, 1, &[(1, 0)]).await;
    assert_eq!(status, 422, "not joined");
    join(me, id, None).await;
    // Joined: 瑞金, the start, is reached; 于都 (210 route km, 21 km at a scale of 10) is not.
    let list = me.get(&format!("/challenges/{id}/milestones")).await.1;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 33);
    assert_eq!((items[0]["reached"].as_bool(), items[0]["reached_by"].as_str()), (Some(true), Some("me")));
    assert_eq!((items[1]["reached"].as_bool(), items[1]["to_go_route_km"].as_f64()), (Some(false), Some(210.0)));
    let start = milestone(me, id, 1).await;
    let start_qs = right_answers(&w.app, &start).await;
    let (status, refused) = answer(me, id, 2, &[(start_qs[0].0, 0)]).await;
    assert_eq!(status, 422, "not reached: {refused}");
    // 21 km today passes 于都: its three questions, without their answers.
    check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 21 })).await;
    let m = milestone(me, id, 2).await;
    assert_eq!(m["reached_by"], "me");
    let questions = m["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 3);
    assert!(questions.iter().all(|q| q.get("answer").is_none() && q["options"].as_array().unwrap().len() >= 3));
    assert!(questions.iter().all(|q| q["demo"] == true), "marked as demo content");
    // Two right, one wrong: 2 × 2 points.
    let right = right_answers(&w.app, &m).await;
    let first = [(right[0].0, right[0].1), (right[1].0, right[1].1), (right[2].0, wrong(right[2].1))];
    let (status, done) = answer(me, id, 2, &first).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!((done["points"].as_i64(), done["answered_now"].as_array().unwrap().len()), (Some(4), 3));
    let items = done["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|a| a["correct"] == true).count(), 2);
    let missed = items.iter().find(|a| a["correct"] == false).unwrap();
    assert_eq!(missed["right_choice"].as_i64(), Some(right[2].1));
    assert!(!missed["explanation"].as_str().unwrap().is_empty());
    assert_eq!(points(me).await, 4);
    // Again, with other choices: the first answers stand, nothing is earned.
    let again = [(right[0].0, wrong(right[0].1)), (right[2].0, right[2].1)];
    let (status, repeat) = answer(me, id, 2, &again).await;
    assert_eq!(status, 200, "{repeat}");
    assert_eq!((repeat["points"].as_i64(), repeat["answered_now"].as_array().unwrap().len()), (Some(0), 0));
    assert_eq!(repeat["items"], done["items"], "the first result");
    assert_eq!(points(me).await, 4);
    // The milestone now shows the answers.
    let m = milestone(me, id, 2).await;
    assert!(m["questions"].as_array().unwrap().iter().all(|q| q["answer"]["choice"].is_i64()));
    // A choice out of range, or a question of another milestone: refused.
    let (status, _) = answer(me, id, 1, &[(start_qs[0].0, 7)]).await;
    assert_eq!(status, 422);
    let (status, _) = answer(me, id, 1, &[(right[0].0, 0)]).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_teams_position_opens_the_quiz_to_its_members() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let team_id = t["id"].as_i64();
    let walker = w.client(Person::new("13700000011", "居民丙").lives_in(YUNXIAOLU)).await;
    join(w.api(RESIDENT), id, team_id).await;
    join(&walker, id, team_id).await;
    // 60 km by one of two: the team's mean is 30 km, 300 route km, past 于都.
    check_in(&walker, id, json!({ "day": TODAY, "kind": "walk", "km": 30 })).await;
    check_in(&walker, id, json!({ "day": YESTERDAY, "kind": "walk", "km": 30 })).await;
    let m = milestone(w.api(RESIDENT), id, 2).await;
    assert_eq!((m["reached"].as_bool(), m["reached_by"].as_str()), (Some(true), Some("team")));
    let right = right_answers(&w.app, &m).await;
    let (status, done) = answer(w.api(RESIDENT), id, 2, &right).await;
    assert_eq!((status, done["points"].as_i64()), (200, Some(6)), "{done}");
}

#[tokio::test]
async fn two_answers_at_once_are_scored_once() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let right = right_answers(&w.app, &milestone(me, id, 1).await).await;
    let (a, b) = tokio::join!(answer(me, id, 1, &right), answer(me, id, 1, &right));
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
    let now = a.1["answered_now"].as_array().unwrap().len() + b.1["answered_now"].as_array().unwrap().len();
    assert_eq!(now, 3, "each question answered by one of them: {} {}", a.1, b.1);
    assert_eq!(a.1["points"].as_i64().unwrap() + b.1["points"].as_i64().unwrap(), 6);
    assert_eq!(scalar(&w.app, "select count(*) from challenge_quiz_answers").await, 3);
    assert_eq!(scalar(&w.app, "select count(*) from points_entries where source = 'quiz'").await, 3);
    assert_eq!(points(me).await, 6);
}

#[tokio::test]
async fn quiz_points_stop_at_the_days_cap() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 21 })).await;
    // 2 points a right answer, at most 10 a day: six right answers give 10.
    let start = right_answers(&w.app, &milestone(me, id, 1).await).await;
    assert_eq!(answer(me, id, 1, &start).await.1["points"], 6);
    let yudu = right_answers(&w.app, &milestone(me, id, 2).await).await;
    let (_, done) = answer(me, id, 2, &yudu).await;
    assert_eq!((done["points"].as_i64(), done["capped"].as_bool()), (Some(4), Some(true)), "{done}");
    let capped: Vec<i64> = done["items"].as_array().unwrap().iter().map(|a| a["points"].as_i64().unwrap()).collect();
    assert_eq!(capped, [2, 2, 0]);
    assert_eq!(points(me).await, 10);
    // The page says why the last right answer earned nothing.
    let app = &w.app;
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/challenges/{id}/milestones/2")).await;
    assert!(page.contains("今天的答题积分已达上限"), "{page}");
}

#[tokio::test]
async fn the_page_shows_the_history_to_anyone_and_the_quiz_form_once_reached() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let app = &w.app;
    let (status, page) = app.page(&format!("/challenges/{id}/milestones/10")).await;
    assert_eq!(status, 200);
    assert!(page.contains("遵义会议") && page.contains("贵州省遵义市") && page.contains("1935-01-15"), "{page}");
    assert!(page.contains(&format!("/challenges/{id}/milestones/10/card.png")), "the share card");
    assert!(
        page.contains(&format!("/challenges/{id}/milestones/9"))
            && page.contains(&format!("/challenges/{id}/milestones/11"))
    );
    assert!(!page.contains("type=\"radio\""), "no quiz for visitors");
    // Signed in, not joined: the form is not there, and sent anyway it says why.
    app.login(OTHER_RESIDENT).await;
    let r = app.post(&format!("/challenges/{id}/milestones/1/quiz"), &[("q1", "0")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("报名参加活动后才能答题"));
    let (status, _) = app.page(&format!("/challenges/{id}/milestones/34")).await;
    assert_eq!(status, 404);
    // The challenge page lists the milestones, linked.
    let (_, challenge_page) = app.page(&format!("/challenges/{id}")).await;
    assert!(challenge_page.contains(&format!("href=\"/challenges/{id}/milestones/33\"")), "{challenge_page}");
    // A participant at 瑞金: the form, one fieldset and legend per question, radios in labels.
    join(w.api(RESIDENT), id, None).await;
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/challenges/{id}/milestones/1")).await;
    assert_eq!(page.matches("<fieldset class=\"choices").count(), 3, "{page}");
    assert_eq!(page.matches("<legend>").count(), 3);
    assert!(page.contains("<label for=\"f-q1-0\"><input type=\"radio\" id=\"f-q1-0\" name=\"q1\""));
    // One question left out: the summary links to it, the choices made are kept.
    let path = format!("/challenges/{id}/milestones/1/quiz");
    let r = app.post(&path, &[("q1", "1"), ("q3", "0")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"form-errors\"") && page.contains("href=\"#f-q2-0\""), "{page}");
    assert!(page.contains("id=\"f-q1-1\" name=\"q1\" value=\"1\" checked"), "kept");
    assert_eq!(scalar(app, "select count(*) from challenge_quiz_answers").await, 0, "nothing scored");
    let right = right_answers(app, &milestone(w.api(RESIDENT), id, 1).await).await;
    let fields: Vec<(String, String)> =
        right.iter().enumerate().map(|(i, (_, c))| (format!("q{}", i + 1), c.to_string())).collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post(&path, &fields).await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page(r.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("答案已提交") && page.contains("答对 3 题，共得 6 积分") && page.contains("+2 积分"),
        "{page}"
    );
    assert!(!page.contains("type=\"radio\""), "answered: the results, no form");
    // The form sent again (the back button): the first results, nothing more.
    let r = app.post(&path, &[("q1", "0"), ("q2", "0"), ("q3", "0")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(points(w.api(RESIDENT)).await, 6);
}

#[tokio::test]
async fn an_organisers_edit_changes_the_question_but_no_past_score() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let start = milestone(me, id, 1).await;
    let right = right_answers(&w.app, &start).await;
    answer(me, id, 1, &right).await;
    assert_eq!(points(me).await, 6);
    let (question, was_right) = right[0];
    let app = &w.app;
    app.login(ORGANISER).await;
    let (status, list) = app.page(&format!("/manage/challenges/{id}/quiz")).await;
    assert_eq!(status, 200);
    assert_eq!(list.matches("/quiz/").count(), 99, "33 milestones, three questions each");
    let edit = format!("/manage/challenges/{id}/quiz/{question}");
    let (status, form) = app.page(&edit).await;
    assert_eq!(status, 200);
    assert!(form.contains("id=\"f-prompt\"") && form.contains("id=\"f-option_4\""));
    // An empty option: the summary, and what was typed is kept.
    let moved = ((was_right + 1) % 3).to_string();
    let fields = |o1: &'static str| {
        vec![
            ("prompt", "长征从哪里出发？"),
            ("option_1", o1),
            ("option_2", "于都"),
            ("option_3", "瑞金"),
            ("option_4", ""),
            ("explanation", "1934年10月从瑞金等地出发。"),
        ]
    };
    let mut bad = fields("");
    bad.push(("answer", moved.as_str()));
    let r = app.post(&edit, &bad).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("href=\"#f-option_1\"") && page.contains("长征从哪里出发？"), "{page}");
    let mut good = fields("遵义");
    good.push(("answer", moved.as_str()));
    let r = app.post(&edit, &good).await;
    assert_eq!(r.status(), 303);
    let m = milestone(me, id, 1).await;
    let q = &m["questions"][0];
    assert_eq!((q["prompt"].as_str(), q["demo"].as_bool()), (Some("长征从哪里出发？"), Some(false)));
    assert_eq!((q["answer"]["correct"].as_bool(), q["answer"]["points"].as_i64()), (Some(true), Some(2)), "{q}");
    assert_eq!(points(me).await, 6, "no past score changes");
    let audited = "select count(*) from audit_log where action = 'challenges.quiz_edit'";
    assert_eq!(scalar(app, audited).await, 1);
    // The resident's page says the question changed after they answered.
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/challenges/{id}/milestones/1")).await;
    assert!(page.contains("组织者修改过这道题"), "{page}");
}

#[tokio::test]
async fn only_those_who_run_the_challenge_edit_its_quiz() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let stranger = Person::new("13700000012", "别街组织者").grant(ejia::authz::Role::Organizer, At::Street(BADAXIA));
    w.user(stranger).await;
    let app = &w.app;
    app.login(ORGANISER).await;
    app.page(&format!("/manage/challenges/{id}/quiz")).await;
    let question =
        scalar(app, &format!("select min(question_id) from challenge_quiz_questions where challenge_id = {id}")).await;
    let edit = format!("/manage/challenges/{id}/quiz/{question}");
    for who in [RESIDENT, "13700000012"] {
        app.login(who).await;
        assert_eq!(app.page(&format!("/manage/challenges/{id}/quiz")).await.0, 403, "{who}");
        assert_eq!(app.page(&edit).await.0, 403, "{who}");
        let r = app
            .post(
                &edit,
                &[
                    ("prompt", "改了"),
                    ("option_1", "a"),
                    ("option_2", "b"),
                    ("option_3", "c"),
                    ("answer", "0"),
                    ("explanation", "x"),
                ],
            )
            .await;
        assert_eq!(r.status(), 403, "{who}");
    }
    let prompt: String = {
        let mut conn = app.state.db.conn().await.unwrap();
        sqlx::query_scalar("select prompt from challenge_quiz_questions where question_id = $1")
            .bind(question)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_ne!(prompt, "改了");
}

#[tokio::test]
async fn the_demo_challenge_has_its_quiz() {
    let app = crate::demo::demo_app().await;
    ejia::seed::challenge::load(&app.state).await.unwrap();
    assert_eq!(scalar(&app, "select count(*) from challenge_quiz_questions where demo = 1").await, 99);
}

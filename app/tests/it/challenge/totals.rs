//! What moves the running totals: replacements, reviews, retries, concurrent check-ins; and
//! what reads them: the team mean and the boards.

use serde_json::{Value, json};

use super::*;

/// The sums the benchmark checks: every participant's total is the sum of their counted
/// check-ins, every team's the sum of its members'.
async fn totals_agree(app: &TestApp) {
    let off = scalar(
        app,
        "select count(*) from challenge_participants p where p.counted_m <> (select cast(coalesce(sum(c.counted_m), 0) \
         as bigint) from challenge_checkins c where c.challenge_id = p.challenge_id and c.user_id = p.user_id)",
    )
    .await;
    assert_eq!(off, 0, "participants whose total is not the sum of their check-ins");
    let off = scalar(
        app,
        "select count(*) from challenge_teams t where t.counted_m <> (select cast(coalesce(sum(p.counted_m), 0) as \
         bigint) from challenge_participants p where p.team_id = t.team_id) or t.members <> (select count(*) from \
         challenge_participants p where p.team_id = t.team_id)",
    )
    .await;
    assert_eq!(off, 0, "teams whose totals are not their members'");
}

#[tokio::test]
async fn a_second_check_in_of_the_day_and_kind_replaces_the_first_and_its_metres() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let me = w.api(RESIDENT);
    join(me, id, t["id"].as_i64()).await;
    let (status, first) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    assert_eq!(status, 201);
    let (status, second) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 8 })).await;
    assert_eq!((status, &second["id"]), (200, &first["id"]), "{second}");
    assert_eq!(progress(me, id).await["km"], 8.0);
    assert_eq!(progress(me, id).await["team"]["km"], 8.0);
    // Replaced by one that is held: nothing counts any more.
    let (status, third) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 25, "minutes": 60 })).await;
    assert_eq!((status, third["status"].as_str()), (200, Some("held")));
    assert_eq!(progress(me, id).await["km"], 0.0);
    assert_eq!(w.app.count("challenge_checkins").await, 1);
    let audited = scalar(&w.app, "select count(*) from audit_log where action = 'challenges.checkin_replace'").await;
    assert_eq!(audited, 2, "each replacement is audited");
    totals_agree(&w.app).await;
}

#[tokio::test]
async fn an_organiser_reduces_a_held_check_in_and_its_owner_can_no_longer_replace_it() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "香港中路街道队", "street", json!({ "street_id": w.street(XIANGGANG_ZHONGLU).0 })).await;
    let me = w.api(RESIDENT);
    join(me, id, t["id"].as_i64()).await;
    let (_, held) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 12, "minutes": 60 })).await;
    assert_eq!(held["status"], "held");
    let (status, queue) = w.api(ORGANISER).get(&format!("/challenges/{id}/checkins")).await;
    assert_eq!((status, queue["items"][0]["id"].clone()), (200, held["id"].clone()));
    let review = format!("/checkins/{}/review", held["id"]);
    // A resident reviews nothing, not even their own.
    let (status, _) = me.post(&review, json!({ "decision": "accept" })).await;
    assert_eq!(status, 403);
    let (status, problem) = w.api(ORGANISER).post(&review, json!({ "decision": "reduce", "km": 6 })).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("reason")), "a reduction says why");
    let (status, reduced) =
        w.api(ORGANISER).post(&review, json!({ "decision": "reduce", "km": 6, "reason": "按步行时速核减" })).await;
    assert_eq!(status, 200, "{reduced}");
    assert_eq!((reduced["status"].as_str(), reduced["counted_km"].as_f64()), (Some("reduced"), Some(6.0)));
    assert_eq!(
        (reduced["reason"].as_str(), reduced["reason_code"].as_str()),
        (Some("按步行时速核减"), Some("organiser"))
    );
    let p = progress(me, id).await;
    assert_eq!((p["km"].as_f64(), p["team"]["km"].as_f64()), (Some(6.0), Some(6.0)));
    let (status, problem) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 12 })).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("审核"), "{problem}");
    let (_, mine) = me.get("/me/checkins").await;
    assert_eq!(
        (mine["items"][0]["status"].as_str(), mine["items"][0]["reviewed"].as_bool()),
        (Some("reduced"), Some(true))
    );
    // Refused after all: the team loses the 6 km.
    let (status, _) = w.api(ORGANISER).post(&review, json!({ "decision": "refuse", "reason": "重复申报" })).await;
    assert_eq!(status, 200);
    assert_eq!(progress(me, id).await["team"]["km"], 0.0);
    let audited = scalar(&w.app, "select count(*) from audit_log where action = 'challenges.checkin_review'").await;
    assert_eq!(audited, 2);
    totals_agree(&w.app).await;
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_answers_the_first_and_writes_nothing() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let path = format!("/challenges/{id}/checkins");
    let send = |km: f64| {
        me.send(reqwest::Method::POST, &path, Some(json!({ "day": TODAY, "kind": "run", "km": km })), Some("k-1"))
    };
    let (first_status, first) = send(5.0).await;
    let (retry_status, retry) = send(5.0).await;
    assert_eq!((first_status, retry_status), (201, 201));
    assert_eq!(first, retry);
    // Even if the retry's body differs: the key names the attempt.
    let (_, other) = send(7.0).await;
    assert_eq!(other["km"], 5.0);
    assert_eq!(progress(me, id).await["km"], 5.0);
    assert_eq!(w.app.count("challenge_checkins").await, 1);
}

#[tokio::test]
async fn many_check_ins_of_one_person_at_once_leave_one_record_and_true_totals() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let me = w.api(RESIDENT).clone();
    join(&me, id, t["id"].as_i64()).await;
    let tasks: Vec<_> = (1..=24)
        .map(|i| {
            let me = me.clone();
            tokio::spawn(async move {
                let km = f64::from(i);
                check_in(&me, id, json!({ "day": TODAY, "kind": "walk", "km": km })).await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let (status, answer) = task.await.unwrap();
        assert!(status == 201 || status == 200, "{status} {answer}");
        created += usize::from(status == 201);
    }
    assert_eq!(created, 1, "exactly one request made the check-in");
    assert_eq!(w.app.count("challenge_checkins").await, 1);
    let counted = scalar(&w.app, "select counted_m from challenge_checkins").await;
    assert_eq!(progress(&me, id).await["km"].as_f64(), Some(counted as f64 / 1000.0));
    totals_agree(&w.app).await;
}

/// `n` residents of 云霄路社区 who join `team` and each walk `km` today.
async fn members(w: &World, id: i64, team: i64, n: usize, km: f64, first_phone: u64) {
    for i in 0..n {
        let who = w.client(Person::new(format!("{}", first_phone + i as u64), "队员").lives_in(YUNXIAOLU)).await;
        join(&who, id, Some(team)).await;
        if km > 0.0 {
            let (status, c) = check_in(&who, id, json!({ "day": TODAY, "kind": "walk", "km": km })).await;
            assert_eq!(status, 201, "{c}");
        }
    }
}

fn item<'a>(board: &'a Value, name: &str) -> &'a Value {
    board["items"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap()
}

#[tokio::test]
async fn a_team_of_ten_and_a_team_of_one_with_the_same_mean_stand_at_the_same_place() {
    let w = world().await;
    let id = challenge(&w, json!({ "scale": 40 })).await;
    let community = json!({ "community_id": w.community(YUNXIAOLU).0 });
    let ten = team(&w, id, "十人队", "community", community.clone()).await["id"].as_i64().unwrap();
    let one = team(&w, id, "一人队", "community", community.clone()).await["id"].as_i64().unwrap();
    let pair = team(&w, id, "两人队", "community", community.clone()).await["id"].as_i64().unwrap();
    let ahead = team(&w, id, "领先队", "community", community).await["id"].as_i64().unwrap();
    members(&w, id, ten, 10, 5.5, 13_900_000_100).await;
    members(&w, id, one, 1, 5.5, 13_900_000_200).await;
    // One member walked 11 km, the other nothing: a joined member counts in the mean.
    members(&w, id, pair, 1, 11.0, 13_900_000_300).await;
    members(&w, id, pair, 1, 0.0, 13_900_000_301).await;
    members(&w, id, ahead, 2, 6.0, 13_900_000_400).await;
    let (status, board) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=team")).await;
    assert_eq!(status, 200, "{board}");
    let names: Vec<&str> = board["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["领先队", "十人队", "一人队", "两人队"], "best first; ties in the order the teams were made");
    for name in ["十人队", "一人队", "两人队"] {
        let t = item(&board, name);
        assert_eq!((t["km"].as_f64(), t["route_km"].as_f64()), (Some(5.5), Some(220.0)), "{t}");
        assert_eq!(t["milestone"], "于都");
    }
    assert_eq!(
        (item(&board, "十人队")["members"].as_i64(), item(&board, "十人队")["total_km"].as_f64()),
        (Some(10), Some(55.0))
    );
    totals_agree(&w.app).await;
}

#[tokio::test]
async fn the_street_board_and_the_personal_board_when_it_is_on() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    for (who, km) in [(RESIDENT, 4.0), (OTHER_RESIDENT, 9.0)] {
        join(w.api(who), id, None).await;
        check_in(w.api(who), id, json!({ "day": TODAY, "kind": "walk", "km": km })).await;
    }
    let (_, streets) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=street")).await;
    let names: Vec<&str> = streets["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["八大峡街道", "香港中路街道"], "{streets}");
    let (status, problem) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=person")).await;
    assert_eq!(status, 422, "off unless the organiser turns it on: {problem}");
    let personal = challenge(&w, json!({ "personal_board": true })).await;
    for (who, km) in [(RESIDENT, 4.0), (OTHER_RESIDENT, 9.0)] {
        join(w.api(who), personal, None).await;
        check_in(w.api(who), personal, json!({ "day": TODAY, "kind": "walk", "km": km })).await;
    }
    let (status, people) = w.api(RESIDENT).get(&format!("/challenges/{personal}/board?by=person")).await;
    assert_eq!(status, 200);
    assert_eq!((people["items"][0]["name"].as_str(), people["items"][0]["km"].as_f64()), (Some("居民乙"), Some(9.0)));
    let anonymous = w.app.get(&format!("/api/v1/challenges/{personal}/board?by=person")).await;
    assert_eq!(anonymous.status(), 401, "people's names for those signed in only");
}

/// The teams' board is read hundreds of times a second in a morning rush, so each instance
/// keeps the teams for a second: someone else's check-in shows up within it, but whoever
/// checked in sees their own kilometres at once.
#[tokio::test]
async fn the_teams_board_may_be_a_second_behind_others_but_never_behind_me() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let mine = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let theirs = team(&w, id, "团岛社区队", "community", json!({ "community_id": w.community(TUANDAO).0 })).await;
    let (me, other) = (w.api(RESIDENT), w.api(OTHER_RESIDENT));
    join(me, id, mine["id"].as_i64()).await;
    join(other, id, theirs["id"].as_i64()).await;
    let path = format!("/challenges/{id}/board?by=team");
    let totals = |who: &'static str| {
        let path = path.clone();
        let w = &w;
        async move {
            let (status, b) = w.api(who).get(&path).await;
            assert_eq!(status, 200, "{b}");
            (item(&b, "云霄路社区队")["total_km"].as_f64(), item(&b, "团岛社区队")["total_km"].as_f64())
        }
    };
    assert_eq!(totals(RESIDENT).await, (Some(0.0), Some(0.0)));

    let (status, c) = check_in(other, id, json!({ "day": TODAY, "kind": "walk", "km": 3 })).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(totals(RESIDENT).await, (Some(0.0), Some(0.0)), "someone else's check-in: up to a second late");
    assert_eq!(totals(OTHER_RESIDENT).await, (Some(0.0), Some(3.0)), "my own: at once");

    let (status, c) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(totals(RESIDENT).await, (Some(5.0), Some(3.0)));
    check_in(other, id, json!({ "day": TODAY, "kind": "run", "km": 2 })).await;
    w.app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(totals(RESIDENT).await, (Some(5.0), Some(5.0)), "a second later, everyone's");
    totals_agree(&w.app).await;
}

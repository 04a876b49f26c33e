//! Check-ins earn points (学习积分) in their own transaction: an accepted one earns the
//! `checkin` source's points under its daily cap, a held one nothing, a replaced one is
//! reversed and awarded anew, and an organiser's reduction or refusal takes them back. On
//! SQLite these run on the writer thread (`points::writer`), on PostgreSQL on the pool.

use serde_json::{Value, json};

use super::*;

/// `who`'s points: the total and the history, newest first, as (points, reversed_because).
async fn points(who: &Api) -> (i64, Vec<(i64, Option<String>)>) {
    let (status, p) = who.get("/me/points").await;
    assert_eq!(status, 200, "{p}");
    let items = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["source"], "checkin", "{e}");
            (e["points"].as_i64().unwrap(), e["reversed_because"].as_str().map(str::to_owned))
        })
        .collect();
    (p["total"].as_i64().unwrap(), items)
}

/// Every person's total is the sum of their entries.
async fn ledger_agrees(app: &TestApp) {
    let off = scalar(
        app,
        "select count(*) from points_totals t where t.total <> (select cast(coalesce(sum(e.points), 0) as bigint) \
         from points_entries e where e.user_id = t.user_id)",
    )
    .await;
    assert_eq!(off, 0, "totals that are not the sum of the ledger");
}

#[tokio::test]
async fn accepted_check_ins_earn_points_up_to_the_daily_cap_and_held_ones_none() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    // The default rule: 5 points a check-in, at most 10 a day.
    let (_, walk) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    assert_eq!(walk["status"], "accepted");
    assert_eq!(points(me).await.0, 5);
    check_in(me, id, json!({ "day": TODAY, "kind": "run", "km": 5 })).await;
    assert_eq!(points(me).await.0, 10);
    // A third kind the same day is scored at the cap: an entry of 0, so the history says why.
    check_in(me, id, json!({ "day": TODAY, "kind": "cycle", "km": 10 })).await;
    let (total, items) = points(me).await;
    assert_eq!((total, items[0].0, items.len()), (10, 0, 3));
    // Yesterday's check-in counts on yesterday's cap.
    check_in(me, id, json!({ "day": YESTERDAY, "kind": "walk", "km": 3 })).await;
    assert_eq!(points(me).await.0, 15);
    // Held (swimming 10 km in 20 minutes): no points until an organiser accepts it.
    let (_, held) = check_in(me, id, json!({ "day": YESTERDAY, "kind": "swim", "km": 10, "minutes": 20 })).await;
    assert_eq!(held["status"], "held", "{held}");
    let (total, items) = points(me).await;
    assert_eq!((total, items.len()), (15, 4), "no entry for a held check-in");
    ledger_agrees(&w.app).await;
}

#[tokio::test]
async fn a_replaced_check_in_is_reversed_and_awarded_anew_and_a_held_replacement_earns_nothing() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 6 })).await;
    let (total, items) = points(me).await;
    assert_eq!(total, 5);
    assert_eq!(items, vec![(5, None), (-5, Some("replaced".into())), (5, None)]);
    // Replaced by an implausible one: held, and what the walk earned is taken back.
    let (_, held) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 20, "minutes": 60 })).await;
    assert_eq!(held["status"], "held");
    let (total, items) = points(me).await;
    assert_eq!((total, items[0].clone()), (0, (-5, Some("replaced".into()))));
    // A retry with the same key answers the first and writes no entry.
    let path = format!("/challenges/{id}/checkins");
    let run =
        || me.send(reqwest::Method::POST, &path, Some(json!({ "day": TODAY, "kind": "run", "km": 4 })), Some("r-1"));
    run().await;
    run().await;
    assert_eq!(points(me).await.0, 5);
    assert_eq!(points(me).await.1.len(), 5);
    ledger_agrees(&w.app).await;
}

/// The organiser's review of check-in `checkin`.
async fn review(w: &World, checkin: &Value, body: Value) -> Value {
    let (status, r) = w.api(ORGANISER).post(&format!("/checkins/{}/review", checkin["id"]), body).await;
    assert_eq!(status, 200, "{r}");
    r
}

#[tokio::test]
async fn an_organisers_acceptance_awards_and_a_reduction_or_refusal_takes_back() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let (_, held) = check_in(me, id, json!({ "day": YESTERDAY, "kind": "walk", "km": 12, "minutes": 60 })).await;
    assert_eq!(points(me).await.0, 0);
    review(&w, &held, json!({ "decision": "accept" })).await;
    // Counted on the check-in's day, not the review's.
    let (status, p) = me.get("/me/points").await;
    assert_eq!((status, p["total"].as_i64(), p["items"][0]["day"].as_str()), (200, Some(5), Some(YESTERDAY)));
    // Accepting again adds nothing.
    review(&w, &held, json!({ "decision": "accept" })).await;
    assert_eq!(points(me).await.1.len(), 1);
    review(&w, &held, json!({ "decision": "reduce", "km": 6, "reason": "按步行时速核减" })).await;
    let (total, items) = points(me).await;
    assert_eq!((total, items[0].clone()), (0, (-5, Some("reduced".into()))));
    review(&w, &held, json!({ "decision": "accept" })).await;
    review(&w, &held, json!({ "decision": "refuse", "reason": "重复打卡" })).await;
    let (total, items) = points(me).await;
    assert_eq!((total, items[0].clone(), items.len()), (0, (-5, Some("refused".into())), 4));
    ledger_agrees(&w.app).await;
}

#[tokio::test]
async fn check_ins_of_one_person_at_once_never_pass_the_points_cap() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT).clone();
    join(&me, id, None).await;
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let me = me.clone();
            let kind = ["walk", "run", "cycle", "swim"][i % 4];
            tokio::spawn(async move { check_in(&me, id, json!({ "day": TODAY, "kind": kind, "km": 1 })).await })
        })
        .collect();
    for task in tasks {
        let (status, answer) = task.await.unwrap();
        assert!(status == 201 || status == 200, "{status} {answer}");
    }
    assert_eq!(w.app.count("challenge_checkins").await, 4, "one check-in per kind");
    let (total, _) = points(&me).await;
    assert_eq!(total, 10, "the daily cap, however the check-ins raced");
    let live = scalar(
        &w.app,
        "select count(*) from points_entries e where e.points > 0 and e.reverses_entry_id is null \
         and not exists (select 1 from points_entries r where r.reverses_entry_id = e.entry_id)",
    )
    .await;
    assert_eq!(live, 2, "two check-ins' awards stand, at 5 each");
    ledger_agrees(&w.app).await;
}

#[tokio::test]
async fn a_teams_points_are_its_members_totals_on_the_board_at_most_half_a_minute_late() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let other = team(&w, id, "团岛社区队", "community", json!({ "community_id": w.community(TUANDAO).0 })).await;
    let me = w.api(RESIDENT);
    join(me, id, t["id"].as_i64()).await;
    join(w.api(OTHER_RESIDENT), id, other["id"].as_i64()).await;
    check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    check_in(me, id, json!({ "day": YESTERDAY, "kind": "run", "km": 5 })).await;
    let board = || async {
        let (status, b) = me.get(&format!("/challenges/{id}/board?by=team")).await;
        assert_eq!(status, 200, "{b}");
        let points =
            |name: &str| b["items"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap()["points"].as_i64();
        (points("云霄路社区队"), points("团岛社区队"))
    };
    assert_eq!(board().await, (Some(10), Some(0)));
    // Summed again only once the sums are half a minute old.
    check_in(w.api(OTHER_RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 2 })).await;
    assert_eq!(board().await, (Some(10), Some(0)));
    w.app.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(board().await, (Some(10), Some(5)));
    // The street board has no points.
    let (_, streets) = me.get(&format!("/challenges/{id}/board?by=street")).await;
    assert!(streets["items"][0].get("points").is_none(), "{streets}");
}

#[tokio::test]
async fn the_daily_board_ranks_teams_by_todays_check_ins_alone() {
    let w = world().await;
    let id = challenge(&w, json!({ "days_back": 3 })).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let other = team(&w, id, "团岛社区队", "community", json!({ "community_id": w.community(TUANDAO).0 })).await;
    join(w.api(RESIDENT), id, t["id"].as_i64()).await;
    join(w.api(OTHER_RESIDENT), id, other["id"].as_i64()).await;
    // 云霄路 walked far yesterday and a little today; 团岛 only today, more.
    check_in(w.api(RESIDENT), id, json!({ "day": YESTERDAY, "kind": "walk", "km": 20 })).await;
    check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 2 })).await;
    check_in(w.api(OTHER_RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 6 })).await;
    let names = |b: &Value| -> Vec<(String, f64)> {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["name"].as_str().unwrap().to_owned(), i["km"].as_f64().unwrap()))
            .collect()
    };
    let (_, overall) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=team")).await;
    assert_eq!(names(&overall), [("云霄路社区队".to_owned(), 22.0), ("团岛社区队".to_owned(), 6.0)]);
    let (status, today) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=team&period=today")).await;
    assert_eq!(status, 200, "{today}");
    assert_eq!(names(&today), [("团岛社区队".to_owned(), 6.0), ("云霄路社区队".to_owned(), 2.0)]);
    // The page's board too.
    let (status, page) = w.app.page(&format!("/challenges/{id}?board=today")).await;
    assert_eq!(status, 200);
    let (first, second) = (page.find("团岛社区队").unwrap(), page.rfind("云霄路社区队").unwrap());
    assert!(first < second, "today's board puts 团岛 first");
    let (status, _) = w.app.page(&format!("/challenges/{id}?board=yesterday")).await;
    assert_eq!(status, 400, "an unknown board is a bad request");
}

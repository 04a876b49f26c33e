//! The rules of one check-in: caps, speeds, steps, the day window.

use serde_json::json;

use super::*;

#[tokio::test]
async fn check_ins_over_the_daily_cap_or_a_kinds_cap_are_held_and_say_why() {
    let w = world().await;
    let id = challenge(&w, json!({ "caps": { "swim": 2 } })).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let (status, walk) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 20 })).await;
    assert_eq!((status, walk["status"].as_str()), (201, Some("accepted")), "{walk}");
    assert!(walk.get("reason").is_none());
    // 20 + 15 is over the 30 km a day, all kinds together.
    let (status, run) = check_in(me, id, json!({ "day": TODAY, "kind": "run", "km": 15 })).await;
    assert_eq!((status, run["status"].as_str(), run["reason_code"].as_str()), (201, Some("held"), Some("daily_cap")));
    assert_eq!((run["km"].as_f64(), run["counted_km"].as_f64()), (Some(15.0), Some(0.0)));
    assert!(run["reason"].as_str().unwrap().contains("每天的上限"), "{run}");
    // The swim's own cap, on a day with nothing else.
    let (_, swim) = check_in(me, id, json!({ "day": YESTERDAY, "kind": "swim", "km": 2.5 })).await;
    assert_eq!((swim["status"].as_str(), swim["reason_code"].as_str()), (Some("held"), Some("kind_cap")));
    let (_, ok) = check_in(me, id, json!({ "day": YESTERDAY, "kind": "walk", "km": 27.5 })).await;
    assert_eq!(ok["status"], "accepted", "2.5 held km do not count towards the cap: {ok}");
    assert_eq!(progress(me, id).await["km"], 47.5);
    // The person sees why, in their language, in their list.
    let (status, mine) = me.send(reqwest::Method::GET, "/me/checkins", None, None).await;
    assert_eq!(status, 200);
    let held: Vec<_> = mine["items"].as_array().unwrap().iter().filter(|c| c["status"] == "held").collect();
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|c| c["reason"].as_str().is_some_and(|r| !r.is_empty())));
}

#[tokio::test]
async fn a_held_reason_is_in_the_callers_language() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let r = reqwest::Client::new()
        .post(w.app.at(&format!("/api/v1/challenges/{id}/checkins")))
        .bearer_auth(w.api(RESIDENT).token())
        .header("accept-language", "en")
        .json(&json!({ "day": TODAY, "kind": "walk", "km": 31 }))
        .send()
        .await
        .unwrap();
    let answer: serde_json::Value = r.json().await.unwrap();
    assert!(answer["reason"].as_str().unwrap().starts_with("More than the daily limit"), "{answer}");
}

#[tokio::test]
async fn speeds_beyond_each_kinds_limit_are_held() {
    let w = world().await;
    let id = challenge(&w, json!({ "daily_cap_km": 200 })).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    // (kind, km, minutes, held?)
    let cases = [("walk", 10.0, 60, true), ("run", 10.0, 30, false), ("cycle", 50.0, 60, true), ("swim", 1.0, 9, true)];
    for (kind, km, minutes, held) in cases {
        let (status, c) = check_in(me, id, json!({ "day": TODAY, "kind": kind, "km": km, "minutes": minutes })).await;
        assert_eq!(status, 201, "{c}");
        let expected = if held { "held" } else { "accepted" };
        assert_eq!(c["status"], expected, "{kind} {km} km in {minutes} min: {c}");
        if held {
            assert_eq!(c["reason_code"], "speed");
            assert!(c["reason"].as_str().unwrap().contains("速度"), "{c}");
        }
    }
    assert_eq!(progress(me, id).await["km"], 10.0, "only the run counts");
}

#[tokio::test]
async fn steps_convert_at_the_challenges_rate() {
    let w = world().await;
    let id = challenge(&w, json!({ "steps_per_km": 1000 })).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    let (status, c) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "steps": 12345 })).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!((c["km"].as_f64(), c["steps"].as_i64()), (Some(12.345), Some(12345)));
    let p = progress(me, id).await;
    assert_eq!((p["km"].as_f64(), p["route_km"].as_f64()), (Some(12.345), Some(123.45)));
    // Neither km nor steps.
    let (status, problem) = check_in(me, id, json!({ "day": TODAY, "kind": "run" })).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "km");
}

#[tokio::test]
async fn check_ins_are_for_today_or_yesterday_unless_the_organiser_allows_more() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    join(me, id, None).await;
    for (day, expected) in [(TODAY, 201), (YESTERDAY, 201), ("2026-11-29", 422), ("2026-12-02", 422)] {
        let (status, c) = check_in(me, id, json!({ "day": day, "kind": "walk", "km": 3 })).await;
        assert_eq!(status, expected, "{day}: {c}");
        if expected == 422 {
            assert_eq!(c["errors"][0]["field"], "day");
        }
    }
    let wider = challenge(&w, json!({ "days_back": 3, "starts_on": "2026-11-29" })).await;
    join(me, wider, None).await;
    let (status, _) = check_in(me, wider, json!({ "day": "2026-11-29", "kind": "walk", "km": 3 })).await;
    assert_eq!(status, 201);
    let (status, _) = check_in(me, wider, json!({ "day": "2026-11-28", "kind": "walk", "km": 3 })).await;
    assert_eq!(status, 422, "before the challenge starts");
}

#[tokio::test]
async fn only_participants_check_in_and_joining_twice_is_one_participation() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(RESIDENT);
    let (status, problem) = check_in(me, id, json!({ "day": TODAY, "kind": "walk", "km": 3 })).await;
    assert_eq!(status, 422, "{problem}");
    let path = format!("/challenges/{id}/participants");
    let (first, p) = me.post(&path, json!({})).await;
    let (second, again) = me.send(reqwest::Method::POST, &path, None, None).await;
    assert_eq!((first, second), (201, 200));
    assert_eq!(p["id"], again["id"]);
    assert_eq!(w.app.count("challenge_participants").await, 1);
}

//! The organisers' back office (`/manage/challenges`): the form that makes and changes a
//! challenge (and `PATCH /challenges/{id}`), who may change which, the review queue's decisions
//! and the totals they move, one team per community, renaming, and the exports.

use reqwest::Method;
use serde_json::{Value, json};

use super::*;

/// A street organiser of 香港中路街道.
const STREET_ORGANISER: &str = "13700000009";

/// The challenge form's fields, with `extra` over them.
fn form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", "市南区重走长征路"),
        ("route", "long_march"),
        ("scale", "10"),
        ("starts_on", "2026-11-01"),
        ("ends_on", "2026-12-31"),
        ("daily_cap_km", "30"),
        ("cap_walk", ""),
        ("cap_run", ""),
        ("cap_cycle", ""),
        ("cap_swim", "5"),
        ("steps_per_km", "1400"),
        ("days_back", "1"),
        ("audience", "everyone"),
        ("street_id", ""),
        ("department_id", ""),
        ("personal_board", "no"),
    ];
    for (k, v) in extra {
        match f.iter_mut().find(|(name, _)| name == k) {
            Some(field) => field.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

async fn patch(who: &Api, id: i64, body: Value) -> (u16, Value) {
    who.send(Method::PATCH, &format!("/challenges/{id}"), Some(body), None).await
}

#[tokio::test]
async fn the_form_makes_and_changes_a_challenge_and_keeps_what_was_typed() {
    let w = world().await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let (status, page) = app.page("/manage/challenges/new").await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"_csrf\"") && page.contains("个人排行榜"), "{page}");
    // Without the form's token nothing is made.
    let r = app.client.post(app.at("/manage/challenges/new")).form(&form(&[])).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // Errors: the summary, linked fields, and what was typed.
    let r = app.post("/manage/challenges/new", &form(&[("scale", "abc"), ("ends_on", "2026-10-01")])).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"form-errors\"") && page.contains("href=\"#f-scale\""), "{page}");
    assert!(page.contains("href=\"#f-ends_on\"") && page.contains("value=\"abc\""), "{page}");
    assert_eq!(app.count("challenges").await, 0);
    // Made: the teams page opens next.
    let r = app.post("/manage/challenges/new", &form(&[])).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/manage/challenges/") && to.ends_with("/teams"), "{to}");
    let id: i64 = to.split('/').nth(3).unwrap().parse().unwrap();
    let (_, c) = w.api(RESIDENT).get(&format!("/challenges/{id}")).await;
    assert_eq!(
        (c["scale"].as_f64(), c["caps"]["swim"].as_f64(), c["personal_board"].as_bool()),
        (Some(10.0), Some(5.0), Some(false))
    );
    let (_, page) = app.page(&to).await;
    assert!(page.contains("活动已创建"), "said what happened: {page}");
    // Changed: a tighter cap and a personal board.
    let (status, page) = app.page(&format!("/manage/challenges/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"市南区重走长征路\""), "filled with its rules");
    let r = app
        .post(&format!("/manage/challenges/{id}/edit"), &form(&[("daily_cap_km", "20"), ("personal_board", "yes")]))
        .await;
    assert_eq!(r.status(), 303);
    let (_, c) = w.api(RESIDENT).get(&format!("/challenges/{id}")).await;
    assert_eq!((c["daily_cap_km"].as_f64(), c["personal_board"].as_bool()), (Some(20.0), Some(true)));
    let audited = scalar(app, "select count(*) from audit_log where action = 'challenges.update'").await;
    assert_eq!(audited, 1);
    // The list has it, with the way to its queue.
    let (_, list) = app.page("/manage/challenges").await;
    assert!(list.contains("市南区重走长征路") && list.contains(&format!("/manage/challenges/{id}/review")), "{list}");
    let (_, home) = app.page("/manage").await;
    assert!(home.contains("href=\"/manage/challenges\""), "a tile on the back-office home");
}

#[tokio::test]
async fn a_street_organiser_changes_only_their_own_streets_challenges() {
    let w = world().await;
    let app = &w.app;
    let street = w.street(XIANGGANG_ZHONGLU).0;
    let other = w.street(BADAXIA).0;
    let organiser = w
        .client(
            Person::new(STREET_ORGANISER, "街道组织者")
                .grant(ejia::authz::Role::Organizer, At::Street(XIANGGANG_ZHONGLU)),
        )
        .await;
    let district = challenge(&w, json!({ "name": "全区的活动" })).await;
    let others = challenge(&w, json!({ "name": "别街的活动", "street_id": other })).await;
    let (status, mine) =
        organiser.post("/challenges", body(json!({ "name": "本街的活动", "street_id": street }))).await;
    assert_eq!(status, 201);
    let mine = mine["id"].as_i64().unwrap();
    app.login(STREET_ORGANISER).await;
    for id in [district, others] {
        let (status, _) = app.page(&format!("/manage/challenges/{id}/edit")).await;
        assert_eq!(status, 403, "challenge {id}");
        let r = app.post(&format!("/manage/challenges/{id}/edit"), &form(&[("street_id", "")])).await;
        assert_eq!(r.status(), 403, "challenge {id}");
        let (status, _) = patch(&organiser, id, json!({ "name": "改了" })).await;
        assert_eq!(status, 403, "challenge {id}");
        let (status, _) = app.page(&format!("/manage/challenges/{id}/review")).await;
        assert_eq!(status, 403);
    }
    let (_, list) = app.page("/manage/challenges").await;
    assert!(list.contains("本街的活动") && !list.contains("全区的活动") && !list.contains("别街的活动"), "{list}");
    // Their own: yes, but not moved to the district, which they do not run.
    let street_text = street.to_string();
    let r = app
        .post(&format!("/manage/challenges/{mine}/edit"), &form(&[("street_id", &street_text), ("name", "本街新名")]))
        .await;
    assert_eq!(r.status(), 303);
    let r = app.post(&format!("/manage/challenges/{mine}/edit"), &form(&[("street_id", "")])).await;
    assert_eq!(r.status(), 422, "the district is not theirs: said on the field");
    let (status, _) = patch(&organiser, mine, json!({ "street_id": null })).await;
    assert_eq!(status, 403);
    let (status, c) = patch(&organiser, mine, json!({ "days_back": 2 })).await;
    assert_eq!((status, c["days_back"].as_i64(), c["name"].as_str()), (200, Some(2), Some("本街新名")), "{c}");
}

#[tokio::test]
async fn changes_that_would_break_stored_data_are_refused_and_caps_apply_from_now() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let me = w.api(ORGANISER);
    let (status, _) = patch(me, id, json!({ "scale": 20 })).await;
    assert_eq!(status, 200, "nothing counts yet");
    join(w.api(RESIDENT), id, None).await;
    // (The route lock itself is `service`'s unit test: `long_march` is the only route yet.)
    let (status, problem) = patch(me, id, json!({ "route": "other" })).await;
    assert_eq!(status, 422, "{problem}");
    check_in(w.api(RESIDENT), id, json!({ "day": YESTERDAY, "kind": "walk", "km": 12 })).await;
    let (status, problem) = patch(me, id, json!({ "scale": 10 })).await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = patch(me, id, json!({ "starts_on": "2026-12-01" })).await;
    assert_eq!(status, 422, "yesterday's check-in would fall outside");
    let (status, _) = patch(me, id, json!({ "daily_cap_km": 10, "caps": { "walk": 8 } })).await;
    assert_eq!(status, 200);
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 12.0, "counted km stay");
    let (_, today) = check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 9 })).await;
    assert_eq!(today["status"], "held", "the new cap holds today's: {today}");
    let (status, _) = patch(me, id, json!({ "colour": "red" })).await;
    assert_eq!(status, 400, "unknown fields are refused, not ignored");
}

#[tokio::test]
async fn review_decisions_move_the_totals_and_reduce_and_refuse_need_a_reason() {
    let w = world().await;
    let app = &w.app;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    join(w.api(RESIDENT), id, t["id"].as_i64()).await;
    let mut held = Vec::new();
    for kind in ["walk", "run", "cycle"] {
        let (_, c) = check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": kind, "km": 40 })).await;
        assert_eq!(c["status"], "held", "{c}");
        held.push(c["id"].as_i64().unwrap());
    }
    app.login(ORGANISER).await;
    let (status, page) = app.page(&format!("/manage/challenges/{id}/review")).await;
    assert_eq!(status, 200);
    assert!(page.contains("居*甲") && page.contains("137****0002") && !page.contains("居民甲"), "masked: {page}");
    assert!(page.contains("超过了每人每天的上限"), "why held");
    let decide = |c: i64| format!("/manage/challenges/{id}/review/{c}");
    // A reason is needed to reduce or refuse; what was typed stays.
    let r = app.post(&decide(held[1]), &[("decision", "reduce"), ("km", "5"), ("reason", "")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("href=\"#f-reason-{}\"", held[1])) && page.contains("value=\"5\""), "{page}");
    let r = app.post(&decide(held[2]), &[("decision", "refuse"), ("km", ""), ("reason", " ")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post(&decide(held[1]), &[("decision", "reduce"), ("km", "50"), ("reason", "太多")]).await;
    assert_eq!(r.status(), 422, "no more than claimed");
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 0.0, "nothing moved");
    // Accept adds all, reduce the km typed, refuse nothing.
    let r = app.post(&decide(held[0]), &[("decision", "accept")]).await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page(&format!("/manage/challenges/{id}/review")).await;
    assert!(page.contains("已接受"), "said what happened");
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 40.0);
    let r =
        app.post(&decide(held[1]), &[("decision", "reduce"), ("km", "5"), ("reason", "跑步 40 公里不太可能")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 45.0);
    let r = app.post(&decide(held[2]), &[("decision", "refuse"), ("reason", "没有记录")]).await;
    assert_eq!(r.status(), 303);
    let p = progress(w.api(RESIDENT), id).await;
    assert_eq!((p["km"].as_f64(), p["team"]["km"].as_f64()), (Some(45.0), Some(45.0)), "{p}");
    let (_, page) = app.page(&format!("/manage/challenges/{id}/review")).await;
    assert!(page.contains("没有待审核的打卡"), "the queue is empty");
    // A check-in of another challenge is not this queue's.
    let other = challenge(&w, json!({ "name": "另一个" })).await;
    let r = app.post(&format!("/manage/challenges/{other}/review/{}", held[0]), &[("decision", "accept")]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn one_team_per_community_is_made_once_and_teams_are_renamed() {
    let w = world().await;
    let app = &w.app;
    let street = w.street(XIANGGANG_ZHONGLU).0;
    let id = challenge(&w, json!({ "street_id": street })).await;
    // One community has a team already.
    team(&w, id, "云霄路的队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    app.login(ORGANISER).await;
    let of_street = scalar(app, &format!("select count(*) from communities where street_id = {street}")).await;
    for _ in 0..2 {
        let r = app.post(&format!("/manage/challenges/{id}/teams/communities"), &[]).await;
        assert_eq!(r.status(), 303);
        let teams = scalar(app, &format!("select count(*) from challenge_teams where challenge_id = {id}")).await;
        assert_eq!(teams, of_street, "one per community of the street, again none more");
    }
    let (_, page) = app.page(&format!("/manage/challenges/{id}/teams")).await;
    assert!(page.contains("每个社区都已有队伍") && page.contains("云霄路的队"), "{page}");
    // A branch team with its code shown.
    let r = app
        .post(
            &format!("/manage/challenges/{id}/teams"),
            &[("kind", "branch"), ("name", "第一党支部"), ("street_id", ""), ("community_id", "")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, teams) = w.api(ORGANISER).get(&format!("/challenges/{id}/teams")).await;
    let branch = teams["items"].as_array().unwrap().iter().find(|t| t["kind"] == "branch").unwrap().clone();
    let (_, page) = app.page(&format!("/manage/challenges/{id}/teams")).await;
    assert!(page.contains(branch["join_code"].as_str().unwrap()), "the code is shown");
    // A community team needs its community; a rename needs a name.
    let r = app
        .post(
            &format!("/manage/challenges/{id}/teams"),
            &[("kind", "community"), ("name", "无社区队"), ("community_id", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("href=\"#f-community_id\""));
    let rename = format!("/manage/challenges/{id}/teams/{}/rename", branch["id"]);
    let r = app.post(&rename, &[("name", "  ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(&format!("href=\"#f-rename-{}\"", branch["id"])));
    let r = app.post(&rename, &[("name", "机关第一党支部")]).await;
    assert_eq!(r.status(), 303);
    let (_, teams) = w.api(ORGANISER).get(&format!("/challenges/{id}/teams")).await;
    assert!(teams["items"].as_array().unwrap().iter().any(|t| t["name"] == "机关第一党支部"));
}

#[tokio::test]
async fn the_exports_hold_every_team_and_person_with_the_boards_totals() {
    let w = world().await.with([Person::new("13700000004", "王秀英").lives_in(YUNXIAOLU).api()]).await;
    let app = &w.app;
    let id = challenge(&w, json!({})).await;
    let yunxiao = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    team(&w, id, "团岛社区队", "community", json!({ "community_id": w.community(TUANDAO).0 })).await;
    for who in [RESIDENT, "13700000004"] {
        join(w.api(who), id, yunxiao["id"].as_i64()).await;
    }
    join(w.api(OTHER_RESIDENT), id, None).await;
    check_in(w.api(RESIDENT), id, json!({ "day": TODAY, "kind": "walk", "km": 5 })).await;
    check_in(w.api("13700000004"), id, json!({ "day": TODAY, "kind": "run", "km": 8.5 })).await;
    check_in(w.api("13700000004"), id, json!({ "day": TODAY, "kind": "walk", "km": 40 })).await;
    app.login(ORGANISER).await;
    let r = app.get(&format!("/manage/challenges/{id}/export.csv?by=team")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "a header and two teams: {text}");
    assert_eq!(lines[1], "\"云霄路社区队\",\"社区队\",\"2\",\"13.5\",\"67.5\",\"6.75\"", "{text}");
    let (_, board) = w.api(RESIDENT).get(&format!("/challenges/{id}/board?by=team")).await;
    assert_eq!(board["items"][0]["name"], "云霄路社区队");
    assert_eq!(board["items"][0]["km"].as_f64(), Some(6.75), "the export's mean is the board's");
    // Per person: masked, with their check-ins and the held one.
    let r = app.get(&format!("/manage/challenges/{id}/export.csv?by=person")).await;
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[1], "\"王*英\",\"云霄路社区队\",\"香港中路街道\",\"云霄路社区\",\"8.5\",\"2\",\"1\"", "{text}");
    assert!(!text.contains("王秀英") && !text.contains("居民甲"), "names masked");
    let audited = scalar(app, "select count(*) from audit_log where action = 'challenges.export_people'").await;
    assert_eq!(audited, 1, "the per-person file is audited");
    let r = app.get(&format!("/manage/challenges/{id}/export.xlsx?by=person")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    // Someone who does not run it gets nothing.
    let street_organiser =
        Person::new(STREET_ORGANISER, "街道组织者").grant(ejia::authz::Role::Organizer, At::Street(BADAXIA));
    w.user(street_organiser).await;
    app.login(STREET_ORGANISER).await;
    let r = app.get(&format!("/manage/challenges/{id}/export.csv?by=person")).await;
    assert_eq!(r.status(), 403);
}

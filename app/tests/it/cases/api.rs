//! Cases: categories and the working-time calendar as data in the database.

use chrono::{NaiveDate, NaiveDateTime};
use ejia::cases::calendar::model::TimeLimit;
use ejia::cases::calendar::store as calendar_store;
use ejia::cases::store;

use serde_json::json;

use crate::helpers::case_cast::*;
use crate::helpers::*;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[tokio::test]
async fn a_district_import_seeds_the_reference_categories_with_their_department_and_limits() {
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let all = store::categories(&mut conn).await.unwrap();
    let city = |c: &&store::Category| c.parent_code.is_none() && c.kind == store::KIND_CITY;
    let majors: Vec<&str> = all.iter().filter(city).map(|c| c.code.as_str()).collect();
    assert_eq!(majors, ["01", "02", "03", "04", "05", "06"]);
    assert!(all.len() > 60, "{}", all.len());
    let departments = ejia::org::store::list_departments(&mut conn, 0, 100).await.unwrap();
    let enforcement = departments.iter().find(|d| d.name == "区综合行政执法局").unwrap().id;
    let illegal_building = all.iter().find(|c| c.code == "0101").unwrap();
    assert_eq!(illegal_building.name, "私搭乱建");
    assert_eq!(illegal_building.limit, Some(TimeLimit::Hours(4)));
    assert_eq!(illegal_building.department_id, Some(enforcement));
    assert!(illegal_building.photos_required && illegal_building.public);
    let occupation = all.iter().find(|c| c.code == "0601").unwrap();
    assert_eq!((occupation.name.as_str(), occupation.parent_code.as_deref()), ("占道经营", Some("06")));
    assert!(all.iter().filter(|c| c.parent_code.is_none()).all(|c| c.department_id.is_none() && c.limit.is_none()));
}

#[tokio::test]
async fn the_calendar_is_data_holidays_and_make_up_days_move_deadlines() {
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let calendar = calendar_store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar, ejia::cases::calendar::model::WorkCalendar::office(), "the import stores the office week");
    // Friday 16:00 + 4 working hours: Monday, with the weekend skipped.
    let friday = at("2026-12-04 16:00");
    let plain = calendar.deadline(friday, TimeLimit::Hours(4));
    assert_eq!(plain.date(), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    // The back office makes that Monday a holiday: the deadline moves to Tuesday; then makes
    // the Saturday a working day: it comes back to Saturday.
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    calendar_store::set_work_day(&mut conn, monday, Some("holiday"), "test holiday", 0).await.unwrap();
    let calendar = calendar_store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar.deadline(friday, TimeLimit::Hours(4)), plain + chrono::Duration::days(1));
    let saturday = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    calendar_store::set_work_day(&mut conn, saturday, Some("workday"), "调休", 0).await.unwrap();
    let calendar = calendar_store::work_calendar(&mut conn).await.unwrap();
    assert_eq!(calendar.deadline(friday, TimeLimit::Hours(4)).date(), saturday);
    // Taking the exceptions back restores the plain week.
    calendar_store::set_work_day(&mut conn, saturday, None, "", 0).await.unwrap();
    calendar_store::set_work_day(&mut conn, monday, None, "", 0).await.unwrap();
    assert_eq!(
        calendar_store::work_calendar(&mut conn).await.unwrap(),
        ejia::cases::calendar::model::WorkCalendar::office()
    );
}

#[tokio::test]
async fn a_case_goes_from_report_to_dispatch_handling_rework_closure_and_rating() {
    let w = World::for_cases().await;
    let (status, filed) = w
        .api(RESIDENT)
        .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "人行道上私搭乱建的棚子", "community_id": w.community(YUNXIAOLU), "address": "香港中路 1 号"}))
        .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!((filed["state"].as_str(), filed["source"].as_str()), (Some("reported"), Some("report")));
    let id = filed["id"].as_i64().unwrap();
    // Nobody but those with a part in it sees it.
    assert_eq!(w.api(OTHER_HANDLER).get(&format!("/cases/{id}")).await.0, 404);
    assert_eq!(w.api(OTHER_STREET_ADMIN).get(&format!("/cases/{id}")).await.0, 404);
    assert_eq!(w.api(INSPECTOR).get(&format!("/cases/{id}")).await.0, 200, "the street's inspector does");
    // The resident cannot dispatch; the dispatcher must say where to.
    assert_eq!(
        act(w.api(RESIDENT), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await.0,
        403
    );
    assert_eq!(act(w.api(DISPATCHER), id, json!({"action": "dispatch"})).await.0, 422);
    let (status, dispatched) =
        act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    assert_eq!(status, 200, "{dispatched}");
    // 私搭乱建: 4 working hours from Tuesday 09:00 — 09:00–12:00 and 13:30–14:30.
    assert_eq!(dispatched["deadline"], "2026-12-01T14:30:00+08:00");
    // Now the department's handler sees and works it; the other department still does not.
    assert_eq!(w.api(OTHER_HANDLER).get(&format!("/cases/{id}")).await.0, 404);
    assert_eq!(act(w.api(OTHER_HANDLER), id, json!({"action": "start_handling"})).await.0, 404);
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "check_pass"})).await.0, 409, "not handled yet");
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "start_handling"})).await.0, 200);
    w.app.clock.advance(chrono::Duration::hours(6));
    let (_, late) = w.api(HANDLER).get(&format!("/cases/{id}")).await;
    assert_eq!(late["overdue"], true);
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "report_handled", "note": "已拆除"})).await.0, 200);
    // The check fails once (rework), then passes; the reporter rates it.
    assert_eq!(act(w.api(INSPECTOR), id, json!({"action": "check_fail", "note": "仍有残留"})).await.0, 200);
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "report_handled", "note": "已清理"})).await.0, 200);
    assert_eq!(
        act(w.api(HANDLER), id, json!({"action": "check_pass"})).await.0,
        403,
        "a handler does not check own work"
    );
    let (status, closed) = act(w.api(INSPECTOR), id, json!({"action": "check_pass"})).await;
    assert_eq!((status, closed["state"].as_str(), closed["rework_count"].as_i64()), (200, Some("closed"), Some(1)));
    assert_eq!(act(w.api(INSPECTOR), id, json!({"action": "rate", "rating": "satisfied"})).await.0, 403);
    assert_eq!(act(w.api(RESIDENT), id, json!({"action": "rate"})).await.0, 422);
    let (status, rated) = act(w.api(RESIDENT), id, json!({"action": "rate", "rating": "fairly_satisfied"})).await;
    assert_eq!((status, rated["rating"].as_str()), (200, Some("fairly_satisfied")));
    assert_eq!(act(w.api(RESIDENT), id, json!({"action": "rate", "rating": "unsatisfied"})).await.0, 409);
    // The timeline has every step, in order, with who and from/to.
    let (_, full) = w.api(RESIDENT).get(&format!("/cases/{id}")).await;
    let actions: Vec<&str> =
        full["timeline"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["file", "dispatch", "start_handling", "report_handled", "check_fail", "report_handled", "check_pass", "rate"]
    );
    assert_eq!(full["timeline"][4]["from"], "handled");
    assert_eq!(full["timeline"][4]["to"], "handling");
    assert_eq!(full["timeline"][1]["department_id"], w.department(ENFORCEMENT).0);
    let (_, mine) = w.api(RESIDENT).get("/me/cases").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    // The reporter heard of each public step, in words, newest first.
    let (_, inbox) = w.api(RESIDENT).get("/me/notifications").await;
    let kinds: Vec<&str> = inbox.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["case.closed", "case.handled", "case.handled", "case.dispatched"]);
    assert_eq!(inbox[0]["text"], format!("您反映的问题（私搭乱建，案件 {id}）已结案。欢迎对处理结果进行评价。"));
    assert_eq!(w.app.count("case_events").await, 8);
}

#[tokio::test]
async fn filing_checks_its_input_and_a_patrol_finding_is_marked_as_such() {
    let w = World::for_cases().await;
    let (status, body) =
        w.api(RESIDENT).post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "  "})).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "description");
    let major = w.category("01");
    let (status, body) = w.api(RESIDENT).post("/cases", json!({"category_id": major, "description": "x"})).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("category_id")),
        "a major is not a category to file"
    );
    let (status, _) = w
        .api(RESIDENT)
        .post(
            "/cases",
            json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "x", "community_id": 999999}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(w.app.count("cases").await, 0, "refused filings leave nothing");
    let (status, finding) = w
        .api(INSPECTOR)
        .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "占道堆放", "community_id": w.community(YUNXIAOLU)}))
        .await;
    assert_eq!((status, finding["source"].as_str()), (201, Some("patrol")));
    // Rejecting or voiding needs a reason; a reason given, it is refused for good.
    let id = finding["id"].as_i64().unwrap();
    assert_eq!(act(w.api(DISPATCHER), id, json!({"action": "reject"})).await.0, 422);
    let (status, rejected) = act(w.api(DISPATCHER), id, json!({"action": "reject", "note": "不属于城管范围"})).await;
    assert_eq!((status, rejected["state"].as_str()), (200, Some("rejected")));
    assert_eq!(
        act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await.0,
        409
    );
    assert_eq!(act(w.api(DISPATCHER), id, json!({"action": "fly"})).await.0, 422);
}

#[tokio::test]
async fn queues_show_each_role_its_own_cases_filtered_and_sorted() {
    let w = World::for_cases().await;
    let elsewhere = w.community(TUANDAO);
    let mut ids = Vec::new();
    for community in [w.community(YUNXIAOLU), w.community(YUNXIAOLU), elsewhere] {
        let (status, c) = w
            .api(RESIDENT)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "乱堆物", "community_id": community}))
            .await;
        assert_eq!(status, 201);
        ids.push(c["id"].as_i64().unwrap());
    }
    let listed = |v: &serde_json::Value| -> Vec<i64> {
        v.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
    };
    assert_eq!(listed(&w.api(DISPATCHER).get("/cases").await.1), [ids[2], ids[1], ids[0]], "newest first");
    assert_eq!(listed(&w.api(OTHER_STREET_ADMIN).get("/cases").await.1), [ids[2]], "only the street's");
    assert_eq!(listed(&w.api(INSPECTOR).get("/cases").await.1), [ids[1], ids[0]]);
    assert!(listed(&w.api(HANDLER).get("/cases").await.1).is_empty(), "nothing dispatched yet");
    assert!(listed(&w.api(OTHER_HANDLER).get("/cases").await.1).is_empty());
    assert_eq!(listed(&w.api(RESIDENT).get("/cases").await.1).len(), 3, "a resident's own reports");
    // Dispatch two, an hour apart: the department's queue by deadline, and what is overdue.
    act(w.api(DISPATCHER), ids[1], json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    w.app.clock.advance(chrono::Duration::hours(1));
    act(w.api(DISPATCHER), ids[0], json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    assert_eq!(listed(&w.api(HANDLER).get("/cases?sort=deadline").await.1), [ids[1], ids[0]]);
    assert_eq!(listed(&w.api(DISPATCHER).get("/cases?state=reported").await.1), [ids[2]]);
    assert!(listed(&w.api(HANDLER).get("/cases?overdue=true").await.1).is_empty());
    // Tuesday 09:00 + 4 working hours = 14:30; 10:00 + 4 = 15:30. At 15:00 the first is late.
    w.app.clock.advance(chrono::Duration::hours(5));
    assert_eq!(listed(&w.api(HANDLER).get("/cases?overdue=true").await.1), [ids[1]]);
    assert!(listed(&w.api(OTHER_HANDLER).get("/cases?overdue=true").await.1).is_empty());
    assert_eq!(w.api(DISPATCHER).get("/cases?state=flying").await.0, 400);
}

#[tokio::test]
async fn overdue_cases_are_escalated_once_even_by_two_jobs_at_the_same_time() {
    let w = World::for_cases().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, c) = w
            .api(RESIDENT)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "乱堆物", "community_id": w.community(YUNXIAOLU)}))
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    for id in &ids[..2] {
        act(w.api(DISPATCHER), *id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    }
    // Handled in time: not late.
    act(w.api(HANDLER), ids[1], json!({"action": "report_handled"})).await;
    assert_eq!(ejia::cases::jobs::escalate_overdue(&w.app.state).await.unwrap(), 0, "nothing late yet");
    w.app.clock.advance(chrono::Duration::hours(6));
    let (a, b) = tokio::join!(
        ejia::cases::jobs::escalate_overdue(&w.app.state),
        ejia::cases::jobs::escalate_overdue(&w.app.state)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one case, escalated once");
    assert_eq!(ejia::cases::jobs::escalate_overdue(&w.app.state).await.unwrap(), 0);
    let (_, late) = w.api(DISPATCHER).get(&format!("/cases/{}", ids[0])).await;
    assert_eq!((late["escalated"].as_bool(), late["overdue"].as_bool()), (Some(true), Some(true)));
    let last = late["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["actor"].as_i64()), (Some("escalate"), None));
    let (_, handled) = w.api(DISPATCHER).get(&format!("/cases/{}", ids[1])).await;
    assert_eq!(handled["escalated"], false);
}

#[tokio::test]
async fn nearby_open_cases_of_the_category_are_suggested_and_a_duplicate_merged_follows_its_master() {
    let w = World::for_cases().await;
    let other_category = w.category("0102");
    // In the inspector's street: the inspector may see the resident's report.
    let community = w.community(YUNXIAOLU);
    let file = |who: &Api, category: i64, lat: f64, lng: f64| {
        let who = who.clone();
        async move {
            let (status, c) = who
                .post("/cases", json!({"category_id": category, "description": "违建", "lat": lat, "lng": lng, "community_id": community}))
                .await;
            assert_eq!(status, 201, "{c}");
            c
        }
    };
    let master = file(w.api(RESIDENT), w.category(ILLEGAL_BUILDING), 36.0611, 120.3836).await;
    let master_id = master["id"].as_i64().unwrap();
    assert_eq!(master["possible_duplicates"], json!([]));
    // Stored exactly as sent (PostgreSQL's filing carries coordinates as text, see cases/filing/store.rs).
    let stored: (f64, f64) = {
        let mut conn = w.app.state.db.conn().await.unwrap();
        sqlx::query_as("select lat, lng from cases where case_id = $1")
            .bind(master_id)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(stored, (36.0611, 120.3836));
    // 0.00027° of latitude ≈ 30 m: suggested; 0.0009° ≈ 100 m (70 m from the other): not;
    // another category at the same spot: not.
    let near = file(w.api(INSPECTOR), w.category(ILLEGAL_BUILDING), 36.06137, 120.3836).await;
    assert_eq!(near["possible_duplicates"], json!([{"id": master_id, "distance_m": 30}]));
    let far = file(w.api(INSPECTOR), w.category(ILLEGAL_BUILDING), 36.062, 120.3836).await;
    assert_eq!(far["possible_duplicates"], json!([]));
    let other = file(w.api(INSPECTOR), other_category, 36.0611, 120.3836).await;
    assert_eq!(other["possible_duplicates"], json!([]));
    let (status, _) = w
        .api(RESIDENT)
        .post(
            "/cases",
            json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "x", "lat": 91.0, "lng": 0.0}),
        )
        .await;
    assert_eq!(status, 422, "coordinates must be on Earth");
    // Staff see the suggestions on the case; residents do not.
    let near_id = near["id"].as_i64().unwrap();
    let (_, seen) = w.api(DISPATCHER).get(&format!("/cases/{near_id}")).await;
    assert_eq!(seen["possible_duplicates"][0]["id"], master_id);
    let (_, own) = w.api(RESIDENT).get(&format!("/cases/{master_id}")).await;
    assert!(own.get("possible_duplicates").is_none());
    // Three days later the same spot is news again.
    w.app.clock.advance(chrono::Duration::hours(73));
    let later = file(w.api(RESIDENT), w.category(ILLEGAL_BUILDING), 36.0611, 120.3836).await;
    assert_eq!(later["possible_duplicates"], json!([]));
    // Merging: not for residents, not into itself; the dispatcher merges the 30 m one.
    assert_eq!(w.api(INSPECTOR).post(&format!("/cases/{near_id}/merge"), json!({"into": master_id})).await.0, 403);
    assert_eq!(w.api(DISPATCHER).post(&format!("/cases/{near_id}/merge"), json!({"into": near_id})).await.0, 422);
    let (status, merged) = w.api(DISPATCHER).post(&format!("/cases/{near_id}/merge"), json!({"into": master_id})).await;
    assert_eq!(
        (status, merged["state"].as_str(), merged["merged_into"].as_i64()),
        (200, Some("voided"), Some(master_id))
    );
    // The inspector who filed the duplicate hears of the master's steps, under their own case.
    act(w.api(DISPATCHER), master_id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    let (_, inbox) = w.api(INSPECTOR).get("/me/notifications").await;
    let kinds: Vec<&str> = inbox.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["case.dispatched", "case.voided"]);
    assert!(inbox[0]["text"].as_str().unwrap().contains(&format!("案件 {near_id}")));
}

#[tokio::test]
async fn an_inspector_files_two_findings_on_a_patrol_and_the_log_keeps_them() {
    let w = World::for_cases().await;
    assert_eq!(w.api(RESIDENT).post("/patrols", json!({})).await.0, 403, "residents do not patrol");
    let (status, patrol) = w.api(INSPECTOR).post("/patrols", json!({})).await;
    assert_eq!(status, 201, "{patrol}");
    let id = patrol["id"].as_i64().unwrap();
    assert_eq!(w.api(INSPECTOR).post("/patrols", json!({})).await.0, 409, "one open patrol at a time");
    let (status, _) = w
        .api(INSPECTOR)
        .post(&format!("/patrols/{id}/points"), json!({"points": [[36.0611, 120.3836], [36.0615, 120.384]]}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(w.api(INSPECTOR).post(&format!("/patrols/{id}/points"), json!({"points": [[99.0, 0.0]]})).await.0, 422);
    for (description, lat) in [("占道经营的水果摊", 36.0612), ("墙上的小广告", 36.0625)] {
        let (status, c) = w
            .api(INSPECTOR)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": description, "lat": lat, "lng": 120.3836, "patrol_id": id, "community_id": w.community(YUNXIAOLU)}))
            .await;
        assert_eq!((status, c["source"].as_str(), c["patrol_id"].as_i64()), (201, Some("patrol"), Some(id)));
    }
    // Someone else's patrol is not a patrol to file on.
    assert_eq!(
        w.api(DISPATCHER)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "x", "patrol_id": id}))
            .await
            .0,
        409
    );
    w.app.clock.advance(chrono::Duration::minutes(95));
    let (status, ended) = w.api(INSPECTOR).post(&format!("/patrols/{id}/end"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!((ended["minutes"].as_i64(), ended["points"].as_i64()), (Some(95), Some(2)));
    assert_eq!(ended["cases"].as_array().unwrap().len(), 2);
    assert!(ended["ended_at"].as_i64().is_some());
    assert_eq!(w.api(INSPECTOR).post(&format!("/patrols/{id}/end"), json!({})).await.0, 409);
    assert_eq!(
        w.api(INSPECTOR)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "x", "patrol_id": id}))
            .await
            .0,
        409,
        "not on an ended patrol"
    );
    let (_, mine) = w.api(INSPECTOR).get("/me/patrols").await;
    assert_eq!(mine[0]["id"], id);
    assert_eq!(w.api(OTHER_HANDLER).get(&format!("/patrols/{id}")).await.0, 404);
}

#[tokio::test]
async fn district_admins_maintain_category_limits_and_the_calendar_that_deadlines_follow() {
    let w = World::for_cases().await;
    let admin = w.client(Person::new("13600009999", "区管理员").district_admin()).await;
    let category = format!("/case-categories/{}", w.category(ILLEGAL_BUILDING));
    let patch = |who: &Api, path: String, body: serde_json::Value| {
        let who = who.clone();
        async move { who.send(reqwest::Method::PATCH, &path, Some(body), None).await }
    };
    assert_eq!(patch(w.api(DISPATCHER), category.clone(), json!({"time_limit": "2d"})).await.0, 403);
    assert_eq!(patch(&admin, category.clone(), json!({"time_limit": "2 weeks"})).await.0, 422);
    assert_eq!(patch(&admin, category.clone(), json!({"time_limit": "1d"})).await.0, 204);
    let (_, all) = w.api(RESIDENT).get("/case-categories").await;
    let changed = all.as_array().unwrap().iter().find(|c| c["id"] == w.category(ILLEGAL_BUILDING)).unwrap().clone();
    assert_eq!((changed["time_limit"].as_str(), changed["photos_required"].as_bool()), (Some("1d"), Some(true)));
    // A six-day week, and Saturday 5 December a holiday after all.
    let week =
        json!({"periods": ["09:00-12:00", "13:30-17:30"], "weekdays": [true, true, true, true, true, true, false]});
    assert_eq!(w.api(DISPATCHER).send(reqwest::Method::PUT, "/work-calendar", Some(week.clone()), None).await.0, 403);
    let bad = json!({"periods": ["13:30-12:00"], "weekdays": [true, true, true, true, true, false, false]});
    assert_eq!(admin.send(reqwest::Method::PUT, "/work-calendar", Some(bad), None).await.0, 422);
    assert_eq!(admin.send(reqwest::Method::PUT, "/work-calendar", Some(week), None).await.0, 200);
    let day = json!({"kind": "holiday", "note": "测试"});
    assert_eq!(admin.send(reqwest::Method::PUT, "/work-calendar/days/2026-12-05", Some(day), None).await.0, 204);
    let (_, calendar) = w.api(DISPATCHER).get("/work-calendar").await;
    assert_eq!(calendar["holidays"], json!(["2026-12-05"]));
    // Friday 4 December 16:00 + one working day (7 h): Friday's 1.5 h, Saturday off, Monday 5.5 h.
    w.app.clock.advance(chrono::Duration::days(3) + chrono::Duration::hours(7));
    let (_, c) = w
        .api(RESIDENT)
        .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "违建", "community_id": w.community(YUNXIAOLU)}))
        .await;
    let id = c["id"].as_i64().unwrap();
    let (_, dispatched) =
        act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    assert_eq!(dispatched["deadline"], "2026-12-07T16:00:00+08:00");
    assert_eq!(admin.send(reqwest::Method::DELETE, "/work-calendar/days/2026-12-05", None, None).await.0, 204);
    let (_, calendar) = w.api(DISPATCHER).get("/work-calendar").await;
    assert_eq!(calendar["holidays"], json!([]));
}

#[tokio::test]
async fn statistics_count_closed_on_time_reworked_overdue_and_satisfaction_per_street_and_department() {
    let w = World::for_cases().await;
    let admin = w.client(Person::new("13600009998", "区管理员").district_admin()).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, c) = w
            .api(RESIDENT)
            .post("/cases", json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "违建", "community_id": w.community(YUNXIAOLU)}))
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    for id in &ids {
        act(w.api(DISPATCHER), *id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    }
    // One closed in time after a rework, rated; one closed late; one left open past its deadline.
    for step in ["report_handled"] {
        act(w.api(HANDLER), ids[0], json!({"action": step})).await;
    }
    act(w.api(INSPECTOR), ids[0], json!({"action": "check_fail", "note": "未清理干净"})).await;
    act(w.api(HANDLER), ids[0], json!({"action": "report_handled"})).await;
    act(w.api(INSPECTOR), ids[0], json!({"action": "check_pass"})).await;
    act(w.api(RESIDENT), ids[0], json!({"action": "rate", "rating": "satisfied"})).await;
    w.app.clock.advance(chrono::Duration::hours(8));
    act(w.api(HANDLER), ids[1], json!({"action": "report_handled"})).await;
    act(w.api(INSPECTOR), ids[1], json!({"action": "check_pass"})).await;
    act(w.api(RESIDENT), ids[1], json!({"action": "rate", "rating": "unsatisfied"})).await;
    let (status, by_department) = admin.get("/case-stats?by=department").await;
    assert_eq!(status, 200, "{by_department}");
    let row =
        by_department.as_array().unwrap().iter().find(|r| r["id"] == w.department(ENFORCEMENT).0).unwrap().clone();
    assert_eq!(
        (row["cases"].as_i64(), row["closed"].as_i64(), row["closed_on_time"].as_i64(), row["reworked"].as_i64()),
        (Some(3), Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (row["overdue"].as_i64(), row["satisfied"].as_i64(), row["rated"].as_i64()),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!((row["on_time_rate"].as_f64(), row["rework_rate"].as_f64()), (Some(0.5), Some(0.5)));
    assert!(row["average_hours"].as_f64().unwrap() > 3.9);
    // Street staff see their street only; a street with no cases has no rows; residents none at all.
    let (_, by_street) = w.api(OTHER_STREET_ADMIN).get("/case-stats?by=street").await;
    assert_eq!(by_street, json!([]));
    let (_, all_streets) = admin.get("/case-stats?by=street").await;
    assert_eq!(all_streets.as_array().unwrap().len(), 1);
    assert_eq!(w.api(RESIDENT).get("/case-stats?by=street").await.0, 403);
    assert_eq!(admin.get("/case-stats?by=street&from=tomorrow").await.0, 422);
    let (_, future) = admin.get("/case-stats?by=category&from=2027-01-01&to=2027-01-31").await;
    assert_eq!(future, json!([]));
}

#[tokio::test]
async fn the_reporter_reads_the_timeline_by_role_and_department_without_staff_user_ids() {
    let w = World::for_cases().await;
    let body = json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "人行道上私搭乱建的棚子", "community_id": w.community(YUNXIAOLU)});
    let (status, filed) = w.api(RESIDENT).post("/cases", body).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    for (who, body) in [
        (w.api(DISPATCHER), json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})),
        (w.api(HANDLER), json!({"action": "start_handling"})),
        (w.api(HANDLER), json!({"action": "comment", "note": "明天上午到现场"})),
        (w.api(HANDLER), json!({"action": "report_handled"})),
        (w.api(INSPECTOR), json!({"action": "check_pass"})),
    ] {
        let (status, moved) = act(who, id, body).await;
        assert_eq!(status, 200, "{moved}");
    }
    let timeline = |v: &serde_json::Value| v["timeline"].as_array().unwrap().clone();
    // Staff with a part in the case see who did what.
    let (_, seen) = w.api(DISPATCHER).get(&format!("/cases/{id}")).await;
    let actors: Vec<Option<i64>> = timeline(&seen).iter().map(|s| s["actor"].as_i64()).collect();
    assert!(actors.iter().all(Option::is_some), "{seen}");
    let reporter = actors[0];
    // The reporter: who acted as a role, the department by id; no staff member's user id.
    let (status, own) = w.api(RESIDENT).get(&format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    let steps = timeline(&own);
    let told: Vec<(&str, &str, Option<i64>, Option<i64>)> = steps
        .iter()
        .map(|s| {
            let (action, role) = (s["action"].as_str().unwrap(), s["actor_role"].as_str().unwrap());
            (action, role, s["actor"].as_i64(), s["actor_department_id"].as_i64())
        })
        .collect();
    let dept = Some(w.department(ENFORCEMENT).0);
    assert_eq!(
        told,
        [
            ("file", "reporter", reporter, None),
            ("dispatch", "dispatcher", None, None),
            ("start_handling", "handler", None, dept),
            ("comment", "handler", None, dept),
            ("report_handled", "handler", None, dept),
            ("check_pass", "inspector", None, None),
        ]
    );
    let text = own.to_string();
    for staff in &actors[1..] {
        assert!(!text.contains(&format!("\"actor\":{}", staff.unwrap())), "{text}");
    }
}

#[tokio::test]
async fn a_resident_filing_learns_only_of_public_reviewed_duplicates_and_never_anothers_id() {
    let w = World::for_cases().await;
    let begging = {
        let mut conn = w.app.state.db.conn().await.unwrap();
        store::categories(&mut conn).await.unwrap().into_iter().find(|c| c.code == "0502").unwrap()
    };
    assert!(!begging.public, "流浪乞讨 is not shown case by case");
    let neighbour = w.client(Person::new("13600008888", "邻居")).await;
    let file = |who: &Api, category: i64, (lat, lng): (f64, f64)| {
        let who = who.clone();
        async move {
            let body = json!({"category_id": category, "description": "楼下的问题", "lat": lat, "lng": lng});
            let (status, c) = who.post("/cases", body).await;
            assert_eq!(status, 201, "{c}");
            c
        }
    };
    // The resident's report, and one of a category the public does not see, side by side.
    let (there, here) = ((36.06137, 120.38362), (36.0615, 120.3835)); // about 18 m apart
    let first = file(w.api(RESIDENT), w.category(ILLEGAL_BUILDING), there).await["id"].as_i64().unwrap();
    let hidden = file(w.api(RESIDENT), begging.id, there).await["id"].as_i64().unwrap();
    // Nobody has looked at them yet: a neighbour filing next to them learns of neither.
    let filed = file(&neighbour, w.category(ILLEGAL_BUILDING), here).await;
    assert_eq!(filed["possible_duplicates"], json!([]), "{filed}");
    let mine = filed["id"].as_i64().unwrap();
    // Taken on by the dispatcher: the public case is told as the board shows it — no id, the
    // distance to its rounded position — the other category's still not at all.
    for id in [first, hidden] {
        assert_eq!(act(w.api(DISPATCHER), id, json!({"action": "accept"})).await.0, 200);
    }
    let filed = file(&neighbour, w.category(ILLEGAL_BUILDING), here).await;
    let told = filed["possible_duplicates"].as_array().unwrap().clone();
    // Their own earlier report by id, the resident's as the public sees it.
    assert_eq!(told, [json!({"id": null, "distance_m": 0}), json!({"id": mine, "distance_m": 0})], "{filed}");
    assert_eq!(file(&neighbour, begging.id, here).await["possible_duplicates"], json!([]));
    let text = filed.to_string();
    for id in [first, hidden] {
        assert!(!text.contains(&format!("\"id\":{id}")), "{text}");
    }
    // The reporter learns of their own report by id; the command centre, which merges, of all.
    let own = file(w.api(RESIDENT), begging.id, here).await;
    assert_eq!(own["possible_duplicates"][0], json!({"id": hidden, "distance_m": 18}));
    let staff = file(w.api(DISPATCHER), begging.id, here).await;
    let ids: Vec<i64> =
        staff["possible_duplicates"].as_array().unwrap().iter().filter_map(|d| d["id"].as_i64()).collect();
    assert!(ids.contains(&hidden) && ids.len() == 3, "{staff}");
}

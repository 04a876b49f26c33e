//! Importing check-ins: a GPX track's distance and moving time, the same track refused twice, a
//! jumping or too fast track held with the reason, a health app's CSV with a day outside the
//! window and a reviewed day, and the upload form on the challenge page (multipart, CSRF).

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;

/// 2026-12-01 07:00 in the district (23:00 UTC the day before): a morning walk today.
const MORNING_UTC: i64 = 1_796_079_600;
/// Metres per degree of latitude near 36° N, to lay out tracks.
const M_PER_DEG_LAT: f64 = 110_950.0;

/// A GPX document: `n` points northwards from 36° N, 120.38° E, `step_m` metres and `step_s`
/// seconds apart from `start` (Unix), with `jump` (after which point, how many metres) added.
fn gpx(n: usize, step_m: f64, step_s: i64, start: i64, jump: Option<(usize, f64)>) -> String {
    let mut lat = 36.0;
    let mut points = String::new();
    for i in 0..n {
        let at = Utc.timestamp_opt(start + i as i64 * step_s, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ");
        points.push_str(&format!(
            "<trkpt lat=\"{lat:.7}\" lon=\"120.3800000\"><ele>12.0</ele><time>{at}</time></trkpt>\n"
        ));
        lat += step_m / M_PER_DEG_LAT;
        if let Some((after, m)) = jump
            && after == i
        {
            lat += m / M_PER_DEG_LAT;
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"ejia tests\" \
         xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><name>晨走</name><trkseg>\n{points}</trkseg></trk></gpx>\n"
    )
}

/// 501 points 10 m and 7 s apart: 5 km in 58 minutes (5.1 km/h).
fn walk() -> String {
    gpx(501, 10.0, 7, MORNING_UTC, None)
}

/// Posts a GPX document to the API as `who`, with an idempotency key or none.
async fn post_gpx(w: &World, who: &str, id: i64, kind: &str, document: &str, key: Option<&str>) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(w.app.at(&format!("/api/v1/challenges/{id}/checkins/gpx?kind={kind}")))
        .bearer_auth(w.api(who).token())
        .header("content-type", "application/gpx+xml")
        .body(document.to_owned());
    if let Some(key) = key {
        r = r.header("idempotency-key", key);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Posts a CSV export to the API as the resident.
async fn post_csv(w: &World, id: i64, csv: &str) -> (u16, Value) {
    let (status, _, body) = w
        .api(RESIDENT)
        .raw(reqwest::Method::POST, &format!("/challenges/{id}/checkins/csv"), csv.as_bytes().to_vec())
        .await;
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn a_walk_track_counts_its_distance_and_moving_time_once() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let (status, c) = post_gpx(&w, RESIDENT, id, "walk", &walk(), Some("track-1")).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (c["status"].as_str(), c["day"].as_str(), c["minutes"].as_i64()),
        (Some("accepted"), Some(TODAY), Some(58))
    );
    assert!((c["km"].as_f64().unwrap() - 5.0).abs() <= 0.005, "{c}");
    // A retry with the same key answers the first; the same track without one is refused.
    let (status, again) = post_gpx(&w, RESIDENT, id, "walk", &walk(), Some("track-1")).await;
    assert_eq!((status, &again["id"]), (201, &c["id"]));
    let (status, problem) = post_gpx(&w, RESIDENT, id, "walk", &walk(), None).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("这条轨迹已经打过卡了"), "{problem}");
    assert!((progress(w.api(RESIDENT), id).await["km"].as_f64().unwrap() - 5.0).abs() <= 0.005);
    assert_eq!(w.app.count("challenge_checkins").await, 1);
    // Only the figures are kept: the source and the hash, no coordinates anywhere.
    let hashes = scalar(
        &w.app,
        "select count(*) from challenge_checkins where source = 'gpx' and track_hash is not null and length(track_hash) = 64",
    )
    .await;
    assert_eq!(hashes, 1);
}

#[tokio::test]
async fn a_jumping_or_too_fast_track_is_held_and_says_why() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    // The walk, with 600 m between two points 7 s apart (300 km/h) in the middle.
    let jumping = gpx(501, 10.0, 7, MORNING_UTC, Some((250, 600.0)));
    let (status, c) = post_gpx(&w, RESIDENT, id, "walk", &jumping, None).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!((c["status"].as_str(), c["reason_code"].as_str()), (Some("held"), Some("track_jumps")), "{c}");
    assert!(c["reason"].as_str().unwrap().contains("跳点"), "{c}");
    // A "walk" at 20 km/h (11 m every 2 s): no step long enough to jump, but too fast. Yesterday's.
    let fast = gpx(1_001, 11.0, 2, MORNING_UTC - 86_400, None);
    let (status, c) = post_gpx(&w, RESIDENT, id, "walk", &fast, None).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (c["day"].as_str(), c["status"].as_str(), c["reason_code"].as_str()),
        (Some(YESTERDAY), Some("held"), Some("speed"))
    );
    // The same as a run is plausible (and replaces nothing: another kind).
    let (status, c) = post_gpx(&w, RESIDENT, id, "run", &gpx(1_001, 11.0, 2, MORNING_UTC - 80_000, None), None).await;
    assert_eq!((status, c["status"].as_str()), (201, Some("accepted")), "{c}");
    assert!(
        (progress(w.api(RESIDENT), id).await["km"].as_f64().unwrap() - 11.0).abs() <= 0.01,
        "held tracks count nothing"
    );
}

#[tokio::test]
async fn files_that_are_no_track_are_refused_with_a_sentence() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let one_point = gpx(1, 10.0, 7, MORNING_UTC, None);
    for (document, words) in [("date,steps", "GPX"), ("", "GPX"), (one_point.as_str(), "两个轨迹点")] {
        let (status, problem) = post_gpx(&w, RESIDENT, id, "walk", document, None).await;
        assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("file")), "{problem}");
        assert!(problem.to_string().contains(words), "{problem}");
    }
    // A track from before yesterday: outside the window.
    let (status, problem) =
        post_gpx(&w, RESIDENT, id, "walk", &gpx(11, 10.0, 7, MORNING_UTC - 3 * 86_400, None), None).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("day")), "{problem}");
    assert_eq!(w.app.count("challenge_checkins").await, 0);
}

#[tokio::test]
async fn a_health_apps_steps_become_walks_and_other_days_are_skipped_with_why() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let csv = format!("\u{feff}日期,步数\n2026/11/25,9000\n{YESTERDAY},7000\n{TODAY},\"14,000\"\n");
    let (status, done) = post_csv(&w, id, &csv).await;
    assert_eq!(status, 200, "{done}");
    let items = done["items"].as_array().unwrap();
    let walks: Vec<_> =
        items.iter().map(|c| (c["day"].as_str(), c["kind"].as_str(), c["km"].as_f64(), c["steps"].as_i64())).collect();
    assert_eq!(
        walks,
        [(Some(YESTERDAY), Some("walk"), Some(5.0), Some(7000)), (Some(TODAY), Some("walk"), Some(10.0), Some(14000))]
    );
    assert_eq!(
        done["skipped"],
        json!([{ "row": 2, "day": "2026-11-25", "reason_code": "day_outside",
        "reason": "不在可以打卡的日期内（只能为今天或昨天打卡，组织者另有规定的除外，且须在活动日期之内）。" }])
    );
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 15.0);
    // An organiser reduces yesterday's walk; the same export again replaces today's and skips it.
    let review = format!("/checkins/{}/review", items[0]["id"]);
    let (status, _) =
        w.api(ORGANISER).post(&review, json!({ "decision": "reduce", "km": 4, "reason": "核对步数" })).await;
    assert_eq!(status, 200);
    let (status, again) = post_csv(&w, id, &csv.replace("14,000", "16800")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!((again["items"].as_array().unwrap().len(), again["items"][0]["km"].as_f64()), (1, Some(12.0)));
    let skipped: Vec<_> =
        again["skipped"].as_array().unwrap().iter().map(|s| s["reason_code"].as_str().unwrap()).collect();
    assert_eq!(skipped, ["day_outside", "reviewed"]);
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 16.0);
    assert_eq!(w.app.count("challenge_checkins").await, 2);
    // Not a CSV of steps at all.
    let (status, problem) = post_csv(&w, id, "name,phone\n张三,13700000000\n").await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("file")), "{problem}");
}

/// Posts the challenge page's import form as a browser does: multipart, the page's token first.
async fn upload(app: &TestApp, id: i64, csrf: &str, kind: &str, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()))
        .text("track_kind", kind.to_owned());
    let r = app.client.post(app.at(&format!("/challenges/{id}/import"))).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_challenge_page_imports_a_track_and_an_export_and_says_what_each_day_became() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/challenges/{id}")).await;
    assert!(page.contains(&format!("action=\"/challenges/{id}/import#form-errors\"")), "{page}");
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("导入运动轨迹（GPX）"));
    let csrf = csrf_in(&page);
    let (status, done) = upload(app, id, &csrf, "walk", "walk.gpx", walk().into_bytes()).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("导入结果") && done.contains("步行 5 公里") && done.contains("已计入"), "{done}");
    assert!(done.contains("这条轨迹算得 5 公里，移动用时 58 分钟"), "{done}");
    // The same track again: nothing checked in, and why.
    let (status, again) = upload(app, id, &csrf, "walk", "walk.gpx", walk().into_bytes()).await;
    assert_eq!(status, 422);
    assert!(again.contains("没有打卡") && again.contains("这条轨迹已经打过卡了"), "{again}");
    // An export (its name says nothing: the content does), yesterday's walk held over the cap.
    let csv = format!("date;steps\n{YESTERDAY};50000\n2026-11-01;100\n");
    let (status, done) = upload(app, id, &csrf, "walk", "export", csv.into_bytes()).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("待核实") && done.contains("每天的上限") && done.contains("第 3 行"), "{done}");
    // No file, or something unreadable: the form again, with the error at the top.
    let (status, form) = upload(app, id, &csrf, "run", "empty.gpx", Vec::new()).await;
    assert_eq!(status, 422);
    assert!(
        form.contains("id=\"form-errors\"") && form.contains("href=\"#f-file\"") && form.contains("请选择要导入的文件")
    );
    assert!(form.contains("<option value=\"run\" selected>"), "the kind chosen is kept");
    let (status, form) = upload(app, id, &csrf, "walk", "x.gpx", b"<html>no</html>".to_vec()).await;
    assert_eq!(status, 422);
    assert!(form.contains("这不是能读的 GPX 轨迹文件"), "{form}");
    // Without the page's token nothing is read.
    let (status, _) = upload(app, id, "forged", "walk", "walk.gpx", walk().into_bytes()).await;
    assert_eq!(status, 403);
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 5.0);
}

#[tokio::test]
async fn the_browser_journeys_walk_fixture_is_a_five_km_walk_of_today() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let fixture = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../e2e/fixtures/walk.gpx")).unwrap();
    let (status, c) = post_gpx(&w, RESIDENT, id, "walk", &fixture, None).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (c["day"].as_str(), c["status"].as_str(), c["minutes"].as_i64()),
        (Some(TODAY), Some("accepted"), Some(61))
    );
    assert!((c["km"].as_f64().unwrap() - 5.0).abs() <= 0.05, "{c}");
}

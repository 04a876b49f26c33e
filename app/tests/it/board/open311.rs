//! Open311 GeoReport v2: discovery, services, requests in JSON and XML, filters, and filing
//! with an API key — the spec's shapes and error format.

use ejia::authz::{Role, Scope};
use serde_json::Value;

use crate::helpers::*;

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let r = reqwest::get(app.at(&format!("/open311/v2{path}"))).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = reqwest::Client::new().post(app.at(&format!("/open311/v2{path}"))).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn services_and_discovery_follow_the_spec() {
    let app = TestApp::with_district().await;
    let (status, body) = get(&app, "/discovery.json").await;
    assert_eq!(status, 200);
    let d = json(&body);
    assert!(d["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    let (status, body) = get(&app, "/services.json").await;
    assert_eq!(status, 200);
    let services = json(&body);
    let first = &services[0];
    assert_eq!((first["service_code"].as_str(), first["service_name"].as_str()), (Some("0101"), Some("私搭乱建")));
    assert_eq!(
        (first["group"].as_str(), first["metadata"].as_bool(), first["type"].as_str()),
        (Some("市容环境"), Some(false), Some("realtime"))
    );
    assert!(services.as_array().unwrap().iter().all(|s| s["service_code"] != "0502"), "流浪乞讨 is not public");
    let (status, xml) = get(&app, "/services.xml").await;
    assert_eq!(status, 200);
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<service_code>0601</service_code>")
            && xml.contains("<group>扩展事件</group>")
    );
    let (status, body) = get(&app, "/services/0101.json").await;
    assert_eq!((status, json(&body)["attributes"].as_array().map(Vec::len)), (200, Some(0)));
    let (status, body) = get(&app, "/services/9999.json").await;
    assert_eq!((status, json(&body)[0]["code"].as_i64()), (404, Some(404)));
}

#[tokio::test]
async fn a_client_files_a_request_with_its_api_key_and_reads_it_back() {
    let app = TestApp::with_district().await;
    let user = app.user("13900001111", "王五", None, &[]).await;
    let key = ejia::accounts::credentials::create_api_token(&app.state, user, "open311").await.unwrap();
    // Errors in the spec's format.
    let (status, body) = post(&app, "/requests.json", &[("service_code", "0101"), ("description", "x")]).await;
    assert_eq!((status, json(&body)[0]["code"].as_i64()), (403, Some(403)));
    let (status, _) = post(&app, "/requests.json", &[("api_key", "nope"), ("service_code", "0101")]).await;
    assert_eq!(status, 403);
    let (status, body) =
        post(&app, "/requests.json", &[("api_key", &key), ("service_code", "0101"), ("description", "棚子")]).await;
    assert_eq!(status, 400, "a location is required");
    assert!(json(&body)[0]["description"].as_str().unwrap().contains("address_string"));
    let (status, xml) = post(
        &app,
        "/requests.xml",
        &[("api_key", &key), ("service_code", "7777"), ("lat", "36.06"), ("long", "120.38")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(xml.contains("<errors>") && xml.contains("<code>400</code>"));
    assert_eq!(app.count("cases").await, 0);
    // Filed with coordinates only; read back by id in JSON and XML.
    let (status, body) = post(
        &app,
        "/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "0101"),
            ("description", "人行道上的违建棚子"),
            ("lat", "36.0611"),
            ("long", "120.3836"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = json(&body)[0]["service_request_id"].as_str().unwrap().to_owned();
    let (status, body) = get(&app, &format!("/requests/{id}.json")).await;
    assert_eq!(status, 200);
    let r = &json(&body)[0];
    assert_eq!((r["status"].as_str(), r["service_code"].as_str()), (Some("open"), Some("0101")));
    assert_eq!(r["status_notes"], "已上报");
    assert_eq!(r["description"], Value::Null, "unreviewed text is not published");
    assert_eq!(
        (r["lat"].as_f64(), r["long"].as_f64(), r["address"].as_str()),
        (None, None, Some("")),
        "no public position before a dispatcher takes it on"
    );
    // The dispatcher accepts and dispatches it: the deadline and the department appear.
    let dispatcher = app.user("13900002222", "调度员", None, &[grant(Role::Dispatcher, Scope::District)]).await;
    let mut conn = app.state.db.conn().await.unwrap();
    let dispatcher = ejia::accounts::credentials::sessions::load_user(&mut conn, dispatcher).await.unwrap().unwrap();
    let departments = ejia::org::store::list_departments(&mut conn, 0, 100).await.unwrap();
    drop(conn);
    let enforcement = departments.iter().find(|d| d.name == "区综合行政执法局").unwrap().id;
    let act = ejia::cases::service::Act {
        action: ejia::cases::workflow::Action::Dispatch,
        department_id: Some(enforcement),
        note: String::new(),
        rating: None,
        merge_into: None,
    };
    ejia::cases::service::act(&app.state, &dispatcher, id.parse().unwrap(), act).await.unwrap();
    let (_, xml) = get(&app, &format!("/requests/{id}.xml")).await;
    assert!(xml.contains("<status>open</status>") && xml.contains("<status_notes>已派遣</status_notes>"), "{xml}");
    assert!(xml.contains("<agency_responsible>区综合行政执法局</agency_responsible>"));
    assert!(xml.contains("<expected_datetime>2026-12-01T14:30:00+08:00</expected_datetime>"));
    assert!(xml.contains("<description>人行道上的违建棚子</description>"));
    assert!(xml.contains("<lat>36.061</lat>") && xml.contains("<long>120.3835</long>"), "rounded to about 50 m");
    // Lists and their filters.
    let (_, body) = get(&app, "/requests.json?status=open&service_code=0101").await;
    assert_eq!(json(&body).as_array().unwrap().len(), 1);
    let (_, body) = get(&app, "/requests.json?status=closed").await;
    assert!(json(&body).as_array().unwrap().is_empty());
    let (_, body) = get(&app, "/requests.json?start_date=2026-12-02T00:00:00%2B08:00").await;
    assert!(json(&body).as_array().unwrap().is_empty(), "filed before the start date");
    let (status, body) = get(&app, "/requests.json?status=maybe").await;
    assert_eq!((status, json(&body)[0]["code"].as_i64()), (400, Some(400)));
    let (status, _) = get(&app, "/requests/999999.json").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn text_holding_u0000_is_refused_in_the_specs_format_and_changes_nothing() {
    let app = TestApp::with_district().await;
    let user = app.user("13900001111", "王五", None, &[]).await;
    let key = ejia::accounts::credentials::create_api_token(&app.state, user, "open311").await.unwrap();
    // PostgreSQL's text cannot hold U+0000: each of these was a 500 there.
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "0101"),
        ("description", "棚子\u{0}"),
        ("address_string", "云霄路"),
    ];
    let (status, body) = post(&app, "/requests.json", &form).await;
    assert_eq!((status, json(&body)[0]["code"].as_i64()), (400, Some(400)), "{body}");
    let (status, body) = get(&app, "/requests.json?service_code=01%0001").await;
    assert_eq!((status, json(&body)[0]["code"].as_i64()), (400, Some(400)), "{body}");
    let (status, xml) = get(&app, "/services/01%0001.xml").await;
    assert_eq!(status, 400);
    assert!(xml.contains("<errors>"), "{xml}");
    assert_eq!(app.count("cases").await, 0);
}

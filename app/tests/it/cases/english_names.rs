//! English names of reference data (issue 12 point 8): English pages name case categories and
//! departments in English — the case page, the staff queue, the report's tiles and search, the
//! public board with its filters — from `data/names_en.json`; the API reads and writes
//! `name_en`; a category without one falls back to its Chinese name, marked `lang="zh-CN"`.

use ejia::cases::store;
use serde_json::json;

use crate::helpers::*;
use case_cast::*;

/// 占道经营, a district addition.
const STALL: &str = "0601";

/// GET as this app's (logged-in) browser, in English.
async fn english(app: &TestApp, path: &str) -> String {
    let r = app.client.get(app.at(path)).header("accept-language", "en").send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// A stall case filed by the resident and dispatched to the law-enforcement bureau.
async fn dispatched_stall(w: &World) -> i64 {
    let id = w.case(STALL).description("门口的水果摊").in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    let (status, _) =
        act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    assert_eq!(status, 200);
    id
}

#[tokio::test]
async fn english_pages_name_categories_and_departments_in_english() {
    let w = World::for_cases().await;
    let id = dispatched_stall(&w).await;
    let app = &w.app;
    app.login(DISPATCHER).await;
    // The case page: its title, its department, the dispatch form's choices, the timeline.
    let page = english(app, &format!("/cases/{id}")).await;
    assert!(page.contains("<h1>Street vending on the pavement</h1>"), "{page}");
    assert!(page.contains("<dd>District Law Enforcement Bureau</dd>"));
    assert!(page.contains(">District Health Commission</option>") && !page.contains("区卫健局"));
    assert!(!page.contains("占道经营") && page.contains("门口的水果摊"), "the report stays as written");
    // The same page in Chinese is unchanged.
    let (_, zh) = app.page(&format!("/cases/{id}")).await;
    assert!(zh.contains("<h1>占道经营</h1>") && zh.contains("<dd>区综合行政执法局</dd>"));
    // The staff queue.
    let queue = english(app, "/manage/cases").await;
    assert!(queue.contains(">Street vending on the pavement</a>"), "{queue}");
    // The public board: its list, its filters, the case.
    let board = english(app, "/board").await;
    assert!(board.contains(">Street vending on the pavement</a></h3>"), "{board}");
    assert!(board.contains("<optgroup label=\"Street order\">") && board.contains(">Badly parked car</option>"));
    assert!(!board.contains("机动车乱停放") && !board.contains("街面秩序"));
    let case = english(app, &format!("/board/{id}")).await;
    assert!(
        case.contains("<h1>Street vending on the pavement</h1>") && case.contains("District Law Enforcement Bureau")
    );
}

#[tokio::test]
async fn the_report_tiles_and_search_speak_english_on_an_english_page() {
    let w = World::for_cases().await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let stall = w.category(STALL);
    let page = english(app, "/report").await;
    assert!(page.contains("<span>Street vending on the pavement</span>"), "the common tiles");
    assert!(page.contains(&format!("value=\"{stall}\">Street vending on the pavement</button>")), "{page}");
    assert!(!page.contains("私搭乱建") && page.contains(">Unauthorised structures</button>"));
    // The search finds a problem by its English name (and still by pinyin).
    for q in ["vending", "Street Vending", "zdjy"] {
        let found = english(app, &format!("/report?q={}", q.replace(' ', "+"))).await;
        assert!(found.contains(&format!("value=\"{stall}\"")), "{q}");
        assert!(!found.contains(">Badly parked car<"), "{q}: only what was found");
    }
    // The resident's own list.
    w.case(STALL).file(w.api(RESIDENT)).await;
    assert!(english(app, "/me/cases").await.contains(">Street vending on the pavement</a>"));
}

#[tokio::test]
async fn the_api_round_trips_english_names_and_a_category_without_one_falls_back_to_chinese() {
    let w = World::for_cases().await;
    let admin = w.client(Person::new("13600009999", "区管理员").district_admin()).await;
    let stall = w.category(STALL);
    let path = format!("/case-categories/{stall}");
    let patch = |body: serde_json::Value| admin.send(reqwest::Method::PATCH, &path, Some(body), None);
    let listed = |all: &serde_json::Value| all.as_array().unwrap().iter().find(|c| c["id"] == stall).unwrap().clone();
    let (_, all) = w.api(RESIDENT).get("/case-categories").await;
    assert_eq!(listed(&all)["name_en"], "Street vending on the pavement");
    assert_eq!(patch(json!({"name_en": "x\u{7}"})).await.0, 422);
    assert_eq!(patch(json!({"name_en": " Pavement stalls "})).await.0, 204);
    let (_, all) = w.api(RESIDENT).get("/case-categories").await;
    assert_eq!(
        (listed(&all)["name_en"].as_str(), listed(&all)["name"].as_str()),
        (Some("Pavement stalls"), Some("占道经营"))
    );
    // Cleared: null in the API, and English pages show the Chinese name marked as Chinese.
    assert_eq!(patch(json!({"name_en": ""})).await.0, 204);
    let (_, all) = w.api(RESIDENT).get("/case-categories").await;
    assert!(listed(&all)["name_en"].is_null());
    let id = dispatched_stall(&w).await;
    let board = english(&w.app, &format!("/board/{id}")).await;
    assert!(board.contains("<h1 lang=\"zh-CN\">占道经营</h1>"), "{board}");
    // The start's catch-up leaves a cleared name cleared; the audit log kept both changes.
    ejia::seed::names_en::fill(&mut w.app.state.db.conn().await.unwrap()).await.unwrap();
    let stored = store::category(&mut w.app.state.db.conn().await.unwrap(), stall).await.unwrap().unwrap();
    assert_eq!(stored.name_en.as_deref(), Some(""));
    let changes: Vec<String> = sqlx::query_scalar(
        "select after_json from audit_log where action = 'case_category.update' and object_id = $1 order by audit_id",
    )
    .bind(stall)
    .fetch_all(w.app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(changes.len(), 2);
    // A district seeded before English names (null) gets them on the next start.
    sqlx::query("update case_categories set name_en = null where code = '0101'")
        .execute(w.app.state.db.pool())
        .await
        .unwrap();
    sqlx::query("update departments set name_en = null").execute(w.app.state.db.pool()).await.unwrap();
    let filled = ejia::seed::names_en::fill(&mut w.app.state.db.conn().await.unwrap()).await.unwrap();
    assert_eq!(filled, 1 + 8, "0101 and the eight departments the file names");
    let illegal = store::category(&mut w.app.state.db.conn().await.unwrap(), w.category(ILLEGAL_BUILDING)).await;
    assert_eq!(illegal.unwrap().unwrap().name_en.as_deref(), Some("Unauthorised structures"));
    let (_, d) = w.api(DISPATCHER).get(&format!("/departments/{}", w.department(ENFORCEMENT).0)).await;
    assert_eq!(d["name_en"], "District Law Enforcement Bureau");
    assert!(changes[0].contains("\"name_en\":\"Pavement stalls\"") && changes[1].contains("\"name_en\":\"\""));
}

#[tokio::test]
async fn the_back_office_forms_edit_english_names() {
    let w = World::for_cases().await;
    let app = &w.app;
    app.login_district_admin().await;
    // A category.
    let edit = format!("/manage/case-categories/{}", w.category(STALL));
    let (_, form) = app.page(&edit).await;
    assert!(form.contains("id=\"f-name_en\"") && form.contains("value=\"Street vending on the pavement\""));
    let enforcement = w.department(ENFORCEMENT).to_string();
    let fields = [
        ("name_en", "Stalls on the pavement"),
        ("department_id", enforcement.as_str()),
        ("time_limit", "3"),
        ("time_limit_unit", "d"),
        ("public", "1"),
        ("active", "1"),
    ];
    assert_eq!(app.post(&edit, &fields).await.status(), 303);
    assert!(english(app, "/manage/case-categories").await.contains(">Stalls on the pavement</th>"));
    // A department, and a street office, which keeps its Chinese name on English pages.
    let department = format!("/manage/departments/{}", w.department(HEALTH));
    let (_, form) = app.page(&department).await;
    assert!(form.contains("id=\"f-name_en\"") && form.contains("value=\"District Health Commission\""));
    let fields = [("name", "区卫健局"), ("name_en", "Health Bureau"), ("kind", "district"), ("street_id", "")];
    assert_eq!(app.post(&department, &fields).await.status(), 303);
    let (_, d) = w.api(DISPATCHER).get(&format!("/departments/{}", w.department(HEALTH).0)).await;
    assert_eq!(d["name_en"], "Health Bureau");
}

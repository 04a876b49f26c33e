//! Search: Chinese words, single characters, street names, English and numbers are found,
//! phone numbers are not; a change to an activity shows in search at once; the reindex step.
//! The same tests run on PostgreSQL (`EJIA_TEST_DATABASE_URL`), so both engines answer alike.

mod quality;

use serde_json::{Value, json};

use crate::helpers::{HEALTH, ORGANISER, PUBLICITY, Person, World};

/// A district with an organiser of both 区委宣传部 and 区卫健局, two activities and a service.
async fn world() -> World {
    let w = World::district()
        .await
        .with([Person::new(ORGANISER, "组织者").organiser_of(PUBLICITY).organiser_of(HEALTH).api()])
        .await;
    w.event(
        ORGANISER,
        json!({"title": "学百年党史 聚市南力量：党史讲座", "kind": "lecture", "department_id": w.department(PUBLICITY),
            "description": "在八大峡街道社区党群服务中心，老党员讲述长征故事。报名电话13800138000，座机0532-88886666。"}),
    )
    .await;
    w.event(
        ORGANISER,
        json!({"title": "红色电影展播：《长津湖》", "kind": "film", "department_id": w.department(PUBLICITY),
            "description": "每周六晚在社区放映 <b>免费</b> & 无需报名。"}),
    )
    .await;
    w.service(
        ORGANISER,
        json!({"name": "新冠疫苗接种 第一剂", "department_id": w.department(HEALTH), "real_name_required": false,
            "description": "COVID-19 Vaccine, first dose. 香港中路街道社区卫生服务中心。"}),
    )
    .await;
    w
}

/// What an anonymous caller gets for `q` (and `extra` query parameters): status and body.
async fn search(w: &World, q: &str, extra: &str) -> (u16, Value) {
    let url = format!("/api/v1/search?q={}{extra}", form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
    let r = w.app.get(&url).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// The titles found for `q`, in order.
async fn titles(w: &World, q: &str) -> Vec<String> {
    let (status, body) = search(w, q, "").await;
    assert_eq!(status, 200, "{q}: {body}");
    body["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
}

const LECTURE: &str = "学百年党史 聚市南力量：党史讲座";
const FILM: &str = "红色电影展播：《长津湖》";
const VACCINE: &str = "新冠疫苗接种 第一剂";

#[tokio::test]
async fn words_characters_streets_and_english_are_found() {
    let w = world().await;
    for (q, expected) in [
        ("党史", vec![LECTURE]),
        ("长征", vec![LECTURE]),
        ("疫苗", vec![VACCINE]),
        ("长津湖", vec![FILM]),
        ("八大峡", vec![LECTURE]),
        ("八大峡街道", vec![LECTURE]),
        ("香港中路", vec![VACCINE]),
        ("峡", vec![LECTURE]),
        ("苗", vec![VACCINE]),
        ("vaccine", vec![VACCINE]),
        ("COVID 疫苗", vec![VACCINE]),
        ("疫苗Vaccine", vec![VACCINE]),
        ("讲座", vec![LECTURE]),
        ("Lecture", vec![LECTURE]),
        ("社区", vec![LECTURE, FILM, VACCINE]),
        ("党史 长津湖", vec![]),
        ("北京", vec![]),
        // The kind is in SQLite's index too (as a column of its own): never a match for a word.
        ("event", vec![]),
        ("service", vec![]),
        ("", vec![]),
        ("，。！", vec![]),
    ] {
        let mut found = titles(&w, q).await;
        let events = found.iter().filter(|t| [LECTURE, FILM].contains(&t.as_str())).count();
        found[..events].sort();
        assert_eq!(found, expected, "{q}");
    }
}

#[tokio::test]
async fn phone_numbers_are_not_found() {
    let w = world().await;
    for q in ["13800138000", "138-0013-8000", "0532-88886666", "88886666"] {
        assert_eq!(titles(&w, q).await, Vec::<String>::new(), "{q}");
    }
}

#[tokio::test]
async fn results_are_grouped_by_kind_with_marked_escaped_snippets() {
    let w = world().await;
    let (_, body) = search(&w, "长征", "").await;
    let item = &body["items"][0];
    assert_eq!(item["kind"], "event");
    assert!(item["url"].as_str().unwrap().starts_with("/events/"), "{item}");
    assert!(item["snippet"].as_str().unwrap().contains("<mark>长征</mark>"), "{item}");
    let (_, body) = search(&w, "免费", "").await;
    let snippet = body["items"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("每周六晚在社区放映 &lt;b&gt;<mark>免费</mark>&lt;/b&gt; &amp; 无需报名。"),
        "{snippet}"
    );
    let (_, body) = search(&w, "社区", "&kind=service").await;
    let kinds: Vec<&str> = body["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["service"]);
    let (_, body) = search(&w, "社区", "").await;
    let kinds: Vec<&str> = body["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["event", "event", "service"], "events before services");
    assert!(body.get("next_page").is_none(), "{body}");
}

#[tokio::test]
async fn the_api_refuses_what_it_cannot_read_and_a_bad_token() {
    let w = world().await;
    assert_eq!(search(&w, "党史", "&kind=news").await.0, 400);
    let none = w.app.get("/api/v1/search").await;
    assert_eq!(none.status().as_u16(), 200);
    assert_eq!(none.json::<Value>().await.unwrap(), json!({"items": []}), "no query, nothing found");
    let bad = reqwest::Client::new().get(w.app.at("/api/v1/search?q=x")).bearer_auth("nonsense").send().await.unwrap();
    assert_eq!(bad.status().as_u16(), 401);
    for q in [
        "\"",
        "'",
        "a\"b",
        "x OR y",
        "NEAR(a b)",
        "*",
        "²",
        "Ⅻ",
        "Straße ÄÖÜ",
        "١٢٣",
        "🙂",
        "\\",
        "a:b",
        "{chars}:x",
        "^党",
    ] {
        assert_eq!(search(&w, q, "").await.0, 200, "{q}: the query language is never the caller's");
    }
    let (status, body) = w.api(ORGANISER).get("/search?q=党史&page=99").await;
    assert_eq!(
        (status, body["items"].as_array().unwrap().len()),
        (200, 0),
        "a valid token is welcome; a far page is empty"
    );
}

#[tokio::test]
async fn a_cancelled_activity_leaves_search_at_once_and_members_only_ones_never_enter() {
    let (w, session) = World::with_lesson("党史微课：红船精神", 10).await;
    assert_eq!(titles(&w, "微课").await, ["党史微课：红船精神"]);
    let (status, body) = w
        .api(ORGANISER)
        .send(reqwest::Method::PATCH, &format!("/sessions/{session}"), Some(json!({"cancel": true})), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(titles(&w, "微课").await, Vec::<String>::new());

    let (w, _) = World::with_event(true).await;
    assert_eq!(titles(&w, "长津湖").await, Vec::<String>::new());
}

/// What an older segmenter left of the services: no terms (PostgreSQL matches from `tsv`,
/// SQLite from the rest).
async fn forget_services(db: &ejia::db::Db) {
    let blank = if crate::helpers::postgres_url().is_some() { ", tsv = ''" } else { "" };
    let sql = format!(
        "update search_documents set segmenter_version = 0, words = '', title_words = '', chars = ''{blank} where kind = 'service'"
    );
    sqlx::query(&sql).execute(db.pool()).await.unwrap();
}

#[tokio::test]
async fn a_starting_server_catches_up_with_what_an_older_index_left() {
    let w = world().await;
    forget_services(&w.app.state.db).await;
    assert_eq!(titles(&w, "疫苗").await, Vec::<String>::new());
    ejia::search::catch_up(w.app.state.db.clone(), 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while titles(&w, "疫苗").await != [VACCINE] {
        assert!(std::time::Instant::now() < deadline, "the service is found again in the background");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn reindex_segments_again_what_an_older_segmenter_indexed_and_all_fills_the_index() {
    let w = world().await;
    let db = &w.app.state.db;
    forget_services(db).await;
    assert_eq!(titles(&w, "疫苗").await, Vec::<String>::new(), "the words are gone");
    assert_eq!(ejia::search::reindex(db, false, 0).await.unwrap(), 1);
    assert_eq!(titles(&w, "疫苗").await, [VACCINE]);
    assert_eq!(ejia::search::reindex(db, false, 0).await.unwrap(), 0, "nothing stale is left");
    sqlx::query("delete from search_documents").execute(db.pool()).await.unwrap();
    assert_eq!(titles(&w, "社区").await, Vec::<String>::new());
    assert_eq!(ejia::search::reindex(db, true, 0).await.unwrap(), 3, "--all has every domain hand its documents in");
    assert_eq!(titles(&w, "社区").await.len(), 3);
}

#[tokio::test]
async fn a_public_case_is_found_once_accepted_and_leaves_when_voided() {
    use crate::helpers::case_cast::{DISPATCHER, RESIDENT};
    use crate::helpers::{ILLEGAL_BUILDING, act};
    let w = World::for_cases().await;
    let case =
        w.case(ILLEGAL_BUILDING).description("人行道上私搭乱建的棚子，电话13900001111").file(w.api(RESIDENT)).await;
    assert_eq!(titles(&w, "棚子").await, Vec::<String>::new(), "a report is not searchable before it is accepted");
    assert_eq!(act(w.api(DISPATCHER), case, json!({"action": "accept"})).await.0, 200);
    let (_, body) = search(&w, "棚子", "").await;
    assert_eq!(body["items"][0]["kind"], "case");
    assert_eq!(body["items"][0]["url"], format!("/board/{case}"));
    assert!(body["items"][0]["snippet"].as_str().unwrap().contains("<mark>棚子</mark>"), "{body}");
    assert_eq!(titles(&w, "13900001111").await, Vec::<String>::new());
    assert_eq!(act(w.api(DISPATCHER), case, json!({"action": "void", "note": "重复"})).await.0, 200);
    assert_eq!(titles(&w, "棚子").await, Vec::<String>::new(), "a voided case leaves at once");
}

#[tokio::test]
async fn the_search_page_groups_results_and_marks_matches_in_escaped_text() {
    let w = world().await;
    let (status, html) = w.app.page("/search?q=%E5%85%8D%E8%B4%B9").await; // 免费
    assert_eq!(status, 200);
    assert!(html.contains("<h2>活动</h2>"), "{html}");
    assert!(html.contains("&#60;b&#62;<mark>免费</mark>&#60;/b&#62;"), "{html}");
    assert!(html.contains("<a href=\"/events/"), "{html}");
    let (status, html) = w.app.page("/search?q=%E5%8C%97%E4%BA%AC").await; // 北京
    assert_eq!(status, 200);
    assert!(html.contains("没有找到"), "{html}");
    assert_eq!(w.app.page("/search").await.0, 200);
}

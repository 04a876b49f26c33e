//! The contract: every operation documents the answers its shape gives (`api::contract`), the API
//! gives exactly those, and rows carry what their schema requires. CI fuzzes the rest
//! (`e2e/openapi/`).

use serde_json::{Value, json};

use crate::helpers::case_cast::*;
use crate::helpers::*;

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

async fn document(app: &TestApp) -> Value {
    reqwest::get(app.at("/api/v1/openapi.json")).await.unwrap().json().await.unwrap()
}

fn statuses(operation: &Value) -> Vec<&str> {
    operation["responses"].as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn every_operation_documents_the_answers_its_shape_gives() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut missing = Vec::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            let has = statuses(op);
            let mut want = vec!["401", "408"];
            let security = op["security"].as_array().unwrap();
            assert!(security.iter().any(|r| r.get("bearer").is_some()), "{name}: every operation reads a token");
            let body = &op["requestBody"];
            if let Some(content) = body["content"].as_object() {
                want.push("413");
                if content.contains_key("application/json") {
                    want.push("400");
                    if body["required"] == true {
                        want.push("415");
                    }
                }
            }
            let places: Vec<&str> =
                op["parameters"].as_array().into_iter().flatten().filter_map(|p| p["in"].as_str()).collect();
            if places.iter().any(|p| *p == "query" || *p == "header") {
                want.push("400");
            }
            if places.contains(&"path") {
                want.push("404");
            }
            missing.extend(want.into_iter().filter(|s| !has.contains(s)).map(|s| format!("{name}: {s}")));
            // Every error answer is a problem, whoever documented it.
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(content.keys().collect::<Vec<_>>(), ["application/problem+json"], "{name} {status}");
                    let schema = &content["application/problem+json"]["schema"]["$ref"];
                    assert_eq!(schema, "#/components/schemas/Problem", "{name} {status}");
                }
            }
        }
    }
    assert!(operations > 60, "{operations} operations");
    assert!(missing.is_empty(), "undocumented generic answers: {missing:#?}");
    // A secured operation says a token is needed; a public one that a token is optional.
    assert_eq!(doc["paths"]["/me"]["get"]["security"], json!([{"bearer": []}]));
    assert_eq!(doc["paths"]["/streets"]["get"]["security"], json!([{}, {"bearer": []}]));
}

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    assert_eq!(r.headers()["content-type"], "application/problem+json", "{status}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], status);
    (status, body)
}

#[tokio::test]
async fn the_api_gives_the_generic_answers_the_document_promises() {
    let app = TestApp::with_district().await;
    let user = app.user("13911112222", "张三", None, &[]).await;
    let token = ejia::accounts::credentials::create_api_token(&app.state, user, "test").await.unwrap();
    let client = reqwest::Client::new();
    let people = app.at("/api/v1/me/people");
    let post = |body: reqwest::Body, ct: Option<&str>| {
        let mut req = client.post(&people).bearer_auth(&token).header("accept-language", "en").body(body);
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        req.send()
    };

    // A body that is not JSON, or not of the shape: 400. Sent as another type: 415. Too large: 413.
    let (status, p) = problem(post("{\"name\":".into(), Some("application/json")).await.unwrap()).await;
    assert_eq!(
        (status, p["detail"].as_str()),
        (400, Some("The request body is not valid JSON or has fields of the wrong type."))
    );
    assert_eq!(problem(post("{\"name\": 1}".into(), Some("application/json")).await.unwrap()).await.0, 400);
    let (status, p) = problem(post("{}".into(), Some("text/plain")).await.unwrap()).await;
    assert_eq!(status, 415);
    assert!(p["detail"].as_str().unwrap().contains("application/json"), "{p}");
    assert_eq!(problem(post("{}".into(), None).await.unwrap()).await.0, 415);
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(app.state.config.max_body_bytes));
    assert_eq!(problem(post(huge.into(), Some("application/json")).await.unwrap()).await.0, 413);

    // A parameter that cannot be read: 400; an id that cannot be: 404.
    assert_eq!(problem(client.get(app.at("/api/v1/streets?limit=many")).send().await.unwrap()).await.0, 400);
    assert_eq!(problem(client.get(app.at("/api/v1/streets/abc")).send().await.unwrap()).await.0, 404);

    // A token that is sent must be valid, even where none is needed; one that is, is taken.
    for public in ["/api/v1/streets", "/api/v1/assist-items", "/api/v1/case-categories"] {
        let r = client.get(app.at(public)).bearer_auth("ejia_nope").send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        assert_eq!(problem(r).await.0, 401, "{public}");
        assert_eq!(client.get(app.at(public)).send().await.unwrap().status(), 200, "{public}");
        assert_eq!(client.get(app.at(public)).bearer_auth(&token).send().await.unwrap().status(), 200, "{public}");
    }
    // PostgreSQL's text cannot hold U+0000: refused at the edge on either engine (was a 500 there).
    let r = client.post(app.at("/api/v1/me/tokens")).bearer_auth(&token).json(&json!({"label": "a\u{0}b"}));
    assert_eq!(problem(r.send().await.unwrap()).await.0, 400);
    let r = client.get(app.at("/api/v1/communities?cursor=%00")).bearer_auth(&token);
    assert_eq!(problem(r.send().await.unwrap()).await.0, 400);
    assert_eq!(app.post("/login", &[("phone", "1\u{0}"), ("password", "x")]).await.status(), 400, "a site form too");
    assert_eq!(app.count("api_tokens").await, 1);

    // The document itself is never refused.
    let r = client.get(app.at("/api/v1/openapi.json")).bearer_auth("ejia_nope").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// The names of the properties a schema requires, following `$ref` and `allOf`.
fn required(doc: &Value, schema: &Value) -> Vec<String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return required(doc, &doc["components"]["schemas"][name]);
    }
    let mut out: Vec<String> =
        schema["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        out.extend(required(doc, part));
    }
    out
}

/// Two types named `Row` once shared one schema, so `/case-stats` promised the assistance list's
/// `item_id`, `enterprise` and `state`. Each list now has its own schema, and its rows carry it.
#[tokio::test]
async fn list_rows_carry_every_field_their_schema_requires() {
    let w = World::for_cases().await;
    let doc = document(&w.app).await;
    w.case(ILLEGAL_BUILDING).description("人行道上私搭乱建的棚子").in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    for (path, schema) in [("/case-stats", "CaseStatsRow"), ("/assist-cases", "AssistCaseRow")] {
        let items = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"];
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
        let want = required(&doc, items);
        assert!(want.iter().any(|k| k == if path == "/case-stats" { "closed" } else { "item_id" }), "{path}: {want:?}");
        if path == "/case-stats" {
            let (status, rows) = w.api(DISPATCHER).get("/case-stats?by=street").await;
            assert_eq!(status, 200, "{rows}");
            let rows = rows.as_array().unwrap();
            assert!(!rows.is_empty(), "the case's street has a row");
            for row in rows {
                let lacking: Vec<&String> = want.iter().filter(|k| row.get(k.as_str()).is_none()).collect();
                assert!(lacking.is_empty(), "{path} rows lack {lacking:?}: {row}");
            }
        }
    }
}

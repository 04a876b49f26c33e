//! The JSON API: bearer tokens, problem+json, cursor pagination, the OpenAPI document.

use ejia::authz::{Role, Scope};
use serde_json::Value;

use crate::helpers::*;

async fn json(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ct, r.json().await.unwrap())
}

#[tokio::test]
async fn a_token_reads_me_and_bad_tokens_get_problems() {
    let app = TestApp::with_district().await;
    let street = app.street(XIANGGANG_ZHONGLU).await;
    let user = app.user("13911112222", "张三", None, &[grant(Role::StreetAdmin, Scope::Street(street))]).await;
    let token = ejia::accounts::credentials::create_api_token(&app.state, user, "test").await.unwrap();
    let client = reqwest::Client::new();
    let (status, _, me) = json(client.get(app.at("/api/v1/me")).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(me["display_name"], "张三");
    assert_eq!(me["phone_masked"], "139****2222");
    assert!(
        me["roles"].as_array().unwrap().iter().any(|g| g["role"] == "street_admin" && g["scope"]["kind"] == "street")
    );
    for auth in [None, Some("Bearer ejia_nope"), Some("Basic abc")] {
        let mut req = client.get(app.at("/api/v1/me")).header("accept-language", "en");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let (status, ct, problem) = json(req.send().await.unwrap()).await;
        assert_eq!(status, 401);
        assert_eq!(ct, "application/problem+json");
        assert_eq!(problem["status"], 401);
        assert_eq!(problem["title"], "Please log in");
    }
    // Tokens are stored hashed.
    assert_eq!(app.count("api_tokens").await, 1);
    let mut conn = app.state.db.conn().await.unwrap();
    let stored: String = sqlx::query_scalar("select token_hash from api_tokens").fetch_one(&mut *conn).await.unwrap();
    assert_ne!(stored, token);
}

#[tokio::test]
async fn api_posts_need_no_csrf_token_but_site_cookies_do_not_authenticate_the_api() {
    let app = TestApp::spawn().await;
    app.user("13911112222", "张三", None, &[]).await;
    app.login("13911112222").await;
    // The logged-in browser's cookies are not an API credential.
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
    // An unknown API POST gets a problem, not a CSRF page.
    let r = app.client.post(app.at("/api/v1/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn lists_page_with_cursors_and_filter() {
    let app = TestApp::with_district().await;
    let client = reqwest::Client::new();
    let mut seen = Vec::new();
    let mut url = app.at("/api/v1/communities?limit=7");
    loop {
        let (status, _, page) = json(client.get(&url).send().await.unwrap()).await;
        assert_eq!(status, 200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => url = app.at(&format!("/api/v1/communities?limit=7&cursor={c}")),
            None => break,
        }
    }
    assert_eq!(seen.len(), 50);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 50, "no item twice");
    let street = app.street(BADAXIA).await;
    let (_, _, page) =
        json(client.get(app.at(&format!("/api/v1/communities?street_id={street}"))).send().await.unwrap()).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 6);
    let (_, _, venues) =
        json(client.get(app.at("/api/v1/venues?kind=practice_station&limit=200")).send().await.unwrap()).await;
    assert_eq!(venues["items"].as_array().unwrap().len(), 50);
    let (status, ct, problem) = json(client.get(app.at("/api/v1/venues?cursor=forged")).send().await.unwrap()).await;
    assert_eq!((status, ct.as_str()), (400, "application/problem+json"));
    assert_eq!(problem["detail"], "分页游标无效。");
    let (status, _, _) = json(client.get(app.at("/api/v1/departments/999999")).send().await.unwrap()).await;
    assert_eq!(status, 404);
    let (status, _, d) = json(client.get(app.at("/api/v1/departments/1")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(d["name"], "区委宣传部");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::spawn().await;
    let (status, _, doc) = json(reqwest::get(app.at("/api/v1/openapi.json")).await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    // The router is built from the same annotated handlers, so a route cannot exist without
    // its documentation; this checks the fixed contract is all there, with its methods.
    let contract = [
        ("get", "/me"),
        ("get", "/streets"),
        ("get", "/streets/{id}"),
        ("get", "/communities"),
        ("get", "/communities/{id}"),
        ("get", "/venues"),
        ("get", "/venues/{id}"),
        ("get", "/departments"),
        ("get", "/departments/{id}"),
        ("get", "/services"),
        ("post", "/services"),
        ("post", "/services/{id}/slots"),
        ("get", "/services/{id}/slots"),
        ("post", "/slots/{id}/bookings"),
        ("delete", "/bookings/{id}"),
        ("get", "/me/bookings"),
        ("post", "/me/people"),
    ];
    for (method, path) in contract {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} missing from the document");
    }
    // Every documented GET answers (nothing documented but missing).
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let url = app.at(&format!("/api/v1{}", path.replace("{id}", "1")));
        let s = reqwest::get(url).await.unwrap().status().as_u16();
        assert!(s == 200 || s == 401 || s == 404, "{path}: {s}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn every_schema_the_openapi_document_refers_to_is_in_it() {
    let app = TestApp::spawn().await;
    let (_, _, doc) = json(reqwest::get(app.at("/api/v1/openapi.json")).await.unwrap()).await;
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "the document refers to its schemas");
    let missing: Vec<&String> = all
        .iter()
        .filter(|r| {
            let name = r.trim_start_matches("#/components/schemas/");
            !doc["components"]["schemas"][name].is_object()
        })
        .collect();
    assert!(missing.is_empty(), "dangling references: {missing:?}");
}

#[tokio::test]
async fn every_operation_has_its_own_id() {
    // Client generators name their methods after operation ids, and OpenAPI requires them
    // unique: two domains' handlers of one name (`put_cover`) would collide.
    let app = TestApp::spawn().await;
    let (_, _, doc) = json(reqwest::get(app.at("/api/v1/openapi.json")).await.unwrap()).await;
    let mut seen = std::collections::BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str() {
                let at = format!("{method} {path}");
                if let Some(first) = seen.insert(id.to_owned(), at.clone()) {
                    panic!("operation id {id} is used by {first} and {at}");
                }
            }
        }
    }
    assert!(seen.len() > 50, "the document names its operations");
}

//! News: the article workflow and its four eyes over the API (who may write, send for review,
//! publish, withdraw — by role and by place), scheduled publishing with the clock and across two
//! instances (published once), sanitising from Markdown to the served HTML, corrections with
//! their history, topics and the public list; the site's pages, the back office's forms and
//! the Atom feeds.

mod authoring;
mod feeds;
mod manage;
mod pages;
mod publishing;
mod searching;
mod workflow;

use serde_json::{Value, json};

use crate::helpers::*;

/// The newsroom and the people around it, by phone number.
pub const EDITOR: &str = "13500000001";
pub const OTHER_EDITOR: &str = "13500000002";
pub const STREET_ADMIN: &str = "13500000003";
pub const OTHER_STREET_ADMIN: &str = "13500000004";
pub const RESIDENT: &str = "13500000005";
pub const DISTRICT_ADMIN: &str = "13500000006";

/// Shinan with two editors (one of the district, one of 区委宣传部), the admins of 香港中路 and
/// 八大峡 streets, a district admin and a resident, each with an API client.
pub async fn newsroom() -> World {
    use ejia::authz::Role;
    World::district()
        .await
        .with([
            Person::new(EDITOR, "编辑甲").grant(Role::Editor, At::District).api(),
            Person::new(OTHER_EDITOR, "编辑乙").grant(Role::Editor, At::Department(PUBLICITY)).api(),
            Person::new(STREET_ADMIN, "香港中路管理员").street_admin_of(XIANGGANG_ZHONGLU).api(),
            Person::new(OTHER_STREET_ADMIN, "八大峡管理员").street_admin_of(BADAXIA).api(),
            Person::new(RESIDENT, "居民").api(),
            Person::new(DISTRICT_ADMIN, "区管理员").district_admin().api(),
        ])
        .await
}

/// Drafts an article as `by` (extra fields merged into the body); its id.
pub async fn draft(by: &Api, extra: Value) -> i64 {
    let mut body = json!({"title": "学百年党史 聚市南力量", "summary": "讲座回顾", "body_markdown": "**红色**故事会在八大峡举行。"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let (status, article) = by.post("/articles", body).await;
    assert_eq!(status, 201, "{article}");
    assert_eq!(article["state"], "draft");
    article["id"].as_i64().unwrap()
}

/// Moves an article as `by`: (status, body).
pub async fn step(by: &Api, id: i64, body: Value) -> (u16, Value) {
    by.post(&format!("/articles/{id}/transitions"), body).await
}

/// GET without a token: (status, body).
pub async fn public(app: &TestApp, path: &str) -> (u16, Value) {
    let r = reqwest::get(app.at(&format!("/api/v1{path}"))).await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Drafts as the editor and publishes as the other editor: the four eyes' shortest path.
pub async fn published(w: &World, extra: Value) -> i64 {
    let id = draft(w.api(EDITOR), extra).await;
    assert_eq!(step(w.api(EDITOR), id, json!({"to": "review"})).await.0, 200);
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await.0, 200);
    id
}

/// A topic made by the editor; its id.
pub async fn topic(w: &World, title: &str) -> i64 {
    let (status, topic) = w.api(EDITOR).post("/topics", json!({"title": title, "description": "专题介绍"})).await;
    assert_eq!(status, 201, "{topic}");
    topic["id"].as_i64().unwrap()
}

/// Corrects an article's body as the other editor.
pub async fn correct(w: &World, id: i64, body: &str) {
    let (status, out) = w
        .api(OTHER_EDITOR)
        .send(reqwest::Method::PATCH, &format!("/articles/{id}"), Some(json!({"body_markdown": body})), None)
        .await;
    assert_eq!(status, 200, "{out}");
}

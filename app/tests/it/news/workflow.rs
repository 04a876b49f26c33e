//! The workflow and four eyes over the API, topics and the public list.

use serde_json::json;

use super::*;

#[tokio::test]
async fn an_article_goes_from_draft_to_review_to_published_by_a_second_pair_of_eyes() {
    let w = newsroom().await;
    let (status, _) = w.api(RESIDENT).post("/articles", json!({"title": "x", "body_markdown": "y"})).await;
    assert_eq!(status, 403, "a resident writes no news");
    let id = draft(w.api(EDITOR), json!({})).await;
    for (who, expected) in [(RESIDENT, 404), (OTHER_STREET_ADMIN, 404), (OTHER_EDITOR, 200)] {
        assert_eq!(w.api(who).get(&format!("/articles/{id}")).await.0, expected, "{who} reading a draft");
    }
    assert_eq!(public(&w.app, &format!("/articles/{id}")).await.0, 404, "a draft is not public");

    assert_eq!(step(w.api(EDITOR), id, json!({"to": "published"})).await.0, 409, "no publishing a draft");
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "review"})).await.0, 403, "the author sends it");
    let (status, sent) = step(w.api(EDITOR), id, json!({"to": "review"})).await;
    assert_eq!((status, sent["state"].as_str()), (200, Some("review")), "{sent}");
    assert_eq!(step(w.api(EDITOR), id, json!({"to": "published"})).await.0, 403, "four eyes: not the author");
    assert_eq!(
        step(w.api(STREET_ADMIN), id, json!({"to": "published"})).await.0,
        403,
        "a street's admin, not the district's"
    );
    assert_eq!(step(w.api(RESIDENT), id, json!({"to": "published"})).await.0, 403);
    let (status, back) = step(w.api(OTHER_EDITOR), id, json!({"to": "draft"})).await;
    assert_eq!((status, back["state"].as_str()), (200, Some("draft")), "the reviewer sends it back");
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    let (status, published) = step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await;
    assert_eq!((status, published["state"].as_str()), (200, Some("published")), "{published}");
    assert!(published["published_at"].as_str().is_some_and(|t| t.starts_with("2026-12-01")), "{published}");

    let (status, read) = public(&w.app, &format!("/articles/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(read["html"], "<p><strong>红色</strong>故事会在八大峡举行。</p>\n");
    for field in ["id", "title", "summary", "html", "state", "published_at", "topic_ids"] {
        assert!(read.get(field).is_some(), "{field} missing from {read}");
    }
    let (_, list) = public(&w.app, "/articles").await;
    assert_eq!(list["items"][0]["id"], id);

    let audit: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where object_kind = 'article' and object_id = $1 order by audit_id",
    )
    .bind(id)
    .fetch_all(w.app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        audit,
        ["article.create", "article.review", "article.draft", "article.review", "article.publish"],
        "each step, who and when, in the log"
    );
    // The log's page words each step and names its author, never "other".
    w.app.login(DISTRICT_ADMIN).await;
    let (_, log) = w.app.page("/manage/audit").await;
    // The entries only: the action filter's options name every action too.
    let log = log.split("id=\"audit-entries\"").nth(1).unwrap();
    for words in ["起草文章", "送审", "退回草稿", "发布", &format!("文章 #{id}"), "编辑甲", "编辑乙"]
    {
        assert!(log.contains(words), "{words} missing from the audit page");
    }
    assert!(!log.contains("其他操作"), "no step of the newsroom reads as other");

    let (status, withdrawn) = step(w.api(EDITOR), id, json!({"to": "withdrawn"})).await;
    assert_eq!((status, withdrawn["state"].as_str()), (200, Some("withdrawn")));
    assert_eq!(public(&w.app, &format!("/articles/{id}")).await.0, 404, "withdrawn: gone from the public");
    assert_eq!(public(&w.app, "/articles").await.1["items"], json!([]));
    let (status, _) = w
        .api(EDITOR)
        .send(reqwest::Method::PATCH, &format!("/articles/{id}"), Some(json!({"title": "新"})), None)
        .await;
    assert_eq!(status, 409, "a withdrawn article is closed");
}

#[tokio::test]
async fn a_street_admin_publishes_their_streets_articles_only() {
    let w = newsroom().await;
    let street = w.street(XIANGGANG_ZHONGLU);
    let (status, _) = w
        .api(STREET_ADMIN)
        .post("/articles", json!({"title": "x", "body_markdown": "y", "street_id": w.street(BADAXIA)}))
        .await;
    assert_eq!(status, 403, "not for another street");
    assert_eq!(
        w.api(STREET_ADMIN).post("/articles", json!({"title": "x", "body_markdown": "y"})).await.0,
        403,
        "nor the district"
    );

    let id = draft(w.api(EDITOR), json!({"street_id": street})).await;
    step(w.api(EDITOR), id, json!({"to": "review"})).await;
    assert_eq!(step(w.api(OTHER_STREET_ADMIN), id, json!({"to": "published"})).await.0, 403, "another street's admin");
    let (status, published) = step(w.api(STREET_ADMIN), id, json!({"to": "published"})).await;
    assert_eq!((status, published["state"].as_str()), (200, Some("published")), "{published}");
    assert_eq!(published["street_id"], json!(street));

    // The street admin's own article: a colleague publishes it, the district's admin for one.
    let own = draft(w.api(STREET_ADMIN), json!({"street_id": street})).await;
    step(w.api(STREET_ADMIN), own, json!({"to": "review"})).await;
    assert_eq!(step(w.api(STREET_ADMIN), own, json!({"to": "published"})).await.0, 403);
    assert_eq!(step(w.api(DISTRICT_ADMIN), own, json!({"to": "published"})).await.0, 200);
}

#[tokio::test]
async fn topics_gather_articles_and_the_list_filters_and_pages() {
    let w = newsroom().await;
    assert_eq!(w.api(STREET_ADMIN).post("/topics", json!({"title": "专题", "description": ""})).await.0, 403);
    assert_eq!(w.api(EDITOR).post("/topics", json!({"title": " ", "description": ""})).await.0, 422);
    let (status, topic) =
        w.api(EDITOR).post("/topics", json!({"title": "学百年党史 聚市南力量", "description": "专题"})).await;
    assert_eq!(status, 201, "{topic}");
    let topic = topic["id"].as_i64().unwrap();
    assert_eq!(public(&w.app, "/topics").await.1[0]["title"], "学百年党史 聚市南力量");
    let (status, bad) =
        w.api(EDITOR).post("/articles", json!({"title": "x", "body_markdown": "y", "topic_ids": [topic + 99]})).await;
    assert_eq!((status, bad["errors"][0]["field"].as_str()), (422, Some("topic_ids")), "{bad}");

    let badaxia = w.street(BADAXIA);
    let mut ids = Vec::new();
    for extra in [json!({"topic_ids": [topic]}), json!({"street_ids": [badaxia]}), json!({"topic_ids": [topic, topic]})]
    {
        let id = draft(w.api(EDITOR), extra).await;
        step(w.api(EDITOR), id, json!({"to": "review"})).await;
        step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await;
        ids.push(id);
    }
    let ids_of =
        |v: &Value| v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids_of(&public(&w.app, &format!("/articles?topic_id={topic}")).await.1), [ids[2], ids[0]]);
    assert_eq!(ids_of(&public(&w.app, &format!("/articles?street_id={badaxia}")).await.1), [ids[1]]);
    assert_eq!(public(&w.app, &format!("/articles/{}", ids[2])).await.1["topic_ids"], json!([topic]));

    let (_, first) = public(&w.app, "/articles?limit=2").await;
    assert_eq!(ids_of(&first), [ids[2], ids[1]], "newest first");
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = public(&w.app, &format!("/articles?limit=2&cursor={cursor}")).await;
    assert_eq!(ids_of(&second), [ids[0]]);
    assert!(second["next_cursor"].is_null());
}

//! The activity's own form in the back office: a preview shows the text as residents will read
//! it and saves nothing; saving an edit changes the public page, says so, and is audited; an
//! organiser of another department cannot open or post the form.

use crate::helpers::*;

const ORGANISER: &str = "13700000008";
const OTHER: &str = "13700000009";

#[tokio::test]
async fn organisers_preview_and_edit_their_activity_and_no_one_else_can() {
    let w = World::district()
        .await
        .with([
            Person::new(ORGANISER, "宣传部组织者").organiser_of(PUBLICITY),
            Person::new(OTHER, "卫健局组织者").organiser_of(HEALTH),
        ])
        .await;
    let app = &w.app;
    let publicity = w.department(PUBLICITY).0.to_string();
    app.login(ORGANISER).await;

    // A preview on the new form: the text framed as residents see it, nothing created.
    let fields = [("title", "周六观影"), ("kind", "film"), ("department_id", publicity.as_str())];
    let mut preview = fields.to_vec();
    preview.extend([("description", "第一段。\n\n请带身份证。"), ("_preview", "1")]);
    let r = app.post("/manage/events/new", &preview).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("预览：居民看到的样子"), "{page}");
    assert!(page.contains("<p class=\"description\">第一段。\n\n请带身份证。</p>"), "{page}");
    assert!(page.contains(">第一段。\n\n请带身份证。</textarea>"), "what was typed is kept in the form");
    let events: i64 = sqlx::query_scalar("select count(*) from events").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(events, 0, "a preview creates nothing");

    let r = app.post("/manage/events/new", &fields).await;
    assert_eq!(r.status(), 303);
    let admin = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = admin.rsplit('/').next().unwrap().parse().unwrap();
    let (_, page) = app.page(&admin).await;
    assert!(page.contains("活动信息已保存。"), "the organiser is told");
    assert!(page.contains(&format!("href=\"/manage/events/{id}/edit\"")), "the admin page links to the form");

    // The edit form starts from what is saved; a preview of a change does not save it.
    let edit = format!("/manage/events/{id}/edit");
    let (status, form) = app.page(&edit).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"周六观影\""), "{form}");
    let changed = [
        ("title", "周六红色观影"),
        ("kind", "film"),
        ("department_id", publicity.as_str()),
        ("description", "放映《闪闪的红星》。"),
    ];
    let mut preview = changed.to_vec();
    preview.push(("_preview", "1"));
    assert_eq!(app.post(&edit, &preview).await.status(), 200);
    let (_, public) = app.page(&format!("/events/{id}")).await;
    assert!(!public.contains("周六红色观影"), "a preview saves nothing");

    // A mistake is summarised and nothing changes.
    let r = app.post(&edit, &[("title", ""), ("kind", "film"), ("department_id", publicity.as_str())]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"form-errors\""));

    let r = app.post(&edit, &changed).await;
    assert_eq!(r.status(), 303);
    let (_, public) = app.page(&format!("/events/{id}")).await;
    assert!(public.contains("周六红色观影") && public.contains("放映《闪闪的红星》。"), "{public}");
    let audit: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where object_kind = 'event' and object_id = $1 order by audit_id",
    )
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(audit, ["event.create", "event.update"]);

    // Another department's organiser: not found, and a post changes nothing.
    app.post("/logout", &[]).await;
    app.login(OTHER).await;
    assert_eq!(app.get(&edit).await.status(), 404);
    let r = app.post(&edit, &[("title", "改掉"), ("kind", "film"), ("department_id", publicity.as_str())]).await;
    assert_eq!(r.status(), 404);
    let (_, public) = app.page(&format!("/events/{id}")).await;
    assert!(public.contains("周六红色观影"));
}

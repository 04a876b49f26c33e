//! The newsroom's authoring: covers and body images with their alt text (none without), topic
//! columns with banner and ordered sections and the activities attached to them, related
//! activities and public cases, street and community tags, and "most read this week" from
//! read counts kept in memory and written by the job.

use std::io::Cursor;

use reqwest::Method;

use super::*;

/// A photo-sized PNG; `shade` makes it differ (identical uploads are stored once).
fn picture(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, shade]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn put_cover(w: &World, id: i64, query: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .put(w.app.at(&format!("/api/v1/articles/{id}/cover{query}")))
        .bearer_auth(w.api(EDITOR).token())
        .header("content-type", "image/png")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A browser of `phone`, signed in, and the CSRF token of `page`.
async fn signed_in<'a>(w: &'a World, phone: &str, page: &str) -> (TestAppBrowser<'a>, String) {
    let b = TestAppBrowser::new(&w.app);
    b.login(phone, PASSWORD).await;
    let (status, html) = b.page(page).await;
    assert_eq!(status, 200, "{page}");
    (b, csrf_in(&html))
}

/// Posts a multipart form with one file.
async fn upload(
    b: &TestAppBrowser<'_>,
    w: &World,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("_csrf", token.to_owned());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part(file.0.to_owned(), reqwest::multipart::Part::bytes(file.1).file_name("photo.png"));
    b.client().post(w.app.at(path)).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn an_image_without_alt_text_is_refused_everywhere() {
    let w = newsroom().await;
    let (status, problem) =
        w.api(EDITOR).post("/articles", json!({"title": "标题", "body_markdown": "前文\n\n![](/images/1.jpg)"})).await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("图片没有说明"), "named in the error: {problem}");
    let id = draft(w.api(EDITOR), json!({})).await;
    let patch = Some(json!({"body_markdown": "![ ](/images/1.jpg)"}));
    let (status, _) = w.api(EDITOR).send(Method::PATCH, &format!("/articles/{id}"), patch, None).await;
    assert_eq!(status, 422);

    let (b, token) = signed_in(&w, EDITOR, "/manage/news/new").await;
    let form = [("_csrf", token.as_str()), ("title", "插图"), ("body_markdown", "![](/images/2.jpg)")];
    let r = b.client().post(w.app.at("/manage/news/new")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-body_markdown-error\""), "beside the body");

    // The cover: no alt, not a picture, then a picture with its alt.
    assert_eq!(put_cover(&w, id, "", picture(1)).await.status(), 422, "no alt, no cover");
    let gif = put_cover(&w, id, "?alt=%E7%8E%B0%E5%9C%BA", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec()).await;
    assert_eq!(gif.status(), 422);
    let r = put_cover(&w, id, "?alt=%E8%AE%B2%E5%BA%A7%E7%8E%B0%E5%9C%BA", picture(2)).await;
    assert_eq!(r.status(), 204);
    let (_, article) = w.api(EDITOR).get(&format!("/articles/{id}")).await;
    assert_eq!(article["cover_alt"], "讲座现场");
    let url = article["cover_url"].as_str().unwrap().to_owned();
    assert_eq!(reqwest::get(w.app.at(&url)).await.unwrap().status(), 200);

    assert_eq!(step(w.api(EDITOR), id, json!({"to": "review"})).await.0, 200);
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await.0, 200);
    let img = format!("src=\"{url}\" alt=\"讲座现场\"");
    assert!(w.app.page(&format!("/news/{id}")).await.1.contains(&img), "on the article");
    assert!(w.app.page("/news").await.1.contains(&img), "in the list");
    let feed = w.app.page("/news/feed.atom").await.1;
    let parsed = feed_rs::parser::parse(feed.as_bytes()).expect("a valid feed");
    let enclosure = parsed.entries[0].links.iter().find(|l| l.rel.as_deref() == Some("enclosure")).unwrap();
    assert!(enclosure.href.ends_with(&url), "the cover as an enclosure: {feed}");

    // The back-office form: refused without alt, then taken away.
    let at = format!("/manage/news/{id}");
    let (b, token) = signed_in(&w, OTHER_EDITOR, &at).await;
    let r = upload(&b, &w, &format!("{at}/cover"), &token, &[("alt", " ")], ("cover", picture(3))).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-cover_alt-error\""), "the alt's error beside it");
    let r =
        upload(&b, &w, &format!("{at}/cover"), &token, &[("alt", "x"), ("remove", "1")], ("cover", Vec::new())).await;
    assert_eq!(r.status(), 303);
    let (_, article) = w.api(EDITOR).get(&format!("/articles/{id}")).await;
    assert!(article["cover_url"].is_null());

    // A body image gives the Markdown line to paste, with its alt.
    let r = upload(&b, &w, &format!("{at}/image"), &token, &[("alt", "")], ("image", picture(4))).await;
    assert_eq!(r.status(), 422, "no alt, no image");
    let r = upload(&b, &w, &format!("{at}/image"), &token, &[("alt", "社区广场")], ("image", picture(5))).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"![社区广场](/images/"), "the line to paste");
}

#[tokio::test]
async fn a_topic_column_has_a_banner_ordered_sections_articles_and_activities() {
    let w = newsroom().await;
    let t = topic(&w, "学百年党史 聚市南力量").await;
    let at = format!("/manage/topics/{t}");
    let (street_admin, _) = signed_in(&w, STREET_ADMIN, "/manage/news").await;
    assert_eq!(street_admin.page(&at).await.0, 403, "topics are the district's");
    let (b, token) = signed_in(&w, EDITOR, &at).await;
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut all = vec![("_csrf", token.clone())];
        all.extend(fields);
        let client = b.client().clone();
        let url = w.app.at(&path);
        async move { client.post(url).form(&all).send().await.unwrap() }
    };
    let sections = format!("{at}/sections");
    for title in ["红色电影", "专家讲座", "学习资料"] {
        let r = post(sections.clone(), vec![("op", "add".into()), ("section_title", title.into())]).await;
        assert_eq!(r.status(), 303);
    }
    let r = post(sections.clone(), vec![("op", "add".into()), ("section_title", " ".into())]).await;
    assert_eq!(r.status(), 422, "a section needs a title");
    assert_eq!(post(sections.clone(), vec![("op", "up".into()), ("section", "2".into())]).await.status(), 303);
    let rename = vec![("op", "rename".into()), ("section", "1".into()), ("section_title", "红色电影展映".into())];
    assert_eq!(post(sections.clone(), rename).await.status(), 303);
    assert_eq!(post(sections.clone(), vec![("op", "remove".into()), ("section", "3".into())]).await.status(), 303);

    let r = upload(&b, &w, &format!("{at}/banner"), &token, &[("banner_alt", "")], ("banner", picture(6))).await;
    assert_eq!(r.status(), 422, "a banner needs its alt");
    let r = upload(&b, &w, &format!("{at}/banner"), &token, &[("banner_alt", "党史学习横幅")], ("banner", picture(7)))
        .await;
    assert_eq!(r.status(), 303);

    let (status, event) = w
        .api(DISTRICT_ADMIN)
        .post("/events", json!({"title": "红色电影《长津湖》", "kind": "film", "description": "露天放映"}))
        .await;
    assert_eq!(status, 201, "{event}");
    let event = event["id"].as_i64().unwrap();
    let (_, page) = b.page(&format!("{at}?q=长津湖")).await;
    assert!(page.contains(&format!("<option value=\"{event}\"")), "found by its title");
    let attach = vec![("event_id", event.to_string()), ("section", "1".into())];
    assert_eq!(post(format!("{at}/events"), attach).await.status(), 303);

    let article =
        published(&w, json!({"title": "讲座回顾", "topic_sections": [{"topic_id": t, "section_id": 2}]})).await;
    let (status, bad) = w
        .api(EDITOR)
        .post(
            "/articles",
            json!({"title": "x", "body_markdown": "x", "topic_sections": [{"topic_id": t, "section_id": 9}]}),
        )
        .await;
    assert_eq!(status, 422, "no such section: {bad}");

    let (_, page) = w.app.page(&format!("/topics/{t}")).await;
    assert!(page.contains("alt=\"党史学习横幅\""), "the banner with its alt");
    let (lectures, films) = (page.find(">专家讲座</h2>").unwrap(), page.find(">红色电影展映</h2>").unwrap());
    assert!(lectures < films, "sections in their order");
    assert!(!page.contains("学习资料"), "the removed section is gone");
    let film_part = &page[films..];
    assert!(film_part.contains(&format!("href=\"/events/{event}\"")), "the activity in its section");
    let lecture_part = &page[lectures..films];
    assert!(lecture_part.contains(&format!("href=\"/news/{article}\"")), "the article in its section");
    assert!(w.app.page(&format!("/topics/{t}/feed.atom")).await.1.contains("讲座回顾"), "the feed keeps working");
    let audit = "select count(*) from audit_log where action like 'topic.%' and object_id = $1";
    let n: i64 = sqlx::query_scalar(audit).bind(t).fetch_one(w.app.state.db.pool()).await.unwrap();
    assert!(n >= 8, "every change audited ({n})");

    let (_, api) = public(&w.app, &format!("/topics/{t}")).await;
    assert_eq!(api["sections"], json!([{"id": 2, "title": "专家讲座"}, {"id": 1, "title": "红色电影展映"}]));
    assert_eq!(api["items"][0]["url"], format!("/events/{event}"));
    assert_eq!(api["banner_alt"], "党史学习横幅");
    let patch = Some(json!({"title": "学党史"}));
    let (status, topic) = w.api(EDITOR).send(Method::PATCH, &format!("/topics/{t}"), patch.clone(), None).await;
    assert_eq!((status, topic["title"].as_str()), (200, Some("学党史")));
    let (status, _) = w.api(STREET_ADMIN).send(Method::PATCH, &format!("/topics/{t}"), patch, None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn most_read_this_week_counts_reads_in_memory_until_the_job_writes_them() {
    let w = newsroom().await;
    let t = topic(&w, "文明城市").await;
    let quiet = published(&w, json!({"title": "少有人读"})).await;
    let popular = published(&w, json!({"title": "人人都读", "topic_ids": [t]})).await;
    for _ in 0..3 {
        assert_eq!(w.app.page(&format!("/news/{popular}")).await.0, 200);
    }
    w.app.page(&format!("/news/{quiet}")).await;
    let count = "select count(*) from news_reads";
    let rows: i64 = sqlx::query_scalar(count).fetch_one(w.app.state.db.pool()).await.unwrap();
    assert_eq!(rows, 0, "nothing written per view");
    assert_eq!(ejia::news::reads::flush(&w.app.state).await.unwrap(), 2, "one counter per article and day");
    let reads: i64 = sqlx::query_scalar("select reads from news_reads where article_id = $1")
        .bind(popular)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(reads, 3);

    let (_, list) = w.app.page("/news").await;
    let box_at = list.find("本周最多阅读").expect("the most-read box");
    let most = &list[box_at..];
    assert!(most.find("人人都读").unwrap() < most.find("少有人读").unwrap(), "most read first");
    let (_, topic_page) = w.app.page(&format!("/topics/{t}")).await;
    let most = &topic_page[topic_page.find("本周最多阅读").unwrap()..];
    assert!(most.contains("人人都读") && !most[..most.find("</section>").unwrap()].contains("少有人读"));

    // Eight days on, last week's reads no longer count.
    w.app.clock.advance(chrono::Duration::days(8));
    assert!(!w.app.page("/news").await.1.contains("本周最多阅读"));
}

#[tokio::test]
async fn the_list_is_newest_published_first_and_pages_by_it() {
    let w = newsroom().await;
    // Drafted first, published last: it heads the list.
    let first = draft(w.api(EDITOR), json!({"title": "先写后发"})).await;
    let second = published(&w, json!({"title": "后写先发"})).await;
    w.app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(step(w.api(EDITOR), first, json!({"to": "review"})).await.0, 200);
    assert_eq!(step(w.api(OTHER_EDITOR), first, json!({"to": "published"})).await.0, 200);
    let (_, page) = public(&w.app, "/articles?limit=1").await;
    assert_eq!(page["items"][0]["id"], first);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = public(&w.app, &format!("/articles?limit=1&cursor={cursor}")).await;
    assert_eq!(next["items"][0]["id"], second, "the cursor follows the same order");
    let list = w.app.page("/news").await.1;
    assert!(list.find("先写后发").unwrap() < list.find("后写先发").unwrap());
}

#[tokio::test]
async fn related_activities_and_tags_come_from_the_form_and_show_on_the_article() {
    let w = newsroom().await;
    let (_, event) = w.api(DISTRICT_ADMIN).post("/events", json!({"title": "微党课", "kind": "party_lesson"})).await;
    let event = event["id"].as_i64().unwrap();
    let (b, token) = signed_in(&w, EDITOR, "/manage/news/new").await;
    let yunxiao = w.community(YUNXIAOLU).to_string();
    let badaxia = w.street(BADAXIA).to_string();
    let form = vec![
        ("_csrf", token.clone()),
        ("title", "微党课进社区".into()),
        ("body_markdown", "正文".into()),
        ("street_id", String::new()),
        ("streets", badaxia.clone()),
        ("communities", yunxiao.clone()),
        ("related_events", "999".into()),
    ];
    let r = b.client().post(w.app.at("/manage/news/new")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 422, "no such activity");
    let articles: i64 =
        sqlx::query_scalar("select count(*) from news_articles").fetch_one(w.app.state.db.pool()).await.unwrap();
    assert_eq!(articles, 0, "a refused form creates nothing");
    let mut form = form;
    form.pop();
    form.push(("related_events", event.to_string()));
    let r = b.client().post(w.app.at("/manage/news/new")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let id: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/manage/news/").parse().unwrap();
    let (_, article) = w.api(EDITOR).get(&format!("/articles/{id}")).await;
    assert_eq!(article["street_ids"], json!([w.street(BADAXIA)]));
    assert_eq!(article["community_ids"], json!([w.community(YUNXIAOLU)]));
    assert_eq!(article["related"][0]["url"], format!("/events/{event}"));
    let (_, page) = b.page(&format!("/manage/news/{id}")).await;
    assert!(page.contains(&format!("name=\"communities\" value=\"{yunxiao}\" checked")), "ticked on the form");

    assert_eq!(step(w.api(EDITOR), id, json!({"to": "review"})).await.0, 200);
    assert_eq!(step(w.api(OTHER_EDITOR), id, json!({"to": "published"})).await.0, 200);
    let (_, page) = w.app.page(&format!("/news/{id}")).await;
    assert!(page.contains("相关活动") && page.contains(&format!("href=\"/events/{event}\"")));
    let (status, _) = w
        .api(EDITOR)
        .send(
            Method::PATCH,
            &format!("/articles/{id}"),
            Some(json!({"related": [{"kind": "case", "id": 12345}]})),
            None,
        )
        .await;
    assert_eq!(status, 422, "a case not on the public board is refused");
}

#[tokio::test]
async fn only_cases_on_the_public_board_may_be_related_and_only_while_they_are() {
    use ejia::authz::Role;
    let w = World::for_cases()
        .await
        .with([
            Person::new(EDITOR, "编辑甲").grant(Role::Editor, At::District).api(),
            Person::new(OTHER_EDITOR, "编辑乙").grant(Role::Editor, At::Department(PUBLICITY)).api(),
        ])
        .await;
    let resident = w.api(crate::helpers::case_cast::RESIDENT);
    let public = w.case(ILLEGAL_BUILDING).description("人行道上私搭乱建").in_community(YUNXIAOLU).file(resident).await;
    let hidden = w.case(BEGGING).description("地铁口乞讨").in_community(YUNXIAOLU).file(resident).await;
    let (status, _) = w
        .api(EDITOR)
        .post(
            "/articles",
            json!({"title": "违建整治", "body_markdown": "正文", "related": [{"kind": "case", "id": hidden}]}),
        )
        .await;
    assert_eq!(status, 422, "a case not on the public board is refused");
    let id = published(&w, json!({"title": "违建整治", "related": [{"kind": "case", "id": public}]})).await;
    let (_, article) = public_get(&w, id).await;
    assert_eq!(
        article["related"],
        json!([{"kind": "case", "id": public, "title": article["related"][0]["title"],
        "url": format!("/board/{public}")}])
    );
    let (_, page) = w.app.page(&format!("/news/{id}")).await;
    assert!(page.contains("相关案件") && page.contains(&format!("href=\"/board/{public}\"")));

    // Should the case leave the board (its category made not public by a district admin), the
    // article stops showing it at once, though its page was just read and kept in memory.
    let admin = w.client(Person::new("13600009999", "区管理员").district_admin()).await;
    let category = format!("/case-categories/{}", w.category(ILLEGAL_BUILDING));
    let (status, _) = admin.send(reqwest::Method::PATCH, &category, Some(json!({"public": false})), None).await;
    assert_eq!(status, 204);
    let (_, page) = w.app.page(&format!("/news/{id}")).await;
    assert!(!page.contains(&format!("/board/{public}")) && !page.contains("相关案件"));
}

async fn public_get(w: &World, id: i64) -> (u16, Value) {
    public(&w.app, &format!("/articles/{id}")).await
}

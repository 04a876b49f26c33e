//! The public board: only public categories, never who reported, descriptions and places once
//! accepted (positions rounded unless the category is precise), only reviewed photos; the SVG map
//! with a dot per community and a point per located case taken on; filters and pages. And the residents' request categories (急难愁盼) on the report page.

use ejia::cases::store;
use reqwest::Method;
use serde_json::json;

use crate::helpers::case_cast::*;
use crate::helpers::*;

/// A picture; `shade` makes it differ (identical uploads are stored once).
fn jpeg(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([(x * 8) as u8, (y * 10) as u8, shade]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// Files a case as the resident; its id.
async fn file(w: &World, category: &str, description: &str, community: &str, coords: Option<(f64, f64)>) -> i64 {
    let case = w.case(category).description(description).in_community(community);
    let case = if let Some((lat, lng)) = coords { case.at(lat, lng) } else { case };
    case.file(w.api(RESIDENT)).await
}

/// A page of the board for a visitor who is not logged in.
async fn visit(w: &World, path: &str) -> (u16, String) {
    let r = w.app.other_browser().get(w.app.at(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn rows(page: &str) -> usize {
    page.matches("<li id=\"case-").count()
}

#[tokio::test]
async fn the_board_shows_public_cases_on_a_map_and_never_who_reported_them() {
    let w = World::for_cases().await;
    let located = file(&w, ILLEGAL_BUILDING, "人行道上私搭乱建的棚子", YUNXIAOLU, Some((36.0615, 120.3835))).await;
    let unlocated = file(&w, ILLEGAL_BUILDING, "路口又搭了一个棚子", YUNXIAOLU, None).await;
    let begging = file(&w, BEGGING, "有人在地铁口乞讨", YUNXIAOLU, Some((36.06, 120.38))).await;
    let (status, board) = visit(&w, "/board").await;
    assert_eq!(status, 200);
    // Only public categories, and nothing of the reporter (name 用户0, phone 13600000000).
    assert!(
        board.contains(&format!("href=\"/board/{located}\""))
            && board.contains(&format!("href=\"/board/{unlocated}\""))
    );
    assert!(!board.contains(&format!("/board/{begging}\"")), "流浪乞讨 is not shown case by case");
    assert!(!board.contains("用户0") && !board.contains("13600000000"));
    assert!(!board.contains("私搭乱建的棚子"), "the list shows no descriptions");
    // The map: a dot per community (50); no point yet: a report nobody has taken on has no
    // public position.
    assert_eq!(board.matches("class=\"map-community\"").count(), 50);
    assert_eq!(board.matches("class=\"map-point ").count(), 0);
    assert!(board.contains("未公开位置") && board.contains("共 2 件"));
    // One case: nothing until accepted; then the description, the steps without names or notes.
    let (status, page) = visit(&w, &format!("/board/{located}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("问题描述和具体地点在受理后公开") && !page.contains("私搭乱建的棚子"));
    assert_eq!(visit(&w, &format!("/board/{begging}")).await.0, 404);
    assert_eq!(visit(&w, "/board/999999").await.0, 404);
    assert_eq!(act(w.api(DISPATCHER), located, json!({"action": "accept", "note": "内部备注甲"})).await.0, 200);
    assert_eq!(
        act(w.api(DISPATCHER), located, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)}))
            .await
            .0,
        200
    );
    assert_eq!(act(w.api(RESIDENT), located, json!({"action": "comment", "note": "我家就在旁边"})).await.0, 200);
    let (_, page) = visit(&w, &format!("/board/{located}")).await;
    assert!(
        page.contains("人行道上私搭乱建的棚子") && page.contains("私搭乱建") && !page.contains("市容环境 · 私搭乱建")
    );
    // Taken on: a linked point for the located case only.
    let (_, board) = visit(&w, "/board").await;
    assert_eq!(board.matches("class=\"map-point ").count(), 1);
    let point = board.split(&format!("<a href=\"/board/{located}\" class=\"map-point pt-work\"")).nth(1).unwrap();
    assert!(point.split("</a>").next().unwrap().contains("<title>私搭乱建，已派遣"), "{point}");
    let circle = point.split("<circle cx=\"").nth(1).unwrap();
    let cx: f64 = circle.split('"').next().unwrap().parse().unwrap();
    assert!((0.0..=960.0).contains(&cx));
    assert!(page.contains("提交反映") && page.contains("立案") && page.contains("派往 区综合行政执法局"));
    assert!(page.contains("处理时限") && page.contains("香港中路街道"));
    for secret in ["用户0", "用户2", "13600000000", "内部备注甲", "我家就在旁边", "留言"] {
        assert!(!page.contains(secret), "{secret} on the public page");
    }
    // Open311 still answers with the same public cases.
    let r = reqwest::get(w.app.at("/open311/v2/requests.json")).await.unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 2, "{body}");
}

#[tokio::test]
async fn only_photos_a_dispatcher_reviewed_are_public() {
    let w = World::for_cases().await;
    let id = file(&w, ILLEGAL_BUILDING, "违建", YUNXIAOLU, None).await;
    let (status, _, _) = w.api(RESIDENT).raw(Method::POST, &format!("/cases/{id}/photos"), jpeg(60)).await;
    assert_eq!(status, 201);
    let (_, case) = w.api(RESIDENT).get(&format!("/cases/{id}")).await;
    let image = case["photos"][0]["id"].as_i64().unwrap();
    assert_eq!(case["photos"][0]["reviewed"], false);
    let public = format!("/board/{id}/photos/{image}.jpg");
    assert_eq!(visit(&w, &public).await.0, 404, "unreviewed: not public");
    assert!(!visit(&w, &format!("/board/{id}")).await.1.contains(&public));
    // Only the dispatcher decides; the reporter may not, a stranger does not see the case.
    let review = format!("/cases/{id}/photos/{image}/review");
    assert_eq!(w.api(RESIDENT).post(&review, json!({"reviewed": true})).await.0, 403);
    assert_eq!(w.api(OTHER_STREET_ADMIN).post(&review, json!({"reviewed": true})).await.0, 404);
    assert_eq!(
        w.api(DISPATCHER).post(&format!("/cases/{id}/photos/999999/review"), json!({"reviewed": true})).await.0,
        404
    );
    let (status, photos) = w.api(DISPATCHER).post(&review, json!({"reviewed": true})).await;
    assert_eq!((status, &photos[0]["reviewed"]), (200, &json!(true)));
    let r = w.app.other_browser().get(w.app.at(&public)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    assert!(r.bytes().await.unwrap().starts_with(&[0xFF, 0xD8]));
    assert!(visit(&w, &format!("/board/{id}")).await.1.contains(&format!("src=\"{public}\"")));
    // Taken back: private again. The case page's form puts it back.
    assert_eq!(w.api(DISPATCHER).post(&review, json!({"reviewed": false})).await.0, 200);
    assert_eq!(visit(&w, &public).await.0, 404);
    w.app.login("13600000002").await;
    let (_, page) = w.app.page(&format!("/cases/{id}")).await;
    assert!(page.contains(&format!("action=\"{review}\"")) && page.contains("审核通过，公开展示"));
    let r = w.app.post(&review, &[("reviewed", "1")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(visit(&w, &public).await.0, 200);
    let (_, page) = w.app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("已审核，公开展示") && page.contains("取消公开"));
    // The reporter sees the mark but no form.
    w.app.login("13600000000").await;
    let (_, page) = w.app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("已审核，公开展示") && !page.contains(&format!("action=\"{review}\"")));
    // A reviewed photo of a case the public does not see stays private.
    let begging = file(&w, BEGGING, "乞讨", YUNXIAOLU, None).await;
    w.api(RESIDENT).raw(Method::POST, &format!("/cases/{begging}/photos"), jpeg(200)).await;
    let (_, case) = w.api(RESIDENT).get(&format!("/cases/{begging}")).await;
    let hidden = case["photos"][0]["id"].as_i64().unwrap();
    assert_eq!(
        w.api(DISPATCHER).post(&format!("/cases/{begging}/photos/{hidden}/review"), json!({"reviewed": true})).await.0,
        200
    );
    assert_eq!(visit(&w, &format!("/board/{begging}/photos/{hidden}.jpg")).await.0, 404);
    assert_eq!(visit(&w, &format!("/board/{id}/photos/{hidden}.jpg")).await.0, 404, "not that case's photo");
}

#[tokio::test]
async fn filters_narrow_the_map_and_the_list_and_the_list_pages() {
    let w = World::for_cases().await;
    let old = file(&w, "0102", "旧案", YUNXIAOLU, Some((36.062, 120.384))).await;
    w.app.clock.advance(chrono::Duration::days(10));
    let mut recent = Vec::new();
    for i in 0..22 {
        recent.push(file(&w, ILLEGAL_BUILDING, &format!("违建 {i}"), YUNXIAOLU, Some((36.06, 120.38))).await);
    }
    let elsewhere = file(&w, ILLEGAL_BUILDING, "团岛的违建", TUANDAO, None).await;
    // One is closed.
    let closed = recent[0];
    act(w.api(DISPATCHER), closed, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
    act(w.api(HANDLER), closed, json!({"action": "start_handling"})).await;
    act(w.api(HANDLER), closed, json!({"action": "report_handled", "note": "已拆"})).await;
    assert_eq!(act(w.api(INSPECTOR), closed, json!({"action": "check_pass"})).await.0, 200);
    // Everything: 24 cases, 20 on the first page, the rest on the second.
    let (_, all) = visit(&w, "/board").await;
    assert!(all.contains("共 24 件") && all.contains("第 1 页，共 2 页"));
    assert_eq!(rows(&all), 20);
    assert!(all.contains("href=\"/board?page=2\" rel=\"next\""));
    assert_eq!(all.matches("class=\"map-point ").count(), 1, "the map has the located case taken on");
    let (_, second) = visit(&w, "/board?page=2").await;
    assert_eq!(rows(&second), 4);
    assert!(second.contains(&format!("id=\"case-{old}\"")) && second.contains("rel=\"prev\""));
    // Category: a minor, or a major with all its minors.
    let (_, page) = visit(&w, "/board?category=0102").await;
    assert!(page.contains("共 1 件") && page.contains(&format!("id=\"case-{old}\"")));
    assert!(visit(&w, "/board?category=01").await.1.contains("共 24 件"));
    assert!(visit(&w, "/board?category=02").await.1.contains("共 0 件"));
    // Open or closed.
    let (_, page) = visit(&w, "/board?state=closed").await;
    assert!(page.contains("共 1 件") && page.contains(&format!("id=\"case-{closed}\"")) && page.contains("pt-closed"));
    assert!(visit(&w, "/board?state=open").await.1.contains("共 23 件"));
    // Street.
    let street = w.street(BADAXIA);
    let (_, page) = visit(&w, &format!("/board?street={street}")).await;
    assert!(page.contains("共 1 件") && page.contains(&format!("id=\"case-{elsewhere}\"")));
    assert!(
        page.contains(&format!("<option value=\"{street}\" selected lang=\"zh-CN\">")),
        "the filter shows what was chosen"
    );
    // Period: the old case is out of the last seven days.
    let (_, page) = visit(&w, "/board?period=7&state=open").await;
    assert!(page.contains("共 22 件") && !page.contains(&format!("id=\"case-{old}\"")), "{page}");
    assert!(page.contains("href=\"/board?state=open&#38;period=7&#38;page=2\""), "pages keep the filters");
    // Nonsense is ignored rather than refused.
    assert_eq!(visit(&w, "/board?page=x&period=5&street=abc").await.0, 200);
}

#[tokio::test]
async fn residents_pick_their_own_requests_on_the_report_page_and_file_them() {
    let app = TestApp::with_district().await;
    let mut conn = app.state.db.conn().await.unwrap();
    let all = store::categories(&mut conn).await.unwrap();
    let departments = ejia::org::store::list_departments(&mut conn, 0, 100).await.unwrap();
    drop(conn);
    let find = |code: &str| all.iter().find(|c| c.code == code).unwrap();
    let dept = |id| departments.iter().find(|d| Some(d.id) == id).map(|d| d.name.as_str());
    assert_eq!((find("70").name.as_str(), find("70").kind.as_str()), ("居民诉求", "request"));
    let (noise, elder) = (find("7003"), find("7007"));
    assert_eq!((noise.name.as_str(), noise.kind.as_str(), noise.public), ("噪声扰民", "request", true));
    assert_eq!(noise.limit, Some(ejia::cases::calendar::model::TimeLimit::Days(2)));
    assert_eq!(dept(noise.department_id), Some("区综合行政执法局"));
    assert_eq!((elder.name.as_str(), elder.public, dept(elder.department_id)), ("适老化改造", false, Some("区民政局")));
    let community = app.community(YUNXIAOLU).await;
    app.user("13911113333", "李大爷", Some(community), &[]).await;
    app.login("13911113333").await;
    // City problems first; the resident's own requests one press away, answers kept.
    let (_, page) = app.page("/report").await;
    assert!(page.contains("城市问题") && page.contains("我的诉求") && page.contains("私搭乱建"));
    assert!(!page.contains("养老助餐"));
    let r = app
        .post("/report", &[("kind", "request"), ("description", "楼上每晚装修到十一点"), ("community_id", "")])
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 1 步") && page.contains("养老助餐") && page.contains("适老化改造"));
    assert!(!page.contains("私搭乱建") && page.contains("name=\"description\" value=\"楼上每晚装修到十一点\""));
    assert!(page.contains("value=\"request\" aria-pressed=\"true\""));
    let (_, page) = app.page("/report?kind=request").await;
    assert!(page.contains(&format!("value=\"{}\"", noise.id)));
    // Screen 1 with nothing chosen keeps offering requests.
    let r = app.post("/report", &[("step", "describe"), ("kind", "request")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("噪声扰民"));
    // Filed like any report; a public request shows on the board, a private one does not.
    let mut ids = Vec::new();
    for c in [noise, elder] {
        let category = c.id.to_string();
        let r = app
            .post(
                "/report",
                &[
                    ("step", "submit"),
                    ("category_id", &category),
                    ("description", "请帮忙处理"),
                    ("address", "云霄路 1 号"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        ids.push(to.strip_prefix("/cases/").unwrap().strip_suffix("?filed=1").unwrap().parse::<i64>().unwrap());
    }
    let case = store::case(&mut app.state.db.conn().await.unwrap(), ids[0]).await.unwrap().unwrap();
    assert_eq!(case.category_id, noise.id);
    // Going back to screen 1 from a request's screen 2 offers requests again.
    let category = noise.id.to_string();
    let page = app.post("/report", &[("step", "category"), ("category_id", &category)]).await.text().await.unwrap();
    assert!(page.contains(&format!("value=\"{category}\" aria-current=\"true\"")) && page.contains("养老助餐"));
    let board = app.other_browser().get(app.at("/board")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains(&format!("href=\"/board/{}\"", ids[0])) && board.contains("噪声扰民"));
    assert!(!board.contains(&format!("/board/{}\"", ids[1])) && !board.contains("李大爷"));
    assert!(
        board.contains("<option value=\"7003\" lang=\"zh-CN\">噪声扰民</option>") && !board.contains(">适老化改造<")
    );
}

#[tokio::test]
async fn a_report_waiting_for_review_shows_no_place_in_public_and_a_reviewed_one_a_rounded_point() {
    let w = World::for_cases().await;
    let (lat, lng) = (36.06137, 120.38362);
    let body = json!({"category_id": w.category(ILLEGAL_BUILDING), "description": "楼下私搭的棚子", "community_id": w.community(YUNXIAOLU),
        "address": "云霄路 88 号 3 单元", "lat": lat, "lng": lng});
    let (status, filed) = w.api(RESIDENT).post("/cases", body).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    let open311 = |format: &'static str| {
        let url = w.app.at(&format!("/open311/v2/requests.{format}"));
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    let one = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap()[0].clone();
    // While it waits for a dispatcher: neither the address nor the position, anywhere public.
    let (_, board) = visit(&w, "/board").await;
    let (_, page) = visit(&w, &format!("/board/{id}")).await;
    let (json_list, xml) = (open311("json").await, open311("xml").await);
    let r = w.app.other_browser().get(w.app.at(&format!("/open311/v2/requests/{id}.json"))).send().await.unwrap();
    let by_id = r.text().await.unwrap();
    for (what, text) in [("board", &board), ("case", &page), ("json", &json_list), ("xml", &xml), ("one", &by_id)] {
        for secret in ["云霄路 88 号", "36.06", "120.38"] {
            assert!(!text.contains(secret), "{secret} in the {what}: {text}");
        }
    }
    assert!(board.contains(&format!("id=\"case-{id}\"")) && board.contains("未公开位置"));
    assert_eq!(board.matches("class=\"map-point ").count(), 0);
    let r = one(&json_list);
    assert_eq!((r["address"].as_str(), r["lat"].as_f64(), r["long"].as_f64()), (Some(""), None, None));
    assert!(xml.contains("<address></address>") && xml.contains("<lat></lat>") && xml.contains("<long></long>"));
    // Accepted: the address, and the position on a grid of about 50 m.
    assert_eq!(act(w.api(DISPATCHER), id, json!({"action": "accept"})).await.0, 200);
    let (_, page) = visit(&w, &format!("/board/{id}")).await;
    assert!(page.contains("云霄路 88 号 3 单元"));
    let (_, board) = visit(&w, "/board").await;
    assert_eq!(board.matches(&format!("<a href=\"/board/{id}\" class=\"map-point ")).count(), 1);
    let (json_list, xml) = (open311("json").await, open311("xml").await);
    let r = one(&json_list);
    assert_eq!(
        (r["address"].as_str(), r["lat"].as_f64(), r["long"].as_f64()),
        (Some("云霄路 88 号 3 单元"), Some(36.0615), Some(120.3835))
    );
    assert!(xml.contains("<lat>36.0615</lat>") && xml.contains("<long>120.3835</long>"), "{xml}");
    assert!(!json_list.contains("36.06137") && !xml.contains("36.06137") && !xml.contains("120.38362"));
    // A category the district marks precise (street furniture) shows the exact point.
    let admin = w.client(Person::new("13600009999", "区管理员").district_admin()).await;
    let path = format!("/case-categories/{}", w.category(ILLEGAL_BUILDING));
    let (status, _) = admin.send(Method::PATCH, &path, Some(json!({"precise": true})), None).await;
    assert_eq!(status, 204);
    let (_, all) = w.api(RESIDENT).get("/case-categories").await;
    assert_eq!(
        all.as_array().unwrap().iter().find(|c| c["id"] == w.category(ILLEGAL_BUILDING)).unwrap()["precise"],
        true
    );
    let r = one(&open311("json").await);
    assert_eq!((r["lat"].as_f64(), r["long"].as_f64()), (Some(lat), Some(lng)));
}

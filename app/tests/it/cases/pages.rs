//! The case pages: a resident reports a problem in three screens and follows it; a dispatcher
//! finds it in the queue and dispatches it; the department handles it; the reporter confirms
//! and rates it. Everything through the real pages.

use ejia::cases::store;

use crate::helpers::*;

const RESIDENT: &str = "13911112222";
const DISPATCHER: &str = "13700000001";
const HANDLER: &str = "13700000002";
const OTHER_HANDLER: &str = "13700000003";
const DESCRIPTION: &str = "小区门口有人私自搭建彩钢棚，占了消防通道。";

/// A district with a resident of 云霄路社区, a district dispatcher, a handler of
/// 区综合行政执法局 and one of 区卫健局.
async fn world() -> World {
    World::district()
        .await
        .with([
            Person::new(RESIDENT, "王女士").lives_in(YUNXIAOLU),
            Person::new(DISPATCHER, "调度员").dispatcher(),
            Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT),
            Person::new(OTHER_HANDLER, "卫健干部").handler_of(HEALTH),
        ])
        .await
}

/// The report page as the logged-in browser fills it in, about 私搭乱建 in 云霄路社区.
struct ReportPage<'w> {
    w: &'w World,
    /// The photo the report carries once uploaded on screen 2 (私搭乱建 needs one).
    photos: std::sync::OnceLock<String>,
}

impl<'w> ReportPage<'w> {
    fn new(w: &'w World) -> Self {
        Self { w, photos: std::sync::OnceLock::new() }
    }

    /// The report as the third screen sends it.
    fn fields<'a>(&'a self, step: &'a str, category: &'a str, community: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut fields = vec![
            ("step", step),
            ("category_id", category),
            ("description", DESCRIPTION),
            ("community_id", community),
            ("address", "云霄路 88 号"),
            ("anonymous", "1"),
        ];
        if let Some(photos) = self.photos.get() {
            fields.push(("photos", photos));
        }
        fields
    }

    /// Uploads a photo with screen 2's form, as the browser sends it (multipart); the report
    /// carries it from then on. Returns screen 2 as shown after the upload.
    async fn attach_photo(&self) -> String {
        let (app, category) = (&self.w.app, self.w.category(ILLEGAL_BUILDING));
        let (_, page) = app.page(&format!("/report?category={category}")).await;
        let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([(x * 7) as u8, (y * 9) as u8, 60]));
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img).write_to(&mut png, image::ImageFormat::Png).unwrap();
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf_in(&page))
            .text("step", "describe")
            .text("category_id", category.to_string())
            .text("description", DESCRIPTION)
            .part("photo", reqwest::multipart::Part::bytes(png.into_inner()).file_name("shed.png"));
        let r = app.client.post(app.at("/report")).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        let carried = page.split("name=\"photos\" value=\"").nth(1).unwrap().split('"').next().unwrap();
        assert!(!carried.is_empty(), "the photo is carried");
        let _ = self.photos.set(carried.to_owned());
        page
    }

    /// Files the report as the logged-in user; the new case's id.
    async fn file(&self) -> i64 {
        if self.photos.get().is_none() {
            self.attach_photo().await;
        }
        let category = self.w.category(ILLEGAL_BUILDING).to_string();
        let community = self.w.community(YUNXIAOLU).to_string();
        let r = self.w.app.post("/report", &self.fields("submit", &category, &community)).await;
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        to.strip_prefix("/cases/").unwrap().strip_suffix("?filed=1").unwrap().parse().unwrap()
    }
}

/// Takes an action through the case page's form.
async fn act_on_page(app: &TestApp, case: i64, fields: &[(&str, &str)]) -> (u16, String) {
    let r = app.post(&format!("/cases/{case}/act"), fields).await;
    let status = r.status().as_u16();
    if status == 303 {
        assert_eq!(r.headers()["location"], format!("/cases/{case}").as_str());
    }
    (status, r.text().await.unwrap())
}

#[tokio::test]
async fn a_resident_reports_in_three_screens_keeping_answers_and_follows_the_case() {
    let w = world().await;
    let app = &w.app;
    let report = ReportPage::new(&w);
    // Visitors log in first.
    let r = app.get("/report").await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?next="));
    app.login(RESIDENT).await;
    let (_, mine) = app.page("/me/cases").await;
    assert!(mine.contains("您还没有反映过问题") && mine.contains("href=\"/report\""));
    // Screen 1: the common problems first, then every category under plain headings, each one
    // tap (the standard's majors, such as 扩展事件, are not shown to residents).
    let (status, page) = app.page("/report").await;
    assert_eq!(status, 200);
    assert!(page.contains("第 1 步") && page.contains("常见问题") && page.contains("环境卫生"));
    assert!(!page.contains("扩展事件"), "no jargon headings");
    assert!(page.contains(&format!("name=\"pick\" value=\"{}\"", w.category(ILLEGAL_BUILDING))));
    // Screen 2: the category is shown; the community defaults to the resident's own.
    let (category, community) = (w.category(ILLEGAL_BUILDING).to_string(), w.community(YUNXIAOLU).to_string());
    let r = app.post("/report", &[("step", "describe"), ("category_id", &category)]).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 2 步") && page.contains("私搭乱建") && page.contains("<textarea"));
    assert!(page.contains("<optgroup label=\"香港中路街道\" lang=\"zh-CN\">"));
    // A link with a category lands on screen 2 as well.
    let (_, page) = app.page(&format!("/report?category={category}")).await;
    assert!(page.contains("第 2 步") && page.contains(&format!("value=\"{community}\" selected")));
    // 私搭乱建 needs a photo: without one, screen 2 says so.
    let r = app.post("/report", &report.fields("preview", &category, &community)).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("这类问题需要附一张现场照片"));
    // A file that is not a picture is refused at the field; a photo is kept and carried.
    let form = reqwest::multipart::Form::new()
        .text("_csrf", app.csrf().await)
        .text("step", "describe")
        .text("category_id", category.clone())
        .part("photo", reqwest::multipart::Part::bytes(b"not a picture".to_vec()).file_name("x.png"));
    let r = app.client.post(app.at("/report")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-photo-error\""));
    assert_eq!(app.count("images").await, 0);
    let page = report.attach_photo().await;
    assert!(page.contains("已附照片： 1") || page.contains("已附照片：1"), "the count is shown");
    // Screen 3: everything to confirm, nothing stored yet.
    let r = app.post("/report", &report.fields("preview", &category, &community)).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 3 步") && page.contains(DESCRIPTION) && page.contains("香港中路街道 · 云霄路社区"));
    assert!(page.contains("云霄路 88 号") && page.contains("匿名（仅指挥中心可查看，每次查看都会记录）"));
    // The photo shows as a thumbnail, served to its uploader only.
    let thumb = page
        .split("<img src=\"")
        .find(|s| s.starts_with("/report/photos/"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(thumb.starts_with("/report/photos/"), "{thumb}");
    let r = app.get(&thumb).await;
    assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (200, "image/jpeg"));
    assert_eq!(app.count("cases").await, 0);
    // Going back keeps every answer: to screen 2, and to screen 1.
    let page = app.post("/report", &report.fields("edit", &category, &community)).await.text().await.unwrap();
    assert!(page.contains("第 2 步") && page.contains(&format!(">{DESCRIPTION}</textarea>")));
    assert!(page.contains("value=\"云霄路 88 号\"") && page.contains("name=\"anonymous\" value=\"1\""));
    let page = app.post("/report", &report.fields("category", &category, &community)).await.text().await.unwrap();
    assert!(page.contains("第 1 步") && page.contains(&format!("value=\"{category}\" aria-current=\"true\"")));
    assert!(page.contains(&format!("name=\"description\" value=\"{DESCRIPTION}\"")));
    // Submit: filed, and the case page says so.
    let id = report.file().await;
    let case = store::case(&mut app.state.db.conn().await.unwrap(), id).await.unwrap().unwrap();
    assert_eq!(
        (case.description.as_str(), case.community_id, case.anonymous),
        (DESCRIPTION, Some(w.community(YUNXIAOLU)), true)
    );
    assert_eq!(app.count("case_photos").await, 1, "the carried photo is the case's");
    let (_, mine) = app.page("/me/cases").await;
    assert!(mine.contains(&format!("href=\"/cases/{id}\"")) && mine.contains("私搭乱建") && mine.contains("已上报"));
    let (status, page) = app.page(&format!("/cases/{id}?filed=1")).await;
    assert_eq!(status, 200);
    assert!(page.contains("已收到您反映的问题") && page.contains(DESCRIPTION) && page.contains("云霄路 88 号"));
    assert!(page.contains("提交反映") && page.contains("反映人"), "the timeline starts with the filing");
    assert!(page.contains("value=\"comment\"") && !page.contains("value=\"dispatch\""), "the reporter may comment");
}

#[tokio::test]
async fn field_errors_show_on_their_screen_with_422_and_nothing_is_stored() {
    let w = world().await;
    let app = &w.app;
    let report = ReportPage::new(&w);
    app.login(RESIDENT).await;
    let (category, community) = (w.category(ILLEGAL_BUILDING).to_string(), w.community(YUNXIAOLU).to_string());
    // No category chosen: screen 1 again.
    let r = app.post("/report", &[("step", "describe")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 1 步") && page.contains("请选择问题类别") && page.contains("role=\"alert\""));
    // No description: screen 2 again, with the message at the field and the address kept.
    let mut fields = report.fields("preview", &category, &community);
    fields[2].1 = "  ";
    let r = app.post("/report", &fields).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("第 2 步") && page.contains("id=\"f-description-error\" role=\"alert\">请填写此项"));
    assert!(page.contains("value=\"云霄路 88 号\""));
    // The same refused at submission, by the service.
    fields[0].1 = "submit";
    let r = app.post("/report", &fields).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("f-description-error"));
    // A major is not a category to file under: back to screen 1.
    let major = w.category("01").to_string();
    let r = app.post("/report", &report.fields("submit", &major, &community)).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("第 1 步"));
    assert_eq!(app.count("cases").await, 0);
}

#[tokio::test]
async fn a_dispatcher_finds_the_report_in_the_queue_and_dispatches_it_from_the_case_page() {
    let w = world().await;
    let app = &w.app;
    let report = ReportPage::new(&w);
    app.login(RESIDENT).await;
    let id = report.file().await;
    let link = format!("href=\"/cases/{id}\"");
    assert_eq!(app.get("/manage/cases").await.status(), 403, "residents have no queue");
    app.login(DISPATCHER).await;
    let (status, queue) = app.page("/manage/cases").await;
    assert_eq!(status, 200);
    assert!(queue.contains(&link) && queue.contains("私搭乱建") && queue.contains("香港中路街道 · 云霄路社区"));
    assert!(queue.contains("class=\"table-wrap\""));
    assert!(app.page("/manage/cases?state=reported&sort=deadline").await.1.contains(&link));
    assert!(!app.page("/manage/cases?state=closed").await.1.contains(&link));
    assert!(!app.page("/manage/cases?overdue=1").await.1.contains(&link));
    // The case page offers the dispatcher's actions, dispatch with the departments.
    let (status, page) = app.page(&format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("value=\"dispatch\"") && page.contains("value=\"accept\"") && page.contains("区综合行政执法局")
    );
    // A missing department or reason is shown at its form, and nothing moves.
    let (status, page) = act_on_page(app, id, &[("action", "dispatch"), ("department_id", ""), ("note", "")]).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"f-department_id-error\" role=\"alert\"") && page.contains("value=\"dispatch\" checked")
    );
    let (status, page) = act_on_page(app, id, &[("action", "reject"), ("note", " ")]).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"f-note-error\" role=\"alert\">请写明原因") && page.contains("value=\"reject\" checked")
    );
    // Dispatched to 区综合行政执法局, with a deadline.
    let enforcement = w.department(ENFORCEMENT).to_string();
    let (status, _) =
        act_on_page(app, id, &[("action", "dispatch"), ("department_id", &enforcement), ("note", "请尽快处理")]).await;
    assert_eq!(status, 303);
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("已派遣") && page.contains("处理时限") && page.contains("派往 区综合行政执法局"));
    assert!(page.contains("请尽快处理") && page.contains("value=\"redispatch\""));
    // Another department's handler does not learn the case exists; the department's own sees it.
    app.login(OTHER_HANDLER).await;
    assert_eq!(app.get(&format!("/cases/{id}")).await.status(), 404);
    app.login(HANDLER).await;
    let (status, page) = app.page(&format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"start_handling\"") && !page.contains("value=\"redispatch\""));
    assert!(page.contains("匿名反映人"), "the department is not told who filed an anonymous report");
}

#[tokio::test]
async fn the_reporter_confirms_and_rates_a_closed_case_once() {
    let w = world().await;
    let app = &w.app;
    let report = ReportPage::new(&w);
    app.login(RESIDENT).await;
    let id = report.file().await;
    app.login(DISPATCHER).await;
    let enforcement = w.department(ENFORCEMENT).to_string();
    assert_eq!(act_on_page(app, id, &[("action", "dispatch"), ("department_id", &enforcement)]).await.0, 303);
    app.login(HANDLER).await;
    assert_eq!(act_on_page(app, id, &[("action", "report_handled"), ("note", "彩钢棚已拆除")]).await.0, 303);
    // The reporter checks the work: closed; now the rating is offered.
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("彩钢棚已拆除") && page.contains("value=\"check_pass\""));
    assert_eq!(act_on_page(app, id, &[("action", "check_pass")]).await.0, 303);
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    assert!(
        page.contains("已结案") && page.contains("您对处理结果满意吗") && page.contains("value=\"fairly_satisfied\"")
    );
    // A rating must be chosen; a step the state no longer allows is refused with 409.
    let (status, page) = act_on_page(app, id, &[("action", "rate"), ("note", "")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"rating-error\" role=\"alert\""));
    let (status, page) = act_on_page(app, id, &[("action", "check_pass")]).await;
    assert_eq!(status, 409);
    assert!(page.contains("案件当前的状态不能进行这项操作"));
    assert_eq!(act_on_page(app, id, &[("action", "rate"), ("rating", "satisfied"), ("note", "很及时")]).await.0, 303);
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("<dd>满意</dd>") && !page.contains("您对处理结果满意吗"), "rated once, the choice goes");
    let (status, page) = act_on_page(app, id, &[("action", "rate"), ("rating", "unsatisfied")]).await;
    assert_eq!(status, 409);
    assert!(page.contains("这个案件已经评价过了"));
    let case = store::case(&mut app.state.db.conn().await.unwrap(), id).await.unwrap().unwrap();
    assert_eq!(case.rating, Some(ejia::cases::model::Rating::Satisfied));
}

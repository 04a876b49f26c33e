//! Anonymous reports: the reporter is named to nobody — not the department, the street, the
//! district's admins, the public, nor the audit log's actor column — and the command centre
//! learns who it is only by a reveal on the case page, answered to the POST, uncached and
//! audited (who, which case, never the name or number). The reporter still follows the report.

use serde_json::{Value, json};

use crate::helpers::*;

const RESIDENT: &str = "13911112222";
const DISPATCHER: &str = "13700000001";
const HANDLER: &str = "13700000002";
const STREET_ADMIN: &str = "13700000003";
const INSPECTOR: &str = "13700000004";
const NEIGHBOUR: &str = "13911113333";
const ADMIN: &str = "13900000001";

/// What the resident files: 路面塌陷 (0401), which needs no photo.
const CATEGORY: &str = "0401";

/// A district with the resident and a neighbour in 云霄路社区, the command centre's dispatcher,
/// a handler of 区综合行政执法局, the street's admin and inspector, and a district admin.
async fn world() -> World {
    World::district()
        .await
        .with([
            Person::new(RESIDENT, "王秀兰").lives_in(YUNXIAOLU).api(),
            Person::new(NEIGHBOUR, "邻居").lives_in(YUNXIAOLU),
            Person::new(DISPATCHER, "调度员").dispatcher().api(),
            Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT).api(),
            Person::new(STREET_ADMIN, "街道管理员").street_admin_of(XIANGGANG_ZHONGLU),
            Person::new(INSPECTOR, "网格员").inspector_of(XIANGGANG_ZHONGLU),
            Person::new(ADMIN, "区管理员").district_admin(),
        ])
        .await
}

/// The resident files a report over the API, anonymous or not; its id.
async fn file(w: &World, anonymous: bool) -> i64 {
    let case = w.case(CATEGORY).description("楼下早市占道经营").in_community(YUNXIAOLU).address("云霄路 88 号");
    case.anonymous(anonymous).file(w.api(RESIDENT)).await
}

/// The audit entries about case `id`: (action, actor, after).
async fn audit(w: &World, id: i64) -> Vec<(String, Option<i64>, Option<String>)> {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_as(
        "select action, actor_user_id, after_json from audit_log where object_kind = 'case' and object_id = $1 \
         order by audit_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// Whether a text names the resident in any way: name, number, masked number.
fn names_resident(text: &str) -> bool {
    ["王秀兰", RESIDENT, "139 1111 2222", "139****2222"].iter().any(|s| text.contains(s))
}

#[tokio::test]
async fn an_anonymous_reporter_is_in_no_audit_entry_and_no_view_of_the_case_but_their_own() {
    let w = world().await;
    let app = &w.app;
    let id = file(&w, true).await;
    // The reporter comments and adds a photo; the dispatcher sends it to the department.
    assert_eq!(act(w.api(RESIDENT), id, json!({"action": "comment", "note": "早上六点开始"})).await.0, 200);
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([(x * 7) as u8, (y * 9) as u8, 90]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let (status, _, _) =
        w.api(RESIDENT).raw(reqwest::Method::POST, &format!("/cases/{id}/photos"), jpeg.into_inner()).await;
    assert_eq!(status, 201);
    let dispatch = json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)});
    assert_eq!(act(w.api(DISPATCHER), id, dispatch).await.0, 200);
    // The audit log names nobody for what the reporter did, and says why; staff are named.
    let audit = audit(&w, id).await;
    let actions: Vec<(&str, Option<i64>)> = audit.iter().map(|(a, who, _)| (a.as_str(), *who)).collect();
    assert_eq!(
        actions,
        [("case.file", None), ("case.act", None), ("case.photo", None), ("case.act", Some(w.id(DISPATCHER).0))]
    );
    assert_eq!(audit[0].2.as_deref(), Some(r#"{"anonymous":true}"#));
    app.login(ADMIN).await;
    let (_, log) = app.page("/manage/audit").await;
    let about: Vec<&str> = log.split("<li>").filter(|e| e.contains(&format!("案件 #{id}<"))).collect();
    assert_eq!(about.len(), 4, "{log}");
    assert!(about.iter().all(|e| !names_resident(e)), "{about:?}");
    let by: Vec<bool> = about.iter().map(|e| e.contains("<strong lang=\"zh-CN\">匿名反映人</strong>")).collect();
    assert_eq!(by, [false, true, true, true], "newest first: the dispatcher's step, then the reporter's");
    // Over the API nobody else gets the reporter's user id: not the department, not the centre.
    let resident_actor = format!("\"actor\":{}", w.id(RESIDENT).0);
    for who in [w.api(HANDLER), w.api(DISPATCHER)] {
        let (status, case) = who.get(&format!("/cases/{id}")).await;
        assert_eq!(status, 200);
        let timeline = case["timeline"].as_array().unwrap();
        assert_eq!((timeline[0]["actor"].clone(), timeline[0]["actor_role"].as_str()), (Value::Null, Some("reporter")));
        assert_eq!(timeline[1]["actor_role"], "reporter", "the comment is the reporter's, not the system's");
        assert!(!case.to_string().contains(&resident_actor) && !names_resident(&case.to_string()), "{case}");
    }
    // The pages: the department, the street, the centre — no name; the centre only gets the button.
    let reveal = format!("/cases/{id}/reporter/reveal");
    for (who, offered) in
        [(HANDLER, false), (STREET_ADMIN, false), (INSPECTOR, false), (ADMIN, false), (DISPATCHER, true)]
    {
        app.login(who).await;
        let (status, page) = app.page(&format!("/cases/{id}")).await;
        assert_eq!(status, 200, "{who}");
        assert!(!names_resident(&page), "{who} sees the reporter");
        assert!(page.contains("匿名反映人"), "{who}: the timeline says who acted without naming them");
        assert_eq!(page.contains(&format!("action=\"{reveal}\"")), offered, "{who} is offered the reveal");
    }
    let (_, queue) = app.page("/manage/cases").await;
    assert!(queue.contains(&format!("href=\"/cases/{id}\"")) && !names_resident(&queue));
    let (_, board) = app.page(&format!("/board/{id}")).await;
    assert!(!names_resident(&board));
    // The reporter still follows it, on the page and over the API, their own steps as theirs.
    app.login(RESIDENT).await;
    assert!(app.page("/me/cases").await.1.contains(&format!("href=\"/cases/{id}\"")));
    let (_, mine) = w.api(RESIDENT).get("/me/cases").await;
    assert_eq!(mine[0]["id"], id);
    let (_, own) = w.api(RESIDENT).get(&format!("/cases/{id}")).await;
    assert_eq!(own["timeline"][0]["actor"], w.id(RESIDENT).0);
}

#[tokio::test]
async fn only_the_command_centre_learns_who_reported_anonymously_by_an_audited_reveal() {
    let w = world().await;
    let app = &w.app;
    let id = file(&w, true).await;
    let reveal = format!("/cases/{id}/reporter/reveal");
    // Those who see the case but are not the centre: 403; those who do not: 404; no trace.
    for (who, status) in
        [(HANDLER, 404), (STREET_ADMIN, 403), (INSPECTOR, 403), (ADMIN, 403), (NEIGHBOUR, 404), (RESIDENT, 403)]
    {
        app.login(who).await;
        let r = app.post(&reveal, &[]).await;
        assert_eq!(r.status(), status, "{who}");
        let body = r.text().await.unwrap();
        assert!(who == RESIDENT || !names_resident(&body), "{who}");
    }
    app.login(DISPATCHER).await;
    let r = app.client.post(app.at(&reveal)).form(&[("_csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(audit(&w, id).await.iter().all(|(a, _, _)| a != "case.reporter_reveal"), "refusals leave no trace");
    // The centre: name and number, once, uncached, dialable; the log says who looked, not what.
    let r = app.post(&reveal, &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("location").is_none() && r.headers().get("set-cookie").is_none());
    let shown = r.text().await.unwrap();
    assert!(
        shown.contains("王秀兰") && shown.contains("<a href=\"tel:13911112222\" aria-label=\"拨打 139 1111 2222\">")
    );
    assert!(shown.contains("这次查看已记入操作日志") && !shown.contains(&format!("action=\"{reveal}\"")));
    let entries: Vec<_> = audit(&w, id).await.into_iter().filter(|(a, _, _)| a == "case.reporter_reveal").collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1, Some(w.id(DISPATCHER).0));
    let after = entries[0].2.clone().unwrap();
    assert!(after.contains("anonymous_reporter") && !names_resident(&after), "{after}");
    let (_, again) = app.page(&format!("/cases/{id}")).await;
    assert!(!names_resident(&again), "the page itself stays anonymous");
    app.login(ADMIN).await;
    let (_, log) = app.page("/manage/audit").await;
    let entry = log
        .split("id=\"audit-entries\"")
        .nth(1)
        .unwrap()
        .split("<li>")
        .find(|e| e.contains("查看匿名反映人身份"))
        .unwrap();
    assert!(entry.contains("<strong lang=\"zh-CN\">调度员</strong>") && entry.contains(&format!("案件 #{id}<")));
    assert!(!names_resident(entry), "{entry}");
    // A report that is not anonymous hides nobody: there is nothing to reveal.
    let named = file(&w, false).await;
    app.login(DISPATCHER).await;
    let (_, page) = app.page(&format!("/cases/{named}")).await;
    assert!(!page.contains("/reporter/reveal"));
    assert_eq!(app.post(&format!("/cases/{named}/reporter/reveal"), &[]).await.status(), 404);
}

#[tokio::test]
async fn a_report_filed_anonymously_on_the_report_page_names_nobody_in_the_log() {
    let w = world().await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let (_, form) = app.page(&format!("/report?category={}", w.category(CATEGORY))).await;
    assert!(form.contains("只有指挥中心在需要联系您时可以查看，每次查看都会记入操作日志"), "the hint says so");
    let (category, community) = (w.category(CATEGORY).to_string(), w.community(YUNXIAOLU).to_string());
    let fields = [
        ("step", "submit"),
        ("category_id", category.as_str()),
        ("description", "楼下早市占道经营"),
        ("community_id", community.as_str()),
        ("anonymous", "1"),
    ];
    let r = app.post("/report", &fields).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.strip_prefix("/cases/").unwrap().strip_suffix("?filed=1").unwrap().parse().unwrap();
    let audit = audit(&w, id).await;
    assert_eq!((audit[0].0.as_str(), audit[0].1), ("case.file", None));
}

//! Enterprise approval assistance (帮办代办): an enterprise account applied for and approved, a
//! 食品经营许可 request filed, an agent assigned who walks its checklist while the company sees
//! each step, the visits it was spared, and the agents' list — over the API and through the pages.

use ejia::ids::UserId;
use ejia::notify::worker::{OutboxGateway, run_once};
use serde_json::{Value, json};

use crate::helpers::*;

const COMPANY: &str = "13512340001";
const AGENT: &str = "13512340002";
const COLLEAGUE: &str = "13512340003";
const DISPATCHER: &str = "13512340004";
const ENFORCER: &str = "13512340005";
/// A code with a right check character (worked by hand in `enterprise/uscc.rs`), and one mistyped.
const USCC: &str = "91370202MA3C12345B";
const USCC_TYPO: &str = "91370202MA3C12345C";

/// A district with a company's owner (no roles yet), a dispatcher, an agent and a colleague of
/// 区行政审批局, and a handler of 区综合行政执法局; each with an API client.
async fn world() -> World {
    World::district()
        .await
        .with([
            Person::new(COMPANY, "李经理").api(),
            Person::new(AGENT, "帮办员小王").handler_of(APPROVAL).api(),
            Person::new(COLLEAGUE, "审批局同事").handler_of(APPROVAL).api(),
            Person::new(DISPATCHER, "指挥中心").dispatcher().api(),
            Person::new(ENFORCER, "执法队员").handler_of(ENFORCEMENT).api(),
        ])
        .await
}

/// The id of an assistance item by name.
async fn item(api: &Api, name: &str) -> (i64, Vec<i64>) {
    let (status, items) = api.get("/assist-items").await;
    assert_eq!(status, 200);
    let item = items.as_array().unwrap().iter().find(|i| i["name"] == name).unwrap().clone();
    let steps = item["steps"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    (item["id"].as_i64().unwrap(), steps)
}

fn progress(v: &Value) -> (i64, i64, i64) {
    let p = &v["progress"];
    (p["done"].as_i64().unwrap(), p["total"].as_i64().unwrap(), p["visits_spared"].as_i64().unwrap())
}

/// Applies for the company's account and has the dispatcher approve it.
async fn approved_company(w: &World) -> i64 {
    let body =
        json!({"name": "青岛海味餐饮有限公司", "uscc": USCC, "contact_name": "李经理", "contact_phone": "13512340001"});
    let (status, applied) = w.api(COMPANY).post("/enterprise/application", body).await;
    assert_eq!(status, 201, "{applied}");
    let id = applied["id"].as_i64().unwrap();
    let (status, decided) =
        w.api(DISPATCHER).post(&format!("/enterprises/{id}/decision"), json!({"approve": true})).await;
    assert_eq!((status, decided["status"].as_str()), (200, Some("approved")), "{decided}");
    id
}

#[tokio::test]
async fn an_enterprise_files_a_food_licence_request_the_agent_walks_the_checklist_and_the_company_sees_each_step() {
    let w = world().await;
    // The account: a mistyped code is refused at its field, in words; then applied and approved.
    assert_eq!(w.api(COMPANY).get("/me/enterprise").await.0, 404);
    let (food, steps) = item(w.api(COMPANY), "食品经营许可").await;
    assert_eq!(steps.len(), 5);
    let (status, _) = w.api(COMPANY).post("/enterprise/requests", json!({"item_id": food})).await;
    assert_eq!(status, 403, "no requests before approval");
    let bad = json!({"name": "青岛海味餐饮有限公司", "uscc": USCC_TYPO, "contact_name": "李经理", "contact_phone": "13512340001"});
    let (status, problem) = w.api(COMPANY).post("/enterprise/application", bad).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("uscc")));
    assert_eq!(problem["errors"][0]["message"], "统一社会信用代码校验位不符，请核对是否输错。");
    assert_eq!(w.api(AGENT).get("/enterprises").await.0, 403, "handlers do not decide on accounts");
    let enterprise = approved_company(&w).await;
    let (_, mine) = w.api(COMPANY).get("/me/enterprise").await;
    assert_eq!((mine["status"].as_str(), mine["uscc"].as_str()), (Some("approved"), Some(USCC)));
    assert_eq!(mine["contact_phone"], "135****0001", "the contact's phone is shown masked");
    let again = w.api(DISPATCHER).post(&format!("/enterprises/{enterprise}/decision"), json!({"approve": false})).await;
    assert_eq!(again.0, 422, "a refusal needs a reason");
    let path = format!("/enterprises/{enterprise}/decision");
    assert_eq!(w.api(DISPATCHER).post(&path, json!({"approve": false, "note": "x"})).await.0, 409, "decided once");
    // One code, one enterprise.
    let copy = json!({"name": "另一家", "uscc": USCC, "contact_name": "张", "contact_phone": "13512340009"});
    let (status, problem) = w.api(ENFORCER).post("/enterprise/application", copy).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("uscc")));

    // The request: a case of the item, with the enterprise's contact, waiting for an agent.
    let body = json!({"item_id": food, "description": "新开一家海鲜餐馆，香港中路 8 号"});
    let (status, filed) = w.api(COMPANY).post("/enterprise/requests", body).await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_i64().unwrap();
    assert_eq!((filed["state"].as_str(), progress(&filed)), (Some("reported"), (0, 5, 0)));
    let (_, case) = w.api(COMPANY).get(&format!("/cases/{id}")).await;
    assert_eq!(case["source"], "enterprise");
    // Only the dispatcher assigns, and only a handler of the item's department.
    assert_eq!(
        w.api(COMPANY)
            .send(
                reqwest::Method::PUT,
                &format!("/cases/{id}/agent"),
                Some(json!({"agent_user_id": w.id(AGENT).0})),
                None
            )
            .await
            .0,
        403
    );
    assert_eq!(w.api(AGENT).get(&format!("/cases/{id}/checklist")).await.0, 404, "not the agent's yet");
    let put = |who: &Api, agent: UserId| {
        let who = who.clone();
        async move {
            who.send(reqwest::Method::PUT, &format!("/cases/{id}/agent"), Some(json!({"agent_user_id": agent.0})), None)
                .await
        }
    };
    let (status, problem) = put(w.api(DISPATCHER), w.id(ENFORCER)).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("agent_user_id")));
    let (status, assigned) = put(w.api(DISPATCHER), w.id(AGENT)).await;
    assert_eq!((status, assigned["state"].as_str()), (200, Some("dispatched")), "{assigned}");
    assert_eq!(assigned["agent_user_id"], w.id(AGENT).0);
    assert!(assigned["deadline"].as_str().unwrap().starts_with("2026-12-1"), "ten working days: {assigned}");

    // The agent walks the checklist; only the agent ticks, each step once.
    let tick = |who: &Api, step: i64, note: &str| {
        let (who, note) = (who.clone(), note.to_owned());
        async move { who.post(&format!("/cases/{id}/checklist/{step}"), json!({"note": note})).await }
    };
    assert_eq!(tick(w.api(COLLEAGUE), steps[0], "").await.0, 403, "a colleague of the department is not the agent");
    assert_eq!(tick(w.api(COMPANY), steps[0], "").await.0, 403);
    let (status, first) = tick(w.api(AGENT), steps[0], "营业执照和平面图已预审").await;
    assert_eq!((status, first["state"].as_str(), progress(&first)), (200, Some("handling"), (1, 5, 1)), "{first}");
    assert_eq!(tick(w.api(AGENT), steps[0], "").await.0, 409);
    // The company sees the step, hears of it, and the agent and company exchange messages.
    let (_, seen) = w.api(COMPANY).get(&format!("/cases/{id}/checklist")).await;
    assert!(seen["steps"][0]["done_at"].is_i64() && seen["steps"][1]["done_at"].is_null());
    assert_eq!(seen["steps"][0]["note"], "营业执照和平面图已预审");
    let (_, inbox) = w.api(COMPANY).get("/me/notifications").await;
    assert_eq!(inbox[0]["kind"], "case.assist_step");
    assert_eq!(inbox[0]["link"], format!("/cases/{id}"), "the notice links its case");
    assert_eq!(
        inbox[0]["text"],
        format!("您的帮办事项（食品经营许可，案件 {id}）已完成一步：申请前辅导与材料预审。进度 1/5。")
    );
    let (_, agent_inbox) = w.api(AGENT).get("/me/notifications").await;
    assert_eq!(agent_inbox[0]["text"], format!("您被指派为帮办员：食品经营许可（案件 {id}）。"));
    assert_eq!(act(w.api(AGENT), id, json!({"action": "comment", "note": "请准备从业人员健康证明"})).await.0, 200);
    assert_eq!(act(w.api(COMPANY), id, json!({"action": "comment", "note": "已经办好了"})).await.0, 200);
    // Handled only once every step is done.
    let (status, problem) = act(w.api(AGENT), id, json!({"action": "report_handled"})).await;
    assert_eq!((status, problem["title"].is_string()), (422, true), "{problem}");
    for (i, step) in steps.iter().enumerate().skip(1) {
        let (status, after) = tick(w.api(AGENT), *step, "").await;
        assert_eq!((status, progress(&after).0), (200, i as i64 + 1));
    }
    let (_, done) = w.api(COMPANY).get(&format!("/cases/{id}/checklist")).await;
    assert_eq!(progress(&done), (5, 5, 5), "five visits spared");
    assert_eq!(act(w.api(AGENT), id, json!({"action": "report_handled", "note": "许可证已代领"})).await.0, 200);
    assert_eq!(tick(w.api(AGENT), steps[0], "").await.0, 409, "nothing to tick once handled");
    let (status, closed) = act(w.api(COMPANY), id, json!({"action": "check_pass"})).await;
    assert_eq!((status, closed["state"].as_str()), (200, Some("closed")));
    assert_eq!(act(w.api(COMPANY), id, json!({"action": "rate", "rating": "satisfied"})).await.0, 200);
    let (_, full) = w.api(COMPANY).get(&format!("/cases/{id}")).await;
    let actions: Vec<&str> =
        full["timeline"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "file",
            "dispatch",
            "assist_agent",
            "start_handling",
            "assist_step",
            "comment",
            "comment",
            "assist_step",
            "assist_step",
            "assist_step",
            "assist_step",
            "report_handled",
            "check_pass",
            "rate"
        ]
    );
    let (_, inbox) = w.api(COMPANY).get("/me/notifications").await;
    let steps_heard = inbox.as_array().unwrap().iter().filter(|n| n["kind"] == "case.assist_step").count();
    assert_eq!(steps_heard, 5, "the company heard of each step");

    // The lists: the company's own requests; the agent's, filterable and sortable; nobody else's.
    let (_, own) = w.api(COMPANY).get("/enterprise/requests").await;
    assert_eq!((own[0]["id"].as_i64(), own[0]["progress"]["visits_spared"].as_i64()), (Some(id), Some(5)));
    let (_, listed) = w.api(AGENT).get(&format!("/assist-cases?item_id={food}&state=closed&sort=deadline")).await;
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["enterprise"], "青岛海味餐饮有限公司");
    assert_eq!(w.api(AGENT).get("/assist-cases?state=handling").await.1, json!([]));
    assert_eq!(w.api(ENFORCER).get("/assist-cases").await.1, json!([]), "another department's handler sees none");
    assert_eq!(w.api(COMPANY).get("/assist-cases").await.0, 403);
    assert_eq!(w.api(DISPATCHER).get("/assist-cases").await.1[0]["id"], id);
}

#[tokio::test]
async fn the_pages_carry_an_application_a_request_the_assignment_and_the_checklist() {
    let w = world().await;
    let app = &w.app;
    app.login(COMPANY).await;
    let (status, page) = app.page("/enterprise").await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/enterprise/apply\""));
    // A mistyped code: 422, the form again with what was typed and the reason at the field.
    let fields = |uscc: &'static str| {
        vec![
            ("name", "青岛海味餐饮有限公司"),
            ("uscc", uscc),
            ("contact_name", "李经理"),
            ("contact_phone", "13512340001"),
        ]
    };
    let r = app.post("/enterprise/apply", &fields(USCC_TYPO)).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("统一社会信用代码校验位不符") && page.contains("id=\"f-uscc-error\""));
    assert!(page.contains("value=\"青岛海味餐饮有限公司\""));
    let r = app.post("/enterprise/apply", &fields(USCC)).await;
    assert_eq!(r.headers()["location"], "/enterprise?applied=1");
    let (_, page) = app.page("/enterprise?applied=1").await;
    assert!(page.contains("待审核") && page.contains(USCC));
    assert_eq!(app.get("/enterprise/requests/new").await.headers()["location"], "/enterprise", "not approved yet");
    // The dispatcher approves it in the back office.
    app.login(DISPATCHER).await;
    let (_, tiles) = app.page("/manage").await;
    assert!(tiles.contains("href=\"/manage/assist\"") && tiles.contains("href=\"/manage/enterprises\""));
    let (_, page) = app.page("/manage/enterprises").await;
    assert!(page.contains("青岛海味餐饮有限公司") && page.contains("通过认证"));
    let id: i64 = {
        let mut conn = app.state.db.conn().await.unwrap();
        sqlx::query_scalar("select enterprise_id from enterprises").fetch_one(&mut *conn).await.unwrap()
    };
    let r = app.post(&format!("/manage/enterprises/{id}/decision"), &[("decision", "refuse")]).await;
    assert_eq!(r.status(), 422, "a refusal needs its reason");
    let r = app.post(&format!("/manage/enterprises/{id}/decision"), &[("decision", "approve")]).await;
    assert_eq!(r.status(), 303);
    // The company files a request from its page.
    app.login(COMPANY).await;
    let (status, form) = app.page("/enterprise/requests/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("食品经营许可") && form.contains("现场核查") && form.contains("为企业少跑 5 次"));
    let (food, steps) = item(w.api(COMPANY), "食品经营许可").await;
    let r = app.post("/enterprise/requests/new", &[("item_id", "")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post("/enterprise/requests/new", &[("item_id", &food.to_string()), ("contact_phone", "123")]).await;
    assert_eq!(r.status(), 422, "a contact given is checked");
    let r = app.post("/enterprise/requests/new", &[("item_id", &food.to_string())]).await;
    assert_eq!(r.status(), 303);
    let case: i64 = r.headers()["location"].to_str().unwrap().rsplit('-').next().unwrap().parse().unwrap();
    // The dispatcher assigns the agent on the case page; a wrong choice is explained.
    app.login(DISPATCHER).await;
    let (_, page) = app.page(&format!("/cases/{case}")).await;
    assert!(
        page.contains("帮办进度")
            && page.contains("帮办员小王")
            && page.contains("<span lang=\"zh-CN\">李经理</span> <span class=\"code\">135****0001</span>")
    );
    assert!(!page.contains("13512340001"), "the whole number only in the answer to a reveal");
    let r = app.post(&format!("/cases/{case}/assist/agent"), &[("agent_user_id", &w.id(ENFORCER).0.to_string())]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请从列表中选择本部门的工作人员"));
    let r = app.post(&format!("/cases/{case}/assist/agent"), &[("agent_user_id", &w.id(AGENT).0.to_string())]).await;
    assert_eq!(r.status(), 303);
    // The agent finds it in their list and ticks the first step on the case page.
    app.login(AGENT).await;
    let (_, list) = app.page(&format!("/manage/assist?item={food}&sort=deadline")).await;
    assert!(list.contains(&format!("href=\"/cases/{case}\"")) && list.contains("已完成 0/5 步"));
    let (_, page) = app.page(&format!("/cases/{case}")).await;
    assert!(page.contains(&format!("action=\"/cases/{case}/checklist/{}\"", steps[0])));
    let r = app.post(&format!("/cases/{case}/checklist/{}", steps[0]), &[("note", "材料齐全")]).await;
    assert_eq!(r.headers()["location"], format!("/cases/{case}#checklist").as_str());
    let r = app.post(&format!("/cases/{case}/checklist/{}", steps[0]), &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("这一步已经完成了"));
    // The company sees the step on its page, with the progress and the visit spared.
    app.login(COMPANY).await;
    let (_, page) = app.page("/enterprise").await;
    assert!(page.contains("已完成 1/5 步") && page.contains("为企业少跑 1 次") && page.contains("材料齐全"));
    assert!(page.contains("帮办员小王") && page.contains("<progress"));
    let (_, page) = app.page(&format!("/cases/{case}")).await;
    assert!(page.contains("完成办理步骤") && page.contains("135****0001") && !page.contains("13512340001"));
    assert!(!page.contains("/checklist/"), "the company does not tick");
}

#[tokio::test]
async fn assistance_items_are_for_enterprises_only_and_refused_applications_may_be_sent_again() {
    let w = world().await;
    let (food, _) = item(w.api(COMPANY), "食品经营许可").await;
    // Residents report city problems, not assistance items; the report screens do not offer them.
    let (status, problem) = w.api(COMPANY).post("/cases", json!({"category_id": food, "description": "x"})).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (422, Some("category_id")));
    w.app.login(COMPANY).await;
    let (_, report) = w.app.page("/report").await;
    assert!(!report.contains("食品经营许可"));
    // Refused, then sent again and approved; the role comes with approval.
    let body =
        json!({"name": "青岛海味餐饮有限公司", "uscc": USCC, "contact_name": "李经理", "contact_phone": "13512340001"});
    let (_, applied) = w.api(COMPANY).post("/enterprise/application", body.clone()).await;
    let id = applied["id"].as_i64().unwrap();
    assert_eq!(w.api(COMPANY).post("/enterprise/application", body.clone()).await.0, 409, "one pending application");
    let (status, refused) = w
        .api(DISPATCHER)
        .post(&format!("/enterprises/{id}/decision"), json!({"approve": false, "note": "名称与执照不符"}))
        .await;
    assert_eq!((status, refused["status"].as_str()), (200, Some("refused")));
    let (_, page) = w.app.page("/enterprise").await;
    assert!(page.contains("名称与执照不符") && page.contains("重新提交认证"));
    let (status, again) = w.api(COMPANY).post("/enterprise/application", body).await;
    assert_eq!((status, again["status"].as_str()), (201, Some("pending")));
    let id = again["id"].as_i64().unwrap();
    assert_eq!(enterprise_grants(&w.app).await, 0);
    w.api(DISPATCHER).post(&format!("/enterprises/{id}/decision"), json!({"approve": true})).await;
    assert_eq!(enterprise_grants(&w.app).await, 1);
    let (status, _) = w.api(COMPANY).post("/enterprise/requests", json!({"item_id": food})).await;
    assert_eq!(status, 201, "the role reaches the company's token at once");
    assert!(w.app.count("audit_log").await >= 4);
}

async fn enterprise_grants(app: &TestApp) -> i64 {
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query_scalar("select count(*) from role_grants where role = 'enterprise'")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// A second valid code (check character worked as in `enterprise/uscc.rs`).
const USCC_OTHER: &str = "91370202MA3C12346E";

/// The notices of decisions on applications in a user's inbox, over the API, newest first.
async fn decision_notices(api: &Api) -> Vec<Value> {
    let (status, inbox) = api.get("/me/notifications").await;
    assert_eq!(status, 200);
    let decisions = inbox.as_array().unwrap().iter();
    decisions.filter(|n| n["kind"].as_str().unwrap().starts_with("case.assist_enterprise_")).cloned().collect()
}

async fn texts(app: &TestApp) -> Vec<String> {
    let mut conn = app.state.db.conn().await.unwrap();
    ejia::notify::recent_sms(&mut conn, 100).await.unwrap().into_iter().rev().map(|s| s.body).collect()
}

#[tokio::test]
async fn the_applicant_hears_once_that_the_application_was_approved_or_refused_and_why() {
    let w = world().await;
    let app = &w.app;
    // Approved in the back office: the company finds where to go next in its inbox.
    app.login(COMPANY).await;
    let fields =
        [("name", "青岛海味餐饮有限公司"), ("uscc", USCC), ("contact_name", "李经理"), ("contact_phone", COMPANY)];
    assert_eq!(app.post("/enterprise/apply", &fields).await.status(), 303);
    let (_, page) = app.page("/me/inbox").await;
    assert!(!page.contains("青岛海味餐饮有限公司"), "nothing to hear while pending");
    let approved: i64 = {
        let mut conn = app.state.db.conn().await.unwrap();
        sqlx::query_scalar("select enterprise_id from enterprises").fetch_one(&mut *conn).await.unwrap()
    };
    app.login(DISPATCHER).await;
    let decide = format!("/manage/enterprises/{approved}/decision");
    assert_eq!(app.post(&decide, &[("decision", "approve")]).await.status(), 303);
    // Deciding again fails (the page just shows the list again, where it stands decided) and
    // tells the company nothing more.
    assert_eq!(app.post(&decide, &[("decision", "refuse"), ("note", "重复")]).await.status(), 303);
    let path = format!("/enterprises/{approved}/decision");
    assert_eq!(w.api(DISPATCHER).post(&path, json!({"approve": true})).await.0, 409);
    assert_eq!(w.api(COMPANY).get("/me/enterprise").await.1["status"], "approved");
    app.login(COMPANY).await;
    let (_, page) = app.page("/me/inbox").await;
    let words = "您的企业认证（青岛海味餐饮有限公司）已通过审核。现在可以在企业帮办页面 /enterprise 提交帮办申请。";
    assert!(page.contains(words), "{page}");
    let heard = decision_notices(w.api(COMPANY)).await;
    assert_eq!(heard.len(), 1, "one notice for one decision: {heard:?}");
    assert_eq!(
        (heard[0]["kind"].as_str(), heard[0]["text"].as_str()),
        (Some("case.assist_enterprise_approved"), Some(words))
    );

    // Refused over the API: a refusal without its reason fails and tells nothing; then the reason
    // reaches the applicant as the dispatcher wrote it.
    let other = w.client(Person::new("13512340006", "王老板")).await;
    let body = json!({"name": "青岛王记商贸有限公司", "uscc": USCC_OTHER, "contact_name": "王老板", "contact_phone": "13512340006"});
    let (status, applied) = other.post("/enterprise/application", body).await;
    assert_eq!(status, 201, "{applied}");
    let path = format!("/enterprises/{}/decision", applied["id"]);
    assert_eq!(w.api(DISPATCHER).post(&path, json!({"approve": false, "note": "  "})).await.0, 422);
    assert_eq!(other.post(&path, json!({"approve": true})).await.0, 403, "no deciding on one's own");
    assert!(decision_notices(&other).await.is_empty());
    let refusal = json!({"approve": false, "note": "名称与营业执照不符，请按执照填写"});
    assert_eq!(w.api(DISPATCHER).post(&path, refusal.clone()).await.0, 200);
    assert_eq!(w.api(DISPATCHER).post(&path, refusal).await.0, 409);
    let heard = decision_notices(&other).await;
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0]["kind"], "case.assist_enterprise_refused");
    assert_eq!(
        heard[0]["text"],
        "您的企业认证（青岛王记商贸有限公司）未通过审核，可修改后在 /enterprise 重新提交。原因：名称与营业执照不符，请按执照填写"
    );
    assert_eq!(decision_notices(w.api(COMPANY)).await.len(), 1, "the first company heard nothing of it");

    // In English for a reader who chose it, in the inbox and in the text message; the text points
    // to the inbox for the reason. The refused application is gone once sent again; its notice stays.
    app.login("13512340006").await;
    assert_eq!(app.post("/prefs", &[("lang", "en"), ("next", "/me/inbox")]).await.status(), 303);
    let body = json!({"name": "青岛王记商贸有限公司", "uscc": USCC_OTHER, "contact_name": "王老板", "contact_phone": "13512340006"});
    assert_eq!(other.post("/enterprise/application", body).await.0, 201);
    let (_, page) = app.page("/me/inbox").await;
    assert!(
        page.contains(
            "Your enterprise application (<span lang=\"zh-CN\">青岛王记商贸有限公司</span>) was not approved; you may \
             correct it and apply again at /enterprise. Reason: <span lang=\"zh-CN\">名称与营业执照不符，请按执照填写</span>"
        ),
        "{page}"
    );
    let report = run_once(&app.state, &OutboxGateway).await.unwrap();
    assert_eq!(report.texted, 2, "{report:?}");
    let sent = texts(app).await;
    assert_eq!(
        sent,
        [
            "【e家】您的企业认证（青岛海味餐饮有限公司）已通过审核，现在可以登录 e家 申请企业帮办代办。",
            "[ejia] Your enterprise application (青岛王记商贸有限公司) was not approved. Log in to ejia to see the \
             reason in your messages.",
        ]
    );
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().texted, 0, "each decision texted once");
}

/// The audit entries of contact reveals: (actor, case, after).
async fn contact_reveals(app: &TestApp) -> Vec<(Option<i64>, i64, Option<String>)> {
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query_as(
        "select actor_user_id, object_id, after_json from audit_log where action = 'case.contact_reveal' order by audit_id",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_enterprise_contacts_whole_number_is_shown_only_in_the_answer_to_an_audited_reveal() {
    let w = world().await;
    let app = &w.app;
    approved_company(&w).await;
    let (food, _) = item(w.api(COMPANY), "食品经营许可").await;
    let (_, filed) = w.api(COMPANY).post("/enterprise/requests", json!({"item_id": food})).await;
    let id = filed["id"].as_i64().unwrap();
    let body = Some(json!({"agent_user_id": w.id(AGENT).0}));
    assert_eq!(w.api(DISPATCHER).send(reqwest::Method::PUT, &format!("/cases/{id}/agent"), body, None).await.0, 200);
    let reveal = format!("/cases/{id}/contact/reveal");
    let button = format!("action=\"{reveal}\"");
    // A plain GET shows the number masked to everyone, those who call the company included.
    for (who, offered) in [(DISPATCHER, true), (AGENT, true), ("13512340003", false), (COMPANY, false)] {
        app.login(who).await;
        let (status, page) = app.page(&format!("/cases/{id}")).await;
        assert_eq!(status, 200, "{who}");
        assert!(page.contains("135****0001") && !page.contains(COMPANY) && !page.contains("135 1234 0001"), "{who}");
        assert_eq!(page.contains(&button), offered, "{who} is offered the reveal");
    }
    // Not without the page's token; not for the agent's colleague, the company, or a stranger.
    app.login(AGENT).await;
    let r = app.client.post(app.at(&reveal)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    for (who, status) in [("13512340003", 403), (COMPANY, 403), ("13512340005", 404)] {
        app.login(who).await;
        let r = app.post(&reveal, &[]).await;
        assert_eq!(r.status(), status, "{who}");
        assert!(!r.text().await.unwrap().contains("135 1234 0001"), "{who}");
    }
    assert!(contact_reveals(app).await.is_empty(), "refusals leave no trace");
    // The agent reveals it: once, uncached, dialable; the log says who and which case, not the number.
    app.login(AGENT).await;
    let r = app.post(&reveal, &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let shown = r.text().await.unwrap();
    assert!(shown.contains("<a href=\"tel:13512340001\" aria-label=\"拨打 135 1234 0001\">135 1234 0001</a>"));
    assert!(shown.contains("这次查看已记入操作日志") && !shown.contains(&button), "no second button");
    app.login(DISPATCHER).await;
    assert_eq!(app.post(&reveal, &[]).await.status(), 200);
    let entries = contact_reveals(app).await;
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[0].0, entries[0].1), (Some(w.id(AGENT).0), id));
    for (_, _, after) in &entries {
        let after = after.as_deref().unwrap();
        assert!(after.contains("contact_phone") && !after.contains("0001") && !after.contains("1234"), "{after}");
    }
    // A case without a contact has none to reveal.
    let category = {
        let mut conn = app.state.db.conn().await.unwrap();
        let all = ejia::cases::store::categories(&mut conn).await.unwrap();
        all.into_iter().find(|c| c.code == "0101").unwrap().id
    };
    let (status, plain) =
        w.api(COMPANY).post("/cases", json!({"category_id": category, "description": "路边违建"})).await;
    assert_eq!(status, 201, "{plain}");
    let plain = plain["id"].as_i64().unwrap();
    assert_eq!(app.post(&format!("/cases/{plain}/contact/reveal"), &[]).await.status(), 404);
    assert_eq!(contact_reveals(app).await.len(), 2);
    app.login_district_admin().await;
    let (_, log) = app.page("/manage/audit").await;
    // The entries only: the action filter's options name every action too.
    let log = log.split("id=\"audit-entries\"").nth(1).unwrap();
    assert!(log.contains("查看企业联系人完整号码") && !log.contains(COMPANY) && !log.contains("135 1234 0001"));
}

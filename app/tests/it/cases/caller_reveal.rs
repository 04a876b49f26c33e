//! Revealing a hotline caller's full number to call them back, through the real pages: the case
//! page shows the number masked; a POST with the page's CSRF token answers with the whole number
//! once, uncached, and writes one audit entry without it; those who cannot see the case get 404,
//! those who see it but do not call back get 403, and neither leaves a trace in the log.

use crate::helpers::*;

/// A registered resident of 云霄路社区, who calls the hotline about their own street.
const RESIDENT: &str = "13911112222";
const DISPATCHER: &str = "13700000001";
const HANDLER: &str = "13700000002";
const OTHER_HANDLER: &str = "13700000003";
const INSPECTOR: &str = "13700000004";
const STREET_ADMIN: &str = "13700000005";
const OTHER_STREET_ADMIN: &str = "13700000006";
const NEIGHBOUR: &str = "13911113333";
/// A caller with no account.
const CALLER: &str = "13555556666";

/// 香港中路街道's staff and residents around a district dispatcher, who is logged in.
async fn world() -> World {
    let w = World::district()
        .await
        .with([
            Person::new(RESIDENT, "王女士").lives_in(YUNXIAOLU),
            Person::new(NEIGHBOUR, "邻居").lives_in(YUNXIAOLU),
            Person::new(DISPATCHER, "调度员").dispatcher(),
            Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT),
            Person::new(OTHER_HANDLER, "别的部门").handler_of(PUBLICITY),
            Person::new(INSPECTOR, "网格员").inspector_of(XIANGGANG_ZHONGLU),
            Person::new(STREET_ADMIN, "街道管理员").street_admin_of(XIANGGANG_ZHONGLU),
            Person::new(OTHER_STREET_ADMIN, "别的街道").street_admin_of(BADAXIA),
        ])
        .await;
    w.app.login(DISPATCHER).await;
    w
}

/// The dispatcher takes a call from `phone` about 云霄路 and dispatches it to 执法局; its id.
async fn call_from(w: &World, phone: &str) -> i64 {
    let app = &w.app;
    app.login(DISPATCHER).await;
    let (category, community) = (w.category(ILLEGAL_BUILDING).to_string(), w.community(YUNXIAOLU).to_string());
    let fields = [
        ("caller_name", "李先生"),
        ("caller_phone", phone),
        ("category_id", &category),
        ("description", "楼下空地有人搭建彩钢棚。"),
        ("community_id", &community),
        ("wants_reply", "1"),
    ];
    let r = app.post("/manage/hotline", &fields).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap();
    let id: i64 = to.strip_prefix("/manage/hotline?filed=").unwrap().parse().unwrap();
    let department = w.department(ENFORCEMENT).to_string();
    let r = app.post(&format!("/cases/{id}/act"), &[("action", "dispatch"), ("department_id", &department)]).await;
    assert_eq!(r.status(), 303);
    id
}

/// The audit entries of reveals: (actor, case, before, after, summary).
async fn reveals(w: &World) -> Vec<(Option<i64>, i64, Option<String>, Option<String>, String)> {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_as(
        "select actor_user_id, object_id, before_json, after_json, summary from audit_log \
         where action = 'case.caller_reveal' order by audit_id",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

fn reveal_path(id: i64) -> String {
    format!("/cases/{id}/caller/reveal")
}

#[tokio::test]
async fn the_dispatcher_reveals_a_callers_number_once_and_the_reveal_is_audited_without_it() {
    let w = world().await;
    let app = &w.app;
    let id = call_from(&w, "135 5555 6666").await;
    let (status, page) = app.page(&format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("<span lang=\"zh-CN\">李先生</span> · 135****6666 · 需回复处理结果"));
    assert!(page.contains(&format!("action=\"{}\"", reveal_path(id))) && page.contains("显示完整号码（将被记录）"));
    assert!(!page.contains(CALLER) && !page.contains("135 5555 6666"));
    // Without the page's token (none, or a forged one) nothing is shown or recorded.
    let r = app.client.post(app.at(&reveal_path(id))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = app.client.post(app.at(&reveal_path(id))).form(&[("_csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains("5555"));
    assert!(reveals(&w).await.is_empty());
    // With it: the case page, the number whole and dialable, uncached, nowhere else.
    let r = app.post(&reveal_path(id), &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers().get("location").is_none() && r.headers().get("set-cookie").is_none());
    let shown = r.text().await.unwrap();
    assert!(shown.contains("<a href=\"tel:13555556666\" aria-label=\"拨打 135 5555 6666\">135 5555 6666</a>"));
    assert!(shown.contains("完整号码") && shown.contains("这次查看已记入操作日志"));
    assert!(!shown.contains(&format!("action=\"{}\"", reveal_path(id))), "no second button beside the number");
    let reveals = reveals(&w).await;
    assert_eq!(reveals.len(), 1);
    let (actor, case, before, after, summary) = &reveals[0];
    assert_eq!((*actor, *case, before.as_deref()), (Some(w.id(DISPATCHER).0), id, None));
    let entry = format!("{after:?} {summary}");
    for digits in [CALLER, "5555", "6666"] {
        assert!(!entry.contains(digits), "{digits} in {entry}");
    }
    // The page itself stays masked; the reveal is for that one answer.
    let (_, again) = app.page(&format!("/cases/{id}")).await;
    assert!(again.contains("135****6666") && !again.contains(CALLER) && !again.contains("135 5555 6666"));
    // The district admin reads it in the log by name, still without the number.
    app.login_district_admin().await;
    let (_, log) = app.page("/manage/audit").await;
    // The entries only: the action filter's options name every action too.
    let log = log.split("id=\"audit-entries\"").nth(1).unwrap();
    assert!(log.contains("查看来电人完整号码") && !log.contains(CALLER) && !log.contains("5555 6666"));
}

#[tokio::test]
async fn only_those_who_call_back_may_reveal_and_refusals_leave_no_trace() {
    let w = world().await;
    let app = &w.app;
    // The resident's own call: they are its reporter, so they see the case, not the contact.
    let own = call_from(&w, RESIDENT).await;
    let id = call_from(&w, CALLER).await;
    for (who, case, status) in [
        (RESIDENT, own, 403),
        (RESIDENT, id, 404),
        (NEIGHBOUR, id, 404),
        (OTHER_HANDLER, id, 404),
        (OTHER_STREET_ADMIN, id, 404),
        (INSPECTOR, id, 403),
    ] {
        app.login(who).await;
        let (seen, page) = app.page(&format!("/cases/{case}")).await;
        assert_eq!(seen, if status == 404 { 404 } else { 200 }, "{who} sees #{case}");
        assert!(!page.contains("/caller/reveal"), "{who} is offered the button");
        let r = app.post(&reveal_path(case), &[]).await;
        assert_eq!(r.status(), status, "{who} reveals #{case}");
        let body = r.text().await.unwrap();
        assert!(!body.contains(CALLER) && !body.contains(RESIDENT) && !body.contains("tel:"), "{who}");
    }
    assert!(reveals(&w).await.is_empty());
    // The department it is with and the street's admin call back too.
    for who in [HANDLER, STREET_ADMIN] {
        app.login(who).await;
        let (_, page) = app.page(&format!("/cases/{id}")).await;
        assert!(page.contains(&format!("action=\"{}\"", reveal_path(id))), "{who}");
        let r = app.post(&reveal_path(id), &[]).await;
        assert_eq!(r.status(), 200, "{who}");
        assert!(r.text().await.unwrap().contains("href=\"tel:13555556666\""), "{who}");
    }
    assert_eq!(reveals(&w).await.len(), 2);
    // A case without a caller (or no case at all) has nothing to reveal.
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query("delete from case_callers where case_id = $1").bind(own).execute(&mut *conn).await.unwrap();
    drop(conn);
    app.login(DISPATCHER).await;
    assert_eq!(app.post(&reveal_path(own), &[]).await.status(), 404);
    assert_eq!(app.post(&reveal_path(id + 100), &[]).await.status(), 404);
    assert_eq!(reveals(&w).await.len(), 2);
}

#[tokio::test]
async fn a_number_that_cannot_be_opened_is_explained_without_internal_text() {
    let w = world().await;
    let app = &w.app;
    let id = call_from(&w, "0532-8288 1234").await;
    // As after a key rotation: sealed with a key the app no longer holds.
    let foreign = ejia::crypto::Keys::from_master(&[9; 32]).unwrap().seal("053282881234");
    let mut conn = app.state.db.conn().await.unwrap();
    sqlx::query("update case_callers set phone_sealed = $1 where case_id = $2")
        .bind(&foreign)
        .bind(id)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let r = app.post(&reveal_path(id), &[]).await;
    assert_eq!(r.status(), 500);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    assert!(page.contains("无法显示完整号码") && page.contains("0532****1234"));
    for leak in ["8288 1234", "053282881234", "tel:", "authentication", "sealed"] {
        assert!(!page.contains(leak), "{leak}");
    }
    assert!(reveals(&w).await.is_empty());
}

//! Staff hear of the work waiting for them (issue 12, point 2): a notice in the inbox of whoever
//! works the queue a case reaches, linked to the case, an unread count in the header, the start
//! page after login, and the daily digest by text for those who ask for it.

use ejia::notify::worker::{OutboxGateway, run_once};
use serde_json::{Value, json};

use crate::helpers::case_cast::*;
use crate::helpers::*;

/// A dispatcher of 八大峡街道 only: a case of 香港中路街道 is not theirs.
const OTHER_DISPATCHER: &str = "13600000009";

fn kinds(inbox: &Value) -> Vec<&str> {
    inbox.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn each_queue_hears_of_the_cases_that_reach_it_and_only_those() {
    let w = World::for_cases().await;
    let w = w
        .with([Person::new(OTHER_DISPATCHER, "用户9").grant(ejia::authz::Role::Dispatcher, At::Street(BADAXIA)).api()])
        .await;
    let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;

    // Filed: the district's dispatchers hear of it; the other street's do not, nor anyone else.
    let (_, inbox) = w.api(DISPATCHER).get("/me/notifications").await;
    assert_eq!(kinds(&inbox), ["case.queue_dispatch"]);
    assert_eq!(inbox[0]["text"], format!("新上报的问题等待立案派遣：私搭乱建，案件 {id}。"));
    assert_eq!(w.api(DISPATCHER).get("/me/notifications").await.1[0]["link"], format!("/cases/{id}"));
    for other in [OTHER_DISPATCHER, HANDLER, INSPECTOR] {
        assert_eq!(kinds(&w.api(other).get("/me/notifications").await.1), Vec::<&str>::new(), "{other}");
    }

    // Dispatched: the department's handlers, not another department's.
    let dispatch = json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)});
    assert_eq!(act(w.api(DISPATCHER), id, dispatch).await.0, 200);
    assert_eq!(kinds(&w.api(HANDLER).get("/me/notifications").await.1), ["case.queue_department"]);
    assert!(kinds(&w.api(OTHER_HANDLER).get("/me/notifications").await.1).is_empty());

    // Started and reported done: the street's inspectors, who check it.
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "start_handling"})).await.0, 200);
    assert!(kinds(&w.api(INSPECTOR).get("/me/notifications").await.1).is_empty(), "not yet theirs");
    assert_eq!(act(w.api(HANDLER), id, json!({"action": "report_handled", "note": "已拆除"})).await.0, 200);
    let (_, inbox) = w.api(INSPECTOR).get("/me/notifications").await;
    assert_eq!(kinds(&inbox), ["case.queue_check"]);
    assert!(inbox[0]["text"].as_str().unwrap().contains("等待您核查"));

    // Sent back for rework: the department hears again; the one who sent it back does not.
    assert_eq!(act(w.api(INSPECTOR), id, json!({"action": "check_fail", "note": "未拆完"})).await.0, 200);
    assert_eq!(
        kinds(&w.api(HANDLER).get("/me/notifications").await.1),
        ["case.queue_department", "case.queue_department"]
    );
    assert_eq!(kinds(&w.api(INSPECTOR).get("/me/notifications").await.1), ["case.queue_check"]);
}

#[tokio::test]
async fn the_header_counts_the_unread_and_the_inbox_links_the_case() {
    let w = World::for_cases().await;
    let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    let app = &w.app;
    app.login(DISPATCHER).await;
    let (_, home) = app.page("/me/cases").await;
    assert!(
        home.contains("<span class=\"count-badge\">1<span class=\"visually-hidden\"> 条未读</span></span>"),
        "{home}"
    );
    let (_, inbox) = app.page("/me/inbox").await;
    assert!(inbox.contains(&format!("<a href=\"/cases/{id}\">新上报的问题等待立案派遣")), "{inbox}");
    assert_eq!(app.post("/me/inbox/read", &[]).await.status(), 303);
    let (_, home) = app.page("/me/cases").await;
    assert!(!home.contains("count-badge"), "read: no count");
}

#[tokio::test]
async fn staff_land_on_their_work_with_its_counts_and_links_to_their_other_pages() {
    let w = World::for_cases().await;
    let w = w
        .with([
            Person::new("13600000010", "用户10")
                .grant(ejia::authz::Role::Inspector, At::Street(XIANGGANG_ZHONGLU))
                .dispatcher(),
            Person::new("13600000011", "用户11").street_admin_of(XIANGGANG_ZHONGLU).inspector_of(XIANGGANG_ZHONGLU),
        ])
        .await;
    w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    let app = &w.app;
    let landing = |phone: &'static str| async move {
        let r = app.post("/login", &[("phone", phone), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        r.headers()["location"].to_str().unwrap().to_owned()
    };
    assert_eq!(landing(INSPECTOR).await, "/patrol");
    assert_eq!(landing(HANDLER).await, "/manage/cases");
    assert_eq!(landing(RESIDENT).await, "/");
    // Asked to return somewhere: there.
    let r = app.post("/login", &[("phone", DISPATCHER), ("password", PASSWORD), ("next", "/cases/1")]).await;
    assert_eq!(r.headers()["location"], "/cases/1");
    // Said once, on the page after.
    let (_, page) = app.page("/cases/1").await;
    assert!(page.contains("<p class=\"notice flash\" role=\"status\">您已登录。</p>"));
    let (_, again) = app.page("/cases/1").await;
    assert!(!again.contains("您已登录"), "once");

    // Two roles: the more senior one's page, with the queue's count and a link to the patrol.
    assert_eq!(landing("13600000010").await, "/manage/cases?state=reported");
    let (_, page) = app.page("/manage/cases?state=reported").await;
    assert!(page.contains("<a href=\"/manage/cases?state=reported\"><strong>1</strong> 待立案派遣</a>"), "{page}");
    assert!(page.contains("<a href=\"/patrol\">巡查</a>"));
    let (_, patrol) = app.page("/patrol").await;
    assert!(
        patrol.contains("<strong>0</strong> 待核查")
            && patrol.contains("<a href=\"/manage/cases?state=reported\">待派遣案件</a>")
    );

    // An admin who patrols too: the back office, with a link to the patrol.
    assert_eq!(landing("13600000011").await, "/manage");
    let (_, home) = app.page("/manage").await;
    assert!(home.contains("<a href=\"/patrol\">巡查</a>"), "{home}");

    // Logging out says so.
    assert_eq!(app.post("/logout", &[]).await.status(), 303);
    let (_, home) = app.page("/").await;
    assert!(home.contains("您已安全退出。"));
}

#[tokio::test]
async fn an_organiser_who_edits_too_finds_each_work_page_linked_from_the_other() {
    let w = World::for_cases()
        .await
        .with([Person::new("13600000012", "用户12")
            .grant(ejia::authz::Role::Organizer, At::District)
            .grant(ejia::authz::Role::Editor, At::District)])
        .await;
    let app = &w.app;
    let r = app.post("/login", &[("phone", "13600000012"), ("password", PASSWORD)]).await;
    let landing = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(["/manage/events", "/manage/news"].contains(&landing.as_str()), "{landing}");
    let (_, events) = app.page("/manage/events").await;
    assert!(events.contains("start-others") && events.contains("<a href=\"/manage/news\">"), "{events}");
    let (_, news) = app.page("/manage/news").await;
    assert!(news.contains("start-others") && news.contains("<a href=\"/manage/events\">"), "{news}");
}

#[tokio::test]
async fn the_daily_digest_is_texted_once_a_day_to_those_who_asked() {
    let w = World::for_cases().await;
    w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    let app = &w.app;
    // Residents have no such setting.
    app.login(RESIDENT).await;
    assert!(!app.page("/me").await.1.contains("action=\"/me/digest\""));
    assert_eq!(app.post("/me/digest", &[("digest", "on")]).await.status(), 403);
    app.login(DISPATCHER).await;
    assert!(app.page("/me").await.1.contains("action=\"/me/digest\""));
    let r = app.post("/me/digest", &[("digest", "on")]).await;
    assert_eq!(r.headers()["location"], "/me?done=digest");
    assert!(app.page("/me").await.1.contains("name=\"digest\" checked"));

    // 09:00 in the district: due. Once today, whatever the runs.
    let first = run_once(&app.state, &OutboxGateway).await.unwrap();
    assert_eq!(first.digests, 1);
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().digests, 0);
    let mut conn = app.state.db.conn().await.unwrap();
    let texts = ejia::notify::recent_sms(&mut conn, 10).await.unwrap();
    drop(conn);
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].body, "【e家】今日待办：待立案派遣 2。请登录 e家 处理。");

    // The next day, again; turned off, never.
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().digests, 1);
    assert_eq!(app.post("/me/digest", &[]).await.status(), 303);
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(run_once(&app.state, &OutboxGateway).await.unwrap().digests, 0);
}

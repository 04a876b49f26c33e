//! The back office's case settings and hotline intake, through the real pages: a district
//! admin changes a category's limit and the working calendar, and cases dispatched afterwards
//! follow; bad input changes nothing; a dispatcher records a 12345 call, which lands with a
//! registered caller as their own case and keeps an unregistered caller's contact, sealed.

use chrono::TimeZone as _;
use ejia::authz::Role;
use ejia::cases::calendar::model::{TimeLimit, WorkCalendar};
use ejia::cases::calendar::store as calendar_store;
use ejia::cases::model::Source;
use ejia::cases::store;

use crate::helpers::*;

const RESIDENT: &str = "13911112222";
const DISPATCHER: &str = "13700000001";
const HANDLER: &str = "13700000002";
const STREET_DISPATCHER: &str = "13700000003";
const UNREGISTERED: &str = "13555556666";

/// A district with a resident of 云霄路社区 (with an API client: the report page wants a photo
/// for 私搭乱建, the API files without), a district dispatcher, a handler of 区综合行政执法局, a
/// dispatcher of 八大峡街道 only, and a logged-in district admin.
async fn world() -> World {
    let w = World::district()
        .await
        .with([
            Person::new(RESIDENT, "王女士").lives_in(YUNXIAOLU).api(),
            Person::new(DISPATCHER, "调度员").dispatcher(),
            Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT),
            Person::new(STREET_DISPATCHER, "街道调度").grant(Role::Dispatcher, At::Street(BADAXIA)),
        ])
        .await;
    w.app.login_district_admin().await;
    w
}

/// 私搭乱建 (4 working hours, 区综合行政执法局) as stored.
async fn stored_category(w: &World) -> store::Category {
    store::category(&mut w.app.state.db.conn().await.unwrap(), w.category(ILLEGAL_BUILDING)).await.unwrap().unwrap()
}

async fn audits(w: &World, action: &str) -> i64 {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_scalar("select count(*) from audit_log where action = $1")
        .bind(action)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// Files a report of 私搭乱建 as the resident and dispatches it as the dispatcher; the case.
async fn file_and_dispatch(w: &World) -> ejia::cases::model::Case {
    let app = &w.app;
    let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
    app.login(DISPATCHER).await;
    let enforcement = w.department(ENFORCEMENT).to_string();
    let r = app.post(&format!("/cases/{id}/act"), &[("action", "dispatch"), ("department_id", &enforcement)]).await;
    assert_eq!(r.status(), 303);
    store::case(&mut app.state.db.conn().await.unwrap(), id).await.unwrap().unwrap()
}

/// Unix seconds of a Qingdao wall-clock time.
fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    ejia::clock::DISTRICT_OFFSET.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().timestamp()
}

#[tokio::test]
async fn an_admin_changes_a_categorys_limit_on_its_page_and_cases_dispatched_afterwards_follow() {
    let w = world().await;
    let app = &w.app;
    let (_, index) = app.page("/manage").await;
    for href in ["/manage/case-categories", "/manage/work-calendar", "/manage/hotline"] {
        assert!(index.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let (status, list) = app.page("/manage/case-categories").await;
    assert_eq!(status, 200);
    assert!(list.contains("私搭乱建") && list.contains("4 工作时") && list.contains("区综合行政执法局"));
    let edit = format!("/manage/case-categories/{}", w.category(ILLEGAL_BUILDING));
    assert!(list.contains(&format!("href=\"{edit}\"")));
    let (status, form) = app.page(&edit).await;
    assert_eq!(status, 200);
    assert!(form.contains("市容环境 · 私搭乱建") && form.contains("id=\"f-time_limit\""));
    assert!(form.contains("value=\"4\"") && form.contains("value=\"h\" selected"));
    assert!(
        form.contains("id=\"f-precise\"")
            && !form.contains("name=\"precise\" value=\"1\" aria-describedby=\"f-precise-hint\" checked")
    );
    // Nonsense is shown back as typed, explained at its field, and changes nothing.
    let enforcement = w.department(ENFORCEMENT).to_string();
    for (limit, department) in [("0", enforcement.as_str()), ("99999", enforcement.as_str()), ("两", "")] {
        let fields = [("department_id", department), ("time_limit", limit), ("time_limit_unit", "d"), ("active", "1")];
        let r = app.post(&edit, &fields).await;
        assert_eq!(r.status(), 422, "{limit}");
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("value=\"{limit}\"")) && page.contains("value=\"d\" selected"));
        assert!(page.contains("id=\"f-time_limit-error\" role=\"alert\">时限应写成"));
        if department.is_empty() {
            assert!(page.contains("id=\"f-department_id-error\">请从列表中选择"), "both errors at once");
        }
    }
    assert_eq!(stored_category(&w).await.limit, Some(TimeLimit::Hours(4)));
    assert_eq!(audits(&w, "case_category.update").await, 0);
    // Two working days, off the public board, at the exact position should it come back.
    let fields = [
        ("department_id", enforcement.as_str()),
        ("time_limit", "2"),
        ("time_limit_unit", "d"),
        ("photos_required", "1"),
        ("precise", "1"),
        ("active", "1"),
    ];
    let r = app.post(&edit, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/manage/case-categories?saved={0}#cat-{0}", w.category(ILLEGAL_BUILDING)).as_str()
    );
    let c = stored_category(&w).await;
    assert_eq!((c.limit, c.photos_required, c.public, c.active), (Some(TimeLimit::Days(2)), true, false, true));
    assert!(c.precise);
    assert!(app.page("/manage/case-categories?saved=1").await.1.contains("2 工作日"));
    assert_eq!(audits(&w, "case_category.update").await, 1);
    // Dispatched Tuesday 09:00: two seven-hour working days end Wednesday 17:30.
    let case = file_and_dispatch(&w).await;
    assert_eq!(case.deadline_at, Some(local(2026, 12, 2, 17, 30)));
}

#[tokio::test]
async fn a_holiday_added_on_the_calendar_page_moves_deadlines_and_bad_input_changes_nothing() {
    let w = world().await;
    let app = &w.app;
    // Tuesday 09:00: 4 working hours end at 14:30; 3 working days on Thursday at 17:30.
    let (status, page) = app.page("/manage/work-calendar").await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"09:00-12:00,13:30-17:30\""));
    assert!(page.contains("id=\"wd-4\" name=\"weekday\" value=\"4\" checked") && !page.contains("value=\"5\" checked"));
    assert!(page.contains("2026-12-01 14:30 周二") && page.contains("2026-12-03 17:30 周四"));
    // A date that is no date, or a kind that is no kind: kept, explained, nothing stored.
    let r = app.post("/manage/work-calendar/days", &[("day", "2026-13-01"), ("kind", "holiday"), ("note", "x")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"2026-13-01\"") && page.contains("id=\"f-day-error\">日期格式应为"));
    let r = app.post("/manage/work-calendar/days", &[("day", "2026-12-02"), ("kind", "party")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-kind-error\""));
    assert_eq!(app.count("work_days").await, 0);
    // Wednesday becomes a holiday.
    let r = app
        .post("/manage/work-calendar/days", &[("day", "2026-12-02"), ("kind", "holiday"), ("note", "测试假日")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page("/manage/work-calendar?saved=day").await;
    assert!(page.contains("日期已添加") && page.contains("id=\"day-2026-12-02\"") && page.contains("测试假日"));
    assert!(page.contains("2026-12-04 17:30 周五"), "three working days now end on Friday");
    // A case dispatched Tuesday 16:00 with 4 working hours: 1.5 h on Tuesday, 2.5 h on Thursday.
    app.clock.advance(chrono::Duration::hours(7));
    let case = file_and_dispatch(&w).await;
    assert_eq!(case.deadline_at, Some(local(2026, 12, 3, 11, 30)));
    // The week: a period that ends before it starts, or no working day, is refused as typed.
    app.login("13900000001").await;
    let r = app.post("/manage/work-calendar", &[("periods", "13:30-12:00"), ("weekday", "0")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"13:30-12:00\"") && page.contains("每个时段的结束时间必须晚于开始时间"));
    assert!(page.contains("id=\"wd-0\" name=\"weekday\" value=\"0\" checked") && !page.contains("value=\"1\" checked"));
    let r = app.post("/manage/work-calendar", &[("periods", "09:00-12:00")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-weekdays-error\" role=\"alert\">日历里至少要有一个工作日"));
    let calendar = calendar_store::work_calendar(&mut app.state.db.conn().await.unwrap()).await.unwrap();
    assert_eq!(
        (calendar.periods, calendar.weekdays),
        (WorkCalendar::office().periods, WorkCalendar::office().weekdays)
    );
    // A six-day week, typed the Chinese way.
    let mut week = vec![("periods", "09:00-12:00， 13:30-17:30")];
    week.extend([
        ("weekday", "0"),
        ("weekday", "1"),
        ("weekday", "2"),
        ("weekday", "3"),
        ("weekday", "4"),
        ("weekday", "5"),
    ]);
    assert_eq!(app.post("/manage/work-calendar", &week).await.status(), 303);
    let calendar = calendar_store::work_calendar(&mut app.state.db.conn().await.unwrap()).await.unwrap();
    assert_eq!(calendar.weekdays, [true, true, true, true, true, true, false]);
    assert_eq!(calendar.periods, WorkCalendar::office().periods);
    // The holiday is removed again.
    assert_eq!(app.post("/manage/work-calendar/days/remove", &[("day", "2026-12-02")]).await.status(), 303);
    let (_, page) = app.page("/manage/work-calendar?saved=removed").await;
    assert!(!page.contains("id=\"day-2026-12-02\"") && page.contains("还没有节假日"));
    assert_eq!(app.count("work_days").await, 0);
    assert_eq!(
        (
            audits(&w, "work_day.set").await,
            audits(&w, "work_day.clear").await,
            audits(&w, "work_calendar.update").await
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn only_district_admins_keep_the_settings_and_only_call_takers_take_calls() {
    let w = world().await;
    let app = &w.app;
    let edit = format!("/manage/case-categories/{}", w.category(ILLEGAL_BUILDING));
    let settings = ["/manage/case-categories", edit.as_str(), "/manage/work-calendar"];
    for who in [RESIDENT, HANDLER, DISPATCHER] {
        app.login(who).await;
        for path in settings {
            assert_eq!(app.get(path).await.status(), 403, "{who} {path}");
        }
        let r = app.post(&edit, &[("department_id", "1"), ("time_limit", "1"), ("time_limit_unit", "h")]).await;
        assert_eq!(r.status(), 403, "{who}");
        assert_eq!(
            app.post("/manage/work-calendar/days", &[("day", "2026-12-02"), ("kind", "holiday")]).await.status(),
            403
        );
        assert_eq!(
            app.post("/manage/work-calendar", &[("periods", "09:00-10:00"), ("weekday", "0")]).await.status(),
            403
        );
    }
    for who in [RESIDENT, HANDLER] {
        app.login(who).await;
        assert_eq!(app.get("/manage/hotline").await.status(), 403, "{who}");
        assert_eq!(app.post("/manage/hotline", &[("caller_name", "x")]).await.status(), 403, "{who}");
    }
    assert_eq!(stored_category(&w).await.limit, Some(TimeLimit::Hours(4)));
    assert_eq!((app.count("work_days").await, app.count("cases").await), (0, 0));
    // The dispatcher's back office offers the hotline, not the settings.
    app.login(DISPATCHER).await;
    let (_, index) = app.page("/manage").await;
    assert!(index.contains("href=\"/manage/hotline\"") && !index.contains("href=\"/manage/work-calendar\""));
    // Visitors are sent to log in.
    let visitor = app.other_browser();
    let r = visitor.get(app.at("/manage/work-calendar")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let w = world().await;
    let app = &w.app;
    let edit = format!("/manage/case-categories/{}", w.category(ILLEGAL_BUILDING));
    let enforcement = w.department(ENFORCEMENT).to_string();
    let category = w.category(ILLEGAL_BUILDING).to_string();
    let posts: [(&str, Vec<(&str, &str)>); 4] = [
        (&edit, vec![("department_id", &enforcement), ("time_limit", "1"), ("time_limit_unit", "d")]),
        ("/manage/work-calendar/days", vec![("day", "2026-12-02"), ("kind", "holiday")]),
        ("/manage/work-calendar", vec![("periods", "09:00-10:00"), ("weekday", "0")]),
        (
            "/manage/hotline",
            vec![
                ("caller_name", "李先生"),
                ("caller_phone", UNREGISTERED),
                ("category_id", &category),
                ("description", "x"),
            ],
        ),
    ];
    for (path, fields) in &posts {
        let r = app.client.post(app.at(path)).form(fields).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let mut forged = fields.clone();
        forged.push(("_csrf", "forged"));
        assert_eq!(app.client.post(app.at(path)).form(&forged).send().await.unwrap().status(), 403, "{path}");
    }
    assert_eq!(stored_category(&w).await.limit, Some(TimeLimit::Hours(4)));
    assert_eq!((app.count("work_days").await, app.count("cases").await), (0, 0));
}

/// The hotline form's fields for a call about 私搭乱建 at 云霄路, near 香港中路 1 号.
fn call<'a>(name: &'a str, phone: &'a str, ids: &'a (String, String)) -> Vec<(&'a str, &'a str)> {
    vec![
        ("caller_name", name),
        ("caller_phone", phone),
        ("category_id", &ids.0),
        ("description", "楼下空地有人搭建彩钢棚。"),
        ("community_id", &ids.1),
        ("address", "云霄路 88 号"),
        ("lat", "36.0611"),
        ("lng", "120.3836"),
        ("wants_reply", "1"),
    ]
}

/// The case a hotline filing redirected to.
fn filed_id(r: &reqwest::Response) -> i64 {
    let to = r.headers()["location"].to_str().unwrap();
    to.strip_prefix("/manage/hotline?filed=").unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_hotline_call_from_a_registered_resident_becomes_their_case_and_a_stranger_keeps_a_sealed_contact() {
    let w = world().await;
    let app = &w.app;
    let ids = (w.category(ILLEGAL_BUILDING).to_string(), w.community(YUNXIAOLU).to_string());
    app.login(DISPATCHER).await;
    let (status, form) = app.page("/manage/hotline").await;
    assert_eq!(status, 200);
    assert!(form.contains("id=\"f-caller_phone\"") && form.contains("<optgroup label=\"市容环境\" lang=\"zh-CN\">"));
    // Everything missing at once, and nothing stored.
    let r = app.post("/manage/hotline", &[("caller_name", " "), ("caller_phone", "12"), ("category_id", &ids.0)]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for field in ["caller_name", "caller_phone", "description"] {
        assert!(page.contains(&format!("id=\"f-{field}-error\"")), "{field}");
    }
    // An enterprise's assistance item is not a call's category (it has its own intake).
    let assist = store::categories(&mut app.state.db.conn().await.unwrap()).await.unwrap();
    let assist = assist.iter().find(|c| c.kind == ejia::enterprise::model::KIND && c.parent_code.is_some()).unwrap();
    let assist_ids = (assist.id.to_string(), ids.1.clone());
    let r = app.post("/manage/hotline", &call("王女士", RESIDENT, &assist_ids)).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-category_id-error\""));
    assert_eq!((app.count("cases").await, app.count("case_callers").await), (0, 0));
    // The resident calls (the number spaced as people say it): their own case, source hotline.
    let r = app.post("/manage/hotline", &call("王女士", "139 1111 2222", &ids)).await;
    assert_eq!(r.status(), 303);
    let first = filed_id(&r);
    let case = store::case(&mut app.state.db.conn().await.unwrap(), first).await.unwrap().unwrap();
    let resident = {
        let mut conn = app.state.db.conn().await.unwrap();
        ejia::accounts::store::user_id_by_phone(&mut conn, &app.state.keys.phone_index(RESIDENT)).await.unwrap()
    };
    assert_eq!(
        (case.source, case.reporter, case.community_id),
        (Source::Hotline, resident, Some(w.community(YUNXIAOLU)))
    );
    let (sealed, masked, index): (String, String, String) = {
        let mut conn = app.state.db.conn().await.unwrap();
        sqlx::query_as("select phone_sealed, phone_masked, phone_index from case_callers where case_id = $1")
            .bind(first)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert!(!sealed.contains(RESIDENT) && !index.contains(RESIDENT));
    assert_eq!((app.state.keys.open(&sealed).unwrap().as_str(), masked.as_str()), (RESIDENT, "139****2222"));
    let mut pages = Vec::new();
    let (_, done) = app.page(&format!("/manage/hotline?filed={first}")).await;
    assert!(done.contains(&format!("href=\"/cases/{first}\"")) && done.contains("已注册居民"));
    pages.push(done);
    let (_, staff_view) = app.page(&format!("/cases/{first}")).await;
    assert!(staff_view.contains("<span lang=\"zh-CN\">王女士</span> · 139****2222 · 需回复处理结果"));
    assert!(staff_view.contains("提交反映") && staff_view.contains("工作人员"), "filed by staff");
    pages.push(staff_view);
    // A stranger calls about the same spot from a landline: no reporter, the contact only, and
    // the first case offered as a possible duplicate, which it is merged into.
    let r = app.post("/manage/hotline", &call("李先生", "0532-8288 1234", &ids)).await;
    assert_eq!(r.status(), 303);
    let second = filed_id(&r);
    let case = store::case(&mut app.state.db.conn().await.unwrap(), second).await.unwrap().unwrap();
    assert_eq!((case.source, case.reporter), (Source::Hotline, None));
    let (_, done) = app.page(&format!("/manage/hotline?filed={second}")).await;
    assert!(done.contains("只保存来电人的联系方式") && done.contains(&format!("href=\"/cases/{first}\"")));
    assert!(done.contains(&format!("name=\"into\" value=\"{first}\"")));
    assert!(done.contains(&format!("action=\"/cases/{second}/merge\"")));
    pages.push(done);
    let (_, staff_view) = app.page(&format!("/cases/{second}")).await;
    assert!(staff_view.contains("<span lang=\"zh-CN\">李先生</span> · 0532****1234"));
    pages.push(staff_view);
    pages.push(app.page("/manage/cases").await.1);
    let into = first.to_string();
    let r = app.post(&format!("/cases/{second}/merge"), &[("into", &into)]).await;
    assert_eq!(
        (r.status().as_u16(), r.headers()["location"].to_str().unwrap()),
        (303, format!("/cases/{first}").as_str())
    );
    let merged = store::case(&mut app.state.db.conn().await.unwrap(), second).await.unwrap().unwrap();
    assert_eq!(merged.merged_into, Some(first));
    // The resident follows their call like any report of theirs, without the staff's contact block.
    app.login(RESIDENT).await;
    let (_, mine) = app.page("/me/cases").await;
    assert!(mine.contains(&format!("href=\"/cases/{first}\"")) && !mine.contains(&format!("href=\"/cases/{second}\"")));
    let (status, own) = app.page(&format!("/cases/{first}")).await;
    assert_eq!(status, 200);
    assert!(!own.contains("139****2222"));
    pages.extend([mine, own]);
    app.login("13900000001").await;
    pages.push(app.page("/manage/audit").await.1);
    pages.push(app.page(&format!("/cases/{first}")).await.1);
    for page in &pages {
        for number in [RESIDENT, "13911112222", "053282881234", "82881234"] {
            assert!(!page.contains(number), "{number} in a page");
        }
    }
}

#[tokio::test]
async fn a_streets_dispatcher_takes_calls_only_about_their_street() {
    let w = world().await;
    let app = &w.app;
    let ids = (w.category(ILLEGAL_BUILDING).to_string(), w.community(YUNXIAOLU).to_string());
    app.login(STREET_DISPATCHER).await;
    let (status, form) = app.page("/manage/hotline").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<optgroup label=\"八大峡街道\" lang=\"zh-CN\">")
            && !form.contains("<optgroup label=\"香港中路街道\" lang=\"zh-CN\">")
    );
    // 云霄路 is in 香港中路街道: refused at the community, with the call kept as typed.
    let r = app.post("/manage/hotline", &call("赵先生", UNREGISTERED, &ids)).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"f-community_id-error\">这个社区不在您负责的范围内") && page.contains("赵先生"));
    // Without a community the case would be nobody's in their street: refused too.
    let mut fields = call("赵先生", UNREGISTERED, &ids);
    fields[4].1 = "";
    assert_eq!(app.post("/manage/hotline", &fields).await.status(), 422);
    assert_eq!((app.count("cases").await, app.count("case_callers").await), (0, 0));
    let tuandao = app.community(TUANDAO).await.to_string();
    fields[4].1 = &tuandao;
    let r = app.post("/manage/hotline", &fields).await;
    assert_eq!(r.status(), 303);
    let id = filed_id(&r);
    assert_eq!(app.get(&format!("/cases/{id}")).await.status(), 200, "the case is theirs to follow");
    let (_, done) = app.page(&format!("/manage/hotline?filed={id}")).await;
    assert!(done.contains("只保存来电人的联系方式"));
}

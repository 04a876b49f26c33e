//! The log's page: sentences, links, labelled fields, filters (who, what, when, which object),
//! paging that keeps the filter, and a street admin reading only their street.

use chrono::NaiveDate;
use ejia::app::DOMAINS;
use ejia::audit::{self, Change, wording};
use ejia::authz::{Role, Scope};
use ejia::clock::day_start;
use ejia::ids::{StreetId, UserId};

use crate::helpers::*;

/// Local noon of a day in March 2026.
fn march(day: u32) -> i64 {
    day_start(NaiveDate::from_ymd_opt(2026, 3, day).unwrap()) + 12 * 3600
}

async fn write(app: &TestApp, at: i64, actor: Option<UserId>, action: &'static str, change: Change) {
    let mut conn = app.state.db.conn().await.unwrap();
    audit::record(&mut conn, at, actor, action, change).await.unwrap();
}

/// The entries part of the page (the filter's select lists every action's words too).
fn entries(page: &str) -> &str {
    page.split("id=\"audit-entries\"").nth(1).unwrap_or_else(|| panic!("no entries section: {page}"))
}

struct Log {
    app: TestApp,
    mine: StreetId,
    other: StreetId,
}

/// A district admin (logged in), a street admin of 香港中路, and four entries: a venue changed
/// by the district admin (2 March, 香港中路), a community by the street admin (5 March, same
/// street), a street by the district admin (9 March, 八大峡) and a case escalated by the system
/// (3 March, 八大峡).
async fn log() -> Log {
    let app = TestApp::with_district().await;
    let admin = app.login_district_admin().await;
    let mine = app.street(XIANGGANG_ZHONGLU).await;
    let other = app.street(BADAXIA).await;
    let street_admin =
        app.user("13911112222", "街道管理员", None, &[grant(Role::StreetAdmin, Scope::Street(mine))]).await;
    let venue = Change::new("venue", 7, Some(mine))
        .before(&serde_json::json!({"capacity": 300, "some_new_column": "a"}))
        .after(&serde_json::json!({"capacity": 280, "some_new_column": "b"}));
    write(&app, march(2), Some(admin), "venue.update", venue).await;
    write(&app, march(5), Some(street_admin), "community.update", Change::new("community", 8, Some(mine))).await;
    write(&app, march(9), Some(admin), "street.update", Change::new("street", 9, Some(other))).await;
    write(&app, march(3), None, "case.escalate", Change::new("case", 42, Some(other))).await;
    Log { app, mine, other }
}

#[tokio::test]
async fn entries_read_as_sentences_with_links_and_labelled_fields() {
    let Log { app, .. } = log().await;
    let (status, page) = app.page("/manage/audit").await;
    assert_eq!(status, 200);
    let list = entries(&page);
    assert!(list.contains("<strong lang=\"zh-CN\">区管理员</strong> 修改了场所"), "{list}");
    assert!(list.contains("<a href=\"/manage/venues/7\">场所 #7</a>"), "{list}");
    assert!(list.contains("<strong lang=\"zh-CN\">系统</strong> 案件超时，自动上报督办"), "{list}");
    assert!(list.contains("<a href=\"/cases/42\">案件 #42</a>"), "{list}");
    assert!(list.contains(">名额<") && list.contains(">300<") && list.contains(">280<"), "{list}");
    assert!(list.contains(">其他信息<"), "an unknown field reads generically: {list}");
    assert!(!list.contains("capacity") && !list.contains("some_new_column"), "no column names: {list}");
    assert!(!list.contains("进行了其他操作"), "{list}");
    // What a world really recorded is worded (the other direction of `wording.rs`'s scan).
    let mut conn = app.state.db.conn().await.unwrap();
    let recorded: Vec<String> =
        sqlx::query_scalar("select distinct action from audit_log").fetch_all(&mut *conn).await.unwrap();
    assert!(recorded.iter().all(|a| wording::is_action(DOMAINS, a)), "{recorded:?}");
}

#[tokio::test]
async fn filters_pick_by_who_what_when_and_which_object() {
    let Log { app, .. } = log().await;
    let shown = |page: &str| {
        let list = entries(page);
        let mut found = Vec::new();
        for (words, name) in
            [("修改了场所", "venue"), ("修改了社区", "community"), ("修改了街道", "street"), ("自动上报督办", "case")]
        {
            if list.contains(words) {
                found.push(name);
            }
        }
        found
    };
    let (_, page) = app.page("/manage/audit?actor=%E8%A1%97%E9%81%93").await; // 街道
    assert_eq!(shown(&page), ["community"]);
    assert!(page.contains("value=\"街道\""), "what was typed stays");
    let (_, page) = app.page("/manage/audit?action=street.update").await;
    assert_eq!(shown(&page), ["street"]);
    assert!(page.contains("<option value=\"street.update\" selected"), "the choice stays: {page}");
    let (_, page) = app.page("/manage/audit?from=2026-03-03&to=2026-03-05").await;
    assert_eq!(shown(&page), ["community", "case"], "newest first, both days included");
    let (_, page) = app.page("/manage/audit?kind=case&object_id=42").await;
    assert_eq!(shown(&page), ["case"]);
    let (_, page) = app.page("/manage/audit?object_id=%2342").await;
    assert_eq!(shown(&page), ["case"], "an id typed as #42 is understood");
    // Bad input: 422, the summary links to the field, what was typed is kept, nothing listed.
    let (status, page) = app.page("/manage/audit?from=3%E6%9C%88&action=bike.park").await;
    assert_eq!(status, 422);
    assert!(
        page.contains("id=\"form-errors\"") && page.contains("href=\"#f-from\"") && page.contains("href=\"#f-action\"")
    );
    assert!(page.contains("value=\"3月\""), "{page}");
    assert!(shown(&page).is_empty());
    let (status, _) = app.page("/manage/audit?from=2026-03-09&to=2026-03-02").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn the_next_page_keeps_the_filter() {
    let Log { app, mine, .. } = log().await;
    for n in 0..55 {
        write(&app, march(10) + n, None, "venue.create", Change::new("venue", 100 + n, Some(mine))).await;
    }
    let (_, first) = app.page("/manage/audit?action=venue.create").await;
    assert_eq!(entries(&first).matches("新建了场所").count(), 50);
    let more = first.split("href=\"/manage/audit?before=").nth(1).unwrap().split('"').next().unwrap();
    assert!(more.contains("&#38;action=venue.create"), "{more}");
    let (_, second) = app.page(&format!("/manage/audit?before={}", more.replace("&#38;", "&"))).await;
    assert_eq!(entries(&second).matches("新建了场所").count(), 5);
    assert!(!entries(&second).contains("修改了场所"), "still filtered");
}

#[tokio::test]
async fn a_street_admin_reads_only_their_street() {
    let Log { app, other, .. } = log().await;
    app.login("13911112222").await;
    let (status, page) = app.page("/manage/audit").await;
    assert_eq!(status, 200);
    let list = entries(&page);
    assert!(list.contains("修改了场所") && list.contains("修改了社区"), "{list}");
    assert!(!list.contains("修改了街道") && !list.contains("自动上报督办"), "{list}");
    let (_, page) = app.page("/manage/audit?kind=case&object_id=42").await;
    assert!(!entries(&page).contains("自动上报督办"), "a filter does not widen the scope");
    assert_eq!(app.get(&format!("/manage/audit?street_id={other}")).await.status(), 403);
    // A resident may not read the log at all.
    app.user("13922223333", "居民", None, &[]).await;
    app.login("13922223333").await;
    assert_eq!(app.get("/manage/audit").await.status(), 403);
}

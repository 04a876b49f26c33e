//! The back office: streets, communities, venues, departments, users and roles, audit log.

use ejia::authz::{Role, Scope};

use crate::helpers::*;

#[tokio::test]
async fn the_district_page_lists_the_real_district() {
    let app = TestApp::with_district().await;
    let (status, body) = app.page("/district").await;
    assert_eq!(status, 200);
    for street in [
        "香港中路街道",
        "八大峡街道",
        "云南路街道",
        "中山路街道",
        "江苏路街道",
        "八大关街道",
        "湛山街道",
        "金湖路街道",
        "八大湖街道",
        "金门路街道",
        "珠海路街道",
    ] {
        assert!(body.contains(&format!(">{street}</h2>")), "{street}");
    }
    assert_eq!(body.matches("社区</li>").count(), 50);
    assert!(body.contains("五四广场") && body.contains("云霄路社区新时代文明实践站"));
    assert!(body.contains("486,643"));
}

#[tokio::test]
async fn district_admin_creates_and_edits_a_venue_with_an_audit_trail() {
    let app = TestApp::with_district().await;
    app.login_district_admin().await;
    let street = app.street(XIANGGANG_ZHONGLU).await.to_string();
    let community = app.community(YUNXIAOLU).await.to_string();
    let venues = app.count("venues").await;
    // Invalid: community in another street, latitude out of range. Nothing is written.
    let tuandao = app.community(TUANDAO).await.to_string();
    let r = app
        .post(
            "/manage/venues/new",
            &[
                ("name", "市南区影剧院"),
                ("kind", "cinema"),
                ("street_id", &street),
                ("community_id", &tuandao),
                ("lat", "95"),
                ("lng", "120.3"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("坐标不正确") && body.contains("value=\"市南区影剧院\""), "errors shown next to kept input");
    let r = app
        .post(
            "/manage/venues/new",
            &[("name", "市南区影剧院"), ("kind", "cinema"), ("street_id", &street), ("community_id", &tuandao)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("所选社区不属于所选街道"));
    assert_eq!(app.count("venues").await, venues);
    // Valid.
    let r = app
        .post(
            "/manage/venues/new",
            &[
                ("name", "市南区影剧院"),
                ("kind", "cinema"),
                ("street_id", &street),
                ("community_id", &community),
                ("address", "香港中路"),
                ("lat", "36.06"),
                ("lng", "120.38"),
                ("capacity", "300"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.count("venues").await, venues + 1);
    let (_, list) = app.page(&format!("/manage/venues?street_id={street}")).await;
    assert!(list.contains("市南区影剧院") && list.contains("影院"));
    let mut conn = app.state.db.conn().await.unwrap();
    let all = ejia::org::store::list_venues(&mut conn, Default::default(), 0, 1000).await.unwrap();
    let v = all.iter().find(|v| v.name == "市南区影剧院").unwrap();
    assert_eq!(v.capacity, Some(300));
    let r = app
        .post(
            &format!("/manage/venues/{}", v.id),
            &[
                ("name", "市南区影剧院"),
                ("kind", "cinema"),
                ("street_id", &street),
                ("community_id", &community),
                ("capacity", "280"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, audit) = app.page("/manage/audit").await;
    assert!(
        audit.contains("区管理员") && audit.contains("名额") && !audit.contains("capacity"),
        "fields by their labels"
    );
    assert!(audit.contains(">300<") && audit.contains(">280<"), "before and after shown");
}

#[tokio::test]
async fn a_street_admin_cannot_touch_another_streets_communities() {
    let app = TestApp::with_district().await;
    let mine = app.street(XIANGGANG_ZHONGLU).await;
    app.user("13911112222", "街道管理员", None, &[grant(Role::StreetAdmin, Scope::Street(mine))]).await;
    app.login("13911112222").await;
    let own = app.community(YUNXIAOLU).await;
    let other = app.community(TUANDAO).await;
    let badaxia = app.street(BADAXIA).await.to_string();
    // Editing another street's community: 403, unchanged.
    assert_eq!(app.get(&format!("/manage/communities/{other}")).await.status(), 403);
    let r = app
        .post(&format!("/manage/communities/{other}"), &[("street_id", &badaxia), ("code", TUANDAO), ("name", "改名")])
        .await;
    assert_eq!(r.status(), 403);
    let mut conn = app.state.db.conn().await.unwrap();
    assert_eq!(ejia::org::store::community(&mut conn, other).await.unwrap().unwrap().name, "团岛社区");
    // Moving own community into another street: 403.
    let r = app
        .post(
            &format!("/manage/communities/{own}"),
            &[("street_id", &badaxia), ("code", YUNXIAOLU), ("name", "云霄路社区")],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Editing own: allowed.
    let r = app
        .post(
            &format!("/manage/communities/{own}"),
            &[("street_id", &mine.to_string()), ("code", YUNXIAOLU), ("name", "云霄路社区（新）")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // Lists show only their street.
    let (_, list) = app.page("/manage/communities").await;
    assert!(list.contains("云霄路社区（新）") && !list.contains("团岛社区"));
    // Streets and departments are the district's.
    assert_eq!(app.get("/manage/streets/new").await.status(), 403);
    assert_eq!(app.post("/manage/streets/new", &[("code", "370202099"), ("name", "新街道")]).await.status(), 403);
    assert_eq!(app.get("/manage/departments/new").await.status(), 403);
    // Audit: own street only.
    let (status, audit) = app.page("/manage/audit").await;
    assert_eq!(status, 200);
    assert!(audit.contains("云霄路社区（新）"));
    assert_eq!(app.get(&format!("/manage/audit?street_id={badaxia}")).await.status(), 403);
}

#[tokio::test]
async fn codes_are_checked_against_their_street_and_unique() {
    let app = TestApp::with_district().await;
    app.login_district_admin().await;
    let street = app.street(XIANGGANG_ZHONGLU).await.to_string();
    let r = app
        .post("/manage/communities/new", &[("street_id", &street), ("code", "370202002099"), ("name", "错社区")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("必须以所属街道的代码开头"));
    let r = app.post("/manage/communities/new", &[("street_id", &street), ("code", YUNXIAOLU), ("name", "重复")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("该代码已被使用"));
    let r = app
        .post("/manage/communities/new", &[("street_id", &street), ("code", "370202001099"), ("name", "新社区")])
        .await;
    assert_eq!(r.status(), 303);
    let r = app.post("/manage/streets/new", &[("code", XIANGGANG_ZHONGLU), ("name", "重复街道")]).await;
    assert_eq!(r.status(), 422);
    let r = app.post("/manage/departments/new", &[("name", "区卫健局"), ("kind", "district")]).await;
    assert_eq!(r.status(), 422, "department names are unique");
    let r = app.post("/manage/departments/new", &[("name", "区市场监督管理局"), ("kind", "district")]).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn roles_are_granted_within_scope_and_audited() {
    let app = TestApp::with_district().await;
    let mine = app.street(XIANGGANG_ZHONGLU).await;
    let other_street = app.street(BADAXIA).await;
    let resident = app.user("13911113333", "居民", Some(app.community(YUNXIAOLU).await), &[]).await;
    let stranger = app.user("13911114444", "外街居民", Some(app.community(TUANDAO).await), &[]).await;
    app.user("13911112222", "街道管理员", None, &[grant(Role::StreetAdmin, Scope::Street(mine))]).await;
    app.login("13911112222").await;
    let path = format!("/manage/users/{resident}/roles");
    // Inspector in own street: allowed.
    assert_eq!(app.post(&path, &[("role", "inspector"), ("scope", &format!("street:{mine}"))]).await.status(), 303);
    // Inspector in another street, or an admin role: refused.
    assert_eq!(
        app.post(&path, &[("role", "inspector"), ("scope", &format!("street:{other_street}"))]).await.status(),
        403
    );
    assert_eq!(app.post(&path, &[("role", "street_admin"), ("scope", &format!("street:{mine}"))]).await.status(), 403);
    assert_eq!(app.post(&path, &[("role", "district_admin"), ("scope", "district:0")]).await.status(), 403);
    // A scope the role cannot have: 422 with a message.
    let r = app.post(&path, &[("role", "handler"), ("scope", &format!("street:{mine}"))]).await;
    assert_eq!(r.status(), 422);
    // A resident of another street is not even visible.
    assert_eq!(app.get(&format!("/manage/users/{stranger}")).await.status(), 404);
    let (_, page) = app.page(&format!("/manage/users/{resident}")).await;
    assert!(page.contains("网格员/巡查员 · <span lang=\"zh-CN\">香港中路街道</span>"));
    // Revoke.
    assert_eq!(
        app.post(&path, &[("role", "inspector"), ("scope", &format!("street:{mine}")), ("revoke", "1")]).await.status(),
        303
    );
    let mut conn = app.state.db.conn().await.unwrap();
    let grants = ejia::accounts::store::grants(&mut conn, resident).await.unwrap();
    assert_eq!(grants, vec![ejia::accounts::service::RESIDENT]);
    let log = ejia::audit::list(&mut conn, Default::default(), 20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "user.grant_role") && log.iter().any(|e| e.action == "user.revoke_role"));
}

#[tokio::test]
async fn back_office_creates_accounts_and_finds_them_by_phone() {
    let app = TestApp::with_district().await;
    app.login_district_admin().await;
    let community = app.community(YUNXIAOLU).await.to_string();
    let r = app
        .post(
            "/manage/users/new",
            &[("phone", "13955556666"), ("name", "赵六"), ("community_id", &community), ("password", "")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post("/manage/users/new", &[("phone", "139-5555-6666"), ("name", "重复"), ("community_id", &community)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("该手机号已有账号"));
    let (_, found) = app.page("/manage/users?q=13955556666").await;
    assert!(found.contains("赵六") && found.contains("139****6666"));
    let (_, by_name) = app.page("/manage/users?q=%E8%B5%B5").await;
    assert!(by_name.contains("赵六"));
    // No phone number is stored in clear.
    let mut conn = app.state.db.conn().await.unwrap();
    let raw: Vec<String> = sqlx::query_scalar("select phone_sealed || phone_index || phone_masked from users")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(raw.iter().all(|r| !r.contains("13955556666")));
}

#[tokio::test]
async fn staff_without_admin_roles_see_an_empty_back_office_and_no_data() {
    let app = TestApp::with_district().await;
    let street = app.street(XIANGGANG_ZHONGLU).await;
    app.user("13911112222", "网格员", None, &[grant(Role::Inspector, Scope::Street(street))]).await;
    app.login("13911112222").await;
    let (status, body) = app.page("/manage").await;
    assert_eq!(status, 200);
    assert!(!body.contains("/manage/venues"));
    for path in ["/manage/users", "/manage/users/new", "/manage/audit", "/manage/streets/new"] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
    let (_, venues) = app.page("/manage/venues").await;
    assert!(!venues.contains("五四广场"), "lists are filtered by what the user may see");
}

/// The back-office home: each role sees exactly the sections it may open, in a fixed order,
/// whichever domain lists them.
#[tokio::test]
async fn the_back_office_home_shows_each_role_exactly_its_tiles() {
    let app = TestApp::with_district().await;
    let street = app.street(XIANGGANG_ZHONGLU).await;
    let mut conn = app.state.db.conn().await.unwrap();
    let department = ejia::org::store::list_departments(&mut conn, 0, 1).await.unwrap()[0].id;
    drop(conn);
    const ORG: [&str; 6] = [
        "/manage/streets",
        "/manage/communities",
        "/manage/venues",
        "/manage/departments",
        "/manage/users",
        "/manage/audit",
    ];
    let cases = ["/manage/cases", "/manage/case-stats"];
    let expected: Vec<(&str, Role, Scope, Vec<&str>)> = vec![
        ("13900000101", Role::Inspector, Scope::Street(street), vec!["/manage/cases", "/patrol"]),
        ("13900000102", Role::Handler, Scope::Department(department), vec!["/manage/cases", "/manage/assist"]),
        (
            "13900000103",
            Role::Dispatcher,
            Scope::District,
            [&cases[..], &["/manage/patrols", "/manage/hotline", "/manage/assist", "/manage/enterprises"]].concat(),
        ),
        (
            "13900000104",
            Role::Dispatcher,
            Scope::Street(street),
            [&cases[..], &["/manage/patrols", "/manage/hotline"]].concat(),
        ),
        (
            "13900000105",
            Role::Organizer,
            Scope::District,
            vec!["/manage/events", "/manage/challenges", "/manage/checkin", "/manage/services"],
        ),
        ("13900000106", Role::Editor, Scope::District, vec!["/manage/news"]),
        (
            "13900000107",
            Role::StreetAdmin,
            Scope::Street(street),
            [
                &ORG[..],
                &["/manage/checkin"],
                &cases[..],
                &["/manage/patrols", "/manage/hotline", "/manage/news", "/manage/points"],
            ]
            .concat(),
        ),
        (
            "13900000108",
            Role::DistrictAdmin,
            Scope::District,
            [
                &ORG[..],
                &["/manage/events", "/manage/challenges", "/manage/checkin", "/manage/services"],
                &cases[..],
                &["/manage/patrols", "/manage/hotline", "/manage/case-categories", "/manage/work-calendar"],
                &["/manage/assist", "/manage/enterprises", "/manage/news", "/manage/points"],
            ]
            .concat(),
        ),
    ];
    for (phone, role, scope, tiles) in expected {
        app.user(phone, "职员", None, &[grant(role, scope)]).await;
        app.login(phone).await;
        let (status, body) = app.page("/manage").await;
        assert_eq!(status, 200, "{role:?}");
        let list = body.split("<ul class=\"tiles\">").nth(1).and_then(|l| l.split("</ul>").next()).unwrap_or("");
        let shown: Vec<&str> = list.split("<li><a href=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        assert_eq!(shown, tiles, "{role:?} {scope:?}");
        assert_eq!(body.contains("<ul class=\"tiles\">"), !tiles.is_empty(), "{role:?}");
    }
    // Residents and enterprises have no back office at all.
    for (phone, role) in [("13900000109", Role::Resident), ("13900000110", Role::Enterprise)] {
        app.user(phone, "居民", None, &[grant(role, Scope::District)]).await;
        app.login(phone).await;
        assert_eq!(app.get("/manage").await.status(), 403, "{role:?}");
    }
}

//! The patrol page: an inspector starts a patrol, files two findings (one with a photo and the
//! phone's position, one placed by community and address), sends route points, ends the patrol,
//! and finds it in the log. A bad photo files nothing; only inspectors patrol.

use ejia::authz::{Role, Scope};
use ejia::cases::store;

use crate::helpers::*;

const INSPECTOR: &str = "13700000011";
const RESIDENT: &str = "13911113333";
/// 占道经营, a finding the patrol page offers first.
const STALL: &str = "0601";
/// 积存垃圾渣土.
const DEBRIS: &str = "0103";

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Posts the finding form as the page's browser would (multipart, with the page's token).
async fn file(app: &TestApp, fields: &[(&str, String)], photo: Option<Vec<u8>>) -> reqwest::Response {
    let (status, page) = app.page("/patrol").await;
    assert_eq!(status, 200);
    let mut form = reqwest::multipart::Form::new().text("_csrf", csrf_in(&page));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    if let Some(bytes) = photo {
        form = form.part("photo", reqwest::multipart::Part::bytes(bytes).file_name("scene.jpg"));
    }
    app.client.post(app.at("/patrol/findings")).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn an_inspector_files_two_findings_on_a_patrol_and_finds_them_in_the_log() {
    let w = World::district()
        .await
        .with([Person::new(INSPECTOR, "巡查员").lives_in(YUNXIAOLU).grant(Role::Inspector, At::District)])
        .await;
    let app = &w.app;
    let community = w.community(YUNXIAOLU);
    app.login(INSPECTOR).await;
    let (stall, debris) = (w.category(STALL), w.category(DEBRIS));

    // Before a patrol: no finding form, a start button; filing is refused with the reason.
    let (_, page) = app.page("/patrol").await;
    assert!(page.contains("action=\"/patrol/start\"") && !page.contains("action=\"/patrol/findings\""));
    let r = file(app, &[("category_id", stall.to_string())], Some(png())).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("这次巡查已经结束或不是您的"));

    assert_eq!(app.post("/patrol/start", &[]).await.status(), 303);
    // A second tap on start does not open a second patrol.
    assert_eq!(app.post("/patrol/start", &[]).await.status(), 303);
    assert_eq!(app.count("patrols").await, 1);
    let (_, page) = app.page("/patrol").await;
    assert!(page.contains("action=\"/patrol/findings\"") && page.contains("capture=\"environment\""));
    assert!(page.contains("<optgroup label=\"常见问题\" lang=\"zh-CN\">"), "common findings first");

    // A file that is not a picture files nothing and keeps the answers.
    let garbage = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let fields = [
        ("category_id", stall.to_string()),
        ("lat", "36.0605".into()),
        ("lng", "120.3822".into()),
        ("description", "流动摊点占用人行道".into()),
    ];
    let r = file(app, &fields, Some(garbage)).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("这个文件不是能用的照片") && html.contains("流动摊点占用人行道"));
    assert_eq!(app.count("cases").await, 0);
    assert_eq!(app.count("images").await, 0);

    // First finding: photo and position, as the script fills them in.
    let r = file(app, &fields, Some(png())).await;
    assert_eq!(r.status(), 303);
    let first: i64 = r.headers()["location"].to_str().unwrap().strip_prefix("/patrol?filed=").unwrap().parse().unwrap();
    // Route points, as the script sends them.
    let r = app.post("/patrol/points", &[("points", "36.0601,120.3820;36.0605,120.3822")]).await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.post("/patrol/points", &[("points", "36.06,north")]).await.status(), 422);
    // Second: no position (geolocation refused), placed by community and address; no note.
    let fields = [
        ("category_id", debris.to_string()),
        ("community_id", community.to_string()),
        ("address", "云霄路 12 号楼后".into()),
    ];
    let r = file(app, &fields, Some(png())).await;
    assert_eq!(r.status(), 303);
    let second: i64 =
        r.headers()["location"].to_str().unwrap().strip_prefix("/patrol?filed=").unwrap().parse().unwrap();

    let mut conn = app.state.db.conn().await.unwrap();
    let a = store::case(&mut conn, first).await.unwrap().unwrap();
    let b = store::case(&mut conn, second).await.unwrap().unwrap();
    drop(conn);
    assert_eq!(a.source.as_str(), "patrol");
    assert_eq!((a.coords, a.patrol_id.is_some()), (Some((36.0605, 120.3822)), true));
    assert_eq!(a.patrol_id, b.patrol_id);
    assert_eq!((b.description.as_str(), b.community_id), ("积存垃圾渣土", Some(community)));
    assert_eq!(app.count("case_photos").await, 2);
    let (_, case_page) = app.page(&format!("/cases/{first}")).await;
    assert!(case_page.contains(&format!("src=\"/cases/{first}/photos/")), "the photo is on the case page");

    let (_, page) = app.page(&format!("/patrol?filed={second}")).await;
    assert!(page.contains(&format!("/cases/{first}")) && page.contains(&format!("/cases/{second}")));
    assert_eq!(app.post("/patrol/end", &[]).await.status(), 303);
    let (_, page) = app.page("/patrol").await;
    assert!(page.contains("action=\"/patrol/start\""), "the patrol has ended");
    let log = page.split("巡查记录").nth(1).unwrap();
    assert!(log.contains("位置点 2") && log.contains("上报问题 2"), "{log}");
    assert!(log.contains(&format!("/cases/{first}")) && log.contains(&format!("/cases/{second}")));
}

#[tokio::test]
async fn only_inspectors_patrol_and_every_form_needs_its_token() {
    let app = TestApp::with_district().await;
    app.user(RESIDENT, "居民", None, &[]).await;
    app.login(RESIDENT).await;
    assert_eq!(app.page("/patrol").await.0, 403);
    assert_eq!(app.post("/patrol/start", &[]).await.status(), 403);
    assert_eq!(app.count("patrols").await, 0);

    app.user(INSPECTOR, "巡查员", None, &[grant(Role::Inspector, Scope::District)]).await;
    app.login(INSPECTOR).await;
    let r = app.client.post(app.at("/patrol/start")).form(&[("x", "1")]).send().await.unwrap();
    assert_eq!(r.status(), 403, "no CSRF token");
    assert_eq!(app.count("patrols").await, 0);
    // The back-office index leads inspectors to the page.
    assert!(app.page("/manage").await.1.contains("href=\"/patrol\""));
}

#[tokio::test]
async fn the_patrol_log_shows_each_admin_their_streets_patrols_filtered_and_sorted() {
    let w = World::district()
        .await
        .with([
            Person::new("13700000021", "巡查员甲").grant(Role::Inspector, At::Community(YUNXIAOLU)),
            Person::new("13700000022", "巡查员乙").inspector_of(BADAXIA),
            Person::new("13700000023", "街道管理员").street_admin_of(XIANGGANG_ZHONGLU),
        ])
        .await;
    let app = &w.app;
    let yunxiaolu = w.community(YUNXIAOLU);
    let stall = w.category(STALL).to_string();
    // 甲 patrols twice (one finding on the second, still open); 乙 once, ended.
    app.login("13700000021").await;
    app.post("/patrol/start", &[]).await;
    app.post("/patrol/end", &[]).await;
    app.post("/patrol/start", &[]).await;
    let r = file(app, &[("category_id", stall.clone()), ("community_id", yunxiaolu.to_string())], Some(png())).await;
    assert_eq!(r.status(), 303);
    app.login("13700000022").await;
    app.post("/patrol/start", &[]).await;
    app.post("/patrol/end", &[]).await;

    app.login("13700000023").await;
    let (status, page) = app.page("/manage/patrols").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("<th scope=\"row\">巡查员甲</th>").count(), 2);
    assert!(!page.contains("巡查员乙"), "another street's inspector");
    let (_, open) = app.page("/manage/patrols?status=open").await;
    assert_eq!(open.matches("<th scope=\"row\">").count(), 1);
    let (_, most) = app.page("/manage/patrols?sort=findings").await;
    let first_row = most.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first_row.contains("/cases/"), "the patrol with a finding comes first: {first_row}");

    app.login_district_admin().await;
    let (_, all) = app.page("/manage/patrols").await;
    assert!(all.contains("巡查员甲") && all.contains("巡查员乙"));
    let (_, named) = app.page("/manage/patrols?inspector=%E4%B9%99").await;
    assert!(named.contains("巡查员乙") && !named.contains("巡查员甲"));

    w.user(Person::new(RESIDENT, "居民")).await;
    app.login(RESIDENT).await;
    assert_eq!(app.page("/manage/patrols").await.0, 403);
}

#[tokio::test]
async fn the_patrol_api_answers_each_admin_only_for_the_patrols_their_log_shows() {
    let w = World::district().await;
    let (mine, other) = (XIANGGANG_ZHONGLU, BADAXIA);
    let jia = w.client(Person::new("13700000021", "巡查员甲").grant(Role::Inspector, At::Community(YUNXIAOLU))).await;
    let yi = w.client(Person::new("13700000022", "巡查员乙").inspector_of(other)).await;
    let admin = w.client(Person::new("13700000023", "街道管理员").street_admin_of(mine)).await;
    let other_admin = w.client(Person::new("13700000024", "别的街道").street_admin_of(other)).await;
    let street_dispatcher =
        w.client(Person::new("13700000025", "街道调度").grant(Role::Dispatcher, At::Street(mine))).await;
    let district = w.client(Person::new("13700000026", "区调度").dispatcher()).await;
    let resident = w.client(Person::new(RESIDENT, "居民")).await;
    let patrol = |who: &Api| {
        let who = who.clone();
        async move {
            let (status, p) = who.post("/patrols", serde_json::json!({})).await;
            assert_eq!(status, 201, "{p}");
            format!("/patrols/{}", p["id"].as_i64().unwrap())
        }
    };
    let (of_jia, of_yi) = (patrol(&jia).await, patrol(&yi).await);
    // (reader, 甲's patrol, 乙's patrol): within reach 200, out of it 404 — as if it did not exist.
    for (who, name, expected) in [
        (&jia, "甲", (200, 404)),
        (&yi, "乙", (404, 200)),
        (&admin, "the street's admin", (200, 404)),
        (&other_admin, "the other street's admin", (404, 200)),
        (&street_dispatcher, "the street's dispatcher", (200, 404)),
        (&district, "the district's dispatcher", (200, 200)),
        (&resident, "a resident", (404, 404)),
    ] {
        let (a, body) = who.get(&of_jia).await;
        let (b, _) = who.get(&of_yi).await;
        assert_eq!((a, b), expected, "{name}");
        if a == 404 {
            assert!(body.get("inspector").is_none() && body.get("points").is_none(), "{name}: {body}");
        }
    }
    assert_eq!(admin.get("/patrols/999999").await.0, 404);
}

/// Someone who runs two streets reads both streets' patrols, in the log and over the API: every
/// street grant counts, not only the last one read (the patrol log once kept only the last).
#[tokio::test]
async fn an_admin_of_two_streets_reads_the_patrols_of_both() {
    let w = World::district().await;
    let jia = w.client(Person::new("13700000031", "巡查员甲").inspector_of(XIANGGANG_ZHONGLU)).await;
    let yi = w.client(Person::new("13700000032", "巡查员乙").inspector_of(BADAXIA)).await;
    let both = Person::new("13700000033", "两街管理员").street_admin_of(XIANGGANG_ZHONGLU).street_admin_of(BADAXIA);
    let both = w.client(both).await;
    let mixed = Person::new("13700000034", "管理兼调度")
        .street_admin_of(XIANGGANG_ZHONGLU)
        .grant(Role::Dispatcher, At::Street(BADAXIA));
    let mixed = w.client(mixed).await;
    let mut patrols = Vec::new();
    for inspector in [&jia, &yi] {
        let (status, p) = inspector.post("/patrols", serde_json::json!({})).await;
        assert_eq!(status, 201, "{p}");
        patrols.push(format!("/patrols/{}", p["id"].as_i64().unwrap()));
    }
    for (who, name) in [(&both, "admin of both"), (&mixed, "admin of one, dispatcher of the other")] {
        for patrol in &patrols {
            assert_eq!(who.get(patrol).await.0, 200, "{name}: {patrol}");
        }
    }
    for phone in ["13700000033", "13700000034"] {
        w.app.login(phone).await;
        let (status, log) = w.app.page("/manage/patrols").await;
        assert_eq!(status, 200);
        assert!(log.contains("巡查员甲") && log.contains("巡查员乙"), "{phone} sees both streets' patrols");
    }
}

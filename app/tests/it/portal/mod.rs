//! The portal (`/`): its sections and their empty states, the directory moved to `/district`,
//! public sections kept in memory yet fresh "at once" after a change to public content (on
//! one instance, and across two on PostgreSQL), and the signed-in resident's own part.

mod freshness;
mod mine;

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_fresh_district_gets_every_section_with_a_friendly_empty_state() {
    let app = TestApp::with_district().await;
    let (status, home) = app.page("/").await;
    assert_eq!(status, 200);
    for text in [
        "随手拍 · 反映问题",
        "href=\"/report\"",
        "近 7 天暂无活动",
        "暂时没有可预约的服务",
        "暂无资讯",
        "暂无办结的公开问题",
        "登录后可查看",
        "href=\"/district\"",
    ] {
        assert!(home.contains(text), "{text} in {home}");
    }
    assert!(!home.contains("portal-campaign"), "no topic yet, no banner");
    let (status, district) = app.page("/district").await;
    assert_eq!(status, 200);
    assert!(district.contains("id=\"street-370202001\""), "the directory keeps its anchors");
    let en = app.other_browser().get(app.at("/")).header("accept-language", "en").send().await.unwrap();
    let en = en.text().await.unwrap();
    assert!(en.contains("Snap &#38; report a problem") && en.contains("Log in to see"), "{en}");
}

#[tokio::test]
async fn activities_of_the_residents_own_community_come_first_then_their_streets() {
    let w = World::district().await.with([Person::new(ORGANISER, "组织者").organiser_of(PUBLICITY).api()]).await;
    // Three venues: one in a community, one elsewhere in its street, one in another street.
    let venues: Vec<(i64, Option<i64>, i64)> = sqlx::query_as(
        "select venue_id, community_id, street_id from venues where street_id is not null order by venue_id",
    )
    .fetch_all(w.app.state.db.pool())
    .await
    .unwrap();
    let (home_venue, community, street) =
        venues.iter().find_map(|(v, c, s)| c.map(|c| (*v, c, *s))).expect("a venue in a community");
    let same_street = venues.iter().find(|(_, c, s)| *s == street && *c != Some(community)).expect("another").0;
    let elsewhere = venues.iter().find(|(_, _, s)| *s != street).expect("another street").0;
    // Soonest first: the other street's, the street's, then the community's.
    for (title, venue, day) in [("别街活动", elsewhere, 2), ("本街活动", same_street, 3), ("本社区活动", home_venue, 4)]
    {
        let body = json!({"title": title, "kind": "lecture", "department_id": w.department(PUBLICITY)});
        let event = w.event(ORGANISER, body).await;
        event
            .session(json!({"venue_id": venue, "starts_at": format!("2026-12-0{day}T10:00:00+08:00"),
                "ends_at": format!("2026-12-0{day}T11:00:00+08:00"), "capacity": 10}))
            .await;
    }
    let order = |page: &str| {
        let mut at: Vec<_> =
            ["本社区活动", "本街活动", "别街活动"].iter().map(|t| (page.find(t).unwrap(), *t)).collect();
        at.sort();
        at.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    };
    assert_eq!(order(&w.app.page("/").await.1), ["别街活动", "本街活动", "本社区活动"], "anonymous: soonest first");
    let code: String = sqlx::query_scalar("select code from communities where community_id = $1")
        .bind(community)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    let code: &'static str = Box::leak(code.into_boxed_str());
    w.user(Person::new("13900001111", "社区居民").lives_in(code)).await;
    w.app.login("13900001111").await;
    let home = w.app.page("/").await.1;
    assert_eq!(order(&home), ["本社区活动", "本街活动", "别街活动"], "the resident's own first");
    assert!(home.contains("本社区</strong>"));
}

#[tokio::test]
async fn a_case_closed_after_its_check_shows_at_once_among_the_boards_latest() {
    use case_cast::*;
    let w = World::for_cases().await;
    let id = w
        .case(ILLEGAL_BUILDING)
        .description("人行道上私搭乱建的棚子")
        .in_community(YUNXIAOLU)
        .file(w.api(RESIDENT))
        .await;
    assert!(w.app.page("/").await.1.contains("暂无办结的公开问题"), "cached empty");
    let dispatch = json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)});
    for (who, body) in [
        (DISPATCHER, dispatch),
        (HANDLER, json!({"action": "start_handling"})),
        (HANDLER, json!({"action": "report_handled", "note": "已拆除"})),
        (INSPECTOR, json!({"action": "check_pass"})),
    ] {
        let (status, answer) = act(w.api(who), id, body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let home = w.app.page("/").await.1;
    assert!(home.contains(&format!("href=\"/board/{id}\"")), "{home}");
    assert!(
        home.contains("人行道上私搭乱建的棚子") && home.contains("香港中路街道") && home.contains("已结案"),
        "{home}"
    );
}

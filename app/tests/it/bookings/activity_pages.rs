//! The activity pages as issue 12 asked: 本周 and 我的社区 shortcuts above a folded filter,
//! cards with weekday and place, an event's sessions by day with the resident's community
//! first and 已报名 on what they hold, one choice of whom for every session, and venue pages.

use serde_json::json;

use crate::helpers::*;

/// (world, event, the resident's community, its venue, a venue elsewhere).
async fn film_in_two_places() -> (World, Event, i64, i64, i64) {
    let (w, e) = World::with_event(false).await;
    let community = w.community(YUNXIAOLU).0;
    let mut conn = w.app.state.db.conn().await.unwrap();
    let home: i64 = sqlx::query_scalar("select min(venue_id) from venues where community_id = $1")
        .bind(community)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let away: i64 =
        sqlx::query_scalar("select min(venue_id) from venues where community_id is not null and community_id <> $1")
            .bind(community)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    (w, e, community, home, away)
}

fn session(venue: i64, day: &str) -> serde_json::Value {
    json!({"venue_id": venue, "starts_at": format!("{day}T19:00:00+08:00"), "ends_at": format!("{day}T21:00:00+08:00"), "capacity": 30})
}

#[tokio::test]
async fn sessions_come_by_day_with_my_community_first_and_what_i_hold_marked() {
    let (w, e, _, home, away) = film_in_two_places().await;
    let later = e.session(session(home, "2026-12-12")).await;
    let away_first = e.session(session(away, "2026-12-05")).await;
    let home_first = e.session(session(home, "2026-12-05")).await;
    let resident = w.client(Person::new("13911112222", "王女士").lives_in(YUNXIAOLU)).await;
    register(&resident, later).await;
    let app = &w.app;
    app.login("13911112222").await;
    let (status, page) = app.page(&format!("/events/{}", e.id)).await;
    assert_eq!(status, 200);
    let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("{needle} not in {page}"));
    assert!(at("周六 12月5日") < at("周六 12月12日"), "the nearest day first");
    assert!(at(&format!("id=\"session-{home_first}\"")) < at(&format!("id=\"session-{away_first}\"")), "mine first");
    let held = &page[at(&format!("id=\"session-{later}\""))..];
    assert!(held[..held.find("</li>").unwrap()].contains("已报名"));
    assert_eq!(page.matches("已报名").count(), 1);
    // One form, no select per session: each session's button carries its URL and token.
    assert_eq!(page.matches("<form method=\"post\" action=\"/events/").count(), 1);
    assert!(!page.contains("<select"), "nobody else to register: no choice at all");
    assert!(page.contains(&format!("formaction=\"/sessions/{home_first}/register#form-errors\" name=\"token\"")));
    let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = app.post(&format!("/sessions/{home_first}/register"), &[("token", &token), ("person_id", "")]).await;
    assert_eq!(r.status(), 303);
    // The venue has a page of its own.
    assert!(page.contains(&format!("<a href=\"/venues/{home}\" lang=\"zh-CN\">")));
}

#[tokio::test]
async fn shortcuts_this_week_and_my_community_and_cards_with_weekday_and_place() {
    let (w, e, community, home, away) = film_in_two_places().await;
    e.session(session(away, "2026-12-03")).await;
    e.session(session(home, "2026-12-05")).await;
    w.user(Person::new("13911112222", "王女士").lives_in(YUNXIAOLU)).await;
    let app = &w.app;
    app.login("13911112222").await;
    let (_, page) = app.page("/events").await;
    // The clock stands on Tuesday 2026-12-01: this week runs to Sunday the 6th.
    assert!(page.contains("href=\"/events?from=2026-12-01&#38;to=2026-12-06\">本周</a>"), "{page}");
    assert!(page.contains(&format!("href=\"/events?community={community}\">我的社区</a>")));
    assert!(page.contains("<details class=\"filters-fold\">"), "the filter is folded");
    let away_name = venue_name(&w, away).await;
    let home_name = venue_name(&w, home).await;
    assert!(
        page.contains(&format!(
            "<time>周四 12月3日 19:00</time> · <a href=\"/venues/{away}\" lang=\"zh-CN\">{away_name}</a>"
        )),
        "{page}"
    );
    let (_, mine) = app.page(&format!("/events?community={community}&from=2026-12-01&to=2026-12-06")).await;
    assert!(mine.contains(&format!(
        "<time>周六 12月5日 19:00</time> · <a href=\"/venues/{home}\" lang=\"zh-CN\">{home_name}</a>"
    )));
    assert!(mine.contains("aria-current=\"true\">本周") && mine.contains("aria-current=\"true\">我的社区"));
    assert!(mine.contains(&format!("name=\"community\" value=\"{community}\"")), "the form keeps the shortcut");
    // Turning 我的社区 off keeps 本周.
    assert!(mine.contains("href=\"/events?from=2026-12-01&#38;to=2026-12-06\" aria-current=\"true\">我的社区"));
    // Someone elsewhere sees nothing of 我的社区 without a community.
    let (_, anonymous) = TestAppBrowser::new(app).page("/events").await;
    assert!(anonymous.contains("本周") && !anonymous.contains("我的社区"));
}

async fn venue_name(w: &World, id: i64) -> String {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_scalar("select name from venues where venue_id = $1").bind(id).fetch_one(&mut *conn).await.unwrap()
}

#[tokio::test]
async fn a_venue_page_says_where_it_is_and_what_is_on() {
    let (w, e, _, home, _) = film_in_two_places().await;
    e.session(session(home, "2026-12-05")).await;
    let (status, page) = w.app.page(&format!("/venues/{home}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&venue_name(&w, home).await) && page.contains("云霄路社区"));
    assert!(page.contains("红色电影展播：《长津湖》") && page.contains("周六 12月5日 19:00"));
    assert!(page.contains(&format!("/venues/{home}/calendar.ics")));
    assert_eq!(w.app.get("/venues/999999").await.status(), 404);
}

#[tokio::test]
async fn a_refused_registration_is_summarised_at_the_top_and_keeps_the_choice() {
    let (w, e, _, home, _) = film_in_two_places().await;
    let full = e.session(session(home, "2026-12-05")).await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士")).await;
    app.login("13911112222").await;
    app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", "")]).await;
    let (_, page) = app.page(&format!("/events/{}", e.id)).await;
    assert_eq!(page.matches("<select").count(), 1, "one choice of whom, for every session");
    let person = page.split("\" lang=\"zh-CN\">父母 · 王秀英").next().unwrap().rsplit('"').next().unwrap().to_owned();
    let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r = app.post(&format!("/sessions/{full}/register"), &[("token", &token), ("person_id", &person)]).await;
    assert_eq!(r.status(), 303);
    // The same person again, from a fresh page: refused.
    let again = format!("{token}x");
    let r = app.post(&format!("/sessions/{full}/register"), &[("token", &again), ("person_id", &person)]).await;
    let status = r.status().as_u16();
    let page = r.text().await.unwrap();
    assert!(status == 409 || status == 422, "{status}");
    assert!(page.contains("id=\"form-errors\"") && page.contains(&format!("<a href=\"#session-{full}\">")), "{page}");
    assert!(
        page.contains(&format!("<option value=\"{person}\" selected lang=\"zh-CN\">父母 · 王秀英")),
        "the choice is kept"
    );
}

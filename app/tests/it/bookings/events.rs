//! Activities: events, sessions, a seven-month series across 54 venues, registration,
//! cancelling the rest of a series, iCalendar feeds that a standard parser reads.

use icalendar::{Calendar, CalendarComponent, Component as _};
use serde_json::{Value, json};

use crate::helpers::*;

const SERIES: &str = "DTSTART;TZID=Asia/Shanghai:20261205T190000\nRRULE:FREQ=WEEKLY;BYDAY=SA;UNTIL=20270626T235959Z";

#[tokio::test]
async fn a_seven_month_weekly_series_at_54_venues_in_one_step() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_ids": w.venues(54), "rrule": SERIES, "duration_minutes": 120, "capacity": 60});
    let (status, created) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["ids"].as_array().unwrap().len(), 30 * 54);
    let (_, detail) = e.organizer.get(&format!("/events/{}", e.id)).await;
    let sessions = detail["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1620);
    assert_eq!(sessions[0]["starts_at"], "2026-12-05T19:00:00+08:00");
    assert_eq!(sessions[0]["ends_at"], "2026-12-05T21:00:00+08:00");
    assert_eq!(sessions.last().unwrap()["starts_at"], "2027-06-26T19:00:00+08:00");
    // An endless rule, or another department's organiser, is refused.
    let (status, body) = e
        .organizer
        .post(
            &format!("/events/{}/sessions", e.id),
            json!({"venue_ids": w.venues(1),
            "rrule": "DTSTART:20261205T110000Z\nRRULE:FREQ=DAILY", "duration_minutes": 60}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "rrule");
    let stranger = w.client(Person::new("13700000002", "卫健局组织者").organiser_of(HEALTH)).await;
    let (status, _) = stranger
        .post(
            &format!("/events/{}/sessions", e.id),
            json!({"venue_id": w.venues(1)[0],
            "starts_at": "2026-12-06T19:00:00+08:00", "ends_at": "2026-12-06T21:00:00+08:00"}),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn registrations_fill_a_session_then_waitlist_and_cancelling_the_rest_of_a_series_tells_everyone() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_ids": w.venues(2), "rrule": SERIES, "duration_minutes": 120, "capacity": 1});
    let (_, created) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    let ids: Vec<i64> = created["ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    let (first, third) = (ids[0], ids[2]);
    let (a, b) = (
        w.client(Person::new("13911110001", "居民").lives_in(YUNXIAOLU)).await,
        w.client(Person::new("13911110002", "居民").lives_in(YUNXIAOLU)).await,
    );
    let (status, reg) = a.send(reqwest::Method::POST, &format!("/sessions/{first}/registrations"), None, None).await;
    assert_eq!((status, reg["status"].as_str()), (201, Some("confirmed")));
    let (status, again) = a.send(reqwest::Method::POST, &format!("/sessions/{first}/registrations"), None, None).await;
    assert_eq!(status, 409, "{again}");
    let (_, waiting) = b.send(reqwest::Method::POST, &format!("/sessions/{first}/registrations"), None, None).await;
    assert_eq!(waiting["status"], "waitlisted");
    // One person may come to several sessions of the same event.
    let (status, _) = a.send(reqwest::Method::POST, &format!("/sessions/{third}/registrations"), None, None).await;
    assert_eq!(status, 201);
    // Cancelling a registration promotes the next in line.
    let (status, _) = a.send(reqwest::Method::DELETE, &format!("/registrations/{}", reg["id"]), None, None).await;
    assert_eq!(status, 200);
    let (_, mine) = b.get("/me/registrations").await;
    assert_eq!(mine[0]["status"], "confirmed");
    // The organiser cancels this session and the rest of its series (at that venue's series).
    let (status, changed) = e
        .organizer
        .send(
            reqwest::Method::PATCH,
            &format!("/sessions/{third}"),
            Some(json!({"scope": "following", "cancel": true})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        changed["ids"].as_array().unwrap().len(),
        2 * 28,
        "the third Saturday and later, at both venues of the series"
    );
    let (_, mine) = a.get("/me/registrations").await;
    assert!(mine.as_array().unwrap().iter().all(|r| r["status"] == "cancelled"), "{mine}");
    let mut conn = w.app.state.db.conn().await.unwrap();
    let told: i64 = sqlx::query_scalar("select count(*) from notifications where kind = 'booking.cancelled'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(told, 2, "a's own cancellation and the cancelled session");
    drop(conn);
    let (status, body) = b.send(reqwest::Method::POST, &format!("/sessions/{third}/registrations"), None, None).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"], "该场次已取消。");
    // Moving the first session an hour later.
    let (status, _) = e
        .organizer
        .send(reqwest::Method::PATCH, &format!("/sessions/{first}"), Some(json!({"shift_minutes": 60})), None)
        .await;
    assert_eq!(status, 200);
    let (_, detail) = a.get(&format!("/events/{}", e.id)).await;
    let moved = detail["sessions"].as_array().unwrap().iter().find(|x| x["id"] == first).unwrap();
    assert_eq!(moved["starts_at"], "2026-12-05T20:00:00+08:00");
}

#[tokio::test]
async fn events_are_found_by_date_street_venue_and_kind_and_members_only_ones_stay_private() {
    let (w, e) = World::with_event(false).await;
    let street = w.app.street(XIANGGANG_ZHONGLU).await;
    let mut conn = w.app.state.db.conn().await.unwrap();
    let here = ejia::org::store::list_venues(
        &mut conn,
        ejia::org::store::VenueFilter { street: Some(street), kind: None },
        0,
        1,
    )
    .await
    .unwrap();
    drop(conn);
    let body = json!({"venue_id": here[0].id.0, "starts_at": "2026-12-10T09:00:00+08:00", "ends_at": "2026-12-10T11:00:00+08:00", "capacity": 30});
    e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    let anonymous = reqwest::Client::new();
    let list = |q: &str| anonymous.get(w.app.at(&format!("/api/v1/events{q}"))).send();
    let found: Value =
        list(&format!("?from=2026-12-01&to=2026-12-31&street={street}&kind=film")).await.unwrap().json().await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["next_session"], "2026-12-10T09:00:00+08:00");
    let at_venue: Value =
        list(&format!("?from=2026-12-01&to=2026-12-31&venue={}", here[0].id.0)).await.unwrap().json().await.unwrap();
    assert_eq!(at_venue.as_array().unwrap().len(), 1);
    let elsewhere = w.venues(54).iter().find(|v| **v != here[0].id.0).unwrap();
    for q in [
        "?from=2027-01-01&to=2027-01-31".to_owned(),
        format!("?street={}", w.app.street(BADAXIA).await),
        "?kind=lecture".to_owned(),
        format!("?from=2026-12-10&to=2026-12-10&venue={elsewhere}"),
    ] {
        let q = q.as_str();
        let none: Value = list(q).await.unwrap().json().await.unwrap();
        assert!(none.as_array().unwrap().is_empty(), "{q}");
    }
    let (status, body) = e.organizer.get("/events?from=2026-13-01").await;
    assert_eq!((status, body["status"].as_i64()), (400, Some(400)));
    // The site list shows it too, filtered the same way.
    let (_, page) = w.app.page(&format!("/events?from=2026-12-01&to=2026-12-31&street={street}")).await;
    assert!(page.contains("红色电影展播：《长津湖》") && page.contains("周四 12月10日 09:00"));
    let (_, page) = w.app.page(&format!("/events?from=2026-12-10&to=2026-12-10&venue={elsewhere}")).await;
    assert!(!page.contains("红色电影展播：《长津湖》"));
    assert!(page.contains(&format!("<option value=\"{elsewhere}\" selected")), "the chosen venue stays selected");
    // A members-only event is invisible without logging in.
    let (private, private_event) = World::with_event(true).await;
    let body = json!({"venue_id": private.venues(1)[0], "starts_at": "2026-12-10T09:00:00+08:00", "ends_at": "2026-12-10T10:00:00+08:00"});
    private_event.organizer.post(&format!("/events/{}/sessions", private_event.id), body).await;
    assert_eq!(
        reqwest::get(private.app.at(&format!("/api/v1/events/{}", private_event.id))).await.unwrap().status(),
        404
    );
    assert_eq!(private.app.get(&format!("/events/{}", private_event.id)).await.status(), 404);
    assert_eq!(private.app.get(&format!("/events/{}.ics", private_event.id)).await.status(), 404);
}

fn events_of(ics: &str) -> Vec<icalendar::Event> {
    let cal: Calendar = ics.parse().unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"));
    cal.components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn calendar_feeds_parse_as_icalendar() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_ids": w.venues(1), "rrule": SERIES, "duration_minutes": 120, "capacity": 10});
    let (_, created) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    let online = json!({"online_url": "https://meeting.example.cn/room/42", "starts_at": "2026-12-08T19:00:00+08:00", "ends_at": "2026-12-08T20:00:00+08:00"});
    let (_, talk) = e.organizer.post(&format!("/events/{}/sessions", e.id), online).await;
    // The event's feed: every session, with its place.
    let r = w.app.get(&format!("/events/{}.ics", e.id)).await;
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = r.text().await.unwrap();
    let events = events_of(&text);
    assert_eq!(events.len(), 31);
    assert!(events.iter().all(|e| e.get_summary() == Some("红色电影展播：《长津湖》")));
    assert!(text.contains("DTSTART:20261205T110000Z"), "UTC start of the first session");
    assert!(!text.contains("meeting.example.cn"), "online links are for registrants only");
    // A venue's feed.
    let venue_feed = w.app.get(&format!("/venues/{}/calendar.ics", w.venues(1)[0])).await.text().await.unwrap();
    assert_eq!(events_of(&venue_feed).len(), 30);
    // The private feed: a resident registered for the online talk sees it, with the link.
    let resident = w.client(Person::new("13911110009", "居民").lives_in(YUNXIAOLU)).await;
    let (status, _) =
        resident.send(reqwest::Method::POST, &format!("/sessions/{}/registrations", talk["id"]), None, None).await;
    assert_eq!(status, 201);
    assert_eq!(created["ids"].as_array().unwrap().len(), 30);
    w.app.login("13911110009").await;
    let (_, mine) = w.app.page("/me/bookings").await;
    let feed = mine.split("href=\"/calendar/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let private =
        w.app.other_browser().get(w.app.at(&format!("/calendar/{feed}"))).send().await.unwrap().text().await.unwrap();
    let events = events_of(&private);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].property_value("URL"), Some("https://meeting.example.cn/room/42"));
    let forged = feed.replacen(feed.split('-').next().unwrap(), "1", 1);
    assert_eq!(w.app.get(&format!("/calendar/{forged}")).await.status(), 404);
}

#[tokio::test]
async fn residents_register_on_the_event_page_once_per_form() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_id": w.venues(1)[0], "starts_at": "2026-12-10T09:00:00+08:00", "ends_at": "2026-12-10T11:00:00+08:00", "capacity": 30});
    let (_, session) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    let session = session["id"].as_i64().unwrap();
    let (status, page) = w.app.page(&format!("/events/{}", e.id)).await;
    assert_eq!(status, 200);
    assert!(page.contains("登录后报名") && page.contains("每周六晚放映。"));
    w.user(Person::new("13911112222", "张三")).await;
    w.app.login("13911112222").await;
    let (_, page) = w.app.page(&format!("/events/{}", e.id)).await;
    let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    for _ in 0..2 {
        let r = w.app.post(&format!("/sessions/{session}/register"), &[("token", &token), ("person_id", "")]).await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(w.app.count("reservations").await, 1);
    let (_, mine) = w.app.page("/me/bookings").await;
    assert!(mine.contains("红色电影展播：《长津湖》"));
    let r = w
        .app
        .post(&format!("/sessions/{session}/register"), &[("token", &format!("{token}-2")), ("person_id", "")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("此人已有"));
}

#[tokio::test]
async fn an_organiser_builds_a_weekly_series_at_54_venues_in_the_back_office() {
    let w = World::district().await.with([Person::new(ORGANISER, "宣传部组织者").organiser_of(PUBLICITY)]).await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let (status, form) = app.page("/manage/events/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("区委宣传部") && !form.contains("区卫健局"), "only departments the organiser works for");
    assert!(form.contains("<textarea id=\"f-description\" name=\"description\""), "an introduction of several lines");
    let r = app
        .post(
            "/manage/events/new",
            &[("title", ""), ("kind", "film"), ("department_id", "1"), ("description", "第一行\n第二行")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(">第一行\n第二行</textarea>"), "kept as typed, lines and all");
    let r = app
        .post(
            "/manage/events/new",
            &[("title", "红色电影展播"), ("kind", "film"), ("department_id", "1"), ("campaign", "学党史")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let admin = r.headers()["location"].to_str().unwrap().to_owned();
    let event: i64 = admin.rsplit('/').next().unwrap().parse().unwrap();
    // The form repeats one name for its checkboxes, so it is built by hand here.
    let venues = w.venues(54);
    let token = app.csrf().await;
    let mut body: Vec<(String, String)> = vec![
        ("_csrf".into(), token),
        ("first_date".into(), "2026-12-05".into()),
        ("start_time".into(), "19:00".into()),
        ("end_time".into(), "21:00".into()),
        ("repeat".into(), "weekly".into()),
        ("weekday".into(), "SA".into()),
        ("until".into(), "2027-06-26".into()),
        ("capacity".into(), "60".into()),
    ];
    body.extend(venues.iter().map(|v| ("venue".to_owned(), v.to_string())));
    let r = app.client.post(app.at(&format!("/manage/events/{event}/sessions"))).form(&body).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/manage/events/{event}?created=1620"));
    let (_, page) = app.page(&format!("/manage/events/{event}?created=1620")).await;
    assert!(page.contains("已新建场次：") && page.contains("1620"));
    // A mistake is shown next to its field and adds nothing.
    let bad = [
        ("_csrf", csrf_in(&page)),
        ("first_date", "2026-12-05".into()),
        ("start_time", "21:00".into()),
        ("end_time", "19:00".into()),
        ("repeat", "once".into()),
        ("venue", venues[0].to_string()),
    ];
    let r = app.client.post(app.at(&format!("/manage/events/{event}/sessions"))).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("结束时间必须晚于开始时间"));
    // Cancelling the rest of the series from one session.
    let mut conn = app.state.db.conn().await.unwrap();
    let sessions = ejia::bookings::store::offerings_of_event(&mut conn, event).await.unwrap();
    drop(conn);
    let late =
        sessions.iter().find(|s| ejia::appointments::model::rfc3339(s.starts_at).starts_with("2027-06-19")).unwrap();
    let r = app.post(&format!("/manage/sessions/{}/cancel", late.id), &[("scope", "following")]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.state.db.conn().await.unwrap();
    let cancelled: i64 =
        sqlx::query_scalar("select count(*) from offerings where event_id = $1 and status = 'cancelled'")
            .bind(event)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(cancelled, 2 * 54, "the last two Saturdays at every venue");
    // Residents cannot reach the back office of activities.
    let resident = TestAppBrowser::new(app);
    w.user(Person::new("13911112222", "居民")).await;
    resident.login("13911112222", PASSWORD).await;
    assert_eq!(resident.get("/manage/events").await.status(), 403);
    assert_eq!(resident.get(&format!("/manage/events/{event}")).await.status(), 403);
}

#[tokio::test]
async fn an_organiser_moves_and_resizes_a_session_or_the_rest_of_its_series_in_the_back_office() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_ids": w.venues(1), "rrule": "DTSTART;TZID=Asia/Shanghai:20261205T190000\nRRULE:FREQ=WEEKLY;COUNT=4",
        "duration_minutes": 120, "capacity": 2});
    let (status, made) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    assert_eq!(status, 201, "{made}");
    let mut conn = w.app.state.db.conn().await.unwrap();
    let sessions = ejia::bookings::store::offerings_of_event(&mut conn, e.id).await.unwrap();
    drop(conn);
    assert_eq!(sessions.len(), 4);
    let (first, second) = (sessions[0].id, sessions[1].id);
    let resident = w.client(Person::new("13911113333", "居民").lives_in(YUNXIAOLU)).await;
    let (status, _) =
        resident.send(reqwest::Method::POST, &format!("/sessions/{second}/registrations"), None, None).await;
    assert_eq!(status, 201);
    w.app.login("13700000001").await;
    let admin = format!("/manage/events/{}", e.id);
    let (status, page) = w.app.page(&admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"2026-12-12T19:00\""), "the form starts from the session's time");
    // The second session and the rest move an hour later and get 30 places.
    let r = w
        .app
        .post(
            &format!("/manage/sessions/{second}/edit"),
            &[("scope", "following"), ("starts_at", "2026-12-12T20:00"), ("capacity", "30")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut conn = w.app.state.db.conn().await.unwrap();
    let after = ejia::bookings::store::offerings_of_event(&mut conn, e.id).await.unwrap();
    drop(conn);
    let starts: Vec<String> = after.iter().map(|o| ejia::appointments::model::rfc3339(o.starts_at)).collect();
    assert_eq!(
        starts,
        [
            "2026-12-05T19:00:00+08:00",
            "2026-12-12T20:00:00+08:00",
            "2026-12-19T20:00:00+08:00",
            "2026-12-26T20:00:00+08:00"
        ]
    );
    let capacities: Vec<Option<i64>> = after.iter().map(|o| o.capacity).collect();
    assert_eq!(capacities, [Some(2), Some(30), Some(30), Some(30)]);
    assert_eq!(after[1].booked, 1, "the registrant keeps the place");
    // Fewer places than registrants, or no time at all: refused next to the session, unchanged.
    let r = w
        .app
        .post(&format!("/manage/sessions/{second}/edit"), &[("starts_at", "2026-12-12T20:00"), ("capacity", "0")])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("role=\"alert\""));
    let r = w.app.post(&format!("/manage/sessions/{first}/edit"), &[("starts_at", "soon"), ("capacity", "5")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请填写有效的开始时间和名额"));
    let mut conn = w.app.state.db.conn().await.unwrap();
    let unchanged = ejia::bookings::store::offerings_of_event(&mut conn, e.id).await.unwrap();
    assert_eq!((unchanged[0].capacity, unchanged[1].capacity), (Some(2), Some(30)));
}

/// Found by the OpenAPI fuzzer: a huge `shift_minutes` overflowed into a 500, a large one moved a
/// session to 1836, and a negative capacity was refused as a conflict with the seats booked.
#[tokio::test]
async fn a_session_change_out_of_bounds_is_refused_field_by_field() {
    let (w, e) = World::with_event(false).await;
    let body = json!({"venue_id": w.venues(1)[0], "starts_at": "2026-12-06T19:00:00+08:00",
        "ends_at": "2026-12-06T21:00:00+08:00", "capacity": 3});
    let (_, created) = e.organizer.post(&format!("/events/{}/sessions", e.id), body).await;
    let session = created["id"].as_i64().unwrap();
    let path = format!("/sessions/{session}");
    let patch = |body: Value| e.organizer.send(reqwest::Method::PATCH, &path, Some(body), None);
    for (body, field) in [
        (json!({"shift_minutes": i64::MAX}), "shift_minutes"),
        (json!({"shift_minutes": -100_000_000}), "shift_minutes"),
        (json!({"capacity": -5}), "capacity"),
        (json!({"capacity": i64::MAX}), "capacity"),
        (json!({"scope": "all"}), "scope"),
    ] {
        let (status, problem) = patch(body.clone()).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let (_, detail) = e.organizer.get(&format!("/events/{}", e.id)).await;
    assert_eq!(detail["sessions"][0]["starts_at"], "2026-12-06T19:00:00+08:00", "nothing moved");
    let (status, _) = patch(json!({"shift_minutes": 366 * 24 * 60, "capacity": 100_000})).await;
    assert_eq!(status, 200, "a year's move and the most seats are fine");
}

/// Sessions are made by the same path as appointment slots, so the terms sent are the terms
/// kept: a session without a waiting list turns the next person away (its `waitlist` used to be
/// dropped), a lottery — which only an appointment slot can draw — is refused instead of quietly
/// made first come, and the back office holds a session's link to the API's 500 characters.
#[tokio::test]
async fn sessions_keep_the_terms_sent_and_refuse_a_lottery_or_an_overlong_link() {
    let (w, e) = World::with_event(false).await;
    let path = format!("/events/{}/sessions", e.id);
    let session = |terms: Value| {
        let mut body = json!({"venue_id": w.venues(1)[0], "starts_at": "2026-12-06T19:00:00+08:00",
            "ends_at": "2026-12-06T21:00:00+08:00", "capacity": 1});
        body.as_object_mut().unwrap().extend(terms.as_object().unwrap().clone());
        e.organizer.post(&path, body)
    };
    let (status, problem) = session(json!({"mode": "lottery"})).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "mode");
    let (status, created) = session(json!({"waitlist": false})).await;
    assert_eq!(status, 201, "{created}");
    let register = format!("/sessions/{}/registrations", created["id"]);
    let residents = w.residents(2).await;
    let (status, first) = residents[0].post(&register, json!({})).await;
    assert_eq!((status, first["status"].as_str()), (201, Some("confirmed")));
    let (status, second) = residents[1].post(&register, json!({})).await;
    assert_eq!(status, 409, "full, and no waiting list: {second}");
    // The back office's form is checked by the same rules.
    w.app.login(ORGANISER).await;
    let long = format!("https://meeting.example/{}", "x".repeat(500));
    let form =
        [("first_date", "2026-12-05"), ("start_time", "19:00"), ("end_time", "21:00"), ("online_url", long.as_str())];
    let r = w.app.post(&format!("/manage/events/{}/sessions", e.id), &form).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("链接应以 https:// 或 http:// 开头。"));
    let mut conn = w.app.state.db.conn().await.unwrap();
    assert_eq!(ejia::bookings::store::offerings_of_event(&mut conn, e.id).await.unwrap().len(), 1);
}

//! Venue check-in codes are guarded: only staff whose reach covers a venue see its code, and
//! residents' guesses are limited per user and per client address, even when sent together.

use ejia::authz::{Role, Scope};
use ejia::ids::{DepartmentId, VenueId};

use crate::helpers::*;

const VENUE: i64 = LESSON_VENUE;

/// A district with a session of 区委宣传部 ([`ORGANISER`]'s) at [`VENUE`], 10:00–11:00 on the
/// test day (the clock stands at 09:00), with `n` residents registered (phones 139111100NN);
/// returns the world and their reservations.
async fn session_with(n: usize) -> (World, Vec<i64>) {
    let (w, session) = World::with_lesson("微党课", 50).await;
    let mut ids = Vec::new();
    for i in 0..n {
        let resident = w.client(Person::new(format!("139111100{i:02}"), format!("居民{i}"))).await;
        ids.push(register(&resident, session).await["id"].as_i64().unwrap());
    }
    (w, ids)
}

/// The venue's code now.
fn code(app: &TestApp) -> String {
    ejia::checkin::current_code(&app.state.keys, VENUE, app.state.clock.unix())
}

/// A code the venue does not accept now.
fn wrong(app: &TestApp) -> String {
    let (keys, now) = (&app.state.keys, app.state.clock.unix());
    (0..).map(|n| format!("{n:06}")).find(|c| !ejia::checkin::code_matches(keys, VENUE, now, c)).unwrap()
}

#[tokio::test]
async fn a_venues_code_is_shown_only_to_staff_whose_reach_covers_it() {
    let (w, _) = session_with(0).await;
    let app = &w.app;
    let mut conn = app.state.db.conn().await.unwrap();
    let venue = ejia::org::store::venue(&mut conn, VenueId(VENUE)).await.unwrap().unwrap();
    let streets = ejia::org::store::list_streets(&mut conn, None, 0, 100).await.unwrap();
    let communities = ejia::org::store::list_communities(&mut conn, None, 0, 1000).await.unwrap();
    drop(conn);
    let other_street = streets.iter().find(|s| s.id != venue.street_id).unwrap().id;
    let other_community = communities.iter().find(|c| Some(c.id) != venue.community_id).unwrap().id;
    let community = venue.community_id.expect("a community's own venue");
    let staff = [
        // An organiser of a department with nothing at this venue (any organiser could read it).
        ("13700000008", Role::Organizer, Scope::Department(DepartmentId(6)), 404),
        ("13700000002", Role::DistrictAdmin, Scope::District, 200),
        ("13700000003", Role::StreetAdmin, Scope::Street(venue.street_id), 200),
        ("13700000004", Role::StreetAdmin, Scope::Street(other_street), 404),
        ("13700000005", Role::Organizer, Scope::Street(venue.street_id), 200),
        ("13700000006", Role::Organizer, Scope::Community(community), 200),
        ("13700000007", Role::Organizer, Scope::Community(other_community), 404),
        ("13700000009", Role::Dispatcher, Scope::District, 404),
    ];
    let path = format!("/manage/venues/{VENUE}/checkin-code");
    for (phone, role, scope, status) in staff {
        w.user(Person::new(phone, "工作人员").grant(role, At::Scope(scope))).await;
        let b = TestAppBrowser::new(app);
        b.login(phone, PASSWORD).await;
        let (got, page) = b.page(&path).await;
        assert_eq!(got, status, "{role:?} {scope:?}");
        assert_eq!(page.contains(&code(app)), status == 200, "{role:?} {scope:?}");
    }
    // The department running the session there sees it, until its session is over.
    app.login(ORGANISER).await;
    assert_eq!(app.page(&path).await.0, 200);
    app.clock.advance(chrono::Duration::hours(2) + chrono::Duration::minutes(1));
    assert_eq!(app.page(&path).await.0, 404, "nothing of theirs runs there any more");
    w.user(Person::new("13911112222", "居民")).await;
    app.login("13911112222").await;
    assert_eq!(app.page(&path).await.0, 403, "residents are refused the back office as a whole");
}

#[tokio::test]
async fn wrong_guesses_are_limited_per_user_and_the_lock_holds_even_for_the_right_code() {
    let (w, ids) = session_with(1).await;
    let app = &w.app;
    app.clock.advance(chrono::Duration::minutes(31));
    app.login("13911110000").await;
    let path = format!("/bookings/{}/checkin", ids[0]);
    for i in 0..10 {
        assert_eq!(app.post(&path, &[("code", &wrong(app))]).await.status(), 422, "guess {i}");
    }
    let r = app.post(&path, &[("code", &code(app))]).await;
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    let page = r.text().await.unwrap();
    assert!(page.contains("签到码输错的次数太多了") && page.contains("分钟后再试"), "{page}");
    // After the window the right code checks in, and a right code costs nothing.
    app.clock.advance(chrono::Duration::seconds(i64::try_from(retry).unwrap()));
    assert_eq!(app.post(&path, &[("code", &code(app))]).await.status(), 303);
    let mut conn = app.state.db.conn().await.unwrap();
    let r = ejia::bookings::store::reservation(&mut conn, ids[0]).await.unwrap().unwrap();
    assert_eq!(r.status.as_str(), "attended");
    let counted: Vec<i64> = sqlx::query_scalar(
        "select failures from auth_throttle where throttle_key like 'checkin-%' order by throttle_key",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(counted, [0, 0]);
}

#[tokio::test]
async fn guesses_sent_together_cannot_overrun_the_limit() {
    let (w, ids) = session_with(1).await;
    let app = &w.app;
    app.clock.advance(chrono::Duration::minutes(31));
    app.login("13911110000").await;
    let csrf = app.csrf().await;
    let url = app.at(&format!("/bookings/{}/checkin", ids[0]));
    let guess = wrong(app);
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let (client, url, csrf, guess) = (app.client.clone(), url.clone(), csrf.clone(), guess.clone());
            tokio::spawn(async move {
                let form = [("_csrf", csrf.as_str()), ("code", guess.as_str())];
                client.post(url).form(&form).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    let compared = statuses.iter().filter(|s| **s == 422).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((compared, refused), (10, 20), "{statuses:?}");
}

#[tokio::test]
async fn wrong_guesses_are_limited_per_client_address() {
    let (w, ids) = session_with(11).await;
    let app = &w.app;
    app.clock.advance(chrono::Duration::minutes(31));
    // Ten residents behind one address use up its 100 wrong guesses, 10 each.
    for (i, id) in ids.iter().enumerate().take(10) {
        app.login(&format!("139111100{i:02}")).await;
        for _ in 0..10 {
            assert_eq!(app.post(&format!("/bookings/{id}/checkin"), &[("code", &wrong(app))]).await.status(), 422);
        }
    }
    // The eleventh has guessed nothing yet, but the address is spent.
    app.login("13911110010").await;
    let r = app.post(&format!("/bookings/{}/checkin", ids[10]), &[("code", &code(app))]).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
}

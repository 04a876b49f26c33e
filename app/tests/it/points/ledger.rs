//! `points::award` and `points::reverse` as other domains call them, inside a transaction:
//! the cap, idempotence, reversals, rule versions, and concurrent awards for one person.

use chrono::NaiveDate;
use ejia::ids::UserId;
use ejia::points::{self, Awarded, Source, Why};

use crate::helpers::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

/// Awards in a transaction of its own, as a check-in or quiz answer would.
async fn award(app: &TestApp, user: UserId, source: Source, reference: &str, on: NaiveDate) -> Awarded {
    let mut tx = app.state.db.begin().await.unwrap();
    let awarded = points::award(&mut tx, app.state.clock.unix(), user, source, reference, on).await.unwrap();
    tx.commit().await.unwrap();
    awarded
}

async fn reverse(app: &TestApp, source: Source, reference: &str, why: Why) -> i64 {
    let mut tx = app.state.db.begin().await.unwrap();
    let change = points::reverse(&mut tx, app.state.clock.unix(), source, reference, why).await.unwrap();
    tx.commit().await.unwrap();
    change
}

async fn total(app: &TestApp, user: UserId) -> i64 {
    points::total(&mut app.state.db.conn().await.unwrap(), user).await.unwrap()
}

/// The kept total is the sum of the person's entries.
async fn assert_total_is_the_sum(app: &TestApp, user: UserId) {
    let mut conn = app.state.db.conn().await.unwrap();
    let sum: i64 =
        sqlx::query_scalar("select cast(coalesce(sum(points), 0) as bigint) from points_entries where user_id = $1")
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert_eq!(total(app, user).await, sum);
}

async fn resident(app: &TestApp) -> UserId {
    app.user("13900000101", "居民甲", None, &[]).await
}

#[tokio::test]
async fn awards_give_the_rules_points_up_to_the_daily_cap() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    // Check-ins: 5 each, at most 10 a day (the seeded rule).
    let first = award(&app, me, Source::Checkin, "checkin:1", day(1)).await;
    assert_eq!((first.points, first.capped, first.total), (5, false, 5));
    assert_eq!(award(&app, me, Source::Checkin, "checkin:2", day(1)).await.points, 5);
    let third = award(&app, me, Source::Checkin, "checkin:3", day(1)).await;
    assert_eq!((third.points, third.capped, third.total), (0, true, 10), "the cap is reached");
    // Another day, another source: their own caps.
    assert_eq!(award(&app, me, Source::Checkin, "checkin:4", day(2)).await.points, 5);
    assert_eq!(award(&app, me, Source::Quiz, "quiz:1:1", day(1)).await.points, 2);
    assert_eq!(total(&app, me).await, 17);
    // The capped award is in the ledger at 0: the history says why, and a retry adds nothing.
    assert_eq!(app.count("points_entries").await, 5);
    assert!(award(&app, me, Source::Checkin, "checkin:3", day(1)).await.repeat);
    assert_total_is_the_sum(&app, me).await;
}

#[tokio::test]
async fn the_cap_leaves_the_remainder_when_the_points_do_not_divide_it() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    let mut tx = app.state.db.begin().await.unwrap();
    points::store::add_rule(&mut tx, Source::Quiz, 4, 10, me, app.state.clock.unix()).await.unwrap();
    tx.commit().await.unwrap();
    let given: Vec<i64> = {
        let mut v = Vec::new();
        for q in 1..=4 {
            v.push(award(&app, me, Source::Quiz, &format!("quiz:1:{q}"), day(1)).await.points);
        }
        v
    };
    assert_eq!(given, [4, 4, 2, 0]);
    assert_eq!(total(&app, me).await, 10);
}

#[tokio::test]
async fn awarding_a_reference_twice_gives_nothing_more() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    assert_eq!(award(&app, me, Source::Attendance, "attendance:9", day(1)).await.points, 10);
    let again = award(&app, me, Source::Attendance, "attendance:9", day(1)).await;
    assert_eq!((again.points, again.repeat, again.total), (0, true, 10));
    assert_eq!(app.count("points_entries").await, 1);
}

#[tokio::test]
async fn a_reversal_nets_the_reference_to_zero_once_and_it_may_be_awarded_again() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    award(&app, me, Source::Checkin, "checkin:1", day(1)).await;
    award(&app, me, Source::Checkin, "checkin:2", day(1)).await;
    assert_eq!(reverse(&app, Source::Checkin, "checkin:1", Why::Refused).await, -5);
    assert_eq!(total(&app, me).await, 5);
    assert_eq!(reverse(&app, Source::Checkin, "checkin:1", Why::Refused).await, 0, "a retry reverses nothing");
    assert_eq!(reverse(&app, Source::Checkin, "checkin:404", Why::Refused).await, 0, "nothing to reverse");
    // The entries stay: award and reversal, the net of the reference zero.
    let mut conn = app.state.db.conn().await.unwrap();
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("select points, reason from points_entries where reference = 'checkin:1' order by entry_id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    assert_eq!(rows, [(5, None), (-5, Some("refused".to_owned()))]);
    // A replaced check-in: reversed, then awarded again with the day's room freed.
    reverse(&app, Source::Checkin, "checkin:2", Why::Replaced).await;
    let again = award(&app, me, Source::Checkin, "checkin:2", day(1)).await;
    assert_eq!((again.points, again.repeat), (5, false));
    assert!(award(&app, me, Source::Checkin, "checkin:2", day(1)).await.repeat);
    assert_eq!(total(&app, me).await, 5);
    assert_total_is_the_sum(&app, me).await;
}

#[tokio::test]
async fn a_rule_change_applies_to_new_entries_and_leaves_past_ones() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    award(&app, me, Source::Vote, "vote:1", day(1)).await;
    let admin = app.login_district_admin().await;
    let r = app.post("/manage/points/vote", &[("points", "3"), ("daily_cap", "6")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/manage/points?saved=vote#rule-vote");
    assert_eq!(award(&app, me, Source::Vote, "vote:2", day(1)).await.points, 3);
    // Reversing the old award takes back what it gave (1), not what the rule gives now.
    assert_eq!(reverse(&app, Source::Vote, "vote:1", Why::Voided).await, -1);
    let mut conn = app.state.db.conn().await.unwrap();
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "select e.reference, e.points, r.version from points_entries e join points_rules r on r.rule_id = e.rule_id \
         order by e.entry_id",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert_eq!(rows, [("vote:1".into(), 1, 1), ("vote:2".into(), 3, 2), ("vote:1".into(), -1, 1)]);
    let audited: Vec<(i64, String)> =
        sqlx::query_as("select actor_user_id, action from audit_log where action like 'points%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(audited, [(admin.0, "points_rule.update".to_owned())]);
    // Saving the same figures again makes no new version.
    drop(conn);
    app.post("/manage/points/vote", &[("points", "3"), ("daily_cap", "6")]).await;
    assert_eq!(app.count("points_rules").await, 5);
}

#[tokio::test]
async fn concurrent_awards_for_one_person_never_pass_the_cap() {
    let app = TestApp::spawn().await;
    let me = resident(&app).await;
    let other = app.user("13900000102", "居民乙", None, &[]).await;
    // Quiz answers: 2 each, at most 10 a day; 12 at once for one person, 3 for another.
    let mut tasks = Vec::new();
    for (i, who) in (0..15).map(|i| (i, if i < 12 { me } else { other })) {
        let state = app.state.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = state.db.begin().await.unwrap();
            let reference = format!("quiz:1:{i}");
            let a = points::award(&mut tx, state.clock.unix(), who, Source::Quiz, &reference, day(1)).await.unwrap();
            tx.commit().await.unwrap();
            a.points
        }));
    }
    let mut given = Vec::new();
    for t in tasks {
        given.push(t.await.unwrap());
    }
    assert_eq!(given[..12].iter().sum::<i64>(), 10, "{given:?}");
    assert_eq!(given[12..].iter().sum::<i64>(), 6, "{given:?}");
    assert_eq!(total(&app, me).await, 10);
    assert_eq!(total(&app, other).await, 6);
    assert_total_is_the_sum(&app, me).await;
    let mut conn = app.state.db.conn().await.unwrap();
    assert_eq!(points::total_of(&mut conn, &[me, other, UserId(999_999)]).await.unwrap(), 16);
}

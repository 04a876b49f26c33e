//! The signed-in resident's own part of the portal: their next booking with its ticket, their
//! reports in progress, their unread notices — and nobody else's.

use crate::helpers::*;

#[tokio::test]
async fn a_resident_sees_their_next_booking_open_report_and_unread_count_and_another_does_not() {
    let (w, session) = World::with_lesson("微党课：红色记忆", 10).await;
    let w = w.with([Person::new("13900002222", "王阿姨").api(), Person::new("13900003333", "李叔叔").api()]).await;
    let wang = w.api("13900002222");
    let booked = register(wang, session).await;
    let case = w.case(ILLEGAL_BUILDING).description("楼道堆放杂物很久了").file(wang).await;
    // A notice for her: what the inbox counts.
    sqlx::query(
        "insert into notifications (user_id, kind, params_json, created_at) values ($1, 'booking.confirmed', '{}', 0)",
    )
    .bind(w.id("13900002222").0)
    .execute(w.app.state.db.pool())
    .await
    .unwrap();

    w.app.login("13900002222").await;
    let home = w.app.page("/").await.1;
    assert!(home.contains("微党课：红色记忆"), "{home}");
    let code = booked["code"].as_str().unwrap();
    assert!(home.contains(code), "the ticket's code");
    assert!(home.contains(&format!("/bookings/{}/ticket.svg", booked["id"])), "the ticket");
    assert!(home.contains("楼道堆放杂物很久了") && home.contains(&format!("href=\"/cases/{case}\"")), "open report");
    let unread: i64 = sqlx::query_scalar("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(w.id("13900002222").0)
        .fetch_one(w.app.state.db.pool())
        .await
        .unwrap();
    assert!(home.contains(&format!("{unread} 条未读消息")), "unread count {unread}");
    assert!(!home.contains("登录后可查看"));

    w.app.login("13900003333").await;
    let other = w.app.page("/").await.1;
    for hers in ["楼道堆放杂物很久了", code, "条未读消息"] {
        assert!(!other.contains(hers), "{hers} shown to another resident");
    }
    assert!(other.contains("没有未读消息"));
}

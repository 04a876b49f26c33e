//! The way to a first booking for a parent, as issue 12 walked it: the day chips say where
//! the free slots are, the page opens on the first free day, a real-name service chooses
//! someone with an ID number, adding that person comes back to the booking with them chosen,
//! and every refusal is summarised at the top of its form with links to the fields.

use serde_json::json;

use crate::helpers::*;

const HEALTH_ORGANISER: &str = "13700000009";

/// A real-name service with one slot tomorrow (2026-12-02); (world, service, slot).
async fn real_name_service() -> (World, i64, i64) {
    let w = World::district().await.with([Person::new(HEALTH_ORGANISER, "组织者").organiser_of(HEALTH).api()]).await;
    let body = json!({"name": "流感疫苗接种", "real_name_required": true, "department_id": w.department(HEALTH)});
    let service = w.service(HEALTH_ORGANISER, body).await;
    let slot = service.slot(5, json!({})).await;
    (w, service.id, slot)
}

/// The `value` of the option whose text starts with `label`.
fn option_value(html: &str, label: &str) -> String {
    let before = html.split(&format!(">{label}")).next().unwrap();
    before.rsplit("<option value=\"").next().unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_first_booking_for_a_parent_goes_through_adding_her_and_back() {
    let (w, service, slot) = real_name_service().await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士").lives_in(YUNXIAOLU)).await;
    app.login("13911112222").await;
    // Without a day asked for, the page opens on the first day with a free slot; the chips
    // say which days have one.
    let (status, page) = app.page(&format!("/services/{service}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("可预约时段 12月2日 周三"), "opens on tomorrow, the first free day");
    assert!(page.contains("<li class=\"free\"><a href=\"/services/") && page.contains("有号"));
    assert!(page.contains("<li class=\"none\">") && page.contains("无号"));
    // Nobody with an ID yet: the page says so and offers to add the person, coming back here.
    let add = format!("/me/people?service={service}&#38;date=2026-12-02");
    assert!(page.contains("还没有添加带身份证号的人") && page.contains(&add), "{page}");
    let (_, form) = app.page(&add.replace("&#38;", "&")).await;
    assert!(form.contains("添加并回到预约") && form.contains("流感疫苗接种"));
    // A mistyped ID number: the summary at the top links to the field, the number is kept.
    let typed = "37020219500101123X";
    let fields = |id: &'static str| {
        [("name", "王秀英"), ("relation", "parent"), ("id_number", id), ("service", "0"), ("date", "2026-12-02")]
    };
    let mut sent = fields(typed);
    let service_field = service.to_string();
    sent[3].1 = &service_field;
    let r = app.post("/me/people", &sent).await;
    assert_eq!(r.status(), 422);
    let again = r.text().await.unwrap();
    assert!(again.contains("id=\"form-errors\"") && again.contains("autofocus"));
    assert!(again.contains("<a href=\"#f-id_number\">身份证号"), "{again}");
    assert!(again.contains(&format!("value=\"{typed}\"")), "the typed number is kept");
    assert!(again.contains("aria-invalid=\"true\" aria-describedby=\"f-id_number-error"));
    assert!(again.contains(&format!("name=\"service\" value=\"{service}\"")), "still on the way back");
    // Corrected: back to the booking, with her chosen.
    let id = resident_id("37020219500101123");
    let mut sent = fields("");
    sent[2].1 = &id;
    sent[3].1 = &service_field;
    let r = app.post("/me/people", &sent).await;
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = app.page(&back).await;
    let person = option_value(&page, "父母 · 王秀英");
    assert!(back.starts_with(&format!("/services/{service}?date=2026-12-02&person={person}")), "{back}");
    assert!(page.contains(&format!("<option value=\"{person}\" selected lang=\"zh-CN\">父母 · 王秀英")), "{page}");
    assert!(page.contains("本人 · 王女士（未填身份证号）"));
    assert!(page.contains("已添加“父母 · 王秀英”"), "the page says what happened");
    // Even without `person`, a real-name service now chooses her: the first who may book it.
    let (_, page) = app.page(&format!("/services/{service}")).await;
    assert!(page.contains(&format!("<option value=\"{person}\" selected lang=\"zh-CN\">")));
    // Booking for oneself (no ID) is refused with the summary on top, linked to the choice.
    let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let r =
        app.post(&format!("/slots/{slot}/book"), &[("token", &token), ("person_id", ""), ("date", "2026-12-02")]).await;
    assert_eq!(r.status(), 422);
    let refused = r.text().await.unwrap();
    assert!(refused.contains(&format!("<a href=\"#person-{slot}\">为谁预约：这项服务需要实名预约")), "{refused}");
    assert!(refused.contains("<option value=\"\" selected lang=\"zh-CN\">本人"), "the choice sent is kept");
}

#[tokio::test]
async fn a_person_added_from_the_list_is_confirmed_there() {
    let (w, _, _) = real_name_service().await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士")).await;
    app.login("13911112222").await;
    let r = app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", "")]).await;
    assert_eq!(r.headers()["location"], "/me/people?added=1");
    let (_, page) = app.page("/me/people?added=1").await;
    assert!(page.contains("已添加") && page.contains("王秀英"));
}

#[tokio::test]
async fn cancelling_asks_again_then_says_it_was_cancelled() {
    let (w, _, slot) = real_name_service().await;
    let app = &w.app;
    w.user(Person::new("13911112222", "王女士")).await;
    app.login("13911112222").await;
    let id = resident_id("37020219500101123");
    app.post("/me/people", &[("name", "王秀英"), ("relation", "parent"), ("id_number", &id)]).await;
    let (_, page) = app.page("/me/people").await;
    assert!(page.contains("王秀英"));
    let mut conn = app.state.db.conn().await.unwrap();
    let person: i64 = sqlx::query_scalar("select person_id from people").fetch_one(&mut *conn).await.unwrap();
    drop(conn);
    let r = app
        .post(
            &format!("/slots/{slot}/book"),
            &[("token", "a-form-token-of-the-page-1"), ("person_id", &person.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, mine) = app.page("/me/bookings").await;
    let booking: i64 = mine.split("/bookings/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    // The list's button only opens the second step; it is a link, not a form that cancels.
    let confirm = format!("/bookings/{booking}/cancel");
    assert!(mine.contains(&format!("href=\"{confirm}\"")) && !mine.contains(&format!("action=\"{confirm}\"")));
    let (status, step) = app.page(&confirm).await;
    assert_eq!(status, 200);
    assert!(step.contains("确认取消预约？") && step.contains("流感疫苗接种") && step.contains("王秀英"));
    assert!(step.contains(&format!("action=\"{confirm}\"")) && step.contains("不取消，返回"));
    assert_eq!(app.count("reservations where status = 'confirmed'").await, 1, "looking cancels nothing");
    // Someone else's booking has no such page.
    let other = TestAppBrowser::new(app);
    w.user(Person::new("13911113333", "别人")).await;
    other.login("13911113333", PASSWORD).await;
    assert_eq!(other.get(&confirm).await.status(), 404);
    // Confirmed: cancelled; the list says so once (a flash message) and shows it cancelled.
    let r = app.post(&confirm, &[]).await;
    assert_eq!(r.headers()["location"].to_str().unwrap(), "/me/bookings");
    let (_, mine) = app.page("/me/bookings").await;
    assert!(mine.contains("<p class=\"notice flash\" role=\"status\">预约已取消。</p>"), "{mine}");
    assert!(mine.contains("status-cancelled"), "{mine}");
    assert!(!app.page("/me/bookings").await.1.contains("预约已取消。"), "said once");
    // A booking that can no longer be cancelled sends the step back to the list.
    assert_eq!(app.get(&confirm).await.status(), 303);
}

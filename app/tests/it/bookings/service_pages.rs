//! The back office's appointment services (issue 12, point 9): an organiser creates and edits
//! a service, opens a week of slots from the form (previewed first: the preview makes
//! nothing), changes a slot's places (never below those booked, said plainly), cancels a slot
//! after a second step, draws a lottery once entries have closed; organisers of another
//! department or street cannot reach the service.

use serde_json::json;

use crate::helpers::*;

const OTHER_ORGANISER: &str = "13700000021";
const STREET_ORGANISER: &str = "13700000022";

async fn audits(w: &World, action: &str) -> i64 {
    let mut conn = w.app.state.db.conn().await.unwrap();
    sqlx::query_scalar("select count(*) from audit_log where action = $1")
        .bind(action)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_organiser_creates_and_edits_a_service_in_the_back_office() {
    let w = World::district().await.with([Person::new(ORGANISER, "卫健局组织者").organiser_of(HEALTH)]).await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let (status, page) = app.page("/manage/services").await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/manage/services/new\""), "{page}");
    let health = w.department(HEALTH).0.to_string();
    // A blank name is summarised at the top, linked to its field; the rest is kept.
    let r = app
        .post("/manage/services/new", &[("name", " "), ("description", "请带身份证"), ("department_id", &health)])
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"form-errors\"") && page.contains("<a href=\"#f-name\">服务名称：请填写此项。"),
        "{page}"
    );
    assert!(page.contains("请带身份证"), "what was typed is kept");
    let r = app
        .post(
            "/manage/services/new",
            &[
                ("name", "流感疫苗接种"),
                ("description", "请带身份证"),
                ("real_name_required", "yes"),
                ("department_id", &health),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.ends_with("/slots?done=service_created"), "{to}");
    let id: i64 = to.split('/').nth(3).unwrap().parse().unwrap();
    let (_, slots) = app.page(&to).await;
    assert!(slots.contains("服务已创建") && slots.contains("放出新时段"));
    // Edited: the same service function as the API's, audited.
    let (status, form) = app.page(&format!("/manage/services/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"流感疫苗接种\""));
    let r = app
        .post(
            &format!("/manage/services/{id}/edit"),
            &[
                ("name", "流感疫苗接种（老年人）"),
                ("description", ""),
                ("real_name_required", "no"),
                ("department_id", &health),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/manage/services?done=saved");
    let (_, list) = app.page("/manage/services?done=saved").await;
    assert!(list.contains("流感疫苗接种（老年人）") && list.contains("服务信息已保存"), "{list}");
    assert_eq!((audits(&w, "service.create").await, audits(&w, "service.update").await), (1, 1));
    let mut conn = app.state.db.conn().await.unwrap();
    let s = ejia::appointments::store::get(&mut conn, id).await.unwrap().unwrap();
    assert!(!s.real_name_required);
}

#[tokio::test]
async fn a_week_of_slots_is_previewed_then_opened_from_the_form() {
    let (w, service) = World::with_service(true).await;
    let app = &w.app;
    app.login(ORGANISER).await;
    let path = format!("/manage/services/{}/slots", service.id);
    let (status, page) = app.page(&path).await;
    assert_eq!(status, 200);
    // The test clock stands on Tuesday 2026-12-01: the form offers the week from tomorrow.
    assert!(page.contains("value=\"2026-12-02\"") && page.contains("value=\"2026-12-08\""), "{page}");
    let venue = service.venue.to_string();
    let form = |step: &'static str, end: &'static str| {
        vec![
            ("venue_id", venue.clone()),
            ("from", "2026-12-02".into()),
            ("to", "2026-12-08".into()),
            ("weekdays", "1".into()),
            ("weekdays", "2".into()),
            ("weekdays", "3".into()),
            ("weekdays", "4".into()),
            ("weekdays", "5".into()),
            ("start", "08:30".into()),
            ("end", end.into()),
            ("minutes", "30".into()),
            ("capacity", "20".into()),
            ("mode", "first_come".into()),
            ("waitlist", "yes".into()),
            ("step", step.into()),
        ]
    };
    let path = path.as_str();
    let send = |fields: Vec<(&'static str, String)>| async move {
        let mut fields = fields;
        fields.push(("_csrf", app.csrf().await));
        app.client.post(app.at(path)).form(&fields).send().await.unwrap()
    };
    // Wednesday to Tuesday, weekdays only: five mornings of six half hours. The preview makes nothing.
    let r = send(form("preview", "11:30")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("将放出 30 个时段") && page.contains("2026-12-02 周三 08:30–09:00"), "{page}");
    assert!(page.contains("name=\"step\" value=\"create\""));
    assert_eq!(app.count("offerings").await, 0, "a preview creates nothing");
    // A mistake is summarised like the API's, with what was typed kept.
    let r = send(form("preview", "08:00")).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("<a href=\"#f-end\">每天几点结束：结束时间必须晚于开始时间。"), "{page}");
    assert!(page.contains("value=\"08:00\""));
    // Confirmed: thirty slots, one audit entry.
    let r = send(form("create", "11:30")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/manage/services/{}/slots?done=created&n=30", service.id));
    assert_eq!(app.count("offerings").await, 30);
    assert_eq!(audits(&w, "service.create_slots").await, 1);
    let (_, page) = app.page(&location(&r)).await;
    assert!(page.contains("已放出 30 个时段") && page.contains("2026-12-02 周三") && page.contains("2026-12-07 周一"));
}

#[tokio::test]
async fn places_never_drop_below_bookings_and_a_cancel_asks_first() {
    let (w, service) = World::with_service(false).await;
    let app = &w.app;
    let slot = service.slot(2, json!({})).await;
    let residents = w.residents(1).await;
    assert_eq!(residents[0].book(slot, None).await.0, 201);
    app.login(ORGANISER).await;
    let r = app.post(&format!("/manage/slots/{slot}/capacity"), &[("capacity", "0")]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("<a href=\"#cap-{slot}\">每个时段的名额：名额不能少于已预约的人数。")), "{page}");
    assert_eq!(w.offering(slot).await.capacity, Some(2));
    let r = app.post(&format!("/manage/slots/{slot}/capacity"), &[("capacity", "5")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(w.offering(slot).await.capacity, Some(5));
    // Cancelling: first a page that says what happens to the booking, and nothing cancelled yet.
    let (status, page) = app.page(&format!("/manage/slots/{slot}/cancel")).await;
    assert_eq!(status, 200);
    assert!(page.contains("所有预约") && page.contains("确定取消这个时段"), "{page}");
    assert_eq!(w.offering(slot).await.status, "open");
    let r = app.post(&format!("/manage/slots/{slot}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(w.offering(slot).await.status, "cancelled");
    assert_eq!(w.statuses(slot).await, ["cancelled"]);
    assert_eq!((audits(&w, "offering.update").await, audits(&w, "offering.cancel").await), (1, 1));
}

#[tokio::test]
async fn a_lottery_is_drawn_from_the_page_once_entries_close() {
    let (w, service) = World::with_service(false).await;
    let app = &w.app;
    let closed = service.slot(1, json!({"mode": "lottery", "closes_at": "2026-12-01T08:00:00+08:00"})).await;
    let open = service
        .slot(
            1,
            json!({"mode": "lottery", "starts_at": "2026-12-02T09:00:00+08:00",
        "ends_at": "2026-12-02T09:30:00+08:00"}),
        )
        .await;
    app.login(ORGANISER).await;
    let (_, page) = app.page(&format!("/manage/services/{}/slots", service.id)).await;
    assert!(page.contains(&format!("/manage/slots/{closed}/draw")), "{page}");
    assert!(!page.contains(&format!("/manage/slots/{open}/draw")), "entries still open: no draw yet");
    let r = app.post(&format!("/manage/slots/{closed}/draw"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(w.offering(closed).await.drawn_at.is_some());
}

#[tokio::test]
async fn organisers_elsewhere_cannot_reach_the_service() {
    let (w, service) = World::with_service(false).await;
    let w = w
        .with([
            Person::new(OTHER_ORGANISER, "宣传部组织者").organiser_of(PUBLICITY),
            Person::new(STREET_ORGANISER, "八大峡组织者").grant(ejia::authz::Role::Organizer, At::Street(BADAXIA)),
        ])
        .await;
    let slot = service.slot(2, json!({})).await;
    for who in [OTHER_ORGANISER, STREET_ORGANISER] {
        let app = &w.app;
        app.login(who).await;
        let (_, list) = app.page("/manage/services").await;
        assert!(!list.contains("新冠疫苗接种"), "{who} does not see it listed");
        for path in [format!("/manage/services/{}/slots", service.id), format!("/manage/services/{}/edit", service.id)]
        {
            assert_eq!(app.get(&path).await.status(), 403, "{who} {path}");
        }
        let r = app.post(&format!("/manage/slots/{slot}/capacity"), &[("capacity", "9")]).await;
        assert_eq!(r.status(), 403, "{who}");
        let r = app.post(&format!("/manage/slots/{slot}/cancel"), &[]).await;
        assert_eq!(r.status(), 403, "{who}");
        let r =
            app.post(&format!("/manage/services/{}/slots", service.id), &[("venue_id", "1"), ("step", "create")]).await;
        assert_eq!(r.status(), 403, "{who}");
    }
    assert_eq!(w.offering(slot).await.capacity, Some(2));
}

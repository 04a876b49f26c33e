//! Family members can be edited and removed (issue 12, point 11): on their own page, the
//! removal a second step; refused while bookings for them are ahead (the user cancels those
//! first, one by one); a removed member keeps their past bookings and is booked no more.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_family_member_is_edited_and_removed_only_once_nothing_is_booked_for_them() {
    let (w, s) = World::with_service(false).await;
    let slot = s.slot(5, json!({})).await;
    let residents = w.residents(1).await;
    let (status, mother) = residents[0].post("/me/people", json!({"name": "王秀英", "relation": "parent"})).await;
    assert_eq!(status, 201, "{mother}");
    let mother = mother["id"].as_i64().unwrap();
    let (status, booked) = residents[0]
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": mother})), None)
        .await;
    assert_eq!(status, 201, "{booked}");

    let app = &w.app;
    app.login("13900000000").await;
    let (_, list) = app.page("/me/people").await;
    assert!(list.contains(&format!("<a href=\"/me/people/{mother}\">修改")), "{list}");

    // Edit: a bad ID number keeps what was typed; a good name is saved and said so.
    let r = app
        .post(&format!("/me/people/{mother}"), &[("name", "王秀英"), ("relation", "parent"), ("id_number", "123")])
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"123\""), "the typed ID stays to be corrected");
    let r = app
        .post(&format!("/me/people/{mother}"), &[("name", "王秀英（妈妈）"), ("relation", "parent"), ("id_number", "")])
        .await;
    assert_eq!(r.headers()["location"], "/me/people");
    let (_, list) = app.page("/me/people").await;
    assert!(list.contains("王秀英（妈妈）") && list.contains("家人信息已保存。"));
    // The ID number cannot change under a booking checked against it.
    let id = resident_id("37020219500101123");
    let r = app
        .post(&format!("/me/people/{mother}"), &[("name", "王秀英"), ("relation", "parent"), ("id_number", &id)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("暂时不能更换身份证号"));

    // Remove: the second step says why not yet, and the POST refuses too.
    let (_, confirm) = app.page(&format!("/me/people/{mother}/remove")).await;
    assert!(confirm.contains("请先在“我的预约”中逐个取消") && !confirm.contains("确定删除"));
    assert_eq!(app.post(&format!("/me/people/{mother}/remove"), &[]).await.status(), 409);
    // Cancelled: now the second step offers the removal, which is done and said.
    let (status, _) =
        residents[0].send(reqwest::Method::DELETE, &format!("/bookings/{}", booked["id"]), None, None).await;
    assert_eq!(status, 200);
    let (_, confirm) = app.page(&format!("/me/people/{mother}/remove")).await;
    assert!(confirm.contains("确定删除"));
    let r = app.post(&format!("/me/people/{mother}/remove"), &[]).await;
    assert_eq!(r.headers()["location"], "/me/people");
    let (_, list) = app.page("/me/people").await;
    assert!(!list.contains("王秀英") && list.contains("已删除这位家人。"));
    // Gone from booking and from their page; the cancelled booking still names her.
    let (status, _) = residents[0]
        .send(reqwest::Method::POST, &format!("/slots/{slot}/bookings"), Some(json!({"person_id": mother})), None)
        .await;
    assert!(status == 404 || status == 422, "{status}");
    assert_eq!(app.page(&format!("/me/people/{mother}")).await.0, 404);
    assert_eq!(app.count("people").await, 1, "kept, marked removed");
}

#[tokio::test]
async fn nobody_edits_or_removes_someone_elses_family() {
    let (w, _) = World::with_service(false).await;
    let residents = w.residents(2).await;
    let (_, mother) = residents[0].post("/me/people", json!({"name": "王秀英", "relation": "parent"})).await;
    let mother = mother["id"].as_i64().unwrap();
    w.app.login("13900000001").await;
    assert_eq!(w.app.page(&format!("/me/people/{mother}")).await.0, 404);
    let r = w.app.post(&format!("/me/people/{mother}"), &[("name", "x"), ("relation", "parent")]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(w.app.post(&format!("/me/people/{mother}/remove"), &[]).await.status(), 404);
}

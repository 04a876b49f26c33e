//! The resident's page: join, check in by the form, "same as yesterday", errors kept, the
//! reason of a held check-in.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_resident_joins_checks_in_by_the_form_and_repeats_yesterday_in_one_tap() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    let t = team(&w, id, "云霄路社区队", "community", json!({ "community_id": w.community(YUNXIAOLU).0 })).await;
    let app = &w.app;
    let (status, page) = app.page(&format!("/challenges/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("重走长征路") && page.contains("/login?next="), "anyone may look: {page}");
    app.login(RESIDENT).await;
    let (_, page) = app.page(&format!("/challenges/{id}")).await;
    assert!(page.contains("云霄路社区队"), "the team of my community is offered");
    let r = app.post(&format!("/challenges/{id}/join"), &[("team_id", &t["id"].to_string())]).await;
    assert_eq!(r.status(), 303);
    // Yesterday's walk by the form.
    let r = app
        .post(
            &format!("/challenges/{id}/checkin"),
            &[("day", YESTERDAY), ("kind", "walk"), ("km", "5，5"), ("steps", ""), ("minutes", "")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page(&format!("/challenges/{id}")).await;
    assert!(page.contains("打卡成功"), "said what happened");
    assert!(page.contains("和昨天一样：步行 5.5 公里"), "{page}");
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 5.5);
    // The second tap: the same again, today.
    let r = app.post(&format!("/challenges/{id}/checkin"), &[("day", TODAY), ("kind", "walk"), ("km", "5.5")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(progress(w.api(RESIDENT), id).await["km"], 11.0);
    assert_eq!(progress(w.api(RESIDENT), id).await["team"]["km"], 11.0);
    // The way in: under 我的 on the home page.
    let (_, home) = app.page("/").await;
    assert!(home.contains(&format!("href=\"/challenges/{id}\"")) && home.contains("我已走 11 公里"), "{home}");
}

#[tokio::test]
async fn the_form_keeps_what_was_typed_and_a_held_check_in_says_why() {
    let w = world().await;
    let id = challenge(&w, json!({})).await;
    join(w.api(RESIDENT), id, None).await;
    let app = &w.app;
    app.login(RESIDENT).await;
    let r = app
        .post(
            &format!("/challenges/{id}/checkin"),
            &[("day", TODAY), ("kind", "run"), ("km", "abc"), ("minutes", "45")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"form-errors\"") && page.contains("href=\"#f-km\""), "{page}");
    assert!(page.contains("value=\"abc\"") && page.contains("value=\"45\""), "typed values kept");
    let r = app
        .post(
            &format!("/challenges/{id}/checkin"),
            &[("day", TODAY), ("kind", "walk"), ("km", "12"), ("minutes", "60")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page(&format!("/challenges/{id}")).await;
    assert!(page.contains("需要组织者核实") && page.contains("待核实") && page.contains("速度超出"), "{page}");
}

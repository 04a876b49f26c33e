//! The dispatcher's case page: the actions as one choice with one note box (not a form per
//! action), the category's own department preselected for a new case, and the reporter's name
//! shown to the command centre unless the report is anonymous.

use crate::helpers::*;

const RESIDENT: &str = "13911115555";
const DISPATCHER: &str = "13700000011";
const HANDLER: &str = "13700000012";
/// 路面塌陷, which needs no photo.
const CATEGORY: &str = "0401";

async fn world() -> World {
    World::district()
        .await
        .with([
            Person::new(RESIDENT, "孙秀英").lives_in(YUNXIAOLU).api(),
            Person::new(DISPATCHER, "调度员").dispatcher(),
            Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT),
        ])
        .await
}

async fn file(w: &World, anonymous: bool) -> i64 {
    let case = w.case(CATEGORY).description("路面塌了一个坑").in_community(YUNXIAOLU).address("云霄路 9 号");
    case.anonymous(anonymous).file(w.api(RESIDENT)).await
}

#[tokio::test]
async fn a_new_case_offers_one_choice_of_actions_with_dispatch_and_the_categorys_department_chosen() {
    let w = world().await;
    let app = &w.app;
    let enforcement = w.department(ENFORCEMENT);
    sqlx::query("update case_categories set department_id = $1 where code = $2")
        .bind(enforcement.0)
        .bind(CATEGORY)
        .execute(&mut *app.state.db.conn().await.unwrap())
        .await
        .unwrap();
    let id = file(&w, false).await;
    app.login(DISPATCHER).await;
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    // One form, one note box, the actions as radio choices; dispatch is the usual next step.
    assert_eq!(page.matches(&format!("action=\"/cases/{id}/act\"")).count(), 1);
    assert_eq!(page.matches("<textarea").count(), 1);
    for action in ["accept", "reject", "dispatch", "void", "comment"] {
        assert!(page.contains(&format!("type=\"radio\" id=\"action-{action}\"")), "{action}");
    }
    assert!(page.contains("value=\"dispatch\" checked"));
    assert!(
        page.contains(&format!("<option value=\"{enforcement}\" selected lang=\"zh-CN\">区综合行政执法局</option>"))
    );
    // The reporter's name, since the report is not anonymous.
    assert!(page.contains("<dt>反映人</dt><dd lang=\"zh-CN\">孙秀英</dd>"));
    // Dispatching is one submission of what is already chosen.
    let fields = [("action", "dispatch"), ("department_id", &*enforcement.to_string()), ("note", "")];
    let r = app.post(&format!("/cases/{id}/act"), &fields).await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.page(&format!("/cases/{id}")).await;
    assert!(page.contains("派往 区综合行政执法局"));
    // Once dispatched, redispatching preselects nothing: the dispatcher picks another department.
    assert!(page.contains("id=\"action-redispatch\"") && !page.contains("\" selected>区综合行政执法局"));
}

#[tokio::test]
async fn an_anonymous_reporter_stays_unnamed_and_the_department_never_sees_the_name() {
    let w = world().await;
    let app = &w.app;
    let anonymous = file(&w, true).await;
    let named = file(&w, false).await;
    app.login(DISPATCHER).await;
    let (_, page) = app.page(&format!("/cases/{anonymous}")).await;
    assert!(!page.contains("孙秀英") && page.contains("/reporter/reveal"));
    // The handler sees neither name, even of the named report.
    let enforcement = w.department(ENFORCEMENT).to_string();
    for id in [anonymous, named] {
        let r = app.post(&format!("/cases/{id}/act"), &[("action", "dispatch"), ("department_id", &enforcement)]).await;
        assert_eq!(r.status(), 303);
    }
    app.login(HANDLER).await;
    for id in [anonymous, named] {
        let (status, page) = app.page(&format!("/cases/{id}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("孙秀英"), "case {id}");
    }
}

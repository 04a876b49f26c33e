//! Possible duplicates on the case page: the dispatcher sees the open cases of the same category
//! filed nearby and merges one into another with a button; others see no such panel and cannot
//! merge.

use crate::helpers::case_cast::*;
use crate::helpers::*;

#[tokio::test]
async fn the_dispatcher_merges_a_nearby_report_from_the_case_page() {
    let w = World::for_cases().await;
    let file = |lat: f64, lng: f64| {
        w.case(ILLEGAL_BUILDING).description("路边私搭棚子").in_community(YUNXIAOLU).at(lat, lng).file(w.api(RESIDENT))
    };
    let first = file(36.06000, 120.38000).await;
    let far = file(36.07000, 120.38000).await; // about 1.1 km north
    let near = file(36.06020, 120.38000).await; // about 22 m north of the first

    // The dispatcher's page of the near one lists the first (22 m), not the far one.
    w.app.login("13600000002").await;
    let (status, page) = w.app.page(&format!("/cases/{near}")).await;
    assert_eq!(status, 200);
    let panel = page.split("可能重复的案件").nth(1).expect("the duplicates panel");
    assert!(panel.contains(&format!("href=\"/cases/{first}\"")) && panel.contains("22 米"), "{panel}");
    assert!(!panel.contains(&format!("href=\"/cases/{far}\"")));

    // The reporter sees no panel, and cannot merge.
    w.app.login("13600000000").await;
    let (_, page) = w.app.page(&format!("/cases/{near}")).await;
    assert!(!page.contains("可能重复的案件"));
    let r = w.app.post(&format!("/cases/{near}/merge"), &[("into", &first.to_string())]).await;
    assert_eq!(r.status(), 403);

    // The dispatcher merges: the near one is voided and points at the first.
    w.app.login("13600000002").await;
    let r = w.app.post(&format!("/cases/{near}/merge"), &[("into", "not a case")]).await;
    assert_eq!(r.status(), 422);
    let r = w.app.post(&format!("/cases/{near}/merge"), &[("into", &first.to_string())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/cases/{first}").as_str());
    let mut conn = w.app.state.db.conn().await.unwrap();
    let merged = ejia::cases::store::case(&mut conn, near).await.unwrap().unwrap();
    drop(conn);
    assert_eq!((merged.state.as_str(), merged.merged_into), ("voided", Some(first)));
    // A merged case offers no more merging.
    let (_, page) = w.app.page(&format!("/cases/{near}")).await;
    assert!(!page.contains("可能重复的案件"));
}

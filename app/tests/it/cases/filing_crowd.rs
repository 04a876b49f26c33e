//! A crowd of case filings at once (on SQLite they share the writer thread's durable commits, on
//! PostgreSQL each is its own transaction): every answered filing is stored whole, with its
//! timeline step and audit entry, and a refused filing among them takes nothing with it.

use serde_json::json;

use crate::helpers::case_cast::*;
use crate::helpers::*;

#[tokio::test]
async fn a_crowd_of_filings_lands_whole_and_a_refused_one_takes_nothing_with_it() {
    let w = World::for_cases().await;
    let mut crowd = tokio::task::JoinSet::new();
    for i in 0..48 {
        // Every sixth names a category nobody has: refused by the service inside the batch.
        let category = if i % 6 == 5 { 999_999 } else { w.category(ILLEGAL_BUILDING) };
        let body = json!({"category_id": category, "description": format!("第 {i} 个问题"), "community_id": w.community(YUNXIAOLU)});
        let resident = w.api(RESIDENT).clone();
        crowd.spawn(async move { resident.post("/cases", body).await });
    }
    let answers: Vec<(u16, serde_json::Value)> = crowd.join_all().await;
    let filed: Vec<i64> = answers.iter().filter(|(s, _)| *s == 201).map(|(_, b)| b["id"].as_i64().unwrap()).collect();
    let refused = answers.iter().filter(|(s, _)| *s == 422).count();
    assert_eq!((filed.len(), refused), (40, 8), "{answers:?}");
    // Exactly the answered cases are stored, each with its first timeline step.
    assert_eq!(w.app.count("cases").await, 40);
    assert_eq!(w.app.count("case_events").await, 40);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_log where action = 'case.file'")
        .fetch_one(&mut *w.app.state.db.conn().await.unwrap())
        .await
        .unwrap();
    assert_eq!(audited, 40, "each filing is in the audit log");
    let mut conn = w.app.state.db.conn().await.unwrap();
    for id in filed {
        let case = ejia::cases::store::case(&mut conn, id).await.unwrap().expect("answered means stored");
        assert!(case.description.starts_with("第 "));
    }
}

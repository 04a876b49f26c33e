//! Scheduled publishing, and writing the read counts kept in memory (`reads`): articles approved for a time are published when it comes. Several
//! instances may run the job against one database: the one conditional UPDATE of
//! `store::publish_due` claims each due article while it is still `scheduled`, so each is
//! published — and audited — by exactly one of them. Until then a scheduled article is not
//! public (`service::read` answers 404).

use std::time::Duration;

use crate::app::AppState;
use crate::audit::{self, Change};
use crate::news::{searchable, store};

/// Publishes the scheduled articles whose time has come; how many.
pub async fn publish_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let published = store::publish_due(&mut tx, now).await?;
    for (id, street) in &published {
        let change = Change::new("article", *id, *street)
            .before(&serde_json::json!({"state": "scheduled"}))
            .after(&serde_json::json!({"state": "published"}));
        audit::record(&mut tx, now, None, "article.publish", change).await?;
        if let Some(article) = store::article(&mut tx, *id).await? {
            searchable::index(&mut tx, &article, now).await?;
        }
    }
    tx.commit().await?;
    Ok(published.len())
}

/// Runs the job every `every` until the process ends.
pub fn spawn(state: AppState, every: Duration) {
    crate::app::run_every(every, move || {
        let state = state.clone();
        async move {
            match publish_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled articles published"),
                Err(e) => tracing::warn!(error = %e, "scheduled publishing failed; retrying next run"),
            }
            if let Err(e) = crate::news::reads::flush(&state).await {
                tracing::warn!(error = %e, "read counts not written; kept for the next run");
            }
        }
    });
}

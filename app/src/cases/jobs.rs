//! The case engine's background job: cases past their deadline are escalated (督办) once,
//! with a step on their timeline by the system. Several instances may run it against one
//! database: the UPDATE claims each case only while it is not yet escalated, so a case is
//! escalated by exactly one of them.

use std::time::Duration;

use crate::app::AppState;
use crate::audit::{self, Change};
use crate::cases::model::Step;
use crate::cases::store;

/// Cases escalated in one run at most (the next run takes the rest).
const BATCH: i64 = 500;

/// Escalates overdue cases; returns how many.
pub async fn escalate_overdue(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let claimed = store::claim_overdue(&mut tx, now, BATCH).await?;
    for (id, case_state, street) in &claimed {
        let step = Step {
            at: now,
            actor: None,
            action: "escalate".into(),
            from: Some(case_state.as_str().into()),
            to: case_state.as_str().into(),
            department_id: None,
            note: String::new(),
        };
        store::add_step(&mut tx, *id, &step).await?;
        audit::record(&mut tx, now, None, "case.escalate", Change::new("case", *id, *street)).await?;
    }
    tx.commit().await?;
    Ok(claimed.len())
}

/// Runs the job every `every` until the process ends.
pub fn spawn(state: AppState, every: Duration) {
    crate::app::run_every(every, move || {
        let state = state.clone();
        async move {
            match escalate_overdue(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(escalated = n, "overdue cases escalated"),
                Err(e) => tracing::warn!(error = %e, "case escalation failed; retrying next run"),
            }
        }
    });
}

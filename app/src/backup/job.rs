//! Scheduled backups: with `backup_dir` set, the server takes a backup every
//! `backup_every_hours` (periods counted from the Unix epoch, so every instance agrees on
//! them) and keeps `backup_keep`. Several instances may run the job on one database: the
//! period's row in `backup_runs`, which only one of them can insert, decides which one takes
//! the backup; the others skip that period. A failure is logged and written on the row; the
//! next period tries again.
//!
//! On several instances each writes into its own `backup_dir`: point them all at one shared
//! mount, or the backups are spread over the machines.

use std::time::Duration;

use crate::app::AppState;
use crate::backup::{BackupArgs, Written, backup};

/// Takes this period's backup if it is due and this instance is the one to take it: the backup
/// written, or `None` (no `backup_dir`, or the period's backup is taken or being taken).
pub async fn run_due(state: &AppState) -> anyhow::Result<Option<Written>> {
    let Some(dir) = &state.config.backup_dir else { return Ok(None) };
    let every = i64::from(state.config.backup_every_hours.max(1)) * 3600;
    let now = state.clock.unix();
    let period = now - now.rem_euclid(every);
    // Read first: the job runs every minute and should not write to find nothing to do.
    let taken: Option<i64> = sqlx::query_scalar("select period_start from backup_runs where period_start = $1")
        .bind(period)
        .fetch_optional(state.db.pool())
        .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let mut tx = state.db.begin().await?;
    let claimed = sqlx::query(
        "insert into backup_runs (period_start, started_at) values ($1, $2) on conflict (period_start) do nothing",
    )
    .bind(period)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    tx.commit().await?;
    if !claimed {
        return Ok(None);
    }
    let args = BackupArgs { to: dir.clone(), keep: state.config.backup_keep, key_to: None };
    let result = backup(&state.config, &args, state.clock.now()).await;
    let (location, error) = match &result {
        Ok(w) => (Some(w.dir.display().to_string()), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let mut tx = state.db.begin().await?;
    sqlx::query("update backup_runs set finished_at = $1, location = $2, error = $3 where period_start = $4")
        .bind(state.clock.unix())
        .bind(location)
        .bind(error)
        .bind(period)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    result.map(Some)
}

/// Runs the job every `every` until the process ends.
pub fn spawn(state: AppState, every: Duration) {
    crate::app::run_every(every, move || {
        let state = state.clone();
        async move {
            match run_due(&state).await {
                Ok(None) => {}
                Ok(Some(w)) => tracing::info!(
                    location = %w.dir.display(),
                    removed = w.removed.len(),
                    "scheduled backup written"
                ),
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "scheduled backup failed; the next period tries again")
                }
            }
        }
    });
}

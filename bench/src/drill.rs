//! The restore drill's check (`e2e/restore_drill.sh`): a backup taken in the middle of a
//! booking rush, restored elsewhere, must hold every booking answered before the backup
//! began, and the booking invariants must hold in it.

use std::collections::HashMap;
use std::path::Path;

use anyhow::bail;
use sqlx::Connection as _;

/// Now, in Unix milliseconds: when an answer arrived, to compare with when the backup began.
#[allow(clippy::disallowed_methods, reason = "the drill compares wall-clock times of two processes")]
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Checks the restored copy at `database_url` against the rush's answers.
pub async fn restored(database_url: &str, answers: &Path, before_ms: u64) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let mut failures = crate::booking_invariants(&mut db).await?;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("select reservation_id, code from reservations").fetch_all(&mut db).await?;
    let stored: HashMap<i64, String> = rows.into_iter().collect();
    let (mut before, mut after, mut missing, mut after_in_copy) = (0, 0, 0, 0);
    for line in std::fs::read_to_string(answers)?.lines() {
        let parts: Vec<&str> = line.split(',').collect();
        let [id, code, _status, at] = parts[..] else { continue };
        let (Ok(id), Ok(at)) = (id.parse::<i64>(), at.parse::<u64>()) else { continue };
        let there = stored.get(&id).is_some_and(|c| c == code);
        if at < before_ms {
            before += 1;
            if !there {
                missing += 1;
            }
        } else {
            after += 1;
            after_in_copy += u64::from(there);
        }
    }
    if missing > 0 {
        failures.push(format!("{missing} bookings answered before the backup began are not in the copy"));
    }
    if before == 0 {
        failures.push("no booking was answered before the backup began: the drill proved nothing".into());
    }
    println!(
        "restored copy: {} reservations; {before} bookings answered before the backup began, {} of them in it; \
         {after} answered after it began ({after_in_copy} of those made it in); {}",
        stored.len(),
        before - missing,
        if failures.is_empty() { "invariants hold".to_owned() } else { failures.join("; ") }
    );
    if failures.is_empty() { Ok(()) } else { bail!("the restored copy fails the drill") }
}

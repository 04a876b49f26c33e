//! SQLite: a consistent copy of the live file with `VACUUM INTO`, and its restore.
//!
//! `VACUUM INTO` reads the database in one read transaction, so the copy is the database as of
//! one instant even while the server writes (WAL: readers and the writer do not block each
//! other); the copy is compact and has no WAL of its own. It holds that read transaction for
//! as long as it takes, which keeps the server's checkpoints from resetting the WAL meanwhile:
//! the WAL grows during a backup and is reset after.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use rusqlite::{Connection, OpenFlags};

/// Copies the database at `live` into `to` (which must not exist); the copy's schema version.
pub fn snapshot(live: &Path, to: &Path) -> anyhow::Result<i64> {
    if !live.exists() {
        bail!("there is no database at {} to back up", live.display());
    }
    let conn = Connection::open_with_flags(live, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .with_context(|| format!("cannot open {}", live.display()))?;
    // The server's writer may hold the write lock for a moment: wait rather than fail.
    conn.busy_timeout(Duration::from_secs(30))?;
    let target = to.to_str().context("the backup path must be valid UTF-8")?;
    conn.execute("vacuum into ?1", [target]).context("cannot copy the database (VACUUM INTO)")?;
    drop(conn);
    std::fs::File::open(to)?.sync_all()?;
    check(to)
}

/// Checks a copy is whole (`pragma integrity_check`); its schema version.
pub fn check(file: &Path) -> anyhow::Result<i64> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", file.display()))?;
    let verdict: String = conn.query_row("pragma integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        bail!("the copy at {} fails SQLite's integrity check: {verdict}", file.display());
    }
    let version: Option<i64> =
        conn.query_row("select max(version) from _sqlx_migrations where success", [], |r| r.get(0))?;
    Ok(version.unwrap_or(0))
}

/// Restores the copy `from` as the database file `to`, which must not exist or be empty: a
/// restore never overwrites a database. Written beside it under another name, checked, synced
/// and then renamed, so a crash leaves either no database or the whole copy.
pub fn restore(from: &Path, to: &Path) -> anyhow::Result<()> {
    refuse_live(to)?;
    let dir = to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let partial = suffixed(to, ".restoring");
    let _ = std::fs::remove_file(&partial);
    std::fs::copy(from, &partial).with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    check(&partial)?;
    std::fs::rename(&partial, to)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Refuses a target that holds a database: a file with content, or its WAL.
fn refuse_live(to: &Path) -> anyhow::Result<()> {
    let has_content = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.len() > 0);
    let wal = suffixed(to, "-wal");
    if has_content(to) || has_content(&wal) {
        bail!(
            "{} already holds a database: a restore never overwrites one. Restore into an empty data \
             directory (--data-dir) and point the server at it.",
            to.display()
        );
    }
    Ok(())
}

/// `path` with `suffix` added to its file name (`ejia.db` → `ejia.db-wal`).
fn suffixed(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

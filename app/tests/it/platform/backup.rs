//! `ejia backup` and `ejia restore`, through the real binary, on SQLite and PostgreSQL: a copy
//! taken while the server runs restores into an empty place and a second ejia serves it; a
//! restore refuses a live database, a damaged backup and the wrong key, and changes nothing
//! when it refuses; old backups beyond `--keep` go.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::*;

/// The CLI on a data directory and database URL of one's choosing.
fn ejia(dir: &Path, database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ejia"));
    cmd.arg("--data-dir").arg(dir).env("EJIA_DATABASE_URL", database_url).env("EJIA_LOG", "warn");
    cmd.env_remove("EJIA_SECRET_KEY");
    cmd
}

async fn run(mut cmd: Command) -> (bool, String) {
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The backups (complete ones) in a directory, oldest first.
fn backups_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("ejia-"))
        .collect();
    found.sort();
    found
}

/// A place to restore into: an empty data directory, and (on PostgreSQL) an empty database.
async fn empty_target() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    (dir, url)
}

/// An app with people and a booking-like trace of activity: a resident and a street admin.
async fn app_with_people() -> TestApp {
    let app = TestApp::with_district().await;
    let yunxiao = app.community(YUNXIAOLU).await;
    app.user("13800000011", "王阿姨", Some(yunxiao), &[]).await;
    app.user("13800000012", "李师傅", Some(yunxiao), &[]).await;
    app
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_an_empty_place_and_serves_the_same_people() {
    let app = app_with_people().await;
    let backups = tempfile::tempdir().unwrap();
    let key_file = backups.path().join("ejia.key");
    let mut cmd = ejia(app.dir.path(), &app.database_url);
    cmd.arg("backup").arg("--to").arg(backups.path()).arg("--key-to").arg(&key_file);
    let (ok, out) = run(cmd).await;
    assert!(ok, "{out}");
    assert!(out.contains("keep it apart from the backups"), "{out}");
    let made = backups_in(backups.path());
    assert_eq!(made.len(), 1, "{made:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(made[0].join("manifest.json")).unwrap()).unwrap();
    let engine = if postgres_url().is_some() { "postgres" } else { "sqlite" };
    assert_eq!(manifest["engine"], engine);
    assert!(manifest["schema_version"].as_i64().unwrap() >= 33, "{manifest}");
    assert_eq!(manifest["key_fingerprint"].as_str().unwrap().len(), 16);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777, 0o700);
    }
    // Written after the backup: not in it.
    app.user("13800000013", "赵老师", None, &[]).await;

    let (target, target_url) = empty_target().await;
    let mut cmd = ejia(target.path(), &target_url);
    cmd.arg("restore").arg(&made[0]).arg("--key").arg(&key_file);
    let (ok, out) = run(cmd).await;
    assert!(ok, "{out}");
    assert!(out.contains("secret key was written"), "{out}");

    let restored = TestApp::spawn_with(|c| {
        c.data_dir = target.path().to_path_buf();
        c.database_url = Some(target_url.clone().into());
    })
    .await;
    assert_eq!(restored.count("communities").await, 50);
    assert_eq!(restored.count("users").await, app.count("users").await - 1);
    // The phones were sealed with the key the restore put in place: the resident signs in by
    // phone and sees their own number.
    restored.login("13800000011").await;
    let (status, me) = restored.page("/me").await;
    assert_eq!(status, 200);
    assert!(me.contains("王阿姨"), "{me}");
    let mut conn = restored.state.db.conn().await.unwrap();
    let sealed: String = sqlx::query_scalar("select phone_sealed from users where display_name = '王阿姨'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(restored.state.keys.open(&sealed).unwrap(), "13800000011");
}

#[tokio::test]
async fn a_restore_refuses_a_live_database_a_damaged_backup_and_the_wrong_key_and_changes_nothing() {
    let app = app_with_people().await;
    let backups = tempfile::tempdir().unwrap();
    let mut cmd = ejia(app.dir.path(), &app.database_url);
    cmd.arg("backup").arg("--to").arg(backups.path());
    let (ok, out) = run(cmd).await;
    assert!(ok, "{out}");
    assert!(out.contains("the secret key is not in the backup"), "{out}");
    let backup = backups_in(backups.path()).remove(0);

    // Over the live database it was taken from.
    let users = app.count("users").await;
    let mut cmd = ejia(app.dir.path(), &app.database_url);
    cmd.arg("restore").arg(&backup);
    let (ok, out) = run(cmd).await;
    assert!(!ok);
    assert!(out.contains("never overwrites"), "{out}");
    assert_eq!(app.count("users").await, users);

    // Without the key, into an empty place: refused, and the place stays empty.
    let (target, target_url) = empty_target().await;
    let mut cmd = ejia(target.path(), &target_url);
    cmd.arg("restore").arg(&backup);
    let (ok, out) = run(cmd).await;
    assert!(!ok);
    assert!(out.contains("--key FILE"), "{out}");
    assert!(!target.path().join("ejia.db").exists() && !target.path().join("secret.key").exists());

    // With another key.
    let wrong = target.path().join("other.key");
    std::fs::write(&wrong, "11".repeat(32)).unwrap();
    let mut cmd = ejia(target.path(), &target_url);
    cmd.arg("restore").arg(&backup).arg("--key").arg(&wrong);
    let (ok, out) = run(cmd).await;
    assert!(!ok);
    assert!(out.contains("is not the key this backup needs"), "{out}");

    // A damaged copy.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    let file = backup.join(manifest["files"][0]["name"].as_str().unwrap());
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&file, bytes).unwrap();
    let mut cmd = ejia(target.path(), &target_url);
    cmd.arg("restore").arg(&backup).arg("--without-key");
    let (ok, out) = run(cmd).await;
    assert!(!ok);
    assert!(out.contains("damaged"), "{out}");
    assert!(!target.path().join("ejia.db").exists());
    if postgres_url().is_some() {
        sqlx::any::install_default_drivers();
        let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&target_url).await.unwrap();
        let tables: i64 =
            sqlx::query_scalar("select count(*) from information_schema.tables where table_schema = 'public'")
                .fetch_one(&mut db)
                .await
                .unwrap();
        assert_eq!(tables, 0);
    }
}

#[tokio::test]
async fn backups_beyond_keep_are_removed_oldest_first() {
    let app = TestApp::with_district().await;
    let backups = tempfile::tempdir().unwrap();
    let mut made = Vec::new();
    for _ in 0..3 {
        let mut cmd = ejia(app.dir.path(), &app.database_url);
        cmd.arg("backup").arg("--to").arg(backups.path()).arg("--keep").arg("2");
        let (ok, out) = run(cmd).await;
        assert!(ok, "{out}");
        made.push(backups_in(backups.path()).pop().unwrap());
    }
    assert_eq!(backups_in(backups.path()), made[1..].to_vec());
}

#[tokio::test]
async fn scheduled_backups_are_taken_once_a_period_by_one_of_several_instances() {
    let backups = tempfile::tempdir().unwrap();
    let to = backups.path().to_path_buf();
    let app = TestApp::spawn_with(|c| {
        c.backup_dir = Some(to);
        c.backup_every_hours = 24;
        c.backup_keep = 2;
    })
    .await;
    // A second instance on the same database, as behind a load balancer.
    let other = ejia::app::AppState::open((*app.state.config).clone(), app.clock.clone()).await.unwrap();
    let (a, b) = tokio::join!(ejia::backup::job::run_due(&app.state), ejia::backup::job::run_due(&other));
    let taken = [a.unwrap(), b.unwrap()].into_iter().flatten().count();
    assert_eq!(taken, 1);
    assert!(ejia::backup::job::run_due(&app.state).await.unwrap().is_none(), "one backup a period");
    assert_eq!(backups_in(backups.path()).len(), 1);

    for day in 1..=2 {
        app.clock.advance(chrono::Duration::hours(24));
        let written = ejia::backup::job::run_due(&other).await.unwrap().expect("a new period's backup");
        assert_eq!(written.removed.len(), usize::from(day == 2), "day {day}");
    }
    let kept = backups_in(backups.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    let finished: i64 = sqlx::query_scalar(
        "select count(*) from backup_runs where finished_at is not null and location is not null and error is null",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(finished, 3);
}

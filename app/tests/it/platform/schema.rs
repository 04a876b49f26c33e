//! The SQLite and PostgreSQL migration folders describe the same tables and columns, and the
//! database the app runs on has exactly those.

use std::path::PathBuf;

use ejia::db::schema::{Schema, apply};

fn folder(engine: &str) -> (Vec<String>, Schema) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations").join(engine);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut schema = Schema::new();
    for path in &names {
        apply(&mut schema, &std::fs::read_to_string(path).unwrap());
    }
    (names.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect(), schema)
}

#[test]
fn migration_folders_stay_in_step() {
    let (sqlite_files, sqlite) = folder("sqlite");
    let (postgres_files, postgres) = folder("postgres");
    assert_eq!(sqlite_files, postgres_files, "same migration files, same names");
    assert!(sqlite.len() >= 10);
    assert_eq!(sqlite, postgres);
}

#[tokio::test]
async fn the_live_database_matches_the_migrations() {
    let app = crate::helpers::TestApp::spawn().await;
    let (_, expected) = folder(if crate::helpers::postgres_url().is_some() { "postgres" } else { "sqlite" });
    let mut conn = app.state.db.conn().await.unwrap();
    for (table, columns) in expected {
        let live: Vec<String> = match app.state.db.backend() {
            ejia::db::Backend::Sqlite => sqlx::query_scalar(&format!("select name from pragma_table_info('{table}')")).fetch_all(&mut *conn).await.unwrap(),
            ejia::db::Backend::Postgres => sqlx::query_scalar(
                "select column_name::text from information_schema.columns where table_schema = current_schema() and table_name = $1",
            )
            .bind(&table)
            .fetch_all(&mut *conn)
            .await
            .unwrap(),
        };
        let live: std::collections::BTreeSet<String> = live.into_iter().collect();
        assert_eq!(live, columns, "{table}");
    }
}

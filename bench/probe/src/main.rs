//! The yardstick ejia's page and write benchmarks are measured against, in the same script
//! run on the same machine: a minimal axum server that does the least a real one must.
//!
//! - `GET /` answers a static 4 KB HTML page (no templates, no database, no session): what
//!   serving a page costs here before any work of ours.
//! - `POST /insert` makes one durable SQLite insert (WAL, `synchronous=FULL`, one transaction
//!   per request, no group commit): what a write that survives a crash costs here.
//!
//! Benchmarks report ejia's figures as a share of the probe's, so a busy or slow machine moves
//! both and the share stays comparable between runs and machines.
//!
//!   ejia-probe --addr 127.0.0.1:8080 [--db /tmp/probe.db]

use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use rusqlite::Connection;

/// About 4 KB of HTML, built once.
fn page() -> String {
    let mut body = String::from(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>probe</title></head><body><main>",
    );
    while body.len() < 4000 {
        body.push_str("<p>市南区 e家 probe page: a static paragraph of text.</p>");
    }
    body.push_str("</main></body></html>");
    body
}

type Db = Arc<Mutex<Connection>>;

async fn insert(State(db): State<Db>) -> impl IntoResponse {
    let done = tokio::task::spawn_blocking(move || -> rusqlite::Result<i64> {
        let conn = db.lock().map_err(|_| rusqlite::Error::InvalidQuery)?;
        conn.execute("insert into probe (at) values (unixepoch())", [])?;
        Ok(conn.last_insert_rowid())
    })
    .await;
    match done {
        Ok(Ok(id)) => (StatusCode::CREATED, id.to_string()).into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn open(path: &str) -> anyhow::Result<Db> {
    let conn = Connection::open(path).with_context(|| format!("opening {path}"))?;
    conn.pragma_update(None, "journal_mode", "wal")?;
    conn.pragma_update(None, "synchronous", "full")?;
    conn.execute("create table if not exists probe (id integer primary key, at integer not null)", [])?;
    Ok(Arc::new(Mutex::new(conn)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let addr = arg("--addr").unwrap_or_else(|| "127.0.0.1:8080".into());
    let db_path = arg("--db").unwrap_or_else(|| std::env::temp_dir().join("ejia-probe.db").display().to_string());
    let html: &'static str = Box::leak(page().into_boxed_str());
    let app = Router::new()
        .route("/", get(move || async move { ([(header::CACHE_CONTROL, "no-store")], Html(html)) }))
        .route("/insert", post(insert))
        .with_state(open(&db_path)?);
    let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("binding {addr}"))?;
    axum::serve(listener, app).await?;
    Ok(())
}

//! PostgreSQL: a logical copy with `pg_dump` (custom format) and its restore with
//! `pg_restore`, both PostgreSQL's own tools, found on the PATH.
//!
//! `pg_dump` reads in one repeatable-read transaction: the copy is the database as of one
//! instant while the instances keep writing. Larger sites want base backups and WAL archiving
//! for point-in-time recovery (the README's operator section); this is the copy any site can
//! take and restore with one command.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use sqlx::Connection as _;

/// The connection for the tools: the URL without its password (the tools read that from
/// `PGPASSWORD`, so it shows in no process list), and the password.
fn for_tools(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url).context("the database URL is not a URL")?;
    let password = parsed.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), password))
}

fn tool(name: &str, url: &str) -> anyhow::Result<Command> {
    let (url, password) = for_tools(url)?;
    let mut cmd = Command::new(name);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.arg("--dbname").arg(url);
    Ok(cmd)
}

fn run(mut cmd: Command, what: &str) -> anyhow::Result<()> {
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{what} is not on the PATH: install PostgreSQL's client tools (Debian: postgresql-client) of the \
             server's version or newer"
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot run {what}")),
    };
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Dumps the database at `url` into `to`; the schema version it had.
pub async fn snapshot(url: &str, to: &Path) -> anyhow::Result<i64> {
    let version = schema_version(url).await?;
    let mut cmd = tool("pg_dump", url)?;
    cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"]).arg(to);
    run(cmd, "pg_dump")?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(version)
}

/// Restores the dump `from` into the database at `url`, which must exist and hold no tables:
/// a restore never overwrites a database. One transaction: a failure leaves it empty.
pub async fn restore(from: &Path, url: &str) -> anyhow::Result<()> {
    let mut db = sqlx::PgConnection::connect(url).await.context("cannot connect to the database")?;
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut db)
    .await?;
    db.close().await?;
    if tables > 0 {
        bail!(
            "the database already holds {tables} tables: a restore never overwrites one. Create an empty database \
             (createdb) and point EJIA_DATABASE_URL at it."
        );
    }
    let mut cmd = tool("pg_restore", url)?;
    cmd.args(["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]).arg(from);
    run(cmd, "pg_restore")
}

async fn schema_version(url: &str) -> anyhow::Result<i64> {
    let mut db = sqlx::PgConnection::connect(url).await.context("cannot connect to the database")?;
    let version: Option<i64> = sqlx::query_scalar("select max(version) from _sqlx_migrations where success")
        .fetch_one(&mut db)
        .await
        .context("the database has no ejia schema")?;
    db.close().await?;
    Ok(version.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_goes_to_the_environment_not_the_command_line() {
        let (url, password) = for_tools("postgres://ejia:s%40cr%2Bt@db.internal:5433/ejia?sslmode=require").unwrap();
        assert_eq!(url, "postgres://ejia@db.internal:5433/ejia?sslmode=require");
        assert_eq!(password.as_deref(), Some("s@cr+t"));
        let (url, password) = for_tools("postgres://ejia@localhost/ejia").unwrap();
        assert_eq!((url.as_str(), password), ("postgres://ejia@localhost/ejia", None));
    }
}

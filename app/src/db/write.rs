//! Writes that must be durable before anyone hears of them, whichever the engine.
//!
//! A hot write (a booking, a filing) implements [`Write`] once per *mechanism*, not per
//! engine branch in its domain: `on_writer` runs synchronously on the SQLite writer thread's
//! connection, inside its group commit; `on_pool` runs on the pool (PostgreSQL), where
//! concurrent transactions already share WAL flushes and a write may also join a batch
//! (`db::batch`). [`Db::write`] picks the mechanism; it is the only place that knows which
//! engine a write runs on. The two bodies stay two because the mechanisms differ (a blocking
//! rusqlite connection in a savepoint, async statements on a pool), but what they share —
//! the SQL text, the row mappers (`db::row`), the rules and the answer — each write keeps in
//! one place.
//!
//! Also here, what a transaction on the pool needs to know of the engine: which constraint
//! refused a statement ([`Violation`], for both drivers) and how to try a statement without
//! losing the transaction when it is refused ([`Attempt`]).

use std::future::Future;

use sqlx::error::ErrorKind;
use sqlx::{Any, Connection as _, Transaction};

use crate::db::writer::WriterError;
use crate::db::{Conn, Db, Engine};

/// A write that must be durable before its answer is released.
pub trait Write: Send + 'static {
    /// The answer.
    type Output: Send + 'static;
    /// Why there is none; the writer thread's own failures become one too.
    type Error: From<WriterError> + Send + 'static;

    /// On SQLite: on the writer thread, in its own savepoint of the batch's transaction. An
    /// `Err` undoes what it did; the answer is released after the batch commits.
    fn on_writer(self, conn: &rusqlite::Connection) -> Result<Self::Output, Self::Error>;

    /// On PostgreSQL: on the pool, in a transaction (or a batch) committed before it returns.
    fn on_pool(self, db: &Db) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}

impl Db {
    /// Runs `write` durably: on SQLite on the writer thread with group commit, on PostgreSQL
    /// on the pool.
    pub async fn write<W: Write>(&self, write: W) -> Result<W::Output, W::Error> {
        match &self.engine {
            Engine::Sqlite(writer) => writer.write(move |conn| write.on_writer(conn)).await?,
            Engine::Postgres => write.on_pool(self).await,
        }
    }
}

/// One statement in a caller's transaction that the database may refuse (a CHECK, a unique
/// index) without the transaction being lost: PostgreSQL aborts a whole transaction after a
/// failed statement, so there the statement runs in a savepoint; SQLite undoes only the
/// statement, so there it runs as it is.
///
/// ```ignore
/// let mut attempt = Attempt::begin(conn).await?;
/// let result = store::transition(attempt.conn(), ...).await;
/// let result = attempt.end(result).await?;
/// ```
pub enum Attempt<'c> {
    /// SQLite: the statement runs on the transaction itself.
    Plain(&'c mut Conn),
    /// PostgreSQL: in a savepoint, released or rolled back by [`Attempt::end`].
    Savepoint(Transaction<'c, Any>),
}

impl<'c> Attempt<'c> {
    /// Prepares an attempt on `conn` (a transaction).
    pub async fn begin(conn: &'c mut Conn) -> Result<Self, sqlx::Error> {
        // The connection says what it is, so no caller has to pass the engine along.
        if conn.backend_name() == "PostgreSQL" {
            Ok(Self::Savepoint(conn.begin().await?))
        } else {
            Ok(Self::Plain(conn))
        }
    }

    /// Where to run the statement.
    pub fn conn(&mut self) -> &mut Conn {
        match self {
            Self::Plain(conn) => conn,
            Self::Savepoint(savepoint) => savepoint,
        }
    }

    /// Keeps what the statement did if it succeeded, undoes it if not; returns its result.
    pub async fn end<T>(self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if let Self::Savepoint(savepoint) = self {
            if result.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
        }
        result
    }
}

/// A constraint that refused a statement, as either driver reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Violation<'e> {
    /// A CHECK constraint.
    Check,
    /// A unique index: PostgreSQL names it; SQLite names its columns (`table.column`) in the
    /// message.
    Unique {
        /// The index (PostgreSQL).
        index: Option<&'e str>,
        /// The engine's message (SQLite's names the columns).
        message: &'e str,
    },
    /// Another refusal by the database (a foreign key, a not-null column, ...).
    Other,
}

impl Violation<'_> {
    /// Whether this is the unique index `index` on `columns` (as SQLite words them, e.g.
    /// `reservations.person_key`).
    pub fn is_unique(&self, index: &str, columns: &str) -> bool {
        matches!(self, Self::Unique { index: i, message } if *i == Some(index) || message.contains(columns))
    }
}

/// An error that may be a constraint's refusal: sqlx's (the pool) or rusqlite's (the writer).
pub trait Refused {
    /// The constraint that refused the statement, if that is what this error is.
    fn violation(&self) -> Option<Violation<'_>>;
}

impl Refused for sqlx::Error {
    fn violation(&self) -> Option<Violation<'_>> {
        let sqlx::Error::Database(db) = self else { return None };
        Some(match db.kind() {
            ErrorKind::CheckViolation => Violation::Check,
            ErrorKind::UniqueViolation => Violation::Unique { index: db.constraint(), message: db.message() },
            _ => Violation::Other,
        })
    }
}

impl Refused for rusqlite::Error {
    fn violation(&self) -> Option<Violation<'_>> {
        let rusqlite::Error::SqliteFailure(f, message) = self else { return None };
        let message = message.as_deref().unwrap_or_default();
        Some(match f.extended_code {
            rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => Violation::Check,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => Violation::Unique { index: None, message },
            _ if f.code == rusqlite::ErrorCode::ConstraintViolation => Violation::Other,
            _ => return None,
        })
    }
}

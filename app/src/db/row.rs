//! One row mapper per table, whoever reads the row: a mapper is written against [`Row`],
//! which both sqlx's rows (the pool) and rusqlite's (the SQLite writer thread) are, so the
//! booking rush on the writer and every page on the pool read an offering the same way.
//!
//! Mappers read columns by position, in the order of the table's shared column list (looking
//! them up by name showed up in profiles of the booking rush).

use sqlx::Row as _;
use sqlx::any::{Any, AnyRow};

/// A value both drivers can read out of a column (`i64`, `f64`, `String`, and their `Option`s).
pub trait Cell: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> {}

impl<T> Cell for T where T: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> {}

/// A row, from the pool or from the writer thread.
pub trait Row {
    /// The driver's error.
    type Error;

    /// Column `idx` (from 0).
    fn get<T: Cell>(&self, idx: usize) -> Result<T, Self::Error>;
}

impl Row for AnyRow {
    type Error = sqlx::Error;

    fn get<T: Cell>(&self, idx: usize) -> Result<T, sqlx::Error> {
        self.try_get(idx)
    }
}

impl Row for rusqlite::Row<'_> {
    type Error = rusqlite::Error;

    fn get<T: Cell>(&self, idx: usize) -> Result<T, rusqlite::Error> {
        rusqlite::Row::get(self, idx)
    }
}

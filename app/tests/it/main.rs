//! The one integration-test binary. Every test starts its own ejia on a random port with a
//! fresh database: SQLite by default, PostgreSQL when `EJIA_TEST_DATABASE_URL` is set.
//! Tests live in a folder per domain, as in `app/src`; `helpers/` holds what they share.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the line that broke"
)]

mod accounts;
mod audit;
mod board;
mod bookings;
mod cases;
mod challenge;
mod demo;
mod enterprise;
mod helpers;
mod news;
mod notify;
mod org;
mod platform;
mod points;
mod portal;
mod search;

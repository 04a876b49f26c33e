//! The one integration-test binary. Every test starts its own ejia on a random port with a
//! fresh database: SQLite by default, PostgreSQL when `EJIA_TEST_DATABASE_URL` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test should fail loudly at the line that broke"
)]

mod accounts;
mod api;
mod appointments;
mod assist;
mod backoffice;
mod batch;
mod board;
mod booking_pages;
mod caller_reveal;
mod case_matrix;
mod case_pages;
mod case_photos;
mod case_settings_pages;
mod case_stats;
mod cases;
mod checkin;
mod checkin_guard;
mod cli;
mod connections;
mod contract;
mod covers;
mod credentials;
mod duplicate_pages;
mod events;
mod exports;
mod filing_crowd;
mod group_bookings;
mod helpers;
mod i18n;
mod login_limits;
mod lottery;
mod notify;
mod open311;
mod ops;
mod patrol_pages;
mod rebooking;
mod reporter_reveal;
mod schema;
mod security;

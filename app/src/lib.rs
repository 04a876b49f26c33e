//! ejia (e家): a civic platform for a city district.
//!
//! One crate, split into vertical domains (`org`, `accounts`, `audit`, ...) that each keep
//! pure rules in `model`, SQL in `store`, use cases in `service`, thin HTTP handlers in
//! `routes` and askama view structs in `views`. Shared plumbing lives in `web` (sessions,
//! CSRF, errors, layout, i18n) and `db` (one pool for SQLite or PostgreSQL, chosen at run time).

pub mod accounts;
pub mod api;
pub mod app;
pub mod appointments;
pub mod audit;
pub mod authz;
pub mod backup;
pub mod board;
pub mod bookings;
pub mod cases;
pub mod challenge;
pub mod checkin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod enterprise;
pub mod error;
pub mod events;
pub mod ids;
pub mod media;
pub mod news;
pub mod notify;
pub mod org;
pub mod people;
pub mod points;
pub mod portal;
pub mod search;
pub mod seed;
pub mod server;
pub mod web;

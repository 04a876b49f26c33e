//! Activities (活动): lectures, online talks, red-film screenings, micro Party lessons, visits,
//! performances. An event has sessions (场次) — offerings of the booking engine — at venues
//! or online, made one at a time or as a series from an RFC 5545 recurrence rule across many
//! venues. Residents register; the same engine guarantees no session is overfilled.

pub mod api;
pub mod ical;
pub mod manage;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
mod views;

pub use model::{Event, EventKind};

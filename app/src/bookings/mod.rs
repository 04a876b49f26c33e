//! The booking engine shared by activities and appointments: offerings with seats, and
//! reservations that are confirmed, waitlisted, requested (lottery), cancelled, attended or
//! no-show. Never oversold, never double-booked, never lost: see `engine`.

pub mod batch;
pub mod cache;
pub mod engine;
pub mod export;
pub mod listing;
pub mod lottery;
pub mod model;
pub mod pooled;
pub mod service;
pub mod sqlite;
pub mod store;

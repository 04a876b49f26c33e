//! The booking engine shared by activities and appointments: offerings with seats, and
//! reservations that are confirmed, waitlisted, requested (lottery), cancelled, attended or
//! no-show. Never oversold, never double-booked, never lost: see `engine`.
//!
//! Booking is one implementation whatever is booked: `offer` creates offerings (an appointment
//! service's slots, an activity's sessions), `service` books, cancels, moves and marks them,
//! and `api` and `pages` are the one set of API operations and pages for it, which
//! `appointments` and `events` mount at their URLs and in their words. Other domains reach
//! the engine's statements through the re-exports below, not `store` or `engine`.

pub mod api;
pub mod cancel;
pub mod engine;
pub mod export;
pub mod listing;
pub mod lottery;
pub mod model;
pub mod offer;
pub mod pages;
pub mod portal;
pub mod service;
pub mod store;
pub mod views;

pub use model::CHECKIN_EARLY_SECS;

// What other domains may call of the engine and its statements; they reach them through this
// module, never `store` or `engine` directly, so this list is the booking core's surface.
pub use engine::{Moved, attempt_transition};
pub use store::{
    Reservation, active_of_offering, offering, offerings_at_venue, offerings_of_event, offerings_of_series_from,
    offerings_of_service, reservation, reservation_by_code, set_offering_status, set_offering_times, transition,
};

//! The booking engine shared by activities and appointments: offerings with seats, and
//! reservations that are confirmed, waitlisted, requested (lottery), cancelled, attended or
//! no-show. Never oversold, never double-booked, never lost: see `engine`.
//!
//! What other domains use of it: the types (`model`), the use cases (`service`), the read
//! model of bookings with what they are for (`listing`), the exports (`export`), and the
//! statements re-exported below — the offerings and reservations as stored, the engine's moves.
//! They reach the engine through this module, not its `store` or `engine`, so what they may
//! call is listed here. (Appointments still name `store` and `engine` directly, until the booking
//! API activities and appointments share takes their place.)

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

pub use engine::{Moved, attempt_transition, is_no_seat, promote};
pub use store::{
    NewOffering, Reservation, active_of_offering, insert_offering, of_booker, offering, offerings_at_venue,
    offerings_of_event, offerings_of_series_from, reservation, reservation_by_code, set_capacity, set_offering_status,
    set_offering_times, transition,
};

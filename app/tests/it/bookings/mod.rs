//! Bookings: appointments and activities (events, sessions, covers), lotteries, groups,
//! rescheduling, the PostgreSQL batcher, exports and check-in.

mod activity_pages;
mod appointment_pages;
mod appointments;
mod batch;
mod booking_flow;
mod checkin;
mod checkin_guard;
mod event_covers;
mod event_form;
mod events;
mod exports;
mod family;
mod family_phone;
mod group_bookings;
mod lottery;
mod rebooking;
mod service_pages;
mod session_form;

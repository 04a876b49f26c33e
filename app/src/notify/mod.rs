//! Messages to people: the in-app inbox and text messages through an SMS gateway. Notices
//! come from several domains: the database writes one with every booking change, the reminder
//! job the day-before reminders, and the cases domain one at each public step of a report or
//! an assistance request and when an enterprise application is decided. Booking notices are
//! worded here; the others by the domain that left them, which registers its wording with this
//! one ([`wording`]), so this domain names none of them.
//!
//! Texts go to an SMS gateway ([`worker::SmsGateway`]). Registration codes are queued in the
//! outbox ([`outbox`]) in the transaction that makes them, sealed, and handed to the gateway by
//! the background job, which then drops them; notices are texted by the job. This installation
//! has no SMS provider contract, so the development [`worker::OutboxGateway`] is the gateway:
//! what it "sends" stays in the outbox, and `ejia sms outbox` shows it (a code only until it
//! expires).

pub mod api;
pub mod digest;
pub mod inbox;
pub mod model;
pub mod outbox;
pub mod portal;
pub mod routes;
pub mod store;
pub mod wording;
pub mod worker;

pub use outbox::{SecretText, Sms, queue_secret_sms, queue_sms, recent_sms};

/// The domain: the inbox's page and API.
pub const DOMAIN: crate::app::Domain = crate::app::Domain {
    name: "notify",
    pages: routes::router,
    api: api::router,
    portal: &[&portal::UNREAD],
    ..crate::app::Domain::NONE
};

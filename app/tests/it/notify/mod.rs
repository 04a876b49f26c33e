//! Notices: the inbox, reminders, and text messages through the outbox.

mod notices;
mod staff;

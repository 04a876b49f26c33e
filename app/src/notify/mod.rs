//! Messages to people: the in-app inbox and text messages through an SMS gateway. Notices
//! come from several domains: the database writes one with every booking change, the reminder
//! job the day-before reminders, and the cases domain one at each public step of a report or
//! an assistance request and when an enterprise application is decided. Booking notices are
//! worded here; the inbox hands `case.` notices to the cases domain to word.
//!
//! A text is written to `sms_outbox` by the gateway in use: this installation has no SMS
//! provider contract, so the development [`worker::OutboxGateway`] is the gateway, and
//! `ejia sms outbox` shows what was "sent". Registration codes are queued directly in the
//! transaction that makes them.

pub mod api;
pub mod inbox;
pub mod model;
pub mod routes;
pub mod store;
pub mod worker;

use sqlx::Row as _;

use crate::db::Conn;

/// A queued or sent message, as shown by the CLI.
#[derive(Debug, Clone)]
pub struct Sms {
    /// Sealed phone number.
    pub phone_sealed: String,
    /// Masked phone number.
    pub phone_masked: String,
    /// Text.
    pub body: String,
    /// When queued (Unix seconds).
    pub created_at: i64,
}

/// Queues an SMS to a (sealed) phone number.
pub async fn queue_sms(
    conn: &mut Conn,
    phone_sealed: &str,
    phone_masked: &str,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into sms_outbox (phone_sealed, phone_masked, body, created_at) values ($1, $2, $3, $4)")
        .bind(phone_sealed)
        .bind(phone_masked)
        .bind(body)
        .bind(now)
        .execute(conn)
        .await?;
    tracing::info!(to = phone_masked, "sms queued");
    Ok(())
}

/// The newest messages, newest first.
pub async fn recent_sms(conn: &mut Conn, limit: i64) -> Result<Vec<Sms>, sqlx::Error> {
    let rows = sqlx::query(
        "select phone_sealed, phone_masked, body, created_at from sms_outbox order by sms_id desc limit $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Sms {
                phone_sealed: r.try_get("phone_sealed")?,
                phone_masked: r.try_get("phone_masked")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

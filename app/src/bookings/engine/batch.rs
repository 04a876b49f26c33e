//! A batch of bookings on PostgreSQL (`db::batch` queues them and commits the batch): one
//! call of the database function `book_batch` (migration 0005) for all of them. The database
//! still decides every seat (the function locks each offering before counting), so instances
//! batching side by side stay correct. A booking the function leaves to its caller (the same
//! key or the same person twice in one batch: "retry"), or one of a batch that failed as a
//! whole, is booked again on its own by `book`.

use serde::Serialize;

use crate::bookings::engine::insert::NewReservation;
use crate::bookings::model::Status;
use crate::db::Conn;
use crate::db::batch::Batch;

/// One booking for the batch; field names are the function's.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Position in the batch (set when the batch runs).
    pub ord: i64,
    /// Offering.
    pub offering_id: i64,
    /// Who books.
    pub booker: i64,
    /// For whom, on their list.
    pub person_id: Option<i64>,
    /// Identity for the one-active rule.
    pub person_key: String,
    /// The service's one-active scope.
    pub service_key: String,
    /// Seats.
    pub seats: i64,
    /// Status wanted: confirmed or requested (lottery).
    pub status: &'static str,
    /// Status when no seat is left: waitlisted, or None to refuse.
    pub fallback: Option<&'static str>,
    /// Client's idempotency key.
    pub idempotency_key: Option<String>,
    /// Ticket code.
    pub code: String,
    /// Time of the booking (unix seconds).
    pub now: i64,
}

/// What the database made of one booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written, with this id and status.
    Booked(i64, Status),
    /// An earlier request with the same key made this reservation.
    Repeated(i64),
    /// The person already holds an active booking for the service.
    Already,
    /// The offering takes no bookings (cancelled, or gone).
    Closed,
    /// No seat and no waiting list.
    Full,
}

impl Item {
    /// The item that writes `r`, or the `fallback` status when no seat is left.
    pub fn new(r: &NewReservation<'_>, fallback: Option<Status>, now: i64) -> Self {
        Self {
            ord: 0,
            offering_id: r.offering_id,
            booker: r.booker.0,
            person_id: r.person_id,
            person_key: r.person_key.to_owned(),
            service_key: r.service_key.to_owned(),
            seats: r.seats,
            status: r.status.as_str(),
            fallback: fallback.map(Status::as_str),
            idempotency_key: r.idempotency_key.map(str::to_owned),
            code: r.code.to_owned(),
            now,
        }
    }
}

/// Bookings batched by `book_batch`.
#[derive(Debug)]
pub enum BookBatch {}

impl Batch for BookBatch {
    type Item = Item;
    type Outcome = Outcome;

    fn worker_key(item: &Item) -> u64 {
        item.offering_id.unsigned_abs()
    }

    async fn run(tx: &mut Conn, items: &mut [Item]) -> anyhow::Result<Vec<Option<Outcome>>> {
        for (i, item) in items.iter_mut().enumerate() {
            item.ord = i as i64;
        }
        let json = serde_json::to_string(items)?;
        let rows: Vec<(i64, String, Option<i64>, Option<String>)> =
            sqlx::query_as("select out_ord, out_outcome, out_id, out_status from book_batch($1::json)")
                .bind(json)
                .fetch_all(&mut *tx)
                .await?;
        let mut outcomes = Vec::new();
        outcomes.resize_with(items.len(), || None);
        for (ord, outcome, id, status) in rows {
            let outcome = match (outcome.as_str(), id, status.as_deref().and_then(Status::parse)) {
                ("booked", Some(id), Some(status)) => Outcome::Booked(id, status),
                ("repeated", Some(id), _) => Outcome::Repeated(id),
                ("already", ..) => Outcome::Already,
                ("closed", ..) => Outcome::Closed,
                ("full", ..) => Outcome::Full,
                // "retry": the caller books it alone.
                _ => continue,
            };
            if let Some(slot) = usize::try_from(ord).ok().and_then(|i| outcomes.get_mut(i)) {
                *slot = Some(outcome);
            }
        }
        Ok(outcomes)
    }
}

//! The booking engine: how a seat is taken so that it is never oversold, never double-booked
//! and never lost.
//!
//! The one atomic step of booking is a single INSERT the database accepts or refuses. The
//! schema does the counting (see migration 0002): a trigger adds the seats to the offering and
//! a CHECK refuses an overfull one, a unique index refuses a second active booking of the same
//! person for the same service, and another refuses a repeated idempotency key. So there is no
//! read-then-write race to lose, on one SQLite file or on PostgreSQL with any number of ejia
//! instances.
//!
//! Here: a booking in a caller's transaction ([`reserve`], for groups and moves), the moves of
//! a reservation ([`attempt_transition`], [`promote`]); in `book`, the single booking of the
//! rush as one durable write (`db::write`); in `batch`, what a PostgreSQL batch of bookings
//! does; in `cache`, what booking remembers between requests; in `insert`, the statements
//! that take a seat; in `points`, the attendance points a move to or from attended awards or
//! reverses. Which engine runs a write is `db`'s business, not this folder's.

use rand::Rng as _;

use crate::bookings::engine::insert::{NewReservation, insert_reservation};
use crate::bookings::model::{Offering, Refusal, Status};
use crate::bookings::store::{self, Reservation};
use crate::db::write::Refused;
use crate::db::{Attempt, Conn, Violation};
use crate::ids::UserId;

pub mod batch;
pub mod book;
pub mod cache;
pub mod insert;
mod points;

/// A booking to make.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who books.
    pub booker: UserId,
    /// For which person on their list (None: themself).
    pub person_id: Option<i64>,
    /// The person's identity for the one-active rule.
    pub person_key: String,
    /// Seats.
    pub seats: i64,
    /// Group (group bookings).
    pub group_id: Option<i64>,
    /// Client-chosen key that makes a retry return the first answer.
    pub idempotency_key: Option<String>,
}

impl Request {
    /// The row this request writes on offering `o`, asking for `status`.
    pub fn row<'a>(&'a self, o: &'a Offering, status: Status, code: &'a str) -> NewReservation<'a> {
        NewReservation {
            offering_id: o.id,
            service_key: &o.service_key,
            booker: self.booker,
            person_id: self.person_id,
            person_key: &self.person_key,
            seats: self.seats,
            status,
            group_id: self.group_id,
            idempotency_key: self.idempotency_key.as_deref(),
            code,
        }
    }

    /// The answer for this request once the database has written reservation `id`.
    pub fn booked(&self, offering_id: i64, id: i64, status: Status, code: String, now: i64) -> Booked {
        let reservation = Reservation {
            id,
            offering_id,
            booker: self.booker,
            person_id: self.person_id,
            person_key: self.person_key.clone(),
            seats: self.seats,
            status,
            code,
            created_at: now,
        };
        Booked { reservation, replayed: false }
    }
}

/// The outcome of a booking.
#[derive(Debug, Clone)]
pub struct Booked {
    /// The reservation.
    pub reservation: Reservation,
    /// True when this answered a repeated request.
    pub replayed: bool,
}

/// Why a booking failed.
#[derive(Debug)]
pub enum Failure {
    /// A rule or the state of the offering says no.
    Refused(Refusal),
    /// No such offering or person (of this user).
    NotFound,
    /// The database failed (pool).
    Db(sqlx::Error),
    /// The database failed (group-commit writer).
    Sqlite(rusqlite::Error),
    /// The writer thread could not run or commit the booking.
    Writer(crate::db::writer::WriterError),
}

impl From<crate::db::writer::WriterError> for Failure {
    fn from(e: crate::db::writer::WriterError) -> Self {
        Failure::Writer(e)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Db(e)
    }
}

/// What to do after the database refused a booking's row.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Ask again for this status (no seat left: the waiting list).
    Ask(Status),
    /// Refuse the booking.
    Refuse(Refusal),
    /// An earlier request with the same key booked: answer with its reservation.
    Replay,
    /// Not a refusal this engine explains: the error is the answer.
    Fail,
}

/// What to do when the row asking for `asked` on `o` was refused by `violation`: the one
/// reading of the schema's refusals, for the writer thread's bookings and the pool's.
fn after_refusal(o: &Offering, asked: Status, violation: Option<Violation<'_>>) -> Next {
    let Some(v) = violation else { return Next::Fail };
    if v == Violation::Check {
        return match o.when_full(asked) {
            Some(fallback) => Next::Ask(fallback),
            None => Next::Refuse(Refusal::Full),
        };
    }
    if v.is_unique("reservations_idempotency_idx", "reservations.idempotency_key") {
        Next::Replay
    } else if v.is_unique("reservations_one_active_idx", "reservations.person_key") {
        Next::Refuse(Refusal::AlreadyBooked)
    } else {
        Next::Fail
    }
}

/// Whether an error is the database refusing a seat (capacity check).
pub fn is_no_seat(e: &sqlx::Error) -> bool {
    e.violation() == Some(Violation::Check)
}

/// A ticket code people can read out and type: no 0/O, 1/I/L. ~50 bits from the thread's
/// CSPRNG (ChaCha, seeded from the OS), not a system call per character.
pub fn ticket_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::thread_rng();
    (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Runs one write so that its failure leaves the transaction usable.
async fn attempt_insert(conn: &mut Conn, r: &NewReservation<'_>, now: i64) -> Result<Option<i64>, sqlx::Error> {
    let mut attempt = Attempt::begin(conn).await?;
    let result = insert_reservation(attempt.conn(), r, now).await;
    attempt.end(result).await
}

/// What became of a status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// Done.
    Done,
    /// The database refused: no seat left.
    NoSeat,
    /// The reservation was no longer in the expected state (someone else moved it first).
    Gone,
}

/// Moves a reservation (e.g. waitlisted → confirmed) so that a refusal (no seat) leaves the
/// transaction usable.
pub async fn attempt_transition(
    conn: &mut Conn,
    id: i64,
    from: Status,
    to: Status,
    by: Option<UserId>,
    now: i64,
) -> Result<Moved, sqlx::Error> {
    let mut attempt = Attempt::begin(conn).await?;
    let result = store::transition(attempt.conn(), id, from, to, by, now).await;
    match attempt.end(result).await {
        Ok(true) => {
            // Attendance earns points in the same transaction (see `points`).
            points::attendance_moved(conn, id, from, to, now).await?;
            Ok(Moved::Done)
        }
        Ok(false) => Ok(Moved::Gone),
        Err(e) if is_no_seat(&e) => Ok(Moved::NoSeat),
        Err(e) => Err(e),
    }
}

/// Books `req` on `offering` inside the caller's transaction. A lottery offering takes a
/// request; otherwise a seat, or a place on the waiting list when full.
pub async fn reserve(conn: &mut Conn, o: &Offering, req: &Request, now: i64) -> Result<Booked, Failure> {
    if let Some(max) = o.rules.max_per_user {
        // A retry of a request that already succeeded must not count against itself.
        if let Some(key) = &req.idempotency_key
            && let Some(reservation) = store::by_idempotency_key(conn, req.booker, key).await?
        {
            return Ok(Booked { reservation, replayed: true });
        }
        if store::active_count(conn, o.id, req.booker).await? >= max {
            return Err(Failure::Refused(Refusal::MaxPerUser));
        }
    }
    let code = ticket_code();
    let mut status = o.first_status();
    loop {
        let err = match attempt_insert(conn, &req.row(o, status, &code), now).await {
            Ok(None) => return Err(Failure::Refused(Refusal::OfferingCancelled)),
            Ok(Some(id)) => {
                return Ok(req.booked(o.id, id, status, code, now));
            }
            Err(e) => e,
        };
        match after_refusal(o, status, err.violation()) {
            Next::Ask(next) => status = next,
            Next::Refuse(refusal) => return Err(Failure::Refused(refusal)),
            Next::Replay => {
                let key = req.idempotency_key.as_deref().unwrap_or_default();
                return match store::by_idempotency_key(conn, req.booker, key).await? {
                    Some(reservation) => Ok(Booked { reservation, replayed: true }),
                    None => Err(Failure::Db(err)),
                };
            }
            Next::Fail => return Err(Failure::Db(err)),
        }
    }
}

/// Gives free seats of an offering to the waiting list, first in line first, until the
/// database says no seat is left. Returns the reservations promoted.
pub async fn promote(conn: &mut Conn, offering: i64, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    let mut promoted = Vec::new();
    loop {
        let next = store::waitlist(conn, offering, 1).await?;
        let Some(first) = next.first() else { break };
        match attempt_transition(conn, first.id, Status::Waitlisted, Status::Confirmed, None, now).await? {
            Moved::Done => promoted.push(first.id),
            // Cancelled meanwhile: look at the next in line.
            Moved::Gone => continue,
            Moved::NoSeat => break,
        }
    }
    Ok(promoted)
}

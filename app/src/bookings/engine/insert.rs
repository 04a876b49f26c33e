//! The statements that take a seat: the row of a new reservation and the INSERTs that write
//! it — the writer thread's and the pool's batch-less path's ([`INSERT_RESERVATION`]), the
//! pool's quiet one ([`insert_quietly`], see `book`) — and what explains an INSERT that wrote
//! nothing. Both drivers bind the same values ([`NewReservation::values`]).

use sqlx::Arguments as _;
use sqlx::any::AnyArguments;

use crate::bookings::model::Status;
use crate::db::Conn;
use crate::ids::UserId;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// A reservation to write.
#[derive(Debug, Clone)]
pub struct NewReservation<'a> {
    /// Offering.
    pub offering_id: i64,
    /// Its one-active scope.
    pub service_key: &'a str,
    /// Booker.
    pub booker: UserId,
    /// Person.
    pub person_id: Option<i64>,
    /// Identity for the one-active rule.
    pub person_key: &'a str,
    /// Seats.
    pub seats: i64,
    /// Status to write.
    pub status: Status,
    /// Group.
    pub group_id: Option<i64>,
    /// Idempotency key.
    pub idempotency_key: Option<&'a str>,
    /// Ticket code.
    pub code: &'a str,
}

/// The row's values, `$1` to `$11` of the reservation INSERTs in the order of their columns
/// (bound by the pool and by the writer thread alike).
type Values<'a> =
    (i64, i64, Option<i64>, &'a str, &'a str, i64, &'static str, Option<i64>, Option<&'a str>, &'a str, i64);

impl<'a> NewReservation<'a> {
    /// The values the reservation INSERTs bind, written at `now`.
    pub(crate) fn values(&self, now: i64) -> Values<'a> {
        let r = self;
        (
            r.offering_id,
            r.booker.0,
            r.person_id,
            r.person_key,
            r.service_key,
            r.seats,
            r.status.as_str(),
            r.group_id,
            r.idempotency_key,
            r.code,
            now,
        )
    }
}

/// The one statement of a booking: on the writer thread (`book`) and in a caller's transaction
/// (`engine::reserve`).
/// Only an open offering (and a lottery not yet drawn) takes the row: a booking checked
/// against a cached copy of an offering cancelled or drawn meanwhile inserts nothing (no row
/// back) instead.
pub(crate) const INSERT_RESERVATION: &str = "insert into reservations (offering_id, booker_user_id, person_id, person_key, \
     service_key, seats, status, group_id, idempotency_key, code, created_at, updated_at) \
     select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11 \
     where exists (select 1 from offerings where offering_id = $1 and status = 'open' and drawn_at is null) \
     returning reservation_id";

/// Writes a reservation in one statement. The database refuses it — with a check violation
/// when it would overfill the offering, with a unique violation when it repeats an
/// idempotency key or a person's active booking — and then nothing at all was written.
/// `Ok(None)`: the offering is no longer open.
pub async fn insert_reservation(conn: &mut Conn, r: &NewReservation<'_>, now: i64) -> Result<Option<i64>> {
    sqlx::query_scalar_with(INSERT_RESERVATION, reservation_arguments(r, now)?).fetch_optional(conn).await
}

/// `$1` to `$11` of the reservation INSERTs (see [`NewReservation::values`]).
fn reservation_arguments<'q>(r: &NewReservation<'q>, now: i64) -> Result<AnyArguments<'q>> {
    let v = r.values(now);
    let arguments = || -> std::result::Result<AnyArguments<'q>, sqlx::error::BoxDynError> {
        let mut args = AnyArguments::default();
        args.add(v.0)?;
        args.add(v.1)?;
        args.add(v.2)?;
        args.add(v.3)?;
        args.add(v.4)?;
        args.add(v.5)?;
        args.add(v.6)?;
        args.add(v.7)?;
        args.add(v.8)?;
        args.add(v.9)?;
        args.add(v.10)?;
        Ok(args)
    };
    arguments().map_err(sqlx::Error::Encode)
}

/// The pool's INSERT of a single booking (see `book`): takes the status wanted ($7) when the offering
/// looks to have the seats, else the fallback ($12; NULL: write nothing); writes nothing on a
/// conflict with a unique index or when the offering is not open.
const INSERT_QUIETLY: &str = "insert into reservations (offering_id, booker_user_id, person_id, person_key, \
     service_key, seats, status, group_id, idempotency_key, code, created_at, updated_at) \
     select o.offering_id, $2, $3, $4, $5, $6, \
       case when $7 = 'confirmed' and o.capacity is not null and o.booked + $6 > o.capacity then $12 else $7 end, \
       $8, $9, $10, $11, $11 \
     from offerings o where o.offering_id = $1 and o.status = 'open' and o.drawn_at is null \
       and ($7 <> 'confirmed' or o.capacity is null or o.booked + $6 <= o.capacity or $12 is not null) \
     on conflict do nothing returning reservation_id, status";

/// Writes a reservation unless a unique index or the offering's state says no; the row's id
/// and status, or None when nothing was written. An overfull offering is still refused by
/// the database with a check violation (a race for the last seat).
pub async fn insert_quietly(
    conn: &mut Conn,
    r: &NewReservation<'_>,
    fallback: Option<Status>,
    now: i64,
) -> Result<Option<(i64, Status)>> {
    let mut args = reservation_arguments(r, now)?;
    args.add(fallback.map(Status::as_str)).map_err(sqlx::Error::Encode)?;
    let row: Option<(i64, String)> = sqlx::query_as_with(INSERT_QUIETLY, args).fetch_optional(conn).await?;
    // It wrote one of the two statuses it was given.
    Ok(row.map(|(id, status)| (id, Status::parse(&status).unwrap_or(r.status))))
}

/// What stood in the way of a reservation that was not written.
#[derive(Debug)]
pub struct NotInserted {
    /// The offering takes bookings.
    pub open: bool,
    /// The reservation an earlier request with the same key made.
    pub repeated: Option<i64>,
    /// The person already holds an active booking for the service.
    pub already_active: bool,
}

/// Looks for what refused `r`; None when the offering does not exist.
pub async fn why_not_inserted(conn: &mut Conn, r: &NewReservation<'_>) -> Result<Option<NotInserted>> {
    let row: Option<(String, Option<i64>, i64)> = sqlx::query_as(
        "select o.status, \
           (select reservation_id from reservations where booker_user_id = $2 and idempotency_key = $3), \
           case when exists (select 1 from reservations where service_key = $4 and person_key = $5 \
               and service_key <> '' and status in ('requested', 'confirmed', 'waitlisted')) then 1 else 0 end \
         from offerings o where o.offering_id = $1",
    )
    .bind(r.offering_id)
    .bind(r.booker.0)
    .bind(r.idempotency_key)
    .bind(r.service_key)
    .bind(r.person_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(status, repeated, already_active)| NotInserted {
        open: status == "open",
        repeated,
        already_active: already_active == 1,
    }))
}

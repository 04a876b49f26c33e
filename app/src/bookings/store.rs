//! SQL for offerings and reservations. The seat count is kept by triggers (see migration
//! 0002), so nothing here adds or subtracts seats by hand.

use crate::authz::Location;
use crate::bookings::model::{Mode, Offering, Rules, Status};
use crate::bookings::offer::{Parent, Terms};
use crate::db::Conn;
use crate::db::row::Row;
use crate::ids::{StreetId, UserId};

type Result<T> = std::result::Result<T, sqlx::Error>;

pub(crate) const OFFERING_COLUMNS: &str = "offering_id, kind, service_id, service_key, venue_id, starts_at, ends_at, capacity, \
     booked, waitlist_enabled, mode, opens_at, closes_at, cancel_until, max_per_user, min_age, max_age, street_ids, \
     status, lottery_seed, drawn_at, event_id, series_id, online_url, department_id, street_id, lottery_commitment";

/// An offering, from a row of [`OFFERING_COLUMNS`] (on the pool or the writer thread).
pub(crate) fn offering_from<R: Row>(row: &R) -> std::result::Result<Offering, R::Error> {
    let mode: String = row.get(10)?;
    let streets: String = row.get(17)?;
    Ok(Offering {
        id: row.get(0)?,
        kind: row.get(1)?,
        service_id: row.get(2)?,
        service_key: row.get(3)?,
        venue_id: row.get(4)?,
        starts_at: row.get(5)?,
        ends_at: row.get(6)?,
        capacity: row.get(7)?,
        booked: row.get(8)?,
        waitlist_enabled: row.get::<i64>(9)? == 1,
        mode: Mode::parse(&mode).unwrap_or(Mode::FirstCome),
        rules: Rules {
            opens_at: row.get(11)?,
            closes_at: row.get(12)?,
            cancel_until: row.get(13)?,
            max_per_user: row.get(14)?,
            min_age: row.get(15)?,
            max_age: row.get(16)?,
            streets: streets.split(',').filter_map(|s| s.trim().parse().ok()).map(StreetId).collect(),
        },
        status: row.get(18)?,
        lottery_seed: row.get(19)?,
        drawn_at: row.get(20)?,
        event_id: row.get(21)?,
        series_id: row.get(22)?,
        online_url: row.get(23)?,
        department_id: row.get(24)?,
        street_id: row.get(25)?,
        lottery_commitment: row.get(26)?,
    })
}

/// One offering to write: its parent, when and where, and the terms of the creation it is part
/// of (see `offer::create`, the one path that makes offerings).
#[derive(Debug, Clone)]
pub struct NewOffering<'a> {
    /// What it belongs to: a service (a slot) or an event (a session).
    pub parent: Parent,
    /// Venue (None: online).
    pub venue_id: Option<i64>,
    /// Start.
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
    /// Link of an online session (shown to registrants only).
    pub online_url: Option<&'a str>,
    /// Seats, waiting list, mode and rules.
    pub terms: &'a Terms,
    /// Its organiser's department and street.
    pub location: Location,
    /// A lottery's committed seed (required when the mode is lottery).
    pub lottery: Option<crate::bookings::lottery::SealedSeed>,
}

/// Creates an offering (and a lottery's sealed seed: call it in a transaction). A slot's
/// one-active-booking scope is its service (`service:<id>`); a session is its own scope
/// (`session:<id>`), known only once the row has its id.
pub async fn insert_offering(conn: &mut Conn, o: &NewOffering<'_>, now: i64) -> Result<i64> {
    let (kind, service_id, service_key, event_id, series_id) = match o.parent {
        Parent::Service(service) => ("slot", Some(service), format!("service:{service}"), None, None),
        Parent::Event { event, series } => ("session", None, String::new(), Some(event), series),
    };
    let (terms, rules) = (o.terms, &o.terms.rules);
    let streets = rules.streets.iter().map(|s| s.0.to_string()).collect::<Vec<_>>().join(",");
    let id: i64 = sqlx::query_scalar(
        "insert into offerings (kind, service_id, service_key, venue_id, starts_at, ends_at, capacity, waitlist_enabled, \
         mode, opens_at, closes_at, cancel_until, max_per_user, min_age, max_age, street_ids, event_id, series_id, \
         online_url, department_id, street_id, lottery_commitment, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23) \
         returning offering_id",
    )
    .bind(kind)
    .bind(service_id)
    .bind(service_key)
    .bind(o.venue_id)
    .bind(o.starts_at)
    .bind(o.ends_at)
    .bind(terms.capacity)
    .bind(i64::from(terms.waitlist))
    .bind(terms.mode.as_str())
    .bind(rules.opens_at)
    .bind(rules.closes_at)
    .bind(rules.cancel_until)
    .bind(rules.max_per_user)
    .bind(rules.min_age)
    .bind(rules.max_age)
    .bind(streets)
    .bind(event_id)
    .bind(series_id)
    .bind(o.online_url)
    .bind(o.location.department.map(|d| d.0))
    .bind(o.location.street.map(|s| s.0))
    .bind(o.lottery.as_ref().map(|l| l.commitment.as_str()))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if let Parent::Event { .. } = o.parent {
        sqlx::query(
            "update offerings set service_key = 'session:' || cast(offering_id as text) where offering_id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(seed) = &o.lottery {
        crate::bookings::lottery::insert_seed(conn, id, seed, now).await?;
    }
    Ok(id)
}

/// One offering.
pub async fn offering(conn: &mut Conn, id: i64) -> Result<Option<Offering>> {
    let sql = format!("select {OFFERING_COLUMNS} from offerings where offering_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(offering_from).transpose()
}

/// Offerings of a service starting in `[from, to)`.
pub async fn offerings_of_service(conn: &mut Conn, service: i64, from: i64, to: i64) -> Result<Vec<Offering>> {
    let sql = format!(
        "select {OFFERING_COLUMNS} from offerings where service_id = $1 and starts_at >= $2 and starts_at < $3 \
         order by starts_at, offering_id"
    );
    let rows = sqlx::query(&sql).bind(service).bind(from).bind(to).fetch_all(conn).await?;
    rows.iter().map(offering_from).collect()
}

/// Changes an offering's capacity; fails with a check violation when below the seats taken.
pub async fn set_capacity(conn: &mut Conn, id: i64, capacity: Option<i64>, now: i64) -> Result<u64> {
    let done = sqlx::query("update offerings set capacity = $1, updated_at = $2 where offering_id = $3")
        .bind(capacity)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// A reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reservation {
    /// Id.
    pub id: i64,
    /// Offering.
    pub offering_id: i64,
    /// Who booked.
    pub booker: UserId,
    /// For whom (a person on the booker's list), if not themself.
    pub person_id: Option<i64>,
    /// Identity for the one-active rule.
    pub person_key: String,
    /// Seats.
    pub seats: i64,
    /// Status.
    pub status: Status,
    /// Ticket code.
    pub code: String,
    /// Booked at.
    pub created_at: i64,
}

use serde::Serialize;

pub(crate) const RESERVATION_COLUMNS: &str =
    "reservation_id, offering_id, booker_user_id, person_id, person_key, seats, status, code, created_at";

/// A reservation, from a row of [`RESERVATION_COLUMNS`] (on the pool or the writer thread).
pub(crate) fn reservation_from<R: Row>(row: &R) -> std::result::Result<Reservation, R::Error> {
    let status: String = row.get(6)?;
    Ok(Reservation {
        id: row.get(0)?,
        offering_id: row.get(1)?,
        booker: UserId(row.get(2)?),
        person_id: row.get(3)?,
        person_key: row.get(4)?,
        seats: row.get(5)?,
        status: Status::parse(&status).unwrap_or(Status::Cancelled),
        code: row.get(7)?,
        created_at: row.get(8)?,
    })
}

/// Active reservations of one user on one offering.
pub(crate) const ACTIVE_COUNT: &str = "select count(*) from reservations where offering_id = $1 and booker_user_id = $2 \
     and status in ('requested', 'confirmed', 'waitlisted')";

/// Whether a service books by real name only.
pub(crate) const REAL_NAME_REQUIRED: &str = "select real_name_required from services where service_id = $1";

/// Whether the service of an offering books by real name only.
pub async fn real_name_required(conn: &mut Conn, o: &Offering) -> Result<bool> {
    let Some(service) = o.service_id else { return Ok(false) };
    let v: Option<i64> = sqlx::query_scalar(REAL_NAME_REQUIRED).bind(service).fetch_optional(conn).await?;
    Ok(v == Some(1))
}

/// One reservation.
pub async fn reservation(conn: &mut Conn, id: i64) -> Result<Option<Reservation>> {
    let sql = format!("select {RESERVATION_COLUMNS} from reservations where reservation_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(reservation_from).transpose()
}

/// The reservation an earlier request with this idempotency key made.
pub async fn by_idempotency_key(conn: &mut Conn, booker: UserId, key: &str) -> Result<Option<Reservation>> {
    let sql =
        format!("select {RESERVATION_COLUMNS} from reservations where booker_user_id = $1 and idempotency_key = $2");
    let row = sqlx::query(&sql).bind(booker.0).bind(key).fetch_optional(conn).await?;
    row.as_ref().map(reservation_from).transpose()
}

/// Active reservations a user holds on an offering.
pub async fn active_count(conn: &mut Conn, offering: i64, booker: UserId) -> Result<i64> {
    sqlx::query_scalar(ACTIVE_COUNT).bind(offering).bind(booker.0).fetch_one(conn).await
}

/// Moves a reservation from one status to another on behalf of `by` (None: the system);
/// returns false when it was not in `from` any more (someone else moved it first). For
/// seat-taking moves the database may refuse with a check violation (no seat left).
pub async fn transition(
    conn: &mut Conn,
    id: i64,
    from: Status,
    to: Status,
    by: Option<UserId>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "update reservations set status = $1, updated_at = $2, updated_by = $3 where reservation_id = $4 and status = $5",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(by.map(|u| u.0))
    .bind(id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The waiting list of an offering, first in line first.
pub async fn waitlist(conn: &mut Conn, offering: i64, limit: i64) -> Result<Vec<Reservation>> {
    let sql = format!(
        "select {RESERVATION_COLUMNS} from reservations where offering_id = $1 and status = 'waitlisted' \
         order by reservation_id limit $2"
    );
    let rows = sqlx::query(&sql).bind(offering).bind(limit).fetch_all(conn).await?;
    rows.iter().map(reservation_from).collect()
}

/// A user's reservations, newest first.
pub async fn of_booker(conn: &mut Conn, booker: UserId, limit: i64) -> Result<Vec<Reservation>> {
    let sql = format!(
        "select {RESERVATION_COLUMNS} from reservations where booker_user_id = $1 order by reservation_id desc limit $2"
    );
    let rows = sqlx::query(&sql).bind(booker.0).bind(limit).fetch_all(conn).await?;
    rows.iter().map(reservation_from).collect()
}

/// The entrants of a lottery, in booking order.
pub async fn requested(conn: &mut Conn, offering: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(
        "select reservation_id from reservations where offering_id = $1 and status = 'requested' order by reservation_id",
    )
    .bind(offering)
    .fetch_all(conn)
    .await
}

/// Records a lottery draw and publishes its seed.
pub async fn record_draw(conn: &mut Conn, offering: i64, seed: &str, now: i64) -> Result<()> {
    sqlx::query("update offerings set lottery_seed = $1, drawn_at = $2, updated_at = $2 where offering_id = $3")
        .bind(seed)
        .bind(now)
        .bind(offering)
        .execute(conn)
        .await?;
    Ok(())
}

/// Reservations of an offering, in booking order.
pub async fn of_offering(conn: &mut Conn, offering: i64) -> Result<Vec<Reservation>> {
    let sql = format!("select {RESERVATION_COLUMNS} from reservations where offering_id = $1 order by reservation_id");
    let rows = sqlx::query(&sql).bind(offering).fetch_all(conn).await?;
    rows.iter().map(reservation_from).collect()
}

/// Sessions of an event, in time order.
pub async fn offerings_of_event(conn: &mut Conn, event: i64) -> Result<Vec<Offering>> {
    let sql = format!("select {OFFERING_COLUMNS} from offerings where event_id = $1 order by starts_at, offering_id");
    let rows = sqlx::query(&sql).bind(event).fetch_all(conn).await?;
    rows.iter().map(offering_from).collect()
}

/// Open sessions at a venue starting in `[from, to)`.
pub async fn offerings_at_venue(conn: &mut Conn, venue: i64, from: i64, to: i64) -> Result<Vec<Offering>> {
    let sql = format!(
        "select {OFFERING_COLUMNS} from offerings where venue_id = $1 and event_id is not null \
         and starts_at >= $2 and starts_at < $3 order by starts_at, offering_id"
    );
    let rows = sqlx::query(&sql).bind(venue).bind(from).bind(to).fetch_all(conn).await?;
    rows.iter().map(offering_from).collect()
}

/// Sessions of a series starting at or after `from`.
pub async fn offerings_of_series_from(conn: &mut Conn, series: i64, from: i64) -> Result<Vec<Offering>> {
    let sql = format!(
        "select {OFFERING_COLUMNS} from offerings where series_id = $1 and starts_at >= $2 order by starts_at, offering_id"
    );
    let rows = sqlx::query(&sql).bind(series).bind(from).fetch_all(conn).await?;
    rows.iter().map(offering_from).collect()
}

/// Changes an offering's status (`open`, `cancelled`).
pub async fn set_offering_status(conn: &mut Conn, id: i64, status: &str, now: i64) -> Result<()> {
    sqlx::query("update offerings set status = $1, updated_at = $2 where offering_id = $3")
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves an offering in time.
pub async fn set_offering_times(conn: &mut Conn, id: i64, starts_at: i64, ends_at: i64, now: i64) -> Result<()> {
    sqlx::query("update offerings set starts_at = $1, ends_at = $2, updated_at = $3 where offering_id = $4")
        .bind(starts_at)
        .bind(ends_at)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Active reservations of an offering (requested, confirmed, waitlisted).
pub async fn active_of_offering(conn: &mut Conn, offering: i64) -> Result<Vec<Reservation>> {
    let sql = format!(
        "select {RESERVATION_COLUMNS} from reservations where offering_id = $1 \
         and status in ('requested', 'confirmed', 'waitlisted') order by reservation_id"
    );
    let rows = sqlx::query(&sql).bind(offering).fetch_all(conn).await?;
    rows.iter().map(reservation_from).collect()
}

/// The reservation with a ticket code.
pub async fn reservation_by_code(conn: &mut Conn, code: &str) -> Result<Option<Reservation>> {
    let sql = format!("select {RESERVATION_COLUMNS} from reservations where code = $1");
    let row = sqlx::query(&sql).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(reservation_from).transpose()
}

//! Booking on the SQLite group-commit writer (`db::writer`): the same steps as
//! [`service::book`](super::service::book) and [`engine::reserve`](super::engine::reserve),
//! run synchronously on the writer's own connection. The SQL is shared with the pooled path
//! (`store`'s constants); the integration suite runs every booking test through this path on
//! SQLite and through the pooled path on PostgreSQL.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use crate::bookings::engine::{Booked, Failure, ticket_code};
use crate::bookings::model::{Mode, Offering, Refusal, Rules, Status};
use crate::bookings::service::whom_from;
use crate::bookings::store::{
    ACTIVE_COUNT, INSERT_RESERVATION, OFFERING_COLUMNS, REAL_NAME_REQUIRED, RESERVATION_COLUMNS, Reservation,
};
use crate::ids::{CommunityId, StreetId, UserId};
use crate::people::model::{Person, Relation};

/// A booking as the writer needs it.
#[derive(Debug, Clone)]
pub struct BookInput {
    /// Booker.
    pub user: UserId,
    /// Booker's home community.
    pub community: Option<CommunityId>,
    /// Offering.
    pub offering_id: i64,
    /// Person on the booker's list (None: themself).
    pub person_id: Option<i64>,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
    /// Now (Unix seconds).
    pub now: i64,
}

// Columns by position, in the order of the shared column lists (looking them up by name
// showed up in profiles of the booking rush).

fn offering(row: &Row<'_>) -> rusqlite::Result<Offering> {
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
        waitlist_enabled: row.get::<_, i64>(9)? == 1,
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

fn reservation(row: &Row<'_>) -> rusqlite::Result<Reservation> {
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

fn person(row: &Row<'_>) -> rusqlite::Result<Person> {
    let relation: String = row.get(2)?;
    Ok(Person {
        id: row.get(0)?,
        name: row.get(1)?,
        relation: Relation::parse(&relation).unwrap_or(Relation::Other),
        id_masked: row.get(3)?,
        birth_date: row.get(4)?,
        id_index: row.get(5)?,
    })
}

fn by_key(conn: &Connection, user: UserId, key: &str) -> rusqlite::Result<Option<Reservation>> {
    let sql =
        format!("select {RESERVATION_COLUMNS} from reservations where booker_user_id = $1 and idempotency_key = $2");
    conn.prepare_cached(&sql)?.query_row(params![user.0, key], reservation).optional()
}

/// Which constraint refused an insert (SQLite names the columns in its message).
fn violation(e: &rusqlite::Error) -> Option<&'static str> {
    let rusqlite::Error::SqliteFailure(f, message) = e else { return None };
    let message = message.as_deref().unwrap_or_default();
    match f.extended_code {
        rusqlite::ffi::SQLITE_CONSTRAINT_CHECK => Some("no_seat"),
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE if message.contains("idempotency_key") => Some("repeated_key"),
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE if message.contains("person_key") => Some("already_active"),
        _ => None,
    }
}

/// What the writer thread remembers between jobs. Offerings change rarely and a stale copy
/// cannot oversell (the database counts the seats) nor book a cancelled offering (the insert
/// checks its status); a street or a service's real-name flag changes almost never.
#[derive(Default)]
struct Remembered {
    offerings: HashMap<i64, (Instant, Offering)>,
    streets: HashMap<i64, (Instant, Option<StreetId>)>,
    real_name: HashMap<i64, (Instant, bool)>,
}

const OFFERING_TTL: Duration = Duration::from_secs(1);
const STRUCTURE_TTL: Duration = Duration::from_secs(60);
const MAX_REMEMBERED: usize = 100_000;

thread_local! {
    static REMEMBERED: RefCell<Remembered> = RefCell::new(Remembered::default());
}

/// A value from the writer's memory, or from `load` (and then remembered).
fn remembered<K: std::hash::Hash + Eq + Copy, V: Clone>(
    pick: impl Fn(&mut Remembered) -> &mut HashMap<K, (Instant, V)>,
    key: K,
    ttl: Duration,
    load: impl FnOnce() -> Result<V, Failure>,
) -> Result<V, Failure> {
    let hit =
        REMEMBERED.with_borrow_mut(|r| pick(r).get(&key).filter(|(at, _)| at.elapsed() < ttl).map(|(_, v)| v.clone()));
    if let Some(v) = hit {
        return Ok(v);
    }
    let v = load()?;
    REMEMBERED.with_borrow_mut(|r| {
        let map = pick(r);
        if map.len() >= MAX_REMEMBERED {
            map.clear();
        }
        map.insert(key, (Instant::now(), v.clone()));
    });
    Ok(v)
}

/// Books, inside the writer's batch transaction.
pub fn book(conn: &Connection, input: &BookInput) -> Result<Booked, Failure> {
    let o = remembered(
        |r| &mut r.offerings,
        input.offering_id,
        OFFERING_TTL,
        || {
            let sql = format!("select {OFFERING_COLUMNS} from offerings where offering_id = $1");
            conn.prepare_cached(&sql)?.query_row([input.offering_id], offering).optional()?.ok_or(Failure::NotFound)
        },
    )?;
    let person_sql =
        "select person_id, name, relation, id_masked, birth_date, id_index from people where owner_user_id = $1";
    let person = match input.person_id {
        Some(id) => Some(
            conn.prepare_cached(&format!("{person_sql} and person_id = $2"))?
                .query_row(params![input.user.0, id], person)
                .optional()?
                .ok_or(Failure::NotFound)?,
        ),
        None => conn
            .prepare_cached(&format!("{person_sql} and relation = 'self' order by person_id limit 1"))?
            .query_row([input.user.0], person)
            .optional()?,
    };
    let street = match input.community {
        Some(c) => remembered(
            |r| &mut r.streets,
            c.0,
            STRUCTURE_TTL,
            || {
                let street = conn
                    .prepare_cached("select street_id from communities where community_id = $1")?
                    .query_row([c.0], |r| r.get::<_, i64>(0))
                    .optional()?;
                Ok(street.map(StreetId))
            },
        )?,
        None => None,
    };
    let whom = whom_from(input.user, person.as_ref(), input.person_id.is_some(), street, o.starts_at);
    let real_name_required = match o.service_id {
        Some(service) => remembered(
            |r| &mut r.real_name,
            service,
            STRUCTURE_TTL,
            || {
                let flag =
                    conn.prepare_cached(REAL_NAME_REQUIRED)?.query_row([service], |r| r.get::<_, i64>(0)).optional()?;
                Ok(flag == Some(1))
            },
        )?,
        None => false,
    };
    // A repeated request answers as the first did, even if the rules would now say no.
    if let Some(key) = &input.idempotency_key
        && let Some(reservation) = by_key(conn, input.user, key)?
    {
        return Ok(Booked { reservation, replayed: true });
    }
    o.check_booking(input.now, whom.candidate, real_name_required).map_err(Failure::Refused)?;
    if let Some(max) = o.rules.max_per_user {
        let held: i64 = conn.prepare_cached(ACTIVE_COUNT)?.query_row(params![o.id, input.user.0], |r| r.get(0))?;
        if held >= max {
            return Err(Failure::Refused(Refusal::MaxPerUser));
        }
    }
    let code = ticket_code();
    let mut status = if o.mode == Mode::Lottery { Status::Requested } else { Status::Confirmed };
    loop {
        let inserted = conn.prepare_cached(INSERT_RESERVATION)?.query_row(
            params![
                o.id,
                input.user.0,
                whom.person_id,
                whom.person_key,
                o.service_key,
                1i64,
                status.as_str(),
                Option::<i64>::None,
                input.idempotency_key,
                code,
                input.now
            ],
            |r| r.get::<_, i64>(0),
        );
        let err = match inserted {
            Err(rusqlite::Error::QueryReturnedNoRows) => return Err(Failure::Refused(Refusal::OfferingCancelled)),
            Ok(id) => {
                let reservation = Reservation {
                    id,
                    offering_id: o.id,
                    booker: input.user,
                    person_id: whom.person_id,
                    person_key: whom.person_key.clone(),
                    seats: 1,
                    status,
                    code,
                    created_at: input.now,
                };
                return Ok(Booked { reservation, replayed: false });
            }
            Err(e) => e,
        };
        match violation(&err) {
            Some("no_seat") if status == Status::Confirmed && o.waitlist_enabled => status = Status::Waitlisted,
            Some("no_seat") => return Err(Failure::Refused(Refusal::Full)),
            Some("already_active") => return Err(Failure::Refused(Refusal::AlreadyBooked)),
            Some("repeated_key") => {
                let key = input.idempotency_key.as_deref().unwrap_or_default();
                return by_key(conn, input.user, key)?
                    .map(|reservation| Booked { reservation, replayed: true })
                    .ok_or(err.into());
            }
            _ => return Err(err.into()),
        }
    }
}

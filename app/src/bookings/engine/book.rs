//! One seat booked by one user: the write of the booking rush, as one durable write
//! (`db::Write`). The reads it needs (the offering, the person, their street, the service's
//! real-name flag) come mostly from memory (`cache`); the rules are
//! [`Offering::check_booking`]; the answer is [`Request::booked`]; the refusals are read by
//! `after_refusal` — the same for both mechanisms, each of which only runs the statements:
//!
//! - on the SQLite writer thread ([`Write::on_writer`]): the reads and the INSERT in-thread, in
//!   the group commit's transaction; a refused INSERT is undone alone and asked again (the
//!   waiting list) or answered;
//! - on the pool ([`Write::on_pool`], PostgreSQL): the reads outside any transaction, then the
//!   INSERT in the next batch (`batch`) or alone in the shortest transaction there can be.
//!   There a refused statement is expensive — the row, its audit entry and inbox notice are
//!   written and rolled back, the server logs the error — and in a rush most requests are
//!   refused, so the INSERT (`insert::insert_quietly`) reads the seat count itself, asks for
//!   the waiting list straight away when the offering looks full, and writes nothing on a
//!   conflict, which one read then explains. The CHECK remains the arbiter: when two requests
//!   race for the last seat, the loser's statement is refused and simply tried again.

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::app::AppState;
use crate::bookings::engine::batch::{Item, Outcome};
use crate::bookings::engine::insert::{INSERT_RESERVATION, NewReservation, insert_quietly, why_not_inserted};
use crate::bookings::engine::{Booked, Failure, Next, Request, after_refusal, is_no_seat, ticket_code};
use crate::bookings::model::{Offering, Refusal, Status, Whom, whom_from};

use crate::bookings::store::{
    self, ACTIVE_COUNT, OFFERING_COLUMNS, REAL_NAME_REQUIRED, RESERVATION_COLUMNS, Reservation, offering_from,
    reservation_from,
};
use crate::db::write::Refused as _;
use crate::db::{Conn, Db, Write};
use crate::ids::{CommunityId, StreetId, UserId};
use crate::people::{self, person_from};

/// Attempts after which a pooled request that keeps losing the race for a seat is told it is
/// full.
const ATTEMPTS: usize = 8;

/// A booking of one seat of an offering, by a user for themself or a person on their list.
#[derive(Debug, Clone)]
pub struct Book {
    /// What it remembers and batches with.
    pub state: AppState,
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

impl Book {
    /// The request the engine writes, for `whom`.
    fn request(&self, whom: Whom) -> Request {
        Request {
            booker: self.user,
            person_id: whom.person_id,
            person_key: whom.person_key,
            seats: 1,
            group_id: None,
            idempotency_key: self.idempotency_key.clone(),
        }
    }
}

impl Write for Book {
    type Output = Booked;
    type Error = Failure;

    fn on_writer(self, conn: &Connection) -> Result<Booked, Failure> {
        let cache = &self.state.booking_cache;
        let o = cache.offerings.get_or(self.offering_id, || {
            let sql = format!("select {OFFERING_COLUMNS} from offerings where offering_id = $1");
            let row = conn.prepare_cached(&sql)?.query_row([self.offering_id], |r| offering_from(r)).optional()?;
            row.ok_or(Failure::NotFound)
        })?;
        let person = match self.person_id {
            Some(id) => Some(
                conn.prepare_cached(people::BY_ID)?
                    .query_row(params![self.user.0, id], |r| person_from(r))
                    .optional()?
                    .ok_or(Failure::NotFound)?,
            ),
            None => conn.prepare_cached(people::MYSELF)?.query_row([self.user.0], |r| person_from(r)).optional()?,
        };
        let street = match self.community {
            Some(c) => cache.streets.get_or(c, || {
                let street = conn
                    .prepare_cached("select street_id from communities where community_id = $1")?
                    .query_row([c.0], |r| r.get::<_, i64>(0))
                    .optional()?;
                Ok::<_, Failure>(street.map(StreetId))
            })?,
            None => None,
        };
        let whom = whom_from(self.user, person.as_ref(), self.person_id.is_some(), street, o.starts_at);
        let real_name_required = match o.service_id {
            Some(service) => cache.real_name.get_or(service, || {
                let flag =
                    conn.prepare_cached(REAL_NAME_REQUIRED)?.query_row([service], |r| r.get::<_, i64>(0)).optional()?;
                Ok::<_, Failure>(flag == Some(1))
            })?,
            None => false,
        };
        // A repeated request answers as the first did, even if the rules would now say no.
        if let Some(key) = &self.idempotency_key
            && let Some(reservation) = by_key(conn, self.user, key)?
        {
            return Ok(Booked { reservation, replayed: true });
        }
        o.check_booking(self.now, whom.candidate, real_name_required).map_err(Failure::Refused)?;
        if let Some(max) = o.rules.max_per_user {
            let held: i64 = conn.prepare_cached(ACTIVE_COUNT)?.query_row(params![o.id, self.user.0], |r| r.get(0))?;
            if held >= max {
                return Err(Failure::Refused(Refusal::MaxPerUser));
            }
        }
        let req = self.request(whom);
        let code = ticket_code();
        let mut status = o.first_status();
        loop {
            let inserted = conn
                .prepare_cached(INSERT_RESERVATION)?
                .query_row(req.row(&o, status, &code).values(self.now), |r| r.get::<_, i64>(0));
            let err = match inserted {
                Ok(id) => return Ok(req.booked(o.id, id, status, code, self.now)),
                Err(rusqlite::Error::QueryReturnedNoRows) => return Err(Failure::Refused(Refusal::OfferingCancelled)),
                Err(e) => e,
            };
            match after_refusal(&o, status, err.violation()) {
                Next::Ask(next) => status = next,
                Next::Refuse(refusal) => return Err(Failure::Refused(refusal)),
                Next::Replay => {
                    let key = req.idempotency_key.as_deref().unwrap_or_default();
                    let first = by_key(conn, self.user, key)?;
                    return first.map(|reservation| Booked { reservation, replayed: true }).ok_or(err.into());
                }
                Next::Fail => return Err(err.into()),
            }
        }
    }

    async fn on_pool(self, db: &Db) -> Result<Booked, Failure> {
        let cache = &self.state.booking_cache;
        let mut conn = db.conn().await?;
        let id = self.offering_id;
        let o =
            cache.offerings.get_or_async(id, async { store::offering(&mut conn, id).await?.ok_or(Failure::NotFound) });
        let o = o.await?;
        let person = match self.person_id {
            Some(id) => Some(people::get(&mut conn, self.user, id).await?.ok_or(Failure::NotFound)?),
            None => people::myself(&mut conn, self.user).await?,
        };
        let street = match self.community {
            Some(c) => {
                let load = async { Ok::<_, Failure>(crate::org::community(&mut conn, c).await?.map(|c| c.street_id)) };
                cache.streets.get_or_async(c, load).await?
            }
            None => None,
        };
        let whom = whom_from(self.user, person.as_ref(), self.person_id.is_some(), street, o.starts_at);
        let real_name = match o.service_id {
            Some(service) => {
                let load = async { Ok::<_, Failure>(store::real_name_required(&mut conn, &o).await?) };
                cache.real_name.get_or_async(service, load).await?
            }
            None => false,
        };
        if let Err(refusal) = o.check_booking(self.now, whom.candidate, real_name) {
            // A repeated request answers as the first did, even if the rules would now say no
            // (the window closed meanwhile).
            if let Some(key) = &self.idempotency_key
                && let Some(reservation) = store::by_idempotency_key(&mut conn, self.user, key).await?
            {
                return Ok(Booked { reservation, replayed: true });
            }
            return Err(Failure::Refused(refusal));
        }
        drop(conn);
        let req = self.request(whom);
        // An offering with a per-user limit counts in a transaction of its own.
        let Some(batcher) = self.state.booking_batch.as_ref().filter(|_| o.rules.max_per_user.is_none()) else {
            return reserve_alone(db, &o, &req, self.now).await;
        };
        let code = ticket_code();
        let wanted = o.first_status();
        let item = Item::new(&req.row(&o, wanted, &code), o.when_full(wanted), self.now);
        match batcher.submit(item).await {
            Some(Outcome::Booked(id, status)) => Ok(req.booked(o.id, id, status, code, self.now)),
            Some(Outcome::Repeated(id)) => match store::reservation(&mut *db.conn().await?, id).await? {
                Some(reservation) => Ok(Booked { reservation, replayed: true }),
                None => reserve_alone(db, &o, &req, self.now).await,
            },
            Some(Outcome::Already) => Err(Failure::Refused(Refusal::AlreadyBooked)),
            Some(Outcome::Closed) => Err(Failure::Refused(Refusal::OfferingCancelled)),
            Some(Outcome::Full) => Err(Failure::Refused(Refusal::Full)),
            None => reserve_alone(db, &o, &req, self.now).await,
        }
    }
}

/// The reservation an earlier request with this key made (on the writer thread).
fn by_key(conn: &Connection, user: UserId, key: &str) -> rusqlite::Result<Option<Reservation>> {
    let sql =
        format!("select {RESERVATION_COLUMNS} from reservations where booker_user_id = $1 and idempotency_key = $2");
    conn.prepare_cached(&sql)?.query_row(params![user.0, key], |r| reservation_from(r)).optional()
}

/// Books `req` on `o` on the pool in its own short transaction (one statement when the
/// offering has no per-user limit). A refused attempt leaves nothing behind.
async fn reserve_alone(db: &Db, o: &Offering, req: &Request, now: i64) -> Result<Booked, Failure> {
    let code = ticket_code();
    let wanted = o.first_status();
    let fallback = o.when_full(wanted);
    let new = req.row(o, wanted, &code);
    for _ in 0..ATTEMPTS {
        let attempt = match o.rules.max_per_user {
            None => insert_quietly(&mut *db.conn().await?, &new, fallback, now).await,
            Some(max) => {
                // The offering's row lock makes "count, then insert" one step per user.
                let mut tx = db.begin().await?;
                sqlx::query(db.lock_offering_sql()).bind(o.id).execute(&mut *tx).await?;
                if let Some(key) = &req.idempotency_key
                    && let Some(reservation) = store::by_idempotency_key(&mut tx, req.booker, key).await?
                {
                    return Ok(Booked { reservation, replayed: true });
                }
                if store::active_count(&mut tx, o.id, req.booker).await? >= max {
                    return Err(Failure::Refused(Refusal::MaxPerUser));
                }
                // On an error the transaction is dropped, which rolls it back.
                match insert_quietly(&mut tx, &new, fallback, now).await {
                    Ok(row) => tx.commit().await.map(|()| row),
                    Err(e) => Err(e),
                }
            }
        };
        match attempt {
            Ok(Some((id, status))) => return Ok(req.booked(o.id, id, status, code, now)),
            Ok(None) => {
                if let Some(answer) = explain(&mut *db.conn().await?, &new, fallback.is_some()).await? {
                    return answer;
                }
            }
            // Lost the race for the last seat: the next attempt sees the new count.
            Err(e) if is_no_seat(&e) => {}
            Err(e) => return Err(Failure::Db(e)),
        }
    }
    Err(Failure::Refused(Refusal::Full))
}

/// Why the quiet INSERT wrote nothing. None: nothing explains it any more (the conflicting
/// booking was cancelled meanwhile), so the caller tries again.
async fn explain(
    conn: &mut Conn,
    new: &NewReservation<'_>,
    waitlist: bool,
) -> Result<Option<Result<Booked, Failure>>, Failure> {
    let Some(why) = why_not_inserted(conn, new).await? else {
        return Ok(Some(Err(Failure::Refused(Refusal::OfferingCancelled))));
    };
    if let Some(id) = why.repeated
        && let Some(reservation) = store::reservation(conn, id).await?
    {
        return Ok(Some(Ok(Booked { reservation, replayed: true })));
    }
    Ok(if why.already_active {
        Some(Err(Failure::Refused(Refusal::AlreadyBooked)))
    } else if !why.open {
        Some(Err(Failure::Refused(Refusal::OfferingCancelled)))
    } else if !waitlist && new.status == Status::Confirmed {
        Some(Err(Failure::Refused(Refusal::Full)))
    } else {
        None
    })
}

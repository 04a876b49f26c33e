//! The pooled booking path (PostgreSQL, or SQLite without its writer): one booking outside
//! any caller's transaction, as briefly as it can be.
//!
//! The schema still decides (see `engine`): the trigger's CHECK refuses an overfull offering
//! and the unique indexes a second active booking or a repeated key. But on PostgreSQL a
//! refused statement is expensive — the row, its audit entry and inbox notice are written and
//! rolled back, the error is logged by the server — and in a rush most requests are refused.
//! So the INSERT here reads the offering's seat count itself and asks for the waiting list
//! straight away when the offering looks full, and `ON CONFLICT DO NOTHING` turns "already
//! booked" and "repeated key" into an empty answer that one read then explains. The CHECK
//! remains the arbiter: when two requests race for the last seat, the loser's statement is
//! refused as before and simply tried again.

use crate::bookings::batch::{Batcher, Item, Outcome};
use crate::bookings::engine::{Booked, Failure, Request, is_no_seat, ticket_code};
use crate::bookings::model::{Mode, Offering, Refusal, Status};
use crate::bookings::store::{self, NewReservation};
use crate::db::{Conn, Db};

/// Attempts after which a request that keeps losing the race for a seat is told it is full.
const ATTEMPTS: usize = 8;

/// Books `req` on `o`: in the next batch when there is a batcher (PostgreSQL) and the
/// offering has no per-user limit (that one counts in a transaction of its own), else alone.
pub async fn reserve(
    db: &Db,
    batcher: Option<&Batcher>,
    o: &Offering,
    req: &Request,
    now: i64,
) -> Result<Booked, Failure> {
    let Some(batcher) = batcher.filter(|_| o.rules.max_per_user.is_none()) else {
        return reserve_alone(db, o, req, now).await;
    };
    let wanted = if o.mode == Mode::Lottery { Status::Requested } else { Status::Confirmed };
    let item = Item {
        ord: 0,
        offering_id: o.id,
        booker: req.booker.0,
        person_id: req.person_id,
        person_key: req.person_key.clone(),
        service_key: o.service_key.clone(),
        seats: req.seats,
        status: wanted.as_str(),
        fallback: (wanted == Status::Confirmed && o.waitlist_enabled).then_some(Status::Waitlisted.as_str()),
        idempotency_key: req.idempotency_key.clone(),
        code: ticket_code(),
        now,
    };
    let code = item.code.clone();
    let refused = |r| Err(Failure::Refused(r));
    match batcher.book(item).await {
        Some(Outcome::Booked(id, status)) => Ok(req.booked(o.id, id, status, code, now)),
        Some(Outcome::Repeated(id)) => match store::reservation(&mut *db.conn().await?, id).await? {
            Some(reservation) => Ok(Booked { reservation, replayed: true }),
            None => reserve_alone(db, o, req, now).await,
        },
        Some(Outcome::Already) => refused(Refusal::AlreadyBooked),
        Some(Outcome::Closed) => refused(Refusal::OfferingCancelled),
        Some(Outcome::Full) => refused(Refusal::Full),
        None => reserve_alone(db, o, req, now).await,
    }
}

/// Books `req` on `o` in its own short transaction (one statement when the offering has no
/// per-user limit). A refused attempt leaves nothing behind.
pub async fn reserve_alone(db: &Db, o: &Offering, req: &Request, now: i64) -> Result<Booked, Failure> {
    let code = ticket_code();
    let wanted = if o.mode == Mode::Lottery { Status::Requested } else { Status::Confirmed };
    let fallback = (wanted == Status::Confirmed && o.waitlist_enabled).then_some(Status::Waitlisted);
    let new = req.row(o, wanted, &code);
    for _ in 0..ATTEMPTS {
        let attempt = match o.rules.max_per_user {
            None => store::insert_quietly(&mut *db.conn().await?, &new, fallback, now).await,
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
                match store::insert_quietly(&mut tx, &new, fallback, now).await {
                    Ok(row) => tx.commit().await.map(|()| row),
                    Err(e) => Err(e),
                }
            }
        };
        match attempt {
            Ok(Some((id, status))) => {
                return Ok(req.booked(o.id, id, status, code, now));
            }
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
    let Some(why) = store::why_not_inserted(conn, new).await? else {
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

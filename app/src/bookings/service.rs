//! Booking use cases on top of the engine: who is being booked (and may they be), cancelling
//! with promotion from the waiting list, staff marking attendance, lottery draws (with the
//! seed committed when the lottery was created) and group bookings. Each runs in one
//! transaction; the audit log and the inbox are written by the database's triggers in the
//! same statements.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::bookings::engine::book::Book;
use crate::bookings::engine::{self, Booked, Failure, Moved, Request};
use crate::bookings::lottery;
use crate::bookings::model::{Mode, Offering, Refusal, Status, draw_order};
pub use crate::bookings::model::{Whom, whom_from};
use crate::bookings::store::{self, Reservation};
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::org;
use crate::people;

/// The idempotency key of a booking form: its one-time token (16 to `max_len` letters,
/// digits, `-` or `_`), so that sending the same form twice books once.
pub fn form_key(token: &str, max_len: usize) -> AppResult<String> {
    let ok = (16..=max_len).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(format!("form:{token}")) } else { Err(AppError::BadRequest("error.form_unreadable")) }
}

/// A refusal as an error: 409 for conflicts, 422 for rules.
pub fn refused(r: Refusal) -> AppError {
    if r.is_conflict() { AppError::Conflict(r.key()) } else { AppError::Rule(r.key()) }
}

impl From<Failure> for AppError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Refused(r) => refused(r),
            Failure::NotFound => AppError::NotFound,
            Failure::Db(e) => AppError::Db(e),
            Failure::Sqlite(e) => AppError::Internal(e.into()),
            Failure::Writer(e) => AppError::Internal(e.into()),
        }
    }
}

/// Resolves the person a user books for (themself when `person_id` is None). Another user's
/// person is "not found".
pub async fn whom(conn: &mut Conn, user: &CurrentUser, person_id: Option<i64>, on: i64) -> AppResult<Whom> {
    let person = match person_id {
        Some(id) => Some(people::get(conn, user.id, id).await?.ok_or(AppError::NotFound)?),
        None => people::myself(conn, user.id).await?,
    };
    let street = match user.community_id {
        Some(c) => org::store::community(conn, c).await?.map(|c| c.street_id),
        None => None,
    };
    Ok(whom_from(user.id, person.as_ref(), person_id.is_some(), street, on))
}

/// Books one seat of `offering` for the user or a person on their list, durably before it
/// answers: on the SQLite writer's group commit, or on PostgreSQL in the next batch (see
/// `engine::book`).
pub async fn book(
    state: &AppState,
    user: &CurrentUser,
    offering_id: i64,
    person_id: Option<i64>,
    idempotency_key: Option<String>,
) -> AppResult<Booked> {
    let book = Book {
        state: state.clone(),
        user: user.id,
        community: user.community_id,
        offering_id,
        person_id,
        idempotency_key,
        now: state.clock.unix(),
    };
    Ok(state.db.write(book).await?)
}

/// Whose rules a cancellation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelAs {
    /// The booker's: their own reservation, within the cancellation deadline (the site's
    /// "cancel my booking", whoever the booker is).
    Booker,
    /// Those who run the offering ([`Offering::run_by`]) cancel any of its reservations at any
    /// time; anyone else as its booker.
    Runner,
}

/// Cancels a reservation: by its booker (within the cancellation deadline) or, cancelling
/// [`CancelAs::Runner`], by those who run its offering (any time). Frees the seat and promotes
/// the waiting list. Cancelling twice answers the same.
pub async fn cancel(state: &AppState, user: &CurrentUser, id: i64, rules: CancelAs) -> AppResult<Reservation> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let r = store::reservation(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let offering = store::offering(&mut tx, r.offering_id).await?.ok_or(AppError::NotFound)?;
    let runs = rules == CancelAs::Runner && offering.run_by(&user.principal);
    if r.booker != user.id && !runs {
        return Err(AppError::NotFound);
    }
    if r.status == Status::Cancelled {
        return Ok(r);
    }
    if !r.status.can_become(Status::Cancelled) {
        return Err(refused(Refusal::WrongState));
    }
    if !runs {
        offering.check_cancel(now).map_err(refused)?;
    }
    if !store::transition(&mut tx, id, r.status, Status::Cancelled, Some(user.id), now).await? {
        return Err(refused(Refusal::WrongState));
    }
    if r.status.holds_seat() && offering.mode == Mode::FirstCome {
        engine::promote(&mut tx, offering.id, now).await?;
    }
    tx.commit().await?;
    Ok(Reservation { status: Status::Cancelled, ..r })
}

/// Gives an offering `capacity` seats, in the caller's transaction (organisers changing a slot
/// or a session): refused as a conflict below the seats already taken; seats added go to the
/// waiting list, first in line first.
pub async fn resize(conn: &mut Conn, id: i64, capacity: i64, now: i64) -> AppResult<()> {
    match store::set_capacity(conn, id, Some(capacity), now).await {
        Err(e) if engine::is_no_seat(&e) => return Err(AppError::Conflict("booking.capacity_below_booked")),
        other => other?,
    };
    engine::promote(conn, id, now).await?;
    Ok(())
}

/// Those who run the reservation's offering mark attendance (登记) or a no-show.
pub async fn mark(state: &AppState, user: &CurrentUser, id: i64, to: Status) -> AppResult<Reservation> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let r = store::reservation(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let offering = store::offering(&mut tx, r.offering_id).await?.ok_or(AppError::NotFound)?;
    if !offering.run_by(&user.principal) {
        return Err(AppError::Forbidden);
    }
    if r.status == to {
        return Ok(r);
    }
    if !r.status.can_become(to) || !matches!(to, Status::Attended | Status::NoShow) {
        return Err(refused(Refusal::WrongState));
    }
    match engine::attempt_transition(&mut tx, id, r.status, to, Some(user.id), now).await? {
        Moved::Done => {}
        Moved::NoSeat | Moved::Gone => return Err(refused(Refusal::WrongState)),
    }
    tx.commit().await?;
    Ok(Reservation { status: to, ..r })
}

/// A lottery drawn.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// The seed, revealed now.
    pub seed: String,
    /// The commitment published before anyone entered: SHA-256 of `seed`.
    pub commitment: String,
    /// Entrants (reservation ids) in drawn order.
    pub order: Vec<i64>,
}

/// Draws a lottery offering with the seed it committed to when it was created (see
/// `lottery`): requests in the drawn order get the seats, the rest go to the waiting list
/// (or are cancelled when it has none). Nobody chooses the seed at the draw.
pub async fn draw(state: &AppState, user: &CurrentUser, offering_id: i64) -> AppResult<Drawn> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    // Locked first: an entry being booked now lands before the draw or sees it drawn.
    sqlx::query(state.db.lock_offering_sql()).bind(offering_id).execute(&mut *tx).await?;
    let offering = store::offering(&mut tx, offering_id).await?.ok_or(AppError::NotFound)?;
    if !offering.run_by(&user.principal) {
        return Err(AppError::Forbidden);
    }
    if offering.mode != Mode::Lottery || offering.drawn_at.is_some() {
        return Err(refused(Refusal::WrongState));
    }
    // Every lottery has one from its creation (or from the first start after seeds were
    // committed, for older ones); without it there is nothing fair to draw with.
    let commitment = offering.lottery_commitment.clone().ok_or(AppError::Conflict("booking.lottery_uncommitted"))?;
    let seed = lottery::reveal(&mut tx, &state.keys, offering_id, &commitment).await?;
    let entrants = store::requested(&mut tx, offering_id).await?;
    let order = draw_order(&seed, &entrants);
    let mut seats_left = true;
    for id in &order {
        if seats_left {
            match engine::attempt_transition(&mut tx, *id, Status::Requested, Status::Confirmed, Some(user.id), now)
                .await?
            {
                Moved::Done | Moved::Gone => continue,
                Moved::NoSeat => seats_left = false,
            }
        }
        let rest = if offering.waitlist_enabled { Status::Waitlisted } else { Status::Cancelled };
        store::transition(&mut tx, *id, Status::Requested, rest, Some(user.id), now).await?;
    }
    store::record_draw(&mut tx, offering_id, &seed, now).await?;
    tx.commit().await?;
    Ok(Drawn { seed, commitment, order })
}

/// Books several people on several offerings (e.g. market vendors and their bus seats), all
/// or nothing: the first refusal rolls everything back and is returned with the person it
/// concerns.
///
/// A group is many single bookings made together, so each of them passes what a single
/// booking passes: the caller must run every offering (403 otherwise, not only the first
/// one's), and every person on every offering is checked by [`Offering::check_booking`] (the
/// window, real-name ID, age, streets) with the per-user limit counted by the engine. Ages are
/// taken on each offering's own day.
pub async fn book_group(
    state: &AppState,
    user: &CurrentUser,
    offering_ids: &[i64],
    person_ids: &[i64],
) -> AppResult<Result<Vec<Reservation>, (i64, Refusal)>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let mut offerings = Vec::new();
    for id in offering_ids {
        let o = store::offering(&mut tx, *id).await?.ok_or(AppError::NotFound)?;
        if !o.run_by(&user.principal) {
            return Err(AppError::Forbidden);
        }
        let real_name = store::real_name_required(&mut tx, &o).await?;
        offerings.push((o, real_name));
    }
    // A per-user limit is "count, then insert": lock those offerings (in id order, as every
    // other locker does) so a booking made beside the group cannot slip in between.
    let mut limited: Vec<i64> =
        offerings.iter().filter(|(o, _)| o.rules.max_per_user.is_some()).map(|(o, _)| o.id).collect();
    limited.sort_unstable();
    for id in limited {
        sqlx::query(state.db.lock_offering_sql()).bind(id).execute(&mut *tx).await?;
    }
    let street = match user.community_id {
        Some(c) => org::store::community(&mut tx, c).await?.map(|c| c.street_id),
        None => None,
    };
    let group_id = rand::Rng::gen_range(&mut rand::rngs::OsRng, 1..i64::MAX);
    let mut made = Vec::new();
    for person_id in person_ids {
        let person = people::get(&mut tx, user.id, *person_id).await?.ok_or(AppError::NotFound)?;
        for (o, real_name) in &offerings {
            let whom = whom_from(user.id, Some(&person), true, street, o.starts_at);
            // Dropping the transaction rolls every reservation of the group back.
            if let Err(r) = o.check_booking(now, whom.candidate, *real_name) {
                return Ok(Err((*person_id, r)));
            }
            let request = Request {
                booker: user.id,
                person_id: whom.person_id,
                person_key: whom.person_key,
                seats: 1,
                group_id: Some(group_id),
                idempotency_key: None,
            };
            let no_waitlist = Offering { waitlist_enabled: false, ..o.clone() };
            match engine::reserve(&mut tx, &no_waitlist, &request, now).await {
                Ok(b) => made.push(b.reservation),
                Err(Failure::Refused(r)) => return Ok(Err((*person_id, r))),
                Err(other) => return Err(other.into()),
            }
        }
    }
    tx.commit().await?;
    Ok(Ok(made))
}

/// Moves a booking to another slot of the same service. The person keeps their place until
/// the new slot is confirmed: in one transaction the old booking is cancelled and the new
/// one made; if the new slot has no seat (no waiting list here) or a rule says no, nothing
/// changes. The freed seat then goes to the old slot's waiting list.
pub async fn reschedule(state: &AppState, user: &CurrentUser, id: i64, to: i64) -> AppResult<Booked> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let old = store::reservation(&mut tx, id).await?.filter(|r| r.booker == user.id).ok_or(AppError::NotFound)?;
    if !matches!(old.status, Status::Confirmed | Status::Waitlisted) {
        return Err(refused(Refusal::WrongState));
    }
    let from = store::offering(&mut tx, old.offering_id).await?.ok_or(AppError::NotFound)?;
    let target = store::offering(&mut tx, to).await?.ok_or(AppError::NotFound)?;
    if target.service_key != from.service_key || target.service_id.is_none() || target.id == from.id {
        return Err(AppError::Rule("booking.reschedule_other_service"));
    }
    from.check_cancel(now).map_err(refused)?;
    let whom = whom(&mut tx, user, old.person_id, target.starts_at).await?;
    let real_name = store::real_name_required(&mut tx, &target).await?;
    target.check_booking(now, whom.candidate, real_name).map_err(refused)?;
    store::transition(&mut tx, old.id, old.status, Status::Cancelled, Some(user.id), now).await?;
    let request = Request {
        booker: user.id,
        person_id: old.person_id,
        person_key: old.person_key.clone(),
        seats: old.seats,
        group_id: None,
        idempotency_key: None,
    };
    let no_waitlist = Offering { waitlist_enabled: false, ..target };
    // A refusal returns early and drops the transaction: the old booking stands.
    let booked = engine::reserve(&mut tx, &no_waitlist, &request, now).await?;
    if old.status.holds_seat() {
        engine::promote(&mut tx, from.id, now).await?;
    }
    tx.commit().await?;
    Ok(booked)
}

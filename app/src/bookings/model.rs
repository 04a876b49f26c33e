//! Reservations and the rules of an offering, as plain types. No I/O.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use chrono::DateTime;

use crate::clock::local_day;
use crate::ids::{StreetId, UserId};
use crate::people::model::{Person, age_on};

/// Self check-in at the venue opens this long before an offering starts (and closes when it
/// ends): the booking list offers it from then, and `checkin` takes it.
pub const CHECKIN_EARLY_SECS: i64 = 30 * 60;

/// Where a reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Entered in a lottery, not yet drawn.
    Requested,
    /// Has a seat.
    Confirmed,
    /// Waiting for a seat.
    Waitlisted,
    /// Given up (by the person, staff, or a cancelled session).
    Cancelled,
    /// Came.
    Attended,
    /// Did not come.
    NoShow,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 6] =
        [Status::Requested, Status::Confirmed, Status::Waitlisted, Status::Cancelled, Status::Attended, Status::NoShow];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Confirmed => "confirmed",
            Status::Waitlisted => "waitlisted",
            Status::Cancelled => "cancelled",
            Status::Attended => "attended",
            Status::NoShow => "no_show",
        }
    }

    /// Parses [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Translation key.
    pub fn label_key(self) -> &'static str {
        match self {
            Status::Requested => "booking_status.requested",
            Status::Confirmed => "booking_status.confirmed",
            Status::Waitlisted => "booking_status.waitlisted",
            Status::Cancelled => "booking_status.cancelled",
            Status::Attended => "booking_status.attended",
            Status::NoShow => "booking_status.no_show",
        }
    }

    /// Still counts as the person's booking (for "one active booking per service").
    pub fn is_active(self) -> bool {
        matches!(self, Status::Requested | Status::Confirmed | Status::Waitlisted)
    }

    /// Occupies a seat (the database counts these in `offerings.booked`).
    pub fn holds_seat(self) -> bool {
        matches!(self, Status::Confirmed | Status::Attended | Status::NoShow)
    }

    /// The allowed moves. Staff may correct attended ↔ no-show; nothing leaves cancelled.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Requested, Confirmed | Waitlisted | Cancelled)
                | (Waitlisted, Confirmed | Cancelled)
                | (Confirmed, Cancelled | Attended | NoShow)
                | (Attended, NoShow)
                | (NoShow, Attended)
        )
    }
}

/// How seats are given out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// In order of arrival.
    FirstCome,
    /// Requests collected in the window, then drawn.
    Lottery,
}

impl Mode {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::FirstCome => "first_come",
            Mode::Lottery => "lottery",
        }
    }

    /// Parses [`Mode::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "first_come" => Some(Mode::FirstCome),
            "lottery" => Some(Mode::Lottery),
            _ => None,
        }
    }
}

/// Something with seats: an appointment slot, an event session, bus seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offering {
    /// Id.
    pub id: i64,
    /// `slot`, `session` or `transport`.
    pub kind: String,
    /// The service, for appointment slots.
    pub service_id: Option<i64>,
    /// Scope of "one active booking per person" (`service:3`); empty for none.
    pub service_key: String,
    /// Where.
    pub venue_id: Option<i64>,
    /// Start (Unix seconds).
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
    /// Seats; None = unlimited.
    pub capacity: Option<i64>,
    /// Seats taken (kept by the database).
    pub booked: i64,
    /// Whether a full offering takes a waiting list.
    pub waitlist_enabled: bool,
    /// First come or lottery.
    pub mode: Mode,
    /// The booking rules.
    pub rules: Rules,
    /// `open` or `cancelled`.
    pub status: String,
    /// The seed of a lottery, published at the draw.
    pub lottery_seed: Option<String>,
    /// When the lottery was drawn.
    pub drawn_at: Option<i64>,
    /// The event, for activity sessions.
    pub event_id: Option<i64>,
    /// The series the session belongs to.
    pub series_id: Option<i64>,
    /// Link of an online session (shown to registrants only).
    pub online_url: Option<String>,
    /// Organising department.
    pub department_id: Option<i64>,
    /// Organising street (a street's own offerings, or its street office's).
    pub street_id: Option<i64>,
    /// SHA-256 of a lottery's seed, published when the lottery is created (see `lottery`).
    pub lottery_commitment: Option<String>,
}

/// The rules of an offering.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rules {
    /// Booking opens (Unix seconds).
    pub opens_at: Option<i64>,
    /// Booking closes; default: when it starts.
    pub closes_at: Option<i64>,
    /// Cancelling is possible until; default: when it starts.
    pub cancel_until: Option<i64>,
    /// Active reservations one user may hold on this offering.
    pub max_per_user: Option<i64>,
    /// Youngest age allowed.
    pub min_age: Option<i64>,
    /// Oldest age allowed.
    pub max_age: Option<i64>,
    /// Only residents of these streets; empty = everyone.
    pub streets: Vec<StreetId>,
}

/// Who is being booked, as far as the rules care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Candidate {
    /// Age on the day of the offering, if known.
    pub age: Option<i64>,
    /// Street of residence, if known.
    pub street: Option<StreetId>,
    /// Whether a real-name ID is on file.
    pub has_id: bool,
}

/// Why a booking is refused. Each maps to an HTTP status and a translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No seat and no waiting list.
    Full,
    /// The person already holds an active booking for this service.
    AlreadyBooked,
    /// The booking window has not opened.
    NotOpenYet,
    /// The booking window has closed.
    Closed,
    /// The offering was cancelled.
    OfferingCancelled,
    /// The user holds as many as allowed.
    MaxPerUser,
    /// Outside the age range.
    Age,
    /// Age needed but unknown (no ID number on file).
    AgeUnknown,
    /// Does not live in an eligible street.
    Street,
    /// The service needs a real-name ID for this person.
    RealNameRequired,
    /// Too late to cancel.
    TooLateToCancel,
    /// Not in a state that allows this.
    WrongState,
}

impl Refusal {
    /// 409 for conflicts with the state of the offering, 422 for rules.
    pub fn is_conflict(self) -> bool {
        matches!(self, Refusal::Full | Refusal::AlreadyBooked | Refusal::WrongState)
    }

    /// Translation key of the explanation.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Full => "booking.full",
            Refusal::AlreadyBooked => "booking.already_booked",
            Refusal::NotOpenYet => "booking.not_open_yet",
            Refusal::Closed => "booking.closed",
            Refusal::OfferingCancelled => "booking.offering_cancelled",
            Refusal::MaxPerUser => "booking.max_per_user",
            Refusal::Age => "booking.age",
            Refusal::AgeUnknown => "booking.age_unknown",
            Refusal::Street => "booking.street",
            Refusal::RealNameRequired => "booking.real_name_required",
            Refusal::TooLateToCancel => "booking.too_late_to_cancel",
            Refusal::WrongState => "booking.wrong_state",
        }
    }
}

impl Offering {
    /// Every rule a booking of `who` at `now` must pass before the database is asked for a
    /// seat: the offering is open, the real-name ID (when the service books by real name),
    /// the window, age and street. Every way of booking — one seat on the writer or the pool,
    /// a group, a move to another slot — asks this one function. (The per-user limit counts
    /// the user's bookings, so it is checked where they are counted, next to the insert.)
    pub fn check_booking(&self, now: i64, who: Candidate, real_name_required: bool) -> Result<(), Refusal> {
        let r = &self.rules;
        if self.status != "open" {
            return Err(Refusal::OfferingCancelled);
        }
        if real_name_required && !who.has_id {
            return Err(Refusal::RealNameRequired);
        }
        if r.opens_at.is_some_and(|t| now < t) {
            return Err(Refusal::NotOpenYet);
        }
        // A drawn lottery is closed: a later entry could never be drawn.
        if now >= r.closes_at.unwrap_or(self.starts_at) || self.drawn_at.is_some() {
            return Err(Refusal::Closed);
        }
        if r.min_age.is_some() || r.max_age.is_some() {
            let age = who.age.ok_or(Refusal::AgeUnknown)?;
            if r.min_age.is_some_and(|m| age < m) || r.max_age.is_some_and(|m| age > m) {
                return Err(Refusal::Age);
            }
        }
        if !r.streets.is_empty() && !who.street.is_some_and(|s| r.streets.contains(&s)) {
            return Err(Refusal::Street);
        }
        Ok(())
    }

    /// The status a booking asks for first: a lottery's request, else a seat.
    pub fn first_status(&self) -> Status {
        match self.mode {
            Mode::Lottery => Status::Requested,
            Mode::FirstCome => Status::Confirmed,
        }
    }

    /// The status a booking that asked for `wanted` takes when no seat is left: a place on the
    /// waiting list, if the offering keeps one; None: refused as full.
    pub fn when_full(&self, wanted: Status) -> Option<Status> {
        (wanted == Status::Confirmed && self.waitlist_enabled).then_some(Status::Waitlisted)
    }

    /// Whether its page offers the booking form at `now`: open, and inside the booking window.
    /// (The booking itself is checked by [`Offering::check_booking`].)
    pub fn window_open(&self, now: i64) -> bool {
        self.status == "open"
            && self.rules.opens_at.is_none_or(|t| now >= t)
            && now < self.rules.closes_at.unwrap_or(self.starts_at)
    }

    /// Checks that a reservation may still be cancelled by the person at `now`.
    pub fn check_cancel(&self, now: i64) -> Result<(), Refusal> {
        if now >= self.rules.cancel_until.unwrap_or(self.starts_at) { Err(Refusal::TooLateToCancel) } else { Ok(()) }
    }

    /// Where the offering sits for authorization: its organiser's department and street.
    pub fn location(&self) -> crate::authz::Location {
        crate::authz::Location {
            department: self.department_id.map(crate::ids::DepartmentId),
            street: self.street_id.map(StreetId),
            community: None,
        }
    }

    /// Whether `who` runs this offering (may cancel any booking, mark attendance, draw).
    pub fn run_by(&self, who: &crate::authz::Principal) -> bool {
        who.can(crate::authz::Action::Manage, &crate::authz::Target::Offering(self.location()))
    }

    /// Seats left (None: unlimited).
    pub fn seats_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.booked).max(0))
    }
}

/// The published order of a lottery draw: entrants sorted by SHA-256 of `seed:entrant`.
///
/// Anyone holding the seed and the list of entrant numbers can recompute it with any SHA-256
/// tool — no particular random-number generator or library version is involved.
pub fn draw_order(seed: &str, entrants: &[i64]) -> Vec<i64> {
    let mut keyed: Vec<(String, i64)> =
        entrants.iter().map(|e| (hex::encode(Sha256::digest(format!("{seed}:{e}").as_bytes())), *e)).collect();
    keyed.sort();
    keyed.into_iter().map(|(_, e)| e).collect()
}

/// Who is booked: the request fields the engine needs, and what the rules look at.
pub struct Whom {
    /// Person on the booker's list, if not themself.
    pub person_id: Option<i64>,
    /// Identity for the one-active rule.
    pub person_key: String,
    /// Age, street and whether a real-name ID is on file.
    pub candidate: Candidate,
}

/// Who is booked, from what is known about them: the user, the person on their list (or
/// their own "self" record), and the street they live in.
pub fn whom_from(user: UserId, person: Option<&Person>, for_other: bool, street: Option<StreetId>, on: i64) -> Whom {
    // A time chrono cannot hold leaves the age unknown; `local_day` alone would read it as 1970.
    let day = DateTime::from_timestamp(on, 0).map(|_| local_day(on));
    let age = person
        .and_then(|p| p.birth_date.as_deref())
        .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .zip(day)
        .map(|(birth, day)| age_on(birth, day));
    let person_key = match person {
        Some(p) => match &p.id_index {
            Some(index) => format!("id:{index}"),
            None => format!("p:{}", p.id),
        },
        None => format!("u:{user}"),
    };
    Whom {
        person_id: person.filter(|_| for_other).map(|p| p.id),
        person_key,
        candidate: Candidate { age, street, has_id: person.is_some_and(|p| p.id_index.is_some()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offering() -> Offering {
        Offering {
            id: 1,
            kind: "slot".into(),
            service_id: Some(1),
            service_key: "service:1".into(),
            venue_id: None,
            starts_at: 1_000,
            ends_at: 2_000,
            capacity: Some(2),
            booked: 0,
            waitlist_enabled: true,
            mode: Mode::FirstCome,
            rules: Rules::default(),
            status: "open".into(),
            lottery_seed: None,
            drawn_at: None,
            event_id: None,
            series_id: None,
            online_url: None,
            department_id: None,
            street_id: None,
            lottery_commitment: None,
        }
    }

    #[test]
    fn transitions_table() {
        use Status::*;
        let allowed = [
            (Requested, Confirmed),
            (Requested, Waitlisted),
            (Requested, Cancelled),
            (Waitlisted, Confirmed),
            (Waitlisted, Cancelled),
            (Confirmed, Cancelled),
            (Confirmed, Attended),
            (Confirmed, NoShow),
            (Attended, NoShow),
            (NoShow, Attended),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(from.can_become(to), allowed.contains(&(from, to)), "{from:?} → {to:?}");
            }
        }
        assert!(Status::ALL.iter().all(|s| Status::parse(s.as_str()) == Some(*s)));
    }

    #[test]
    fn window_and_eligibility_rules() {
        let mut o = offering();
        let who = Candidate { age: Some(70), street: Some(StreetId(1)), has_id: true };
        assert_eq!(o.check_booking(500, who, true), Ok(()));
        assert_eq!(o.check_booking(500, Candidate { has_id: false, ..who }, false), Ok(()));
        assert_eq!(o.check_booking(500, Candidate { has_id: false, ..who }, true), Err(Refusal::RealNameRequired));
        assert_eq!(o.check_booking(1_000, who, false), Err(Refusal::Closed), "closes when it starts by default");
        o.rules.opens_at = Some(600);
        assert_eq!(o.check_booking(599, who, false), Err(Refusal::NotOpenYet));
        assert_eq!(o.check_booking(600, who, false), Ok(()));
        o.rules.min_age = Some(60);
        assert_eq!(o.check_booking(700, who, false), Ok(()));
        assert_eq!(o.check_booking(700, Candidate { age: Some(59), ..who }, false), Err(Refusal::Age));
        assert_eq!(o.check_booking(700, Candidate { age: None, ..who }, false), Err(Refusal::AgeUnknown));
        o.rules.streets = vec![StreetId(2)];
        assert_eq!(o.check_booking(700, who, false), Err(Refusal::Street));
        o.status = "cancelled".into();
        assert_eq!(o.check_booking(700, who, false), Err(Refusal::OfferingCancelled));
        assert_eq!(o.check_cancel(999), Ok(()));
        assert_eq!(o.check_cancel(1_000), Err(Refusal::TooLateToCancel));
    }

    #[test]
    fn the_draw_is_reproducible_and_depends_on_the_seed() {
        let entrants: Vec<i64> = (1..=50).collect();
        let a = draw_order("2026-12-01 市南区 seed", &entrants);
        let mut shuffled = entrants.clone();
        shuffled.reverse();
        assert_eq!(a, draw_order("2026-12-01 市南区 seed", &shuffled), "input order does not matter");
        assert_ne!(a, draw_order("another seed", &entrants));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, entrants, "a permutation");
        // Fixed by definition: SHA-256("s:1") < SHA-256("s:2") decides the first two.
        let first = draw_order("s", &[1, 2]);
        let h = |x: &str| hex::encode(Sha256::digest(x.as_bytes()));
        assert_eq!(first[0], if h("s:1") < h("s:2") { 1 } else { 2 });
    }
}

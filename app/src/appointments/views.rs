//! Pages of the appointment service: the services, a service's slots by day,
//! the people I book for, and the staff's day sheet.

use crate::appointments::model::Service;
use crate::bookings::model::Offering;
use crate::bookings::pages::Whom;
use crate::bookings::views::BookingRow;
use crate::web::Ctx;
use crate::web::backoffice::Field;
use crate::web::forms::Errors;

/// All services.
#[derive(askama::Template)]
#[template(path = "appointments/services.html")]
pub struct ServicesPage {
    /// Page context.
    pub ctx: Ctx,
    /// Services.
    pub services: Vec<Service>,
}

/// A day to pick.
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `12-01 周二`.
    pub label: String,
    /// The day shown.
    pub current: bool,
    /// Whether a slot can be booked that day.
    pub free: DayFree,
}

/// Whether a day has a slot one can book now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayFree {
    /// Not worked out (the staff's day sheet).
    Unknown,
    /// At least one slot open with a seat left.
    Free,
    /// Slots, but none bookable now (full, closed or not yet open).
    Full,
    /// No slots.
    None,
}

impl DayFree {
    /// A day's state from its slots at `now`.
    pub fn of<'a>(mut slots: impl Iterator<Item = &'a Offering>, now: i64) -> Self {
        let mut any = false;
        let free = slots.any(|o| {
            any = true;
            o.window_open(now) && o.seats_left() != Some(0)
        });
        match (free, any) {
            (true, _) => DayFree::Free,
            (false, true) => DayFree::Full,
            (false, false) => DayFree::None,
        }
    }

    /// The word on the chip (translation key), if any.
    pub fn key(self) -> Option<&'static str> {
        match self {
            DayFree::Unknown => None,
            DayFree::Free => Some("appointments.day_free"),
            DayFree::Full => Some("appointments.day_full"),
            DayFree::None => Some("appointments.day_none"),
        }
    }

    /// The chip's class.
    pub fn class(self) -> &'static str {
        match self {
            DayFree::Free => "free",
            DayFree::Full => "full",
            DayFree::None | DayFree::Unknown => "none",
        }
    }
}

/// A slot as a resident sees it.
pub struct SlotRow {
    /// Offering id.
    pub id: i64,
    /// `08:30–09:00`.
    pub time: String,
    /// Venue name.
    pub venue: String,
    /// Seats left (None: unlimited).
    pub left: Option<i64>,
    /// Whether the booking window is open now.
    pub open: bool,
    /// A lottery slot.
    pub lottery: bool,
    /// A lottery's commitment (SHA-256 of its seed), public from its creation.
    pub commitment: Option<String>,
    /// A lottery's seed, public once drawn.
    pub seed: Option<String>,
    /// Why the last attempt on this slot failed (message key).
    pub error: Option<&'static str>,
}

/// One service, its days and the chosen day's slots.
#[derive(askama::Template)]
#[template(path = "appointments/service.html")]
pub struct ServicePage {
    /// Page context.
    pub ctx: Ctx,
    /// The service.
    pub service: Service,
    /// Days to choose from.
    pub days: Vec<Day>,
    /// The chosen day.
    pub date: String,
    /// It as a heading: "12月2日 周三".
    pub date_heading: String,
    /// Its slots.
    pub slots: Vec<SlotRow>,
    /// Whom the user can book for (value "" = themself).
    pub people: Vec<Whom>,
    /// The one chosen in the forms: asked for, or the first who may book this service.
    pub chosen: String,
    /// A signed-in user with nobody who may book this (real-name) service yet.
    pub nobody_eligible: bool,
    /// "已添加 父母 · 王秀英…", back from adding the person chosen.
    pub added: Option<String>,
    /// The add-a-person page, coming back here.
    pub add_person: String,
    /// A refused booking, as the error summary at the top.
    pub errors: Errors,
    /// A fresh token: sending the form twice books once.
    pub form_token: String,
    /// The booking being moved to another slot, if the resident came to reschedule.
    pub moving: Option<i64>,
}

/// The people I book for.
#[derive(askama::Template)]
#[template(path = "appointments/people.html")]
pub struct PeoplePage {
    /// Page context.
    pub ctx: Ctx,
    /// People, in the order added.
    pub people: Vec<PersonRow>,
    /// The add form.
    pub fields: Vec<Field>,
    /// Its errors.
    pub errors: Errors,
    /// The service the resident came from, to go back to once the person is added.
    pub service: Option<Service>,
    /// The day they were looking at (`YYYY-MM-DD`, or blank).
    pub back_date: String,
    /// What was just done (message key).
    pub done: Option<&'static str>,
}

/// A person on the list.
pub struct PersonRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Relation (translation key).
    pub relation: &'static str,
    /// Masked ID number, or "—".
    pub id_masked: String,
    /// A family member (not the user themself), who may have a phone of their own.
    pub family: bool,
    /// Their verified phone, masked.
    pub phone: Option<String>,
}

/// A family member's phone for reminders: the number, then the texted code.
#[derive(askama::Template)]
#[template(path = "appointments/person_phone.html")]
pub struct PersonPhonePage {
    /// Page context.
    pub ctx: Ctx,
    /// The family member.
    pub person: crate::people::model::Person,
    /// The number typed (kept when refused).
    pub phone: String,
    /// "A code went to 138****0000", when one is out.
    pub sent: Option<String>,
    /// Errors of the last step.
    pub errors: Errors,
}

/// The staff's sheet of one service and day.
#[derive(askama::Template)]
#[template(path = "appointments/day_sheet.html")]
pub struct DaySheetPage {
    /// Page context.
    pub ctx: Ctx,
    /// The service.
    pub service: Service,
    /// Days around the chosen one.
    pub days: Vec<Day>,
    /// The chosen day.
    pub date: String,
    /// Bookings of the day.
    pub rows: Vec<BookingRow>,
}

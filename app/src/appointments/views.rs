//! Pages of the appointment service: the services, a service's slots by day,
//! the people I book for, and the staff's day sheet.

use crate::appointments::model::Service;
use crate::bookings::views::BookingRow;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt};
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
    /// Its slots.
    pub slots: Vec<SlotRow>,
    /// Whom the user can book for (value "" = themself).
    pub people: Vec<Opt>,
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
    /// People: (name, relation key, masked ID).
    pub people: Vec<(String, &'static str, String, i64)>,
    /// The add form.
    pub fields: Vec<Field>,
    /// Its errors.
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

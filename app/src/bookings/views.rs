//! Views of reservations shared by every kind of offering: a reservation as a row of a list,
//! and the resident's own list.

use crate::bookings::listing::Line;
use crate::web::Ctx;

/// A reservation as its booker or the staff see it in a list.
pub struct BookingRow {
    /// The reservation.
    pub line: Line,
    /// `2026-12-02 08:30–09:00`.
    pub when: String,
    /// Whether it may be cancelled from here.
    pub cancellable: bool,
    /// Whether self check-in is open now (at its venue, around its time).
    pub checkin_open: bool,
    /// The service whose other slots it may move to.
    pub movable_within: Option<i64>,
}

/// My bookings.
#[derive(askama::Template)]
#[template(path = "bookings/my_bookings.html")]
pub struct MyBookingsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Bookings.
    pub rows: Vec<BookingRow>,
    /// An error message key after an action.
    pub error: Option<&'static str>,
    /// The private calendar feed of these bookings.
    pub calendar_url: String,
}

/// The second step of cancelling: what will be cancelled, and the button that does it.
#[derive(askama::Template)]
#[template(path = "bookings/cancel.html")]
pub struct CancelPage {
    /// Page context.
    pub ctx: Ctx,
    /// The booking.
    pub row: BookingRow,
}

//! What bookings add to the portal: the signed-in resident's next booking (an appointment slot
//! or an activity session still to come, confirmed or waiting), with its ticket. Personal, so
//! read per request; declared by the appointments domain, whose pages show the bookings.

use askama::Template as _;

use crate::app::AppState;
use crate::bookings::listing::{self, Line};
use crate::error::AppResult;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::{Ctx, CurrentUser};

/// How many of the resident's bookings are looked through (newest first).
const LOOKED: i64 = 50;

/// My next booking.
pub static NEXT_BOOKING: NextBooking = NextBooking;

/// The section.
pub struct NextBooking;

impl Section for NextBooking {
    fn slot(&self) -> Slot {
        Slot::Mine
    }

    fn personal<'a>(&'a self, state: &'a AppState, user: &'a CurrentUser, now: i64) -> PartFuture<'a, Box<dyn Part>> {
        Box::pin(async move {
            let lines = listing::of_user(&mut *state.db.conn().await?, user.id, LOOKED).await?;
            let next =
                lines.into_iter().filter(|l| l.status.is_active() && l.ends_at > now).min_by_key(|l| l.starts_at);
            Ok(next.map(|line| Box::new(NextPart { line }) as Box<dyn Part>))
        })
    }
}

struct NextPart {
    line: Line,
}

impl Part for NextPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        let when = ctx.when(self.line.starts_at);
        Ok(NextView { ctx, line: &self.line, when }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "bookings/_portal_next.html")]
struct NextView<'a> {
    ctx: &'a Ctx,
    line: &'a Line,
    when: String,
}

//! The portal (`/`): the resident's front page, made of sections that the domains contribute —
//! the campaign and the news, this week's activities, the services open for booking, the
//! "随手拍" report entry, the board's handled cases, and for a signed-in resident their own
//! next booking, open reports and unread notices.
//!
//! The portal names no domain (a test holds it to that, like the back-office home): each domain
//! declares its [`Section`]s in its `DOMAIN` (`app::Domain::portal`), in a file of its own
//! folder (`news/portal.rs`, ...), and the portal lays them out by their [`Slot`].
//!
//! A section has two parts. Its *public* part is the same for everyone and is kept in memory
//! (`cache`, `web::public_cache`): the home page is the busiest page and its steady state must not query the
//! database. Its *personal* part is read per request, for a signed-in user only. A public part
//! may still be arranged for the viewer when rendered (activities of the resident's own
//! community first) from what it keeps.

pub mod cache;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::app::{AppState, Domain};
use crate::db::{BoxFuture, Conn};
use crate::error::AppResult;
use crate::web::{Ctx, CurrentUser, render};

/// The portal as a part of the application: the page `/`.
pub const DOMAIN: Domain = Domain { name: "portal", pages: router, ..Domain::NONE };

/// Where a section goes on the page, top first. Phone-first: what a resident comes to do
/// (report, their own affairs) is near the top, what they browse below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    /// The campaign banner.
    Campaign,
    /// The big entry to report a problem.
    Report,
    /// The signed-in user's own affairs.
    Mine,
    /// This week's activities.
    Activities,
    /// Services open for booking.
    Services,
    /// The latest news.
    News,
    /// The public board.
    Board,
}

/// What a domain adds to the portal.
pub trait Section: Sync {
    /// Where it goes.
    fn slot(&self) -> Slot;

    /// Its part for everyone, read in `conn` (a transaction: see `cache`) at `now`; kept in
    /// memory until public content changes or `cache::TTL_MS` passes. None: nothing to show.
    fn public<'a>(&'a self, _state: &'a AppState, _conn: &'a mut Conn, _now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async { Ok(None) })
    }

    /// Its part for a signed-in user, read per request. None: nothing to show.
    fn personal<'a>(
        &'a self,
        _state: &'a AppState,
        _user: &'a CurrentUser,
        _now: i64,
    ) -> PartFuture<'a, Box<dyn Part>> {
        Box::pin(async { Ok(None) })
    }
}

/// What a section's part is read with.
pub type PartFuture<'a, P> = BoxFuture<'a, AppResult<Option<P>>>;

/// A section's part, ready to render in the language and mode of a request.
pub trait Part: Send + Sync {
    /// Its HTML (an askama template of the domain's, escaped there).
    fn render(&self, ctx: &Ctx) -> AppResult<String>;
}

fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// The sections of every domain, in slot order (domains' order within a slot).
fn sections(state: &AppState) -> Vec<&'static dyn Section> {
    let mut all: Vec<_> = state.domains.iter().flat_map(|d| d.portal.iter().copied()).collect();
    all.sort_by_key(|s| s.slot());
    all
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let public = cache::public(&state).await?;
    let mut mine = Vec::new();
    if let Some(user) = &ctx.user {
        let now = state.clock.unix();
        for section in sections(&state) {
            if let Some(part) = section.personal(&state, user, now).await? {
                mine.push(part.render(&ctx)?);
            }
        }
    }
    let mut page = views::PortalPage { ctx, before: Vec::new(), mine, after: Vec::new() };
    for (slot, part) in public.iter() {
        let html = part.render(&page.ctx)?;
        if *slot < Slot::Mine { page.before.push(html) } else { page.after.push(html) }
    }
    render(&page)
}

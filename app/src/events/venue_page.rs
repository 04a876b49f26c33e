//! A venue's public page (`/venues/{id}`): what and where it is — kind, address, street and
//! community, its position for a phone's map app — and the activities coming up there, with
//! its calendar feed. Opening hours and contact are not shown: the district's data
//! (`data/shinan.json`) has neither, and the venue model holds only what the data gives.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::bookings as booking_store;
use crate::error::{AppError, AppResult};
use crate::events::store;
use crate::events::views::day_time;
use crate::web::extract::Path;
use crate::web::{Ctx, render};

/// How far ahead the page lists activities.
const AHEAD_DAYS: i64 = 30;

/// An activity session at the venue.
pub struct Upcoming {
    /// The event.
    pub event_id: i64,
    /// Its title.
    pub title: String,
    /// "周六 12月12日 19:00".
    pub when: String,
}

/// The venue's page.
#[derive(askama::Template)]
#[template(path = "events/venue.html")]
pub struct VenuePage {
    /// Page context.
    pub ctx: Ctx,
    /// The venue.
    pub venue: crate::org::Venue,
    /// Its street's name.
    pub street: String,
    /// Its community's name, when it belongs to one.
    pub community: Option<String>,
    /// `geo:` link for the phone's map app, when the position is known.
    pub geo: Option<String>,
    /// Sessions coming up there, soonest first.
    pub upcoming: Vec<Upcoming>,
}

/// `/venues/{id}`.
pub async fn venue(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let venue = crate::org::venue(&mut conn, crate::ids::VenueId(id)).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let sessions = booking_store::offerings_at_venue(&mut conn, id, now, now + AHEAD_DAYS * 86_400).await?;
    let mut upcoming = Vec::new();
    let mut titles = std::collections::HashMap::new();
    for s in sessions.iter().filter(|s| s.status == "open").take(50) {
        let Some(e) = s.event_id else { continue };
        if let std::collections::hash_map::Entry::Vacant(slot) = titles.entry(e) {
            slot.insert(store::get(&mut conn, e).await?);
        }
        // Members-only activities are listed to those signed in, as on the activity list.
        if let Some(Some(event)) = titles.get(&e)
            && (!event.members_only || ctx.user.is_some())
        {
            upcoming.push(Upcoming { event_id: e, title: event.title.clone(), when: day_time(&ctx, s.starts_at) });
        }
    }
    drop(conn);
    let structure = state.structure.get(&state).await?;
    let block = structure.blocks.iter().find(|b| b.street.id == venue.street_id);
    let street = block.map(|b| b.street.name.clone()).unwrap_or_default();
    let community = venue
        .community_id
        .and_then(|c| block.and_then(|b| b.communities.iter().find(|x| x.id == c)).map(|x| x.name.clone()));
    let geo = venue.lat.zip(venue.lng).map(|(lat, lng)| format!("geo:{lat},{lng}"));
    render(&VenuePage { ctx, venue, street, community, geo, upcoming })
}

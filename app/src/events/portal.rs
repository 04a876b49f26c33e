//! What the activities add to the portal: the public activities with a session in the next
//! seven days (from the start of today, district time — the page says "next 7 days"). Kept
//! in memory by the portal; for a signed-in resident the same list is arranged as it is
//! rendered: their own community's first, then their street's, then the rest, each soonest
//! first.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template as _;

use crate::app::AppState;
use crate::db::Conn;
use crate::error::AppResult;
use crate::events::store::{self, Upcoming};
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::Ctx;

/// How many activities the portal shows.
const SHOWN: usize = 6;
/// How many it reads to choose from (the resident's own may be later in the week).
const READ: i64 = 200;

/// This week's activities.
pub static THIS_WEEK: ThisWeek = ThisWeek;

/// The section.
pub struct ThisWeek;

impl Section for ThisWeek {
    fn slot(&self) -> Slot {
        Slot::Activities
    }

    fn public<'a>(&'a self, state: &'a AppState, conn: &'a mut Conn, now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async move {
            let from = crate::clock::day_start(crate::clock::local_day(now));
            let items = store::upcoming_public(conn, from, from + 7 * 86_400, READ).await?;
            let structure = state.structure.get(state).await?;
            let street_of = structure
                .blocks
                .iter()
                .flat_map(|b| b.communities.iter().map(move |c| (c.id.0, b.street.id.0)))
                .collect();
            Ok(Some(Arc::new(WeekPart { items, street_of }) as Arc<dyn Part>))
        })
    }
}

struct WeekPart {
    items: Vec<Upcoming>,
    /// Each community's street, to place a resident by their community.
    street_of: HashMap<i64, i64>,
}

impl WeekPart {
    /// The activities for a viewer living in `community` (if known), at most [`SHOWN`].
    fn arranged(&self, community: Option<i64>) -> Vec<&Upcoming> {
        let street = community.and_then(|c| self.street_of.get(&c).copied());
        let rank = |u: &Upcoming| match (community, street) {
            (Some(c), _) if u.community_id == Some(c) => 0,
            (_, Some(s)) if u.street_id == Some(s) => 1,
            _ => 2,
        };
        let mut items: Vec<_> = self.items.iter().collect();
        // Stable: soonest first within each rank, as read.
        items.sort_by_key(|u| rank(u));
        items.truncate(SHOWN);
        items
    }
}

impl Part for WeekPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        let community = ctx.user.as_ref().and_then(|u| u.community_id).map(|c| c.0);
        let items = self
            .arranged(community)
            .into_iter()
            .map(|u| Row {
                id: u.id,
                title: &u.title,
                kind: u.kind.label_key(),
                when: crate::events::views::day_time(ctx, u.starts_at),
                venue: u.venue.as_deref().unwrap_or_default(),
                near: community.is_some() && u.community_id == community,
            })
            .collect();
        Ok(WeekView { ctx, items }.render()?)
    }
}

struct Row<'a> {
    id: i64,
    title: &'a str,
    kind: &'static str,
    when: String,
    venue: &'a str,
    near: bool,
}

#[derive(askama::Template)]
#[template(path = "events/_portal_week.html")]
struct WeekView<'a> {
    ctx: &'a Ctx,
    items: Vec<Row<'a>>,
}

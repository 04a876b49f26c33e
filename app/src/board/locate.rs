//! The board's part in a resident's report (`cases::addons::CaseAddon::locate`): before filing,
//! the report's last screen shows where the phone put the problem on the same server-drawn
//! district map as the board, and names the community nearest to it.
//!
//! Nearest by the map's own placing of the communities (at their landmarks, or schematically
//! around their street's, see `map`): the district's data has no community boundaries, so
//! this is a hint for the resident to check, and the page says so; the community field of the
//! report stays what the resident chose.

use askama::Template;

use crate::board::map::{CaseDot, Map, Placed, Point};
use crate::board::views::district_map;
use crate::cases::addons::{CaseAddon, Located};
use crate::cases::workflow::State;
use crate::org::cache::Structure;
use crate::web::Ctx;

/// The board as an add-on of the case core.
pub struct Board;

impl CaseAddon for Board {
    fn locate(&self, ctx: &Ctx, structure: &Structure, coords: (f64, f64)) -> Option<Located> {
        let here = Point { id: 0, coords, state: State::Reported, title: ctx.t("board.here").to_owned() };
        let map = district_map(structure, &[here]);
        // Off the district's map: nothing to show but the words "position found".
        let point = map.points.first()?.clone();
        let nearest = map
            .communities
            .iter()
            .filter(|d| d.placed != Placed::Strip)
            .min_by(|a, b| distance(a.x, a.y, &point).total_cmp(&distance(b.x, b.y, &point)))
            .map(|d| d.name.clone());
        let community = nearest.and_then(|name| {
            structure.blocks.iter().flat_map(|b| b.communities.iter()).find(|c| c.name == name).map(|c| c.id)
        });
        let html = LocatedMap { ctx, map: &map, point: &point }.render().ok()?;
        Some(Located { community, map: html })
    }
}

fn distance(x: f64, y: f64, p: &CaseDot) -> f64 {
    (x - p.x).hypot(y - p.y)
}

/// The map of a report's position.
#[derive(Template)]
#[template(path = "board/_located.html")]
struct LocatedMap<'a> {
    ctx: &'a Ctx,
    map: &'a Map,
    point: &'a CaseDot,
}

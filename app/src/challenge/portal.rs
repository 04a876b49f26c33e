//! What the challenge adds to the portal: under 我的, the challenges under way today, each with
//! how far the signed-in person has come (or an invitation to join), linking to its page — the
//! way in to the daily check-in. Personal: read per request, signed in only; nothing when no
//! challenge is under way.

use askama::Template as _;

use crate::app::AppState;
use crate::challenge::store;
use crate::challenge::views::km_text;
use crate::clock::local_day;
use crate::error::AppResult;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::{Ctx, CurrentUser};

/// The challenges under way.
pub static UNDER_WAY: UnderWay = UnderWay;

/// The section.
pub struct UnderWay;

impl Section for UnderWay {
    fn slot(&self) -> Slot {
        Slot::Mine
    }

    fn personal<'a>(&'a self, state: &'a AppState, user: &'a CurrentUser, now: i64) -> PartFuture<'a, Box<dyn Part>> {
        Box::pin(async move {
            let mut conn = state.db.conn().await?;
            let today = local_day(now).format("%Y-%m-%d").to_string();
            let mut items = Vec::new();
            for c in store::under_way(&mut conn, &today, 2).await? {
                let km = store::participant(&mut conn, c.id, user.id).await?.map(|p| km_text(p.counted_m));
                items.push(Item { id: c.id, name: c.name, km });
            }
            Ok((!items.is_empty()).then(|| Box::new(UnderWayPart { items }) as Box<dyn Part>))
        })
    }
}

struct Item {
    id: i64,
    name: String,
    /// The person's km, when they joined.
    km: Option<String>,
}

struct UnderWayPart {
    items: Vec<Item>,
}

impl Part for UnderWayPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        let lines = self
            .items
            .iter()
            .map(|i| match &i.km {
                Some(km) => ctx.tf("challenge.portal.mine", &[("km", km)]),
                None => ctx.t("challenge.portal.join").to_owned(),
            })
            .collect();
        Ok(UnderWayView { ctx, items: &self.items, lines }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "challenge/_portal.html")]
struct UnderWayView<'a> {
    ctx: &'a Ctx,
    items: &'a [Item],
    lines: Vec<String>,
}

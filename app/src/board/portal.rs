//! What the public board adds to the portal: its latest handled cases (closed after the
//! department's work was checked), each with its category, street, state and day, linking to
//! the board. Public, so kept in memory by the portal; a case that becomes public or changes
//! passes through search, which tells the portal.

use std::sync::Arc;

use askama::Template as _;

use crate::app::AppState;
use crate::board::store::{self, Query};
use crate::cases::workflow::State;
use crate::db::Conn;
use crate::error::AppResult;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::Ctx;

/// How many cases the portal shows.
const SHOWN: usize = 5;

/// The latest handled cases.
pub static HANDLED: Handled = Handled;

/// The section.
pub struct Handled;

impl Section for Handled {
    fn slot(&self) -> Slot {
        Slot::Board
    }

    fn public<'a>(&'a self, state: &'a AppState, conn: &'a mut Conn, _now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async move {
            // Closed ones only (not refused or voided), so read a few more than are shown.
            let q = Query { from: 0, to: i64::MAX, open: Some(false), limit: 50, ..Query::default() };
            let found = store::list(conn, &q).await?;
            let structure = state.structure.get(state).await?;
            let street_name = |id: i64| {
                structure.blocks.iter().find(|b| b.street.id.0 == id).map(|b| b.street.name.clone()).unwrap_or_default()
            };
            let items = found
                .into_iter()
                .filter(|c| c.state == State::Closed)
                .take(SHOWN)
                .map(|c| Item {
                    id: c.id,
                    // What was reported, once reviewed (a closed case was); its category else.
                    title: c.description.as_deref().map(|d| d.chars().take(40).collect()).unwrap_or_default(),
                    category: c.category,
                    category_en: c.category_en,
                    street: c.street_id.map(|s| street_name(s.0)).unwrap_or_default(),
                    state: c.state.key(),
                    day: crate::clock::local_day(c.updated_at).to_string(),
                })
                .collect();
            Ok(Some(Arc::new(HandledPart { items }) as Arc<dyn Part>))
        })
    }
}

struct Item {
    id: i64,
    title: String,
    category: String,
    category_en: Option<String>,
    street: String,
    state: &'static str,
    day: String,
}

impl Item {
    /// The category's name in the page's language.
    fn category(&self, ctx: &Ctx) -> crate::web::i18n::LocalName {
        ctx.name(&self.category, self.category_en.as_deref())
    }
}

struct HandledPart {
    items: Vec<Item>,
}

impl Part for HandledPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(HandledView { ctx, items: &self.items }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "board/_portal_handled.html")]
struct HandledView<'a> {
    ctx: &'a Ctx,
    items: &'a [Item],
}

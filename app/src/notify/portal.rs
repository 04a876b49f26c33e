//! What the inbox adds to the portal: how many of the signed-in user's notices are unread, with
//! a link to the inbox. Personal: one counting query per request, signed in only.

use askama::Template as _;

use crate::app::AppState;
use crate::error::AppResult;
use crate::notify::store;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::{Ctx, CurrentUser};

/// The unread count.
pub static UNREAD: Unread = Unread;

/// The section.
pub struct Unread;

impl Section for Unread {
    fn slot(&self) -> Slot {
        Slot::Mine
    }

    fn personal<'a>(&'a self, state: &'a AppState, user: &'a CurrentUser, _now: i64) -> PartFuture<'a, Box<dyn Part>> {
        Box::pin(async move {
            let unread = store::unread_count(&mut *state.db.conn().await?, user.id).await?;
            Ok(Some(Box::new(UnreadPart { unread }) as Box<dyn Part>))
        })
    }
}

struct UnreadPart {
    unread: i64,
}

impl Part for UnreadPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        let line = ctx.tf("portal.unread", &[("n", &self.unread.to_string())]);
        Ok(UnreadView { ctx, unread: self.unread, line }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "notify/_portal_unread.html")]
struct UnreadView<'a> {
    ctx: &'a Ctx,
    unread: i64,
    line: String,
}

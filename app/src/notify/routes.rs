//! The inbox page: what happened to my bookings, newest first.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::error::AppResult;
use crate::notify::{inbox, store};
use crate::web::{Ctx, render, see_other};

/// Routes of the inbox.
pub fn router() -> Router<AppState> {
    Router::new().route("/me/inbox", get(page)).route("/me/inbox/read", post(mark_read))
}

/// My inbox.
#[derive(askama::Template)]
#[template(path = "notify/inbox.html")]
struct InboxPage {
    ctx: Ctx,
    entries: Vec<inbox::Entry>,
    unread: usize,
}

impl InboxPage {
    fn when(&self, unix: &i64) -> String {
        self.ctx.when(*unix)
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.id;
    let entries = inbox::entries(&state, user, ctx.locale).await?;
    let unread = entries.iter().filter(|e| !e.read).count();
    render(&InboxPage { ctx, entries, unread })
}

async fn mark_read(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.id;
    store::mark_all_read(&mut *state.db.conn().await?, user, state.clock.unix()).await?;
    Ok(see_other("/me/inbox"))
}

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

    /// A notice's text in runs, its Chinese names marked as such on an English page (a
    /// Chinese page is Chinese throughout: one run).
    fn runs(&self, text: &str) -> Vec<crate::web::i18n::Run> {
        match self.ctx.locale {
            crate::web::i18n::Locale::ZhCn => vec![crate::web::i18n::Run { text: text.to_owned(), zh: false }],
            _ => crate::web::i18n::script_runs(text),
        }
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

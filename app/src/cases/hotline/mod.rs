//! The 12345 hotline: staff take down a resident's call as a case, at `/manage/hotline`.
//!
//! What it adds to the case core: an intake and a contact, nothing in the workflow. A call is
//! filed with source `hotline` through the core's filing service on the caller's behalf (a
//! caller with an account becomes the reporter); the caller's name and number are kept beside
//! the case, the number sealed, found by a keyed blind index and shown masked (`store`, table
//! `case_callers`). Those who oversee a place take its calls (the page's guard, `Staff<Overseer>`), for the
//! places they oversee (`service::take_call`).
//!
//! Why a folder: it is a feature users name, and its files are its layers — `service` (a call as
//! the form sends it, and taking it down: the filing and the caller in one transaction),
//! `pages` (the intake page's handlers, the back-office tile), `views` (the page's view, and
//! the caller's rows on the case page), `store` (the caller's contact: its types, checks and
//! SQL, and [`store::CALLER`], the reveal of the whole number). Templates: `cases/hotline.html`,
//! `cases/_caller.html`.
//!
//! How it plugs in, without the core naming it: [`DOMAIN`] (listed in `app::DOMAINS`) serves the
//! page and the caller's reveal form, gives the tile, and registers [`Hotline`] with the case
//! core, which shows the caller on the case page.

pub mod audit_wording;
pub mod pages;
pub mod service;
pub mod store;
pub mod views;

use crate::app::{AppState, Domain};
use crate::cases::addons::{CaseAddon, CaseView, Panel};
use crate::db::BoxFuture;
use crate::error::AppResult;

/// The hotline as a domain: the call-taking page (and the caller's reveal form), its tile, and
/// what it adds to the case core.
pub const DOMAIN: Domain = Domain {
    name: "hotline",
    pages: pages::router,
    tiles: pages::tiles,
    case_addon: Some(&Hotline),
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// What the hotline adds to a case: the caller's rows on the case page, for staff (the whole
/// number revealed by `store::CALLER`).
pub struct Hotline;

impl CaseAddon for Hotline {
    fn panel<'a>(
        &'a self,
        state: &'a AppState,
        view: &'a CaseView<'a>,
    ) -> BoxFuture<'a, AppResult<Option<Box<dyn Panel>>>> {
        Box::pin(async move {
            let caller = store::for_viewer(&mut *state.db.conn().await?, view.user, view.case.id).await?;
            Ok(caller.map(|caller| {
                let can_reveal = crate::cases::reveal::may_reveal(&store::CALLER, view.parts);
                Box::new(views::CallerPanel { caller, can_reveal }) as Box<dyn Panel>
            }))
        })
    }
}

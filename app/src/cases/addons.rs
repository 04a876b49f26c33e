//! What the case core lets others add, and how they plug in: the core owns these extension
//! points and calls whatever is registered; it never names what registers.
//!
//! An add-on (the hotline, enterprise assistance) implements [`CaseAddon`] for what it adds — a
//! panel on the case page, names for its own timeline steps, a check before an action, a
//! category kind only its own intake files — and its `DOMAIN` (`app::Domain::case_addon`) hands
//! it to `app::DOMAINS`, the one list `app.rs` keeps. The core finds the add-ons in the state
//! ([`registered`]). Revealing a masked number works the same way without a registry: an add-on
//! declares its `reveal::Subject` and serves the core's reveal form for it
//! (`cases::pages::reveal`); the notices an add-on words register with `notify::wording`.
//!
//! Why a trait with default methods, and a `const` list rather than a macro or an `inventory`-
//! style crate: each add-on's `impl` says in one place everything it adds to a case, the
//! compiler checks the list, and its order (the order of the panels) is written where a reader
//! finds it, not decided by link order.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::filing::Reserved;
use crate::cases::model::Case;
use crate::cases::reveal::Answer;
use crate::cases::workflow::{Action, Party};
use crate::db::{BoxFuture, Conn};
use crate::error::AppResult;
use crate::ids::CommunityId;
use crate::org::cache::Structure;
use crate::web::Ctx;

/// What an add-on adds to the case core. Each method is one extension point; the defaults add
/// nothing, so an add-on implements only what it adds.
pub trait CaseAddon: Sync {
    /// A category kind that only this add-on's own intake files, and the source its cases
    /// carry: no other intake may file a category of the kind, and this source files nothing
    /// else (`filing::check`); the report screens do not offer it.
    fn reserved_kind(&self) -> Option<Reserved> {
        None
    }

    /// The translation key of a timeline step this add-on writes (its own `action`s), on the
    /// case page and the public board.
    fn step_key(&self, _action: &str) -> Option<&'static str> {
        None
    }

    /// A check before `action` is taken on `case`, in the action's transaction: an error
    /// refuses the action (an assistance case cannot be reported handled with its checklist
    /// open).
    fn check_act<'a>(&'a self, _conn: &'a mut Conn, _case: &'a Case, _action: Action) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// Where a report's position `coords` is, for the resident to check before filing: the
    /// nearest community and a drawing of the district with the point marked (an add-on that
    /// draws the district, the public board). The first add-on that answers is shown.
    fn locate(&self, _ctx: &Ctx, _structure: &Structure, _coords: (f64, f64)) -> Option<Located> {
        None
    }

    /// What it shows on the case page to this viewer, if anything: read here, rendered when
    /// the page is (see [`Panel`]).
    fn panel<'a>(
        &'a self,
        _state: &'a AppState,
        _view: &'a CaseView<'a>,
    ) -> BoxFuture<'a, AppResult<Option<Box<dyn Panel>>>> {
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// The add-ons registered with the core, in the order of `app::DOMAINS`.
pub fn registered(state: &AppState) -> impl Iterator<Item = &'static dyn CaseAddon> {
    state.domains.iter().filter_map(|domain| domain.case_addon)
}

/// The kinds reserved by the registered add-ons.
pub fn reserved(state: &AppState) -> Vec<Reserved> {
    registered(state).filter_map(|addon| addon.reserved_kind()).collect()
}

/// A report's position as an add-on places it (see [`CaseAddon::locate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The community nearest to it, when the district's data places one near enough.
    pub community: Option<CommunityId>,
    /// The district's map with the point marked: the add-on's own template, rendered (HTML).
    pub map: String,
}

/// The case as one viewer sees it on the case page: what a panel is read for.
pub struct CaseView<'a> {
    /// Page context (the viewer's language).
    pub ctx: &'a Ctx,
    /// The viewer.
    pub user: &'a CurrentUser,
    /// The case.
    pub case: &'a Case,
    /// The viewer's parts in it.
    pub parts: &'a [Party],
}

/// Where a panel shows on the case page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Rows of the case's summary (`<dt>`/`<dd>` pairs), after the core's own.
    Summary,
    /// A section of its own after the photos.
    Section,
}

/// An add-on's panel on the case page, read already, rendered with the page: the answer to a
/// reveal (which the page knows only once it is built) is given then.
pub trait Panel: Send + Sync {
    /// Where it shows.
    fn slot(&self) -> Slot;

    /// Its HTML, from its own template.
    fn render(&self, page: &PanelPage<'_>) -> askama::Result<String>;
}

/// What a panel is rendered with.
pub struct PanelPage<'a> {
    /// Page context.
    pub ctx: &'a Ctx,
    /// The case.
    pub case: &'a Case,
    /// What a reveal opened on this answer, if anything.
    pub reveal: Answer<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;
    impl CaseAddon for Nothing {}

    #[test]
    fn an_addon_adds_only_what_it_says() {
        assert_eq!(Nothing.reserved_kind(), None);
        assert_eq!(Nothing.step_key("assist_step"), None);
    }
}

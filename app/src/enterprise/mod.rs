//! Enterprise approval assistance (暖南 帮办代办): a company applies for an enterprise account
//! with its unified social credit code, the centre decides, and the approved company then asks
//! for help with an approval (企业开办, 食品经营许可 …); an agent (帮办员) walks the item's
//! checklist with it until the approval is done.
//!
//! What it adds to the case core: a request is a case (source `enterprise`, category kind
//! [`model::KIND`], the 80xx items), so the deadline, the timeline, the messages, the check and
//! the rating are the core's, and the statistics count assistance beside every other case. The
//! folder adds the enterprise account and its role, the items' checklists, the agent as a party
//! to the case, the checklist's steps on the timeline, the assistance panel of the case page,
//! what an applicant hears of the decision, the back office's tiles, and the pages
//! (`/enterprise`, `/manage/enterprises`, `/manage/assist`) and API operations (`/enterprise…`,
//! `/assist-items`, `/assist-cases`, `/cases/{id}/checklist`, `/cases/{id}/agent`) of all that.
//!
//! Why a domain of its own beside `cases/` rather than inside it: it has an audience of its own
//! (companies, with their own account, role and pages), and everything it keeps beyond the
//! case — enterprises, contacts, checklists, progress — is its own tables. `uscc` (the credit
//! code, GB 32100) is here because only enterprises give one. Layers: `model` (pure types and
//! rules, and why assistance runs on the case engine), `store` (SQL), `service` (use cases),
//! `notices` (the decision's notice and text message), `pages` and `views` (the site), `api`
//! (the JSON API). Templates: `app/templates/enterprise/`.
//!
//! How it plugs in, without the case core naming it: [`DOMAIN`] (listed in `app::DOMAINS`)
//! serves the pages, the API operations and the contact's reveal form (`service::CONTACT`),
//! gives the tiles, registers [`Assistance`] with the case core (see its doc) and words its
//! notices for the inbox and the text messages (`notices::AssistNotices`).

pub mod api;
pub mod audit_wording;
pub mod model;
pub mod notices;
pub mod pages;
pub mod service;
pub mod store;
pub mod uscc;
pub mod views;

use crate::app::{AppState, Domain};
use crate::cases::addons::{CaseAddon, CaseView, Panel};
use crate::cases::filing::Reserved;
use crate::cases::model::{Case, Source};
use crate::cases::workflow::Action;
use crate::db::{BoxFuture, Conn};
use crate::error::AppResult;

/// Enterprise assistance as a domain: its pages and API operations, its tiles, and what it
/// adds to the case core.
pub const DOMAIN: Domain = Domain {
    name: "enterprise",
    pages: pages::router,
    api: api::router,
    tiles: pages::tiles,
    case_addon: Some(&Assistance),
    notices: Some(&notices::AssistNotices),
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// What assistance adds to a case: its items are a kind of category only enterprises file
/// (source `enterprise`); the assignment and the ticked steps on the timeline; no "handled"
/// while the checklist has open steps; the assistance panel on the case page (the contact's
/// whole number revealed by `service::CONTACT`).
pub struct Assistance;

impl CaseAddon for Assistance {
    fn reserved_kind(&self) -> Option<Reserved> {
        Some(Reserved { kind: model::KIND, source: Source::Enterprise })
    }

    fn step_key(&self, action: &str) -> Option<&'static str> {
        views::step_key(action)
    }

    fn check_act<'a>(&'a self, conn: &'a mut Conn, case: &'a Case, action: Action) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            match action {
                Action::ReportHandled => service::require_complete(conn, case).await,
                _ => Ok(()),
            }
        })
    }

    fn panel<'a>(
        &'a self,
        state: &'a AppState,
        view: &'a CaseView<'a>,
    ) -> BoxFuture<'a, AppResult<Option<Box<dyn Panel>>>> {
        Box::pin(async move {
            let panel = views::panel(state, view.ctx, view.case, view.parts).await?;
            Ok(panel.map(|p| Box::new(p) as Box<dyn Panel>))
        })
    }
}

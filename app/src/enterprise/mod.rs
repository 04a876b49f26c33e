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
//! The case core still calls in here by name (`cases::filing`, `service`, `notices`, `views`,
//! `case_views`, `reveal`, `pages`), as do the back-office home and the notification worker;
//! issue 10's next step turns those calls around (the core owns a registry, this folder
//! registers with it).

pub mod api;
pub mod model;
pub mod notices;
pub mod pages;
pub mod service;
pub mod store;
pub mod uscc;
pub mod views;

use crate::app::Domain;

/// Enterprise assistance as a domain: its pages and API operations, its tiles.
pub const DOMAIN: Domain = Domain { name: "enterprise", pages: pages::router, api: api::router, tiles: pages::tiles };

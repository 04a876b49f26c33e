//! Foot patrols (步巡): an inspector starts a patrol on the phone, files findings on the way in
//! a few taps (category, photo, position), and ends it; those who run patrols read the log.
//!
//! What it adds to the case core: a way of finding cases, not a kind of case. A finding is an
//! ordinary case filed through the core's filing service with the patrol's id (source `patrol`);
//! the patrol itself — who, when, how long, the route points — is this folder's (`patrols`
//! table). The core knows a patrol only as that id: its filing rules check that a finding names
//! the filer's open patrol, read in the same statement as the rest (`cases::store::FILING_REFS`).
//!
//! Why a folder: it is a feature users name, with its own audience (inspectors) and pages.
//! Layers: `service` (the patrol's rules, who may read whose patrols, its use cases, and the few
//! SQL statements they need), `pages` (the inspector's patrol page at `/patrol`), `log_pages` (the
//! patrol log at `/manage/patrols`, for those who run patrols). The patrol API operations
//! (`/patrols…`, `/me/patrols`) are still in the core's `cases::api`, beside the case operations
//! they were written with: splitting that file is not a move. Templates: `cases/patrol.html`,
//! `cases/patrol_log.html`.
//!
//! The core still reaches in by name: `cases::api` calls `service`, `cases::pages` merges both
//! pages' routers, and the back-office home links the two pages itself. Issue 10's next step
//! turns those around.

pub mod log_pages;
pub mod pages;
pub mod service;

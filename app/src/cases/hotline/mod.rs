//! The 12345 hotline: staff take down a resident's call as a case, at `/manage/hotline`.
//!
//! What it adds to the case core: an intake and a contact, nothing in the workflow. A call is
//! filed with source `hotline` through the core's filing service on the caller's behalf (a
//! caller with an account becomes the reporter); the caller's name and number are kept beside
//! the case, the number sealed, found by a keyed blind index and shown masked (`store`, table
//! `case_callers`). Who takes calls, for which places, is decided here (`pages::covers`).
//!
//! Why a folder: it is a feature users name, and its files are its layers — `pages` (the intake
//! page's handlers, the filing of a call and the back-office tiles), `views` (the page's view),
//! `store` (the caller's contact: its types, checks and SQL). Template: `cases/hotline.html`.
//!
//! The core still reaches in by name: the case page shows the caller (`cases::case_views` reads
//! `store::for_viewer`), revealing the number is the core's `cases::reveal` (which also reveals an
//! enterprise's contact and an anonymous reporter). Issue 10's next step turns those around. The
//! hotline serves its own page and tile ([`DOMAIN`], listed in `app::DOMAINS`).

pub mod pages;
pub mod store;
pub mod views;

use crate::app::Domain;

/// The hotline as a domain: the call-taking page and its tile.
pub const DOMAIN: Domain = Domain { name: "hotline", pages: pages::router, tiles: pages::tiles, ..Domain::NONE };

//! Photos of cases: what the reporter or inspector saw, and the department's photo of the
//! result — checked, scaled and re-encoded without EXIF like every upload, kept private to the
//! parties to the case, and shown on the public board only once a dispatcher reviewed them.
//!
//! What it adds to the case core: evidence beside the case (`case_photos` rows over the shared
//! image store, `crate::media`), not a step of the workflow. Who may add which kind of photo is
//! asked of the core's parties and states. Photos come in three ways — on the case page, on
//! the resident's three-screen report (carried as signed tokens until the case exists), and with a
//! patrol finding — and go out on the case page, over the case API and on the public board.
//!
//! Why a folder: the same photos serve several features, so their rules live once, here.
//! Layers: `service` (a case's photos: add, link, list, review, serve), `report_service` (photos
//! carried through the report's screens and filed with the case in one transaction), `pages`
//! (the pictures and the upload and review forms of the case page).
//!
//! A part of the core, not an add-on: the case page (`cases::case_views`) lists the photos, the
//! case API (`cases::api`) carries them, the report screens (`cases::pages`, `cases::views`)
//! carry them and file them with the case. So the core imports this folder, and this folder
//! imports only the core's lower layers (`service`, `model`, `workflow`; `pages` re-renders the
//! case page after a refused upload) and no add-on. Layers: also `api` (adding and serving a
//! photo over the API).

pub mod api;
pub mod pages;
pub mod report_service;
pub mod service;

//! Importing check-ins (issue 13): a GPX track from a sports watch or running app, or a phone
//! health app's CSV export of daily steps, instead of typing the day's figures.
//!
//! Of a track only what it comes to is kept — its distance, moving time, day, whether its
//! points jump, and a hash to refuse the same track twice — never its points, which show where
//! a person lives and walks. Every check-in an import makes goes through `checkin::check_in`,
//! the one durable write, so an import meets the same rules as a check-in by hand.
//!
//! Layers: `track` and `health_csv` (pure: reading the files into figures), `service` (the
//! imports as use cases), `api` (the JSON operations), `pages` and `views` (the upload form's
//! answer page; the form itself is on the challenge page, `challenge/_import.html`).

pub mod api;
pub mod health_csv;
pub mod pages;
pub mod service;
pub mod track;
mod views;

//! The working-time calendar (工作时间): the daily working periods, the working weekdays and
//! the days that differ (public holidays, make-up working days), which every case deadline is
//! counted in.
//!
//! What it is to the case core: not an add-on but a part the core is built on — dispatching a
//! case reads the calendar (`store::work_calendar`) and counts the category's time limit in it
//! (`model`), and categories carry a `model::TimeLimit`. So the core imports this folder, and
//! `model` and `store` import nothing of the core: the dependency runs one way. What the folder
//! adds on top is the back office's calendar page (`/manage/work-calendar`).
//!
//! Why a folder: the calendar is a feature users name (the district keeps it, like the
//! categories) with a layer of each kind — `model` (the pure calendar and deadline arithmetic),
//! `store` (its SQL), `pages` (the back-office page). The checks and audit entries of a change
//! are the settings service's (`cases::settings::service`), which the API shares, and the API
//! operations (`/work-calendar`) are served with the categories' in `cases::settings::api`.
//! Template: `cases/calendar.html`.

pub mod model;
pub mod pages;
pub mod store;

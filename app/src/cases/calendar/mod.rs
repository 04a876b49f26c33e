//! The working-time calendar (工作时间): the daily working periods, the working weekdays and
//! the days that differ (public holidays, make-up working days), which every case deadline is
//! counted in.
//!
//! What it is to the case core: not an add-on but a part the core is built on — dispatching a
//! case reads the calendar (`store::work_calendar`) and counts the category's time limit in it
//! (`model`), and categories carry a `model::TimeLimit`. So the core imports this folder, and
//! this folder imports nothing of the core, nor of what is built on it: the dependency runs one
//! way.
//!
//! Why a folder: the calendar is a part users name (the district keeps it, like the
//! categories) with its layers — `model` (the pure calendar and deadline arithmetic), `store`
//! (its SQL). Keeping it is a setting like the categories: its back-office page
//! (`/manage/work-calendar`, `cases::settings::calendar_pages`), the checks and audit entries of
//! a change (`cases::settings::service`) and its API operations (`/work-calendar`,
//! `cases::settings::api`) are the settings', which build on this part as the core does.

pub mod model;
pub mod store;

//! Cases: one engine for foot-patrol findings (步巡), residents' reports and requests, hotline
//! calls and enterprise approval assistance (帮办代办) — each a case that reaches a
//! department, is handled within a deadline counted in working time, is checked and closed.
//!
//! Pure rules first: `calendar` (the working-time calendar and deadlines), `workflow` (states
//! and who may move a case between them), `settings::catalog` (the categories a district starts with);
//! `store` keeps categories and the calendar as data the back office maintains.
//!
//! Two domains built on this engine live beside it: enterprise assistance (`crate::enterprise`)
//! and the public board with Open311 (`crate::board`).

pub mod api;
pub mod calendar;
pub mod case_view;
pub mod duplicate_pages;
pub mod filing;
pub mod hotline;
pub mod jobs;
pub mod model;
pub mod notices;
pub mod patrol;
pub mod photos;
pub mod postgres;
pub mod reveal;
pub mod routes;
pub mod service;
pub mod settings;
pub mod sqlite;
pub mod stats;
pub mod store;
pub mod timeline;
pub mod views;
pub mod workflow;

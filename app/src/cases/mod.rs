//! Cases: one engine for foot-patrol findings (步巡), residents' reports and requests, hotline
//! calls and enterprise approval assistance (帮办代办) — each a case that reaches a
//! department, is handled within a deadline counted in working time, is checked and closed.
//!
//! Pure rules first: `worktime` (the working-time calendar and deadlines), `workflow` (states
//! and who may move a case between them), `uscc` (unified social credit codes, GB 32100),
//! `catalog` (the categories a district starts with); `store` keeps categories and the
//! calendar as data the back office maintains.

pub mod api;
pub mod board;
pub mod case_view;
pub mod catalog;
pub mod jobs;
pub mod model;
pub mod notices;
pub mod open311;
pub mod patrols;
pub mod photo_pages;
pub mod photos;
pub mod routes;
pub mod service;
pub mod settings;
pub mod stats;
pub mod store;
pub mod uscc;
pub mod views;
pub mod workflow;
pub mod worktime;

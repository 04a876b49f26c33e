//! 网上重走长征路: the online Long March challenge. Organisers set a challenge on the route of
//! the Central Red Army (`route`, from the shared route file) with its rules — a scale (1 km
//! walked = N km of route), dates, daily caps, steps per km, how far back a check-in may go —
//! and its teams (a street's, a community's, a Party branch, or teams residents make and join
//! with a code). People join, and check in what they walked, ran, cycled or swam each day
//! (运动打卡): one check-in per day and kind, held for review when implausible. Each person and
//! each team moves along the route; a team by its members' mean, so a large team is no faster
//! than a small one. Boards rank teams, streets and, if the organiser wants, people.
//!
//! Not the `checkin` domain, which records attendance at venues.
//!
//! Layers: `route` and `model` (pure: the route and positions; kinds, rules, the plausibility
//! verdict, the team mean), `store` and `checkin_store` (SQL, with the running totals),
//! `service` (challenges, teams, joining, progress, boards), `team_sums` (the teams' points and
//! day totals, summed every half minute), `checkin` (the check-in and its review: the writes that move the
//! totals), `api`, `progress_api` and `checkin_api` (the JSON contract of issue 13), `pages` and
//! `views` (the resident's page), `portal` (the way in, under 我的 on the home page),
//! `audit_wording`. Sub-folders: `import` (check-ins from a GPX track or a health app's CSV
//! export), `manage` (the organisers' back office: challenges, teams, the review queue,
//! exports, and `PATCH /challenges/{id}`), `milestone` (milestone pages and their quizzes, its
//! own `DOMAIN`), `map` (the route map with every team on it, and the milestones' shareable
//! cards).

pub mod api;
pub mod audit_wording;
pub mod checkin;
pub mod checkin_api;
pub mod checkin_store;
pub mod import;
pub mod manage;
pub mod map;
pub mod milestone;
pub mod model;
pub mod pages;
pub mod portal;
pub mod progress_api;
pub mod route;
pub mod service;
pub mod store;
pub mod team_sums;
mod views;

pub use route::{Milestone, Route};

use crate::app::Domain;

/// The challenge as a domain: the resident's page and its way in on the portal, its API, and how
/// the audit log words its entries.
pub const DOMAIN: Domain = Domain {
    name: "challenge",
    pages: || pages::router().merge(manage::router()),
    api: || api::router().merge(manage::api::router()),
    tiles: manage::tiles,
    audit: Some(&audit_wording::AUDIT),
    portal: &[&portal::UNDER_WAY],
    ..Domain::NONE
};

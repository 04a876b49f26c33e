//! The district's structure: the district, its streets (街道) and communities (社区), the
//! departments (部门) it works with, and venues (场所). Read by everyone (home page, API),
//! changed in the back office by district admins and, within their street, street admins.

pub mod api;
pub mod cache;
pub mod directory;
pub mod forms;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
mod views;

pub use directory::Directory;
pub use model::{Community, Department, District, Street, Venue, VenueKind};

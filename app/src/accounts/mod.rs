//! People: accounts identified by a verified mobile number, their roles, sessions, API
//! tokens, and login throttling. Phone numbers are stored encrypted, with a keyed blind index
//! for lookup and a masked copy for display.

pub mod api;
pub mod codes;
mod credential_pages;
pub mod credentials;
pub mod import;
pub mod manage;
pub mod model;
pub mod password;
pub mod register;
pub mod routes;
pub mod service;
pub mod sessions;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod unlock;
mod unlock_pages;
mod views;

pub use model::{CurrentUser, Phone, User};

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

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The domain: login, registration and the profile, the people's back office (with the
/// back-office home) and the accounts API.
pub const DOMAIN: Domain = Domain { name: "accounts", pages: router, api: api::router, tiles, ..Domain::NONE };

/// The accounts' pages: the public ones and the back office's.
pub fn router() -> axum::Router<AppState> {
    routes::router().merge(manage::router())
}

/// The district's and the streets' admins manage people.
fn tiles(principal: &Principal) -> Vec<Tile> {
    if principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::StreetAdmin) {
        vec![Tile::new("nav.users", "/manage/users")]
    } else {
        Vec::new()
    }
}

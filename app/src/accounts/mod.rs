//! People: accounts identified by a verified mobile number, their roles, sessions, API
//! tokens, and login throttling. Phone numbers are stored encrypted, with a keyed blind index
//! for lookup and a masked copy for display.

//!
//! The folder: the account core (`model`, `store`, `service`, `routes`, `views`, `api`), the
//! people's back office (`manage`, `import`), `register`, and two sub-folders — `credentials`
//! (what proves who someone is: password hashing, sessions, API tokens, the calendar URL) and
//! `login` (what defends logging in: attempt throttling, texted codes, unlocking a locked phone).

pub mod api;
pub mod audit_wording;
pub mod credentials;
pub mod import;
pub mod login;
pub mod manage;
pub mod model;
pub mod register;
pub mod routes;
pub mod service;
pub mod store;
mod views;

pub use model::{CurrentUser, Phone, User};
// What other domains read or write of accounts' storage (a caller's account by phone, the
// grants a timeline names its actors by, the handler grant an approved enterprise agent gets).
pub use store::{grants, insert_grant, user_id_by_phone};

use crate::app::{AppState, Domain};
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The domain: login, registration and the profile, the people's back office (with the
/// back-office home) and the accounts API.
pub const DOMAIN: Domain = Domain {
    name: "accounts",
    pages: router,
    api: api::router,
    tiles,
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

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

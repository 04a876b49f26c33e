//! The district's structure: the district, its streets (街道) and communities (社区), the
//! departments (部门) it works with, and venues (场所). Read by everyone (home page, API),
//! changed in the back office by district admins and, within their street, street admins.

pub mod api;
pub mod audit_wording;
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
// What other domains read of the structure's storage; they name these, never `store`.
pub use store::{community, department, list_departments, street, venue};

use crate::app::Domain;
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The domain: the structure's pages and API, and its tiles on the back-office home.
pub const DOMAIN: Domain = Domain {
    name: "org",
    pages: routes::router,
    api: api::router,
    tiles,
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// The structure is kept by the district's and the streets' admins.
fn tiles(principal: &Principal) -> Vec<Tile> {
    if !(principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::StreetAdmin)) {
        return Vec::new();
    }
    vec![
        Tile::new("nav.streets", "/manage/streets"),
        Tile::new("nav.communities", "/manage/communities"),
        Tile::new("nav.venues", "/manage/venues"),
        Tile::new("nav.departments", "/manage/departments"),
    ]
}

/// The departments a person may run activities and services for (organise offerings under:
/// `Action::Manage` on `Target::Offering` of the department and its street), as a select's
/// options named in the page's language. The events' and the services' forms offer these.
pub async fn offering_departments(
    conn: &mut crate::db::Conn,
    ctx: &crate::web::Ctx,
    principal: &Principal,
) -> Result<Vec<crate::web::backoffice::Opt>, sqlx::Error> {
    use crate::authz::{Action, Location, Target};
    Ok(store::list_departments(conn, 0, 1000)
        .await?
        .into_iter()
        .filter(|d| {
            let loc = Location { department: Some(d.id), street: d.street_id, community: None };
            principal.can(Action::Manage, &Target::Offering(loc))
        })
        .map(|d| crate::web::backoffice::Opt {
            value: d.id.to_string(),
            label: ctx.name(&d.name, d.name_en.as_deref()).text,
        })
        .collect())
}

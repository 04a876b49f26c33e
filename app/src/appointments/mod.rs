//! Appointments (预约): services such as a vaccination, offered in slots at community sites,
//! booked by residents for themselves or a family member, with real-name ID where the service
//! needs it. Slots are offerings of the booking engine, booked through its shared API and
//! pages (`bookings::api`, `bookings::pages`) at this domain's URLs; this module adds services,
//! slot templates, lottery draws, group bookings and the people one books for.

pub mod api;
pub mod audit_wording;
mod manage;
pub mod model;
mod people_pages;
mod phone_pages;
pub mod portal;
pub mod routes;
pub mod service;
pub mod slot_api;
mod slot_pages;
mod slots_form;
pub mod store;
mod views;

use crate::accounts::CurrentUser;
use crate::app::Domain;
use crate::authz::{Action, Location, Target};
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use model::Service;

/// The domain: the services' pages and the appointments API.
pub const DOMAIN: Domain = Domain {
    name: "appointments",
    pages: || routes::router().merge(manage::router()),
    tiles,
    api,
    search_documents: Some(|conn, now| Box::pin(index_all_for_search(conn, now))),
    // The resident's next booking is shown with the services, whose pages list the bookings.
    portal: &[&portal::OPEN_SERVICES, &crate::bookings::portal::NEXT_BOOKING],
    audit: Some(&audit_wording::AUDIT),
    ..Domain::NONE
};

/// Organisers and the district's admins run services: their tile opens the list.
fn tiles(principal: &crate::authz::Principal) -> Vec<crate::web::backoffice::Tile> {
    use crate::authz::gate::{Gate as _, Organising};
    if Organising::admits(principal) {
        vec![crate::web::backoffice::Tile::new("manage_services.title", "/manage/services")]
    } else {
        Vec::new()
    }
}

/// Hands every service to search again.
async fn index_all_for_search(conn: &mut Conn, now: i64) -> AppResult<u64> {
    let (mut after, mut count) = (0, 0);
    loop {
        let page = store::list(conn, after, 500).await?;
        let Some(last) = page.last() else { return Ok(count) };
        after = last.id;
        for s in &page {
            crate::search::index(conn, &search_document(s), now).await?;
            count += 1;
        }
    }
}

/// The appointments API: services and slots (`slot_api`), then booking them, draws, groups and
/// the people one books for (`api`).
fn api() -> utoipa_axum::router::OpenApiRouter<crate::app::AppState> {
    slot_api::router().merge(api::router())
}

/// A service as search shows it: every service is public (`/services/{id}`).
pub fn search_document(s: &Service) -> crate::search::Document {
    crate::search::Document {
        kind: crate::search::Kind::Service,
        id: s.id,
        title: s.name.clone(),
        url: format!("/services/{}", s.id),
        body: s.description.clone(),
        street_id: None,
        community_id: None,
    }
}

/// Where a service sits, for authorization: its department (and that department's street).
pub async fn service_location(conn: &mut Conn, s: &Service) -> AppResult<Location> {
    Ok(match s.department_id {
        Some(d) => {
            let dept = crate::org::department(conn, crate::ids::DepartmentId(d)).await?;
            Location {
                department: Some(crate::ids::DepartmentId(d)),
                street: dept.and_then(|d| d.street_id),
                community: None,
            }
        }
        None => Location::district(),
    })
}

/// Whether the user runs this service (organiser in charge, or district admin).
pub async fn runs(conn: &mut Conn, user: &CurrentUser, s: &Service) -> AppResult<bool> {
    let loc = service_location(conn, s).await?;
    Ok(user.principal.can(Action::Manage, &Target::Offering(loc)))
}

/// The service an offering belongs to (404 when it is not an appointment slot).
pub async fn service_of_offering(conn: &mut Conn, offering: i64) -> AppResult<Service> {
    let o = crate::bookings::offering(conn, offering).await?.ok_or(AppError::NotFound)?;
    let id = o.service_id.ok_or(AppError::NotFound)?;
    store::get(conn, id).await?.ok_or(AppError::NotFound)
}

//! Appointment use cases, each one transaction with its check and audit entry: creating a
//! service and giving it slots. The API's handlers parse and call these; so does the demo
//! content loader (`seed::content`), so a demo service is made exactly as an organiser's.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::appointments::model::Service;
use crate::appointments::{runs, search_document, service_location, store};
use crate::bookings::offer::{self, NewOfferings, Parent};
use crate::error::{AppError, AppResult, FieldError};

/// A new service, as its organiser names it.
#[derive(Debug, Clone)]
pub struct NewService {
    /// Name, e.g. 新冠疫苗接种 第一剂 (1–64 characters).
    pub name: String,
    /// What to know before booking.
    pub description: String,
    /// Whether bookings need the person's name and resident ID.
    pub real_name_required: bool,
    /// Organising department; None for a district-wide service.
    pub department_id: Option<i64>,
}

/// Creates a service (organisers of the department, district admins); it is searchable at once.
pub async fn create_service(state: &AppState, user: &CurrentUser, new: NewService) -> AppResult<i64> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AppError::Invalid(vec![FieldError { field: "name", key: "form.name_invalid" }]));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let draft = Service {
        id: 0,
        name: name.into(),
        description: new.description.clone(),
        real_name_required: new.real_name_required,
        department_id: new.department_id,
    };
    if let Some(d) = new.department_id {
        crate::org::department(&mut tx, crate::ids::DepartmentId(d)).await?.ok_or_else(|| {
            AppError::Invalid(vec![FieldError { field: "department_id", key: "form.choice_invalid" }])
        })?;
    }
    if !runs(&mut tx, user, &draft).await? {
        return Err(AppError::Forbidden);
    }
    let id =
        store::insert(&mut tx, name, new.description.trim(), new.real_name_required, new.department_id, user.id, now)
            .await?;
    let created = Service { id, ..draft };
    let change = crate::audit::Change::new("service", id, None).after(&created);
    crate::audit::record(&mut tx, now, user.id, "service.create", change).await?;
    crate::search::index(&mut tx, &search_document(&created), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Gives a service slots (organisers of the service). `errors` holds what the caller found
/// wrong with the request already; a venue that does not exist is added to them, and any
/// error refuses the whole step. Returns the slots' ids.
pub async fn create_slots(
    state: &AppState,
    user: &CurrentUser,
    service_id: i64,
    slots: &NewOfferings,
    mut errors: Vec<FieldError>,
) -> AppResult<Vec<i64>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let service = store::get(&mut tx, service_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &service).await? {
        return Err(AppError::Forbidden);
    }
    let location = service_location(&mut tx, &service).await?;
    offer::check_venues(&mut tx, &slots.places, "venue_id", &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let ids = offer::create(&mut tx, &state.keys, Parent::Service(service.id), location, slots, now).await?;
    let change = crate::audit::Change::new("service", service.id, None)
        .after(&serde_json::json!({ "slots_created": ids.len() }));
    crate::audit::record(&mut tx, now, user.id, "service.create_slots", change).await?;
    tx.commit().await?;
    Ok(ids)
}

//! Appointment use cases, each one transaction with its check and audit entry: creating and
//! editing a service, giving it slots and changing one. The API's handlers and the back
//! office's pages (`manage`) parse and call these; so does the demo content loader
//! (`seed::content`), so a demo service is made exactly as an organiser's.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::appointments::model::Service;
use crate::appointments::{runs, search_document, service_location, service_of_offering, store};
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

/// A service's name, trimmed: 1–64 characters (a blank one is asked for, a long one refused).
fn check_name(raw: &str) -> AppResult<&str> {
    let name = raw.trim();
    let key = match name.chars().count() {
        0 => "form.required",
        1..=64 => return Ok(name),
        _ => "form.name_invalid",
    };
    Err(AppError::Invalid(vec![FieldError { field: "name", key }]))
}

/// Creates a service (organisers of the department, district admins); it is searchable at once.
pub async fn create_service(state: &AppState, user: &CurrentUser, new: NewService) -> AppResult<i64> {
    let name = check_name(&new.name)?;
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

/// Renames, redescribes or moves a service (organisers who run it both before and after: a
/// service cannot be handed to a department one does not run). Audited with before and after.
pub async fn update_service(state: &AppState, user: &CurrentUser, id: i64, new: NewService) -> AppResult<()> {
    let name = check_name(&new.name)?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &before).await? {
        return Err(AppError::Forbidden);
    }
    if let Some(d) = new.department_id {
        crate::org::department(&mut tx, crate::ids::DepartmentId(d)).await?.ok_or_else(|| {
            AppError::Invalid(vec![FieldError { field: "department_id", key: "form.choice_invalid" }])
        })?;
    }
    let after = Service {
        id,
        name: name.into(),
        description: new.description.trim().into(),
        real_name_required: new.real_name_required,
        department_id: new.department_id,
    };
    if !runs(&mut tx, user, &after).await? {
        return Err(AppError::Invalid(vec![FieldError { field: "department_id", key: "form.choice_invalid" }]));
    }
    store::update(&mut tx, &after, now).await?;
    let change = crate::audit::Change::new("service", id, None).before(&before).after(&after);
    crate::audit::record(&mut tx, now, user.id, "service.update", change).await?;
    crate::search::index(&mut tx, &search_document(&after), now).await?;
    tx.commit().await?;
    Ok(())
}

/// A change an organiser makes to one slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotChange {
    /// New number of seats: refused below the seats already booked; seats added go to the
    /// waiting list, first in line first.
    Capacity(i64),
    /// Cancels the slot and every booking on it (confirmed, waiting or entered in its lottery).
    Cancel,
}

/// Changes one slot of a service the user runs, audited; returns the slot as it is now. The
/// API's `PATCH /slots/{id}` and the back office's slot page both come here.
pub async fn change_slot(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    change: SlotChange,
) -> AppResult<crate::bookings::model::Offering> {
    use crate::bookings::model::Status;
    if let SlotChange::Capacity(c) = change {
        let mut errors = Vec::new();
        offer::check_capacity(c, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let service = service_of_offering(&mut tx, id).await?;
    if !runs(&mut tx, user, &service).await? {
        return Err(AppError::Forbidden);
    }
    let before = crate::bookings::offering(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    match change {
        SlotChange::Capacity(c) => crate::bookings::service::resize(&mut tx, id, c, now).await?,
        SlotChange::Cancel => {
            if before.status == "open" {
                crate::bookings::set_offering_status(&mut tx, id, "cancelled", now).await?;
                for r in crate::bookings::active_of_offering(&mut tx, id).await? {
                    crate::bookings::transition(&mut tx, r.id, r.status, Status::Cancelled, Some(user.id), now).await?;
                }
            }
        }
    }
    let after = crate::bookings::offering(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let entry = crate::audit::Change::new("offering", id, None).before(&before).after(&after);
    match change {
        SlotChange::Capacity(_) => crate::audit::record(&mut tx, now, user.id, "offering.update", entry).await?,
        SlotChange::Cancel => crate::audit::record(&mut tx, now, user.id, "offering.cancel", entry).await?,
    };
    tx.commit().await?;
    Ok(after)
}

//! Changing the district's structure: authorization, cross-record rules (a community's code
//! starts with its street's; a venue's community lies in its street), the write, and its
//! audit entry — all in one transaction.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Location, Target};
use crate::db::{Conn, is_unique_violation};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, DepartmentId, StreetId, VenueId};
use crate::org::model::*;
use crate::org::store;

fn invalid(field: &'static str, key: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError { field, key }])
}

/// Maps a unique-constraint failure on a code or name to a field error.
fn unique_as(field: &'static str, key: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
    move |e| if is_unique_violation(&e) { invalid(field, key) } else { AppError::Db(e) }
}

fn allow(user: &CurrentUser, action: Action, target: Target) -> AppResult<()> {
    if user.principal.can(action, &target) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The location of a community, for authorization.
pub fn community_location(c: &Community) -> Location {
    Location::community(Some(c.street_id), c.id)
}

/// The location of a venue.
pub fn venue_location(v: &Venue) -> Location {
    Location { street: Some(v.street_id), community: v.community_id, department: None }
}

/// The location of a department (street offices sit in their street).
pub fn department_location(d: &Department) -> Location {
    Location { street: d.street_id, community: None, department: Some(d.id) }
}

/// Creates a street (district admins).
pub async fn create_street(state: &AppState, user: &CurrentUser, input: StreetInput) -> AppResult<StreetId> {
    allow(user, Action::Manage, Target::District)?;
    let mut tx = state.db.begin().await?;
    let district = store::district(&mut tx).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let id =
        store::insert_street(&mut tx, district.id, &input, now).await.map_err(unique_as("code", "form.code_taken"))?;
    let after = store::street(&mut tx, id).await?;
    audit::record(&mut tx, now, user.id, "street.create", Change::new("street", id.0, Some(id)).after(&after)).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(id)
}

/// Changes a street (district admins).
pub async fn update_street(state: &AppState, user: &CurrentUser, id: StreetId, input: StreetInput) -> AppResult<()> {
    allow(user, Action::Manage, Target::Street(id))?;
    let mut tx = state.db.begin().await?;
    let before = store::street(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    store::update_street(&mut tx, id, &input, now).await.map_err(unique_as("code", "form.code_taken"))?;
    let after = store::street(&mut tx, id).await?;
    let change = Change::new("street", id.0, Some(id)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "street.update", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(())
}

async fn check_community_input(conn: &mut Conn, input: &CommunityInput) -> AppResult<()> {
    let street =
        store::street(conn, input.street_id).await?.ok_or_else(|| invalid("street_id", "form.choice_invalid"))?;
    if !input.code.starts_with(&street.code) {
        return Err(invalid("code", "form.community_code_prefix"));
    }
    Ok(())
}

/// Creates a community (district admins; street admins in their street).
pub async fn create_community(state: &AppState, user: &CurrentUser, input: CommunityInput) -> AppResult<CommunityId> {
    allow(user, Action::Manage, Target::Community(Location::street(input.street_id)))?;
    let mut tx = state.db.begin().await?;
    check_community_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    let id = store::insert_community(&mut tx, &input, now).await.map_err(unique_as("code", "form.code_taken"))?;
    let after = store::community(&mut tx, id).await?;
    let change = Change::new("community", id.0, Some(input.street_id)).after(&after);
    audit::record(&mut tx, now, user.id, "community.create", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(id)
}

/// Changes a community. A street admin may not move it out of their street.
pub async fn update_community(
    state: &AppState,
    user: &CurrentUser,
    id: CommunityId,
    input: CommunityInput,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    let before = store::community(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    allow(user, Action::Manage, Target::Community(community_location(&before)))?;
    allow(user, Action::Manage, Target::Community(Location::community(Some(input.street_id), id)))?;
    check_community_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    store::update_community(&mut tx, id, &input, now).await.map_err(unique_as("code", "form.code_taken"))?;
    let after = store::community(&mut tx, id).await?;
    let change = Change::new("community", id.0, Some(before.street_id)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "community.update", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(())
}

async fn check_venue_input(conn: &mut Conn, input: &VenueInput) -> AppResult<()> {
    store::street(conn, input.street_id).await?.ok_or_else(|| invalid("street_id", "form.choice_invalid"))?;
    if let Some(community) = input.community_id {
        let c =
            store::community(conn, community).await?.ok_or_else(|| invalid("community_id", "form.choice_invalid"))?;
        if c.street_id != input.street_id {
            return Err(invalid("community_id", "form.community_not_in_street"));
        }
    }
    Ok(())
}

fn venue_input_location(input: &VenueInput) -> Location {
    Location { street: Some(input.street_id), community: input.community_id, department: None }
}

/// Creates a venue (district admins; street admins in their street).
pub async fn create_venue(state: &AppState, user: &CurrentUser, input: VenueInput) -> AppResult<VenueId> {
    allow(user, Action::Manage, Target::Venue(venue_input_location(&input)))?;
    let mut tx = state.db.begin().await?;
    check_venue_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    let id = store::insert_venue(&mut tx, &input, now).await?;
    let after = store::venue(&mut tx, id).await?;
    let change = Change::new("venue", id.0, Some(input.street_id)).after(&after);
    audit::record(&mut tx, now, user.id, "venue.create", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(id)
}

/// Changes a venue; both its old and new place must be the user's to manage.
pub async fn update_venue(state: &AppState, user: &CurrentUser, id: VenueId, input: VenueInput) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    let before = store::venue(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    allow(user, Action::Manage, Target::Venue(venue_location(&before)))?;
    allow(user, Action::Manage, Target::Venue(venue_input_location(&input)))?;
    check_venue_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    store::update_venue(&mut tx, id, &input, now).await?;
    let after = store::venue(&mut tx, id).await?;
    let change = Change::new("venue", id.0, Some(before.street_id)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "venue.update", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(())
}

async fn check_department_input(conn: &mut Conn, input: &DepartmentInput) -> AppResult<()> {
    if let Some(street) = input.street_id {
        store::street(conn, street).await?.ok_or_else(|| invalid("street_id", "form.choice_invalid"))?;
    }
    Ok(())
}

/// Creates a department (district admins).
pub async fn create_department(
    state: &AppState,
    user: &CurrentUser,
    input: DepartmentInput,
) -> AppResult<DepartmentId> {
    allow(user, Action::Manage, Target::Department(Location::district()))?;
    let mut tx = state.db.begin().await?;
    check_department_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    let id = store::insert_department(&mut tx, &input, now).await.map_err(unique_as("name", "form.name_taken"))?;
    let after = store::department(&mut tx, id).await?;
    let change = Change::new("department", id.0, input.street_id).after(&after);
    audit::record(&mut tx, now, user.id, "department.create", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(id)
}

/// Changes a department (district admins).
pub async fn update_department(
    state: &AppState,
    user: &CurrentUser,
    id: DepartmentId,
    input: DepartmentInput,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    let before = store::department(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    allow(user, Action::Manage, Target::Department(department_location(&before)))?;
    check_department_input(&mut tx, &input).await?;
    let now = state.clock.unix();
    store::update_department(&mut tx, id, &input, now).await.map_err(unique_as("name", "form.name_taken"))?;
    let after = store::department(&mut tx, id).await?;
    let change = Change::new("department", id.0, before.street_id).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "department.update", change).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(())
}

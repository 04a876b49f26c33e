//! People a user books for: themself (with a real-name ID when a service needs one) and
//! family members (代预约). ID numbers are validated (GB 11643), stored sealed with a keyed
//! blind index — so the same person cannot be booked twice through two accounts — and shown
//! masked.

pub mod audit_wording;
pub mod model;
pub mod pages;
pub mod phone;
pub mod store;

// What bookings read of the people a user books for: the list, one person, oneself, and — for
// the booking engine's writer thread — the statements and the row mapper. Never `store`.
pub(crate) use store::{BY_ID, MYSELF, person_from};
pub use store::{get, list, myself, reminder_phone, verified_phones};

use crate::app::AppState;
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::UserId;
use model::{NewPerson, Person, Relation};

/// The domain: the pages to edit and remove a family member (adding one, and the list, are
/// on the appointments' `/me/people`, where booking leads).
pub const DOMAIN: crate::app::Domain = crate::app::Domain {
    name: "people",
    pages: pages::router,
    audit: Some(&audit_wording::AUDIT),
    ..crate::app::Domain::NONE
};

/// The sealed, indexed and masked forms of a checked ID number, as stored.
fn sealed_id(state: &AppState, p: &NewPerson) -> Option<(String, String, String, String)> {
    p.id_number.as_ref().map(|id| {
        (
            state.keys.id_index(id.as_str()),
            state.keys.seal(id.as_str()),
            id.masked(),
            id.birth_date().map(|d| d.to_string()).unwrap_or_default(),
        )
    })
}

/// Adds a person to a user's list. A user has at most one "self" record.
pub async fn add(state: &AppState, owner: UserId, p: NewPerson) -> AppResult<Person> {
    let now = state.clock.unix();
    let id = sealed_id(state, &p);
    let mut tx = state.db.begin().await?;
    if p.relation == Relation::Myself && store::myself(&mut tx, owner).await?.is_some() {
        return Err(AppError::Invalid(vec![FieldError { field: "relation", key: "form.self_exists" }]));
    }
    let row = store::NewRow { name: &p.name, relation: p.relation, id };
    let person_id = store::insert(&mut tx, owner, &row, now).await?;
    let person = store::get(&mut tx, owner, person_id).await?.ok_or(AppError::NotFound)?;
    audit::record(&mut tx, now, owner, "person.create", Change::new("person", person_id, None).after(&person)).await?;
    tx.commit().await?;
    Ok(person)
}

/// Changes one of a user's people: name and relation, and the ID number when one is given (a
/// blank keeps it). The ID number stays while bookings for the person are ahead: they were
/// checked against it (one booking per person and service).
pub async fn update(state: &AppState, owner: UserId, person: i64, p: NewPerson) -> AppResult<Person> {
    let now = state.clock.unix();
    let id = sealed_id(state, &p);
    let mut tx = state.db.begin().await?;
    let before = store::get(&mut tx, owner, person).await?.ok_or(AppError::NotFound)?;
    if p.relation == Relation::Myself && store::myself(&mut tx, owner).await?.is_some_and(|m| m.id != person) {
        return Err(AppError::Invalid(vec![FieldError { field: "relation", key: "form.self_exists" }]));
    }
    let new_id = id.as_ref().is_some_and(|(index, ..)| before.id_index.as_ref() != Some(index));
    if new_id && store::future_bookings(&mut tx, person, now).await? > 0 {
        return Err(AppError::Invalid(vec![FieldError { field: "id_number", key: "people_edit.id_booked" }]));
    }
    let row = store::NewRow { name: &p.name, relation: p.relation, id };
    store::update(&mut tx, owner, person, &row).await?;
    let after = store::get(&mut tx, owner, person).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("person", person, None).before(&before).after(&after);
    audit::record(&mut tx, now, owner, "person.update", change).await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes one of a user's people — refused (409) while bookings for them are ahead: those are
/// cancelled one by one, by the user, on their bookings page, where each cancellation frees
/// its place for the waiting list and is confirmed; removing a person should not cancel a
/// hard-won appointment as a side effect.
pub async fn remove(state: &AppState, owner: UserId, person: i64) -> AppResult<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::get(&mut tx, owner, person).await?.ok_or(AppError::NotFound)?;
    if store::future_bookings(&mut tx, person, now).await? > 0 {
        return Err(AppError::Conflict("people_edit.has_bookings"));
    }
    if !store::remove(&mut tx, owner, person, now).await? {
        return Err(AppError::NotFound);
    }
    audit::record(&mut tx, now, owner, "person.remove", Change::new("person", person, None).before(&before)).await?;
    tx.commit().await?;
    Ok(())
}

/// How many bookings for one of `owner`'s people are ahead (None: not theirs).
pub async fn bookings_ahead(state: &AppState, owner: UserId, person: i64) -> AppResult<Option<(Person, i64)>> {
    let mut conn = state.db.conn().await?;
    let Some(p) = store::get(&mut conn, owner, person).await? else { return Ok(None) };
    let n = store::future_bookings(&mut conn, person, state.clock.unix()).await?;
    Ok(Some((p, n)))
}

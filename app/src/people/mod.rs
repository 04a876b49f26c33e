//! People a user books for: themself (with a real-name ID when a service needs one) and
//! family members (代预约). ID numbers are validated (GB 11643), stored sealed with a keyed
//! blind index — so the same person cannot be booked twice through two accounts — and shown
//! masked.

pub mod model;
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

/// Adds a person to a user's list. A user has at most one "self" record.
pub async fn add(state: &AppState, owner: UserId, p: NewPerson) -> AppResult<Person> {
    let now = state.clock.unix();
    let id = p.id_number.as_ref().map(|id| {
        (
            state.keys.id_index(id.as_str()),
            state.keys.seal(id.as_str()),
            id.masked(),
            id.birth_date().map(|d| d.to_string()).unwrap_or_default(),
        )
    });
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

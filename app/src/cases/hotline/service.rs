//! Hotline intake (12345): staff take down a call on a resident's behalf. The case is filed
//! with source `hotline` through the same filing service as every other case; the caller's
//! contact is kept beside it (sealed, shown masked, see `store`); a caller whose number is a
//! registered account becomes the case's reporter, so they follow it under /me/cases and hear
//! of its steps.
//!
//! Who takes calls: dispatchers, street and district admins, for the places their grants cover
//! — a street's staff file only inside their street, so the case is one they can then see.

use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::cases::hotline::store as callers;
use crate::cases::model::{Case, Source};
use crate::cases::reveal::ContactPhone;
use crate::cases::service::{self, NewCase, OnBehalf};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::CommunityId;

/// The kinds of category a call may be about: city management and residents' requests (an
/// enterprise's approval assistance has its own intake).
pub const CALL_KINDS: [&str; 2] = [crate::cases::store::KIND_CITY, crate::cases::store::KIND_REQUEST];

/// The call as the form sends it (text, so what was typed is shown back with its errors).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CallForm {
    /// Caller's name or form of address.
    pub caller_name: String,
    /// Caller's number.
    pub caller_phone: String,
    /// Minor category id.
    pub category_id: String,
    /// What the caller said.
    pub description: String,
    /// Community id, or empty.
    pub community_id: String,
    /// Address or landmark.
    pub address: String,
    /// Latitude, if the place was found on a map.
    pub lat: String,
    /// Longitude.
    pub lng: String,
    /// `1` when the caller wants to hear the outcome.
    pub wants_reply: String,
}

impl CallForm {
    /// The caller asked to hear the outcome.
    pub fn wants_reply(&self) -> bool {
        !self.wants_reply.is_empty()
    }

    /// The coordinates, both or neither.
    fn coords(&self, errors: &mut Vec<FieldError>) -> Option<(f64, f64)> {
        let (lat, lng) = (self.lat.trim(), self.lng.trim());
        match (lat.is_empty(), lng.is_empty()) {
            (true, true) => None,
            (false, true) => {
                errors.push(FieldError { field: "lng", key: "form.coordinates_pair" });
                None
            }
            (true, false) => {
                errors.push(FieldError { field: "lat", key: "form.coordinates_pair" });
                None
            }
            (false, false) => match (lat.parse::<f64>(), lng.parse::<f64>()) {
                // The filing service checks the range, next to the latitude.
                (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() => Some((a, b)),
                _ => {
                    errors.push(FieldError { field: "lat", key: "form.coordinate_invalid" });
                    None
                }
            },
        }
    }

    /// The case to file. Text that is not an id becomes an id nothing has, so the service
    /// refuses it next to its field.
    fn new_case(&self, errors: &mut Vec<FieldError>) -> NewCase {
        let community = self.community_id.trim();
        NewCase {
            category_id: self.category_id.trim().parse().unwrap_or(0),
            description: self.description.clone(),
            community_id: (!community.is_empty()).then(|| CommunityId(community.parse().unwrap_or(0))),
            address: self.address.clone(),
            anonymous: false,
            coords: self.coords(errors),
            patrol_id: None,
        }
    }
}

/// Files the call as a hotline case with its caller, in one transaction: all of it, or (with
/// every problem found, next to its field) nothing.
///
/// Those who oversee a place take its calls (the page's guard is `Staff<Overseer>`): a case
/// outside where they oversee is refused with the form's errors.
pub async fn take_call(state: &AppState, user: &CurrentUser, form: &CallForm) -> AppResult<Case> {
    let caller = callers::check(&form.caller_name, &form.caller_phone, form.wants_reply());
    let mut errors = caller.as_ref().err().cloned().unwrap_or_default();
    let new = form.new_case(&mut errors);
    let mut tx = state.db.begin().await?;
    let reporter = match caller.as_ref().map(|c| &c.phone) {
        Ok(ContactPhone::Mobile(phone)) => {
            crate::accounts::user_id_by_phone(&mut tx, &state.keys.phone_index(phone.as_str())).await?
        }
        _ => None,
    };
    let on_behalf = OnBehalf { source: Source::Hotline, reporter };
    let case = match service::file_in(state, &mut tx, user, new, Some(on_behalf)).await {
        Ok(case) => Some(case),
        Err(AppError::Invalid(more)) => {
            errors.extend(more);
            None
        }
        Err(other) => return Err(other),
    };
    if let Some(case) = &case {
        let category = crate::cases::store::category(&mut tx, case.category_id).await?;
        if !category.is_some_and(|c| CALL_KINDS.contains(&c.kind.as_str())) {
            errors.push(FieldError { field: "category_id", key: "form.choice_invalid" });
        }
        if !user.principal.reach().oversees().covers(&case.location()) {
            errors.push(FieldError { field: "community_id", key: "hotline.outside_scope" });
        }
    }
    // Dropping the transaction undoes the filing when anything was wrong.
    let (Some(case), Ok(caller), true) = (case, caller, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    callers::insert(&mut tx, &state.keys, case.id, &caller, user.id, state.clock.unix()).await?;
    tx.commit().await?;
    Ok(case)
}

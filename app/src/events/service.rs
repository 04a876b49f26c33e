//! Activity use cases: creating events, adding sessions one by one or as a series across
//! venues, and editing or cancelling one session or the rest of its series — registrants of
//! a cancelled session are told (the reservation trigger writes their inbox notice). Each of
//! them hands the event to search in its own transaction ([`index_for_search`]).

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Location, Target};
use crate::bookings;
use crate::bookings::model::{Offering, Status};
use crate::bookings::offer::{self, NewOfferings, Parent};
use crate::error::{AppError, AppResult, FieldError};
use crate::events::model::{Event, MAX_SESSIONS, NewEvent, occurrences};
use crate::events::store;
use crate::ids::{DepartmentId, StreetId};

/// Where an event sits, for authorization: its organising department and/or street.
pub async fn location(conn: &mut crate::db::Conn, department: Option<i64>, street: Option<i64>) -> AppResult<Location> {
    let dept_street = match department {
        Some(d) => crate::org::department(conn, DepartmentId(d)).await?.and_then(|d| d.street_id),
        None => None,
    };
    Ok(Location {
        department: department.map(DepartmentId),
        street: street.map(StreetId).or(dept_street),
        community: None,
    })
}

/// Whether the user runs this event.
pub async fn runs(conn: &mut crate::db::Conn, user: &CurrentUser, e: &Event) -> AppResult<bool> {
    let loc = location(conn, e.department_id, e.street_id).await?;
    Ok(user.principal.can(Action::Manage, &Target::Offering(loc)))
}

/// Creates an event (organisers of its department or street).
pub async fn create(state: &AppState, user: &CurrentUser, e: NewEvent) -> AppResult<i64> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let loc = location(&mut tx, e.department_id, e.street_id).await?;
    if !user.principal.can(Action::Manage, &Target::Offering(loc)) {
        return Err(AppError::Forbidden);
    }
    let id = store::insert(&mut tx, &e, user.id, now).await?;
    let after = store::get(&mut tx, id).await?;
    audit::record(&mut tx, now, user.id, "event.create", Change::new("event", id, loc.street).after(&after)).await?;
    index_for_search(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an event's title, kind, text, campaign or organiser (organisers who run it, and
/// who may also run it under the new organiser). Search sees the new text at once.
pub async fn update(state: &AppState, user: &CurrentUser, event_id: i64, e: NewEvent) -> AppResult<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::get(&mut tx, event_id).await?.ok_or(AppError::NotFound)?;
    let loc = location(&mut tx, e.department_id, e.street_id).await?;
    if !runs(&mut tx, user, &before).await? || !user.principal.can(Action::Manage, &Target::Offering(loc)) {
        return Err(AppError::Forbidden);
    }
    store::update(&mut tx, event_id, &e, now).await?;
    let after = store::get(&mut tx, event_id).await?;
    let change = Change::new("event", event_id, loc.street).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "event.update", change).await?;
    index_for_search(&mut tx, event_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an event a cover image from an upload, or with `None` takes it away (organisers
/// who run the event). The rights are checked before the picture is decoded.
pub async fn set_cover(state: &AppState, user: &CurrentUser, event_id: i64, upload: Option<Vec<u8>>) -> AppResult<()> {
    let mut conn = state.db.conn().await?;
    let before = store::get(&mut conn, event_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut conn, user, &before).await? {
        return Err(AppError::Forbidden);
    }
    drop(conn);
    let image = match upload {
        Some(bytes) => Some(crate::media::save(state, bytes, user.id).await?),
        None => None,
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::set_cover(&mut tx, event_id, image, now).await?;
    let after = store::get(&mut tx, event_id).await?;
    let loc = location(&mut tx, before.department_id, before.street_id).await?;
    let change = Change::new("event", event_id, loc.street).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "event.cover", change).await?;
    tx.commit().await?;
    Ok(())
}

/// Sessions to add: the offerings, checked, and the recurrence rule they come from, if any.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The sessions.
    pub sessions: NewOfferings,
    /// The recurrence rule their starts came from (a series).
    pub rrule: Option<String>,
}

/// Adds sessions to an event; returns their ids.
pub async fn add_sessions(state: &AppState, user: &CurrentUser, event_id: i64, plan: Plan) -> AppResult<Vec<i64>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let event = store::get(&mut tx, event_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &event).await? {
        return Err(AppError::Forbidden);
    }
    if plan.sessions.count() > MAX_SESSIONS {
        return Err(AppError::Invalid(vec![FieldError { field: "rrule", key: "form.too_many_slots" }]));
    }
    let mut errors = Vec::new();
    offer::check_venues(&mut tx, &plan.sessions.places, "venue_ids", &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let location = location(&mut tx, event.department_id, event.street_id).await?;
    let series = match &plan.rrule {
        Some(rule) => Some(store::insert_series(&mut tx, event_id, rule, now).await?),
        None => None,
    };
    let parent = Parent::Event { event: event_id, series };
    let ids = offer::create(&mut tx, &state.keys, parent, location, &plan.sessions, now).await?;
    index_for_search(&mut tx, event_id, now).await?;
    let summary = serde_json::json!({ "sessions_created": ids.len(), "rrule": plan.rrule });
    audit::record(
        &mut tx,
        now,
        user.id,
        "event.add_sessions",
        Change::new("event", event_id, event.street_id.map(StreetId)).after(&summary),
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}

/// Which sessions a change applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only this session.
    This,
    /// This one and every later one of its series (at every venue).
    Following,
}

/// A change to sessions.
#[derive(Debug, Clone, Default)]
pub struct SessionChange {
    /// Cancel them.
    pub cancel: bool,
    /// Move them by this many seconds.
    pub shift: Option<i64>,
    /// New capacity.
    pub capacity: Option<i64>,
}

/// Edits or cancels a session, or it and the rest of its series. Cancelling a session
/// cancels its registrations, which tells the registrants. Returns the sessions changed.
pub async fn change_sessions(
    state: &AppState,
    user: &CurrentUser,
    session: i64,
    scope: Scope,
    change: SessionChange,
) -> AppResult<Vec<i64>> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let first = bookings::offering(&mut tx, session).await?.ok_or(AppError::NotFound)?;
    let event_id = first.event_id.ok_or(AppError::NotFound)?;
    let event = store::get(&mut tx, event_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &event).await? {
        return Err(AppError::Forbidden);
    }
    let sessions: Vec<Offering> = match (scope, first.series_id) {
        (Scope::Following, Some(series)) => {
            bookings::offerings_of_series_from(&mut tx, series, first.starts_at).await?
        }
        _ => vec![first],
    };
    let mut changed = Vec::new();
    for s in &sessions {
        if change.cancel && s.status == "open" {
            bookings::set_offering_status(&mut tx, s.id, "cancelled", now).await?;
            for r in bookings::active_of_offering(&mut tx, s.id).await? {
                bookings::transition(&mut tx, r.id, r.status, Status::Cancelled, Some(user.id), now).await?;
            }
        }
        if let Some(shift) = change.shift {
            bookings::set_offering_times(&mut tx, s.id, s.starts_at + shift, s.ends_at + shift, now).await?;
        }
        if let Some(capacity) = change.capacity {
            bookings::service::resize(&mut tx, s.id, capacity, now).await?;
        }
        changed.push(s.id);
    }
    index_for_search(&mut tx, event_id, now).await?;
    let summary = serde_json::json!({ "sessions": changed, "cancel": change.cancel, "shift": change.shift, "capacity": change.capacity });
    audit::record(
        &mut tx,
        now,
        user.id,
        "event.change_sessions",
        Change::new("event", event_id, event.street_id.map(StreetId)).after(&summary),
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Hands an event to search as the public sees it. A members-only event, or one whose
/// sessions are all cancelled, is taken out: search answers anyone, and a cancelled activity
/// is nothing to find. Its body is the description, where it is held (venues, communities,
/// streets), its kind's names and its campaign tag.
/// Whether it is in the index now.
pub async fn index_for_search(conn: &mut crate::db::Conn, event_id: i64, now: i64) -> AppResult<bool> {
    use crate::search::{self, Document, Kind};
    use crate::web::i18n::{Locale, t};
    let Some(e) = store::get(conn, event_id).await? else {
        search::remove(conn, Kind::Event, event_id).await?;
        return Ok(false);
    };
    let sessions = bookings::offerings_of_event(conn, event_id).await?;
    let cancelled = !sessions.is_empty() && sessions.iter().all(|s| s.status != "open");
    if e.members_only || cancelled {
        search::remove(conn, Kind::Event, event_id).await?;
        return Ok(false);
    }
    let kind = e.kind.label_key();
    let places = store::place_names(conn, event_id).await?.join(" ");
    let body = format!("{}\n{places}\n{} {} {}", e.description, t(Locale::ZhCn, kind), t(Locale::En, kind), e.campaign);
    let doc = Document {
        kind: Kind::Event,
        id: e.id,
        url: format!("/events/{}", e.id),
        title: e.title,
        body,
        street_id: e.street_id,
        community_id: None,
    };
    search::index(conn, &doc, now).await?;
    Ok(true)
}

/// Hands every event to search again; how many are public.
pub async fn index_all_for_search(conn: &mut crate::db::Conn, now: i64) -> AppResult<u64> {
    let mut public = 0;
    for e in store::all(conn, i64::MAX).await? {
        public += u64::from(index_for_search(conn, e.id, now).await?);
    }
    Ok(public)
}

/// Turns a recurrence rule into a plan's start times, or a single start.
pub fn starts(rrule: Option<&str>, single: Option<i64>, errors: &mut Vec<FieldError>) -> Vec<i64> {
    match (rrule, single) {
        (Some(rule), None) => occurrences(rule, errors),
        (None, Some(start)) => vec![start],
        _ => {
            errors.push(FieldError { field: "rrule", key: "form.session_or_series" });
            Vec::new()
        }
    }
}

//! Filing a case: what a new case must be (here), and the write that stores it (`store`).
//!
//! The rules are pure: what a filing refers to (its category, its community, the filer's open
//! patrol) comes in as [`Refs`], read by one statement (`cases::store::FILING_REFS`), so the
//! pool and the SQLite writer thread check a filing alike — on SQLite in the same thread and
//! transaction as the write, so a category retired or a patrol ended meanwhile cannot slip by.

pub mod menu;
pub mod store;

use crate::cases::model::{Case, Source, valid_coords};
use crate::cases::workflow::State;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, StreetId, UserId};

/// Longest description or note kept.
pub const MAX_TEXT: usize = 2000;
/// Longest address kept.
pub const MAX_ADDRESS: usize = 200;

/// A new case as filed.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Category (a minor category).
    pub category_id: i64,
    /// What was found.
    pub description: String,
    /// Community where it is.
    pub community_id: Option<CommunityId>,
    /// Address or landmark.
    pub address: String,
    /// Not to be named to the department or the public.
    pub anonymous: bool,
    /// Where, as WGS84 (latitude, longitude), from the phone or a map.
    pub coords: Option<(f64, f64)>,
    /// The filer's open foot patrol it was found on.
    pub patrol_id: Option<i64>,
}

/// A category kind reserved to one source (registered by an add-on, see
/// `addons::CaseAddon::reserved_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    /// The category kind (`case_categories.kind`).
    pub kind: &'static str,
    /// The source that files it, and nothing else.
    pub source: Source,
}

/// Whom staff file a case for when they take it down for someone else (a hotline call).
#[derive(Debug, Clone, Copy)]
pub struct OnBehalf {
    /// How it came in.
    pub source: Source,
    /// The caller's own account, if they have one: they become the reporter.
    pub reporter: Option<UserId>,
}

/// What a filing refers to, as `store::FILING_REFS` finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    /// The category's kind, if it is a minor category open for filing.
    pub kind: Option<String>,
    /// The community's street, if the community exists.
    pub street: Option<i64>,
    /// The filer's open patrol, if any.
    pub open_patrol: Option<i64>,
}

/// Who files and how it came in.
#[derive(Debug, Clone, Copy)]
pub struct Filer {
    /// The source of the case.
    pub source: Source,
    /// Its reporter (none for an anonymous hotline caller without an account).
    pub reporter: Option<UserId>,
}

impl Filer {
    /// `user` files for themself (`own`: the source their roles give, see `Source::for_filer`),
    /// or staff file `on_behalf` of someone else.
    pub fn new(user: UserId, own: Source, new: &NewCase, on_behalf: Option<OnBehalf>) -> Self {
        match on_behalf {
            Some(b) => Self { source: b.source, reporter: b.reporter },
            None if new.patrol_id.is_some() => Self { source: Source::Patrol, reporter: Some(user) },
            None => Self { source: own, reporter: Some(user) },
        }
    }
}

/// Checks a filing against what it refers to and the kinds the add-ons reserve; the case to
/// store, with no id yet. Every field's errors come at once; a patrol that is not the filer's
/// open one is a conflict.
pub fn check(new: NewCase, refs: &Refs, filer: Filer, reserved: &[Reserved], now: i64) -> AppResult<Case> {
    let description = new.description.trim().to_owned();
    let mut errors = Vec::new();
    if description.is_empty() {
        errors.push(FieldError { field: "description", key: "form.required" });
    } else if description.chars().count() > MAX_TEXT {
        errors.push(FieldError { field: "description", key: "form.text_too_long" });
    }
    if new.address.chars().count() > MAX_ADDRESS {
        errors.push(FieldError { field: "address", key: "form.address_invalid" });
    }
    if new.coords.is_some_and(|c| !valid_coords(c)) {
        errors.push(FieldError { field: "lat", key: "form.coordinate_invalid" });
    }
    // A reserved kind (assistance items) is filed by its source only, and that source files
    // nothing else here.
    let reserved_to = |kind: &str| reserved.iter().find(|r| r.kind == kind).map(|r| r.source);
    let reserving = reserved.iter().any(|r| r.source == filer.source).then_some(filer.source);
    if refs.kind.as_deref().is_none_or(|kind| reserved_to(kind) != reserving) {
        errors.push(FieldError { field: "category_id", key: "form.choice_invalid" });
    }
    let street = new.community_id.and(refs.street);
    if new.community_id.is_some() && street.is_none() {
        errors.push(FieldError { field: "community_id", key: "form.choice_invalid" });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if new.patrol_id.is_some() && new.patrol_id != refs.open_patrol {
        return Err(AppError::Conflict("patrols.not_open"));
    }
    Ok(Case {
        id: 0,
        category_id: new.category_id,
        source: filer.source,
        state: State::Reported,
        description,
        street_id: street.map(StreetId),
        community_id: new.community_id,
        address: new.address.trim().to_owned(),
        coords: new.coords,
        merged_into: None,
        patrol_id: new.patrol_id,
        reporter: filer.reporter,
        anonymous: new.anonymous,
        department_id: None,
        dispatched_at: None,
        deadline_at: None,
        closed_at: None,
        escalated: false,
        rework_count: 0,
        rating: None,
        created_at: now,
        agent: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Assistance items, as enterprise assistance reserves them.
    const RESERVED: &[Reserved] = &[Reserved { kind: "assist", source: Source::Enterprise }];

    fn new_case() -> NewCase {
        NewCase {
            category_id: 7,
            description: " 人行道上堆放建筑垃圾 ".into(),
            community_id: Some(CommunityId(3)),
            address: "香港中路 8 号".into(),
            anonymous: false,
            coords: Some((36.06, 120.38)),
            patrol_id: None,
        }
    }

    fn refs() -> Refs {
        Refs { kind: Some("city".into()), street: Some(2), open_patrol: None }
    }

    fn resident() -> Filer {
        Filer::new(UserId(9), Source::Report, &new_case(), None)
    }

    fn keys(result: AppResult<Case>) -> Vec<&'static str> {
        match result {
            Err(AppError::Invalid(errors)) => errors.iter().map(|e| e.field).collect(),
            Err(AppError::Conflict(key)) => vec![key],
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_good_filing_becomes_a_reported_case_in_the_communitys_street() {
        let case = check(new_case(), &refs(), resident(), RESERVED, 1_000).unwrap();
        assert_eq!(case.state, State::Reported);
        assert_eq!(case.description, "人行道上堆放建筑垃圾");
        assert_eq!((case.street_id, case.community_id), (Some(StreetId(2)), Some(CommunityId(3))));
        assert_eq!((case.source, case.reporter, case.created_at), (Source::Report, Some(UserId(9)), 1_000));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let new = NewCase {
            description: "  ".into(),
            address: "路".repeat(MAX_ADDRESS + 1),
            coords: Some((91.0, 120.0)),
            ..new_case()
        };
        let refs = Refs { kind: None, street: None, open_patrol: None };
        assert_eq!(
            keys(check(new, &refs, resident(), RESERVED, 0)),
            ["description", "address", "lat", "category_id", "community_id"]
        );
    }

    #[test]
    fn a_reserved_kind_is_for_its_source_and_only_it() {
        let item = Refs { kind: Some("assist".into()), ..refs() };
        assert_eq!(keys(check(new_case(), &item, resident(), RESERVED, 0)), ["category_id"]);
        let company = Filer::new(
            UserId(9),
            Source::Report,
            &new_case(),
            Some(OnBehalf { source: Source::Enterprise, reporter: Some(UserId(9)) }),
        );
        assert!(check(new_case(), &item, company, RESERVED, 0).is_ok());
        assert_eq!(keys(check(new_case(), &refs(), company, RESERVED, 0)), ["category_id"]);
    }

    #[test]
    fn a_finding_needs_the_filers_open_patrol() {
        let on_patrol = NewCase { patrol_id: Some(5), ..new_case() };
        let inspector = Filer::new(UserId(7), Source::Report, &on_patrol, None);
        assert_eq!(inspector.source, Source::Patrol);
        let open = Refs { open_patrol: Some(5), ..refs() };
        assert_eq!(check(on_patrol.clone(), &open, inspector, RESERVED, 0).unwrap().patrol_id, Some(5));
        let other = Refs { open_patrol: Some(6), ..refs() };
        assert_eq!(keys(check(on_patrol.clone(), &other, inspector, RESERVED, 0)), ["patrols.not_open"]);
        assert_eq!(keys(check(on_patrol, &refs(), inspector, RESERVED, 0)), ["patrols.not_open"]);
    }

    #[test]
    fn a_hotline_call_without_an_account_has_no_reporter() {
        let call = Filer::new(
            UserId(5),
            Source::Hotline,
            &new_case(),
            Some(OnBehalf { source: Source::Hotline, reporter: None }),
        );
        let case = check(new_case(), &refs(), call, RESERVED, 0).unwrap();
        assert_eq!((case.source, case.reporter), (Source::Hotline, None));
    }

    #[test]
    fn no_community_means_no_street() {
        let new = NewCase { community_id: None, ..new_case() };
        let case = check(new, &refs(), resident(), RESERVED, 0).unwrap();
        assert_eq!((case.street_id, case.community_id), (None, None));
    }
}

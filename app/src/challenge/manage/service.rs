//! The back office's use cases beyond `challenge::service`'s: changing a challenge's rules,
//! renaming a team, one team per community, and recording a per-person export. Each checks that
//! the user runs the challenge and writes its audit entry in the same transaction.
//!
//! What a change may not do once people take part, because it would break what is stored:
//! - the route, once anyone joined (their positions and milestones are on it);
//! - the scale, once any metres count: positions are real metres × the scale, read when shown,
//!   so a new scale would move every team along the route at once, past milestones whose
//!   quizzes were answered or back before them;
//! - the dates, so that a check-in would fall outside them.
//!
//! Caps, steps per km and the day window are read when a check-in is made: a change applies to
//! check-ins from then on, and those already counted keep their counted metres.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::challenge::manage::store as mstore;
use crate::challenge::model::{TeamKind, join_code};
use crate::challenge::service::{check_places, create_team, runs};
use crate::challenge::store::{self, Challenge, Team};
use crate::challenge::team_sums;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;

/// Changes challenge `id` to `new` (the rules as `api::check` gives them); the challenge as
/// saved. The user must run it as it was and as it will be, so nobody moves a challenge to a
/// place they do not run.
pub async fn update(state: &AppState, user: &CurrentUser, id: i64, mut new: Challenge) -> AppResult<Challenge> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::challenge(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut tx, user, &before).await? || !runs(&mut tx, user, &new).await? {
        return Err(AppError::Forbidden);
    }
    check_places(&mut tx, &new).await?;
    new.id = id;
    new.demo = before.demo;
    new.created_at = before.created_at;
    let figures = mstore::figures(&mut tx, id).await?;
    let days = mstore::checkin_days(&mut tx, id).await?;
    let errors = breaks(&before, &new, figures, days.as_ref());
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    mstore::update_challenge(&mut tx, &new, now).await?;
    let after = store::challenge(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("challenge", id, before.street_id.map(StreetId)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "challenges.update", change).await?;
    tx.commit().await?;
    team_sums::changed(state, id);
    Ok(after)
}

/// What in a change from `before` to `new` would break stored data (see the module doc), as
/// field errors.
fn breaks(
    before: &Challenge,
    new: &Challenge,
    figures: mstore::Figures,
    days: Option<&(String, String)>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if figures.participants > 0 && new.route != before.route {
        errors.push(FieldError { field: "route", key: "challenge_manage.route_locked" });
    }
    if figures.counted_m > 0 && new.scale_milli != before.scale_milli {
        errors.push(FieldError { field: "scale", key: "challenge_manage.scale_locked" });
    }
    if let Some((first, last)) = days {
        // Days are `YYYY-MM-DD`: their text order is their order.
        if new.starts_on.as_str() > first.as_str() {
            errors.push(FieldError { field: "starts_on", key: "challenge_manage.dates_exclude_checkins" });
        }
        if new.ends_on.as_str() < last.as_str() {
            errors.push(FieldError { field: "ends_on", key: "challenge_manage.dates_exclude_checkins" });
        }
    }
    errors
}

/// The team, if the user runs its challenge (404 when there is none, 403 when not theirs).
pub async fn run_team(state: &AppState, user: &CurrentUser, challenge_id: i64, team_id: i64) -> AppResult<Team> {
    let mut conn = state.db.conn().await?;
    let t =
        store::team(&mut conn, team_id).await?.filter(|t| t.challenge_id == challenge_id).ok_or(AppError::NotFound)?;
    let c = store::challenge(&mut conn, challenge_id).await?.ok_or(AppError::NotFound)?;
    if !runs(&mut conn, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    Ok(t)
}

/// A team's name as typed: 1–60 characters.
pub fn team_name(raw: &str) -> Result<String, Vec<FieldError>> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(vec![FieldError { field: "name", key: "challenge_manage.team_name_invalid" }]);
    }
    Ok(name.to_owned())
}

/// Renames a team of a challenge the user runs.
pub async fn rename_team(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    team_id: i64,
    raw: &str,
) -> AppResult<()> {
    let name = team_name(raw).map_err(AppError::Invalid)?;
    let before = run_team(state, user, challenge_id, team_id).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    mstore::rename_team(&mut tx, team_id, &name, now).await?;
    let after = store::team(&mut tx, team_id).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("challenge_team", team_id, before.street_id.map(StreetId)).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "challenges.team_rename", change).await?;
    tx.commit().await?;
    team_sums::changed(state, challenge_id);
    Ok(())
}

/// Makes a community team for every community of the challenge's street (of the whole district
/// for a district challenge) that has none yet; how many it made. Running it again makes none:
/// a community with a team of its own is skipped. Each team is made by `create_team`, the same
/// use case as the API's, so checks and audit entries are its.
pub async fn community_teams(state: &AppState, user: &CurrentUser, c: &Challenge, suffix: &str) -> AppResult<usize> {
    let (communities, existing) = {
        let mut conn = state.db.conn().await?;
        if !runs(&mut conn, user, c).await? {
            return Err(AppError::Forbidden);
        }
        let dir = crate::org::Directory::load(&mut conn).await?;
        let existing: Vec<i64> = store::teams(&mut conn, c.id)
            .await?
            .into_iter()
            .filter(|t| t.kind == TeamKind::Community)
            .filter_map(|t| t.community_id)
            .collect();
        let communities: Vec<_> =
            dir.communities.into_iter().filter(|k| c.street_id.is_none_or(|s| k.street_id.0 == s)).collect();
        (communities, existing)
    };
    let mut made = 0;
    for k in communities.into_iter().filter(|k| !existing.contains(&k.id.0)) {
        let team = Team {
            id: 0,
            challenge_id: c.id,
            kind: TeamKind::Community,
            name: format!("{}{suffix}", k.name),
            street_id: Some(k.street_id.0),
            community_id: Some(k.id.0),
            join_code: None,
            members: 0,
            counted_m: 0,
        };
        // Community teams are joined by living there, not with a code: none is kept.
        create_team(state, user, c.id, team, String::new()).await?;
        made += 1;
    }
    Ok(made)
}

/// A join code from the thread's generator, for the teams people join with one.
pub fn fresh_code() -> String {
    let mut rng = rand::thread_rng();
    join_code(|n| rand::Rng::gen_range(&mut rng, 0..n))
}

/// Records that the user took the per-person export of challenge `c` (`rows` people): it holds
/// names, so who took it is kept as for other personal data.
pub async fn record_people_export(state: &AppState, user: &CurrentUser, c: &Challenge, rows: usize) -> AppResult<()> {
    let mut conn = state.db.conn().await?;
    let change = Change::new("challenge", c.id, c.street_id.map(StreetId)).after(&serde_json::json!({ "rows": rows }));
    audit::record(&mut conn, state.clock.unix(), user.id, "challenges.export_people", change).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::model::Audience;

    fn challenge() -> Challenge {
        Challenge {
            id: 1,
            name: "重走长征路".into(),
            route: "long_march".into(),
            scale_milli: 10_000,
            starts_on: "2026-11-01".into(),
            ends_on: "2026-12-31".into(),
            daily_cap_m: 30_000,
            caps_m: [None; 4],
            steps_per_km: 1_400,
            days_back: 1,
            audience: Audience::Everyone,
            street_id: None,
            department_id: None,
            personal_board: false,
            demo: false,
            created_at: 0,
        }
    }

    #[test]
    fn changes_that_would_break_stored_data_are_refused() {
        let before = challenge();
        let fields = |new: &Challenge, f: mstore::Figures, days: Option<(&str, &str)>| {
            let days = days.map(|(a, b)| (a.to_owned(), b.to_owned()));
            breaks(&before, new, f, days.as_ref()).iter().map(|e| e.field).collect::<Vec<_>>()
        };
        let joined = mstore::Figures { participants: 3, counted_m: 0, held: 0 };
        let counted = mstore::Figures { participants: 3, counted_m: 5_000, held: 0 };
        let other_route = Challenge { route: "other".into(), ..challenge() };
        let rescaled = Challenge { scale_milli: 20_000, ..challenge() };
        let capped = Challenge { daily_cap_m: 10_000, caps_m: [Some(5_000), None, None, None], ..challenge() };
        let later = Challenge { starts_on: "2026-11-20".into(), ..challenge() };
        assert_eq!(fields(&other_route, Default::default(), None), Vec::<&str>::new(), "nobody joined yet");
        assert_eq!(fields(&other_route, joined, None), ["route"]);
        assert_eq!(fields(&rescaled, joined, None), Vec::<&str>::new(), "nothing counts yet");
        assert_eq!(fields(&rescaled, counted, None), ["scale"]);
        assert_eq!(fields(&capped, counted, Some(("2026-11-02", "2026-11-30"))), Vec::<&str>::new(), "from now on");
        assert_eq!(fields(&later, counted, Some(("2026-11-02", "2026-11-30"))), ["starts_on"]);
        assert_eq!(fields(&later, counted, Some(("2026-11-25", "2026-11-30"))), Vec::<&str>::new());
    }
}

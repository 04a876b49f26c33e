//! The demo's Long March challenge (网上重走长征路): one district challenge run by the demo
//! organiser (区委宣传部) on the Long March route, with a team for every street, a team for each
//! community of the demo accounts' street and a Party branch team, and a week of check-ins by
//! the nine demo accounts so the boards are not empty — one of them held, for the review queue.
//!
//! Marked as demo where people see it: the challenge's `demo` flag and its name (（演示）).
//! Everything goes through the domain's use cases as the demo accounts, so the rules, totals
//! and audit entries are as in real use. The challenge lets check-ins go a week back
//! (`days_back` 7) so the demo's week can be checked in through the same rules on the day
//! the demo is loaded; times are relative to `state.clock`. Its milestone quizzes are the route's
//! demo questions (`data/long_march_quiz.json`).

use anyhow::Context as _;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::Role;
use crate::challenge::checkin::{self, NewCheckin};
use crate::challenge::model::{Audience, Kind, Source, TeamKind};
use crate::challenge::route::LONG_MARCH;
use crate::challenge::service;
use crate::challenge::store::{self, Challenge, Team};
use crate::clock::local_day;

/// The demo challenge's name: a second load finds it and changes nothing.
pub const NAME: &str = "网上重走长征路（演示）";

/// What was loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Teams.
    pub teams: usize,
    /// Check-ins.
    pub checkins: usize,
}

/// Loads the demo challenge into a district with the demo accounts; None when it is there.
pub async fn load(state: &AppState) -> anyhow::Result<Option<Loaded>> {
    let fail = |what: &str, e: crate::error::AppError| anyhow::anyhow!("demo challenge, {what}: {e:?}");
    let mut conn = state.db.conn().await?;
    if store::challenges(&mut conn, 1000).await?.iter().any(|c| c.name == NAME) {
        return Ok(None);
    }
    let mut people = Vec::new();
    for role in Role::ALL {
        let index = state.keys.phone_index(super::demo_phone(role));
        let id = crate::accounts::user_id_by_phone(&mut conn, &index).await?.context("load the demo accounts first")?;
        people.push(crate::accounts::credentials::sessions::load_user(&mut conn, id).await?.context("demo account")?);
    }
    let department = crate::org::list_departments(&mut conn, 0, 1000)
        .await?
        .into_iter()
        .find(|d| d.name == "区委宣传部")
        .context("no 区委宣传部")?;
    let streets = crate::org::store::list_streets(&mut conn, None, 0, 1000).await?;
    let home = people.iter().find_map(|p| p.community_id).context("demo accounts without a community")?;
    let home = crate::org::community(&mut conn, home).await?.context("demo community")?;
    let communities = crate::org::store::list_communities(&mut conn, Some(home.street_id), 0, 1000).await?;
    drop(conn);

    let organiser = person(&people, Role::Organizer)?;
    let today = local_day(state.clock.unix());
    let day = |days: i64| (today + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    let challenge = Challenge {
        id: 0,
        name: NAME.into(),
        route: LONG_MARCH.into(),
        scale_milli: 10_000,
        starts_on: day(-14),
        ends_on: day(76),
        daily_cap_m: 30_000,
        caps_m: [None, None, None, Some(5_000)],
        steps_per_km: crate::challenge::model::DEFAULT_STEPS_PER_KM,
        days_back: 7,
        audience: Audience::Everyone,
        street_id: None,
        department_id: Some(department.id.0),
        personal_board: false,
        demo: true,
        created_at: 0,
    };
    let id = service::create(state, organiser, challenge).await.map_err(|e| fail("challenge", e))?;
    // Its milestone quizzes (demo questions from the route's quiz file), there from the start.
    let created = store::challenge(&mut *state.db.conn().await?, id).await?.context("demo challenge")?;
    crate::challenge::milestone::service::ensure_quiz(state, &created).await.map_err(|e| fail("quiz", e))?;
    let mut loaded = Loaded::default();
    let team = |kind: TeamKind, name: String, street: Option<i64>, community: Option<i64>| Team {
        id: 0,
        challenge_id: id,
        kind,
        name,
        street_id: street,
        community_id: community,
        join_code: None,
        members: 0,
        counted_m: 0,
    };
    let mut street_team = None;
    for s in &streets {
        let t = team(TeamKind::Street, format!("{}队", s.name), Some(s.id.0), None);
        let saved = service::create_team(state, organiser, id, t, String::new()).await.map_err(|e| fail("team", e))?;
        if s.id == home.street_id {
            street_team = Some(saved.id);
        }
        loaded.teams += 1;
    }
    let mut community_team = None;
    for c in &communities {
        let t = team(TeamKind::Community, format!("{}队", c.name), None, Some(c.id.0));
        let saved = service::create_team(state, organiser, id, t, String::new()).await.map_err(|e| fail("team", e))?;
        if c.id == home.id {
            community_team = Some(saved.id);
        }
        loaded.teams += 1;
    }
    let branch = team(TeamKind::Branch, "区委宣传部机关党支部".into(), None, None);
    let branch =
        service::create_team(state, organiser, id, branch, "CZ1934".into()).await.map_err(|e| fail("team", e))?;
    loaded.teams += 1;

    // The nine accounts in three teams, each with a week of walks (and some runs) of a few km.
    for (i, p) in people.iter().enumerate() {
        let (team, code) = match i % 3 {
            0 => (community_team, None),
            1 => (street_team, None),
            _ => (Some(branch.id), branch.join_code.as_deref()),
        };
        service::join(state, p, id, team, code).await.map_err(|e| fail("join", e))?;
        for back in (0..=6).rev() {
            let km = 2 + ((i as i64) * 5 + back * 3) % 9;
            let kind = if back % 3 == 0 { Kind::Run } else { Kind::Walk };
            let new = walk(today + chrono::Duration::days(-back), kind, km * 1000, None);
            checkin::check_in(state, p, id, new).await.map_err(|e| fail("check-in", e))?;
            loaded.checkins += 1;
        }
    }
    // One implausible ride (60 km in an hour), held for the organiser.
    let resident = person(&people, Role::Resident)?;
    let held = walk(today, Kind::Cycle, 60_000, Some(60));
    checkin::check_in(state, resident, id, held).await.map_err(|e| fail("held check-in", e))?;
    loaded.checkins += 1;
    Ok(Some(loaded))
}

/// The demo account of `role` (`people` is in the order of [`Role::ALL`]).
fn person(people: &[CurrentUser], role: Role) -> anyhow::Result<&CurrentUser> {
    Role::ALL.iter().zip(people).find(|(r, _)| **r == role).map(|(_, p)| p).context("demo account")
}

/// A hand-entered check-in.
fn walk(day: chrono::NaiveDate, kind: Kind, metres: i64, minutes: Option<i64>) -> NewCheckin {
    NewCheckin {
        day,
        kind,
        metres: Some(metres),
        steps: None,
        minutes,
        source: Source::Manual,
        track_hash: None,
        jumps: false,
        idempotency_key: None,
    }
}

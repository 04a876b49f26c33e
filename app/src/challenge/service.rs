//! Challenge use cases other than check-ins (`checkin`): creating a challenge and its teams,
//! joining, and reading progress and boards. Each checks who may, and writes its audit entry in
//! the same transaction.
//!
//! Authorization: a challenge is placed where events are — at its owner street (none: the
//! district) and organising department — and run by the organisers whose reach covers that
//! place, and by district admins (`Target::Challenge`, the rule book's). A street's organisers
//! thus run their street's challenges and no other's. Residents make only custom teams, and
//! join.

use serde::Serialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Location, Role, Scope, Target};
use crate::challenge::model::{Audience, TeamKind, team_mean_m};
use crate::challenge::route::{Position, Route};
use crate::challenge::store::{self, Challenge, Participant, Team};
use crate::challenge::team_sums;
use crate::clock::local_day;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, DepartmentId, StreetId};

/// Where a challenge sits, for authorization.
pub async fn location(conn: &mut crate::db::Conn, c: &Challenge) -> AppResult<Location> {
    let dept_street = match c.department_id {
        Some(d) => crate::org::department(conn, DepartmentId(d)).await?.and_then(|d| d.street_id),
        None => None,
    };
    Ok(Location {
        street: c.street_id.map(StreetId).or(dept_street),
        community: None,
        department: c.department_id.map(DepartmentId),
    })
}

/// Whether the user runs this challenge (its teams, its review queue).
pub async fn runs(conn: &mut crate::db::Conn, user: &CurrentUser, c: &Challenge) -> AppResult<bool> {
    let loc = location(conn, c).await?;
    Ok(user.principal.can(Action::Manage, &Target::Challenge(loc)))
}

/// Creates a challenge (organisers of its place, district admins); its id.
pub async fn create(state: &AppState, user: &CurrentUser, c: Challenge) -> AppResult<i64> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if !runs(&mut tx, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    check_places(&mut tx, &c).await?;
    let id = store::insert_challenge(&mut tx, &c, Some(user.id), now).await?;
    let after = store::challenge(&mut tx, id).await?;
    audit::record(
        &mut tx,
        now,
        user.id,
        "challenges.create",
        Change::new("challenge", id, c.street_id.map(StreetId)).after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The places a challenge names exist (a 422 on the field otherwise).
pub(crate) async fn check_places(conn: &mut crate::db::Conn, c: &Challenge) -> AppResult<()> {
    let mut errors = Vec::new();
    if let Some(s) = c.street_id
        && crate::org::street(conn, StreetId(s)).await?.is_none()
    {
        errors.push(FieldError { field: "street_id", key: "form.choice_invalid" });
    }
    if let Some(d) = c.department_id
        && crate::org::department(conn, DepartmentId(d)).await?.is_none()
    {
        errors.push(FieldError { field: "department_id", key: "form.choice_invalid" });
    }
    let audience_exists = match c.audience {
        Audience::Everyone => true,
        Audience::Street(s) => crate::org::street(conn, StreetId(s)).await?.is_some(),
        Audience::Community(k) => crate::org::community(conn, CommunityId(k)).await?.is_some(),
        Audience::Department(d) => crate::org::department(conn, DepartmentId(d)).await?.is_some(),
    };
    if !audience_exists {
        errors.push(FieldError { field: "audience", key: "form.choice_invalid" });
    }
    if errors.is_empty() { Ok(()) } else { Err(AppError::Invalid(errors)) }
}

/// A new team: organisers make street, community and branch teams; anyone who may join makes a
/// custom one. Branch and custom teams get `code` (made by the caller with
/// [`crate::challenge::model::join_code`], randomness being a parameter) as their join code.
pub async fn create_team(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    mut team: Team,
    code: String,
) -> AppResult<Team> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let c = store::challenge(&mut tx, challenge_id).await?.ok_or(AppError::NotFound)?;
    let allowed = match team.kind {
        TeamKind::Custom => may_join(&mut tx, user, &c).await?,
        _ => runs(&mut tx, user, &c).await?,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    team.challenge_id = challenge_id;
    match team.kind {
        TeamKind::Street => {
            let street = team.street_id.map(StreetId);
            let found = match street {
                Some(s) => crate::org::street(&mut tx, s).await?.is_some(),
                None => false,
            };
            if !found {
                return Err(AppError::Invalid(vec![FieldError { field: "street_id", key: "form.choice_invalid" }]));
            }
            team.community_id = None;
        }
        TeamKind::Community => {
            let community = match team.community_id {
                Some(k) => crate::org::community(&mut tx, CommunityId(k)).await?,
                None => None,
            };
            let Some(community) = community else {
                return Err(AppError::Invalid(vec![FieldError { field: "community_id", key: "form.choice_invalid" }]));
            };
            team.street_id = Some(community.street_id.0);
        }
        TeamKind::Branch | TeamKind::Custom => {
            team.street_id = None;
            team.community_id = None;
        }
    }
    team.join_code = team.kind.needs_code().then_some(code);
    let id = store::insert_team(&mut tx, &team, user.id, now).await?;
    let saved = store::team(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let change = Change::new("challenge_team", id, c.street_id.map(StreetId)).after(&saved);
    audit::record(&mut tx, now, user.id, "challenges.team_create", change).await?;
    tx.commit().await?;
    team_sums::changed(state, challenge_id);
    Ok(saved)
}

/// Whether the user is one of the challenge's audience.
pub async fn may_join(conn: &mut crate::db::Conn, user: &CurrentUser, c: &Challenge) -> AppResult<bool> {
    let home = match user.community_id {
        Some(k) => crate::org::community(conn, k).await?,
        None => None,
    };
    Ok(match c.audience {
        Audience::Everyone => true,
        Audience::Street(s) => home.is_some_and(|h| h.street_id.0 == s),
        Audience::Community(k) => home.is_some_and(|h| h.id.0 == k),
        Audience::Department(d) => user
            .principal
            .grants()
            .iter()
            .any(|g| g.role != Role::Resident && g.scope == Scope::Department(DepartmentId(d))),
    })
}

/// The outcome of joining.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The participation.
    pub participant: Participant,
    /// Whether this request added it (false: they had joined before).
    pub new: bool,
}

/// Joins the challenge, with a team or not. Joining again is no second participation: it puts
/// a participant without a team into the team named, and otherwise changes nothing (moving
/// between teams is refused, so no team's total moves behind its members' backs).
pub async fn join(
    state: &AppState,
    user: &CurrentUser,
    challenge_id: i64,
    team_id: Option<i64>,
    code: Option<&str>,
) -> AppResult<Joined> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let c = store::challenge(&mut tx, challenge_id).await?.ok_or(AppError::NotFound)?;
    if !may_join(&mut tx, user, &c).await? {
        return Err(AppError::Rule("challenge.not_in_audience"));
    }
    let team = match team_id {
        Some(t) => Some(
            store::team(&mut tx, t)
                .await?
                .filter(|t| t.challenge_id == challenge_id)
                .ok_or(AppError::Invalid(vec![FieldError { field: "team_id", key: "form.choice_invalid" }]))?,
        ),
        None => None,
    };
    let home = match user.community_id {
        Some(k) => crate::org::community(&mut tx, k).await?,
        None => None,
    };
    if let Some(t) = &team {
        let fits = match t.kind {
            TeamKind::Street => home.as_ref().is_some_and(|h| Some(h.street_id.0) == t.street_id),
            TeamKind::Community => home.as_ref().is_some_and(|h| Some(h.id.0) == t.community_id),
            TeamKind::Branch | TeamKind::Custom => {
                code.is_some_and(|c| t.join_code.as_deref().is_some_and(|j| j.eq_ignore_ascii_case(c.trim())))
            }
        };
        if !fits {
            let key = if t.kind.needs_code() { "challenge.join_code_wrong" } else { "challenge.team_not_yours" };
            return Err(AppError::Rule(key));
        }
    }
    let fresh = Participant {
        id: 0,
        challenge_id,
        user_id: user.id.0,
        team_id: team.as_ref().map(|t| t.id),
        street_id: home.as_ref().map(|h| h.street_id.0),
        community_id: home.as_ref().map(|h| h.id.0),
        counted_m: 0,
    };
    let new = store::insert_participant(&mut tx, &fresh, now).await?;
    let mut p = store::lock_participant(&mut tx, challenge_id, user.id.0).await?.ok_or(AppError::NotFound)?;
    if new {
        if let Some(t) = &team {
            store::add_member(&mut tx, t.id, 0, now).await?;
        }
        let change = Change::new("challenge", challenge_id, p.street_id.map(StreetId)).after(&p);
        audit::record(&mut tx, now, user.id, "challenges.join", change).await?;
    } else if let Some(t) = &team {
        match p.team_id {
            Some(mine) if mine == t.id => {}
            Some(_) => return Err(AppError::Conflict("challenge.already_in_team")),
            None => {
                if store::set_team(&mut tx, p.id, t.id, now).await? {
                    store::add_member(&mut tx, t.id, p.counted_m, now).await?;
                    let before = p.clone();
                    p.team_id = Some(t.id);
                    let change =
                        Change::new("challenge", challenge_id, p.street_id.map(StreetId)).before(&before).after(&p);
                    audit::record(&mut tx, now, user.id, "challenges.join", change).await?;
                }
            }
        }
    }
    tx.commit().await?;
    team_sums::changed(state, challenge_id);
    Ok(Joined { participant: p, new })
}

/// Where someone or a team stands: real metres, route metres and the route's position.
#[derive(Debug, Clone)]
pub struct Standing {
    /// Real metres (a team's: per member).
    pub real_m: i64,
    /// Route metres.
    pub route_m: i64,
    /// The last milestone passed.
    pub milestone: Option<String>,
    /// The next one.
    pub next_milestone: Option<String>,
    /// Route metres to it.
    pub to_next_m: i64,
    /// Fraction of the main route.
    pub fraction: f64,
}

/// The standing after `real_m` real metres in challenge `c`.
pub fn standing(c: &Challenge, real_m: i64) -> Standing {
    let route_m = c.rules().route_m(real_m);
    let position: Option<Position<'_>> = Route::named(&c.route).and_then(|r| r.position(route_m));
    Standing {
        real_m,
        route_m,
        milestone: position.as_ref().map(|p| p.passed.name.clone()),
        next_milestone: position.as_ref().and_then(|p| p.next.map(|n| n.name.clone())),
        to_next_m: position.as_ref().map_or(0, |p| p.to_next_m),
        fraction: position.as_ref().map_or(0.0, |p| p.fraction),
    }
}

/// A team's standing: by its members' mean (see [`team_mean_m`]).
pub fn team_standing(c: &Challenge, t: &Team) -> Standing {
    standing(c, team_mean_m(t.counted_m, t.members))
}

/// The person's progress in a challenge, and their team's.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The challenge.
    pub challenge: Challenge,
    /// Their participation (None: not joined).
    pub participant: Option<Participant>,
    /// Their standing (0 when not joined).
    pub mine: Standing,
    /// Their team and its standing.
    pub team: Option<(Team, Standing)>,
}

/// The user's progress.
pub async fn progress(state: &AppState, user: &CurrentUser, challenge_id: i64) -> AppResult<Progress> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, challenge_id).await?.ok_or(AppError::NotFound)?;
    let p = store::participant(&mut conn, challenge_id, user.id).await?;
    let team = match p.as_ref().and_then(|p| p.team_id) {
        Some(t) => store::team(&mut conn, t).await?.map(|t| {
            let s = team_standing(&c, &t);
            (t, s)
        }),
        None => None,
    };
    let mine = standing(&c, p.as_ref().map_or(0, |p| p.counted_m));
    Ok(Progress { challenge: c, participant: p, mine, team })
}

/// Which board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardBy {
    /// Teams, by their members' mean.
    Team,
    /// Streets, by their participants' mean.
    Street,
    /// People (only when the organiser turned it on).
    Person,
}

/// Which kilometres a teams' board ranks by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Since the challenge began (the running totals).
    #[default]
    All,
    /// Today's check-ins alone (district day; at most half a minute behind).
    Today,
}

/// A row of a board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    /// Team or street id (None for people).
    pub id: Option<i64>,
    /// Name.
    pub name: String,
    /// Real metres that place it: per member for teams and streets, the person's own.
    pub real_m: i64,
    /// Sum of metres (teams and streets).
    pub total_m: i64,
    /// Members (teams and streets).
    pub members: i64,
    /// The team a person is in.
    pub team: Option<String>,
    /// A team's points: its members' totals in the points ledger (at most half a minute old).
    pub points: Option<i64>,
}

/// A board of the challenge, best first; ties keep a stable order (id, then name).
pub async fn board(
    state: &AppState,
    user: Option<&CurrentUser>,
    challenge_id: i64,
    by: BoardBy,
    period: Period,
) -> AppResult<(Challenge, Vec<BoardRow>)> {
    let (c, mut rows) = match by {
        BoardBy::Team => team_board(state, user, challenge_id, period).await?,
        BoardBy::Street | BoardBy::Person => people_board(state, user, challenge_id, by).await?,
    };
    rows.sort_by(|a, b| b.real_m.cmp(&a.real_m).then(a.id.cmp(&b.id)));
    Ok((c, rows))
}

/// The teams' board, from the teams as kept (`team_sums::teams`: the morning's most read page).
async fn team_board(
    state: &AppState,
    user: Option<&CurrentUser>,
    challenge_id: i64,
    period: Period,
) -> AppResult<(Challenge, Vec<BoardRow>)> {
    let kept = team_sums::teams(state, challenge_id, user.map(|u| u.id)).await?;
    let points = team_sums::points(state, challenge_id).await?;
    let today = match period {
        Period::All => None,
        Period::Today => Some(team_sums::day(state, challenge_id, local_day(state.clock.unix())).await?),
    };
    let rows = kept
        .teams
        .iter()
        .map(|t| {
            // Today: the day's metres of the team, by the same mean as overall.
            let counted_m = today.as_ref().map_or(t.counted_m, |d| d.get(&t.id).copied().unwrap_or(0));
            BoardRow {
                id: Some(t.id),
                real_m: team_mean_m(counted_m, t.members),
                total_m: counted_m,
                members: t.members,
                points: Some(points.get(&t.id).copied().unwrap_or(0)),
                name: t.name.clone(),
                team: None,
            }
        })
        .collect();
    Ok((kept.challenge.clone(), rows))
}

/// The streets' board, or the people's (when the organiser turned it on).
async fn people_board(
    state: &AppState,
    user: Option<&CurrentUser>,
    challenge_id: i64,
    by: BoardBy,
) -> AppResult<(Challenge, Vec<BoardRow>)> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, challenge_id).await?.ok_or(AppError::NotFound)?;
    if by == BoardBy::Street {
        let rows = store::street_totals(&mut conn, challenge_id)
            .await?
            .into_iter()
            .map(|s| BoardRow {
                id: Some(s.street_id),
                real_m: team_mean_m(s.counted_m, s.members),
                total_m: s.counted_m,
                members: s.members,
                name: s.name,
                team: None,
                points: None,
            })
            .collect();
        return Ok((c, rows));
    }
    if !c.personal_board {
        return Err(AppError::Rule("challenge.personal_board_off"));
    }
    // Names of people: for those signed in only.
    if user.is_none() {
        return Err(AppError::Unauthorized);
    }
    let rows = store::top_people(&mut conn, challenge_id, 100)
        .await?
        .into_iter()
        .map(|p| BoardRow {
            id: None,
            name: p.name,
            real_m: p.counted_m,
            total_m: p.counted_m,
            members: 1,
            team: p.team,
            points: None,
        })
        .collect();
    Ok((c, rows))
}

//! The challenges' progress and boards in the API: where I and my team stand on the route, and
//! the boards by team, street or person. Kilometres as in `api`: `km` real, `route_km` × scale.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, MaybeApiUser, Problem};
use crate::app::AppState;
use crate::challenge::api::Items;
use crate::challenge::model::km_of;
use crate::challenge::service::{self, BoardBy, Period, Standing};
use crate::error::AppResult;
use crate::web::extract::{Json, Path, Query};

/// The API routes of progress and boards.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(progress)).routes(routes!(board))
}

/// Where one stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    /// Real km counted (accepted and reduced check-ins).
    pub km: f64,
    /// Route km: `km` × scale.
    pub route_km: f64,
    /// The last milestone passed.
    pub milestone: Option<String>,
    /// The next milestone.
    pub next_milestone: Option<String>,
    /// Route km to the next milestone.
    pub next_route_km: f64,
    /// How far along the route to its finish, 0–1.
    pub fraction: f64,
}

impl From<&Standing> for ProgressView {
    fn from(s: &Standing) -> Self {
        Self {
            km: km_of(s.real_m),
            route_km: km_of(s.route_m),
            milestone: s.milestone.clone(),
            next_milestone: s.next_milestone.clone(),
            next_route_km: km_of(s.to_next_m),
            fraction: s.fraction,
        }
    }
}

/// My progress, and my team's.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyProgress {
    /// Mine.
    #[serde(flatten)]
    pub mine: ProgressView,
    /// Whether I joined.
    pub joined: bool,
    /// My team, if I am in one.
    pub team: Option<TeamProgress>,
}

/// A team's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamProgress {
    /// Team id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Joined participants.
    pub members: i64,
    /// The team's place: its members' mean.
    #[serde(flatten)]
    pub progress: ProgressView,
}

/// My progress along the route: real km, route km, the last milestone passed and the next.
#[utoipa::path(get, path = "/challenges/{id}/progress", tag = "challenges", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "My progress (zero if I have not joined) and my team's", body = MyProgress)))]
async fn progress(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<MyProgress>> {
    let p = service::progress(&state, &user, id).await?;
    let team = p.team.map(|(t, s)| TeamProgress { id: t.id, name: t.name, members: t.members, progress: (&s).into() });
    Ok(Json(MyProgress { mine: (&p.mine).into(), joined: p.participant.is_some(), team }))
}

/// Which board.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// `team` (default), `street` or `person` (when the organiser turned it on; signed in).
    #[param(inline)]
    pub by: Option<BoardBy>,
    /// For teams: `all` (default, since the challenge began) or `today` (today's check-ins
    /// alone, at most half a minute behind).
    #[param(inline)]
    pub period: Option<Period>,
}

/// A row of a board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardItem {
    /// Team or street id (absent for people).
    pub id: Option<i64>,
    /// Name.
    pub name: String,
    /// Real km that place it: per member for teams and streets.
    pub km: f64,
    /// Route km: `km` × scale.
    pub route_km: f64,
    /// Total real km (teams and streets).
    pub total_km: f64,
    /// Members (teams and streets).
    pub members: i64,
    /// The last milestone passed.
    pub milestone: Option<String>,
    /// A team's points (学习积分): its members' totals, at most half a minute old.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// A person's team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// A board, best first: teams and streets by their members' mean, people by their own km.
#[utoipa::path(get, path = "/challenges/{id}/board", tag = "challenges", params(("id" = i64, Path, description = "Challenge id"), BoardQuery),
    responses((status = 200, description = "The board", body = Items<BoardItem>),
        (status = 422, description = "`by=person` where the organiser has not turned the personal board on", body = Problem, content_type = "application/problem+json")))]
async fn board(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> AppResult<Json<Items<BoardItem>>> {
    let by = q.by.unwrap_or(BoardBy::Team);
    let (c, rows) = service::board(&state, user.as_deref(), id, by, q.period.unwrap_or_default()).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let s = service::standing(&c, r.real_m);
            BoardItem {
                id: r.id,
                name: r.name,
                km: km_of(r.real_m),
                route_km: km_of(s.route_m),
                total_km: km_of(r.total_m),
                members: r.members,
                milestone: s.milestone,
                team: r.team,
                points: r.points,
            }
        })
        .collect();
    Ok(Json(Items { items }))
}

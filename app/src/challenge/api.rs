//! The challenges' API, as issue 13's contract fixes it: challenges, their teams, joining.
//! Progress and boards are `progress_api`'s, check-ins and their review `checkin_api`'s. Distances in the API are
//! kilometres (`km`: real distance; `route_km`: along the route, real × scale); the database
//! keeps whole metres.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, MaybeApiUser, Problem};
use crate::app::AppState;
use crate::challenge::model::{
    Audience, DEFAULT_DAYS_BACK, DEFAULT_STEPS_PER_KM, MAX_DAYS_BACK, TeamKind, join_code, km_of, metres_of_km,
};
use crate::challenge::route::{LONG_MARCH, Route};
use crate::challenge::service;
use crate::challenge::store::{self, Challenge, Team};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::extract::{Json, Path};

/// The API routes of challenges.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_challenges, create_challenge))
        .routes(routes!(get_challenge))
        .routes(routes!(join))
        .routes(routes!(list_teams, create_team))
        .merge(crate::challenge::progress_api::router())
        .merge(crate::challenge::checkin_api::router())
}

/// Per-kind daily caps, km.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Caps {
    /// Walking.
    pub walk: Option<f64>,
    /// Running.
    pub run: Option<f64>,
    /// Cycling.
    pub cycle: Option<f64>,
    /// Swimming.
    pub swim: Option<f64>,
}

/// A new challenge.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewChallengeBody {
    /// Name, 1–100 characters.
    pub name: String,
    /// The route: `long_march`.
    pub route: String,
    /// Route km per real km (0.001–1000).
    pub scale: f64,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day, not before the first.
    pub ends_on: String,
    /// Most real km a person counts in a day, all kinds together.
    pub daily_cap_km: f64,
    /// Tighter daily caps for some kinds, km.
    #[serde(default)]
    pub caps: Option<Caps>,
    /// Steps that make a km (100–10,000; default 1,400).
    pub steps_per_km: Option<i64>,
    /// Days before today a check-in may be for (0–31; default 1: today and yesterday).
    pub days_back: Option<i64>,
    /// Who may join (default everyone).
    pub audience: Option<Audience>,
    /// The street that runs it (absent: the district).
    pub street_id: Option<i64>,
    /// The organising department.
    pub department_id: Option<i64>,
    /// Show a personal board (default off: teams only).
    #[serde(default)]
    pub personal_board: bool,
}

/// A challenge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Route.
    pub route: String,
    /// Length of the route to its finish, km.
    pub route_length_km: f64,
    /// Route km per real km.
    pub scale: f64,
    /// First day.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Daily cap per person, km.
    pub daily_cap_km: f64,
    /// Per-kind caps, km.
    pub caps: Caps,
    /// Steps per km.
    pub steps_per_km: i64,
    /// Days back a check-in may be for.
    pub days_back: i64,
    /// Who may join.
    pub audience: Audience,
    /// The street that runs it.
    pub street_id: Option<i64>,
    /// The organising department.
    pub department_id: Option<i64>,
    /// Whether there is a personal board.
    pub personal_board: bool,
    /// Demo content.
    pub demo: bool,
}

impl From<&Challenge> for ChallengeView {
    fn from(c: &Challenge) -> Self {
        let km = |m: Option<i64>| m.map(km_of);
        Self {
            id: c.id,
            name: c.name.clone(),
            route: c.route.clone(),
            route_length_km: Route::named(&c.route).map_or(0.0, |r| km_of(r.finish_m())),
            scale: c.scale_milli as f64 / 1000.0,
            starts_on: c.starts_on.clone(),
            ends_on: c.ends_on.clone(),
            daily_cap_km: km_of(c.daily_cap_m),
            caps: Caps { walk: km(c.caps_m[0]), run: km(c.caps_m[1]), cycle: km(c.caps_m[2]), swim: km(c.caps_m[3]) },
            steps_per_km: c.steps_per_km,
            days_back: c.days_back,
            audience: c.audience,
            street_id: c.street_id,
            department_id: c.department_id,
            personal_board: c.personal_board,
            demo: c.demo,
        }
    }
}

/// Checks a new challenge's fields, all at once.
pub(crate) fn check(b: &NewChallengeBody) -> Result<Challenge, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad = |field: &'static str, key: &'static str| errors.push(FieldError { field, key });
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        bad("name", "form.required");
    }
    if b.route != LONG_MARCH {
        bad("route", "form.choice_invalid");
    }
    let scale_milli = (b.scale * 1000.0).round();
    if !(b.scale.is_finite() && (1.0..=1_000_000.0).contains(&scale_milli)) {
        bad("scale", "form.number_invalid");
    }
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (starts, ends) = (day(&b.starts_on), day(&b.ends_on));
    if starts.is_none() {
        bad("starts_on", "form.date_invalid");
    }
    match (starts, ends) {
        (_, None) => bad("ends_on", "form.date_invalid"),
        (Some(s), Some(e)) if e < s => bad("ends_on", "form.time_order"),
        _ => {}
    }
    let daily_cap_m = metres_of_km(b.daily_cap_km);
    if daily_cap_m.is_none() {
        bad("daily_cap_km", "form.number_invalid");
    }
    let caps = b.caps.as_ref().map_or([None; 4], |c| [c.walk, c.run, c.cycle, c.swim]);
    let caps_m = caps.map(|c| c.map(metres_of_km));
    if caps_m.iter().any(|c| matches!(c, Some(None))) {
        bad("caps", "form.number_invalid");
    }
    let steps_per_km = b.steps_per_km.unwrap_or(DEFAULT_STEPS_PER_KM);
    if !(100..=10_000).contains(&steps_per_km) {
        bad("steps_per_km", "form.number_invalid");
    }
    let days_back = b.days_back.unwrap_or(DEFAULT_DAYS_BACK);
    if !(0..=MAX_DAYS_BACK).contains(&days_back) {
        bad("days_back", "form.number_invalid");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Challenge {
        id: 0,
        name: name.to_owned(),
        route: b.route.clone(),
        scale_milli: scale_milli as i64,
        starts_on: b.starts_on.clone(),
        ends_on: b.ends_on.clone(),
        daily_cap_m: daily_cap_m.unwrap_or_default(),
        caps_m: caps_m.map(Option::flatten),
        steps_per_km,
        days_back,
        audience: b.audience.unwrap_or(Audience::Everyone),
        street_id: b.street_id,
        department_id: b.department_id,
        personal_board: b.personal_board,
        demo: false,
        created_at: 0,
    })
}

/// Creates a challenge (organisers of the district, of its street or its department).
#[utoipa::path(post, path = "/challenges", tag = "challenges", request_body = NewChallengeBody, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = ChallengeView),
        (status = 403, description = "Not an organiser of the place it names", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn create_challenge(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Json(b): Json<NewChallengeBody>,
) -> AppResult<(StatusCode, Json<ChallengeView>)> {
    let c = check(&b).map_err(AppError::Invalid)?;
    let id = service::create(&state, &user, c).await?;
    let saved = store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(ChallengeView::from(&saved))))
}

/// A list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}

/// The challenges, newest first.
#[utoipa::path(get, path = "/challenges", tag = "challenges",
    responses((status = 200, description = "Challenges", body = Items<ChallengeView>)))]
async fn list_challenges(State(state): State<AppState>) -> AppResult<Json<Items<ChallengeView>>> {
    let found = store::challenges(&mut *state.db.conn().await?, 200).await?;
    Ok(Json(Items { items: found.iter().map(ChallengeView::from).collect() }))
}

/// One challenge.
#[utoipa::path(get, path = "/challenges/{id}", tag = "challenges", params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "The challenge", body = ChallengeView)))]
async fn get_challenge(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<ChallengeView>> {
    let c = store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(ChallengeView::from(&c)))
}

/// Joining: with a team, or none (a team may be named later, once).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct JoinBody {
    /// The team (a street or community team of one's home, or a branch or custom team with its code).
    pub team_id: Option<i64>,
    /// The join code of a branch or custom team.
    pub join_code: Option<String>,
}

/// Reads the optional body of a join: none, or a [`JoinBody`] (text holding U+0000 refused, as
/// `web::extract::Json` does).
fn join_body(body: &[u8]) -> AppResult<JoinBody> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(JoinBody::default());
    }
    let b: JoinBody = serde_json::from_slice(body).map_err(|_| AppError::BadRequest("error.json_unreadable"))?;
    if b.join_code.as_deref().is_some_and(|c| c.contains('\0')) {
        return Err(AppError::BadRequest("error.text_nul"));
    }
    Ok(b)
}

/// A participation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// Team.
    pub team_id: Option<i64>,
    /// Real km counted.
    pub km: f64,
}

/// Joins the challenge (yourself). Joining again is no second participation: 200 with the first.
#[utoipa::path(post, path = "/challenges/{id}/participants", tag = "challenges", request_body(content = Option<JoinBody>), security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 201, description = "Joined", body = ParticipantView),
        (status = 200, description = "Had joined already (put into the team named, if they had none)", body = ParticipantView),
        (status = 409, description = "Already in another team", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not of the challenge's audience, a team of another place, a wrong join code, or an unknown team", body = Problem, content_type = "application/problem+json")))]
async fn join(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<ParticipantView>)> {
    let b = join_body(&body)?;
    let joined = service::join(&state, &user, id, b.team_id, b.join_code.as_deref()).await?;
    let p = &joined.participant;
    let view = ParticipantView { id: p.id, challenge_id: p.challenge_id, team_id: p.team_id, km: km_of(p.counted_m) };
    Ok((if joined.new { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}

/// A team with where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: TeamKind,
    /// Name.
    pub name: String,
    /// Its street.
    pub street_id: Option<i64>,
    /// Its community.
    pub community_id: Option<i64>,
    /// The join code (to its maker and the challenge's organisers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
    /// Joined participants.
    pub members: i64,
    /// Real km per member: the team's place.
    pub km: f64,
    /// Route km: `km` × scale.
    pub route_km: f64,
    /// The last milestone passed.
    pub milestone: Option<String>,
}

fn team_view(c: &Challenge, t: Team, show_code: bool) -> TeamView {
    let s = service::team_standing(c, &t);
    TeamView {
        id: t.id,
        kind: t.kind,
        name: t.name,
        street_id: t.street_id,
        community_id: t.community_id,
        join_code: t.join_code.filter(|_| show_code),
        members: t.members,
        km: km_of(s.real_m),
        route_km: km_of(s.route_m),
        milestone: s.milestone,
    }
}

/// The challenge's teams.
#[utoipa::path(get, path = "/challenges/{id}/teams", tag = "challenges", params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "Its teams, in the order they were made", body = Items<TeamView>)))]
async fn list_teams(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Items<TeamView>>> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let show = match &user {
        Some(u) => service::runs(&mut conn, u, &c).await?,
        None => false,
    };
    let teams = store::teams(&mut conn, id).await?;
    Ok(Json(Items { items: teams.into_iter().map(|t| team_view(&c, t, show)).collect() }))
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTeamBody {
    /// `street`, `community`, `branch` (organisers) or `custom` (anyone who may join).
    pub kind: TeamKind,
    /// Name, 1–60 characters.
    pub name: String,
    /// The street of a street team.
    pub street_id: Option<i64>,
    /// The community of a community team.
    pub community_id: Option<i64>,
}

/// Makes a team: organisers of the challenge any kind, residents a custom team (joined with the
/// code in the answer).
#[utoipa::path(post, path = "/challenges/{id}/teams", tag = "challenges", request_body = NewTeamBody, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 201, description = "Made; branch and custom teams with their join code", body = TeamView),
        (status = 403, description = "Only the challenge's organisers make street, community and branch teams; only its audience custom ones", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")))]
async fn create_team(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(b): Json<NewTeamBody>,
) -> AppResult<(StatusCode, Json<TeamView>)> {
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::Invalid(vec![FieldError { field: "name", key: "form.required" }]));
    }
    let team = Team {
        id: 0,
        challenge_id: id,
        kind: b.kind,
        name: name.to_owned(),
        street_id: b.street_id,
        community_id: b.community_id,
        join_code: None,
        members: 0,
        counted_m: 0,
    };
    let code = {
        let mut rng = rand::thread_rng();
        join_code(|n| rand::Rng::gen_range(&mut rng, 0..n))
    };
    let saved = service::create_team(&state, &user, id, team, code).await?;
    let c = store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(team_view(&c, saved, true))))
}

//! `PATCH /api/v1/challenges/{id}`: changes a challenge's rules. The fields sent replace the
//! stored ones, the rest stay; the result goes through the same check as a new challenge
//! (`api::check`) and the same use case as the back office's form (`service::update`), which
//! refuses what would break stored data (see its module doc).

use axum::extract::State;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::challenge::api::{Caps, ChallengeView, NewChallengeBody, check};
use crate::challenge::manage::service;
use crate::challenge::model::{Audience, km_of};
use crate::challenge::store::{self, Challenge};
use crate::error::{AppError, AppResult};
use crate::web::extract::{Json, Path};

/// The routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(update_challenge))
}

/// A present field, `null` included (`Some(None)`), apart from an absent one (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a challenge: each field sent replaces the stored one; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengePatch {
    /// Name, 1–100 characters.
    pub name: Option<String>,
    /// The route (`long_march`); not once anyone joined.
    pub route: Option<String>,
    /// Route km per real km; not once any km count.
    pub scale: Option<f64>,
    /// First day; no later than the first check-in's day.
    pub starts_on: Option<String>,
    /// Last day; no earlier than the last check-in's day.
    pub ends_on: Option<String>,
    /// Daily cap per person, km (from now on: counted check-ins keep their km).
    pub daily_cap_km: Option<f64>,
    /// Per-kind caps, km: the whole set replaces the stored one (from now on).
    pub caps: Option<Caps>,
    /// Steps per km (from now on).
    pub steps_per_km: Option<i64>,
    /// Days back a check-in may be for.
    pub days_back: Option<i64>,
    /// Who may join.
    pub audience: Option<Audience>,
    /// The street that runs it; `null`: the district.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub street_id: Option<Option<i64>>,
    /// The organising department; `null`: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<i64>>,
    /// Show a personal board.
    pub personal_board: Option<bool>,
}

impl ChallengePatch {
    /// The stored challenge with the patch over it, as a new challenge's body.
    fn over(self, c: &Challenge) -> NewChallengeBody {
        let km = |m: Option<i64>| m.map(km_of);
        let caps = Caps { walk: km(c.caps_m[0]), run: km(c.caps_m[1]), cycle: km(c.caps_m[2]), swim: km(c.caps_m[3]) };
        NewChallengeBody {
            name: self.name.unwrap_or_else(|| c.name.clone()),
            route: self.route.unwrap_or_else(|| c.route.clone()),
            scale: self.scale.unwrap_or(c.scale_milli as f64 / 1000.0),
            starts_on: self.starts_on.unwrap_or_else(|| c.starts_on.clone()),
            ends_on: self.ends_on.unwrap_or_else(|| c.ends_on.clone()),
            daily_cap_km: self.daily_cap_km.unwrap_or(km_of(c.daily_cap_m)),
            caps: Some(self.caps.unwrap_or(caps)),
            steps_per_km: Some(self.steps_per_km.unwrap_or(c.steps_per_km)),
            days_back: Some(self.days_back.unwrap_or(c.days_back)),
            audience: Some(self.audience.unwrap_or(c.audience)),
            street_id: self.street_id.unwrap_or(c.street_id),
            department_id: self.department_id.unwrap_or(c.department_id),
            personal_board: self.personal_board.unwrap_or(c.personal_board),
        }
    }
}

/// Changes a challenge (those who run it, as it is and as it will be).
#[utoipa::path(patch, path = "/challenges/{id}", tag = "challenges", request_body = ChallengePatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Challenge id")),
    responses((status = 200, description = "Changed", body = ChallengeView),
        (status = 403, description = "Not an organiser of its place, or of the place it would move to", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a change that would break stored data (the route once people joined, the scale once km count, dates that leave check-ins out)", body = Problem, content_type = "application/problem+json")))]
async fn update_challenge(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(patch): Json<ChallengePatch>,
) -> AppResult<Json<ChallengeView>> {
    let stored = store::challenge(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let new = check(&patch.over(&stored)).map_err(AppError::Invalid)?;
    let saved = service::update(&state, &user, id, new).await?;
    Ok(Json(ChallengeView::from(&saved)))
}

//! `/api/v1/me`: who the token belongs to.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::authz::Grant;
use crate::ids::{CommunityId, UserId};

/// The token's owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User id.
    pub id: UserId,
    /// Display name.
    pub display_name: String,
    /// Masked phone number.
    pub phone_masked: String,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Roles and where they apply.
    pub roles: Vec<Grant>,
}

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The user the bearer token belongs to.
#[utoipa::path(
    get,
    path = "/me",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's owner", body = Me),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.id,
        display_name: user.display_name.clone(),
        phone_masked: user.phone_masked.clone(),
        community_id: user.community_id,
        roles: user.principal.grants.clone(),
    })
}

//! `/api/v1/me`: who the token belongs to, and the owner's API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::credentials;
use crate::accounts::model::ApiToken;
use crate::api::{ApiUser, Problem};
use crate::app::AppState;
use crate::authz::Grant;
use crate::error::AppResult;
use crate::ids::{CommunityId, UserId};
use crate::web::extract::{Json as JsonBody, Path};

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
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(list_tokens, create_token)).routes(routes!(revoke_token))
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
        roles: user.principal.grants().to_vec(),
    })
}

/// The owner's live API tokens (never the tokens themselves).
#[utoipa::path(
    get,
    path = "/me/tokens",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live tokens, newest first", body = [ApiToken]),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_tokens(ApiUser(user): ApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<ApiToken>>> {
    Ok(Json(credentials::list(&state, user.id).await?))
}

/// A token to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTokenRequest {
    /// What it is for (1–40 characters).
    pub label: String,
}

/// A token just made: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenAnswer {
    /// Token id, for revoking it.
    pub id: i64,
    /// The token: send it as `Authorization: Bearer <token>`. Ends when its owner changes
    /// their password.
    pub token: String,
}

/// Makes another personal token for the owner (at most 20 live ones).
#[utoipa::path(
    post,
    path = "/me/tokens",
    tag = "accounts",
    request_body = NewTokenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Made", body = NewTokenAnswer),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The label is missing or too long, or 20 tokens are live already", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn create_token(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NewTokenRequest>,
) -> AppResult<impl IntoResponse> {
    let made = credentials::issue(&state, Some(user.id), user.id, &body.label, false).await?;
    Ok((StatusCode::CREATED, Json(NewTokenAnswer { id: made.id, token: made.token })))
}

/// Revokes one of the owner's tokens (this one included). Other instances stop accepting it
/// within 30 seconds.
#[utoipa::path(
    delete,
    path = "/me/tokens/{id}",
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing or unknown token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live token of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn revoke_token(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    credentials::revoke(&state, user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

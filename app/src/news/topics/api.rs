//! Topic columns over the API: `GET/POST /topics` (the contract: `{title,
//! description}`), and `GET/PATCH /topics/{id}` with the banner, sections and attached
//! activities. The checks and the audit are the services'.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{MaybeApiUser, Problem};
use crate::app::AppState;
use crate::authz::gate::Newsroom;
use crate::error::{AppError, AppResult};
use crate::news::model::{ItemKind, Topic};
use crate::news::{service, store};
use crate::web::extract::{Json, Path};
use crate::web::guard::ApiStaff;

/// The topics' API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_topics, create_topic)).routes(routes!(get_topic, update_topic))
}

/// A new topic column.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTopicBody {
    /// 1–120 characters, e.g. 学百年党史 聚市南力量.
    title: String,
    /// Up to 500 characters.
    description: String,
}

/// The topic columns (专题).
#[utoipa::path(get, path = "/topics", tag = "news",
    responses((status = 200, description = "Topics", body = Vec<Topic>)))]
async fn list_topics(_auth: MaybeApiUser, State(state): State<AppState>) -> AppResult<Json<Vec<Topic>>> {
    Ok(Json(store::topics(&mut *state.db.conn().await?).await?))
}

/// Creates a topic column (editors and district admins).
#[utoipa::path(post, path = "/topics", tag = "news", request_body = NewTopicBody, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Topic),
        (status = 403, description = "Not an editor or district admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Title empty or too long, or description too long", body = Problem, content_type = "application/problem+json")))]
async fn create_topic(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Json(body): Json<NewTopicBody>,
) -> AppResult<(StatusCode, Json<Topic>)> {
    let topic = service::create_topic(&state, &staff.user, &body.title, &body.description).await?;
    Ok((StatusCode::CREATED, Json(topic)))
}

/// An activity attached to a topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicItem {
    /// The section it is in (0: none).
    section_id: i64,
    /// `event`.
    kind: ItemKind,
    id: i64,
    title: String,
    /// Its public page.
    url: String,
}

/// A topic column with its banner, sections and attached activities.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicOut {
    id: i64,
    title: String,
    description: String,
    /// Where the banner is served, if there is one.
    banner_url: Option<String>,
    /// The banner's alt text.
    banner_alt: String,
    /// Sections in order; articles give theirs in `topic_sections`.
    sections: Vec<crate::news::model::Section>,
    /// Attached activities, in order.
    items: Vec<TopicItem>,
}

/// One topic column, with its banner, ordered sections and attached activities.
#[utoipa::path(get, path = "/topics/{id}", tag = "news", params(("id" = i64, Path, description = "Topic id")),
    responses((status = 200, description = "The topic", body = TopicOut),
        (status = 404, description = "No such topic", body = Problem, content_type = "application/problem+json")))]
async fn get_topic(
    _auth: MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<TopicOut>> {
    let mut conn = state.db.conn().await?;
    let column = crate::news::topics::store::column(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mut items = Vec::new();
    for e in crate::news::topics::service::attached_events(&mut conn, id).await? {
        if let Some(title) = e.title {
            let url = ItemKind::Event.url(e.id);
            items.push(TopicItem { section_id: e.section, kind: ItemKind::Event, id: e.id, title, url });
        }
    }
    Ok(Json(TopicOut {
        id: column.topic.id,
        title: column.topic.title,
        description: column.topic.description,
        banner_url: column.banner_image_id.map(crate::media::url),
        banner_alt: column.banner_alt,
        sections: column.sections,
        items,
    }))
}

/// Changes to a topic; fields left out stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TopicEditBody {
    /// 1–120 characters.
    title: Option<String>,
    /// Up to 500 characters.
    description: Option<String>,
}

/// Changes a topic's title or description (editors and district admins).
#[utoipa::path(patch, path = "/topics/{id}", tag = "news", request_body = TopicEditBody,
    params(("id" = i64, Path, description = "Topic id")), security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Topic),
        (status = 403, description = "Not an editor or district admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such topic", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Title empty or too long, or description too long", body = Problem, content_type = "application/problem+json")))]
async fn update_topic(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<TopicEditBody>,
) -> AppResult<Json<Topic>> {
    let current = store::topic(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let title = body.title.unwrap_or(current.title);
    let description = body.description.unwrap_or(current.description);
    let changed = crate::news::topics::service::update_topic(&state, &staff.user, id, &title, &description).await?;
    Ok(Json(changed.topic))
}

//! The news over the API: `/articles` (write, correct, move through the workflow, read, list)
//! and `/topics`. The names and fields of the contract are fixed for outside clients;
//! what is added beside them (`street_id` for the scope, `source_line`, the times) is optional.
//! The checks and the audit are `service`'s.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{MaybeApiUser, PageParams, Problem, next_cursor};
use crate::app::AppState;
use crate::authz::gate::Newsroom;
use crate::clock::rfc3339;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::news::model::{ArticleState, Topic};
use crate::news::service::{self, Draft, Edit, Full};
use crate::news::store;
use crate::web::extract::{Json, Path, Query};
use crate::web::guard::ApiStaff;

/// The API routes of the news.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_article, list_articles))
        .routes(routes!(get_article, update_article))
        .routes(routes!(transition))
        .routes(routes!(list_topics, create_topic))
}

/// An article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOut {
    id: i64,
    title: String,
    summary: String,
    /// The body rendered from Markdown and sanitised: safe to put in a page as it is.
    html: String,
    /// The body as written (for the newsroom's editor; the same for everyone).
    body_markdown: String,
    /// `draft`, `review`, `scheduled`, `published` or `withdrawn`.
    state: ArticleState,
    /// When it went public (RFC 3339, district time).
    published_at: Option<String>,
    /// When it is to go public, while scheduled.
    scheduled_at: Option<String>,
    /// When it was last corrected after publishing: shown as "updated".
    corrected_at: Option<String>,
    /// Its topics.
    topic_ids: Vec<i64>,
    /// The streets it is tagged with.
    street_ids: Vec<i64>,
    /// Its scope: the street whose admins may publish it, or null for the whole district.
    street_id: Option<i64>,
    /// Source line, e.g. 区委宣传部.
    source_line: String,
}

impl From<Full> for ArticleOut {
    fn from(f: Full) -> Self {
        let a = f.article;
        Self {
            id: a.id,
            title: a.text.title,
            summary: a.text.summary,
            html: a.html,
            body_markdown: a.text.body_markdown,
            state: a.state,
            published_at: a.published_at.map(rfc3339),
            scheduled_at: a.scheduled_at.filter(|_| a.state == ArticleState::Scheduled).map(rfc3339),
            corrected_at: a.corrected_at.map(rfc3339),
            topic_ids: f.topic_ids,
            street_ids: f.street_ids,
            street_id: a.street.map(|s| s.0),
            source_line: a.source_line,
        }
    }
}

/// A new article.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewArticleBody {
    /// 1–120 characters.
    title: String,
    /// Up to 500 characters.
    summary: Option<String>,
    /// The body in Markdown (raw HTML in it is sanitised away but for plain text structure).
    body_markdown: String,
    /// Topics to attach.
    topic_ids: Option<Vec<i64>>,
    /// Streets to tag.
    street_ids: Option<Vec<i64>>,
    /// Its scope: a street (its admins may publish it), or absent for the whole district.
    street_id: Option<i64>,
    /// Source line, e.g. 区委宣传部.
    source_line: Option<String>,
}

/// Writes a draft (editors, district admins; street admins for their street).
#[utoipa::path(post, path = "/articles", tag = "news", request_body = NewArticleBody, security(("bearer" = [])),
    responses((status = 201, description = "Drafted", body = ArticleOut),
        (status = 403, description = "Not of the newsroom, or not for this scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, too long, or names no topic or street", body = Problem, content_type = "application/problem+json")))]
async fn create_article(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Json(body): Json<NewArticleBody>,
) -> AppResult<(StatusCode, Json<ArticleOut>)> {
    let draft = Draft {
        title: body.title,
        summary: body.summary.unwrap_or_default(),
        body_markdown: body.body_markdown,
        source_line: body.source_line.unwrap_or_default(),
        street: body.street_id.map(StreetId),
        topic_ids: body.topic_ids.unwrap_or_default(),
        street_ids: body.street_ids.unwrap_or_default(),
    };
    let created = service::create(&state, &staff.user, draft).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One article: published ones for everyone, the others for their newsroom only.
#[utoipa::path(get, path = "/articles/{id}", tag = "news", params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, description = "The article", body = ArticleOut),
        (status = 404, description = "No such article, or not public and not yours to edit", body = Problem, content_type = "application/problem+json")))]
async fn get_article(
    MaybeApiUser(user): MaybeApiUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<ArticleOut>> {
    Ok(Json(service::read(&state, user.as_deref(), id).await?.into()))
}

/// Changes to an article; fields left out stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ArticleEditBody {
    title: Option<String>,
    summary: Option<String>,
    body_markdown: Option<String>,
    topic_ids: Option<Vec<i64>>,
    street_ids: Option<Vec<i64>>,
}

/// Changes an article. After publishing, a change of text is a correction: the text before it
/// is kept and the article shows `corrected_at`.
#[utoipa::path(patch, path = "/articles/{id}", tag = "news", request_body = ArticleEditBody,
    params(("id" = i64, Path, description = "Article id")), security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = ArticleOut),
        (status = 403, description = "Not of this article's newsroom", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn, or moved on while you wrote", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is empty, too long, or names no topic or street", body = Problem, content_type = "application/problem+json")))]
async fn update_article(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<ArticleEditBody>,
) -> AppResult<Json<ArticleOut>> {
    let edit = Edit {
        title: body.title,
        summary: body.summary,
        body_markdown: body.body_markdown,
        topic_ids: body.topic_ids,
        street_ids: body.street_ids,
    };
    Ok(Json(service::update(&state, &staff.user, id, edit).await?.into()))
}

/// Where to move an article.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitionTarget {
    /// Back to writing (from review).
    Draft,
    /// Send for review (the author).
    Review,
    /// Publish, now or at `at` (someone other than the author).
    Published,
    /// Take down.
    Withdrawn,
}

/// A step of an article's workflow.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ArticleTransitionBody {
    to: TransitionTarget,
    /// With `published`: when (RFC 3339); a future time schedules it.
    at: Option<String>,
}

/// Moves an article: draft → review (its author) → published or scheduled (another editor, or
/// an admin of its place: four eyes) → withdrawn; review → draft.
#[utoipa::path(post, path = "/articles/{id}/transitions", tag = "news", request_body = ArticleTransitionBody,
    params(("id" = i64, Path, description = "Article id")), security(("bearer" = [])),
    responses((status = 200, description = "Moved", body = ArticleOut),
        (status = 403, description = "Not of this article's newsroom, or a step not yours (the author never publishes their own)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No such step from the article's state, or it moved meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`at` is not an RFC 3339 time, or given with a step other than `published`", body = Problem, content_type = "application/problem+json")))]
async fn transition(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(body): Json<ArticleTransitionBody>,
) -> AppResult<Json<ArticleOut>> {
    let to = match body.to {
        TransitionTarget::Draft => ArticleState::Draft,
        TransitionTarget::Review => ArticleState::Review,
        TransitionTarget::Published => ArticleState::Published,
        TransitionTarget::Withdrawn => ArticleState::Withdrawn,
    };
    let at = match body.at.as_deref() {
        None => None,
        Some(raw) => Some(
            chrono::DateTime::parse_from_rfc3339(raw.trim())
                .map(|t| t.timestamp())
                .map_err(|_| AppError::Invalid(vec![FieldError { field: "at", key: "news.error.at" }]))?,
        ),
    };
    Ok(Json(service::transition(&state, &staff.user, id, to, at).await?.into()))
}

/// Which published articles to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Only articles of this topic.
    topic_id: Option<i64>,
    /// Only articles of this street (its scope or a tag).
    street_id: Option<i64>,
    /// Cursor from the previous page.
    cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    limit: Option<i64>,
}

/// A published article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleItem {
    id: i64,
    title: String,
    summary: String,
    /// Its scope (null: the whole district).
    street_id: Option<i64>,
    published_at: Option<String>,
    corrected_at: Option<String>,
}

/// A page of published articles, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    items: Vec<ArticleItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// Published articles, newest first, of a topic or a street when asked.
#[utoipa::path(get, path = "/articles", tag = "news", params(ArticleQuery),
    responses((status = 200, description = "Published articles", body = ArticlePage)))]
async fn list_articles(
    _auth: MaybeApiUser,
    State(state): State<AppState>,
    Query(q): Query<ArticleQuery>,
) -> AppResult<Json<ArticlePage>> {
    let (before, limit) = PageParams { cursor: q.cursor, limit: q.limit }.decode()?;
    let mut conn = state.db.conn().await?;
    let rows = store::published(&mut conn, q.topic_id, q.street_id.map(StreetId), before, limit).await?;
    let next_cursor = next_cursor(rows.len(), limit, rows.last().map(|r| r.id));
    let items = rows
        .into_iter()
        .map(|r| ArticleItem {
            id: r.id,
            title: r.title,
            summary: r.summary,
            street_id: r.street.map(|s| s.0),
            published_at: r.published_at.map(rfc3339),
            corrected_at: r.corrected_at.map(rfc3339),
        })
        .collect();
    Ok(Json(ArticlePage { items, next_cursor }))
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

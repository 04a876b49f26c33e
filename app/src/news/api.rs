//! The news over the API: `/articles` (write, correct, move through the workflow, read, list);
//! `/topics` is `topics::api`'s. The names and fields of the contract are fixed for outside clients;
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
use crate::news::links::{self, Extras, Related};
use crate::news::model::{ArticleState, ItemKind};
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
        .merge(
            OpenApiRouter::new()
                .routes(routes!(put_article_cover, delete_article_cover))
                .layer(axum::extract::DefaultBodyLimit::max(crate::media::model::MAX_UPLOAD_BYTES)),
        )
        .merge(crate::news::topics::api::router())
}

/// A topic an article is filed under, and the section in it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TopicSection {
    topic_id: i64,
    /// A section of the topic (its id in the topic's sections), or 0 for none.
    #[serde(default)]
    section_id: i64,
}

/// An activity or public case an article relates to.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RelatedIn {
    /// `event` or `case`.
    kind: ItemKind,
    id: i64,
}

/// The optional fields of a new article or a change that [`links::set_extras`] writes.
fn extras(
    cover_alt: Option<String>,
    topic_sections: Option<Vec<TopicSection>>,
    community_ids: Option<Vec<i64>>,
    related: Option<Vec<RelatedIn>>,
) -> Extras {
    Extras {
        cover_alt,
        topic_sections: topic_sections.map(|v| v.into_iter().map(|t| (t.topic_id, t.section_id)).collect()),
        community_ids,
        related: related.map(|v| v.into_iter().map(|r| (r.kind, r.id)).collect()),
    }
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
    /// Where its cover image is served, if it has one.
    cover_url: Option<String>,
    /// The cover's alt text.
    cover_alt: String,
    /// Its topics with the section in each.
    topic_sections: Vec<TopicSection>,
    /// The communities it is tagged with.
    community_ids: Vec<i64>,
    /// Related activities and public cases (a case that left the public board is not listed).
    related: Vec<Related>,
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
            cover_url: a.cover_image_id.map(crate::media::url),
            cover_alt: a.cover_alt,
            topic_sections: f
                .topic_sections
                .into_iter()
                .map(|(topic_id, section_id)| TopicSection { topic_id, section_id })
                .collect(),
            community_ids: f.community_ids,
            related: f.related,
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
    /// The alt text of the cover to come (`PUT /articles/{id}/cover`); every image needs one.
    cover_alt: Option<String>,
    /// Topics with a section in each; replaces `topic_ids` when given.
    topic_sections: Option<Vec<TopicSection>>,
    /// Communities to tag.
    community_ids: Option<Vec<i64>>,
    /// Related activities and public cases, in order.
    related: Option<Vec<RelatedIn>>,
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
    let more = extras(body.cover_alt, body.topic_sections, body.community_ids, body.related);
    // Checked first, so a refused request creates nothing; written as the second step.
    links::check_extras(&state, &more).await?;
    let created = service::create(&state, &staff.user, draft).await?;
    let created = if more.is_empty() {
        created
    } else {
        links::set_extras(&state, &staff.user, created.article.id, more).await?
    };
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
    /// The cover's alt text.
    cover_alt: Option<String>,
    /// Topics with a section in each; replaces the topics.
    topic_sections: Option<Vec<TopicSection>>,
    /// Communities to tag.
    community_ids: Option<Vec<i64>>,
    /// Related activities and public cases, in order.
    related: Option<Vec<RelatedIn>>,
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
    let more = extras(body.cover_alt, body.topic_sections, body.community_ids, body.related);
    let changed = service::update(&state, &staff.user, id, edit).await?;
    let changed = if more.is_empty() { changed } else { links::set_extras(&state, &staff.user, id, more).await? };
    Ok(Json(changed.into()))
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

/// The cover's alt text, when the upload brings it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverQuery {
    /// Alt text; without it the article's `cover_alt` must already be set.
    alt: Option<String>,
}

/// Sets the article's cover from a JPEG, PNG or WebP body (its newsroom), scaled to fit
/// 1200×900 and re-encoded as JPEG, as an event's cover. Every image needs alt text: `?alt=`,
/// or the `cover_alt` already set.
#[utoipa::path(put, path = "/articles/{id}/cover", tag = "news", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Article id"), CoverQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP picture, at most 10 MB"),
    responses((status = 204, description = "Set; the article's `cover_url` serves it"),
        (status = 403, description = "Not of this article's newsroom", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MB"),
        (status = 422, description = "No alt text, or not a readable JPEG, PNG or WebP", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many pictures being processed; try again after `Retry-After` seconds", body = Problem, content_type = "application/problem+json")))]
async fn put_article_cover(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<CoverQuery>,
    body: axum::body::Bytes,
) -> AppResult<StatusCode> {
    links::set_cover(&state, &staff.user, id, Some(body.to_vec()), q.alt.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the article's cover.
#[utoipa::path(delete, path = "/articles/{id}/cover", tag = "news", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 204, description = "Removed"),
        (status = 403, description = "Not of this article's newsroom", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn", body = Problem, content_type = "application/problem+json")))]
async fn delete_article_cover(
    staff: ApiStaff<Newsroom>,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    links::set_cover(&state, &staff.user, id, None, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

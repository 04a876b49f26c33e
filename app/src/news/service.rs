//! The news's use cases, each one transaction with its authorization and audit entry: writing
//! and correcting an article, moving it through its workflow, reading it as the public or the
//! newsroom sees it, and topics. The API calls these; the pages to come will too.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Location, Target};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::news::model::{self, Article, ArticleState, ArticleText, Party, Refusal, Topic};
use crate::news::store::{self, NewArticle};
use crate::news::{links, markdown, searchable};

/// An article with what is attached to it.
#[derive(Debug, Clone)]
pub struct Full {
    /// The article.
    pub article: Article,
    /// Its topics.
    pub topic_ids: Vec<i64>,
    /// Its street tags.
    pub street_ids: Vec<i64>,
    /// Its topics with the section in each (0: none).
    pub topic_sections: Vec<(i64, i64)>,
    /// Its community tags.
    pub community_ids: Vec<i64>,
    /// Its related activities and public cases that still exist and are public, in order.
    pub related: Vec<links::Related>,
}

/// What a new article says and where it belongs.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body in Markdown.
    pub body_markdown: String,
    /// Source line, e.g. 区委宣传部.
    pub source_line: String,
    /// Scope: one street, or None for the whole district.
    pub street: Option<StreetId>,
    /// Topics to attach.
    pub topic_ids: Vec<i64>,
    /// Streets to tag.
    pub street_ids: Vec<i64>,
}

/// Changes to an article; what is left out stays.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// New title.
    pub title: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New body.
    pub body_markdown: Option<String>,
    /// New topics.
    pub topic_ids: Option<Vec<i64>>,
    /// New street tags.
    pub street_ids: Option<Vec<i64>>,
}

fn location(street: Option<StreetId>) -> Location {
    street.map_or(Location::district(), Location::street)
}

/// Whether `user` is of the newsroom for this article (may edit it and see it before it is
/// public).
pub fn may_edit(user: &CurrentUser, article: &Article) -> bool {
    user.principal.can(Action::Manage, &Target::Article(location(article.street)))
}

/// The party `user` is to `article`; 403 outside its newsroom.
fn party(user: &CurrentUser, article: &Article) -> AppResult<Party> {
    if !may_edit(user, article) {
        return Err(AppError::Forbidden);
    }
    Ok(if article.author == user.id.0 { Party::Author } else { Party::Colleague })
}

pub(crate) async fn full(conn: &mut crate::db::Conn, article: Article) -> AppResult<Full> {
    let topic_ids = store::topics_of(conn, article.id).await?;
    let street_ids = store::streets_of(conn, article.id).await?;
    let topic_sections = store::topic_sections_of(conn, article.id).await?;
    let community_ids = store::communities_of(conn, article.id).await?;
    let related = links::related(conn, article.id).await?;
    Ok(Full { article, topic_ids, street_ids, topic_sections, community_ids, related })
}

/// 422 when the body has an image without alt text (`![](src)`): every image needs one.
fn check_images(body: &str) -> AppResult<()> {
    if markdown::image_alt_missing(body) {
        return Err(AppError::Invalid(vec![FieldError { field: "body_markdown", key: "news.error.image_alt" }]));
    }
    Ok(())
}

/// 422 unless every topic and street named exists.
async fn check_links(conn: &mut crate::db::Conn, topics: &[i64], streets: &[i64]) -> AppResult<Vec<StreetId>> {
    if store::topics_known(conn, topics).await? != topics.len() {
        return Err(AppError::Invalid(vec![FieldError { field: "topic_ids", key: "news.error.topic" }]));
    }
    let mut out = Vec::new();
    for id in streets {
        if crate::org::street(conn, StreetId(*id)).await?.is_none() {
            return Err(AppError::Invalid(vec![FieldError { field: "street_ids", key: "news.error.street" }]));
        }
        if !out.contains(&StreetId(*id)) {
            out.push(StreetId(*id));
        }
    }
    Ok(out)
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut out = ids.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}

/// Writes a new draft, by its author.
pub async fn create(state: &AppState, user: &CurrentUser, draft: Draft) -> AppResult<Full> {
    let text = ArticleText::parse(&draft.title, &draft.summary, &draft.body_markdown).map_err(AppError::Invalid)?;
    check_images(&text.body_markdown)?;
    if draft.source_line.chars().count() > model::TITLE_MAX {
        return Err(AppError::Invalid(vec![FieldError { field: "source_line", key: "news.error.source_line" }]));
    }
    if !user.principal.can(Action::Manage, &Target::Article(location(draft.street))) {
        return Err(AppError::Forbidden);
    }
    let html = markdown::render(&text.body_markdown);
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if let Some(street) = draft.street {
        check_links(&mut tx, &[], &[street.0]).await?;
    }
    let topics = dedup(&draft.topic_ids);
    let streets = check_links(&mut tx, &topics, &draft.street_ids).await?;
    let new = NewArticle {
        text: &text,
        html: &html,
        source_line: draft.source_line.trim(),
        author: user.id,
        street: draft.street,
    };
    let id = store::insert_article(&mut tx, &new, now).await?;
    store::set_topics(&mut tx, id, &topics).await?;
    store::set_streets(&mut tx, id, &streets).await?;
    let article = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    audit::record(&mut tx, now, user.id, "article.create", Change::new("article", id, draft.street).after(&article))
        .await?;
    let out = full(&mut tx, article).await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes an article's text or links. After publishing a change of text is a correction: the
/// text before it is kept as a revision and the article shows when it was updated.
pub async fn update(state: &AppState, user: &CurrentUser, id: i64, edit: Edit) -> AppResult<Full> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    party(user, &before)?;
    if !before.state.editable() {
        return Err(AppError::Conflict("news.error.closed"));
    }
    let old = &before.text;
    let text = ArticleText::parse(
        edit.title.as_deref().unwrap_or(&old.title),
        edit.summary.as_deref().unwrap_or(&old.summary),
        edit.body_markdown.as_deref().unwrap_or(&old.body_markdown),
    )
    .map_err(AppError::Invalid)?;
    if text.body_markdown != old.body_markdown {
        check_images(&text.body_markdown)?;
    }
    if text != *old {
        let html = markdown::render(&text.body_markdown);
        if before.state.corrects() {
            store::add_revision(&mut tx, id, now, user.id, old).await?;
        }
        if !store::update_text(&mut tx, id, before.state, &text, &html, user.id, now).await? {
            return Err(AppError::Conflict("news.error.moved"));
        }
    }
    if let Some(topics) = &edit.topic_ids {
        let topics = dedup(topics);
        check_links(&mut tx, &topics, &[]).await?;
        store::set_topics(&mut tx, id, &topics).await?;
    }
    if let Some(streets) = &edit.street_ids {
        let streets = check_links(&mut tx, &[], streets).await?;
        store::set_streets(&mut tx, id, &streets).await?;
    }
    let after = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    // A correction of a published article changes in search at once.
    searchable::index(&mut tx, &after, now).await?;
    let action = if before.state.corrects() { "article.correct" } else { "article.update" };
    audit::record(
        &mut tx,
        now,
        user.id,
        action,
        Change::new("article", id, before.street).before(&before).after(&after),
    )
    .await?;
    let out = full(&mut tx, after).await?;
    tx.commit().await?;
    Ok(out)
}

/// Moves an article on. `to` is one of the API's targets (`draft`, `review`, `published`,
/// `withdrawn`); `published` with a future `at` (Unix seconds) schedules it instead.
pub async fn transition(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    to: ArticleState,
    at: Option<i64>,
) -> AppResult<Full> {
    let now = state.clock.unix();
    let (to, scheduled_at) = match (to, at) {
        (ArticleState::Published, Some(at)) if at > now => (ArticleState::Scheduled, Some(at)),
        (ArticleState::Published, _) => (ArticleState::Published, None),
        (ArticleState::Scheduled, _) => {
            return Err(AppError::Invalid(vec![FieldError { field: "to", key: "news.error.to" }]));
        }
        (other, None) => (other, None),
        (_, Some(_)) => return Err(AppError::Invalid(vec![FieldError { field: "at", key: "news.error.at" }])),
    };
    let mut tx = state.db.begin().await?;
    let article = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let who = party(user, &article)?;
    match model::may(article.state, to, who) {
        Ok(()) => {}
        Err(Refusal::NoSuchStep) => return Err(AppError::Conflict("news.error.no_such_step")),
        // Four eyes: the author publishing their own lands here too.
        Err(Refusal::NotYours) => return Err(AppError::Forbidden),
    }
    if !store::move_state(&mut tx, id, article.state, to, scheduled_at, user.id, now).await? {
        return Err(AppError::Conflict("news.error.moved"));
    }
    let change = Change::new("article", id, article.street)
        .before(&serde_json::json!({"state": article.state}))
        .after(&serde_json::json!({"state": to, "scheduled_at": scheduled_at}));
    audit::record(&mut tx, now, user.id, model::audit_action(to), change).await?;
    let moved = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    // Published, it enters search; withdrawn (or anything else), it leaves — in this step.
    searchable::index(&mut tx, &moved, now).await?;
    let out = full(&mut tx, moved).await?;
    tx.commit().await?;
    Ok(out)
}

/// An article as `viewer` may see it: published ones to everyone (each read counted), the
/// others to their newsroom only; 404 otherwise, so a draft's existence does not leak.
pub async fn read(state: &AppState, viewer: Option<&CurrentUser>, id: i64) -> AppResult<Full> {
    let mut conn = state.db.conn().await?;
    let article = store::article(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if article.state != ArticleState::Published {
        if !viewer.is_some_and(|u| may_edit(u, &article)) {
            return Err(AppError::NotFound);
        }
    } else {
        // Counted in memory and written every few seconds (`reads`): a read costs no write.
        state.news_reads.count(id, crate::clock::local_day(state.clock.unix()));
    }
    full(&mut conn, article).await
}

/// Creates a topic column (editors and district admins).
pub async fn create_topic(state: &AppState, user: &CurrentUser, title: &str, description: &str) -> AppResult<Topic> {
    if !user.principal.can(Action::Manage, &Target::Topic) {
        return Err(AppError::Forbidden);
    }
    let (title, description) = (title.trim(), description.trim());
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > model::TITLE_MAX {
        errors.push(FieldError { field: "title", key: "news.error.title" });
    }
    if description.chars().count() > model::SUMMARY_MAX {
        errors.push(FieldError { field: "description", key: "news.error.summary" });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let id = store::insert_topic(&mut tx, title, description, user.id, now).await?;
    let topic = Topic { id, title: title.to_owned(), description: description.to_owned() };
    audit::record(&mut tx, now, user.id, "topic.create", Change::new("topic", id, None).after(&topic)).await?;
    // The portal's campaign and the news filters show topics: read them again.
    crate::search::changed(&mut tx).await?;
    tx.commit().await?;
    Ok(topic)
}

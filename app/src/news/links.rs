//! What an article carries beside its text, as use cases with their checks and audit entries:
//! its cover image (with alt text), images for its body (uploaded, then pasted as Markdown),
//! its related activities and public cases, the sections of its topics and its community tags.
//! Activities and cases are reached through `events` and `board`'s own re-exports; a case
//! that is not on the public board cannot be related, and one that leaves it stops showing.

use serde::Serialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::news::model::{self, ItemKind};
use crate::news::service::{self, Full};
use crate::news::{store, topics};

/// A related activity or case as readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Related {
    /// `event` or `case`.
    pub kind: ItemKind,
    /// Its id.
    pub id: i64,
    /// Its title (a case: its code and category).
    pub title: String,
    /// Its public page.
    pub url: String,
}

/// The title of an activity, or of a case on the public board; None if there is no such one.
async fn title_of(conn: &mut Conn, kind: ItemKind, id: i64) -> AppResult<Option<String>> {
    Ok(match kind {
        ItemKind::Event => crate::events::event(conn, id).await?.map(|e| e.title),
        ItemKind::Case => crate::board::public_case(conn, id).await?.map(|c| format!("{} · {}", c.code, c.category)),
    })
}

/// An article's related items that still show, in order.
pub async fn related(conn: &mut Conn, article: i64) -> AppResult<Vec<Related>> {
    let mut out = Vec::new();
    for (kind, id) in store::related_of(conn, article).await? {
        let Some(kind) = ItemKind::parse(&kind) else { continue };
        if let Some(title) = title_of(conn, kind, id).await? {
            out.push(Related { kind, id, title, url: kind.url(id) });
        }
    }
    Ok(out)
}

/// What else an article is to carry, beside [`service::Draft`] or [`service::Edit`]; what is
/// left out stays.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The cover's alt text (only with a cover, or one being set).
    pub cover_alt: Option<String>,
    /// Topics with the section in each (0: none); replaces the topics.
    pub topic_sections: Option<Vec<(i64, i64)>>,
    /// Community tags.
    pub community_ids: Option<Vec<i64>>,
    /// Related activities and cases, in order.
    pub related: Option<Vec<(ItemKind, i64)>>,
}

impl Extras {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.cover_alt.is_none()
            && self.topic_sections.is_none()
            && self.community_ids.is_none()
            && self.related.is_none()
    }
}

/// The article if `user` is of its newsroom and it may still change.
async fn editable(conn: &mut Conn, user: &CurrentUser, id: i64) -> AppResult<model::Article> {
    let article = store::article(conn, id).await?.ok_or(AppError::NotFound)?;
    if !service::may_edit(user, &article) {
        return Err(AppError::Forbidden);
    }
    if !article.state.editable() {
        return Err(AppError::Conflict("news.error.closed"));
    }
    Ok(article)
}

/// `extras` checked: every topic, section, community and related item exists (a case only on
/// the public board), alt text given; duplicates dropped.
#[derive(Debug, Default)]
struct Checked {
    cover_alt: Option<String>,
    topic_sections: Option<Vec<(i64, i64)>>,
    community_ids: Option<Vec<i64>>,
    related: Option<Vec<(&'static str, i64)>>,
}

async fn check(conn: &mut Conn, extras: &Extras) -> AppResult<Checked> {
    let invalid = |field, key| AppError::Invalid(vec![FieldError { field, key }]);
    let mut out = Checked::default();
    if let Some(alt) = &extras.cover_alt {
        out.cover_alt = Some(model::parse_alt("cover_alt", alt).map_err(|e| AppError::Invalid(vec![e]))?);
    }
    if let Some(pairs) = &extras.topic_sections {
        let mut checked: Vec<(i64, i64)> = Vec::new();
        for (topic, section) in pairs {
            let column = topics::store::column(conn, *topic).await?.ok_or(invalid("topic_ids", "news.error.topic"))?;
            if *section != 0 && !column.sections.iter().any(|s| s.id == *section) {
                return Err(invalid("topic_ids", "news.error.section"));
            }
            if !checked.iter().any(|(t, _)| t == topic) {
                checked.push((*topic, *section));
            }
        }
        out.topic_sections = Some(checked);
    }
    if let Some(communities) = &extras.community_ids {
        let mut ids = communities.clone();
        ids.sort_unstable();
        ids.dedup();
        for c in &ids {
            if crate::org::community(conn, crate::ids::CommunityId(*c)).await?.is_none() {
                return Err(invalid("community_ids", "news.error.community"));
            }
        }
        out.community_ids = Some(ids);
    }
    if let Some(items) = &extras.related {
        let mut rows: Vec<(&'static str, i64)> = Vec::new();
        for (kind, item) in items {
            if title_of(conn, *kind, *item).await?.is_none() {
                return Err(invalid("related", "news.error.related"));
            }
            if !rows.contains(&(kind.as_str(), *item)) {
                rows.push((kind.as_str(), *item));
            }
        }
        out.related = Some(rows);
    }
    Ok(out)
}

/// 422 if `extras` would be refused: checked before an article is created, so a refused
/// request creates nothing (and a client that sends it again makes no duplicate).
pub async fn check_extras(state: &AppState, extras: &Extras) -> AppResult<()> {
    check(&mut *state.db.conn().await?, extras).await.map(|_| ())
}

/// Sets what `extras` names on an article, checked, in one transaction, audited.
pub async fn set_extras(state: &AppState, user: &CurrentUser, id: i64, extras: Extras) -> AppResult<Full> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let article = editable(&mut tx, user, id).await?;
    let before = service::full(&mut tx, article.clone()).await?;
    let checked = check(&mut tx, &extras).await?;
    if let Some(alt) = &checked.cover_alt {
        // Kept even before there is a cover: the cover uploaded next takes it.
        store::set_cover(&mut tx, id, article.cover_image_id, alt, user.id, now).await?;
    }
    if let Some(pairs) = &checked.topic_sections {
        store::set_topic_sections(&mut tx, id, pairs).await?;
    }
    if let Some(ids) = &checked.community_ids {
        store::set_communities(&mut tx, id, ids).await?;
    }
    if let Some(rows) = &checked.related {
        store::set_related(&mut tx, id, rows).await?;
    }
    let changed = store::article(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    // Its place tags are words search holds: a published article's change shows there at once.
    crate::news::searchable::index(&mut tx, &changed, now).await?;
    let after = service::full(&mut tx, changed).await?;
    let change = Change::new("article", id, article.street)
        .before(&serde_json::json!({"topics": before.topic_sections, "communities": before.community_ids,
            "related": before.related, "cover_alt": before.article.cover_alt}))
        .after(&serde_json::json!({"topics": after.topic_sections, "communities": after.community_ids,
            "related": after.related, "cover_alt": after.article.cover_alt}));
    audit::record(&mut tx, now, user.id, "article.links", change).await?;
    tx.commit().await?;
    Ok(after)
}

/// Sets an article's cover from an upload with its alt text (`alt` None keeps the alt it has),
/// or with `upload` None takes it away. Same rules as an event's cover (`media::save`: JPEG,
/// PNG or WebP, scaled and re-encoded); an image without alt text is refused before it is kept.
pub async fn set_cover(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    upload: Option<Vec<u8>>,
    alt: Option<&str>,
) -> AppResult<()> {
    let before = editable(&mut *state.db.conn().await?, user, id).await?;
    let (image, alt) = match upload {
        Some(bytes) => {
            let alt = alt.unwrap_or(&before.cover_alt);
            let alt = model::parse_alt("cover_alt", alt).map_err(|e| AppError::Invalid(vec![e]))?;
            (Some(crate::media::save(state, bytes, user.id).await?), alt)
        }
        None => (None, String::new()),
    };
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::set_cover(&mut tx, id, image, &alt, user.id, now).await?;
    let change = Change::new("article", id, before.street)
        .before(&serde_json::json!({"cover_image_id": before.cover_image_id, "cover_alt": before.cover_alt}))
        .after(&serde_json::json!({"cover_image_id": image, "cover_alt": alt}));
    audit::record(&mut tx, now, user.id, "article.cover", change).await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps an image for an article's body and gives the Markdown line to paste:
/// `![alt](/images/N.jpg)`. The alt text is required, as for a cover.
pub async fn upload_image(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    bytes: Vec<u8>,
    alt: &str,
) -> AppResult<String> {
    let article = editable(&mut *state.db.conn().await?, user, id).await?;
    let alt = model::parse_alt("image_alt", alt).map_err(|e| AppError::Invalid(vec![e]))?;
    if bytes.is_empty() {
        return Err(AppError::Invalid(vec![FieldError { field: "image", key: "news.error.image_missing" }]));
    }
    let image = crate::media::save(state, bytes, user.id).await?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let change = Change::new("article", id, article.street).after(&serde_json::json!({"image_id": image, "alt": alt}));
    audit::record(&mut tx, now, user.id, "article.image", change).await?;
    tx.commit().await?;
    Ok(markdown_image(&alt, &crate::media::url(image)))
}

/// `![alt](url)` with the alt's Markdown punctuation escaped, so it reads back as written.
pub fn markdown_image(alt: &str, url: &str) -> String {
    let mut escaped = String::with_capacity(alt.len());
    for c in alt.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '>' | '!') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("![{escaped}]({url})")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_markdown_line_reads_back_with_its_alt() {
        let line = super::markdown_image("街景[1]_*", "/images/7.jpg");
        assert_eq!(line, r"![街景\[1\]\_\*](/images/7.jpg)");
        assert!(crate::news::markdown::render(&line).contains(r#"alt="街景[1]_*""#));
    }
}

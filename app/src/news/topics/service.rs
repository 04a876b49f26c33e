//! Topic columns' use cases beyond creating one (`service::create_topic`): editing the title
//! and description, the banner with its alt text, the ordered sections, and the activities
//! attached to a section. The newsroom's editors and district admins (`Target::Topic`), each
//! step one transaction with its audit entry.

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Target};
use crate::error::{AppError, AppResult, FieldError};
use crate::news::model::{self, ItemKind, SectionOp, TopicColumn};
use crate::news::topics::store::{self, Attached};

/// An activity attached to a topic, with its title as it now stands (None: the activity is
/// gone, which its topic's pages leave out and the back office still lets one detach).
#[derive(Debug, Clone)]
pub struct AttachedEvent {
    /// The section it is in (0: none).
    pub section: i64,
    /// The event's id.
    pub id: i64,
    /// Its title, if it still exists.
    pub title: Option<String>,
}

/// The activities attached to a topic, in their order: what the topic page, its API and its
/// back-office form list.
pub async fn attached_events(conn: &mut crate::db::Conn, topic: i64) -> AppResult<Vec<AttachedEvent>> {
    let mut out = Vec::new();
    for item in store::items(conn, topic).await? {
        if item.kind != ItemKind::Event.as_str() {
            continue;
        }
        let title = crate::events::event(conn, item.item_id).await?.map(|e| e.title);
        out.push(AttachedEvent { section: item.section, id: item.item_id, title });
    }
    Ok(out)
}

/// 403 unless `user` may edit topics.
fn allowed(user: &CurrentUser) -> AppResult<()> {
    if user.principal.can(Action::Manage, &Target::Topic) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Changes a column (read, changed by `change`, written back) in one audited step.
async fn change_column(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: &'static str,
    change: impl FnOnce(&mut TopicColumn) -> Result<Option<i64>, FieldError>,
) -> AppResult<TopicColumn> {
    allowed(user)?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let before = store::column(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let mut after = before.clone();
    let removed = change(&mut after).map_err(|e| AppError::Invalid(vec![e]))?;
    if let Some(section) = removed {
        store::unsection(&mut tx, id, section).await?;
    }
    store::update(&mut tx, &after, user.id, now).await?;
    audit::record(&mut tx, now, user.id, action, Change::new("topic", id, None).before(&before).after(&after)).await?;
    // Topic pages, the portal's campaign and the news filters show it: read them again.
    crate::search::changed(&mut tx).await?;
    tx.commit().await?;
    Ok(after)
}

/// Changes a topic's title and description.
pub async fn update_topic(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    title: &str,
    description: &str,
) -> AppResult<TopicColumn> {
    let (title, description) = (title.trim().to_owned(), description.trim().to_owned());
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
    change_column(state, user, id, "topic.update", |c| {
        c.topic.title = title;
        c.topic.description = description;
        Ok(None)
    })
    .await
}

/// Sets the banner from an upload with its alt text (same rules as a cover: required, and the
/// image is refused before it is kept without it); `alt` alone changes the alt of the banner it
/// has; `remove` takes it away.
pub async fn set_banner(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    upload: Option<Vec<u8>>,
    alt: &str,
    remove: bool,
) -> AppResult<TopicColumn> {
    allowed(user)?;
    let image = match upload.filter(|b| !b.is_empty() && !remove) {
        Some(bytes) => {
            model::parse_alt("banner_alt", alt).map_err(|e| AppError::Invalid(vec![e]))?;
            Some(crate::media::save(state, bytes, user.id).await?)
        }
        None => None,
    };
    change_column(state, user, id, "topic.banner", |c| {
        if remove {
            c.banner_image_id = None;
            c.banner_alt.clear();
            return Ok(None);
        }
        if image.is_none() && c.banner_image_id.is_none() {
            return Err(FieldError { field: "banner", key: "news.error.image_missing" });
        }
        c.banner_alt = model::parse_alt("banner_alt", alt)?;
        if image.is_some() {
            c.banner_image_id = image;
        }
        Ok(None)
    })
    .await
}

/// Adds, renames, moves or removes a section. What was in a removed section stays in the
/// topic, in no section.
pub async fn change_sections(state: &AppState, user: &CurrentUser, id: i64, op: SectionOp) -> AppResult<TopicColumn> {
    let removed = match &op {
        SectionOp::Remove(section) => Some(*section),
        _ => None,
    };
    change_column(state, user, id, "topic.sections", move |c| {
        model::apply_section_op(&mut c.sections, op)?;
        Ok(removed)
    })
    .await
}

/// Attaches an activity to a topic section (0: the topic, in no section), or moves it there.
pub async fn attach_event(state: &AppState, user: &CurrentUser, id: i64, section: i64, event: i64) -> AppResult<()> {
    allowed(user)?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let column = store::column(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if section != 0 && !column.sections.iter().any(|s| s.id == section) {
        return Err(AppError::Invalid(vec![FieldError { field: "section", key: "news.error.section" }]));
    }
    if crate::events::event(&mut tx, event).await?.is_none() {
        return Err(AppError::Invalid(vec![FieldError { field: "event_id", key: "news.error.related" }]));
    }
    let item = Attached { section, kind: ItemKind::Event.as_str().into(), item_id: event };
    store::attach(&mut tx, id, &item).await?;
    let change =
        Change::new("topic", id, None).after(&serde_json::json!({"attached": {"event": event, "section": section}}));
    audit::record(&mut tx, now, user.id, "topic.attach", change).await?;
    // Topic pages, the portal's campaign and the news filters show it: read them again.
    crate::search::changed(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes an activity off a topic.
pub async fn detach_event(state: &AppState, user: &CurrentUser, id: i64, event: i64) -> AppResult<()> {
    allowed(user)?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    store::column(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    store::detach(&mut tx, id, ItemKind::Event.as_str(), event).await?;
    let change = Change::new("topic", id, None).before(&serde_json::json!({"attached": {"event": event}}));
    audit::record(&mut tx, now, user.id, "topic.detach", change).await?;
    // Topic pages, the portal's campaign and the news filters show it: read them again.
    crate::search::changed(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

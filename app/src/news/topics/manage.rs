//! The newsroom's topic columns: `/manage/topics` (the list and a new topic) and
//! `/manage/topics/{id}` (title and description, the banner with its alt text, the ordered
//! sections — add, rename, move up or down, remove — and the activities attached to a
//! section, picked from the activities by a title search). Editors and district admins
//! (`Target::Topic`); a street admin of the newsroom gets 403. Every form posts through
//! `service`, which checks and audits.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Newsroom;
use crate::authz::{Action, Target};
use crate::error::{AppError, AppResult, FieldError};
use crate::news::model::{ItemKind, SectionOp};
use crate::news::views::{ManageTopicPage, ManageTopicsPage, Pickable};
use crate::news::{service, store, topics};
use crate::web::backoffice::Link;
use crate::web::csrf::UPLOAD_LIMIT;
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// The topic back-office routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/topics", get(list).post(create))
        .route("/manage/topics/{id}", get(page).post(update))
        .route("/manage/topics/{id}/banner", post(banner).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/manage/topics/{id}/sections", post(sections))
        .route("/manage/topics/{id}/events", post(events))
}

/// How many activities the picker lists (the newest, or those whose title matches).
const PICK_MAX: usize = 30;
/// How far back the picker searches.
const PICK_SCAN: i64 = 500;

/// 403 for the newsroom's street admins: topics are the district's.
fn topic_editor(user: &CurrentUser) -> AppResult<()> {
    if user.principal.can(Action::Manage, &Target::Topic) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Title and description, as posted.
#[derive(Debug, Default, Deserialize)]
struct TopicForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

async fn list(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Newsroom>) -> AppResult<Response> {
    topic_editor(&user)?;
    let topics = store::topics(&mut *state.db.conn().await?).await?;
    render(&ManageTopicsPage { ctx, topics, title: String::new(), description: String::new(), errors: Errors::none() })
}

async fn create(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Form(f): Form<TopicForm>,
) -> AppResult<Response> {
    topic_editor(&user)?;
    match service::create_topic(&state, &user, &f.title, &f.description).await {
        Ok(topic) => Ok(see_other(&format!("/manage/topics/{}", topic.id))),
        Err(AppError::Invalid(errors)) => {
            let topics = store::topics(&mut *state.db.conn().await?).await?;
            let page =
                ManageTopicsPage { ctx, topics, title: f.title, description: f.description, errors: errors.into() };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// `?q=`: the activity picker's title search.
#[derive(Debug, Default, Deserialize)]
struct PickQuery {
    #[serde(default)]
    q: String,
}

/// The topic's page, with `errors` of the last form and the picker for `q`.
async fn topic_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    q: &str,
    errors: Errors,
    form: Option<TopicForm>,
) -> AppResult<ManageTopicPage> {
    let mut conn = state.db.conn().await?;
    let column = topics::store::column(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mut attached = Vec::new();
    for e in topics::service::attached_events(&mut conn, id).await? {
        let section = column.sections.iter().find(|s| s.id == e.section).map(|s| s.title.clone());
        attached.push((Link { label: e.title.unwrap_or_default(), href: ItemKind::Event.url(e.id) }, e.id, section));
    }
    let needle = q.trim();
    let picks = crate::events::recent_events(&mut conn, PICK_SCAN)
        .await?
        .into_iter()
        .filter(|e| needle.is_empty() || e.title.contains(needle))
        .filter(|e| !attached.iter().any(|(_, id, _)| *id == e.id))
        .take(PICK_MAX)
        .map(|e| Pickable { id: e.id, title: e.title })
        .collect();
    let form =
        form.unwrap_or(TopicForm { title: column.topic.title.clone(), description: column.topic.description.clone() });
    Ok(ManageTopicPage {
        ctx,
        column,
        title: form.title,
        description: form.description,
        attached,
        picks,
        q: needle.to_owned(),
        errors,
    })
}

async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Query(q): Query<PickQuery>,
) -> AppResult<Response> {
    topic_editor(&user)?;
    render(&topic_page(&state, ctx, id, &q.q, Errors::none(), None).await?)
}

/// Back to the topic's page, or the page again with the form's errors (422).
async fn answer(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    result: AppResult<()>,
    form: Option<TopicForm>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(see_other(&format!("/manage/topics/{id}"))),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &topic_page(state, ctx, id, "", errors.into(), form).await?)
        }
        Err(AppError::Rule(key)) => {
            let errors = vec![FieldError { field: "banner", key }].into();
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &topic_page(state, ctx, id, "", errors, form).await?)
        }
        Err(other) => Err(other),
    }
}

async fn update(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(f): Form<TopicForm>,
) -> AppResult<Response> {
    topic_editor(&user)?;
    let result = topics::service::update_topic(&state, &user, id, &f.title, &f.description).await.map(|_| ());
    answer(&state, ctx, id, result, Some(f)).await
}

/// The banner form: its alt text, and the remove button whose presence counts.
#[derive(Debug, Default, Deserialize)]
struct BannerForm {
    #[serde(default)]
    banner_alt: String,
    remove: Option<String>,
}

async fn banner(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    topic_editor(&user)?;
    let (f, bytes): (BannerForm, _) = crate::web::extract::form_with_file(request, &state, "banner").await?;
    let result = topics::service::set_banner(&state, &user, id, Some(bytes), &f.banner_alt, f.remove.is_some()).await;
    answer(&state, ctx, id, result.map(|_| ()), None).await
}

/// A section form: what to do (`add`, `rename`, `up`, `down`, `remove`), to which section, and
/// the title for adding or renaming.
#[derive(Debug, Default, Deserialize)]
struct SectionForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    section_title: String,
}

async fn sections(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(f): Form<SectionForm>,
) -> AppResult<Response> {
    topic_editor(&user)?;
    let section = f.section.trim().parse().unwrap_or(0);
    let op = match f.op.as_str() {
        "add" => SectionOp::Add(f.section_title),
        "rename" => SectionOp::Rename(section, f.section_title),
        "up" => SectionOp::Up(section),
        "down" => SectionOp::Down(section),
        "remove" => SectionOp::Remove(section),
        _ => return Err(AppError::BadRequest("error.form_unreadable")),
    };
    let result = topics::service::change_sections(&state, &user, id, op).await.map(|_| ());
    answer(&state, ctx, id, result, None).await
}

/// The activity form: attach `event_id` to `section` (0: none), or with `remove` take it off.
#[derive(Debug, Default, Deserialize)]
struct EventForm {
    #[serde(default)]
    event_id: String,
    #[serde(default)]
    section: String,
    remove: Option<String>,
}

async fn events(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    topic_editor(&user)?;
    let Ok(event) = f.event_id.trim().parse::<i64>() else {
        let errors = vec![FieldError { field: "event_id", key: "news.error.pick_event" }];
        return answer(&state, ctx, id, Err(AppError::Invalid(errors)), None).await;
    };
    let result = if f.remove.is_some() {
        topics::service::detach_event(&state, &user, id, event).await
    } else {
        topics::service::attach_event(&state, &user, id, f.section.trim().parse().unwrap_or(0), event).await
    };
    answer(&state, ctx, id, result, None).await
}

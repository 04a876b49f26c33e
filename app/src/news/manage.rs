//! The newsroom's back office: `/manage/news` (the articles the user may edit, by state), a
//! new article, an article's form with the steps the workflow lets this user take (send for
//! review, send back, publish now or at a time, withdraw). Every form posts through the same
//! `service` as the API, so four eyes, reach and the audit hold the same way; the buttons
//! offered are only a convenience, the service decides.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{NaiveDateTime, TimeZone as _};
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Newsroom;
use crate::authz::{Action, Location, Target};
use crate::clock::{DISTRICT_OFFSET, format_local};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::news::model::{self, Article, ArticleState, Party};
use crate::news::service::{self, Draft, Edit};
use crate::news::store;
use crate::news::views::{ManageArticlePage, ManageListPage, ManagedRow, Step};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// The back-office routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage/news", get(list))
        .route("/manage/news/new", get(new_article).post(create))
        .route("/manage/news/{id}", get(edit_page).post(edit))
        .route("/manage/news/{id}/transition", post(transition))
}

/// How far back the newsroom's list reaches.
const LIST_MAX: i64 = 500;

async fn list(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Newsroom>) -> AppResult<Response> {
    let recent = store::recent(&mut *state.db.conn().await?, LIST_MAX).await?;
    let groups = ArticleState::ALL
        .into_iter()
        .map(|s| {
            let rows: Vec<ManagedRow> = recent
                .iter()
                .filter(|a| a.state == s && service::may_edit(&user, a))
                .map(|a| ManagedRow {
                    when: format_local(a.scheduled_at.filter(|_| s == ArticleState::Scheduled).unwrap_or(a.updated_at)),
                    article: a.clone(),
                })
                .collect();
            (s, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    render(&ManageListPage { ctx, groups })
}

/// The article form's fields as posted.
#[derive(Debug, Default, Deserialize)]
struct ArticleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body_markdown: String,
    #[serde(default)]
    source_line: String,
    /// The scope: a street's id, or empty for the district.
    #[serde(default)]
    street_id: String,
    /// One topic, or empty.
    #[serde(default)]
    topic_ids: String,
}

impl ArticleForm {
    fn of(a: &Article, topics: &[i64]) -> Self {
        Self {
            title: a.text.title.clone(),
            summary: a.text.summary.clone(),
            body_markdown: a.text.body_markdown.clone(),
            source_line: a.source_line.clone(),
            street_id: a.street.map(|s| s.0.to_string()).unwrap_or_default(),
            topic_ids: topics.first().map(i64::to_string).unwrap_or_default(),
        }
    }

    fn topics(&self) -> Vec<i64> {
        self.topic_ids.parse().ok().into_iter().collect()
    }
}

/// The form page: for a new article (`article` None) or an existing one with its steps.
async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    article: Option<Article>,
    f: &ArticleForm,
    errors: Errors,
    refused: Option<&'static str>,
) -> AppResult<ManageArticlePage> {
    let topics = store::topics(&mut *state.db.conn().await?).await?;
    let mut topic_opts = vec![Opt { value: String::new(), label: ctx.t("news.no_topic").into() }];
    topic_opts.extend(topics.iter().map(|t| Opt { value: t.id.to_string(), label: t.title.clone() }));
    let topic =
        Field::select("topic_ids", "news.topic", &f.topic_ids, vec![OptGroup { label: None, options: topic_opts }]);
    let fields = vec![
        Field::text("title", "news.field.title", &f.title).required(),
        Field::text("summary", "news.field.summary", &f.summary),
    ];
    let (title, action, after) = match &article {
        Some(a) => (a.text.title.clone(), format!("/manage/news/{}", a.id), vec![topic]),
        None => {
            let structure = state.structure.get(state).await?;
            let may = |l: Location| user.principal.can(Action::Manage, &Target::Article(l));
            let mut scopes = Vec::new();
            if may(Location::district()) {
                scopes.push(Opt { value: String::new(), label: ctx.t("news.scope_district").into() });
            }
            scopes.extend(
                structure
                    .blocks
                    .iter()
                    .filter(|b| may(Location::street(b.street.id)))
                    .map(|b| Opt { value: b.street.id.to_string(), label: b.street.name.clone() }),
            );
            let after = vec![
                Field::text("source_line", "news.field.source_line", &f.source_line).hint("news.hint.source_line"),
                Field::select(
                    "street_id",
                    "news.field.scope",
                    &f.street_id,
                    vec![OptGroup { label: None, options: scopes }],
                )
                .hint("news.hint.scope"),
                topic,
            ];
            (ctx.t("news.new").into(), "/manage/news/new".into(), after)
        }
    };
    let steps = article.as_ref().map(|a| steps(user, a)).unwrap_or_default();
    let at =
        article.as_ref().and_then(|a| a.scheduled_at).map(|t| format_local(t).replace(' ', "T")).unwrap_or_default();
    Ok(ManageArticlePage {
        ctx,
        title,
        action,
        article,
        fields,
        body: f.body_markdown.clone(),
        after,
        errors,
        refused,
        steps,
        at,
    })
}

/// The steps the workflow table gives this user from the article's state. Scheduling is
/// publishing with a time, so it is not a button of its own.
fn steps(user: &CurrentUser, a: &Article) -> Vec<Step> {
    let party = if a.author == user.id.0 { Party::Author } else { Party::Colleague };
    model::TRANSITIONS
        .iter()
        .filter(|(from, to, who)| *from == a.state && *to != ArticleState::Scheduled && who.contains(&party))
        .map(|(_, to, _)| Step {
            to: to.as_str(),
            key: match to {
                ArticleState::Draft => "news.step.draft",
                ArticleState::Review => "news.step.review",
                ArticleState::Withdrawn => "news.step.withdraw",
                _ => "news.step.publish",
            },
        })
        .collect()
}

/// The service's field names, as this form names them.
fn form_errors(errors: Vec<FieldError>) -> Errors {
    let rename = |f: &'static str| if f == "street_ids" { "street_id" } else { f };
    errors.into_iter().map(|e| FieldError { field: rename(e.field), key: e.key }).collect::<Vec<_>>().into()
}

async fn new_article(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Newsroom>) -> AppResult<Response> {
    render(&form_page(&state, ctx, &user, None, &ArticleForm::default(), Errors::none(), None).await?)
}

async fn create(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Form(f): Form<ArticleForm>,
) -> AppResult<Response> {
    let draft = Draft {
        title: f.title.clone(),
        summary: f.summary.clone(),
        body_markdown: f.body_markdown.clone(),
        source_line: f.source_line.clone(),
        street: f.street_id.trim().parse().ok().map(StreetId),
        topic_ids: f.topics(),
        street_ids: Vec::new(),
    };
    match service::create(&state, &user, draft).await {
        Ok(created) => Ok(see_other(&format!("/manage/news/{}", created.article.id))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, ctx, &user, None, &f, form_errors(errors), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// The article and its topics as its newsroom sees it (no read counted); 404 to anyone else,
/// as on the site.
async fn editable(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Editing> {
    let mut conn = state.db.conn().await?;
    let article =
        store::article(&mut conn, id).await?.filter(|a| service::may_edit(user, a)).ok_or(AppError::NotFound)?;
    let topic_ids = store::topics_of(&mut conn, id).await?;
    Ok(Editing { article, topic_ids })
}

/// An article being edited.
struct Editing {
    article: Article,
    topic_ids: Vec<i64>,
}

async fn edit_page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let full = editable(&state, &user, id).await?;
    let f = ArticleForm::of(&full.article, &full.topic_ids);
    render(&form_page(&state, ctx, &user, Some(full.article), &f, Errors::none(), None).await?)
}

async fn edit(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(f): Form<ArticleForm>,
) -> AppResult<Response> {
    let full = editable(&state, &user, id).await?;
    // Topics attached through the API beyond the form's one stay unless the form changes it.
    let topics = f.topics();
    let topic_ids = (topics.first() != full.topic_ids.first()).then_some(topics);
    let change = Edit {
        title: Some(f.title.clone()),
        summary: Some(f.summary.clone()),
        body_markdown: Some(f.body_markdown.clone()),
        topic_ids,
        street_ids: None,
    };
    match service::update(&state, &user, id, change).await {
        Ok(_) => Ok(see_other(&format!("/manage/news/{id}"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, ctx, &user, Some(full.article), &f, form_errors(errors), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(key)) => refused(&state, ctx, &user, full.article, &full.topic_ids, key).await,
        Err(other) => Err(other),
    }
}

/// A step as posted: where to, and for publishing an optional district time.
#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    at: String,
}

/// `2026-12-01T12:00` in district time (a `datetime-local` value); None when empty.
fn local_time(value: &str) -> Result<Option<i64>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| DISTRICT_OFFSET.from_local_datetime(&t).single())
        .map(|t| Some(t.timestamp()))
        .ok_or(FieldError { field: "at", key: "news.error.at_local" })
}

async fn transition(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let full = editable(&state, &user, id).await?;
    let to =
        ArticleState::parse(&f.to).ok_or(AppError::Invalid(vec![FieldError { field: "to", key: "news.error.to" }]));
    let result = match (to, local_time(&f.at)) {
        (Ok(to), Ok(at)) => service::transition(&state, &user, id, to, at).await,
        (Err(e), _) => Err(e),
        (_, Err(e)) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/manage/news/{id}"))),
        Err(AppError::Invalid(errors)) => {
            let form = ArticleForm::of(&full.article, &full.topic_ids);
            let mut page = form_page(&state, ctx, &user, Some(full.article), &form, errors.into(), None).await?;
            page.at = f.at;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(key)) => refused(&state, ctx, &user, full.article, &full.topic_ids, key).await,
        Err(other) => Err(other),
    }
}

/// The page again with why the step or change was refused (409: someone moved it first).
async fn refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    article: Article,
    topics: &[i64],
    key: &'static str,
) -> AppResult<Response> {
    let form = ArticleForm::of(&article, topics);
    let page = form_page(state, ctx, user, Some(article), &form, Errors::none(), Some(key)).await?;
    render_status(StatusCode::CONFLICT, &page)
}

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
use crate::news::links::{self, Extras};
use crate::news::manage_media;
use crate::news::model::{self, Article, ArticleState, ItemKind, Party};
use crate::news::service::{self, Draft, Edit};
use crate::news::views::{ManageArticlePage, ManageListPage, ManagedRow, MediaForm, PlaceGroup, Step, TopicPick};
use crate::news::{store, topics};
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
        .merge(manage_media::router())
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
                    when: ctx.when(a.scheduled_at.filter(|_| s == ArticleState::Scheduled).unwrap_or(a.updated_at)),
                    article: a.clone(),
                })
                .collect();
            (s, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    let topics = user.principal.can(Action::Manage, &Target::Topic);
    let strip = crate::authz::start::Strip::links(&user.principal, &ctx.path);
    render(&ManageListPage { ctx, groups, topics, strip })
}

/// The article form's fields as posted, read by hand: its topic selects and tag checkboxes
/// repeat one name.
#[derive(Debug, Default, Clone)]
pub(super) struct ArticleForm {
    title: String,
    summary: String,
    body_markdown: String,
    source_line: String,
    /// The scope: a street's id, or empty for the district.
    street_id: String,
    /// One `topic:section` per topic select that files it (`3:0`: the topic, in no section).
    topics: Vec<String>,
    /// Street tags.
    streets: Vec<i64>,
    /// Community tags.
    communities: Vec<i64>,
    /// Related activities' ids, separated by commas or spaces.
    related_events: String,
    /// Related public cases' ids.
    related_cases: String,
}

/// `1, 2 3，4` as ids; None if one is not a number.
fn ids(list: &str) -> Option<Vec<i64>> {
    list.split([',', '，', ' ', '、']).filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse().ok()).collect()
}

fn joined(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

impl ArticleForm {
    fn parse(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "summary" => f.summary = v,
                "body_markdown" => f.body_markdown = v,
                "source_line" => f.source_line = v,
                "street_id" => f.street_id = v,
                "topics" if !v.is_empty() => f.topics.push(v),
                "streets" => f.streets.extend(v.parse::<i64>().ok()),
                "communities" => f.communities.extend(v.parse::<i64>().ok()),
                "related_events" => f.related_events = v,
                "related_cases" => f.related_cases = v,
                _ => {}
            }
        }
        f
    }

    pub(super) fn of(full: &service::Full) -> Self {
        let a = &full.article;
        let related = |kind| joined(full.related.iter().filter(|r| r.kind == kind).map(|r| r.id));
        Self {
            title: a.text.title.clone(),
            summary: a.text.summary.clone(),
            body_markdown: a.text.body_markdown.clone(),
            source_line: a.source_line.clone(),
            street_id: a.street.map(|s| s.0.to_string()).unwrap_or_default(),
            topics: full.topic_sections.iter().map(|(t, s)| format!("{t}:{s}")).collect(),
            streets: full.street_ids.clone(),
            communities: full.community_ids.clone(),
            related_events: related(ItemKind::Event),
            related_cases: related(ItemKind::Case),
        }
    }

    /// The topics with their sections; the last choice for a topic wins.
    fn topic_sections(&self) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for v in &self.topics {
            let mut parts = v.split(':').map(|p| p.parse::<i64>().ok());
            if let (Some(Some(t)), s) = (parts.next(), parts.next().flatten().unwrap_or(0)) {
                out.retain(|(k, _)| *k != t);
                out.push((t, s));
            }
        }
        out
    }

    /// What the form sets beside the text; 422 when an id list is not ids.
    fn extras(&self) -> AppResult<Extras> {
        let bad = |field| AppError::Invalid(vec![FieldError { field, key: "news.error.related" }]);
        let events = ids(&self.related_events).ok_or_else(|| bad("related_events"))?;
        let cases = ids(&self.related_cases).ok_or_else(|| bad("related_cases"))?;
        let related = events
            .into_iter()
            .map(|id| (ItemKind::Event, id))
            .chain(cases.into_iter().map(|id| (ItemKind::Case, id)))
            .collect();
        Ok(Extras {
            cover_alt: None,
            topic_sections: Some(self.topic_sections()),
            community_ids: Some(self.communities.clone()),
            related: Some(related),
        })
    }
}

/// The form page: for a new article (`article` None) or an existing one with its steps.
pub(super) async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    article: Option<Article>,
    f: &ArticleForm,
    errors: Errors,
    refused: Option<&'static str>,
) -> AppResult<ManageArticlePage> {
    let mut conn = state.db.conn().await?;
    let mut topics = Vec::new();
    let chosen = f.topic_sections();
    for t in store::topics(&mut conn).await? {
        let Some(column) = topics::store::column(&mut conn, t.id).await? else { continue };
        let selected = chosen.iter().find(|(k, _)| *k == t.id).map(|(k, s)| format!("{k}:{s}")).unwrap_or_default();
        let mut options = vec![
            Opt { value: String::new(), label: ctx.t("news.topic_not_filed").into() },
            Opt { value: format!("{}:0", t.id), label: ctx.t("news.topic_no_section").into() },
        ];
        options.extend(
            column.sections.iter().map(|s| Opt { value: format!("{}:{}", t.id, s.id), label: s.title.clone() }),
        );
        topics.push(TopicPick { id: t.id, title: t.title, options, selected });
    }
    drop(conn);
    let structure = state.structure.get(state).await?;
    let places = structure
        .blocks
        .iter()
        .map(|b| PlaceGroup {
            street: (b.street.id.0, b.street.name.clone(), f.streets.contains(&b.street.id.0)),
            communities: b
                .communities
                .iter()
                .map(|c| (c.id.0, c.name.clone(), f.communities.contains(&c.id.0)))
                .collect(),
        })
        .collect();
    let fields = vec![
        Field::text("title", "news.field.title", &f.title).required(),
        Field::text("summary", "news.field.summary", &f.summary),
    ];
    let (title, action, after) = match &article {
        Some(a) => (a.text.title.clone(), format!("/manage/news/{}", a.id), Vec::new()),
        None => {
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
            ];
            (ctx.t("news.new").into(), "/manage/news/new".into(), after)
        }
    };
    let related = vec![
        Field::text("related_events", "news.field.related_events", &f.related_events).hint("news.hint.related_events"),
        Field::text("related_cases", "news.field.related_cases", &f.related_cases).hint("news.hint.related_cases"),
    ];
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
        topics,
        places,
        related,
        errors,
        refused,
        steps,
        at,
        media: MediaForm::default(),
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
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = ArticleForm::parse(pairs);
    let extras = f.extras();
    let draft = Draft {
        title: f.title.clone(),
        summary: f.summary.clone(),
        body_markdown: f.body_markdown.clone(),
        source_line: f.source_line.clone(),
        street: f.street_id.trim().parse().ok().map(StreetId),
        topic_ids: Vec::new(),
        street_ids: f.streets.clone(),
    };
    // The links are checked before the draft is written, so a refused form creates nothing.
    let created = match extras {
        Ok(extras) => match links::check_extras(&state, &extras).await {
            Ok(()) => service::create(&state, &user, draft).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match created {
        // Written as the second step; should they be refused meanwhile the draft exists, and its
        // page says why with the form as sent.
        Ok(created) => {
            let id = created.article.id;
            match links::set_extras(&state, &user, id, f.extras()?).await {
                Ok(_) => Ok(see_other(&format!("/manage/news/{id}"))),
                Err(AppError::Invalid(errors)) => {
                    let page =
                        form_page(&state, ctx, &user, Some(created.article), &f, form_errors(errors), None).await?;
                    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                Err(other) => Err(other),
            }
        }
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, ctx, &user, None, &f, form_errors(errors), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// The article and what is attached to it as its newsroom sees it (no read counted); 404 to
/// anyone else, as on the site.
pub(super) async fn editable(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<service::Full> {
    let mut conn = state.db.conn().await?;
    let article =
        store::article(&mut conn, id).await?.filter(|a| service::may_edit(user, a)).ok_or(AppError::NotFound)?;
    service::full(&mut conn, article).await
}

async fn edit_page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let full = editable(&state, &user, id).await?;
    let f = ArticleForm::of(&full);
    render(&form_page(&state, ctx, &user, Some(full.article), &f, Errors::none(), None).await?)
}

async fn edit(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Newsroom>,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let full = editable(&state, &user, id).await?;
    let f = ArticleForm::parse(pairs);
    let change = Edit {
        title: Some(f.title.clone()),
        summary: Some(f.summary.clone()),
        body_markdown: Some(f.body_markdown.clone()),
        topic_ids: None,
        street_ids: Some(f.streets.clone()),
    };
    let result = match f.extras() {
        Ok(extras) => match service::update(&state, &user, id, change).await {
            Ok(_) => links::set_extras(&state, &user, id, extras).await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/manage/news/{id}"))),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(&state, ctx, &user, Some(full.article), &f, form_errors(errors), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(key)) => refused(&state, ctx, &user, full, key).await,
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
            let form = ArticleForm::of(&full);
            let mut page = form_page(&state, ctx, &user, Some(full.article), &form, errors.into(), None).await?;
            page.at = f.at;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Conflict(key)) => refused(&state, ctx, &user, full, key).await,
        Err(other) => Err(other),
    }
}

/// The page again with why the step or change was refused (409: someone moved it first).
async fn refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    full: service::Full,
    key: &'static str,
) -> AppResult<Response> {
    let form = ArticleForm::of(&full);
    let page = form_page(state, ctx, user, Some(full.article), &form, Errors::none(), Some(key)).await?;
    render_status(StatusCode::CONFLICT, &page)
}

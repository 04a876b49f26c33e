//! The news on the site: `/news` (published articles, newest first, by topic or street),
//! `/news/{id}` (an article; each read counted per day by `service::read`), `/topics` and
//! `/topics/{id}`, and the Atom feeds beside them: `/news/feed.atom` (all, or one street's with
//! `?street={id}`, the same filter as the list's) and `/topics/{id}/feed.atom`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::clock::local_day;
use crate::error::{AppError, AppResult};
use crate::ids::StreetId;
use crate::news::model::ItemKind;
use crate::news::service::{self, Full};
use crate::news::site::cache;
use crate::news::site::feed::{self, Item, Meta};
use crate::news::store::{self, Listed};
use crate::news::topics::store as topic_store;
use crate::news::views::{ArticlePage, ListPage, Row, SectionView, TopicPage, TopicsPage};
use crate::web::backoffice::{Field, Link, Opt, OptGroup};
use crate::web::extract::{Path, Query};
use crate::web::{Ctx, public_base, render};

/// Articles per page.
const PAGE: i64 = 20;
/// Most articles a topic page lists in its sections.
const SECTION_ARTICLES: i64 = 200;
/// Entries per feed: readers poll, and fifty is more than a week of the district's news.
const FEED_ENTRIES: i64 = 50;

/// The public news routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/news", get(list))
        .route("/news/feed.atom", get(news_feed))
        .route("/news/{id}", get(article))
        .route("/topics", get(topics))
        .route("/topics/{id}", get(topic))
        .route("/topics/{id}/feed.atom", get(topic_feed))
}

/// `?topic=&street=&before=`: empty or unparsable values mean "any".
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    before: String,
}

impl ListQuery {
    fn topic(&self) -> Option<i64> {
        self.topic.parse().ok()
    }
    fn street(&self) -> Option<StreetId> {
        self.street.parse().ok().map(StreetId)
    }
    fn before(&self) -> i64 {
        self.before.parse().unwrap_or(0)
    }
}

/// A list's row: the article with its date as readers see it.
fn row(item: &Listed) -> Row {
    Row { day: item.published_at.map(|t| local_day(t).to_string()).unwrap_or_default(), item: item.clone() }
}

/// A page of rows and the link to the older ones when there are more.
fn paged(found: &[Listed], more_href: impl Fn(i64) -> String) -> (Vec<Row>, Option<String>) {
    let shown = &found[..found.len().min(PAGE as usize)];
    let older = (found.len() > shown.len()).then(|| shown.last().map(|l| more_href(l.id)).unwrap_or_default());
    (shown.iter().map(row).collect(), older)
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let data = cache::list(&state, (q.topic(), q.street(), q.before()), PAGE).await?;
    let most_read = data.most_read.iter().map(row).collect();
    let (topic, street) = (q.topic().map(|t| t.to_string()), q.street().map(|s| s.0.to_string()));
    let (rows, older) = paged(&data.found, |id| {
        format!("/news?topic={}&street={}&before={id}", topic.as_deref().unwrap_or(""), street.as_deref().unwrap_or(""))
    });
    let structure = state.structure.get(&state).await?;
    let any = |key| Opt { value: String::new(), label: ctx.t(key).into() };
    let mut streets = vec![any("events.all_streets")];
    streets
        .extend(structure.blocks.iter().map(|b| Opt { value: b.street.id.to_string(), label: b.street.name.clone() }));
    let mut topic_opts = vec![any("news.all_topics")];
    topic_opts.extend(data.topics.iter().map(|t| Opt { value: t.id.to_string(), label: t.title.clone() }));
    let filters = vec![
        Field::select("topic", "news.topic", &q.topic, vec![OptGroup { label: None, options: topic_opts }]),
        Field::select("street", "field.street", &q.street, vec![OptGroup { label: None, options: streets }]),
    ];
    let feed = match q.street() {
        Some(s) => format!("/news/feed.atom?street={}", s.0),
        None => "/news/feed.atom".into(),
    };
    render(&ListPage { ctx, filters, rows, older, feed, most_read })
}

async fn article(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let cached = cache::article(&state, id).await?;
    let (Full { article, topic_ids, street_ids, related, .. }, titles) = match cached.as_ref() {
        Some(data) => {
            // Counted in memory and written every few seconds (`reads`): a read costs no write.
            state.news_reads.count(id, local_day(state.clock.unix()));
            (data.full.clone(), std::borrow::Cow::Borrowed(&data.topic_titles))
        }
        // Not published: only its newsroom may see it (404 to anyone else), read afresh.
        None => {
            let full = service::read(&state, ctx.user.as_ref(), id).await?;
            let titles = store::topic_titles(&mut *state.db.conn().await?).await?;
            (full, std::borrow::Cow::Owned(titles))
        }
    };
    let topics = topic_ids
        .iter()
        .filter_map(|t| titles.get(t).map(|title| Link { label: title.clone(), href: format!("/topics/{t}") }))
        .collect();
    let structure = state.structure.get(&state).await?;
    let streets = street_ids
        .iter()
        .filter_map(|s| structure.blocks.iter().find(|b| b.street.id.0 == *s))
        .map(|b| Link { label: b.street.name.clone(), href: format!("/news?street={}", b.street.id) })
        .collect();
    let editable = ctx.user.as_ref().is_some_and(|u| service::may_edit(u, &article));
    let source = (!article.source_line.is_empty()).then(|| article.source_line.clone());
    let link = |r: &crate::news::links::Related| Link { label: r.title.clone(), href: r.url.clone() };
    let related_events = related.iter().filter(|r| r.kind == ItemKind::Event).map(link).collect();
    let related_cases = related.iter().filter(|r| r.kind == ItemKind::Case).map(link).collect();
    render(&ArticlePage {
        related_events,
        related_cases,
        source,
        published: article.published_at.map(|t| ctx.when(t)),
        corrected: article.corrected_at.map(|t| ctx.when(t)),
        topics,
        streets,
        editable,
        article,
        ctx,
    })
}

async fn topics(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let topics = store::topics(&mut *state.db.conn().await?).await?;
    render(&TopicsPage { ctx, topics })
}

async fn topic(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let column = topic_store::column(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let found = store::published(&mut conn, Some(id), None, q.before(), PAGE + 1).await?;
    let (rows, older) = paged(&found, |before| format!("/topics/{id}?before={before}"));
    let most_read = cache::most_read(&mut conn, state.clock.unix(), Some(id)).await?.iter().map(row).collect();
    let filed = topic_store::articles(&mut conn, id, SECTION_ARTICLES).await?;
    let mut events = Vec::new();
    for e in crate::news::topics::service::attached_events(&mut conn, id).await? {
        if let Some(title) = e.title {
            events.push((e.section, Link { label: title, href: ItemKind::Event.url(e.id) }));
        }
    }
    drop(conn);
    let sections = column
        .sections
        .iter()
        .map(|s| SectionView {
            title: s.title.clone(),
            rows: filed.iter().filter(|(sec, _)| *sec == s.id).map(|(_, l)| row(l)).collect(),
            events: events.iter().filter(|(sec, _)| *sec == s.id).map(|(_, l)| l.clone()).collect(),
        })
        .collect();
    // Activities in no section (or one since removed) are listed after the sections.
    let other_events = events
        .iter()
        .filter(|(sec, _)| !column.sections.iter().any(|s| s.id == *sec))
        .map(|(_, l)| l.clone())
        .collect();
    render(&TopicPage { ctx, column, sections, other_events, rows, older, most_read })
}

/// Builds a feed of the published articles of a topic and street, newest first.
async fn feed_of(
    state: &AppState,
    headers: &HeaderMap,
    topic: Option<i64>,
    street: Option<StreetId>,
    paths: (&str, &str),
    title: &str,
) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let articles = store::published_full(&mut conn, topic, street, FEED_ENTRIES).await?;
    let titles = store::topic_titles(&mut conn).await?;
    let mut attached = Vec::with_capacity(articles.len());
    for a in &articles {
        attached.push(store::topics_of(&mut conn, a.id).await?);
    }
    drop(conn);
    let items: Vec<Item<'_>> = articles
        .iter()
        .zip(&attached)
        .map(|(article, ids)| Item {
            article,
            topics: ids.iter().filter_map(|t| titles.get(t).map(|title| (*t, title.as_str()))).collect(),
        })
        .collect();
    let base = public_base(&state.config, headers);
    let meta = Meta { base: &base, self_path: paths.0, page_path: paths.1, title, now: state.clock.unix() };
    let mut response = feed::atom(&meta, &items).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    Ok(response)
}

/// All published news, or with `?street=` one street's (scoped to it or tagged with it).
async fn news_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let site = crate::web::i18n::t(Default::default(), "site.name");
    let news = crate::web::i18n::t(Default::default(), "news.title");
    match q.street() {
        Some(street) => {
            let name = crate::org::street(&mut *state.db.conn().await?, street).await?.ok_or(AppError::NotFound)?.name;
            let paths = (format!("/news/feed.atom?street={}", street.0), format!("/news?street={}", street.0));
            let title = format!("{news} · {name} · {site}");
            feed_of(&state, &headers, None, Some(street), (&paths.0, &paths.1), &title).await
        }
        None => feed_of(&state, &headers, None, None, ("/news/feed.atom", "/news"), &format!("{news} · {site}")).await,
    }
}

async fn topic_feed(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    let topic = store::topic(&mut *state.db.conn().await?, id).await?.ok_or(AppError::NotFound)?;
    let site = crate::web::i18n::t(Default::default(), "site.name");
    let paths = (format!("/topics/{id}/feed.atom"), format!("/topics/{id}"));
    feed_of(&state, &headers, Some(id), None, (&paths.0, &paths.1), &format!("{} · {site}", topic.title)).await
}

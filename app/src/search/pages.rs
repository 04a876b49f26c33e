//! `/search`: the search box and its results for people, grouped by kind with the matched words
//! marked; the same query as the API (`search::query`).

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppResult;
use crate::search::views::{Group, SearchPage};
use crate::search::{self, Kind};
use crate::web::extract::Query;
use crate::web::{Ctx, render};

/// The page's routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(page))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    kind: Option<Kind>,
    page: Option<u32>,
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(sq): Query<SearchQuery>) -> AppResult<Response> {
    let q: String = sq.q.chars().take(search::api::MAX_QUERY_CHARS).collect();
    let page = sq.page.unwrap_or(1).clamp(1, search::MAX_PAGE);
    let found = search::query(&mut *state.db.conn().await?, &q, sq.kind, page).await?;
    let mut groups: Vec<Group> = Vec::new();
    for hit in found.items {
        match groups.last_mut() {
            Some(g) if g.hits[0].kind == hit.kind => g.hits.push(hit),
            _ => groups.push(Group { heading: heading(hit.kind), hits: vec![hit] }),
        }
    }
    let href = |p: u32| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &q);
        if let Some(k) = sq.kind {
            query.append_pair("kind", k.as_str());
        }
        format!("/search?{}&page={p}", query.finish())
    };
    let prev = (page > 1).then(|| href(page - 1));
    let next = found.next_page.map(href);
    render(&SearchPage { ctx, q, groups, prev, next })
}

fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "search.articles",
        Kind::Event => "search.events",
        Kind::Service => "search.services",
        Kind::Case => "search.cases",
    }
}

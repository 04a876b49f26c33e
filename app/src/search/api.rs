//! `GET /api/v1/search`: the index, for anyone. The answer's shape is part of the fixed
//! contract of issue 11 (`{items: [{kind, id, title, url, snippet}]}`); `street_id` and
//! `next_page` are additions.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::AppResult;
use crate::search::{self, Hit, Kind};
use crate::web::extract::{Json, Query};

/// Characters of a query read at most; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;

/// The API routes of this domain.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_all))
}

/// What to search for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words, Chinese or English (one character is enough; punctuation and phone numbers
    /// are ignored, and only the first 200 characters are read). Without it, nothing is found.
    #[serde(default)]
    pub q: String,
    /// Only this kind of result.
    pub kind: Option<Kind>,
    /// Page, from 1 (default 1); pages beyond 50 are not served and read as 50.
    pub page: Option<u32>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Matches holding every word of the query, grouped by kind (articles, events, services,
    /// cases) and best first within a kind — a title match before a body match.
    pub items: Vec<Hit>,
    /// The next page's number, absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page: Option<u32>,
}

/// Searches published articles, activities, appointment services and public cases. No token
/// is needed; everyone gets the same public results.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery),
    responses((status = 200, description = "Results (none when the query holds no word)", body = SearchResults)))]
async fn search_all(State(state): State<AppState>, Query(q): Query<SearchQuery>) -> AppResult<Json<SearchResults>> {
    let text: String = q.q.chars().take(MAX_QUERY_CHARS).collect();
    let page = search::query(&mut *state.db.conn().await?, &text, q.kind, q.page.unwrap_or(1)).await?;
    Ok(Json(SearchResults { items: page.items, next_page: page.next_page }))
}

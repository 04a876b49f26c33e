//! The search page's view: the box, and the results grouped by kind.

use crate::search::model::Hit;
use crate::web::Ctx;

/// `/search?q=`.
#[derive(askama::Template)]
#[template(path = "search/search.html")]
pub struct SearchPage {
    /// Page context.
    pub ctx: Ctx,
    /// The query as typed.
    pub q: String,
    /// The results, a group per kind in result order.
    pub groups: Vec<Group>,
    /// The previous page's address.
    pub prev: Option<String>,
    /// The next page's address.
    pub next: Option<String>,
}

/// The results of one kind.
pub struct Group {
    /// Its heading's translation key.
    pub heading: &'static str,
    /// Its hits.
    pub hits: Vec<Hit>,
}

//! What the news list and an article's page keep in memory (`web::public_cache`, which says
//! when an entry is read again and why that is safe): the rows of a list page (by its
//! filters and cursor), the topics for its filter, the week's most read; and a published
//! article with what is attached to it. A publication, correction or withdrawal reaches search
//! in its transaction, which is what makes these entries stale at once on every instance.
//! Read counts are kept apart (`news::reads`), so serving an article from memory still counts it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::app::AppState;
use crate::clock::local_day;
use crate::db::Conn;
use crate::error::AppResult;
use crate::ids::StreetId;
use crate::news::model::{ArticleState, Topic};
use crate::news::service::{self, Full};
use crate::news::store::{self, Listed};
use crate::web::public_cache::{PublicCache, load};

/// Entries kept per cache at most.
const CAPACITY: usize = 1024;
/// How many articles "most read this week" lists, and over how many days.
pub const MOST_READ: i64 = 5;
const MOST_READ_DAYS: u64 = 7;

/// A list page's filters and cursor.
pub type ListKey = (Option<i64>, Option<StreetId>, i64);

/// A list page's data.
#[derive(Debug)]
pub struct ListData {
    /// The page's articles, one more than a page when there are older ones.
    pub found: Vec<Listed>,
    /// Every topic (the filter's choices).
    pub topics: Vec<Topic>,
    /// The week's most read, on the first page of the whole list only.
    pub most_read: Vec<Listed>,
}

/// A published article with what its page shows.
#[derive(Debug)]
pub struct ArticleData {
    /// The article and what is attached to it.
    pub full: Full,
    /// Every topic's title, by id.
    pub topic_titles: HashMap<i64, String>,
}

/// The news's caches (one per application).
#[derive(Debug)]
pub struct NewsCache {
    lists: PublicCache<ListKey, ListData>,
    articles: PublicCache<i64, Option<ArticleData>>,
}

impl Default for NewsCache {
    fn default() -> Self {
        Self { lists: PublicCache::new(CAPACITY), articles: PublicCache::new(CAPACITY) }
    }
}

/// A list page's data, `size` articles at most (plus one to tell whether there are more).
pub async fn list(state: &AppState, key: ListKey, size: i64) -> AppResult<Arc<ListData>> {
    let (topic, street, before) = key;
    let load = load(move |conn, now| {
        Box::pin(async move {
            let found = store::published(conn, topic, street, before, size + 1).await?;
            let topics = store::topics(conn).await?;
            // The week's most read head the first page of the whole list, not a filtered or older one.
            let most_read = if topic.is_none() && street.is_none() && before == 0 {
                most_read(conn, now, None).await?
            } else {
                Vec::new()
            };
            Ok(ListData { found, topics, most_read })
        })
    });
    state.news_cache.lists.get(state, &key, load).await
}

/// A published article's data; None when it is not published (or not there).
pub async fn article(state: &AppState, id: i64) -> AppResult<Arc<Option<ArticleData>>> {
    let load = load(move |conn, _now| {
        Box::pin(async move {
            let Some(article) = store::article(conn, id).await? else { return Ok(None) };
            if article.state != ArticleState::Published {
                return Ok(None);
            }
            let full = service::full(conn, article).await?;
            let topic_titles = store::topic_titles(conn).await?;
            Ok(Some(ArticleData { full, topic_titles }))
        })
    });
    state.news_cache.articles.get(state, &id, load).await
}

/// The week's most read published articles (today and the six days before, district days), of
/// a topic when asked.
pub async fn most_read(conn: &mut Conn, now: i64, topic: Option<i64>) -> AppResult<Vec<Listed>> {
    let today = local_day(now);
    let since = today.checked_sub_days(chrono::Days::new(MOST_READ_DAYS - 1)).unwrap_or(today).to_string();
    Ok(store::most_read(conn, &since, topic, MOST_READ).await?.into_iter().map(|(item, _)| item).collect())
}

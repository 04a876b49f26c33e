//! Search (搜索): one Chinese-first index over what the public may read — activities,
//! appointment services, and later news articles and public cases — and the API that queries it.
//!
//! Why a domain of its own, below the others: every domain that publishes something hands its
//! public text to [`index`] (and takes it back with [`remove`]) inside the transaction that
//! changes it, so a search on any instance sees a change the moment it is committed and nothing
//! is rebuilt on start. Search never reads another domain's tables; it knows documents only
//! as they were handed in (`model::Document`), so a new kind (articles) plugs in with one call.
//!
//! - `segment`: text into terms (jieba words and the Han characters in order), the segmenter
//!   version;
//! - `model`: kinds, documents, hits and the highlighted snippet;
//! - `store`: the index's SQL — FTS5 on SQLite, a GIN index over position-free grams on
//!   PostgreSQL, whose windows of ids are in `postgres`;
//! - `bulk`: documents handed in by the hundred during a reindex;
//! - `changes`: the signal that public content changed (for what keeps it in memory);
//! - `api`: `GET /api/v1/search`; `pages` and `views`: the `/search` page (`app/templates/search/`).

pub mod api;
pub mod bulk;
pub mod changes;
pub mod model;
pub mod pages;
mod postgres;
pub mod segment;
pub mod store;
mod views;

pub use model::{Document, Hit, Kind};

use crate::app::Domain;
use crate::db::Conn;

/// The domain: the search page and API.
pub const DOMAIN: Domain = Domain { name: "search", pages: pages::router, api: api::router, ..Domain::NONE };

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// Pages one may ask for: beyond them a query is too vague to page through.
pub const MAX_PAGE: u32 = 50;
/// Query words used at most; a longer query is cut.
const MAX_WORDS: usize = 16;

/// Puts a document into the index, or replaces it there. Call it in the transaction that
/// writes the document, with that transaction's time.
pub async fn index(conn: &mut Conn, doc: &Document, now: i64) -> Result<(), sqlx::Error> {
    // In a reindex (`bulk`), gathered and written by the hundred; announced once at its end.
    if bulk::gather(conn, doc, now).await? {
        return Ok(());
    }
    let title = segment::terms(&doc.title);
    // The body may be an article's whole text: segmented off the runtime's threads.
    let all = segment::terms_blocking(format!("{}\n{}", doc.title, doc.body)).await;
    store::upsert(conn, &[store::Stored { doc, title, all }], now).await?;
    changes::announce(conn).await
}

/// Takes a document out of the index (when it is withdrawn, cancelled or no longer public).
/// Only a document that was there is announced as a change (`changes`): a case moving between
/// states that are not public takes nothing out.
pub async fn remove(conn: &mut Conn, kind: Kind, id: i64) -> Result<(), sqlx::Error> {
    // What a reindex gathered goes first, so the writes keep their order.
    bulk::flush(conn).await?;
    if store::delete(conn, kind, id).await? > 0 && !bulk::is_open() {
        changes::announce(conn).await?;
    }
    Ok(())
}

/// Announces a change to public content that the index does not hold (a topic column's title,
/// banner, sections or activities), in its writing transaction, so what keeps public pages in
/// memory reads them again at once (`changes`).
pub async fn changed(conn: &mut Conn) -> Result<(), sqlx::Error> {
    changes::announce(conn).await
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The hits: grouped by kind (articles, events, services, cases), best first in a kind.
    pub items: Vec<Hit>,
    /// The next page's number, when there are more.
    pub next_page: Option<u32>,
}

/// Searches the index: documents holding every word of `q` (as a word, or as its characters in
/// a row), of one kind or all, page `page` (from 1), each with a highlighted snippet.
pub async fn query(conn: &mut Conn, q: &str, kind: Option<Kind>, page: u32) -> Result<Page, sqlx::Error> {
    let page = page.clamp(1, MAX_PAGE);
    let mut words = segment::query_words(q);
    words.truncate(MAX_WORDS);
    let offset = i64::from(page - 1) * PAGE_SIZE;
    let mut found = store::search(conn, &words, kind, PAGE_SIZE + 1, offset).await?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let items = found
        .into_iter()
        .map(|f| {
            let source = if f.body.trim().is_empty() { &f.title } else { &f.body };
            let (snippet, fragments) = (model::snippet(source, &words), model::excerpt(source, &words));
            Hit { kind: f.kind, id: f.id, title: f.title, url: f.url, snippet, street_id: f.street_id, fragments }
        })
        .collect();
    Ok(Page { items, next_page: (more && page < MAX_PAGE).then_some(page + 1) })
}

/// Segments again, in the background of a starting server, what an older segmenter or an
/// older shape of the index left (migration 0026 emptied PostgreSQL's terms), so that search
/// finds those documents again without anyone having to remember `ejia search reindex`.
/// Instances starting together may do a batch twice, which only writes it twice.
pub fn catch_up(db: crate::db::Db, now: i64) {
    tokio::spawn(async move {
        match reindex(&db, false, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(documents = n, "search index caught up"),
            Err(e) => tracing::warn!(error = %e, "search index could not catch up; run `ejia search reindex`"),
        }
    });
}

/// A domain's way of handing all its public documents to [`index`] again, in the transaction
/// given, at the time given; how many it handed in (see `app::Domain::search_documents`).
pub type Reindex = for<'a> fn(&'a mut Conn, i64) -> crate::db::BoxFuture<'a, crate::error::AppResult<u64>>;

/// Segments again every document stored by another segmenter version; returns how many.
/// With `all`, first asks every domain to hand in all its documents again (which also brings
/// in what was written before the index existed) and segments every stored document again.
/// Safe beside a running server: `all` hands everything in in one transaction (on SQLite the
/// server's writes wait for it — about a minute for 200,000 documents), the segmenting again
/// goes in batches of their own, and a document its domain rewrites meanwhile is simply
/// indexed by the current version.
pub async fn reindex(db: &crate::db::Db, all: bool, now: i64) -> crate::error::AppResult<u64> {
    let mut done = 0;
    if all {
        // One transaction, the index's upkeep set aside and the index rebuilt once at the end
        // (see `store::bulk_begin`: one by one, 100,000 articles were not indexed after five
        // minutes on SQLite).
        let mut tx = db.begin().await?;
        let upkeep = store::bulk_begin(&mut tx).await?;
        done += bulk::gathering(&mut tx, async |conn: &mut Conn| {
            let mut handed = 0;
            for hand_in in crate::app::DOMAINS.iter().filter_map(|d| d.search_documents) {
                handed += hand_in(conn, now).await?;
            }
            crate::error::AppResult::Ok(handed)
        })
        .await?;
        store::mark_stale_before(&mut tx, now).await?;
        store::bulk_end(&mut tx, upkeep).await?;
        changes::announce(&mut tx).await?;
        tx.commit().await?;
    }
    loop {
        let mut tx = db.begin().await?;
        let batch = store::stale(&mut tx, 200).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        bulk::gathering(&mut tx, async |conn: &mut Conn| {
            for doc in &batch {
                index(conn, doc, now).await?;
            }
            Ok::<_, sqlx::Error>(())
        })
        .await?;
        changes::announce(&mut tx).await?;
        tx.commit().await?;
        done += batch.len() as u64;
    }
}

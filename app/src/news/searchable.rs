//! What search holds of the news: a published article — its title, summary, text (without its
//! Markdown), source line and the names of the places it is tagged with — handed
//! to the search index in the transaction that publishes, corrects or withdraws it, so it
//! enters, changes in or leaves search at once on every instance. Anything not published
//! (a draft, one in review, one scheduled for later, one withdrawn) is not in the index.

use crate::db::Conn;
use crate::error::AppResult;
use crate::news::model::{Article, ArticleState};
use crate::news::store;
use crate::search::{self, Document, Kind};

/// Hands `article` to search as it now stands, or takes it out.
pub async fn index(conn: &mut Conn, article: &Article, now: i64) -> Result<(), sqlx::Error> {
    if article.state != ArticleState::Published {
        return search::remove(conn, Kind::Article, article.id).await;
    }
    let text = &article.text;
    let places = store::place_names_of(conn, article.id).await?.join(" ");
    let doc = Document {
        kind: Kind::Article,
        id: article.id,
        title: text.title.clone(),
        url: format!("/news/{}", article.id),
        // The words without their Markdown (the snippet is cut from them), then the source
        // line and the places it is tagged with.
        body: format!(
            "{}\n{}\n{}\n{places}",
            text.summary,
            crate::news::markdown::plain_text(&text.body_markdown),
            article.source_line
        ),
        street_id: article.street.map(|s| s.0),
        community_id: None,
    };
    search::index(conn, &doc, now).await
}

/// Hands every published article to search again (`ejia search reindex --all`).
pub async fn index_all(conn: &mut Conn, now: i64) -> AppResult<u64> {
    let (mut before, mut count) = (0, 0);
    loop {
        let page = store::published(conn, None, None, before, 500).await?;
        let Some(last) = page.last() else { return Ok(count) };
        before = last.id;
        for listed in &page {
            if let Some(article) = store::article(conn, listed.id).await? {
                index(conn, &article, now).await?;
                count += 1;
            }
        }
    }
}

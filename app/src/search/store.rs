//! SQL for the search index. Writes are one SQL for both engines (SQLite's triggers keep FTS5
//! in step; PostgreSQL's GIN index is over an expression of the same columns). The match is
//! the one real difference — FTS5's `match` and `bm25` against a `tsquery` and `ts_rank` — so
//! both versions sit side by side below, each with the query language it reads, and
//! `db::per_engine` picks one.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::{Conn, per_engine};
use crate::search::model::{Document, Kind};
use crate::search::segment::{SEGMENTER_VERSION, Terms, is_han};

/// A document as the index stores it, segmented.
pub struct Stored<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its title's terms.
    pub title: Terms,
    /// Its title's and body's terms.
    pub all: Terms,
}

/// Adds a document or replaces what the index holds for it.
pub async fn upsert(conn: &mut Conn, s: &Stored<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into search_documents (kind, kind_order, doc_id, title, url, body, street_id, community_id, \
         title_words, words, chars, segmenter_version, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         on conflict (kind, doc_id) do update set title = excluded.title, url = excluded.url, body = excluded.body, \
         street_id = excluded.street_id, community_id = excluded.community_id, title_words = excluded.title_words, \
         words = excluded.words, chars = excluded.chars, segmenter_version = excluded.segmenter_version, \
         updated_at = excluded.updated_at",
    )
    .bind(s.doc.kind.as_str())
    .bind(s.doc.kind.order())
    .bind(s.doc.id)
    .bind(&s.doc.title)
    .bind(&s.doc.url)
    .bind(&s.doc.body)
    .bind(s.doc.street_id)
    .bind(s.doc.community_id)
    .bind(s.title.words_text())
    .bind(s.all.words_text())
    .bind(s.all.chars_text())
    .bind(SEGMENTER_VERSION)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a document out of the index (nothing happens when it is not there); how many rows went.
pub async fn delete(conn: &mut Conn, kind: Kind, id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from search_documents where kind = $1 and doc_id = $2")
        .bind(kind.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Documents segmented by another version than this one, a batch at a time.
pub async fn stale(conn: &mut Conn, limit: i64) -> Result<Vec<Document>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from search_documents where segmenter_version <> $1 order by search_document_id limit $2"
    );
    let rows = sqlx::query(&sql).bind(SEGMENTER_VERSION).bind(limit).fetch_all(conn).await?;
    rows.iter().map(document_from).collect()
}

/// Marks the documents not indexed since `now` as segmented by no version, so the reindex
/// that follows does them too.
pub async fn mark_stale_before(conn: &mut Conn, now: i64) -> Result<u64, sqlx::Error> {
    let sql = "update search_documents set segmenter_version = 0 where updated_at < $1";
    Ok(sqlx::query(sql).bind(now).execute(conn).await?.rows_affected())
}

/// One row of `search_documents`, as it was handed in (one mapper for every read).
fn document_from(r: &AnyRow) -> Result<Document, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    Ok(Document {
        kind: Kind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(format!("unknown kind {kind}").into()))?,
        id: r.try_get("doc_id")?,
        title: r.try_get("title")?,
        url: r.try_get("url")?,
        body: r.try_get("body")?,
        street_id: r.try_get("street_id")?,
        community_id: r.try_get("community_id")?,
    })
}

/// The columns [`document_from`] reads.
const COLUMNS: &str = "kind, doc_id, title, url, body, street_id, community_id";

const SQLITE_MATCH: &str = "select d.kind, d.doc_id, d.title, d.url, d.body, d.street_id, d.community_id \
     from search_fts join search_documents d on d.search_document_id = search_fts.rowid \
     where search_fts match $1 and ($2 = '' or d.kind = $2) \
     order by d.kind_order, bm25(search_fts, 10.0, 2.0, 1.0), d.search_document_id limit $3 offset $4";

/// The expression the GIN index of migration 0020 is built on, word for word.
macro_rules! tsv {
    () => {
        "(setweight(to_tsvector('simple'::regconfig, d.title_words), 'A') \
         || setweight(to_tsvector('simple'::regconfig, d.words), 'B') \
         || setweight(to_tsvector('simple'::regconfig, d.chars), 'D'))"
    };
}

const POSTGRES_MATCH: &str = concat!(
    "select d.kind, d.doc_id, d.title, d.url, d.body, d.street_id, d.community_id \
     from search_documents d, to_tsquery('simple'::regconfig, $1) q where ",
    tsv!(),
    " @@ q and ($2 = '' or d.kind = $2) order by d.kind_order, ts_rank(",
    tsv!(),
    ", q) desc, d.search_document_id limit $3 offset $4"
);

/// FTS5's query: each word as a word (title or body) or as a phrase of its characters.
fn fts5_query(words: &[String]) -> String {
    let clauses: Vec<String> = words
        .iter()
        .map(|w| match han_chars(w) {
            Some(chars) if chars.len() > 1 => {
                format!("({{title_words words}} : \"{w}\" OR chars : \"{}\")", chars.join(" "))
            }
            Some(_) => format!("chars : \"{w}\""),
            None => format!("\"{w}\""),
        })
        .collect();
    clauses.join(" AND ")
}

/// The same query as a PostgreSQL `tsquery`, the characters' phrase restricted to weight D.
fn tsquery(words: &[String]) -> String {
    let clauses: Vec<String> = words
        .iter()
        .map(|w| match han_chars(w) {
            Some(chars) if chars.len() > 1 => {
                let phrase: Vec<String> = chars.iter().map(|c| format!("'{c}':D")).collect();
                format!("('{w}':AB | {})", phrase.join(" <-> "))
            }
            Some(_) => format!("'{w}':D"),
            None => format!("'{w}'"),
        })
        .collect();
    clauses.join(" & ")
}

/// A word's characters when it is all Han.
fn han_chars(word: &str) -> Option<Vec<String>> {
    word.chars().all(is_han).then(|| word.chars().map(String::from).collect())
}

/// Documents matching every one of `words` (segmented, alphanumeric: nothing in them needs
/// quoting), grouped by kind and best first within a kind.
pub async fn search(
    conn: &mut Conn,
    words: &[String],
    kind: Option<Kind>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Document>, sqlx::Error> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, expression) = per_engine(&*conn, (SQLITE_MATCH, fts5_query(words)), (POSTGRES_MATCH, tsquery(words)));
    let rows = sqlx::query(sql)
        .bind(expression)
        .bind(kind.map_or("", Kind::as_str))
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    rows.iter().map(document_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_han_word_matches_as_a_word_or_as_its_characters_in_a_row() {
        assert_eq!(
            fts5_query(&w(&["党史", "党", "covid"])),
            "({title_words words} : \"党史\" OR chars : \"党 史\") AND chars : \"党\" AND \"covid\""
        );
        assert_eq!(tsquery(&w(&["党史", "党", "covid"])), "('党史':AB | '党':D <-> '史':D) & '党':D & 'covid'");
    }
}

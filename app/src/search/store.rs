//! SQL for the search index. Writes are one SQL for both engines but for a column (SQLite's
//! triggers keep FTS5 in step with the segmented words and characters; PostgreSQL's GIN index
//! is over the grams the application writes, migration 0026). The match is the real
//! difference: FTS5's here, PostgreSQL's windows of ids in `postgres.rs`; `db::per_engine`
//! picks one.
//!
//! Speed (issue 11: p99 ≤ 50 ms over 200,000 documents, `bench/search.sh`): a search ranks
//! at most the newest [`CANDIDATES`] matches of a kind, kind by kind only as far as the page
//! reaches, and reads whole documents for the page alone; a bulk reindex sets the FTS5
//! triggers aside and rebuilds the index once ([`bulk_begin`]).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::{Conn, per_engine};
use crate::search::model::{Document, Kind};
use crate::search::postgres;
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

/// Adds documents or replaces what the index holds for them, in one statement (a bulk
/// reindex hands them in by the hundred). A document must not be there twice.
pub async fn upsert(conn: &mut Conn, docs: &[Stored<'_>], now: i64) -> Result<(), sqlx::Error> {
    if docs.is_empty() {
        return Ok(());
    }
    let postgres = !per_engine(&*conn, true, false);
    // PostgreSQL matches from `tsv` (the grams, given as a vector) and leaves `words` and
    // `chars` empty; SQLite's FTS5 reads those two and leaves `tsv` empty (migration 0026).
    let columns = if postgres { 14 } else { 13 };
    let rows: Vec<String> = (0..docs.len())
        .map(|r| {
            let places: Vec<String> = (1..=columns)
                .map(|c| {
                    let n = r * columns + c;
                    if c == 14 { format!("cast(${n} as tsvector)") } else { format!("${n}") }
                })
                .collect();
            format!("({})", places.join(", "))
        })
        .collect();
    let (tsv, tsv_set) = if postgres { (", tsv", ", tsv = excluded.tsv") } else { ("", "") };
    let sql = format!(
        "insert into search_documents (kind, kind_order, doc_id, title, url, body, street_id, community_id, \
         title_words, words, chars, segmenter_version, updated_at{tsv}) values {} \
         on conflict (kind, doc_id) do update set title = excluded.title, url = excluded.url, body = excluded.body, \
         street_id = excluded.street_id, community_id = excluded.community_id, title_words = excluded.title_words, \
         words = excluded.words, chars = excluded.chars, segmenter_version = excluded.segmenter_version, \
         updated_at = excluded.updated_at{tsv_set}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for s in docs {
        let (words, chars) =
            if postgres { (String::new(), String::new()) } else { (s.all.words_text(), s.all.chars_text()) };
        query = query
            .bind(s.doc.kind.as_str())
            .bind(s.doc.kind.order())
            .bind(s.doc.id)
            .bind(&s.doc.title)
            .bind(&s.doc.url)
            .bind(&s.doc.body)
            .bind(s.doc.street_id)
            .bind(s.doc.community_id)
            .bind(s.title.words_text())
            .bind(words)
            .bind(chars)
            .bind(SEGMENTER_VERSION)
            .bind(now);
        if postgres {
            query = query.bind(s.all.grams_tsvector());
        }
    }
    // A batch's statement is planned afresh: its shape depends on how many documents it has.
    query.persistent(docs.len() == 1).execute(conn).await?;
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

/// Sets the index's upkeep aside for a bulk write, in the transaction given: what to hand to
/// [`bulk_end`] in the same transaction.
///
/// Why: FTS5 writes the terms it holds to disk at every statement of a transaction once it
/// holds some (each statement opens a savepoint), so documents written one by one through the
/// triggers make a tiny segment each, and the index spends its time merging them — 100,000
/// articles were not indexed after five minutes. Without the triggers the documents are
/// written alone, and [`bulk_end`] rebuilds the full-text index from them in one pass.
///
/// On PostgreSQL the same holds of the GIN index: fed row by row it gathers entries in a
/// pending list and merges them into the index, and 100,000 articles left an index of 1.1 GB
/// after some 50 s; built afresh from the rows it is 72 MB in 8 s. So the index is dropped
/// here and built again by [`bulk_end`], from its definition as the database holds it. Until
/// the transaction commits, searches on other connections wait for it (about a minute per
/// 100,000 documents: `ejia search reindex --all` is for off-peak hours on a live site).
pub async fn bulk_begin(conn: &mut Conn) -> Result<Vec<String>, sqlx::Error> {
    if !per_engine(&*conn, true, false) {
        let definition: Option<String> =
            sqlx::query_scalar("select indexdef from pg_indexes where indexname = 'search_documents_tsv'")
                .fetch_optional(&mut *conn)
                .await?;
        sqlx::query("drop index if exists search_documents_tsv").execute(&mut *conn).await?;
        // The build sorts the index's entries in memory rather than in temporary files.
        sqlx::query("set local maintenance_work_mem = '256MB'").execute(&mut *conn).await?;
        return Ok(definition.into_iter().collect());
    }
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'search_documents' order by name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &triggers {
        sqlx::query(&format!("drop trigger {name}")).execute(&mut *conn).await?;
    }
    // The rebuild reads and writes some hundreds of megabytes: in SQLite's own cache rather
    // than through a system call per page (most of its time with the default 2 MB).
    sqlx::query("pragma cache_size = -262144").execute(&mut *conn).await?;
    Ok(triggers.into_iter().map(|(_, sql)| sql).collect())
}

/// Rebuilds the full-text index from the documents and puts its upkeep back (see
/// [`bulk_begin`]); other connections never see the index without it, as both happen in one
/// transaction.
pub async fn bulk_end(conn: &mut Conn, upkeep: Vec<String>) -> Result<(), sqlx::Error> {
    if !per_engine(&*conn, true, false) {
        for sql in upkeep {
            sqlx::query(&sql).execute(&mut *conn).await?;
        }
        return Ok(());
    }
    sqlx::query("insert into search_fts (search_fts) values ('rebuild')").execute(&mut *conn).await?;
    // One segment rather than the rebuild's many: every term a search reads is then one
    // lookup (twice the searches a second over 200,000 documents, for some seconds here).
    sqlx::query("insert into search_fts (search_fts) values ('optimize')").execute(&mut *conn).await?;
    for sql in upkeep {
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    sqlx::query("pragma cache_size = -2000").execute(&mut *conn).await?;
    Ok(())
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

/// Matches of one kind a search ranks at most: the newest ones (by when they entered the
/// index). A common word is in most documents, and ranking costs time in proportion to what
/// is ranked, so past this many a search ranks the most recent matches rather than all —
/// enough for every page one may ask for ([`crate::search::MAX_PAGE`] × the page size).
pub const CANDIDATES: i64 = 1000;

/// A kind's newest matches ranked — those holding every word of the query in their title
/// first, then the newest — a page of them, and how many candidates there were. FTS5 walks
/// its index backwards to the newest matches (the kind is a column of the index, migration
/// 0022), and the title matches are looked up among them alone.
///
/// Why not `bm25`: it counts, for every query term, all the documents holding it (its IDF)
/// — for a common word 100,000 documents' position lists at each search, some 50 ms of CPU
/// even with the candidates bounded (`bench/search.sh`).
const SQLITE_RANKED: &str = "with c as (select rowid as id from search_fts where search_fts match $1 \
       order by rowid desc limit $2) \
     select c.id, count(*) over () as n from c \
     order by c.id in (select rowid from search_fts where search_fts match $3 \
       and rowid >= (select min(id) from c)) desc, c.id desc limit $4 offset $5";

/// How many candidates a kind has, for the kinds a page skips whole.
const SQLITE_COUNT: &str =
    "select count(*) from (select rowid from search_fts where search_fts match $1 order by rowid desc limit $2) c";

/// FTS5's query: each word as a word (title or body) or as a phrase of its characters. A
/// Latin word or number is looked for in the text's columns only — never in `kind`, or
/// "case" would find every case.
fn fts5_query(words: &[String]) -> String {
    let clauses: Vec<String> = words
        .iter()
        .map(|w| match han_chars(w) {
            Some(chars) if chars.len() > 1 => {
                format!("({{title_words words}} : \"{w}\" OR chars : \"{}\")", chars.join(" "))
            }
            Some(_) => format!("chars : \"{w}\""),
            None => format!("{{title_words words chars}} : \"{w}\""),
        })
        .collect();
    clauses.join(" AND ")
}

/// A word's characters when it is all Han.
pub(super) fn han_chars(word: &str) -> Option<Vec<String>> {
    word.chars().all(is_han).then(|| word.chars().map(String::from).collect())
}

/// FTS5's query for one kind's documents.
fn fts5_query_of(words: &[String], kind: Kind) -> String {
    format!("({}) AND kind : \"{}\"", fts5_query(words), kind.as_str())
}

/// FTS5's query for a kind's documents holding every word in their title's words.
fn fts5_title_query(words: &[String], kind: Kind) -> String {
    let clauses: Vec<String> = words.iter().map(|w| format!("{{title_words}} : \"{w}\"")).collect();
    format!("{} AND kind : \"{}\"", clauses.join(" AND "), kind.as_str())
}

/// A page of one kind's candidates, ranked, and how many candidates it has.
async fn kind_page(
    conn: &mut Conn,
    words: &[String],
    kind: Kind,
    limit: i64,
    offset: i64,
    tops: &[(Kind, i64)],
) -> Result<(Vec<i64>, i64), sqlx::Error> {
    if !per_engine(&*conn, true, false) {
        let top = tops.iter().find(|(k, _)| *k == kind).map(|(_, top)| *top);
        let all = postgres::candidates(conn, words, kind, top).await?;
        let n = all.len() as i64;
        return Ok((all.into_iter().skip(offset as usize).take(limit as usize).collect(), n));
    }
    let query = fts5_query_of(words, kind);
    let page: Vec<(i64, i64)> = sqlx::query_as(SQLITE_RANKED)
        .bind(&query)
        .bind(CANDIDATES)
        .bind(fts5_title_query(words, kind))
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let n = match page.first() {
        Some((_, n)) => *n,
        // Past the candidates: count them, for the next kind's page to start at the right place.
        None if offset > 0 => sqlx::query_scalar(SQLITE_COUNT).bind(&query).bind(CANDIDATES).fetch_one(conn).await?,
        None => 0,
    };
    Ok((page.into_iter().map(|(id, _)| id).collect(), n))
}

/// Documents matching every one of `words` (segmented, alphanumeric: nothing in them needs
/// quoting), grouped by kind and best first within a kind — of a kind's newest
/// [`CANDIDATES`] matches.
///
/// Kind by kind, in result order, and only as far as the page reaches: the first page of a
/// common word ranks the articles alone. Then the page's documents, by id.
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
    if per_engine(&*conn, true, false) {
        return ranked(conn, words, kind, limit, offset, &[]).await;
    }
    // On PostgreSQL, in a transaction whose planner may take neither a sequential scan nor
    // a walk of the primary key: both read every candidate's vector out of line to test it,
    // which is what migration 0026 set out to avoid. The planner cannot tell that, and chose
    // them when it guessed many matches (1.2 s for a common word over 64 blocks, measured);
    // the GIN index is always the fast way here. One snapshot for all the kinds, too.
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let tops = postgres::tops(&mut tx).await?;
    let found = ranked(&mut tx, words, kind, limit, offset, &tops).await?;
    tx.commit().await?;
    Ok(found)
}

/// [`search`], with the engine's settings in place.
async fn ranked(
    conn: &mut Conn,
    words: &[String],
    kind: Option<Kind>,
    limit: i64,
    offset: i64,
    tops: &[(Kind, i64)],
) -> Result<Vec<Document>, sqlx::Error> {
    let kinds = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);
    let (mut ids, mut skip) = (Vec::new(), offset);
    for kind in kinds {
        let want = limit - ids.len() as i64;
        if want <= 0 {
            break;
        }
        let (page, candidates) = kind_page(&mut *conn, words, kind, want, skip, tops).await?;
        if page.is_empty() {
            skip = (skip - candidates).max(0);
            continue;
        }
        skip = 0;
        ids.extend(page);
    }
    documents(conn, &ids).await
}

/// The documents of `ids`, in that order.
async fn documents(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Document>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "select search_document_id, {COLUMNS} from search_documents where search_document_id in ({})",
        places.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(conn).await?;
    let mut found = Vec::with_capacity(rows.len());
    for r in &rows {
        found.push((r.try_get::<i64, _>("search_document_id")?, document_from(r)?));
    }
    // In the ranked order; a document deleted meanwhile is simply left out.
    Ok(ids.iter().filter_map(|id| found.iter().position(|(f, _)| f == id).map(|i| found[i].1.clone())).collect())
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
            "({title_words words} : \"党史\" OR chars : \"党 史\") AND chars : \"党\" AND {title_words words chars} : \"covid\""
        );
    }

    #[test]
    fn a_kind_and_its_title_matches_are_asked_of_the_index() {
        assert_eq!(fts5_query_of(&w(&["党"]), Kind::Case), "(chars : \"党\") AND kind : \"case\"");
        assert_eq!(
            fts5_title_query(&w(&["党史", "covid"]), Kind::Article),
            "{title_words} : \"党史\" AND {title_words} : \"covid\" AND kind : \"article\""
        );
    }
}

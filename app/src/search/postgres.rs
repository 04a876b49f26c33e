//! PostgreSQL's half of the search index's matching (`store` holds the rest and SQLite's):
//! a kind's newest matches asked of the GIN index over the grams and the blocks of ids
//! (migration 0026), window by window.

use sqlx::Row as _;

use crate::db::Conn;
use crate::search::model::Kind;
use crate::search::segment::bigrams_of;
use crate::search::store::{CANDIDATES, han_chars};

/// The same on PostgreSQL (migration 0026): a kind's newest matches within the blocks of ids
/// named in `$2`, and whether their title holds every word. Both conditions are answered by
/// the one GIN index over (`tsv`, `window_terms`) with no recheck — the grams carry no
/// positions or weights — so PostgreSQL reads only the narrow rows of the matches, for their
/// ids (see [`candidates`] for how the blocks are chosen, and [`super::store::search`] for the plan).
const POSTGRES_WINDOW: &str = "select d.search_document_id, \
       d.title_tsv @@ to_tsquery('simple'::regconfig, $3) as in_title \
     from search_documents d \
     where d.tsv @@ cast($1 as tsquery) and d.window_terms @@ cast($2 as tsquery) \
     order by d.search_document_id desc limit $4";

/// The ids in a block of `window_terms` (migration 0026 divides by the same number).
const BLOCK: i64 = 1024;
/// The first window's width, in ids: a word in most documents has its candidates there.
const FIRST_WINDOW: i64 = 2 * BLOCK;
/// Blocks a window names at most; a wider one asks for the whole kind (`window_terms` holds
/// the kind alone too), whose matches are then few enough to read.
const MOST_BLOCKS: i64 = 32;

/// The same query as a PostgreSQL `tsquery` over the grams (`segment::Terms::grams`): a Han
/// word as all its bigrams (江西路: '江西' & '西路'), a character or a Latin word as itself.
/// Only ANDs of whole terms, which the GIN index answers alone. The bigrams stand in for the
/// phrase: a text holding 江西 and 西路 apart would match too, which a district's texts rarely
/// do (the search-quality test holds both engines to the same results).
fn tsquery(words: &[String]) -> String {
    let mut terms: Vec<String> = Vec::new();
    for w in words {
        let grams = if han_chars(w).is_some() { bigrams_of(w) } else { vec![w.clone()] };
        terms.extend(grams.into_iter().map(|g| format!("'{g}'")));
    }
    terms.dedup();
    terms.join(" & ")
}

/// The blocks of a kind's ids from `floor` to `top` as a `tsquery` over `window_terms`, or the
/// whole kind when that is more than [`MOST_BLOCKS`].
fn window_tsquery(kind: Kind, floor: i64, top: i64) -> (String, bool) {
    let (first, last) = (floor.max(0) / BLOCK, top / BLOCK);
    if floor <= 0 || last - first >= MOST_BLOCKS {
        return (format!("'{}'", kind.as_str()), true);
    }
    let blocks: Vec<String> = (first..=last).map(|b| format!("'{}~{b}'", kind.as_str())).collect();
    (blocks.join(" | "), false)
}

/// The same as a `tsquery` over the title's words alone.
pub(super) fn title_tsquery(words: &[String]) -> String {
    words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" & ")
}

/// A kind's candidates on PostgreSQL, ranked: the newest [`CANDIDATES`] matches, found in
/// ever wider windows of the kind's newest ids (see [`POSTGRES_WINDOW`]). A word in most
/// documents is done in the first window; a rarer one is asked of a window wide enough, at the
/// rate the last one matched, for the candidates and a quarter more; one that matched nothing
/// of the whole kind at once.
///
/// `top` is the kind's newest id ([`tops`]): the windows count back from it, so a kind
/// indexed before the others (all the cases, then all the articles) is not looked for among
/// the others.
pub(super) async fn candidates(
    conn: &mut Conn,
    words: &[String],
    kind: Kind,
    top: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    let Some(top) = top else { return Ok(Vec::new()) };
    let (query, title) = (tsquery(words), title_tsquery(words));
    let mut width = FIRST_WINDOW;
    loop {
        let (window, whole_kind) = window_tsquery(kind, top - width, top);
        let mut found: Vec<(i64, bool)> = sqlx::query_as(POSTGRES_WINDOW)
            .bind(&query)
            .bind(&window)
            .bind(&title)
            .bind(CANDIDATES)
            .fetch_all(&mut *conn)
            .await?;
        if found.len() as i64 >= CANDIDATES || whole_kind {
            found.sort_by_key(|(id, in_title)| (!in_title, std::cmp::Reverse(*id)));
            return Ok(found.into_iter().map(|(id, _)| id).collect());
        }
        // None in the newest ids: a rare word, whose matches in the whole kind are few.
        let found = found.len() as i64;
        width = if found == 0 { i64::MAX / 2 } else { (width * CANDIDATES * 5 / 4 / found).max(width * 2) };
    }
}

/// Each kind's newest id, and the planner's settings for the rest of the transaction (taking
/// effect after this statement, planned without them), in one statement. Besides the scans
/// (see [`super::store::search`]), each statement is planned for its values rather than once for any: the
/// queries then hold as constants (PostgreSQL parses the title's `tsquery` once, not for
/// every candidate), which took the benchmark from 544 to 702–752 searches a second, p99
/// 52.6 ms to 40–42 ms.
pub(super) async fn tops(conn: &mut Conn) -> Result<Vec<(Kind, i64)>, sqlx::Error> {
    let mut columns: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("(select max(search_document_id) from search_documents where kind = '{}')", k.as_str()))
        .collect();
    columns.push("set_config('enable_seqscan', 'off', true)".into());
    columns.push("set_config('enable_indexscan', 'off', true)".into());
    columns.push("set_config('plan_cache_mode', 'force_custom_plan', true)".into());
    let row = sqlx::query(&format!("select {}", columns.join(", "))).fetch_one(conn).await?;
    let mut tops = Vec::new();
    for (i, kind) in Kind::ALL.iter().enumerate() {
        if let Some(top) = row.try_get::<Option<i64>, _>(i)? {
            tops.push((*kind, top));
        }
    }
    Ok(tops)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_han_word_is_asked_for_as_its_bigrams() {
        assert_eq!(tsquery(&w(&["江西路", "党", "covid"])), "'江西' & '西路' & '党' & 'covid'");
        assert_eq!(title_tsquery(&w(&["党史", "covid"])), "'党史' & 'covid'");
    }

    #[test]
    fn a_window_names_the_blocks_of_ids_it_covers_or_the_whole_kind() {
        assert_eq!(
            window_tsquery(Kind::Article, 5000, 7000),
            ("'article~4' | 'article~5' | 'article~6'".to_owned(), false)
        );
        assert_eq!(window_tsquery(Kind::Case, -10, 7000), ("'case'".to_owned(), true));
        assert_eq!(window_tsquery(Kind::Case, 1024, 1024 * 40), ("'case'".to_owned(), true));
    }
}

//! Search quality over the demo content, measured: the committed query set (`queries.toml`:
//! two-character words, single characters, street and community names, English, mixed and
//! numbers) runs through `GET /api/v1/search` against a district loaded as `ejia serve --demo`
//! loads it. Recall is the share of must-find documents found anywhere in the results;
//! precision the share of the top five results that are relevant (must-find or acceptable).
//! Both figures and every query that misses, shows a must-not or puts an irrelevant document
//! in its top five are printed; the test fails below 95 % recall or 80 % precision.
//! It runs on SQLite and, with `EJIA_TEST_DATABASE_URL`, on PostgreSQL.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::Value;

use crate::demo::demo_app;
use crate::helpers::TestApp;

const QUERIES: &str = include_str!("queries.toml");
/// Lowest recall accepted.
const MIN_RECALL: f64 = 0.95;
/// Lowest precision in the top five accepted.
const MIN_PRECISION: f64 = 0.80;
/// Results pages read per query (each page holds many results; the demo is small).
const MAX_PAGES: u32 = 5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuerySet {
    query: Vec<Query>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    q: String,
    find: Vec<String>,
    #[serde(default)]
    accept: Vec<String>,
    #[serde(default)]
    not: Vec<String>,
}

/// A document: its kind as the API names it, and its id.
type Doc = (String, i64);

/// Every searchable demo document by "kind:title".
async fn documents(app: &TestApp) -> HashMap<String, Doc> {
    let mut conn = app.state.db.conn().await.unwrap();
    let mut out = HashMap::new();
    for (kind, sql) in [
        ("article", "select article_id, title from news_articles where state = 'published'"),
        ("event", "select event_id, title from events"),
        ("service", "select service_id, name from services"),
        // A case is found under its category's name (the board's title).
        ("case", "select c.case_id, k.name from cases c join case_categories k on k.category_id = c.category_id"),
    ] {
        let rows: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(&mut *conn).await.unwrap();
        for (id, title) in rows {
            out.insert(format!("{kind}:{title}"), (kind.to_owned(), id));
        }
    }
    out
}

/// The results for `q`, in order, over at most [`MAX_PAGES`] pages.
async fn results(app: &TestApp, q: &str) -> Vec<Doc> {
    let encoded = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let r = app.get(&format!("/api/v1/search?q={encoded}&page={page}")).await;
        assert_eq!(r.status(), 200, "{q}");
        let body: Value = r.json().await.unwrap();
        for item in body["items"].as_array().unwrap() {
            out.push((item["kind"].as_str().unwrap().to_owned(), item["id"].as_i64().unwrap()));
        }
        match body["next_page"].as_u64() {
            Some(next) if page < MAX_PAGES => page = u32::try_from(next).unwrap(),
            _ => return out,
        }
    }
}

#[tokio::test]
async fn the_demo_query_set_finds_what_it_must_with_a_precise_top_five() {
    let set: QuerySet = toml::from_str(QUERIES).expect("queries.toml");
    assert!(set.query.len() >= 40, "at least 40 queries, {} given", set.query.len());
    let app = demo_app().await;
    let docs = documents(&app).await;
    let by_doc: HashMap<&Doc, &str> = docs.iter().map(|(name, doc)| (doc, name.as_str())).collect();
    let names = |d: &Doc| by_doc.get(d).map_or_else(|| format!("{}:#{}", d.0, d.1), |n| (*n).to_owned());
    let resolve = |refs: &[String]| -> BTreeSet<Doc> {
        refs.iter().map(|r| docs.get(r).unwrap_or_else(|| panic!("no demo document {r}")).clone()).collect()
    };
    let (mut must, mut found, mut top, mut relevant) = (0usize, 0usize, 0usize, 0usize);
    let mut report = Vec::new();
    for query in &set.query {
        let (find, accept, not) = (resolve(&query.find), resolve(&query.accept), resolve(&query.not));
        assert!(find.is_disjoint(&not) && accept.is_disjoint(&not), "{}: contradictory lists", query.q);
        let got = results(&app, &query.q).await;
        let missing: Vec<String> = find.iter().filter(|d| !got.contains(d)).map(names).collect();
        let wrong: Vec<String> = got.iter().filter(|d| not.contains(*d)).map(names).collect();
        let first: Vec<&Doc> = got.iter().take(5).collect();
        let noise: Vec<String> =
            first.iter().filter(|d| !find.contains(**d) && !accept.contains(**d)).map(|d| names(d)).collect();
        must += find.len();
        found += find.len() - missing.len();
        top += first.len();
        relevant += first.len() - noise.len();
        if !missing.is_empty() || !wrong.is_empty() || !noise.is_empty() {
            report.push(format!(
                "  {:?}: missing {missing:?}; must not, found {wrong:?}; not relevant in the top 5 {noise:?}",
                query.q
            ));
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let (recall, precision) = (ratio(found, must), ratio(relevant, top));
    println!(
        "search quality over {} queries: recall {:.1} % ({found}/{must}), precision in the top 5 {:.1} % ({relevant}/{top})",
        set.query.len(),
        recall * 100.0,
        precision * 100.0
    );
    if !report.is_empty() {
        println!("queries not answered perfectly:\n{}", report.join("\n"));
    }
    assert!(
        recall >= MIN_RECALL && precision >= MIN_PRECISION,
        "recall {recall:.3} (at least {MIN_RECALL}) and precision {precision:.3} (at least {MIN_PRECISION}):\n{}",
        report.join("\n")
    );
}

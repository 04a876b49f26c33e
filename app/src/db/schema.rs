//! Reads table and column names out of migration SQL, so a test can check that the SQLite
//! and PostgreSQL folders describe the same schema.
//!
//! It understands the subset our migrations use: `create table`, `alter table .. add column`,
//! `alter table .. drop column`, `alter table .. rename column .. to ..` and `drop table`.

use std::collections::{BTreeMap, BTreeSet};

/// Table name → column names.
pub type Schema = BTreeMap<String, BTreeSet<String>>;

/// Applies the statements of one migration file to `schema`.
pub fn apply(schema: &mut Schema, sql: &str) {
    for statement in split_statements(&strip_comments(sql)) {
        let words: Vec<&str> = statement.split_whitespace().collect();
        match words.as_slice() {
            ["create", "table", rest @ ..] => {
                let rest = skip_if_not_exists(rest);
                let Some(name) = rest.first() else { continue };
                let name = name.split('(').next().unwrap_or_default().to_owned();
                let body = statement
                    .find('(')
                    .and_then(|open| statement.rfind(')').map(|close| &statement[open + 1..close]))
                    .unwrap_or_default();
                let columns = split_top_level(body).into_iter().filter_map(|item| column_name(&item)).collect();
                schema.insert(name, columns);
            }
            ["alter", "table", table, "add", "column", rest @ ..] => {
                let rest = skip_if_not_exists(rest);
                if let (Some(cols), Some(col)) = (schema.get_mut(*table), rest.first()) {
                    cols.insert((*col).to_owned());
                }
            }
            ["alter", "table", table, "drop", "column", col, ..] => {
                if let Some(cols) = schema.get_mut(*table) {
                    cols.remove(*col);
                }
            }
            ["alter", "table", table, "rename", "column", from, "to", to, ..] => {
                if let Some(cols) = schema.get_mut(*table) {
                    cols.remove(*from);
                    cols.insert((*to).to_owned());
                }
            }
            ["drop", "table", rest @ ..] => {
                let rest = skip_if_exists(rest);
                if let Some(name) = rest.first() {
                    schema.remove(*name);
                }
            }
            _ => {}
        }
    }
}

fn skip_if_not_exists<'a, 'b>(words: &'a [&'b str]) -> &'a [&'b str] {
    match words {
        ["if", "not", "exists", rest @ ..] => rest,
        other => other,
    }
}

fn skip_if_exists<'a, 'b>(words: &'a [&'b str]) -> &'a [&'b str] {
    match words {
        ["if", "exists", rest @ ..] => rest,
        other => other,
    }
}

fn strip_comments(sql: &str) -> String {
    sql.lines().map(|line| line.split("--").next().unwrap_or_default()).collect::<Vec<_>>().join("\n").to_lowercase()
}

fn split_statements(sql: &str) -> Vec<String> {
    sql.split(';').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

fn split_top_level(body: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for ch in body.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    items.push(current);
    items
}

fn column_name(item: &str) -> Option<String> {
    let first = item.split_whitespace().next()?;
    const CONSTRAINTS: [&str; 5] = ["primary", "unique", "foreign", "check", "constraint"];
    (!CONSTRAINTS.contains(&first)).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tables_columns_and_alterations() {
        let mut schema = Schema::new();
        apply(
            &mut schema,
            "-- a comment; with a semicolon\n\
             create table streets (\n street_id integer primary key,\n code text not null,\n \
             lat real check (lat between -90 and 90),\n unique (code, lat)\n);\n\
             create table if not exists gone (x bigint);\n\
             alter table streets add column name_en text;\n\
             alter table streets rename column code to street_code;\n\
             drop table gone;",
        );
        let cols: Vec<&str> = schema["streets"].iter().map(String::as_str).collect();
        assert_eq!(cols, ["lat", "name_en", "street_code", "street_id"]);
        assert!(!schema.contains_key("gone"));
    }
}

//! The project's English names for the district's reference data (`data/names_en.json`):
//! case categories by code, departments by their Chinese name. English pages show them
//! (`web::i18n::LocalName`); the Chinese names stay the names of record.
//!
//! Why a catch-up rather than a migration: SQL cannot read the file, and a district seeded
//! before English names existed has rows without them. [`fill`] writes a name only where a row
//! has none (null), so it runs after every seeding and on every start (`serve`) without undoing
//! what the back office set; a name the back office cleared is stored as `''`, which stays
//! cleared. Street offices and other place names keep their Chinese names (see the note in
//! the file).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::db::Conn;

/// The file, compiled in.
pub const NAMES_EN_JSON: &str = include_str!("../../../data/names_en.json");

/// English names, as the file gives them.
#[derive(Debug, Deserialize)]
pub struct NamesEn {
    /// By category code (`0601`).
    pub categories: BTreeMap<String, String>,
    /// By the department's Chinese name (`区综合行政执法局`).
    pub departments: BTreeMap<String, String>,
}

/// The file, parsed.
pub fn names() -> anyhow::Result<NamesEn> {
    Ok(serde_json::from_str(NAMES_EN_JSON)?)
}

/// Gives every category and department the file names, and that has no English name yet, its
/// English name. Returns how many rows it filled.
pub async fn fill(conn: &mut Conn) -> anyhow::Result<u64> {
    let names = names()?;
    let mut filled = 0;
    for (code, name) in &names.categories {
        filled += sqlx::query("update case_categories set name_en = $1 where code = $2 and name_en is null")
            .bind(name)
            .bind(code)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    for (zh, name) in &names.departments {
        filled += sqlx::query("update departments set name_en = $1 where name = $2 and name_en is null")
            .bind(name)
            .bind(zh)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::settings::catalog;

    #[test]
    fn every_seeded_category_and_department_has_an_english_name() {
        let names = names().unwrap();
        let mut codes: Vec<String> = catalog::city_categories().unwrap().into_iter().map(|c| c.code).collect();
        codes.extend(catalog::request_categories().into_iter().map(|c| c.code));
        codes.push(crate::enterprise::model::MAJOR_CODE.to_owned());
        codes.extend(crate::enterprise::model::ITEMS.iter().map(|i| i.code.to_owned()));
        let missing: Vec<&String> = codes.iter().filter(|c| !names.categories.contains_key(*c)).collect();
        assert!(missing.is_empty(), "categories without an English name: {missing:?}");
        let unknown: Vec<&String> = names.categories.keys().filter(|c| !codes.contains(c)).collect();
        assert!(unknown.is_empty(), "English names for no seeded category: {unknown:?}");
        let mut departments: Vec<&str> = super::super::DEPARTMENTS.iter().map(|(n, _)| *n).collect();
        departments.extend([catalog::CIVIL_AFFAIRS, catalog::HOUSING]);
        for d in &departments {
            assert!(names.departments.contains_key(*d), "department {d} has no English name");
        }
        for name in names.categories.values().chain(names.departments.values()) {
            assert!(name.is_ascii() && !name.trim().is_empty() && name.len() <= 100, "{name}");
        }
    }
}

//! Every user-visible string comes from the catalogs: templates hold no raw text, and every
//! key used in code or templates exists in both languages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ejia::web::i18n::{CATALOG_SOURCES, parse_catalog};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Removes template tags, HTML tags and entities, leaving the text a reader would see.
fn visible_text(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '<', '&']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = if tail.starts_with("{{") {
            tail.find("}}").map(|i| i + 2)
        } else if tail.starts_with("{%") {
            tail.find("%}").map(|i| i + 2)
        } else if tail.starts_with("{#") {
            tail.find("#}").map(|i| i + 2)
        } else if tail.starts_with('<') {
            // Attributes with human text must use template expressions too.
            let close = tail.find('>').map(|i| i + 1);
            if let Some(c) = close {
                for attr in ["title=\"", "alt=\"", "placeholder=\"", "aria-label=\"", "label=\""] {
                    if let Some(pos) = tail[..c].find(attr) {
                        let value = tail[pos + attr.len()..c].split('"').next().unwrap_or_default();
                        out.push_str(&visible_text(value));
                    }
                }
            }
            close
        } else if tail.starts_with('&') {
            tail.find(';').map(|i| i + 1)
        } else {
            Some(1)
        };
        let end = end.unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn templates_hold_no_untranslated_text() {
    let mut templates = Vec::new();
    files(&crate_dir().join("templates"), "html", &mut templates);
    assert!(templates.len() >= 10);
    let mut offenders = Vec::new();
    for path in templates {
        let text = visible_text(&std::fs::read_to_string(&path).unwrap());
        let letters: String = text.chars().filter(|c| c.is_alphabetic()).collect();
        if !letters.is_empty() {
            offenders.push(format!("{}: {letters:?}", path.display()));
        }
    }
    assert!(offenders.is_empty(), "raw text in templates: {offenders:#?}");
}

#[test]
fn the_checker_would_catch_raw_text() {
    assert!(visible_text("<p>{{ ctx.t(\"a.b\") }}</p>").chars().all(|c| !c.is_alphabetic()));
    assert!(visible_text("<p>登录</p>").contains("登录"));
    assert!(visible_text("<img alt=\"Logo\">").contains("Logo"));
    assert!(!visible_text("<img alt=\"\">").chars().any(char::is_alphabetic));
}

#[test]
fn every_key_used_exists_in_both_languages() {
    let catalogs: Vec<_> = CATALOG_SOURCES.iter().map(|(l, s)| (l, parse_catalog(s).unwrap())).collect();
    let sections: BTreeSet<String> = catalogs[0].1.keys().map(|k| k.split('.').next().unwrap().to_owned()).collect();
    let mut sources = Vec::new();
    files(&crate_dir().join("src"), "rs", &mut sources);
    files(&crate_dir().join("templates"), "html", &mut sources);
    let mut used = BTreeSet::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        // Every literal passed straight to a translation call, whatever its section…
        for call in ["t(\"", "tf(\""] {
            for after in text.split(call).skip(1) {
                if let Some(key) = after.split('"').next().filter(|k| k.contains('.') && !k.contains(' ')) {
                    used.insert(key.to_owned());
                }
            }
        }
        // …and every literal that looks like a key of a known section (keys passed around).
        for literal in text.split('"').skip(1).step_by(2) {
            let file = [".html", ".js", ".css", ".svg", ".ics", ".csv", ".xlsx"].iter().any(|e| literal.ends_with(e));
            let looks_like_key = literal.contains('.')
                && !file
                && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                && sections.contains(literal.split('.').next().unwrap());
            if looks_like_key {
                used.insert(literal.to_owned());
            }
        }
    }
    assert!(used.len() > 100, "found {} keys", used.len());
    for (locale, catalog) in &catalogs {
        let missing: Vec<_> = used.iter().filter(|k| !catalog.contains_key(*k)).collect();
        assert!(missing.is_empty(), "missing in {}: {missing:?}", locale.tag());
    }
}

//! Every action the platform records has a sentence, and every object kind a name.
//!
//! How the actions are found, honestly: by reading the sources, since a world exercising every
//! path would be the whole test suite over again and still miss a rare one. Every write to the
//! log goes through `audit::record(…)` (or, for the filing writer thread, `audit::INSERT`); the
//! action literals within each such statement, and the reveal subjects' `audit_action: "…"`,
//! are the recorded actions. A call whose action is not a literal in the statement is a
//! "dynamic" site: it must be listed below with what it may record, so adding a new one fails
//! here until someone says which actions it records. (`log.rs` also checks, the other way
//! round, that what a world really recorded is worded.)

use std::path::{Path, PathBuf};

use ejia::app::DOMAINS;
use ejia::audit::wording;

/// Calls whose action is computed, by file, with every action they may record.
const DYNAMIC: &[(&str, &[&str])] = &[
    ("accounts/service.rs", &["user.grant_role", "user.revoke_role"]),
    (
        "news/service.rs",
        &["article.draft", "article.review", "article.schedule", "article.publish", "article.withdraw"],
    ),
    ("news/topics/service.rs", &["topic.update", "topic.banner", "topic.sections"]),
    // `subject.audit_action`: the reveal subjects, found by their `audit_action: "…"` literals.
    ("cases/service.rs", &[]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// String literals shaped like an action or an object kind (`word.word`).
fn action_literals(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|l| {
            let mut parts = l.split('.');
            let shaped = |p: Option<&str>| {
                p.is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            };
            shaped(parts.next()) && shaped(parts.next()) && parts.next().is_none()
        })
        .map(str::to_owned)
        .collect()
}

/// The recorded actions and object kinds found in the sources, and the dynamic sites met.
fn recorded() -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let (mut actions, mut kinds, mut dynamic) = (Vec::new(), Vec::new(), Vec::new());
    for path in files {
        let name = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if name.starts_with("audit/") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Test modules record nothing; their literals are examples.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for marker in ["audit::record(", "audit::INSERT)"] {
            for rest in code.split(marker).skip(1) {
                let statement = rest.split(';').next().unwrap();
                let found = action_literals(statement);
                if found.is_empty() {
                    dynamic.push(name.clone());
                }
                actions.extend(found.into_iter().map(|a| (a, name.clone())));
                if marker == "audit::INSERT)" {
                    // The filing writer binds its kind as the literal after the action.
                    let kind = statement.split('"').skip(1).step_by(2).nth(1).unwrap_or_default();
                    kinds.push((kind.to_owned(), name.clone()));
                }
            }
        }
        for rest in code.split("audit_action: \"").skip(1) {
            actions.push((rest.split('"').next().unwrap().to_owned(), name.clone()));
        }
        for rest in code.split("Change::new(\"").skip(1) {
            kinds.push((rest.split('"').next().unwrap().to_owned(), name.clone()));
        }
    }
    for (file, listed) in DYNAMIC {
        actions.extend(listed.iter().map(|a| ((*a).to_owned(), (*file).to_owned())));
    }
    (actions, kinds.into_iter().map(|(k, f)| format!("{k} in {f}")).collect(), dynamic)
}

#[tokio::test]
async fn every_recorded_action_and_object_kind_is_worded() {
    let (actions, kinds, dynamic) = recorded();
    assert!(actions.len() > 60, "the scan found only {} actions: is it still reading the calls?", actions.len());
    let unworded: Vec<_> =
        actions.iter().filter(|(a, _)| !wording::is_action(DOMAINS, a)).map(|(a, f)| format!("{a} in {f}")).collect();
    assert!(
        unworded.is_empty(),
        "actions recorded without a sentence (word them in the domain's `audit`): {unworded:#?}"
    );
    let unnamed: Vec<_> = kinds
        .iter()
        .filter(|k| wording::object(DOMAINS, k.split(' ').next().unwrap()) == "audit.object.other")
        .collect();
    assert!(unnamed.is_empty(), "object kinds without a name: {unnamed:#?}");
    let unlisted: Vec<_> = dynamic.iter().filter(|f| !DYNAMIC.iter().any(|(d, _)| d == f)).collect();
    assert!(unlisted.is_empty(), "calls with a computed action: list what they record in DYNAMIC: {unlisted:#?}");
}

#[test]
fn the_scan_would_catch_an_unworded_action() {
    let found = action_literals(r#"audit::record(&mut tx, now, user.id, "bike.park", Change::new("bike", 1, None))"#);
    assert_eq!(found, ["bike.park"]);
    assert!(!wording::is_action(DOMAINS, "bike.park"));
    assert_eq!(wording::object(DOMAINS, "bike"), "audit.object.other");
}

#[test]
fn every_worded_key_is_translated_and_unknown_fields_read_generically() {
    let actions = wording::actions(DOMAINS);
    let mut names: Vec<_> = actions.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "an action worded by two domains");
    for locale in [ejia::web::i18n::Locale::ZhCn, ejia::web::i18n::Locale::En] {
        for (_, key) in actions.iter().chain(&wording::objects(DOMAINS)) {
            assert_ne!(ejia::web::i18n::t(locale, key), *key, "{key} untranslated");
        }
        for key in wording::common_field_keys() {
            assert_ne!(ejia::web::i18n::t(locale, key), key, "{key} untranslated");
        }
    }
    assert_eq!(wording::field(DOMAINS, "capacity"), "audit.fields.capacity");
    assert_eq!(wording::field(DOMAINS, "some_new_column"), "audit.fields.other");
}

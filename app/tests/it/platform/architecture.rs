//! The architecture's rules, read from the source (`app/src`): which module may name which.
//! The compiler allows any `crate::` path, so without this a shortcut through an add-on or a
//! domain's storage would compile, pass every behaviour test and quietly undo the layout.
//!
//! Imports are read from the text: every `crate::a::b` path and every item of a
//! `crate::a::{b, c::d}` group, outside comments and a file's `mod tests`. A path counts as
//! naming the deepest module it reaches (`crate::cases::store::Category` names `cases::store`).

use std::collections::BTreeMap;
use std::path::Path;

/// Every source file's module path (`cases::patrol::service`) and the modules it names.
fn imports() -> BTreeMap<String, Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    collect(&root, &root, &mut files);
    let modules: Vec<String> = files.keys().cloned().collect();
    files
        .into_iter()
        .map(|(module, text)| {
            let mut named: Vec<String> =
                paths(&code_of(&text)).iter().filter_map(|p| resolve(&modules, p)).filter(|m| *m != module).collect();
            named.sort();
            named.dedup();
            (module, named)
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib" || p == "main") {
                parts.pop();
            }
            out.insert(parts.join("::"), std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The file without its line comments and its `#[cfg(test)] mod tests` (tests may reach
/// anything).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    text.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n")
}

/// Every `crate::` path in `code`, groups expanded one level (`crate::a::{b, c}` → `a::b`, `a::c`).
fn paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
        let base = rest[..end].trim_end_matches(':').to_string();
        if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
            let group = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |c| end + c)];
            for item in group.split(',') {
                let item = item.trim().split(" as ").next().unwrap().trim();
                if item.starts_with(|c: char| c.is_ascii_lowercase()) && item != "self" {
                    out.push(format!("{base}::{}", item.split("::{").next().unwrap()));
                }
            }
        }
        out.push(base);
    }
    out
}

/// The deepest module `path` reaches.
fn resolve(modules: &[String], path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    while !parts.is_empty() {
        let candidate = parts.join("::");
        if modules.contains(&candidate) {
            return Some(candidate);
        }
        parts.pop();
    }
    None
}

fn within(module: &str, folder: &str) -> bool {
    module == folder || module.starts_with(&format!("{folder}::"))
}

/// Every (importer, imported) pair where `importer` matches `who` and the import `forbidden`.
fn breaches(who: impl Fn(&str) -> bool, forbidden: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for (module, named) in imports() {
        if who(&module) {
            out.extend(named.iter().filter(|n| forbidden(&module, n)).map(|n| format!("{module} → {n}")));
        }
    }
    out
}

/// What is built on the case core, outside it.
const ADD_ONS: [&str; 6] =
    ["cases::hotline", "cases::patrol", "cases::settings", "cases::stats", "enterprise", "board"];

#[test]
fn the_case_core_and_its_parts_name_no_add_on() {
    let core = |m: &str| within(m, "cases") && !ADD_ONS.iter().any(|a| within(m, a));
    let found = breaches(core, |_, n| ADD_ONS.iter().any(|a| within(n, a)));
    assert!(found.is_empty(), "the case core reaches into an add-on: {found:#?}");
    // The rule reads something: the add-ons do name the core.
    assert!(!breaches(|m| within(m, "cases::hotline"), |_, n| n == "cases::addons").is_empty());
}

#[test]
fn the_back_office_home_names_no_domain() {
    const DOMAINS: [&str; 9] =
        ["cases", "enterprise", "board", "events", "appointments", "bookings", "checkin", "people", "notify"];
    let home = |m: &str| m == "web::backoffice" || m == "accounts::manage";
    let found = breaches(home, |_, n| DOMAINS.iter().any(|d| within(n, d)));
    assert!(found.is_empty(), "the back-office home asks domains by name instead of app::DOMAINS: {found:#?}");
}

#[test]
fn the_portal_names_no_domain() {
    // What the portal shows comes from `app::DOMAINS` (each domain's `portal` sections); it
    // may use the shared layers (`app`, `db`, `web`, `error`) and search's change signal.
    const DOMAINS: [&str; 14] = [
        "accounts",
        "appointments",
        "audit",
        "board",
        "bookings",
        "cases",
        "checkin",
        "enterprise",
        "events",
        "media",
        "news",
        "notify",
        "org",
        "people",
    ];
    let portal = |m: &str| within(m, "portal");
    let found = breaches(portal, |_, n| DOMAINS.iter().any(|d| within(n, d)));
    assert!(found.is_empty(), "the portal asks domains by name instead of app::DOMAINS: {found:#?}");
    // The rule reads something: the domains' sections do name the portal.
    assert!(!breaches(|m| m == "news::portal", |_, n| within(n, "portal")).is_empty());
}

/// The top-level folder a module is in (`cases::patrol::store` → `cases`).
fn domain_of(module: &str) -> &str {
    module.split("::").next().unwrap_or_default()
}

/// A domain's storage: its SQL (`store`, in any of its folders) and the booking engine.
fn is_storage(module: &str) -> bool {
    module.split("::").any(|part| part == "store") || within(module, "bookings::engine")
}

#[test]
fn domains_reach_each_others_storage_only_through_their_modules() {
    // The composition root and the tools that set up a whole district (the demo's data, the
    // command line) stand above the domains.
    let above = |m: &str| ["app", "seed", "cli"].contains(&domain_of(m));
    let found = breaches(|m| !above(m), |m, n| is_storage(n) && domain_of(n) != domain_of(m));
    assert!(found.is_empty(), "use what the domain's mod.rs re-exports: {found:#?}");
    // The rule reads something: a domain does name its own storage.
    assert!(!breaches(|m| m == "bookings::service", |_, n| is_storage(n)).is_empty());
}

#[test]
fn the_import_reader_sees_groups_aliases_and_nested_paths() {
    let code = code_of("use crate::a::{b, c::d as e, self, T};\n// crate::x\nfn f() { crate::y::z(); }");
    assert_eq!(paths(&code), ["a::b", "a::c::d", "a", "y::z"]);
}

#[test]
fn no_folder_holds_more_than_fifteen_source_files() {
    // A folder a reader can take in at a glance: past fifteen files (its `mod.rs` aside), a
    // domain has parts that deserve a subfolder with a `mod.rs` saying why it is cut there.
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("mod.rs") {
                files += 1;
            }
        }
        if files > 15 {
            out.push(format!("{} holds {files} source files", dir.display()));
        }
    }
    let mut crowded = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut crowded);
    assert!(crowded.is_empty(), "{crowded:#?}");
}

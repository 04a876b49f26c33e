//! Translations. Every user-visible string is a key in `locales/zh-CN.toml` and
//! `locales/en.toml`; templates call `ctx.t("key")`. The catalogs are compiled in and parsed
//! once. Tests fail when a key is missing in either language or a template holds raw text.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A supported language. Chinese first: most residents read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// 简体中文
    #[default]
    ZhCn,
    /// English
    En,
}

impl Locale {
    /// All locales, default first.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag, for `<html lang>` and cookies.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Parses a stored or submitted tag.
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" => Some(Locale::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks a locale from an `Accept-Language` header (first supported language wins).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header.split(',').filter_map(|part| part.split(';').next()).find_map(|lang| {
            let lang = lang.trim().to_ascii_lowercase();
            if lang.starts_with("zh") {
                Some(Locale::ZhCn)
            } else if lang.starts_with("en") {
                Some(Locale::En)
            } else {
                None
            }
        })
    }

    /// The other language, for the one-tap switch.
    pub fn other(self) -> Self {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }
}

/// Source text of the catalogs, compiled in.
pub const CATALOG_SOURCES: [(Locale, &str); 2] =
    [(Locale::ZhCn, include_str!("../../locales/zh-CN.toml")), (Locale::En, include_str!("../../locales/en.toml"))];

type Catalog = HashMap<String, String>;

static CATALOGS: LazyLock<HashMap<Locale, Catalog>> = LazyLock::new(|| {
    CATALOG_SOURCES.iter().map(|(locale, source)| (*locale, parse_catalog(source).unwrap_or_default())).collect()
});

/// Flattens a TOML catalog into `section.key` → text.
pub fn parse_catalog(source: &str) -> Result<Catalog, toml::de::Error> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Catalog) {
        for (key, value) in table {
            let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match value {
                toml::Value::Table(inner) => walk(&full, inner, out),
                toml::Value::String(text) => {
                    out.insert(full, text.clone());
                }
                _ => {}
            }
        }
    }
    let table: toml::Table = source.parse()?;
    let mut out = Catalog::new();
    walk("", &table, &mut out);
    Ok(out)
}

/// Checks that both catalogs parse; called at start-up so a broken catalog stops the server
/// instead of showing placeholders everywhere.
pub fn check_catalogs() -> anyhow::Result<()> {
    for (locale, source) in CATALOG_SOURCES {
        parse_catalog(source).map_err(|e| anyhow::anyhow!("the {} catalog is invalid: {e}", locale.tag()))?;
    }
    Ok(())
}

/// Looks a key up. A missing key shows as a visible marker (tests keep that from happening).
pub fn t(locale: Locale, key: &str) -> &'static str {
    match CATALOGS.get(&locale).and_then(|c| c.get(key)) {
        Some(text) => text.as_str(),
        None => {
            tracing::warn!(key, locale = locale.tag(), "missing translation");
            // A visible marker rather than the key; the catalog tests keep this from shipping.
            "⟦?⟧"
        }
    }
}

/// Looks a key up and fills `{name}` placeholders.
pub fn tf(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    fill(t(locale, key), args)
}

/// Fills `{name}` placeholders in one pass over the template, so that a value (a company name,
/// a reason someone typed) is never read as a placeholder itself. Unknown placeholders stay.
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The catalogue key of a day's weekday (`weekday.mon` … `weekday.sun`).
pub fn weekday_key(d: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike as _;
    ["weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"]
        [d.weekday().num_days_from_monday() as usize]
}

/// A name of reference data (a case category, a department) as one page shows it: the English
/// name on an English page when the district gave one, else the Chinese name of record. `zh`
/// says the text is Chinese on a page that is not, so templates mark it `lang="zh-CN"` (screen
/// readers then read it in the right voice) with [`LocalName::lang_attr`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalName {
    /// What is printed.
    pub text: String,
    /// Chinese text on a page in another language.
    pub zh: bool,
}

impl LocalName {
    /// Picks the name for `locale`: `en` on an English page unless it is empty.
    pub fn pick(locale: Locale, zh: &str, en: Option<&str>) -> Self {
        match (locale, en.map(str::trim).filter(|e| !e.is_empty())) {
            (Locale::ZhCn, _) => Self { text: zh.to_owned(), zh: false },
            (Locale::En, Some(en)) => Self { text: en.to_owned(), zh: false },
            (Locale::En, None) => Self { text: zh.to_owned(), zh: has_chinese(zh) },
        }
    }

    /// ` lang="zh-CN"` for Chinese text on a page in another language, else nothing; printed
    /// inside the tag that holds the name (`<span{{ n.lang_attr()|safe }}>{{ n }}</span>`).
    pub fn lang_attr(&self) -> &'static str {
        if self.zh { " lang=\"zh-CN\"" } else { "" }
    }
}

impl std::fmt::Display for LocalName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A piece of a worded text: `zh` when it holds Chinese characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Whether it is written in Chinese (a page marks it `lang="zh-CN"`).
    pub zh: bool,
}

/// Whether a text holds Chinese. The English catalogue has none, so on an English page such
/// text is data (a title, a place, a person's name), which a page marks `lang="zh-CN"`.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(is_chinese)
}

/// A character of Chinese writing: Han characters, and also CJK punctuation and full-width
/// forms (，。（）), which a page in English never prints from its catalogue. Wider on purpose
/// than `search::segment::is_han`, which cuts words and must not take punctuation for them.
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// Splits a text worded from a translated sentence and data ("Booked: 法律援助咨询, 2026-12-09
/// 14:00–15:00, 江苏路社区新时代文明实践站.") into runs, so a page in English can mark the
/// names it carries as Chinese (issue 12). The sentences come from the catalogues, whose English
/// has no Chinese, so a Chinese run is data: a title, a place, a person. Runs break at spaces
/// and ASCII punctuation; a run with a Chinese character is `zh`.
pub fn script_runs(text: &str) -> Vec<Run> {
    let breaks = |c: char| c.is_ascii_whitespace() || matches!(c, ',' | '.' | ';' | '!' | '?' | '(' | ')' | '"');
    let mut runs: Vec<Run> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, runs: &mut Vec<Run>| {
        if word.is_empty() {
            return;
        }
        let zh = has_chinese(word);
        match runs.last_mut() {
            Some(last) if last.zh == zh => last.text.push_str(word),
            _ => runs.push(Run { text: std::mem::take(word), zh }),
        }
        word.clear();
    };
    for c in text.chars() {
        if breaks(c) {
            flush(&mut word, &mut runs);
            // Punctuation and spaces join the text around them when it is not Chinese.
            match runs.last_mut() {
                Some(last) if !last.zh => last.text.push(c),
                _ => runs.push(Run { text: c.to_string(), zh: false }),
            }
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut runs);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_values_stay_as_typed() {
        let args = [("name", "{reason} 公司"), ("reason", "材料不全 {name}")];
        assert_eq!(fill("企业（{name}）原因：{reason}", &args), "企业（{reason} 公司）原因：材料不全 {name}");
        assert_eq!(fill("{unknown} {name", &args), "{unknown} {name");
        assert_eq!(fill("{{name}}", &[("name", "x")]), "{x}");
        assert_eq!(fill("无", &[]), "无");
    }

    #[test]
    fn catalogs_parse_and_have_the_same_keys() {
        let zh = parse_catalog(CATALOG_SOURCES[0].1).unwrap();
        let en = parse_catalog(CATALOG_SOURCES[1].1).unwrap();
        let mut missing_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        missing_en.sort();
        missing_zh.sort();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_zh.is_empty(), "missing in zh-CN: {missing_zh:?}");
        for (key, text) in zh.iter().chain(en.iter()) {
            assert!(!text.trim().is_empty(), "empty text for {key}");
        }
    }

    #[test]
    fn accept_language_picks_first_supported() {
        assert_eq!(Locale::from_accept_language("fr-FR,en;q=0.8,zh;q=0.5"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("zh-TW,en"), Some(Locale::ZhCn));
        assert_eq!(Locale::from_accept_language("fr"), None);
    }

    #[test]
    fn english_pages_show_english_names_and_mark_the_chinese_fallback() {
        assert_eq!(LocalName::pick(Locale::ZhCn, "占道经营", Some("Street vending")).text, "占道经营");
        let en = LocalName::pick(Locale::En, "占道经营", Some("Street vending"));
        assert_eq!((en.text.as_str(), en.lang_attr()), ("Street vending", ""));
        for missing in [None, Some(""), Some("  ")] {
            let fallback = LocalName::pick(Locale::En, "占道经营", missing);
            assert_eq!((fallback.text.as_str(), fallback.lang_attr()), ("占道经营", " lang=\"zh-CN\""));
        }
        assert!(!LocalName::pick(Locale::En, "ACME", None).zh, "a Latin name needs no mark");
    }

    #[test]
    fn weekdays_are_named_from_monday() {
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(t(Locale::ZhCn, weekday_key(day("2026-12-07"))), "周一");
        assert_eq!(t(Locale::En, weekday_key(day("2026-12-13"))), "Sun");
    }

    #[test]
    fn placeholders_are_filled() {
        let text = tf(Locale::En, "error.retry_in", &[("minutes", "15")]);
        assert_eq!(text, "Please try again in 15 minutes.");
    }

    #[test]
    fn chinese_runs_in_a_worded_notice_are_marked() {
        let runs = script_runs("Booked: 法律援助咨询, 2026-12-09 14:00–15:00, 江苏路社区新时代文明实践站.");
        let zh: Vec<&str> = runs.iter().filter(|r| r.zh).map(|r| r.text.as_str()).collect();
        assert_eq!(zh, ["法律援助咨询", "江苏路社区新时代文明实践站"]);
        assert_eq!(
            runs.iter().map(|r| r.text.as_str()).collect::<String>(),
            "Booked: 法律援助咨询, 2026-12-09 14:00–15:00, 江苏路社区新时代文明实践站."
        );
        assert!(script_runs("All done.").iter().all(|r| !r.zh));
    }
}

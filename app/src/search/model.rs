//! What the index holds and what a search answers: the kinds of document, a document as a
//! domain hands it in, a hit, and the highlighted snippet. No I/O.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a document is; the order is the order results are grouped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A published news article.
    Article,
    /// An activity (lecture, screening, visit …).
    Event,
    /// An appointment service (e.g. a vaccination).
    Service,
    /// A case as the public board shows it.
    Case,
}

impl Kind {
    /// Every kind, in result order.
    pub const ALL: [Kind; 4] = [Kind::Article, Kind::Event, Kind::Service, Kind::Case];

    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Event => "event",
            Kind::Service => "service",
            Kind::Case => "case",
        }
    }

    /// The name read back.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Its place in the result order (stored, so the database sorts by it).
    pub fn order(self) -> i64 {
        self as i64
    }
}

/// A document as its domain hands it to [`crate::search::index`]: public text only — the
/// index answers anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// What it is.
    pub kind: Kind,
    /// Its id in its own domain.
    pub id: i64,
    /// Its title (ranked above the body).
    pub title: String,
    /// Where the public reads it, e.g. `/events/12`.
    pub url: String,
    /// The text searched besides the title, and cut into the snippet.
    pub body: String,
    /// Its street, if it has one.
    pub street_id: Option<i64>,
    /// Its community, if it has one.
    pub community_id: Option<i64>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Its id in its own domain (an event id, a service id …).
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Where to read it on the site.
    pub url: String,
    /// An excerpt around the first match, as HTML: the text escaped, matched words in `<mark>`.
    pub snippet: String,
    /// Its street, if it has one.
    pub street_id: Option<i64>,
}

/// Characters of context kept before the first match in a snippet.
const BEFORE: usize = 20;
/// Characters a snippet holds at most.
const SNIPPET: usize = 90;

/// An excerpt of `text` around the first of `terms` found (or its start), HTML-escaped, with
/// every occurrence of a term inside it wrapped in `<mark>`. Latin letters match whatever
/// their case, since the index lower-cases them.
pub fn snippet(text: &str, terms: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let needles: Vec<Vec<char>> =
        terms.iter().filter(|t| !t.is_empty()).map(|t| t.chars().collect::<Vec<char>>()).collect();
    let at = |i: usize| needles.iter().filter(|n| lower[i..].starts_with(n)).map(Vec::len).max();
    let first = (0..chars.len()).find(|&i| at(i).is_some()).unwrap_or(0);
    let start = first.saturating_sub(BEFORE);
    let end = (start + SNIPPET).min(chars.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match at(i) {
            Some(len) => {
                let stop = (i + len).min(end);
                out.push_str("<mark>");
                escape_into(&chars[i..stop], &mut out);
                out.push_str("</mark>");
                i = stop;
            }
            None => {
                escape_into(&chars[i..i + 1], &mut out);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape_into(chars: &[char], out: &mut String) {
    for &c in chars {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        let s = snippet("<b>党史</b> & 学习 \"党史\"", &terms(&["党史"]));
        assert_eq!(s, "&lt;b&gt;<mark>党史</mark>&lt;/b&gt; &amp; 学习 &quot;<mark>党史</mark>&quot;");
    }

    #[test]
    fn latin_matches_whatever_their_case_and_keep_it() {
        assert_eq!(snippet("COVID Vaccine", &terms(&["vaccine"])), "COVID <mark>Vaccine</mark>");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match() {
        let text = format!("{}疫苗{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &terms(&["疫苗"]));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>疫苗</mark>"), "{s}");
        assert_eq!(s.chars().filter(|c| *c == '甲').count(), BEFORE);
    }

    #[test]
    fn without_a_match_the_start_is_shown() {
        assert_eq!(snippet("a < b", &terms(&["zz"])), "a &lt; b");
        assert_eq!(snippet("", &terms(&["zz"])), "");
    }

    #[test]
    fn the_longest_term_at_a_place_wins() {
        assert_eq!(snippet("香港中路", &terms(&["香港", "香港中路"])), "<mark>香港中路</mark>");
    }

    #[test]
    fn kinds_read_back() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("news"), None);
    }
}

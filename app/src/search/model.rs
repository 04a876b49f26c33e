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
    /// The same excerpt in pieces, for the site's page to mark (not in the API).
    #[serde(skip)]
    pub fragments: Vec<Fragment>,
}

/// Characters of context kept before the first match in a snippet.
const BEFORE: usize = 20;
/// Characters a snippet holds at most.
const SNIPPET: usize = 90;

/// A piece of an excerpt: text, and whether it matched the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The text, as written (not escaped).
    pub text: String,
    /// Whether it is a match, to be marked.
    pub marked: bool,
}

/// An excerpt of `text` around the first of `terms` found (or its start), cut into fragments
/// so each occurrence of a term inside it can be marked. Latin letters match whatever their
/// case, since the index lower-cases them.
pub fn excerpt(text: &str, terms: &[String]) -> Vec<Fragment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let needles: Vec<Vec<char>> =
        terms.iter().filter(|t| !t.is_empty()).map(|t| t.chars().collect::<Vec<char>>()).collect();
    let at = |i: usize| needles.iter().filter(|n| lower[i..].starts_with(n)).map(Vec::len).max();
    let first = (0..chars.len()).find(|&i| at(i).is_some()).unwrap_or(0);
    // Cut between words, not inside a Latin one ("…d film" reads as a typo): the start moves
    // forward to a word's beginning, the end back to a word's end, never past the match.
    let inside =
        |i: usize| i > 0 && i < chars.len() && chars[i - 1].is_ascii_alphanumeric() && chars[i].is_ascii_alphanumeric();
    let mut start = first.saturating_sub(BEFORE);
    while start < first && inside(start) {
        start += 1;
    }
    let mut end = (start + SNIPPET).min(chars.len());
    let floor = first + at(first).unwrap_or(0);
    while end > floor && inside(end) {
        end -= 1;
    }
    let mut out: Vec<Fragment> = Vec::new();
    let mut push = |text: &[char], marked: bool| match out.last_mut() {
        Some(last) if last.marked == marked && !marked => last.text.extend(text),
        _ => out.push(Fragment { text: text.iter().collect(), marked }),
    };
    if start > 0 {
        push(&['…'], false);
    }
    let mut i = start;
    while i < end {
        let (len, marked) = at(i).map_or((1, false), |len| (len, true));
        let stop = (i + len).min(end);
        push(&chars[i..stop], marked);
        i = stop;
    }
    if end < chars.len() {
        push(&['…'], false);
    }
    out
}

/// An [`excerpt`] as the API gives it: HTML, the text escaped, matches in `<mark>`.
pub fn snippet(text: &str, terms: &[String]) -> String {
    let mut out = String::new();
    for f in excerpt(text, terms) {
        if f.marked {
            out.push_str("<mark>");
        }
        escape_into(&f.text, &mut out);
        if f.marked {
            out.push_str("</mark>");
        }
    }
    out
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
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
    fn a_cut_falls_between_latin_words() {
        let text = format!("{} red film screening at 团岛社区 {}", "x".repeat(40), "y ".repeat(80));
        let s = snippet(&text, &terms(&["团岛"]));
        assert!(s.starts_with("…") && !s.starts_with("…x"), "{s}");
        assert!(s.ends_with(" …") || s.ends_with("y…"), "{s}");
        let words: Vec<&str> = s.trim_start_matches('…').split_whitespace().collect();
        assert!(["red", "film", "screening", "at"].iter().any(|w| words.first() == Some(w)), "starts at a word: {s}");
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
    fn an_excerpt_is_cut_into_marked_and_plain_fragments() {
        let f = excerpt("学党史，讲党史", &terms(&["党史"]));
        let shape: Vec<(&str, bool)> = f.iter().map(|f| (f.text.as_str(), f.marked)).collect();
        assert_eq!(shape, [("学", false), ("党史", true), ("，讲", false), ("党史", true)]);
    }

    #[test]
    fn kinds_read_back() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("news"), None);
    }
}

//! Text into index terms: Chinese segmented into words by jieba's embedded dictionary,
//! English lower-cased, numbers kept, phone numbers and punctuation dropped.
//!
//! A text gives two streams (see [`Terms`]): the words, for ranking, and the characters of
//! its Chinese in order, so that any run of characters can be found as a phrase whatever the
//! dictionary made of it — one-character queries, street names the dictionary does not know
//! (八大峡), or a word the dictionary cut differently in the document than in the query. The
//! database indexes both; a query asks for each of its words as a word *or* as a phrase of
//! characters (see `store`).
//!
//! Pure and synchronous: the dictionary loads once per process (about half a second), and
//! segmenting a long text costs some milliseconds, so callers on the runtime with long texts
//! use [`terms_blocking`].

use std::sync::LazyLock;

use jieba_rs::Jieba;

/// Bumped whenever the dictionary, the jieba version or the rules below change what a text
/// gives: documents stored with another version are segmented again by `ejia search reindex`.
pub const SEGMENTER_VERSION: i64 = 1;

/// The embedded dictionary, loaded on first use.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the dictionary now (about half a second in a release build), so the first person to
/// search or to publish after a start does not wait for it. `serve` calls this off the runtime.
pub fn warm() {
    LazyLock::force(&JIEBA);
}

/// What a text gives to the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    /// Words in search mode (a long word and the shorter words in it), Latin words and numbers.
    pub words: Vec<String>,
    /// The characters of the Chinese in order, with the Latin words and numbers between them.
    pub chars: Vec<String>,
    /// What PostgreSQL's index holds instead (`store`): each Han character, each two Han
    /// characters next to each other in the text (bigrams, which stand in for phrases), and the
    /// Latin words and numbers — sorted, each once.
    pub grams: Vec<String>,
}

impl Terms {
    /// The words, space-joined, as the database indexes them.
    pub fn words_text(&self) -> String {
        self.words.join(" ")
    }

    /// The character stream, space-joined.
    pub fn chars_text(&self) -> String {
        self.chars.join(" ")
    }

    /// The grams as a `tsvector` literal: each one quoted, so PostgreSQL takes them as they are
    /// rather than parsing the text again. Nothing in a gram needs escaping: it is Han
    /// characters or a run of letters and digits.
    pub fn grams_tsvector(&self) -> String {
        let quoted: Vec<String> = self.grams.iter().map(|g| format!("'{g}'")).collect();
        quoted.join(" ")
    }
}

/// Segments a text for the index (search mode: long words also give their parts).
pub fn terms(text: &str) -> Terms {
    let clean = without_phones(&normalise(text));
    let mut out = Terms::default();
    for token in JIEBA.cut_for_search(&clean, true) {
        push_words(token.word, &mut out.words);
    }
    out.chars = chars(&clean);
    out.grams = grams(&clean);
    out
}

/// [`terms`] off the async runtime, for long texts.
pub async fn terms_blocking(text: String) -> Terms {
    match tokio::task::spawn_blocking(move || terms(&text)).await {
        Ok(t) => t,
        // Only a panic inside jieba gets here; resuming it keeps the one panic handler in charge.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// A query's words: precise mode, so a query is not widened by the parts of its words; each
/// one is then matched as a word or as a phrase of its characters.
pub fn query_words(query: &str) -> Vec<String> {
    let clean = without_phones(&normalise(query));
    let mut words = Vec::new();
    for token in JIEBA.cut(&clean, true) {
        push_words(token.word, &mut words);
    }
    words.dedup();
    words
}

/// Whether a character is written in Han script (the CJK blocks a district's texts use).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Full-width Latin letters and digits as ASCII (ＡＢＣ１２３ is how many phones type them).
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// Splits a segment into what is indexed: Han runs as they are, Latin and digit runs
/// lower-cased; everything else (punctuation, symbols, spaces) separates.
fn push_words(segment: &str, out: &mut Vec<String>) {
    let mut current = String::new();
    let mut han = false;
    for c in segment.chars() {
        let this_han = is_han(c);
        let keep = this_han || c.is_alphanumeric();
        // A change of script ends a word too: 疫苗vaccine is two words.
        if (!keep || this_han != han) && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if keep {
            han = this_han;
            current.extend(c.to_lowercase());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
}

/// The character stream: each Han character on its own, Latin and digit runs whole.
fn chars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if is_han(c) || !c.is_alphanumeric() {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            if is_han(c) {
                out.push(c.to_string());
            }
        } else {
            run.extend(c.to_lowercase());
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// The grams of a text (see [`Terms::grams`]): a bigram only of characters next to each other in
/// the text, so 江西。路 gives no 西路.
fn grams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut run, mut previous_han) = (String::new(), None);
    for c in text.chars() {
        if is_han(c) {
            if let Some(p) = previous_han {
                out.push(format!("{p}{c}"));
            }
            out.push(c.to_string());
            previous_han = Some(c);
        } else {
            previous_han = None;
        }
        if c.is_alphanumeric() && !is_han(c) {
            run.extend(c.to_lowercase());
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The bigrams a Han word is matched by in [`Terms::grams`]: the word itself when it has two
/// characters, its neighbouring pairs when longer, the character alone when it has one.
pub fn bigrams_of(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 {
        return vec![word.to_owned()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The text with phone numbers blanked out: an 11-digit mobile (also as 138-0000-0000,
/// 138 0000 0000 or +86 …), or a landline with its area code (0532-88888888, (0532)8888888,
/// 053288888888). Short numbers — years, house numbers, the 12345 hotline — stay.
fn without_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // Runs of ASCII digits: (start, end) in `chars`.
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let mut blank = vec![false; chars.len()];
    let mut r = 0;
    while r < runs.len() {
        // The longest group of runs joined by one separator that reads as a phone number.
        let mut taken = 0;
        for n in (1..=3).rev() {
            if r + n > runs.len() {
                continue;
            }
            let group = &runs[r..r + n];
            let joined = group.windows(2).all(|w| {
                w[1].0 == w[0].1 + 1 && matches!(chars[w[0].1], '-' | ' ' | ')' | '.')
                    || w[1].0 == w[0].1 + 2 && chars[w[0].1] == ')' && chars[w[0].1 + 1] == ' '
            });
            let lengths: Vec<usize> = group.iter().map(|(s, e)| e - s).collect();
            let digits: String = group.iter().flat_map(|&(s, e)| chars[s..e].iter()).collect();
            if joined && is_phone(&digits, &lengths) {
                taken = n;
                break;
            }
        }
        if taken > 0 {
            let (start, end) = (runs[r].0, runs[r + taken - 1].1);
            blank[start..end].iter_mut().for_each(|b| *b = true);
            r += taken;
        } else {
            r += 1;
        }
    }
    chars.iter().zip(blank).map(|(&c, b)| if b { ' ' } else { c }).collect()
}

/// Whether digits (in groups of `lengths`) are a mainland phone number.
fn is_phone(digits: &str, lengths: &[usize]) -> bool {
    let national = digits.strip_prefix("86").filter(|rest| rest.len() >= 10 && lengths[0] == 2).unwrap_or(digits);
    let mobile = national.len() == 11 && national.starts_with('1');
    // Area codes are 3 or 4 digits starting with 0, numbers 7 or 8 digits.
    let landline = national.starts_with('0') && (10..=12).contains(&national.len());
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(text).words
    }

    #[test]
    fn grams_are_characters_neighbouring_pairs_and_latin_words_once_each() {
        assert_eq!(terms("党史，史学 COVID-19").grams, ["19", "covid", "党", "党史", "史", "史学", "学"]);
        // Not across punctuation or a Latin word: no 史史, no 学疫.
        assert_eq!(terms("学5G疫").grams, ["5g", "学", "疫"]);
        assert_eq!(terms("八大峡").grams_tsvector(), "'八' '八大' '大' '大峡' '峡'");
    }

    #[test]
    fn a_word_is_matched_by_its_bigrams() {
        assert_eq!(bigrams_of("江西路"), ["江西", "西路"]);
        assert_eq!(bigrams_of("党史"), ["党史"]);
        assert_eq!(bigrams_of("党"), ["党"]);
    }

    #[test]
    fn chinese_is_cut_into_words_in_search_mode() {
        let w = words("学百年党史，聚市南力量");
        for expected in ["党史", "市南", "力量"] {
            assert!(w.iter().any(|x| x == expected), "{expected} in {w:?}");
        }
        let w = words("接种新冠疫苗");
        assert!(w.iter().any(|x| x == "疫苗"), "{w:?}");
    }

    #[test]
    fn the_character_stream_keeps_every_han_character_in_order() {
        assert_eq!(terms("八大峡街道").chars, ["八", "大", "峡", "街", "道"]);
        assert_eq!(terms("看《长征》Film 2021").chars, ["看", "长", "征", "film", "2021"]);
    }

    #[test]
    fn latin_words_are_lower_cased_and_numbers_kept() {
        let t = terms("COVID-19 Vaccine 第3针, 2021年");
        for expected in ["covid", "19", "vaccine", "3", "2021"] {
            assert!(t.words.iter().any(|x| x == expected), "{expected} in {:?}", t.words);
        }
        assert!(t.words.iter().all(|w| w.chars().all(char::is_alphanumeric)), "no punctuation: {:?}", t.words);
    }

    #[test]
    fn full_width_letters_read_as_ascii() {
        assert_eq!(terms("ＡＢＣ１２３").words, ["abc123"]);
    }

    #[test]
    fn phone_numbers_are_not_indexed() {
        for text in [
            "联系电话13800138000",
            "电话 138-0013-8000",
            "电话 138 0013 8000",
            "+86 13800138000",
            "座机0532-88886666",
            "座机(0532)8888666",
            "座机 053288886666",
        ] {
            let t = terms(text);
            let digits: Vec<_> =
                t.words.iter().chain(&t.chars).filter(|w| w.chars().any(|c| c.is_ascii_digit())).collect();
            assert!(digits.is_empty(), "{text}: {digits:?}");
        }
    }

    #[test]
    fn short_numbers_stay() {
        for (text, number) in [("拨打12345热线", "12345"), ("2021年", "2021"), ("香港中路8号", "8"), ("第100期", "100")]
        {
            assert!(terms(text).words.iter().any(|w| w == number), "{text}");
        }
    }

    #[test]
    fn a_query_is_cut_precisely() {
        assert_eq!(query_words("党史"), ["党史"]);
        assert_eq!(query_words("党"), ["党"]);
        assert_eq!(query_words("  ，。！ "), Vec::<String>::new());
        assert_eq!(query_words("疫苗 Vaccine"), ["疫苗", "vaccine"]);
    }
}

//! A card's SVG to PNG, on the server, with the system's fonts (`resvg`): never with missing
//! glyphs. Before rendering, every character the card draws is looked up in the fonts
//! ([`missing`]); if one has no font, or if the laid-out text still holds a missing-glyph box
//! (`.notdef`), the caller serves the SVG instead and the viewer's browser draws it with its
//! own fonts. On Debian the Chinese font is `fonts-noto-cjk` (the README and `.ci/run`
//! install it).
//!
//! The fonts are read once ([`system_fonts`], memory-mapped) and rendering runs on the
//! blocking pool, two at a time (the machine's cores), since a card takes tens of
//! milliseconds of CPU. Rendered cards are kept in memory by the SHA-256 of their SVG
//! ([`Cache`]): the SVG holds everything that varies (language, the viewer's team and
//! kilometres), so a changed card is a new key and nothing ever needs invalidating, while the
//! common card — a milestone for everyone not taking part, in one language — renders once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};

use resvg::usvg::{self, fontdb};
use sha2::{Digest, Sha256};

/// The system's fonts, read once (the first card pays for it, on the blocking pool).
pub fn system_fonts() -> Arc<fontdb::Database> {
    static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        tracing::info!(faces = db.len(), "fonts for the challenge cards");
        Arc::new(db)
    });
    FONTS.clone()
}

/// The characters of `text` that no face in `db` has, in order (whitespace aside).
pub fn missing(db: &fontdb::Database, text: &str) -> Vec<char> {
    let mut wanted: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    for face in db.faces() {
        if wanted.is_empty() {
            break;
        }
        db.with_face_data(face.id, |data, index| {
            if let Ok(font) = skrifa::FontRef::from_index(data, index) {
                let map = skrifa::charmap::Charmap::new(&font);
                wanted.retain(|&c| map.map(c).is_none());
            }
        });
    }
    wanted
}

/// The text an SVG draws: what its `<text>` elements hold (titles and descriptions are not
/// drawn).
pub fn drawn_text(svg: &str) -> Option<String> {
    let doc = usvg::roxmltree::Document::parse(svg).ok()?;
    let mut text = String::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        for t in n.descendants().filter(|d| d.is_text()) {
            text.push_str(t.text().unwrap_or_default());
        }
    }
    Some(text)
}

/// Renders `svg` to PNG with the fonts of `db`; None when a character would be drawn without
/// its glyph (or the SVG cannot be read), in which case the SVG is what to serve.
pub fn png(db: &Arc<fontdb::Database>, svg: &str) -> Option<Vec<u8>> {
    let text = drawn_text(svg)?;
    let lacking = missing(db, &text);
    if !lacking.is_empty() {
        tracing::warn!(missing = %lacking.iter().take(8).collect::<String>(), "no font for the card: serving SVG");
        return None;
    }
    let options = usvg::Options {
        fontdb: db.clone(),
        font_family: "Noto Sans CJK SC".into(),
        languages: vec!["zh-CN".into(), "en".into()],
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).ok()?;
    if has_notdef(tree.root()) {
        tracing::warn!("a card's text laid out with missing glyphs: serving SVG");
        return None;
    }
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().ok()
}

/// The card as PNG, or [`Rendered::Svg`] when it cannot be drawn whole with `db`'s fonts.
pub fn rendered(db: &Arc<fontdb::Database>, svg: &str) -> Rendered {
    match png(db, svg) {
        Some(png) => Rendered::Png(png.into()),
        None => Rendered::Svg,
    }
}

/// Whether laid-out text anywhere in the group uses glyph 0, the "missing glyph" box.
fn has_notdef(group: &usvg::Group) -> bool {
    group.children().iter().any(|node| match node {
        usvg::Node::Group(g) => has_notdef(g),
        usvg::Node::Text(t) => {
            t.layouted().iter().any(|span| span.positioned_glyphs.iter().any(|g| g.id == usvg::GlyphId(0)))
        }
        _ => false,
    })
}

/// What a card became.
#[derive(Clone)]
pub enum Rendered {
    /// The PNG.
    Png(axum::body::Bytes),
    /// No font for it: serve the SVG.
    Svg,
}

/// Rendered cards by the hash of their SVG, up to a budget of bytes; the oldest go first.
pub struct Cache {
    inner: Mutex<Kept>,
    budget: usize,
}

/// What a [`Cache`] holds: the cards, their keys oldest first with their sizes, and the bytes
/// used.
#[derive(Default)]
struct Kept {
    cards: HashMap<[u8; 32], Rendered>,
    order: VecDeque<([u8; 32], usize)>,
    used: usize,
}

impl Cache {
    /// A cache holding up to `budget` bytes of PNG.
    pub fn new(budget: usize) -> Self {
        Self { inner: Mutex::new(Kept::default()), budget }
    }

    /// The key of an SVG.
    pub fn key(svg: &str) -> [u8; 32] {
        Sha256::digest(svg.as_bytes()).into()
    }

    /// A card rendered before.
    pub fn get(&self, key: &[u8; 32]) -> Option<Rendered> {
        self.inner.lock().ok()?.cards.get(key).cloned()
    }

    /// Keeps a card.
    pub fn put(&self, key: [u8; 32], card: Rendered) {
        let Ok(mut guard) = self.inner.lock() else { return };
        let Kept { cards: map, order, used } = &mut *guard;
        let size = match &card {
            Rendered::Png(b) => b.len(),
            Rendered::Svg => 64,
        };
        if map.insert(key, card).is_none() {
            order.push_back((key, size));
            *used += size;
        }
        while *used > self.budget {
            let Some((old, n)) = order.pop_front() else { break };
            map.remove(&old);
            *used -= n;
        }
    }
}

/// Cards kept: 48 MiB, some two hundred cards.
pub static CARDS: LazyLock<Cache> = LazyLock::new(|| Cache::new(48 << 20));

/// At most two cards render at once; the rest wait their turn.
pub static RENDERING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><title>不画</title><text x="4" y="30" font-size="24">遵义 1935</text></svg>"#;

    #[test]
    fn without_a_font_every_character_is_missing_and_there_is_no_png() {
        let empty = Arc::new(fontdb::Database::new());
        assert_eq!(missing(&empty, "遵义 a"), vec!['a', '义', '遵']);
        assert!(png(&empty, CARD).is_none(), "the SVG is served instead");
        assert_eq!(drawn_text(CARD).unwrap(), "遵义 1935", "titles are not drawn");
    }

    #[test]
    fn with_the_systems_chinese_font_the_card_is_a_png() {
        let fonts = system_fonts();
        if !missing(&fonts, "遵义").is_empty() {
            eprintln!("no Chinese font here (fonts-noto-cjk): nothing to check");
            return;
        }
        let png = png(&fonts, CARD).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn the_cache_keeps_cards_within_its_budget_oldest_out_first() {
        let cache = Cache::new(10);
        let card = |n: usize| Rendered::Png(vec![0u8; n].into());
        cache.put(Cache::key("a"), card(6));
        cache.put(Cache::key("b"), card(4));
        assert!(cache.get(&Cache::key("a")).is_some());
        cache.put(Cache::key("c"), card(4));
        assert!(cache.get(&Cache::key("a")).is_none() && cache.get(&Cache::key("c")).is_some());
    }
}

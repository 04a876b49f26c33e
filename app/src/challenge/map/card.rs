//! The shareable card of a milestone, as SVG (pure): 1080 × 1350, the portrait shape that
//! chat apps and phones show whole. The challenge, the milestone's place in the route, its
//! name, date and what happened (from the route file), a small sketch of the route with the
//! part walked red and the milestone marked, the viewer's own team and kilometres when they
//! take part, and 网上重走长征路 · 市南区.
//!
//! Lines are wrapped here (`svg::wrap`): SVG text does not wrap, and a card must look the same
//! in the browser (the SVG) and in the PNG (`render`).

use std::fmt::Write as _;
use std::sync::LazyLock;

use crate::challenge::map::draw::FONTS;
use crate::challenge::map::project::Sketch;
use crate::challenge::map::svg::{clip, esc, short_name, text_lines, wrap};
use crate::challenge::route::{LONG_MARCH, Milestone, Route};

/// The card's size.
pub const WIDTH: u32 = 1080;
pub const HEIGHT: u32 = 1350;

/// The route sketch on the card: a square in the top right corner.
const SKETCH: f64 = 330.0;
static CARD_SKETCH: LazyLock<Option<Sketch>> =
    LazyLock::new(|| Route::named(LONG_MARCH).and_then(|r| Sketch::new(r, SKETCH, SKETCH, 22.0)));

/// What the card says besides the milestone: in the viewer's language.
#[derive(Debug, Clone)]
pub struct CardWords {
    /// Language tag.
    pub lang: &'static str,
    /// "网上重走长征路 · 市南区".
    pub brand: String,
    /// "第 10 站 / 共 33 站".
    pub stop: String,
    /// The milestone's date as people read it.
    pub date: String,
    /// "今 " before the place today.
    pub today: String,
    /// The viewer's team and kilometres, when they take part.
    pub mine: Option<String>,
    /// The card's accessible title.
    pub title: String,
}

/// The card of milestone `m` of `route` in the challenge named `challenge`.
pub fn card(route: &Route, m: &Milestone, challenge: &str, words: &CardWords) -> String {
    let (w, h) = (WIDTH as f64, HEIGHT as f64);
    let lang = words.lang;
    let mut out = String::with_capacity(8_000);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-labelledby="card-title" lang="{lang}" xml:lang="{lang}" font-family="{FONTS}"><title id="card-title">{}</title><rect width="100%" height="100%" fill="#fbf5e9"/>"##,
        esc(&words.title)
    );
    // The band: the brand and the challenge.
    let _ = write!(
        out,
        r##"<rect width="100%" height="250" fill="#a8201a"/><text x="60" y="92" font-size="38" fill="#ffe2a0" letter-spacing="2">{}</text>"##,
        esc(&words.brand)
    );
    let _ = write!(
        out,
        r##"<text x="60" y="186" font-size="58" font-weight="700" fill="#ffffff" lang="zh-CN" xml:lang="zh-CN">{}</text>"##,
        esc(&clip(challenge, 16.0))
    );
    // The milestone, left of the sketch.
    let left_width = w - 120.0 - SKETCH - 30.0;
    let mut y = 330.0;
    let _ = write!(
        out,
        r##"<text x="60" y="{y:.0}" font-size="40" font-weight="700" fill="#a8201a">{}</text>"##,
        esc(&words.stop)
    );
    y += 58.0;
    let _ = write!(out, r##"<text x="60" y="{y:.0}" font-size="38" fill="#5a4a3a">{}</text>"##, esc(&words.date));
    let main = short_name(&m.name);
    let rest = m.name[main.len()..].trim_matches(['（', '）', '(', ')', '·']);
    let name_lines = wrap(main, left_width / 100.0, 2);
    y += 122.0;
    text_lines(
        &mut out,
        60.0,
        y,
        112.0,
        r##"font-size="100" font-weight="700" fill="#1f1a17" lang="zh-CN" xml:lang="zh-CN""##,
        &name_lines,
    );
    y += 112.0 * (name_lines.len() as f64 - 1.0);
    if !rest.is_empty() {
        let lines = wrap(rest, left_width / 42.0, 2);
        y += 64.0;
        text_lines(&mut out, 60.0, y, 54.0, r##"font-size="42" fill="#5a4a3a" lang="zh-CN" xml:lang="zh-CN""##, &lines);
        y += 54.0 * (lines.len() as f64 - 1.0);
    }
    y += 60.0;
    let place = format!("{}{}", words.today, m.place_today);
    let lines = wrap(&place, left_width / 34.0, 2);
    text_lines(&mut out, 60.0, y, 46.0, r##"font-size="34" fill="#5a4a3a""##, &lines);
    y += 46.0 * (lines.len() as f64 - 1.0);
    sketch(&mut out, route, m, w - 60.0 - SKETCH, 290.0);
    // What happened: below both, full width.
    y = y.max(290.0 + SKETCH) + 100.0;
    let room = ((1170.0 - y) / 70.0).floor().max(0.0) as usize + 1;
    let lines = wrap(&m.event, (w - 150.0) / 46.0, room);
    let _ = write!(
        out,
        r##"<rect x="60" y="{:.0}" width="8" height="{:.0}" fill="#a8201a"/>"##,
        y - 50.0,
        70.0 * lines.len() as f64
    );
    text_lines(&mut out, 90.0, y, 70.0, r##"font-size="46" fill="#1f1a17" lang="zh-CN" xml:lang="zh-CN""##, &lines);
    // The viewer, then the foot.
    if let Some(mine) = &words.mine {
        let _ = write!(
            out,
            r##"<text x="60" y="1232" font-size="40" font-weight="700" fill="#7a4b00">{}</text>"##,
            esc(&clip(mine, 23.0))
        );
    }
    let _ = write!(
        out,
        r##"<rect y="1270" width="100%" height="80" fill="#a8201a"/><text x="{:.0}" y="1324" font-size="34" fill="#ffffff" text-anchor="middle">{}</text></svg>"##,
        w / 2.0,
        esc(&words.brand)
    );
    out
}

/// The route in a square at (`x`, `y`): grey, red as far as `m`, `m` marked.
fn sketch(out: &mut String, route: &Route, m: &Milestone, x: f64, y: f64) {
    let Some(s) = CARD_SKETCH.as_ref() else { return };
    let _ = write!(
        out,
        r##"<g transform="translate({x:.0} {y:.0})"><rect width="{SKETCH}" height="{SKETCH}" rx="18" fill="#f1e6d0"/><path d="{}" fill="none" stroke="#b9aa90" stroke-width="5" stroke-linejoin="round"/>"##,
        s.main
    );
    if !s.bonus.is_empty() {
        let _ = write!(
            out,
            r##"<path d="{}" fill="none" stroke="#b9aa90" stroke-width="4" stroke-dasharray="10 8"/>"##,
            s.bonus
        );
    }
    let upto = route.milestones.iter().position(|x| x.seq == m.seq).unwrap_or(0);
    let walked = crate::challenge::map::project::path(&s.points[..=upto.min(s.points.len().saturating_sub(1))]);
    let dash = if m.optional { r#" stroke-dasharray="10 8""# } else { "" };
    let _ = write!(
        out,
        r##"<path d="{walked}" fill="none" stroke="#a8201a" stroke-width="6" stroke-linejoin="round"{dash}/>"##
    );
    if let Some(&(px, py)) = s.points.get(upto) {
        let _ = write!(
            out,
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="18" fill="#a8201a" fill-opacity="0.25"/><circle cx="{px:.1}" cy="{py:.1}" r="9" fill="#a8201a" stroke="#ffffff" stroke-width="3"/>"##
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(mine: Option<&str>) -> CardWords {
        CardWords {
            lang: "zh-CN",
            brand: "网上重走长征路 · 市南区".into(),
            stop: "第 33 站".into(),
            date: "1936年10月9日".into(),
            today: "今 ".into(),
            mine: mine.map(Into::into),
            title: "会宁".into(),
        }
    }

    #[test]
    fn the_card_is_well_formed_and_keeps_its_text_inside() {
        let route = Route::named(LONG_MARCH).unwrap();
        for m in &route.milestones {
            let svg = card(route, m, "重走长征路 <2026>", &words(Some("我的队伍 云霄路社区队 · 人均 12 公里")));
            let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
            let root = doc.root_element();
            assert_eq!((root.attribute("width"), root.attribute("height")), (Some("1080"), Some("1350")));
            for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let num = |n: resvg::usvg::roxmltree::Node<'_, '_>, a: &str| {
                    n.attribute(a).map_or(0.0, |v| v.parse::<f64>().unwrap())
                };
                let last = num(t, "y") + t.children().map(|s| num(s, "dy")).sum::<f64>();
                assert!(num(t, "y") > 1300.0 || last <= 1240.0, "{}: text ends at {last}", m.name);
                for line in t.children().filter_map(|s| s.text()) {
                    let size = num(t, "font-size");
                    assert!(crate::challenge::map::svg::ems(line) * size <= 1000.0, "{line}");
                }
            }
            assert!(svg.contains("网上重走长征路 · 市南区") && svg.contains("云霄路社区队"));
        }
    }
}

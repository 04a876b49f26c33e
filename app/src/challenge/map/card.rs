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
    LazyLock::new(|| Route::named(LONG_MARCH).and_then(|r| Sketch::new(r, SKETCH, SKETCH, 32.0)));

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
    // The milestone and what happened, full width, with a large sketch below; where that
    // leaves too little room (a long story), a small sketch at the top right instead.
    let (head, y) = heading(m, words, w - 120.0);
    let (story, end) = event(m, y + 100.0, 5);
    let room = 1190.0 - (end + 60.0);
    if room >= 320.0 {
        out.push_str(&head);
        out.push_str(&story);
        let size = room.min(560.0);
        sketch(&mut out, route, m, (w - size) / 2.0, end + 60.0, size);
    } else {
        let (head, y) = heading(m, words, w - 120.0 - SKETCH - 30.0);
        out.push_str(&head);
        sketch(&mut out, route, m, w - 60.0 - SKETCH, 290.0, SKETCH);
        let top = y.max(290.0 + SKETCH) + 100.0;
        let (story, _) = event(m, top, ((1170.0 - top) / 70.0).floor().max(0.0) as usize + 1);
        out.push_str(&story);
    }
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

/// The milestone's place in the route, date, name and where it is today, in a column
/// `width` wide from the top; the SVG and the last baseline.
fn heading(m: &Milestone, words: &CardWords, width: f64) -> (String, f64) {
    let mut out = String::new();
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
    let name_lines = wrap(main, width / 100.0, 2);
    y += 122.0;
    let zh = r#"lang="zh-CN" xml:lang="zh-CN""#;
    text_lines(
        &mut out,
        60.0,
        y,
        112.0,
        &format!(r##"font-size="100" font-weight="700" fill="#1f1a17" {zh}"##),
        &name_lines,
    );
    y += 112.0 * (name_lines.len() as f64 - 1.0);
    if !rest.is_empty() {
        let lines = wrap(rest, width / 42.0, 2);
        y += 64.0;
        text_lines(&mut out, 60.0, y, 54.0, &format!(r##"font-size="42" fill="#5a4a3a" {zh}"##), &lines);
        y += 54.0 * (lines.len() as f64 - 1.0);
    }
    y += 60.0;
    let place = format!("{}{}", words.today, m.place_today);
    let lines = wrap(&place, width / 34.0, 2);
    text_lines(&mut out, 60.0, y, 46.0, r##"font-size="34" fill="#5a4a3a""##, &lines);
    (out, y + 46.0 * (lines.len() as f64 - 1.0))
}

/// What happened at the milestone, full width from baseline `y`, at most `max_lines`; the SVG
/// and the last baseline.
fn event(m: &Milestone, y: f64, max_lines: usize) -> (String, f64) {
    let mut out = String::new();
    let lines = wrap(&m.event, (WIDTH as f64 - 150.0) / 46.0, max_lines);
    let _ = write!(
        out,
        r##"<rect x="60" y="{:.0}" width="8" height="{:.0}" fill="#a8201a"/>"##,
        y - 50.0,
        70.0 * lines.len() as f64
    );
    text_lines(&mut out, 90.0, y, 70.0, r##"font-size="46" fill="#1f1a17" lang="zh-CN" xml:lang="zh-CN""##, &lines);
    (out, y + 70.0 * (lines.len() as f64 - 1.0))
}

/// The route in a square of `size` at (`x`, `y`): grey, red as far as `m`, `m` marked. Drawn
/// once at [`SKETCH`] and scaled.
fn sketch(out: &mut String, route: &Route, m: &Milestone, x: f64, y: f64, size: f64) {
    let Some(s) = CARD_SKETCH.as_ref() else { return };
    let k = size / SKETCH;
    let _ = write!(
        out,
        r##"<g transform="translate({x:.0} {y:.0}) scale({k:.3})"><rect width="{SKETCH}" height="{SKETCH}" rx="18" fill="#f1e6d0"/><path d="{}" fill="none" stroke="#b9aa90" stroke-width="5" stroke-linejoin="round"/>"##,
        s.main
    );
    if !s.bonus.is_empty() {
        let _ = write!(
            out,
            r##"<path d="{}" fill="none" stroke="#b9aa90" stroke-width="4" stroke-dasharray="10 8"/>"##,
            s.bonus
        );
    }
    // Walked: the main route up to `m` (all of it for the bonus leg's 会宁), then the bonus leg
    // dashed, as on the map.
    let upto = route.milestones.iter().position(|x| x.seq == m.seq).unwrap_or(0);
    let finish = route.milestones.iter().rposition(|m| !m.optional).unwrap_or(0);
    let last = s.points.len().saturating_sub(1);
    let walked = crate::challenge::map::project::path(&s.points[..=upto.min(finish).min(last)]);
    let _ =
        write!(out, r##"<path d="{walked}" fill="none" stroke="#a8201a" stroke-width="6" stroke-linejoin="round"/>"##);
    if upto > finish {
        let bonus = crate::challenge::map::project::path(&s.points[finish..=upto.min(last)]);
        let _ = write!(
            out,
            r##"<path d="{bonus}" fill="none" stroke="#a8201a" stroke-width="6" stroke-dasharray="10 8"/>"##
        );
    }
    // The start (named below it: the route leaves it westward) and the finish (to its right).
    for (i, dx, dy, anchor) in [(0, 0.0, 24.0, "middle"), (finish, 12.0, 6.0, "start")] {
        if let (Some(&(px, py)), Some(name)) = (s.points.get(i), route.milestones.get(i)) {
            let _ = write!(
                out,
                r##"<circle cx="{px:.1}" cy="{py:.1}" r="5" fill="#6b5a40"/><text x="{:.1}" y="{:.1}" font-size="16" fill="#6b5a40" text-anchor="{anchor}" lang="zh-CN" xml:lang="zh-CN">{}</text>"##,
                px + dx,
                py + dy,
                esc(short_name(&name.name))
            );
        }
    }
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

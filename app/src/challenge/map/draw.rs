//! The route map as SVG, drawn from plain data (pure, so it is unit-tested without a server):
//! the route projected once ([`MAP`]), its milestones, the bonus leg to 会宁 dashed, and a
//! small marker per team at its place on the route, the viewer's own team highlighted.
//!
//! Two hundred teams must stay readable on a phone, so teams are small, half-transparent dots
//! (where many share a place the spot grows darker), and only the viewer's team and the
//! leading three carry a label; every marker names its team and kilometres in its `<title>`.
//! Labels are placed by [`Board`], team labels first, then the milestones' in order of
//! importance, so none covers another.
//!
//! No `width` or `height`: opened on its own, the map fits the phone's screen (and zooms); on
//! the page, the `<img>` gives its size.
//!
//! Text: the picture's own words (title, description, legend) are in the page's language
//! (`lang` on the root); milestone and team names are Chinese data and are marked `zh-CN`.
//! Only presentation attributes are used, no `style`, so the site's Content-Security-Policy
//! (`style-src 'self'`) lets the map render when it is opened on its own.

use std::fmt::Write as _;
use std::sync::LazyLock;

use crate::challenge::map::labels::{Board, Placed, Rect};
use crate::challenge::map::project::Sketch;
use crate::challenge::map::svg::{clip, ems, esc, short_name};
use crate::challenge::route::{LONG_MARCH, Route};

/// The map's width; its height follows the route's shape.
pub const WIDTH: f64 = 600.0;
/// Space around the route (labels of 吴起镇, 瑞金 and 泸定桥 stick out).
const PAD: f64 = 40.0;
/// Label size, in map units: about 12 CSS pixels when the map fills a phone's width.
const FONT: f64 = 20.0;
/// The families asked for, Chinese first.
pub const FONTS: &str =
    "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

/// The Long March drawn once for the map (the Long March is the only route so far).
pub static MAP: LazyLock<Option<Sketch>> = LazyLock::new(|| {
    let route = Route::named(LONG_MARCH)?;
    // The route spans about as far east–west as north–south: a near-square map.
    Sketch::new(route, WIDTH, WIDTH, PAD)
});

/// A team on the map.
#[derive(Debug, Clone)]
pub struct TeamMark {
    /// Its name.
    pub name: String,
    /// Route metres (where it is).
    pub route_m: i64,
    /// What its `<title>` says after the name (e.g. "人均里程 12.5 公里").
    pub km: String,
    /// Place on the board, from 1.
    pub rank: usize,
    /// The viewer's own team.
    pub mine: bool,
}

/// The map's words, in the page's language.
#[derive(Debug, Clone)]
pub struct Words {
    /// Language tag of the page.
    pub lang: &'static str,
    pub title: String,
    pub desc: String,
    pub north: String,
    /// Legend: teams, my team, the leaders, the bonus leg.
    pub legend: [String; 4],
}

/// How many leading teams are labelled.
pub const LEADERS: usize = 3;

/// The map of `route` (drawn as `sketch`) with `teams`, best first.
pub fn map(route: &Route, sketch: &Sketch, teams: &[TeamMark], words: &Words) -> String {
    let (w, h) = (sketch.width, sketch.height);
    let mut out = String::with_capacity(8_000 + teams.len() * 160);
    let lang = words.lang;
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="map-title map-desc" lang="{lang}" xml:lang="{lang}" font-family="{FONTS}"><title id="map-title">{}</title><desc id="map-desc">{}</desc><rect width="100%" height="100%" fill="#f6f1e7"/>"##,
        esc(&words.title),
        esc(&words.desc)
    );
    let mut board = Board::new(w, h);
    legend(&mut out, &mut board, words, w);
    // The route, then the bonus leg dashed.
    let _ = write!(
        out,
        r##"<path d="{}" fill="none" stroke="#a31f1f" stroke-width="4" stroke-linejoin="round" stroke-linecap="round"/>"##,
        sketch.main
    );
    if !sketch.bonus.is_empty() {
        let _ = write!(
            out,
            r##"<path d="{}" fill="none" stroke="#a31f1f" stroke-width="3" stroke-dasharray="9 7"/>"##,
            sketch.bonus
        );
    }
    // Milestones: core ones larger; each names itself in its title.
    out.push_str(r#"<g lang="zh-CN" xml:lang="zh-CN">"#);
    for (m, &p) in route.milestones.iter().zip(&sketch.points) {
        let (r, fill) = if m.core { (5.5, "#ffffff") } else { (3.5, "#d9cbb3") };
        let _ = write!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{fill}" stroke="#6b1515" stroke-width="2"><title>{} · {} km</title></circle>"##,
            p.0,
            p.1,
            esc(&m.name),
            m.km
        );
        if m.core {
            board.block(Rect::around(p, r));
        }
    }
    out.push_str("</g>");
    // Teams: others first, so the leaders and the viewer's team are drawn over them.
    let mut order: Vec<&TeamMark> = teams.iter().collect();
    order.sort_by_key(|t| (t.mine, t.rank <= LEADERS, std::cmp::Reverse(t.rank)));
    let mut labels = String::new();
    out.push_str(r#"<g lang="zh-CN" xml:lang="zh-CN">"#);
    for t in &order {
        let Some((x, y)) = sketch.at(route, t.route_m) else { continue };
        let (r, fill, stroke, sw) = if t.mine {
            (11.0, "#f2a900", "#1a1a1a", 3.0)
        } else if t.rank <= LEADERS {
            (7.0, "#1f5fbf", "#ffffff", 2.0)
        } else {
            (5.0, "#1f5fbf", "#ffffff", 1.0)
        };
        let opacity = if t.mine || t.rank <= LEADERS { "1" } else { "0.55" };
        let class = if t.mine { r#" data-mine="1""# } else { "" };
        let _ = write!(
            out,
            r#"<circle class="team"{class} cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{sw}"><title>{}：{}</title></circle>"#,
            esc(&t.name),
            esc(&t.km)
        );
    }
    out.push_str("</g>");
    // Team labels: mine first (always), then the leaders.
    let mut labelled: Vec<&TeamMark> = teams.iter().filter(|t| t.mine).collect();
    labelled.extend(teams.iter().filter(|t| !t.mine && t.rank <= LEADERS));
    // No label covers a labelled team's marker.
    for t in &labelled {
        if let Some(p) = sketch.at(route, t.route_m) {
            board.block(Rect::around(p, if t.mine { 11.0 } else { 7.0 }));
        }
    }
    for t in labelled {
        let Some(p) = sketch.at(route, t.route_m) else { continue };
        let text = if t.mine { clip(&t.name, 9.0) } else { format!("{}. {}", t.rank, clip(&t.name, 7.0)) };
        let size = FONT;
        let width = ems(&text) * size;
        if let Some(at) = board.place(p, width, size, 13.0, t.mine) {
            let fill = if t.mine { "#7a4b00" } else { "#123f80" };
            label(&mut labels, &at, size, fill, "700", &text);
        }
    }
    // Milestone labels, in order of importance: the start, the finish, 会宁, 遵义, then along
    // the route.
    let mut cores: Vec<(usize, &crate::challenge::route::Milestone)> =
        route.milestones.iter().enumerate().filter(|(_, m)| m.core).collect();
    let finish = route.milestones.iter().rposition(|m| !m.optional).unwrap_or(0);
    let rank = |i: usize, name: &str| match i {
        0 => 0,
        _ if i == finish => 1,
        _ if route.milestones[i].optional => 2,
        _ if name == "遵义" => 3,
        _ => 4 + i,
    };
    cores.sort_by_key(|(i, m)| rank(*i, &m.name));
    for (i, m) in cores {
        let text = short_name(&m.name);
        let size = FONT * 0.9;
        let width = ems(text) * size;
        if let Some(at) = board.place(sketch.points[i], width, size, 8.0, false) {
            label(&mut labels, &at, size, "#3a1010", "400", text);
        }
    }
    let _ = write!(out, r#"<g lang="zh-CN" xml:lang="zh-CN">{labels}</g>"#);
    out.push_str("</svg>");
    out
}

/// A label with a pale halo, so it reads over the route and the dots.
fn label(out: &mut String, at: &Placed, size: f64, fill: &str, weight: &str, text: &str) {
    let (x, y, anchor) = (at.x, at.y, at.anchor);
    let _ = write!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size:.0}" font-weight="{weight}" fill="{fill}" stroke="#f6f1e7" stroke-width="4" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
        esc(text)
    );
}

/// The legend and the north arrow, in the top right corner, which the route leaves empty
/// (nothing lies east of 吴起镇 north of 32° N).
fn legend(out: &mut String, board: &mut Board, words: &Words, w: f64) {
    let size = 17.0;
    let widest = words.legend.iter().map(|l| ems(l)).fold(0.0, f64::max) * size;
    let left = w - 16.0 - widest - 30.0;
    let top = 16.0;
    let _ = write!(
        out,
        r##"<g font-size="{size:.0}" fill="#2b2b2b"><text x="{:.1}" y="{:.1}" font-size="20" font-weight="700" text-anchor="end">↑ {}</text>"##,
        w - 16.0,
        top + 18.0,
        esc(&words.north)
    );
    let row = |i: usize| top + 40.0 + i as f64 * 26.0;
    let swatches = [
        r##"<circle cx="{x}" cy="{y}" r="5" fill="#1f5fbf" fill-opacity="0.55" stroke="#ffffff"/>"##,
        r##"<circle cx="{x}" cy="{y}" r="8" fill="#f2a900" stroke="#1a1a1a" stroke-width="2.5"/>"##,
        r##"<circle cx="{x}" cy="{y}" r="6" fill="#1f5fbf" stroke="#ffffff" stroke-width="2"/>"##,
        r##"<path d="M{x0} {y} h22" stroke="#a31f1f" stroke-width="3" stroke-dasharray="6 4"/>"##,
    ];
    for (i, (text, swatch)) in words.legend.iter().zip(swatches).enumerate() {
        let (x, y) = (left + 11.0, row(i));
        let s = swatch
            .replace("{x}", &format!("{x:.1}"))
            .replace("{y}", &format!("{y:.1}"))
            .replace("{x0}", &format!("{:.1}", x - 11.0));
        out.push_str(&s);
        let _ = write!(out, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, left + 30.0, y + size * 0.35, esc(text));
    }
    out.push_str("</g>");
    board.block(Rect(left - 4.0, top, w, row(3) + 14.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words {
            lang: "zh-CN",
            title: "长征路线图".into(),
            desc: "说明".into(),
            north: "北".into(),
            legend: ["队伍".into(), "我的队伍".into(), "领先的队伍".into(), "加赛段".into()],
        }
    }

    /// `n` teams spread along the route, the first the furthest.
    fn teams(n: usize, mine: usize) -> Vec<TeamMark> {
        (0..n)
            .map(|i| TeamMark {
                name: format!("第{i}队<&>"),
                route_m: 13_000_000 - i as i64 * 60_000,
                km: format!("{i} 公里"),
                rank: i + 1,
                mine: i == mine,
            })
            .collect()
    }

    #[test]
    fn two_hundred_teams_are_one_marker_each_with_mine_highlighted_and_labels_apart() {
        let route = Route::named(LONG_MARCH).unwrap();
        let sketch = MAP.as_ref().unwrap();
        let svg = map(route, sketch, &teams(200, 57), &words());
        assert_eq!(svg.matches(r#"<circle class="team""#).count(), 200);
        assert_eq!(svg.matches("data-mine").count(), 1);
        assert!(!svg.contains("<&>"), "names escaped");
        assert!(svg.contains(">第57队&lt;&amp;&gt;<"), "my team is labelled");
        assert!(svg.contains(">1. 第0队"), "the leader is labelled");
        // Labels: no two overlap, and most core milestones keep theirs.
        let boxes = label_boxes(&svg);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} {b:?}");
            }
        }
        assert!(svg.contains(">瑞金<") && svg.contains(">吴起镇<") && svg.contains(">遵义<"));
        assert!(boxes.len() >= 16, "{} labels", boxes.len());
    }

    /// The boxes of the labels in an SVG map, estimated as `Board` did.
    fn label_boxes(svg: &str) -> Vec<Rect> {
        let doc = resvg::usvg::roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("paint-order").is_some())
            .map(|n| {
                let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
                let (x, y, size) = (num("x"), num("y"), num("font-size"));
                let width = ems(n.text().unwrap()) * size;
                let left = match n.attribute("text-anchor") {
                    Some("end") => x - width,
                    Some("middle") => x - width / 2.0,
                    _ => x,
                };
                // Shrunk by a hair: the estimate of `Board` with rounding.
                Rect(left + 0.2, y - size * 0.8, left + width - 0.2, y + size * 0.15)
            })
            .collect()
    }
}

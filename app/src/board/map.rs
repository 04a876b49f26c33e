//! The board's map, drawn on the server as SVG coordinates: no tile service, no script.
//!
//! The district's data gives coordinates to landmarks (venues), not to communities. So a
//! community is placed where the data puts something of it: at its own landmarks when it
//! has any; else on a small ring around the landmarks of its street (a schematic position,
//! and the page says so); a community of a street without any located landmark is listed
//! in a strip under the map, still as a labelled dot. Case points use the coordinates the
//! reporter's phone gave; cases without any, or far outside the district, are only in the
//! list below the map. Projection: equirectangular, longitudes scaled by the cosine of the
//! middle latitude, which is exact enough over a district's ten kilometres.

use std::collections::BTreeMap;

use crate::board::map_labels::{self, Label, Rect};
use crate::cases::workflow::State;
use crate::ids::{CommunityId, StreetId};

/// Width of the drawing (SVG user units). The SVG scales to its box (`viewBox`, no fixed size):
/// drawn about as wide as a phone's screen, its 14-unit text reads at about 11 px there and
/// no bigger than the page's text on a desk (the stylesheet caps the width).
pub const WIDTH: f64 = 400.0;
/// Room around the located points for the rings around them and their names (names are
/// placed on either side, see `map_labels`).
const PAD: (f64, f64, f64, f64) = (30.0, 24.0, 24.0, 30.0); // top, left, right, bottom
/// Shortest and tallest map area.
const HEIGHT: (f64, f64) = (180.0, 520.0);
/// Radius of the ring of communities placed around their street's landmarks.
const RING: f64 = 22.0;
/// A case point further than this (degrees) outside the located area is not drawn.
const TOLERANCE_DEG: f64 = 0.03;
/// Height of one row of the strip of unlocated communities, and the width of one dot's cell
/// (a dot and a name of up to six characters, with room to spare).
const ROW: (f64, f64) = (26.0, 124.0);
/// Where the strip's dots start (after the left margin).
const STRIP_LEFT: f64 = 14.0;

/// A located thing of the district (a venue with coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Landmark {
    /// Its street.
    pub street: StreetId,
    /// Its community, when known.
    pub community: Option<CommunityId>,
    /// WGS84 (latitude, longitude).
    pub coords: (f64, f64),
}

/// A community to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// Id.
    pub id: CommunityId,
    /// Street.
    pub street: StreetId,
    /// Name.
    pub name: String,
}

/// A case to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Case id.
    pub id: i64,
    /// WGS84 (latitude, longitude).
    pub coords: (f64, f64),
    /// State (its colour).
    pub state: State,
    /// What the link says: category and state.
    pub title: String,
}

/// How a community's dot was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// At its own landmarks.
    Own,
    /// Around its street's landmarks (schematic).
    Street,
    /// In the strip under the map (nothing of its street is located).
    Strip,
}

/// A community's dot.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Name.
    pub name: String,
    /// How it was placed.
    pub placed: Placed,
    /// Where its name is written; None where there was no room (the dot's tooltip names it).
    pub label: Option<Label>,
}

/// A case's point.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDot {
    /// Case id.
    pub id: i64,
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// CSS class of its colour group.
    pub class: &'static str,
    /// Link title.
    pub title: String,
}

/// A street's name: at the centre of its ring on the map, or at the head of its row in the
/// strip.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetLabel {
    /// Where.
    pub x: f64,
    /// Where (the middle of the text's height).
    pub y: f64,
    /// Street name.
    pub street: String,
}

/// The map, ready for the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Drawing height (the width is [`WIDTH`]).
    pub height: f64,
    /// Where the strip starts (== `height` when there is none).
    pub strip_top: f64,
    /// Community dots.
    pub communities: Vec<Dot>,
    /// Names of the streets on the map, at their rings.
    pub streets: Vec<StreetLabel>,
    /// Street labels of the strip.
    pub strip: Vec<StreetLabel>,
    /// Case points.
    pub points: Vec<CaseDot>,
    /// Cases given that are not drawn (no coordinates, or far outside).
    pub off_map: usize,
}

impl Map {
    /// `0 0 400 h`, for the `viewBox`.
    pub fn view_box(&self) -> String {
        format!("0 0 {WIDTH} {}", round(self.height))
    }

    /// The map area alone, without the strip of unlocated communities under it.
    pub fn area_view_box(&self) -> String {
        format!("0 0 {WIDTH} {}", round(self.strip_top))
    }

    /// Whether some communities are placed schematically.
    pub fn schematic(&self) -> bool {
        self.communities.iter().any(|d| d.placed != Placed::Own)
    }
}

/// The colour group of a state: new, with a department, handled, closed, stopped.
pub fn class(state: State) -> &'static str {
    match state {
        State::Reported | State::Accepted => "pt-new",
        State::Dispatched | State::Handling | State::Postponed => "pt-work",
        State::Handled => "pt-handled",
        State::Closed => "pt-closed",
        State::Rejected | State::Voided => "pt-stopped",
    }
}

/// The colour groups in legend order: (class, the states' translation key).
pub const LEGEND: [(&str, &str); 5] = [
    ("pt-new", "board.legend_new"),
    ("pt-work", "board.legend_work"),
    ("pt-handled", "board.legend_handled"),
    ("pt-closed", "board.legend_closed"),
    ("pt-stopped", "board.legend_stopped"),
];

/// One decimal is plenty for SVG coordinates.
pub fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn mean(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some((points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n))
}

/// Lays out the map. `streets` names the streets in the order the strip lists them.
pub fn layout(
    streets: &[(StreetId, String)],
    communities: &[Community],
    landmarks: &[Landmark],
    cases: &[Point],
) -> Map {
    let mut own: BTreeMap<CommunityId, Vec<(f64, f64)>> = BTreeMap::new();
    let mut by_street: BTreeMap<StreetId, Vec<(f64, f64)>> = BTreeMap::new();
    for l in landmarks.iter().filter(|l| crate::cases::model::valid_coords(l.coords)) {
        by_street.entry(l.street).or_default().push(l.coords);
        if let Some(c) = l.community {
            own.entry(c).or_default().push(l.coords);
        }
    }
    let own: BTreeMap<CommunityId, (f64, f64)> = own.iter().filter_map(|(c, p)| Some((*c, mean(p)?))).collect();
    let anchors: BTreeMap<StreetId, (f64, f64)> = by_street.iter().filter_map(|(s, p)| Some((*s, mean(p)?))).collect();
    let located: Vec<(f64, f64)> = own.values().chain(anchors.values()).copied().collect();
    // The frame: the located things, and the case points not far outside them.
    let frame = bounds(&located);
    let inside = |p: (f64, f64)| {
        frame.is_some_and(|(lo, hi)| {
            p.0 >= lo.0 - TOLERANCE_DEG
                && p.0 <= hi.0 + TOLERANCE_DEG
                && p.1 >= lo.1 - TOLERANCE_DEG
                && p.1 <= hi.1 + TOLERANCE_DEG
        })
    };
    let drawn: Vec<&Point> = cases.iter().filter(|c| inside(c.coords)).collect();
    let all: Vec<(f64, f64)> = located.iter().copied().chain(drawn.iter().map(|c| c.coords)).collect();
    let project = Projection::fit(&all);
    let mut dots = Vec::new();
    let mut labels = Vec::new();
    let mut unplaced: Vec<&Community> = Vec::new();
    for (street, name) in streets {
        let members: Vec<&Community> = communities.iter().filter(|c| c.street == *street).collect();
        let ringed: Vec<&&Community> = members.iter().filter(|c| !own.contains_key(&c.id)).collect();
        for c in &members {
            if let Some(p) = own.get(&c.id) {
                let (x, y) = project.xy(*p);
                dots.push(Dot { x, y, name: c.name.clone(), placed: Placed::Own, label: None });
            }
        }
        match anchors.get(street) {
            Some(anchor) => {
                let (ax, ay) = project.xy(*anchor);
                labels.push(StreetLabel { x: ax, y: ay, street: name.clone() });
                // Each street's ring starts at its own angle, so neighbouring rings interleave.
                let start = (street.0 as f64) * 0.9;
                for (i, c) in ringed.iter().enumerate() {
                    let angle = start + std::f64::consts::TAU * i as f64 / ringed.len() as f64;
                    let (x, y) = (round(ax + RING * angle.cos()), round(ay + RING * angle.sin()));
                    dots.push(Dot { x, y, name: c.name.clone(), placed: Placed::Street, label: None });
                }
            }
            None => unplaced.extend(ringed.into_iter().copied()),
        }
    }
    let strip_top = project.height;
    let mut strip = Vec::new();
    let mut y = strip_top + ROW.0 / 2.0;
    // Each street of the strip: its name on a row, then its communities wrapped to the width.
    let per_row = (((WIDTH - 2.0 * STRIP_LEFT) / ROW.1).floor() as usize).max(1);
    for (street, name) in streets {
        let members: Vec<&&Community> = unplaced.iter().filter(|c| c.street == *street).collect();
        if members.is_empty() {
            continue;
        }
        y += ROW.0;
        strip.push(StreetLabel { x: STRIP_LEFT, y, street: name.clone() });
        for (i, c) in members.iter().enumerate() {
            if i % per_row == 0 {
                y += ROW.0;
            }
            let x = STRIP_LEFT + 4.0 + ROW.1 * (i % per_row) as f64;
            dots.push(Dot { x, y, name: c.name.clone(), placed: Placed::Strip, label: None });
        }
    }
    let height = if strip.is_empty() { strip_top } else { y + PAD.3 / 2.0 };
    // Street names are written first: centred at their rings where no dot is in the way, else
    // just above or below the ring, or a line further out (八大峡 and 中山路 share a corner);
    // left out where none of these is free. At the head of their strip rows.
    let dot_boxes: Vec<Rect> = dots.iter().map(|d| Rect(d.x - 4.0, d.y - 4.0, d.x + 4.0, d.y + 4.0)).collect();
    let mut written: Vec<Rect> = Vec::new();
    let line = map_labels::LINE;
    let out = RING + line / 2.0 + 2.0;
    labels.retain_mut(|l| {
        // A name near the edge is pulled in, so it is written whole.
        let half = map_labels::width(&l.street) / 2.0;
        l.x = round(l.x.clamp(half, WIDTH - half));
        let free = [0.0, -out, out, -out - line, out + line, -line, line]
            .into_iter()
            .map(|dy| (dy, map_labels::centred(l.x, l.y + dy, &l.street)))
            .find(|(_, r)| r.1 >= 0.0 && r.3 <= strip_top && !written.iter().chain(&dot_boxes).any(|w| w.overlaps(r)));
        match free {
            Some((dy, rect)) => {
                l.y = round(l.y + dy);
                written.push(rect);
                true
            }
            None => false,
        }
    });
    written.extend(strip.iter().map(|l| {
        let w = map_labels::width(&l.street);
        Rect(l.x, l.y - 8.0, l.x + w, l.y + 8.0)
    }));
    let named: Vec<(f64, f64, &str)> = dots.iter().map(|d| (d.x, d.y, d.name.as_str())).collect();
    let placed = map_labels::place(&named, &written, WIDTH);
    for (dot, label) in dots.iter_mut().zip(placed) {
        dot.label = label;
    }
    let points = drawn
        .iter()
        .map(|c| {
            let (x, y) = project.xy(c.coords);
            CaseDot { id: c.id, x, y, class: class(c.state), title: c.title.clone() }
        })
        .collect();
    Map { height, strip_top, communities: dots, streets: labels, strip, points, off_map: cases.len() - drawn.len() }
}

/// The smallest box holding the points: (south-west, north-east).
fn bounds(points: &[(f64, f64)]) -> Option<((f64, f64), (f64, f64))> {
    let first = *points.first()?;
    Some(
        points
            .iter()
            .fold((first, first), |(lo, hi), p| ((lo.0.min(p.0), lo.1.min(p.1)), (hi.0.max(p.0), hi.1.max(p.1)))),
    )
}

/// Degrees to drawing units.
#[derive(Debug, Clone, Copy)]
struct Projection {
    /// South-west corner of the data.
    origin: (f64, f64),
    /// North edge, for flipping latitudes.
    north: f64,
    /// cos(middle latitude).
    kx: f64,
    /// Units per degree of latitude.
    scale: f64,
    /// Left edge, centring a narrow area.
    left: f64,
    /// Map area height.
    height: f64,
}

impl Projection {
    fn fit(points: &[(f64, f64)]) -> Self {
        // Without anything located the map is an empty frame of the shortest height.
        let ((s, w), (n, e)) = bounds(points).unwrap_or(((0.0, 0.0), (0.0, 0.0)));
        let kx = ((s + n) / 2.0).to_radians().cos();
        // Never narrower than about a kilometre, so one point does not fill the map.
        let span_x = ((e - w) * kx).max(0.01);
        let span_y = (n - s).max(0.01);
        let (top, left, right, bottom) = PAD;
        let scale = ((WIDTH - left - right) / span_x).min((HEIGHT.1 - top - bottom) / span_y);
        let height = (span_y * scale + top + bottom).max(HEIGHT.0);
        let used = span_x * scale;
        let left = left + (WIDTH - left - right - used) / 2.0;
        // Vertically centred when the shortest height is taller than the data.
        let north = n + (height - top - bottom - span_y * scale) / 2.0 / scale;
        Self { origin: (s, w), north, kx, scale, left, height: round(height) }
    }

    fn xy(&self, (lat, lng): (f64, f64)) -> (f64, f64) {
        let x = self.left + (lng - self.origin.1) * self.kx * self.scale;
        let y = PAD.0 + (self.north - lat) * self.scale;
        (round(x), round(y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn community(id: i64, street: i64) -> Community {
        Community { id: CommunityId(id), street: StreetId(street), name: format!("c{id}") }
    }

    #[test]
    fn communities_sit_at_their_landmarks_around_their_street_or_in_the_strip() {
        let streets = vec![
            (StreetId(1), "west".to_owned()),
            (StreetId(2), "east".to_owned()),
            (StreetId(3), "unknown".to_owned()),
        ];
        let communities = vec![
            community(10, 1),
            community(11, 1),
            community(12, 1),
            community(20, 2),
            community(30, 3),
            community(31, 3),
        ];
        let landmarks = vec![
            Landmark { street: StreetId(1), community: Some(CommunityId(10)), coords: (36.06, 120.32) },
            Landmark { street: StreetId(2), community: None, coords: (36.06, 120.40) },
            Landmark { street: StreetId(2), community: None, coords: (36.05, 120.38) },
        ];
        let map = layout(&streets, &communities, &landmarks, &[]);
        assert_eq!(map.communities.len(), 6, "a dot per community");
        let placed: Vec<Placed> = map.communities.iter().map(|d| d.placed).collect();
        assert_eq!(placed, [Placed::Own, Placed::Street, Placed::Street, Placed::Street, Placed::Strip, Placed::Strip]);
        // West is left of east; the drawing keeps its width and the strip is below the map.
        let x = |name: &str| map.communities.iter().find(|d| d.name == name).unwrap().x;
        assert!(x("c10") < x("c20"));
        assert!(map.communities.iter().all(|d| (0.0..=WIDTH).contains(&d.x) && (0.0..=map.height).contains(&d.y)));
        assert_eq!(map.strip.len(), 1);
        assert!(map.strip[0].y > map.strip_top && map.height > map.strip[0].y);
        assert!(map.schematic());
    }

    #[test]
    fn north_is_up_east_is_right_and_distances_keep_their_proportions() {
        let landmarks = vec![
            Landmark { street: StreetId(1), community: Some(CommunityId(1)), coords: (36.04, 120.30) },
            Landmark { street: StreetId(1), community: Some(CommunityId(2)), coords: (36.08, 120.42) },
        ];
        let streets = vec![(StreetId(1), "s".to_owned())];
        let map = layout(&streets, &[community(1, 1), community(2, 1)], &landmarks, &[]);
        let (sw, ne) = (&map.communities[0], &map.communities[1]);
        assert!(ne.x > sw.x && ne.y < sw.y);
        // 0.12° of longitude at 36°N is 0.12·cos 36° ≈ 0.097 "degrees of latitude".
        let ratio = (ne.x - sw.x) / (sw.y - ne.y);
        assert!((ratio - 0.12 * 36.06_f64.to_radians().cos() / 0.04).abs() < 0.02, "{ratio}");
        assert!(!map.schematic());
    }

    #[test]
    fn case_points_inside_are_drawn_coloured_by_state_and_the_rest_counted() {
        let landmarks = vec![Landmark { street: StreetId(1), community: None, coords: (36.06, 120.38) }];
        let point = |id, coords, state| Point { id, coords, state, title: format!("case {id}") };
        let cases = vec![
            point(1, (36.061, 120.381), State::Dispatched),
            point(2, (36.059, 120.379), State::Closed),
            point(3, (39.9, 116.4), State::Reported),
        ];
        let map = layout(&[(StreetId(1), "s".to_owned())], &[community(1, 1)], &landmarks, &cases);
        let classes: Vec<(i64, &str)> = map.points.iter().map(|p| (p.id, p.class)).collect();
        assert_eq!(classes, [(1, "pt-work"), (2, "pt-closed")]);
        assert_eq!(map.off_map, 1);
        assert!(map.points[0].x > map.points[1].x && map.points[0].y < map.points[1].y);
        assert!(map.view_box().starts_with("0 0 400 "));
    }

    #[test]
    fn street_names_at_the_same_corner_do_not_overlap_and_the_strip_wraps_inside_the_width() {
        // 八大峡 and 中山路: their landmarks (the station, the pier) are a few hundred metres apart.
        let streets = vec![
            (StreetId(1), "八大峡街道".to_owned()),
            (StreetId(2), "中山路街道".to_owned()),
            (StreetId(3), "香港中路街道".to_owned()),
            (StreetId(4), "金门路街道".to_owned()),
        ];
        let landmarks = vec![
            Landmark { street: StreetId(1), community: None, coords: (36.064, 120.313) },
            Landmark { street: StreetId(2), community: None, coords: (36.063, 120.316) },
            Landmark { street: StreetId(3), community: None, coords: (36.062, 120.384) },
        ];
        let communities: Vec<Community> = (0..8).map(|i| community(40 + i, 4)).collect();
        let map = layout(&streets, &communities, &landmarks, &[]);
        assert_eq!(map.streets.len(), 3, "every street on the map is named");
        let boxes: Vec<Rect> = map.streets.iter().map(|l| map_labels::centred(l.x, l.y, &l.street)).collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= 0.0 && a.2 <= WIDTH, "{a:?} inside");
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
        for d in &map.communities {
            assert!((0.0..=WIDTH).contains(&d.x) && (0.0..=map.height).contains(&d.y), "{d:?} inside");
        }
        let rows: std::collections::BTreeSet<i64> =
            map.communities.iter().filter(|d| d.placed == Placed::Strip).map(|d| d.y as i64).collect();
        assert!(rows.len() >= 2, "eight communities wrap: {rows:?}");
    }

    #[test]
    fn nothing_located_still_gives_a_frame() {
        let map = layout(&[(StreetId(1), "s".to_owned())], &[community(1, 1)], &[], &[]);
        assert_eq!(map.communities[0].placed, Placed::Strip);
        assert!(map.height >= HEIGHT.0);
    }
}

//! From the route's latitudes and longitudes to a picture's coordinates, and where on the
//! route a team stands. Pure, and done once per drawing size ([`Sketch`], kept in a
//! `LazyLock` by its users), so a request only places its teams.
//!
//! The projection is equirectangular with the cosine of the route's mean latitude: over the
//! ~12° of latitude the Long March spans (25°–37° N) that keeps east–west and north–south
//! distances within a few per cent of each other, which is all a route map needs, and it is
//! simple enough to check by hand. North is up.

use crate::challenge::route::Route;

/// Maps latitude and longitude to picture coordinates (x right, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Cosine of the mean latitude: how much shorter a degree of longitude is.
    cos_lat: f64,
    /// The west and north edges of the points, degrees.
    west: f64,
    north: f64,
    /// Picture units per degree of latitude.
    scale: f64,
    /// Where the west and north edges land, picture units (the padding, plus the centring).
    left: f64,
    top: f64,
}

impl Projection {
    /// The projection that fits `points` (latitude, longitude) into a `width` × `height` box
    /// with `pad` on every side, centred, keeping the aspect. None without points.
    pub fn fit(points: &[(f64, f64)], width: f64, height: f64, pad: f64) -> Option<Self> {
        let (first, _) = points.split_first()?;
        let (mut south, mut north, mut west, mut east) = (first.0, first.0, first.1, first.1);
        for &(lat, lng) in points {
            south = south.min(lat);
            north = north.max(lat);
            west = west.min(lng);
            east = east.max(lng);
        }
        let mean = points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
        let cos_lat = mean.to_radians().cos();
        // Degrees of latitude the points span each way (a single point spans none: any scale).
        let (dx, dy) = (((east - west) * cos_lat).max(1e-9), (north - south).max(1e-9));
        let scale = ((width - 2.0 * pad) / dx).min((height - 2.0 * pad) / dy);
        let left = (width - dx * scale) / 2.0;
        let top = (height - dy * scale) / 2.0;
        Some(Self { cos_lat, west, north, scale, left, top })
    }

    /// Picture coordinates of a latitude and longitude.
    pub fn xy(&self, lat: f64, lng: f64) -> (f64, f64) {
        (self.left + (lng - self.west) * self.cos_lat * self.scale, self.top + (self.north - lat) * self.scale)
    }
}

/// Latitude and longitude after `route_m` metres along the route: on a milestone at its
/// distance, and between two milestones in proportion (linear in latitude and longitude,
/// like the straight line drawn between them). Clamped to the route's ends.
pub fn lat_lng_at(route: &Route, route_m: i64) -> Option<(f64, f64)> {
    let ms = &route.milestones;
    let first = ms.first()?;
    if route_m <= first.metres() {
        return Some((first.lat, first.lng));
    }
    for w in ms.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if route_m < b.metres() {
            let t = (route_m - a.metres()) as f64 / (b.metres() - a.metres()).max(1) as f64;
            return Some((a.lat + (b.lat - a.lat) * t, a.lng + (b.lng - a.lng) * t));
        }
    }
    ms.last().map(|m| (m.lat, m.lng))
}

/// A route drawn into a box once: each milestone's point and the lines between them.
#[derive(Debug, Clone)]
pub struct Sketch {
    /// The box.
    pub width: f64,
    pub height: f64,
    /// The projection used.
    pub projection: Projection,
    /// Each milestone's point, in the route's order.
    pub points: Vec<(f64, f64)>,
    /// The main route, 瑞金 to the finish, as a path's `d`.
    pub main: String,
    /// The bonus leg beyond the finish (to 会宁), as a path's `d` (empty without one).
    pub bonus: String,
}

impl Sketch {
    /// Draws `route` into `width` × `height` with `pad` around. None for a route without
    /// milestones.
    pub fn new(route: &Route, width: f64, height: f64, pad: f64) -> Option<Self> {
        let coords: Vec<(f64, f64)> = route.milestones.iter().map(|m| (m.lat, m.lng)).collect();
        let projection = Projection::fit(&coords, width, height, pad)?;
        let points: Vec<(f64, f64)> = coords.iter().map(|&(lat, lng)| projection.xy(lat, lng)).collect();
        // The finish is the last milestone that is not optional; what follows it is the bonus leg.
        let finish = route.milestones.iter().rposition(|m| !m.optional).unwrap_or(0);
        let main = path(&points[..=finish]);
        let bonus = if finish + 1 < points.len() { path(&points[finish..]) } else { String::new() };
        Some(Self { width, height, projection, points, main, bonus })
    }

    /// The point after `route_m` metres along `route` (the route this sketch drew).
    pub fn at(&self, route: &Route, route_m: i64) -> Option<(f64, f64)> {
        lat_lng_at(route, route_m).map(|(lat, lng)| self.projection.xy(lat, lng))
    }
}

/// An SVG path through the points, one decimal (a tenth of a unit is well below a pixel).
pub fn path(points: &[(f64, f64)]) -> String {
    let mut d = String::with_capacity(points.len() * 14);
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(if i == 0 { "M" } else { " L" });
        d.push_str(&format!("{x:.1} {y:.1}"));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::route::LONG_MARCH;

    fn route() -> &'static Route {
        Route::named(LONG_MARCH).unwrap()
    }

    #[test]
    fn the_projection_fits_the_box_with_north_up_and_west_left() {
        let pts = [(25.0, 100.0), (35.0, 110.0)];
        let p = Projection::fit(&pts, 600.0, 600.0, 20.0).unwrap();
        let (sw, ne) = (p.xy(25.0, 100.0), p.xy(35.0, 110.0));
        assert!(ne.1 < sw.1, "north is up");
        assert!(sw.0 < ne.0, "west is left");
        for (x, y) in [sw, ne] {
            assert!((20.0 - 1e-9..=580.0 + 1e-9).contains(&x) && (20.0 - 1e-9..=580.0 + 1e-9).contains(&y));
        }
        // Taller than wide here (10° of latitude, 10° × cos 30° of longitude): the height fills.
        assert!((sw.1 - ne.1 - 560.0).abs() < 1e-6);
        let cos = 30f64.to_radians().cos();
        assert!(((ne.0 - sw.0) - 560.0 * cos).abs() < 1e-6, "a degree east is cos(lat) of a degree north");
        assert!(((sw.0 + ne.0) / 2.0 - 300.0).abs() < 1e-6, "centred");
    }

    #[test]
    fn a_team_at_a_milestones_distance_sits_on_it_and_between_two_in_proportion() {
        let r = route();
        for m in &r.milestones {
            assert_eq!(lat_lng_at(r, m.metres()), Some((m.lat, m.lng)), "{}", m.name);
        }
        let (a, b) = (&r.milestones[9], &r.milestones[10]); // 遵义 → 土城
        let mid = lat_lng_at(r, (a.metres() + b.metres()) / 2).unwrap();
        assert!((mid.0 - (a.lat + b.lat) / 2.0).abs() < 1e-9 && (mid.1 - (a.lng + b.lng) / 2.0).abs() < 1e-9);
        assert_eq!(lat_lng_at(r, -10), Some((r.milestones[0].lat, r.milestones[0].lng)), "before the start");
        let last = r.milestones.last().unwrap();
        assert_eq!(lat_lng_at(r, 99_000_000), Some((last.lat, last.lng)), "beyond the end");
    }

    #[test]
    fn the_sketch_draws_the_main_route_and_the_bonus_leg_apart() {
        let r = route();
        let s = Sketch::new(r, 600.0, 600.0, 30.0).unwrap();
        assert_eq!(s.points.len(), r.milestones.len());
        assert_eq!(s.main.matches('L').count(), 31, "瑞金 to 吴起镇: 32 points");
        assert_eq!(s.bonus.matches('L').count(), 1, "吴起镇 to 会宁");
        let wuqi = s.points[31];
        assert_eq!(s.at(r, r.finish_m()), Some(wuqi));
        assert!(s.points.iter().all(|&(x, y)| (29.9..=570.1).contains(&x) && (29.9..=570.1).contains(&y)));
    }
}

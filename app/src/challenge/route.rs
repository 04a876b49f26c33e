//! The route a challenge follows: the Central Red Army's Long March, 瑞金 to 吴起镇, from the
//! project's copy of the shared route file (`data/long_march.json`, "中央红军长征虚拟路线里程碑
//! （估算）"). Its distances are the file's own estimates (`cum_km_est`: great-circle distances
//! between county-level points scaled so that 瑞金→吴起镇 is 12,500 km, 二万五千里); its dates
//! are the usual Party-history accounts, some of them approximate. We cite them as they are.
//!
//! Of the 33 milestones, the file marks 24 `core` (the main milestones to show; the others are
//! intermediate points) and one of the core ones, 会宁 (the three armies' meeting in October 1936), `optional`:
//! it is not part of the Central Red Army's 25,000 li, so the route *finishes* at 吴起镇
//! ([`Route::finish_m`]) and 会宁 lies beyond it as a bonus leg (加赛段) for teams that go on.
//!
//! Everything here is pure: positions are worked out from route metres, and the file is parsed
//! once, at first use.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The route file, embedded so a running server never reads it from disk.
const LONG_MARCH_JSON: &str = include_str!("../../../data/long_march.json");

/// The only route so far; challenges store its name so other routes can come later.
pub const LONG_MARCH: &str = "long_march";

/// A milestone as the route file gives it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Order along the route, from 1.
    pub seq: u32,
    /// Name, e.g. 遵义.
    pub name: String,
    /// Where it is today.
    pub place_today: String,
    /// Date of the event (`YYYY-MM-DD`, some approximate).
    pub date: String,
    /// What happened there.
    pub event: String,
    /// Latitude (WGS84, county-level, ±5–10 km).
    pub lat: f64,
    /// Longitude.
    pub lng: f64,
    /// Cumulative distance from 瑞金, km (an estimate).
    #[serde(rename = "cum_km_est")]
    pub km: i64,
    /// One of the main milestones to show.
    #[serde(default)]
    pub core: bool,
    /// Beyond the finish: 会宁, not part of the Central Red Army's route.
    #[serde(default)]
    pub optional: bool,
}

impl Milestone {
    /// Cumulative distance from the start in metres.
    pub fn metres(&self) -> i64 {
        self.km * 1000
    }
}

/// A route: milestones in order of distance.
#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    /// Title of the source.
    pub title: String,
    /// How the source estimated its distances.
    pub method: String,
    /// The milestones, by `seq`.
    pub milestones: Vec<Milestone>,
}

/// Where something stands on a route.
#[derive(Debug, Clone)]
pub struct Position<'r> {
    /// Route metres covered (clamped to the route's end).
    pub route_m: i64,
    /// The last milestone reached (the start at 0).
    pub passed: &'r Milestone,
    /// The next milestone, if any.
    pub next: Option<&'r Milestone>,
    /// Route metres still to go to the next milestone (0 at the end).
    pub to_next_m: i64,
    /// How far along the main route, 0.0–1.0 (for the map; the bonus leg counts as 1.0).
    pub fraction: f64,
}

impl Route {
    /// The route with this name, if there is one.
    pub fn named(name: &str) -> Option<&'static Route> {
        (name == LONG_MARCH).then(|| &*LONG_MARCH_ROUTE)
    }

    /// The metres of the main route: to its last milestone that is not optional (吴起镇).
    pub fn finish_m(&self) -> i64 {
        self.milestones.iter().filter(|m| !m.optional).map(Milestone::metres).max().unwrap_or(0)
    }

    /// The metres to the very last milestone, the bonus leg included.
    pub fn end_m(&self) -> i64 {
        self.milestones.iter().map(Milestone::metres).max().unwrap_or(0)
    }

    /// The position after `route_m` metres along the route. None only for a route without
    /// milestones.
    pub fn position(&self, route_m: i64) -> Option<Position<'_>> {
        let route_m = route_m.clamp(0, self.end_m());
        let passed = self.milestones.iter().rev().find(|m| m.metres() <= route_m)?;
        let next = self.milestones.iter().find(|m| m.metres() > route_m);
        let finish = self.finish_m();
        let fraction = if finish > 0 { (route_m as f64 / finish as f64).min(1.0) } else { 0.0 };
        Some(Position { route_m, passed, next, to_next_m: next.map_or(0, |n| n.metres() - route_m), fraction })
    }
}

/// The Long March, parsed once. The file is compiled in, so a parse failure would be a broken
/// build, which the unit tests catch; the fallback (no milestones) only keeps the server up.
static LONG_MARCH_ROUTE: LazyLock<Route> = LazyLock::new(|| {
    let mut route: Route = serde_json::from_str(LONG_MARCH_JSON).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the Long March route file cannot be read");
        Route { title: String::new(), method: String::new(), milestones: Vec::new() }
    });
    route.milestones.sort_by_key(|m| (m.km, m.seq));
    route
});

#[cfg(test)]
mod tests {
    use super::*;

    fn route() -> &'static Route {
        Route::named(LONG_MARCH).unwrap()
    }

    #[test]
    fn the_long_march_has_its_33_milestones_and_finishes_at_wuqi() {
        let r = route();
        assert_eq!(r.milestones.len(), 33);
        assert_eq!(r.milestones[0].name, "瑞金");
        assert_eq!(r.finish_m(), 12_500_000);
        assert_eq!(r.end_m(), 13_530_000);
        assert_eq!(r.milestones.iter().filter(|m| m.core).count(), 24, "24 core, 会宁 among them");
        let huining = r.milestones.last().unwrap();
        assert!(huining.optional && huining.name.starts_with("会宁"));
        assert!(r.milestones.windows(2).all(|w| w[0].km < w[1].km), "distances rise");
    }

    #[test]
    fn a_position_names_the_last_milestone_passed_and_the_next() {
        let r = route();
        let start = r.position(0).unwrap();
        assert_eq!((start.passed.name.as_str(), start.next.unwrap().name.as_str()), ("瑞金", "于都"));
        assert_eq!(start.to_next_m, 210_000);
        let at = r.position(3_400_000).unwrap();
        assert_eq!(at.passed.name, "遵义", "reaching a milestone passes it");
        let between = r.position(3_500_000).unwrap();
        assert_eq!(between.passed.name, "遵义");
        assert_eq!(between.to_next_m, 260_000);
        assert!((between.fraction - 0.28).abs() < 1e-9);
    }

    #[test]
    fn past_the_finish_the_bonus_leg_leads_to_huining_and_stops_there() {
        let r = route();
        let wuqi = r.position(12_600_000).unwrap();
        assert_eq!(wuqi.passed.name, "吴起镇");
        assert!(wuqi.next.unwrap().optional);
        assert!((wuqi.fraction - 1.0).abs() < f64::EPSILON);
        let beyond = r.position(99_000_000).unwrap();
        assert_eq!((beyond.route_m, beyond.next.is_none(), beyond.to_next_m), (13_530_000, true, 0));
        assert_eq!(r.position(-5).unwrap().route_m, 0);
    }

    #[test]
    fn only_the_long_march_is_a_route() {
        assert!(Route::named("silk_road").is_none());
    }
}

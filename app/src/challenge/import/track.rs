//! What a GPX track comes to: its distance, moving time, day, whether its points jump, and a
//! hash that knows it again — pure, no I/O. The points themselves are read here and dropped
//! here: a track shows where a person lives, so only these figures leave this module.
//!
//! - **Distance**: the sum of the geodesic lengths (WGS 84, Karney's method, as `geo`'s
//!   `Geodesic` measures) of consecutive points within each segment, over every segment of
//!   every track. A gap between two segments (the recorder paused, or lost the sky) is not
//!   walked, so it is not counted.
//! - **Moving time**: the sum of the steps between consecutive timed points that are neither a
//!   pause (10 minutes or more between them) nor standing still (0.5 km/h or slower). Minutes
//!   are rounded, at least one when anything moved; a track without times has none, and its
//!   distance still counts (the speed check then has nothing to check).
//! - **Day**: the first timed point's day in the district; none for a track without times.
//! - **Jumps**: a step of 100 m or more that is faster than twice the kind's limit (walking:
//!   16 km/h), or takes no time, or goes back in time; between untimed points, a step of 1 km
//!   or more. Twice the limit, and 100 m, so that a receiver's jitter between two fixes a second
//!   apart (a few metres, briefly "fast") is no jump, and a jump is a place the track could not
//!   have gone to on foot (or bike): the point teleported, or the track was pieced together.
//! - **Hash**: sha256 (hex) of every point's latitude and longitude rounded to 5 decimals
//!   (about a metre) and its time in whole seconds, in order; so the same walk exported twice,
//!   or by two apps printing more or fewer decimals, hashes the same.

use chrono::NaiveDate;
use geographiclib_rs::{Geodesic, InverseGeodesic};
use sha2::{Digest, Sha256};

use crate::challenge::model::Kind;
use crate::clock::local_day;

/// One point of a track: degrees, and when (Unix seconds) if the track says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// When, if recorded.
    pub at: Option<i64>,
}

/// A track as read: its segments' points, in order.
pub type Segments = Vec<Vec<Point>>;

/// Why a file is no track to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Not a GPX document.
    NotGpx,
    /// A GPX document without a track of two points or more.
    TooFewPoints,
    /// Points that do not move (all in one place).
    NoDistance,
}

impl Unusable {
    /// Translation key of what the person reads.
    pub fn key(self) -> &'static str {
        match self {
            Unusable::NotGpx => "challenge.import.not_gpx",
            Unusable::TooFewPoints => "challenge.import.too_few_points",
            Unusable::NoDistance => "challenge.import.no_distance",
        }
    }
}

/// What a track comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// Distance, whole metres.
    pub metres: i64,
    /// Moving time, minutes (none when the points have no times).
    pub minutes: Option<i64>,
    /// The day of its first timed point, in the district.
    pub day: Option<NaiveDate>,
    /// Whether its points jump (see the module's rule).
    pub jumps: bool,
    /// sha256 hex of its rounded points.
    pub hash: String,
}

/// A step slower than this is standing still, m/s (0.5 km/h).
const STILL_M_PER_S: f64 = 0.5 / 3.6;
/// A gap this long or longer between two points is a pause, seconds.
const PAUSE_S: i64 = 10 * 60;
/// The shortest step that may be a jump, metres.
const JUMP_MIN_M: f64 = 100.0;
/// Between untimed points, a step this long is a jump, metres.
const UNTIMED_JUMP_M: f64 = 1_000.0;

/// Reads a GPX document's track points (every track, every segment; waypoints and routes are
/// not a walk and are left out). Times are read to the second.
pub fn read(document: &[u8]) -> Result<Segments, Unusable> {
    let gpx = gpx::read(document).map_err(|_| Unusable::NotGpx)?;
    let segments: Segments = gpx
        .tracks
        .iter()
        .flat_map(|t| &t.segments)
        .map(|s| {
            s.points
                .iter()
                .map(|w| {
                    let p = w.point();
                    let at = w.time.map(|t| time::OffsetDateTime::from(t).unix_timestamp());
                    Point { lat: p.y(), lon: p.x(), at }
                })
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    if segments.iter().map(Vec::len).sum::<usize>() < 2 {
        return Err(Unusable::TooFewPoints);
    }
    Ok(segments)
}

/// The figures of a track counted as `kind`.
pub fn figures(segments: &Segments, kind: Kind) -> Result<Figures, Unusable> {
    let geodesic = Geodesic::wgs84();
    let jump_m_per_s = 2.0 * kind.max_speed_m_per_h() as f64 / 3_600.0;
    let (mut metres, mut moving_s, mut timed, mut jumps) = (0.0_f64, 0_i64, false, false);
    for segment in segments {
        for pair in segment.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let d: f64 = geodesic.inverse(a.lat, a.lon, b.lat, b.lon);
            metres += d;
            match (a.at, b.at) {
                (Some(t0), Some(t1)) => {
                    timed = true;
                    let dt = t1 - t0;
                    if d >= JUMP_MIN_M && (dt <= 0 || d / dt as f64 > jump_m_per_s) {
                        jumps = true;
                    }
                    if dt > 0 && dt < PAUSE_S && d / dt as f64 > STILL_M_PER_S {
                        moving_s += dt;
                    }
                }
                _ => jumps |= d >= UNTIMED_JUMP_M,
            }
        }
    }
    let metres = metres.round() as i64;
    if metres <= 0 {
        return Err(Unusable::NoDistance);
    }
    let minutes = timed.then(|| if moving_s > 0 { ((moving_s + 30) / 60).max(1) } else { 0 }).filter(|m| *m > 0);
    let day = segments.iter().flatten().find_map(|p| p.at).map(local_day);
    Ok(Figures { metres, minutes, day, jumps, hash: hash(segments) })
}

/// sha256 hex of the points rounded as the module says.
pub fn hash(segments: &Segments) -> String {
    let mut h = Sha256::new();
    for p in segments.iter().flatten() {
        let at = p.at.map_or_else(|| "-".to_owned(), |t| t.to_string());
        // `+ 0.0` turns a rounded -0.0 into 0.0, so both print alike.
        let round = |x: f64| (x * 1e5).round() / 1e5 + 0.0;
        h.update(format!("{:.5},{:.5},{at};", round(p.lat), round(p.lon)).as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres per degree of latitude near 36° N (Qingdao), close enough to lay out test tracks.
    const M_PER_DEG_LAT: f64 = 110_950.0;

    /// `n` points northwards from 36° N, `step_m` apart and `step_s` seconds apart from `start`.
    fn line(n: usize, step_m: f64, step_s: i64, start: i64) -> Vec<Point> {
        (0..n)
            .map(|i| Point {
                lat: 36.0 + i as f64 * step_m / M_PER_DEG_LAT,
                lon: 120.38,
                at: Some(start + i as i64 * step_s),
            })
            .collect()
    }

    /// 2026-11-30 08:00 in the district.
    const MORNING: i64 = 1_795_996_800;

    #[test]
    fn a_walk_gives_its_distance_moving_time_and_day() {
        // 301 points 10 m and 7 s apart: 3 km in 35 minutes (5.1 km/h).
        let f = figures(&vec![line(301, 10.0, 7, MORNING)], Kind::Walk).unwrap();
        assert!((f.metres - 3_000).abs() <= 5, "{}", f.metres);
        assert_eq!(f.minutes, Some(35), "300 steps of 7 s");
        assert_eq!(f.day, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert!(!f.jumps);
        assert_eq!(f.hash.len(), 64);
    }

    #[test]
    fn pauses_and_standing_still_are_not_moving_time_but_segments_gaps_are_not_distance() {
        let mut walk = line(61, 10.0, 10, MORNING);
        // Standing at the last point for 5 minutes, one point a minute.
        let last = *walk.last().unwrap();
        walk.extend((1..=5).map(|i| Point { at: Some(last.at.unwrap() + 60 * i), ..last }));
        // A 30-minute gap, then 10 more metres.
        let end = *walk.last().unwrap();
        walk.push(Point { lat: end.lat + 10.0 / M_PER_DEG_LAT, at: Some(end.at.unwrap() + 1_800), ..end });
        let f = figures(&vec![walk.clone()], Kind::Walk).unwrap();
        assert!((f.metres - 610).abs() <= 2, "{}", f.metres);
        assert_eq!(f.minutes, Some(10), "only the 600 s walking");
        // A second segment far away: its distance counts, the way there does not.
        let far = line(11, 10.0, 10, MORNING + 7_200).into_iter().map(|p| Point { lon: 120.5, ..p }).collect();
        let f = figures(&vec![walk, far], Kind::Walk).unwrap();
        assert!((f.metres - 710).abs() <= 2, "{}", f.metres);
    }

    #[test]
    fn a_track_without_times_counts_its_distance_without_minutes_or_day() {
        let untimed: Vec<Point> = line(101, 10.0, 0, 0).into_iter().map(|p| Point { at: None, ..p }).collect();
        let f = figures(&vec![untimed.clone()], Kind::Walk).unwrap();
        assert!((f.metres - 1_000).abs() <= 2);
        assert_eq!((f.minutes, f.day, f.jumps), (None, None, false));
        let mut far = untimed;
        far.push(Point { lat: 36.1, ..far[100] });
        assert!(figures(&vec![far], Kind::Walk).unwrap().jumps, "a kilometre between untimed points");
    }

    #[test]
    fn jumps_are_steps_a_body_could_not_make() {
        // (step metres, step seconds, kind, jumps?)
        let table = [
            (5.0, 1, Kind::Walk, false),    // jitter: 18 km/h, but 5 m
            (99.0, 5, Kind::Walk, false),   // under 100 m
            (100.0, 30, Kind::Walk, false), // 12 km/h: a jog in a walk, not a jump
            (100.0, 20, Kind::Walk, true),  // 18 km/h: over twice walking's 8
            (500.0, 60, Kind::Walk, true),  // 30 km/h on foot
            (500.0, 60, Kind::Cycle, false),
            (2_000.0, 60, Kind::Cycle, true), // 120 km/h
            (150.0, 0, Kind::Run, true),      // no time at all
        ];
        for (m, s, kind, jumps) in table {
            let mut track = line(20, 5.0, 5, MORNING);
            let last = *track.last().unwrap();
            track.push(Point { lat: last.lat + m / M_PER_DEG_LAT, at: Some(last.at.unwrap() + s), ..last });
            let f = figures(&vec![track], kind).unwrap();
            assert_eq!(f.jumps, jumps, "{m} m in {s} s as {kind:?}");
        }
        // Back in time.
        let mut track = line(20, 150.0, 60, MORNING);
        track.swap(10, 11);
        assert!(figures(&vec![track], Kind::Walk).unwrap().jumps);
    }

    #[test]
    fn the_same_track_hashes_the_same_however_it_was_printed() {
        let a = vec![line(50, 10.0, 5, MORNING)];
        let b: Segments = vec![a[0].iter().map(|p| Point { lat: p.lat + 1e-8, lon: p.lon - 1e-8, ..*p }).collect()];
        assert_eq!(hash(&a), hash(&b));
        let later = vec![line(50, 10.0, 5, MORNING + 1)];
        assert_ne!(hash(&a), hash(&later));
    }

    #[test]
    fn documents_that_are_no_track_are_refused() {
        assert_eq!(read(b"date,steps\n2026-11-30,1000\n"), Err(Unusable::NotGpx));
        assert_eq!(read(b""), Err(Unusable::NotGpx));
        let gpx = |points: &str| {
            format!(
                r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>"#
            )
        };
        assert_eq!(read(gpx("").as_bytes()), Err(Unusable::TooFewPoints));
        let one = r#"<trkpt lat="36.0" lon="120.38"><time>2026-11-30T00:00:00Z</time></trkpt>"#;
        assert_eq!(read(gpx(one).as_bytes()), Err(Unusable::TooFewPoints));
        let two = format!("{one}{}", r#"<trkpt lat="36.001" lon="120.38"><time>2026-11-30T00:01:00Z</time></trkpt>"#);
        let segments = read(gpx(&two).as_bytes()).unwrap();
        assert_eq!(segments[0][1].at, Some(1_795_996_860));
        let f = figures(&segments, Kind::Walk).unwrap();
        assert!((f.metres - 111).abs() <= 1 && f.minutes == Some(1), "{f:?}");
        let still = format!("{one}{one}");
        assert_eq!(figures(&read(gpx(&still).as_bytes()).unwrap(), Kind::Walk), Err(Unusable::NoDistance));
    }
}

//! The challenge's rules, pure: kinds of exercise, a challenge's rules (scale, caps, steps per
//! kilometre, how far back a check-in may be made), the plausibility verdict of a check-in, and
//! where a person or a team stands. No SQL, no HTTP.
//!
//! Distances are whole metres (`i64`) everywhere they are stored or summed, so a team's total is
//! exactly the sum of its members' and the benchmark can check it; kilometres are only for
//! people (the API's `km`, the pages). The scale is kept in thousandths (`scale_milli`), also an
//! integer, for the same reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A kind of exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ExerciseKind)]
pub enum Kind {
    /// 步行
    Walk,
    /// 跑步
    Run,
    /// 骑行
    Cycle,
    /// 游泳
    Swim,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 4] = [Kind::Walk, Kind::Run, Kind::Cycle, Kind::Swim];

    /// Name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Walk => "walk",
            Kind::Run => "run",
            Kind::Cycle => "cycle",
            Kind::Swim => "swim",
        }
    }

    /// Parses [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Kind::Walk => "challenge.kind.walk",
            Kind::Run => "challenge.kind.run",
            Kind::Cycle => "challenge.kind.cycle",
            Kind::Swim => "challenge.kind.swim",
        }
    }

    /// The speed above which a check-in of this kind is held for review, in metres per hour.
    /// Walking above 8 km/h is a run; running above 25 km/h is faster than any marathon (the
    /// world record is about 21 km/h); cycling above 45 km/h is a motor. Swimming: 6 km/h, just
    /// under the pace of the 1500 m freestyle world record (about 6.2 km/h) — a resident's hand
    /// entry faster than that is a typo (metres for kilometres, or minutes for hours).
    pub fn max_speed_m_per_h(self) -> i64 {
        match self {
            Kind::Walk => 8_000,
            Kind::Run => 25_000,
            Kind::Cycle => 45_000,
            Kind::Swim => 6_000,
        }
    }
}

/// Where a check-in's figures came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CheckinSource)]
pub enum Source {
    /// Entered by hand.
    Manual,
    /// Derived from a GPX track (only the figures are kept, never the points).
    Gpx,
    /// A phone health app's CSV export.
    Csv,
}

impl Source {
    /// Name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Gpx => "gpx",
            Source::Csv => "csv",
        }
    }
}

/// A check-in's state. Only `accepted` and `reduced` count, with their `counted_m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CheckinStatus)]
pub enum Status {
    /// Counted in full.
    Accepted,
    /// Waiting for an organiser: counts nothing yet.
    Held,
    /// An organiser counted less than was claimed.
    Reduced,
    /// An organiser counted nothing.
    Refused,
}

impl Status {
    /// Name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Held => "held",
            Status::Reduced => "reduced",
            Status::Refused => "refused",
        }
    }

    /// Parses [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Accepted, Status::Held, Status::Reduced, Status::Refused].into_iter().find(|x| x.as_str() == s)
    }
}

/// Why a check-in is held (or was reduced or refused by the rules' own check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Faster than the kind's limit.
    Speed,
    /// More than the person's daily cap, all kinds together.
    DailyCap,
    /// More than the cap of this kind.
    KindCap,
    /// The track's points jump (set by the track importer).
    TrackJumps,
}

impl Reason {
    /// Stable code, stored in the check-in's `reason` and given by the API as `reason_code`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Speed => "speed",
            Reason::DailyCap => "daily_cap",
            Reason::KindCap => "kind_cap",
            Reason::TrackJumps => "track_jumps",
        }
    }

    /// Parses [`Reason::code`].
    pub fn parse(code: &str) -> Option<Reason> {
        [Reason::Speed, Reason::DailyCap, Reason::KindCap, Reason::TrackJumps].into_iter().find(|r| r.code() == code)
    }

    /// Translation key of the sentence the person reads.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Speed => "challenge.reason.speed",
            Reason::DailyCap => "challenge.reason.daily_cap",
            Reason::KindCap => "challenge.reason.kind_cap",
            Reason::TrackJumps => "challenge.reason.track_jumps",
        }
    }
}

/// The plausibility verdict of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Counted in full.
    Accepted,
    /// Held for an organiser, for this reason; counts nothing until reviewed.
    Held(Reason),
}

/// The rules a challenge sets for its check-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rules {
    /// Route metres per real metre, in thousandths (1 km walked = `scale_milli / 1000` km of route).
    pub scale_milli: i64,
    /// Most metres a person may count in a day, all kinds together.
    pub daily_cap_m: i64,
    /// Tighter caps for some kinds, in metres a day.
    pub kind_caps_m: Vec<(Kind, i64)>,
    /// Steps that make a kilometre.
    pub steps_per_km: i64,
    /// How many days before today a check-in may be for (1: today and yesterday).
    pub days_back: i64,
}

/// The default steps per kilometre: a walking step is about 0.7 m long (1,430 steps a km); we
/// round down to 1,400 so a resident's steps are not undercounted.
pub const DEFAULT_STEPS_PER_KM: i64 = 1_400;
/// The default window: today and yesterday.
pub const DEFAULT_DAYS_BACK: i64 = 1;
/// The longest window organisers may allow.
pub const MAX_DAYS_BACK: i64 = 31;
/// The longest distance one check-in may claim: 1,000 km (anything more is a typo, refused).
pub const MAX_CLAIM_M: i64 = 1_000_000;

impl Rules {
    /// The cap of `kind` in metres a day, if tighter caps name it.
    pub fn kind_cap_m(&self, kind: Kind) -> Option<i64> {
        self.kind_caps_m.iter().find(|(k, _)| *k == kind).map(|(_, m)| *m)
    }

    /// Metres walked for `steps` steps (rounded down).
    pub fn metres_of_steps(&self, steps: i64) -> i64 {
        if self.steps_per_km <= 0 { 0 } else { steps.saturating_mul(1000) / self.steps_per_km }
    }

    /// Route metres for `real_m` real metres.
    pub fn route_m(&self, real_m: i64) -> i64 {
        (i128::from(real_m) * i128::from(self.scale_milli) / 1000) as i64
    }

    /// Whether a check-in may be made for `day` on `today`: no later than today, no earlier
    /// than the window allows, and within the challenge's dates.
    pub fn day_allowed(&self, day: NaiveDate, today: NaiveDate, starts_on: NaiveDate, ends_on: NaiveDate) -> bool {
        day <= today && (today - day).num_days() <= self.days_back && day >= starts_on && day <= ends_on
    }

    /// The verdict on a check-in of `kind` claiming `metres` in `minutes` (if given), when the
    /// person's other kinds that day already count `others_today_m`, and the importer says
    /// whether the track jumps. The first reason found is given: the speed, then the caps, then
    /// the track, so the person hears the likeliest mistake first.
    pub fn verdict(&self, kind: Kind, metres: i64, minutes: Option<i64>, others_today_m: i64, jumps: bool) -> Verdict {
        if let Some(minutes) = minutes.filter(|m| *m > 0)
            && metres.saturating_mul(60) > kind.max_speed_m_per_h().saturating_mul(minutes)
        {
            return Verdict::Held(Reason::Speed);
        }
        if self.kind_cap_m(kind).is_some_and(|cap| metres > cap) {
            return Verdict::Held(Reason::KindCap);
        }
        if metres.saturating_add(others_today_m) > self.daily_cap_m {
            return Verdict::Held(Reason::DailyCap);
        }
        if jumps {
            return Verdict::Held(Reason::TrackJumps);
        }
        Verdict::Accepted
    }
}

/// Who may join a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[schema(as = ChallengeAudience)]
pub enum Audience {
    /// Anyone signed in.
    Everyone,
    /// Residents of one street (by their home community's street).
    Street(i64),
    /// Residents of one community.
    Community(i64),
    /// Staff of one department (those holding a role there).
    Department(i64),
}

impl Audience {
    /// (kind, id) as stored.
    pub fn to_parts(self) -> (&'static str, Option<i64>) {
        match self {
            Audience::Everyone => ("everyone", None),
            Audience::Street(id) => ("street", Some(id)),
            Audience::Community(id) => ("community", Some(id)),
            Audience::Department(id) => ("department", Some(id)),
        }
    }

    /// The inverse of [`Audience::to_parts`].
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Audience> {
        match (kind, id) {
            ("everyone", _) => Some(Audience::Everyone),
            ("street", Some(id)) => Some(Audience::Street(id)),
            ("community", Some(id)) => Some(Audience::Community(id)),
            ("department", Some(id)) => Some(Audience::Department(id)),
            _ => None,
        }
    }
}

/// A kind of team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// A street's residents (organisers make it; only its residents join).
    Street,
    /// A community's residents (organisers make it; only its residents join).
    Community,
    /// A Party branch (organisers make it; joined with its code).
    Branch,
    /// Made by a resident; joined with its code.
    Custom,
}

impl TeamKind {
    /// Name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamKind::Street => "street",
            TeamKind::Community => "community",
            TeamKind::Branch => "branch",
            TeamKind::Custom => "custom",
        }
    }

    /// Parses [`TeamKind::as_str`].
    pub fn parse(s: &str) -> Option<TeamKind> {
        [TeamKind::Street, TeamKind::Community, TeamKind::Branch, TeamKind::Custom]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Whether joining takes the team's code (otherwise: living in its place).
    pub fn needs_code(self) -> bool {
        matches!(self, TeamKind::Branch | TeamKind::Custom)
    }
}

/// A team's real metres per member: the mean of its members' counted metres, rounded down.
///
/// "Members" are the team's **joined participants** — every person with a participant row in
/// this challenge whose `team_id` is this team, whether or not they have checked in yet. A
/// member who never checks in pulls the mean down, as they would hold back a marching column;
/// counting only those who checked in would let a team drop its quiet members to move faster.
/// So a team of ten and a team of one with the same mean stand at the same place, and a large
/// team is not faster than a small one. A team with no members stands at the start.
pub fn team_mean_m(counted_m: i64, members: i64) -> i64 {
    if members <= 0 { 0 } else { counted_m / members }
}

/// Parses a distance in kilometres from the API (e.g. `5.2`) into whole metres: positive and at
/// most [`MAX_CLAIM_M`].
pub fn metres_of_km(km: f64) -> Option<i64> {
    let m = (km * 1000.0).round();
    (km.is_finite() && m >= 1.0 && m <= MAX_CLAIM_M as f64).then_some(m as i64)
}

/// Metres as kilometres for people and the API (3 decimals, exact for whole metres).
pub fn km_of(metres: i64) -> f64 {
    metres as f64 / 1000.0
}

/// A join code for a team: 6 characters without the ones people misread (0/O, 1/I/L), from
/// `random` (a parameter, so tests and demo data can fix it).
pub fn join_code(mut random: impl FnMut(usize) -> usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    (0..6).map(|_| ALPHABET[random(ALPHABET.len()) % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            scale_milli: 10_000,
            daily_cap_m: 30_000,
            kind_caps_m: vec![(Kind::Swim, 5_000)],
            steps_per_km: 1_400,
            days_back: 1,
        }
    }

    #[test]
    fn speeds_over_each_kinds_limit_are_held() {
        let r = rules();
        // (kind, metres, minutes, held?)
        let table = [
            (Kind::Walk, 8_000, 60, false),
            (Kind::Walk, 8_001, 60, true),
            (Kind::Run, 25_000, 60, false),
            (Kind::Run, 10_000, 20, true),
            (Kind::Cycle, 29_000, 38, true),
            (Kind::Cycle, 29_000, 60, false),
            (Kind::Swim, 1_000, 9, true),
            (Kind::Swim, 1_000, 10_000, false),
        ];
        for (kind, m, minutes, held) in table {
            let v = r.verdict(kind, m, Some(minutes), 0, false);
            assert_eq!(v == Verdict::Held(Reason::Speed), held, "{kind:?} {m} m in {minutes} min");
        }
        assert_eq!(r.verdict(Kind::Walk, 20_000, None, 0, false), Verdict::Accepted, "no minutes: no speed");
    }

    #[test]
    fn caps_hold_the_day_total_and_the_kinds_own() {
        let r = rules();
        assert_eq!(r.verdict(Kind::Walk, 30_000, None, 0, false), Verdict::Accepted);
        assert_eq!(r.verdict(Kind::Walk, 30_001, None, 0, false), Verdict::Held(Reason::DailyCap));
        assert_eq!(r.verdict(Kind::Run, 10_000, None, 20_001, false), Verdict::Held(Reason::DailyCap));
        assert_eq!(r.verdict(Kind::Swim, 5_001, None, 0, false), Verdict::Held(Reason::KindCap));
        assert_eq!(r.verdict(Kind::Walk, 5_000, None, 0, true), Verdict::Held(Reason::TrackJumps));
    }

    #[test]
    fn steps_become_metres_at_the_rate() {
        let r = rules();
        assert_eq!(r.metres_of_steps(14_000), 10_000);
        assert_eq!(r.metres_of_steps(1), 0);
        assert_eq!(r.metres_of_steps(7_001), 5_000);
    }

    #[test]
    fn the_day_window_is_today_and_yesterday_within_the_dates() {
        let r = rules();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (start, end) = (d("2026-11-01"), d("2026-12-31"));
        let today = d("2026-12-01");
        assert!(r.day_allowed(today, today, start, end));
        assert!(r.day_allowed(d("2026-11-30"), today, start, end));
        assert!(!r.day_allowed(d("2026-11-29"), today, start, end));
        assert!(!r.day_allowed(d("2026-12-02"), today, start, end), "not tomorrow");
        assert!(!r.day_allowed(today, today, d("2026-12-02"), end), "not before the start");
    }

    #[test]
    fn a_team_moves_by_its_members_mean() {
        assert_eq!(team_mean_m(50_000, 10), team_mean_m(5_000, 1));
        assert_eq!(team_mean_m(7, 2), 3);
        assert_eq!(team_mean_m(100, 0), 0);
        assert_eq!(rules().route_m(team_mean_m(50_000, 10)), 50_000);
    }

    #[test]
    fn kilometres_parse_into_bounded_metres() {
        assert_eq!(metres_of_km(5.2), Some(5_200));
        assert_eq!(metres_of_km(0.0), None);
        assert_eq!(metres_of_km(-1.0), None);
        assert_eq!(metres_of_km(f64::NAN), None);
        assert_eq!(metres_of_km(1_000.5), None);
    }

    #[test]
    fn join_codes_avoid_misread_characters() {
        let mut n = 0;
        let code = join_code(|len| {
            n += 7;
            n % len
        });
        assert_eq!(code.len(), 6);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
    }
}

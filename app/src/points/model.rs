//! The points ledger's types and rules, pure: the sources, a rule, what an award gave, and how
//! much of a rule's points the daily cap leaves.

use serde::{Deserialize, Serialize};

/// What earns points. Reading is not one: reading is not tracked per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An accepted exercise check-in of a challenge (`checkin:{id}`).
    Checkin,
    /// A correct quiz answer, scored once (`quiz:{challenge}:{question}`).
    Quiz,
    /// Attending a lecture or screening: the booking engine's attendance (`attendance:{reservation}`).
    Attendance,
    /// A contest vote (`vote:{id}`).
    Vote,
}

impl Source {
    /// Every source, in the order pages list them.
    pub const ALL: [Source; 4] = [Source::Checkin, Source::Quiz, Source::Attendance, Source::Vote];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Checkin => "checkin",
            Source::Quiz => "quiz",
            Source::Attendance => "attendance",
            Source::Vote => "vote",
        }
    }

    /// Parses [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Catalog key of its name ("运动打卡").
    pub fn label_key(self) -> &'static str {
        match self {
            Source::Checkin => "points.source.checkin",
            Source::Quiz => "points.source.quiz",
            Source::Attendance => "points.source.attendance",
            Source::Vote => "points.source.vote",
        }
    }

    /// Catalog key of what earns it, for the page that says how to earn points.
    pub fn how_key(self) -> &'static str {
        match self {
            Source::Checkin => "points.how.checkin",
            Source::Quiz => "points.how.quiz",
            Source::Attendance => "points.how.attendance",
            Source::Vote => "points.how.vote",
        }
    }
}

/// A source's rule, one version of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Id (what entries name).
    pub id: i64,
    /// The source.
    pub source: Source,
    /// 1, 2, …: a change adds a version.
    pub version: i64,
    /// Points per action.
    pub points: i64,
    /// At most this many points a person earns from the source on one day.
    pub daily_cap: i64,
    /// When this version was made (0: the seeded defaults).
    pub created_at: i64,
}

/// The largest points or cap a rule may name: far above any sensible rule, far below overflow.
pub const MAX_POINTS: i64 = 10_000;

/// What the rule gives an action when the person already has `earned_today` points from the
/// source on that day: the rule's points, or what is left up to the cap (never negative).
///
/// The remainder rather than nothing: the cap is then exactly what a person can reach in a day
/// (a cap of 10 with 4 points an action gives 4, 4, 2), and a reversal that frees room is not
/// back-filled by earlier awards (the ledger never rewrites).
pub fn capped(points: i64, daily_cap: i64, earned_today: i64) -> i64 {
    points.min(daily_cap - earned_today).max(0)
}

/// What an award writes, decided from the reference's latest award (`(round, live)`), the
/// source's current rule and what the person has from the source that day already. One
/// decision for both ways an award runs (the pool's `service::award`, the writer thread's
/// `writer::award`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwardPlan {
    /// The reference's award stands: nothing to add.
    Repeat,
    /// The source has no rule: nothing to give.
    NoRule,
    /// Append an award of `points` (maybe 0, at the cap) in `round` under `rule_id`.
    Give {
        /// The reference's round (0 first; one more after each reversal).
        round: i64,
        /// Points, capped.
        points: i64,
        /// Whether the cap cut them.
        capped: bool,
        /// The rule version given under.
        rule_id: i64,
    },
}

/// Plans an award (see [`AwardPlan`]).
pub fn plan_award(latest: Option<(i64, bool)>, rule: Option<&Rule>, earned_today: i64) -> AwardPlan {
    if latest.is_some_and(|(_, live)| live) {
        return AwardPlan::Repeat;
    }
    let Some(rule) = rule else { return AwardPlan::NoRule };
    let points = capped(rule.points, rule.daily_cap, earned_today);
    AwardPlan::Give {
        round: latest.map_or(0, |(round, _)| round + 1),
        points,
        capped: points < rule.points,
        rule_id: rule.id,
    }
}

/// What one call of `points::award` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Awarded {
    /// Points given now (0 when the cap was reached, or for a repeat).
    pub points: i64,
    /// The reference had its award already (a retry): nothing was added.
    pub repeat: bool,
    /// The daily cap cut the award (to the remainder, or to 0).
    pub capped: bool,
    /// The person's total after it.
    pub total: i64,
}

/// Why an award was reversed (stored; the page says it in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// An organiser reduced the check-in.
    Reduced,
    /// An organiser refused it.
    Refused,
    /// Its owner replaced it (the new one is awarded again).
    Replaced,
    /// The vote was voided.
    Voided,
    /// Attendance was corrected to a no-show.
    NotAttended,
}

impl Why {
    /// Every reason.
    pub const ALL: [Why; 5] = [Why::Reduced, Why::Refused, Why::Replaced, Why::Voided, Why::NotAttended];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Reduced => "reduced",
            Why::Refused => "refused",
            Why::Replaced => "replaced",
            Why::Voided => "voided",
            Why::NotAttended => "not_attended",
        }
    }

    /// Parses [`Why::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Catalog key of the reason as the history shows it.
    pub fn label_key(self) -> &'static str {
        match self {
            Why::Reduced => "points.why.reduced",
            Why::Refused => "points.why.refused",
            Why::Replaced => "points.why.replaced",
            Why::Voided => "points.why.voided",
            Why::NotAttended => "points.why.not_attended",
        }
    }
}

/// A reservation's attendance reference.
pub fn attendance_reference(reservation: i64) -> String {
    format!("attendance:{reservation}")
}

/// The reference of an exercise check-in's award.
pub fn checkin_reference(checkin: i64) -> String {
    format!("checkin:{checkin}")
}

/// Where the object a reference names is shown to its person, when we know a page for it.
pub fn link_of(reference: &str) -> Option<&'static str> {
    // Attendance: the person's bookings, where the attended session is listed. The challenge's
    // pages (check-ins, quizzes) add theirs when they exist.
    reference.starts_with("attendance:").then_some("/me/bookings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_the_remainder_and_never_less_than_nothing() {
        let table = [
            (5, 10, 0, 5),
            (5, 10, 5, 5),
            (5, 10, 10, 0),
            (4, 10, 8, 2),
            (5, 10, 12, 0),
            (5, 0, 0, 0),
            (0, 10, 0, 0),
            // A reversal left the day below zero: still at most the rule's points.
            (5, 10, -5, 5),
        ];
        for (points, cap, earned, given) in table {
            assert_eq!(capped(points, cap, earned), given, "{points} {cap} {earned}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
        for w in Why::ALL {
            assert_eq!(Why::parse(w.as_str()), Some(w));
        }
        assert_eq!(Source::parse("reading"), None);
    }
}

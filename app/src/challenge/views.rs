//! The resident's challenge page as askama sees it: where they and their team stand, the
//! check-in form (with "same as yesterday" as one button), their check-ins and the teams' board.

use crate::challenge::model::{Kind, km_of};
use crate::challenge::service::Standing;
use crate::challenge::store::{Challenge, Checkin};
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

/// `/challenges/{id}`.
#[derive(askama::Template)]
#[template(path = "challenge/page.html")]
pub struct ChallengePage {
    pub ctx: Ctx,
    pub challenge: Challenge,
    /// Route length to the finish, km (text).
    pub route_km: String,
    /// Route km per real km (text).
    pub scale: String,
    /// Whether the visitor has joined.
    pub joined: bool,
    /// Their standing.
    pub mine: Place,
    /// Their team's, with its name.
    pub team: Option<(String, Place)>,
    /// Teams of their home they may join (id, name), when not joined.
    pub joinable: Vec<(i64, String)>,
    /// The check-in form's fields.
    pub fields: Vec<Field>,
    pub errors: Errors,
    /// "Same as yesterday": today's day, the kind and km of yesterday's check-in.
    pub again: Option<Again>,
    /// Their check-ins in this challenge.
    pub checkins: Vec<Row>,
    /// The teams' board, best first (name, place, points).
    pub board: Vec<(String, Place, i64)>,
    /// The board ranks today's kilometres (not the whole challenge's).
    pub board_today: bool,
    /// The route's milestones, linked to their pages.
    pub milestones: crate::challenge::milestone::views::MilestoneList,
}

/// A place on the route, as text.
pub struct Place {
    /// Real km.
    pub km: String,
    /// Route km.
    pub route_km: String,
    /// The last milestone passed.
    pub milestone: String,
    /// The next one, and the route km to it.
    pub next: Option<(String, String)>,
    /// Per cent of the route to its finish (0–100), for the bar.
    pub percent: i64,
}

impl Place {
    /// From a standing.
    pub fn of(s: &Standing) -> Self {
        Self {
            km: km_text(s.real_m),
            route_km: km_text(s.route_m),
            milestone: s.milestone.clone().unwrap_or_default(),
            next: s.next_milestone.clone().map(|n| (n, km_text(s.to_next_m))),
            percent: (s.fraction * 100.0).floor() as i64,
        }
    }
}

/// Yesterday's check-in to repeat today.
pub struct Again {
    pub day: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub km: String,
}

/// One of the visitor's check-ins.
pub struct Row {
    pub day: String,
    pub kind_label: &'static str,
    pub km: String,
    pub counted_km: String,
    pub status_key: &'static str,
    pub reason: Option<String>,
}

/// Kilometres for people: up to two decimals, no trailing zeros (5, 5.2, 12.35).
pub fn km_text(metres: i64) -> String {
    let s = format!("{:.2}", km_of(metres));
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The check-in form's fields, with what was typed.
pub fn fields(ctx: &Ctx, today: &str, yesterday: &str, values: &[&str; 5]) -> Vec<Field> {
    let days = vec![
        Opt { value: today.into(), label: format!("{} · {}", ctx.t("challenge.page.today"), ctx.day(today)) },
        Opt {
            value: yesterday.into(),
            label: format!("{} · {}", ctx.t("challenge.page.yesterday"), ctx.day(yesterday)),
        },
    ];
    let kinds =
        Kind::ALL.iter().map(|k| Opt { value: k.as_str().into(), label: ctx.t(k.label_key()).into() }).collect();
    let group = |options| vec![OptGroup { label: None, options }];
    vec![
        Field::select("day", "challenge.page.day", values[0], group(days)).required(),
        Field::select("kind", "challenge.page.kind", values[1], group(kinds)).required(),
        Field::text("km", "challenge.page.km", values[2]).inputmode("decimal").hint("challenge.page.km_hint"),
        Field::text("steps", "challenge.page.steps", values[3]).inputmode("numeric"),
        Field::text("minutes", "challenge.page.minutes", values[4])
            .inputmode("numeric")
            .hint("challenge.page.minutes_hint"),
    ]
}

/// The visitor's check-ins as rows.
pub fn rows(ctx: &Ctx, checkins: &[Checkin]) -> Vec<Row> {
    use crate::challenge::model::{Reason, Status};
    checkins
        .iter()
        .map(|c| Row {
            day: ctx.day(&c.day),
            kind_label: ctx.t(c.kind.label_key()),
            km: km_text(c.claimed_m),
            counted_km: km_text(c.counted_m),
            status_key: match c.status {
                Status::Accepted => "challenge.status.accepted",
                Status::Held => "challenge.status.held",
                Status::Reduced => "challenge.status.reduced",
                Status::Refused => "challenge.status.refused",
            },
            reason: c.reason.as_ref().map(|r| match (c.reviewed_by, Reason::parse(r)) {
                (None, Some(reason)) => ctx.t(reason.key()).to_owned(),
                _ => r.clone(),
            }),
        })
        .collect()
}

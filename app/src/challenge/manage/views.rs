//! The back office's pages as askama view structs: the list, the teams page and the review
//! queue. The challenge form is the generic `web::backoffice::FormPage`.

use crate::authz::start::Strip;
use crate::web::Ctx;
use crate::web::backoffice::Field;
use crate::web::forms::Errors;

/// A challenge in the list.
pub struct ListRow {
    /// Id.
    pub id: i64,
    /// Name (data).
    pub name: String,
    /// Who runs it: the district or a street (data).
    pub place: String,
    /// "2026-11-01 周日 – 2026-12-31 周四".
    pub dates: String,
    /// "12 人参加，3 条打卡待审核".
    pub counts: String,
    /// Check-ins waiting.
    pub held: i64,
}

/// `/manage/challenges`.
#[derive(askama::Template)]
#[template(path = "challenge/manage_list.html")]
pub struct ListPage {
    /// Page context.
    pub ctx: Ctx,
    /// The challenges the user runs.
    pub rows: Vec<ListRow>,
    /// Links to the user's other start pages.
    pub strip: Strip,
}

/// A team on the teams page.
pub struct TeamRow {
    /// Id.
    pub id: i64,
    /// Name (data).
    pub name: String,
    /// Its kind, in words.
    pub kind: String,
    /// Joined members.
    pub members: i64,
    /// Real km, all members together.
    pub total_km: String,
    /// Real km per member: where the team stands.
    pub mean_km: String,
    /// Route km of that mean.
    pub route_km: String,
    /// Its join code, for teams joined with one.
    pub code: Option<String>,
    /// The name typed into its rename form, when that form came back with an error.
    pub typed: Option<String>,
}

/// `/manage/challenges/{id}/teams`.
#[derive(askama::Template)]
#[template(path = "challenge/manage_teams.html")]
pub struct TeamsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Challenge id.
    pub id: i64,
    /// Its name (data).
    pub name: String,
    /// Its teams, in the order they were made.
    pub teams: Vec<TeamRow>,
    /// The add-team form's fields.
    pub fields: Vec<Field>,
    /// The add-team form's errors.
    pub errors: Errors,
    /// The team whose rename came back, with its errors.
    pub rename_errors: Option<(i64, Errors)>,
    /// "of 香港中路街道" or "of the district": whose communities the one-click button covers.
    pub communities_of: String,
}

impl TeamsPage {
    /// The rename errors of team `id`, if its form came back.
    pub fn rename_of(&self, id: &i64) -> Option<&Errors> {
        self.rename_errors.as_ref().filter(|(t, _)| t == id).map(|(_, e)| e)
    }
}

/// A held check-in in the review queue.
pub struct HeldRow {
    /// Check-in id.
    pub id: i64,
    /// The person: masked name (data).
    pub who: String,
    /// Their masked phone.
    pub phone: String,
    /// The day, with its weekday.
    pub day: String,
    /// The kind, in words.
    pub kind: String,
    /// Km claimed.
    pub km: String,
    /// Minutes, if given.
    pub minutes: Option<i64>,
    /// Steps, if given.
    pub steps: Option<i64>,
    /// Where the figures came from, in words.
    pub source: String,
    /// Why it is held, in words.
    pub why: String,
}

/// What a row's decision form came back with.
pub struct Typed {
    /// The check-in.
    pub id: i64,
    /// Km typed.
    pub km: String,
    /// Reason typed.
    pub reason: String,
    /// The errors.
    pub errors: Errors,
}

/// `/manage/challenges/{id}/review`.
#[derive(askama::Template)]
#[template(path = "challenge/manage_review.html")]
pub struct ReviewPage {
    /// Page context.
    pub ctx: Ctx,
    /// Challenge id.
    pub id: i64,
    /// Its name (data).
    pub name: String,
    /// The held check-ins, oldest first.
    pub rows: Vec<HeldRow>,
    /// The row whose decision came back with errors.
    pub typed: Option<Typed>,
}

impl ReviewPage {
    /// The typed values and errors of row `id`, if its form came back.
    pub fn typed_of(&self, id: &i64) -> Option<&Typed> {
        self.typed.as_ref().filter(|t| t.id == *id)
    }

    /// The error key of `field` in row `id`'s returned form.
    pub fn error_of(&self, id: &i64, field: &str) -> Option<&'static str> {
        self.typed_of(id).and_then(|t| t.errors.get(field))
    }

    /// Errors of the returned form (none when no row came back), for the summary at the top.
    pub fn errors(&self) -> Errors {
        self.typed.as_ref().map(|t| t.errors.clone()).unwrap_or_default()
    }
}

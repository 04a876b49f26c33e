//! View structs of the ledger's pages: the person's points and the rules' back office.

use crate::web::Ctx;
use crate::web::backoffice::Field;
use crate::web::forms::Errors;

/// One line of a person's history.
pub struct HistoryRow {
    /// The source's name (catalog key).
    pub source_key: &'static str,
    /// Points (negative: taken back).
    pub points: i64,
    /// "+5", "-5", "0".
    pub shown: String,
    /// When it was written, with the weekday.
    pub when: String,
    /// The page of what earned it, when there is one.
    pub link: Option<&'static str>,
    /// Why it was taken back (catalog key), for a reversal.
    pub why_key: Option<&'static str>,
    /// An award the daily cap left at nothing.
    pub capped: bool,
}

/// How one source earns points, for the page's explanation.
pub struct HowRow {
    /// The source's name (catalog key).
    pub source_key: &'static str,
    /// What earns it, and how many points: "check in … 5 points each, at most 10 a day."
    pub figures: String,
}

/// `/me/points`.
#[derive(askama::Template)]
#[template(path = "points/mine.html")]
pub struct MyPointsPage {
    /// Page context.
    pub ctx: Ctx,
    /// The person's total.
    pub total: i64,
    /// This page of the history, newest first.
    pub rows: Vec<HistoryRow>,
    /// `?before=` of the next (older) page, when there is one.
    pub older: Option<i64>,
    /// Whether this is a later page (a link back to the newest).
    pub later_page: bool,
    /// How each source earns points.
    pub how: Vec<HowRow>,
}

/// One source on the rules page.
pub struct RuleRow {
    /// Stored name (the edit page's path).
    pub source: &'static str,
    /// Name (catalog key).
    pub source_key: &'static str,
    /// Points per action.
    pub points: i64,
    /// Daily cap.
    pub daily_cap: i64,
    /// Version.
    pub version: i64,
    /// "since …" ("" for the seeded defaults).
    pub since: String,
}

/// `/manage/points`.
#[derive(askama::Template)]
#[template(path = "points/rules.html")]
pub struct RulesPage {
    /// Page context.
    pub ctx: Ctx,
    /// Every source's current rule.
    pub rows: Vec<RuleRow>,
    /// The viewer may change them (district admins; street admins read).
    pub editable: bool,
    /// "Saved: the rule for …", after a change.
    pub saved: Option<String>,
}

/// `/manage/points/{source}`.
#[derive(askama::Template)]
#[template(path = "points/rule.html")]
pub struct RulePage {
    /// Page context.
    pub ctx: Ctx,
    /// Stored name of the source (the form's path).
    pub source: &'static str,
    /// Its name (catalog key).
    pub source_key: &'static str,
    /// "Version 2 is in force".
    pub version: String,
    /// Points per action.
    pub points: Field,
    /// Daily cap.
    pub daily_cap: Field,
    /// Errors of the last attempt.
    pub errors: Errors,
}

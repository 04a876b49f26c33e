//! How well cases are handled, per street, department or category over a period of whole
//! days: cases filed, closed (结案率), closed on time (按期结案率: closed before the deadline),
//! reworked (返工率), average handling time (dispatch to closing), overdue now, and residents'
//! satisfaction. District-wide for district staff, one street for street staff.
//!
//! The figures come from running totals the database keeps per day and month
//! (`store`, migration 0013), so a year of a district's cases answers as fast as a day's.
//!
//! What it adds to the case core: a reading of the core's cases and nothing the core needs back —
//! its own totals table (kept by the database's triggers on `cases`), the back office's
//! statistics page with its CSV and XLSX exports, a tile on the back-office home and one API
//! operation. A folder of its own because it is a feature of its own with every layer: this
//! module holds the types, which street may be seen ([`street_within`]) and the API (`/case-stats`), as the
//! domain's public face; `store` the SQL, `pages` the page and the exports' handlers, `views` the
//! page's view and chart, `export` the CSV and XLSX files. Template: `cases/stats.html`.

pub mod export;
pub mod pages;
pub mod store;
pub mod views;

use axum::extract::State;
use chrono::{Datelike as _, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{AppState, Domain};
use crate::authz::gate::Overseer;
use crate::authz::{Area, Gate as _, Principal};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::web::extract::{Json, Query};
use crate::web::guard::ApiStaff;

pub use crate::cases::stats::store::figures;

/// The statistics as a domain: the page with its exports, the API operation and the tile.
pub const DOMAIN: Domain = Domain { name: "case stats", pages: pages::router, api: router, tiles, ..Domain::NONE };

/// The API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats))
}

/// Those with statistics to see: those who oversee a place.
fn tiles(principal: &Principal) -> Vec<crate::web::backoffice::Tile> {
    match Overseer::admits(principal) {
        true => vec![crate::web::backoffice::Tile::new("case_stats.title", "/manage/case-stats")],
        false => Vec::new(),
    }
}

/// What the figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// Street.
    Street,
    /// Department the cases went to.
    Department,
    /// Category.
    Category,
}

impl By {
    /// Every grouping, in the order the page offers them.
    pub const ALL: [By; 3] = [By::Street, By::Department, By::Category];

    /// Name in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Street => "street",
            By::Department => "department",
            By::Category => "category",
        }
    }

    /// From the name in a URL.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Translation key of the grouping's name.
    pub fn key(self) -> &'static str {
        match self {
            By::Street => "case_stats.by_street",
            By::Department => "case_stats.by_department",
            By::Category => "case_stats.by_category",
        }
    }
}

/// The figures of one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(as = CaseStatsRow)]
pub struct Row {
    /// The street, department or category id (None: cases without one, e.g. not dispatched).
    pub id: Option<i64>,
    /// Cases filed in the period.
    pub cases: i64,
    /// Closed.
    pub closed: i64,
    /// Closed no later than their deadline.
    pub closed_on_time: i64,
    /// Closed after at least one failed check.
    pub reworked: i64,
    /// Open past their deadline now.
    pub overdue: i64,
    /// Rated 满意 or 基本满意.
    pub satisfied: i64,
    /// Rated at all.
    pub rated: i64,
    /// Closed cases that had been dispatched (those with a handling time).
    #[serde(skip)]
    pub handled: i64,
    /// Their handling time, dispatch to closing, added up.
    #[serde(skip)]
    pub handling_seconds: i64,
}

impl Row {
    /// 结案率: closed of filed.
    pub fn closed_rate(&self) -> Option<f64> {
        ratio(self.closed, self.cases)
    }
    /// 按期结案率: closed on time of closed.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.closed_on_time, self.closed)
    }
    /// 返工率: reworked of closed.
    pub fn rework_rate(&self) -> Option<f64> {
        ratio(self.reworked, self.closed)
    }
    /// 满意率: 满意 and 基本满意 of rated.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        ratio(self.satisfied, self.rated)
    }
    /// Average hours from dispatch to closing.
    pub fn average_hours(&self) -> Option<f64> {
        ratio(self.handling_seconds, self.handled).map(|s| s / 3600.0)
    }

    /// Adds another group's figures to these (for a total).
    pub fn add(&mut self, o: &Row) {
        self.cases += o.cases;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.reworked += o.reworked;
        self.overdue += o.overdue;
        self.satisfied += o.satisfied;
        self.rated += o.rated;
        self.handled += o.handled;
        self.handling_seconds += o.handling_seconds;
    }
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// A period of whole days in the district's zone, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// Longest period asked for: five years.
    pub const MAX_DAYS: i64 = 5 * 366;

    /// The 30 days up to and including `today` (the default).
    pub fn last_30_days(today: NaiveDate) -> Self {
        Self { from: today - Days::new(29), to: today }
    }

    /// From the first of this month to today.
    pub fn this_month(today: NaiveDate) -> Self {
        Self { from: today.with_day(1).unwrap_or(today), to: today }
    }

    /// From the first of January to today.
    pub fn this_year(today: NaiveDate) -> Self {
        Self { from: today.with_ordinal(1).unwrap_or(today), to: today }
    }

    /// The period given as `YYYY-MM-DD` days, either missing or empty for the default: up to
    /// today, and 30 days.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let day = |s: Option<&str>, field: &'static str| match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| FieldError { field, key: "form.date_invalid" }),
        };
        let (from, to) = match (day(from, "from"), day(to, "to")) {
            (Ok(from), Ok(to)) => (from, to),
            (from, to) => return Err([from.err(), to.err()].into_iter().flatten().collect()),
        };
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(Self::last_30_days(to).from);
        let days = (to - from).num_days();
        if !(0..Self::MAX_DAYS).contains(&days) {
            return Err(vec![FieldError { field: "from", key: "case_stats.period_invalid" }]);
        }
        Ok(Self { from, to })
    }
}

/// The street whose figures to show when `wanted` is asked for, within `reach` (those who
/// oversee, see `authz::Reach::oversees`): the district's overseers any or none (the whole
/// district), a street's theirs (their first by default); another street is forbidden.
pub fn street_within(reach: &Area, wanted: Option<StreetId>) -> AppResult<Option<StreetId>> {
    reach.street_choice(wanted).ok_or(AppError::Forbidden)
}

/// The period and grouping.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// street, department or category.
    #[param(inline)]
    by: By,
    /// From this day (`YYYY-MM-DD`, district time); default 29 days before `to`.
    from: Option<String>,
    /// Up to this day, inclusive; default today.
    to: Option<String>,
    /// Only this street (district staff; street staff see their own street in any case).
    street: Option<i64>,
}

/// Figures with their rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowOut {
    #[serde(flatten)]
    row: Row,
    /// Average hours from dispatch to closing (closed cases).
    average_hours: Option<f64>,
    closed_rate: Option<f64>,
    on_time_rate: Option<f64>,
    rework_rate: Option<f64>,
    satisfaction_rate: Option<f64>,
}

impl From<Row> for RowOut {
    fn from(row: Row) -> Self {
        Self {
            average_hours: row.average_hours(),
            closed_rate: row.closed_rate(),
            on_time_rate: row.on_time_rate(),
            rework_rate: row.rework_rate(),
            satisfaction_rate: row.satisfaction_rate(),
            row,
        }
    }
}

/// Case statistics for district staff (all streets) and street staff (their street).
#[utoipa::path(get, path = "/case-stats", tag = "cases", params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, description = "Figures per group", body = Vec<RowOut>),
        (status = 403, description = "No statistics for you, or a street outside your reach", body = crate::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A day that is not `YYYY-MM-DD`, or a period backwards or longer than five years", body = crate::api::Problem, content_type = "application/problem+json")))]
async fn stats(
    ApiStaff { user, .. }: ApiStaff<Overseer>,
    State(state): State<AppState>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Json<Vec<RowOut>>> {
    let street = street_within(user.principal.reach().oversees(), q.street.map(StreetId))?;
    let now = state.clock.unix();
    let today = crate::clock::local_day(now);
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), today).map_err(AppError::Invalid)?;
    let rows = figures(&mut *state.db.conn().await?, q.by, street, period, now).await?;
    Ok(Json(rows.into_iter().map(RowOut::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn periods_default_to_the_last_30_days_and_refuse_backwards_or_endless_ones() {
        let today = date("2026-11-29");
        assert_eq!(Period::parse(None, None, today), Ok(Period { from: date("2026-10-31"), to: today }));
        assert_eq!(Period::parse(Some(""), Some("2026-01-31"), today).map(|p| p.from), Ok(date("2026-01-02")));
        assert_eq!(Period::this_month(today).from, date("2026-11-01"));
        assert_eq!(Period::this_year(today).from, date("2026-01-01"));
        let bad = Period::parse(Some("tomorrow"), Some("2026-13-01"), today).unwrap_err();
        assert_eq!(bad.iter().map(|e| e.field).collect::<Vec<_>>(), ["from", "to"]);
        assert!(Period::parse(Some("2026-11-30"), Some("2026-11-29"), today).is_err());
        assert!(Period::parse(Some("2016-11-30"), None, today).is_err());
        assert!(Period::parse(Some("2026-11-29"), None, today).is_ok(), "one day is a period");
    }
}

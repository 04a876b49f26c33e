//! How well cases are handled, per street, department or category over a period: cases
//! filed, closed, closed on time (closed before the deadline), reworked, average handling
//! time (dispatch to closing), overdue now, and residents' satisfaction. One grouped query;
//! district-wide for district staff, one street for street staff.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::CurrentUser;
use crate::api::ApiUser;
use crate::app::AppState;
use crate::authz::{Role, Scope};
use crate::cases::model::{LATE_STATES, sql_list};
use crate::db::Conn;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::web::extract::{Json, Query};

/// The API routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stats))
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
    fn column(self) -> &'static str {
        match self {
            By::Street => "street_id",
            By::Department => "department_id",
            By::Category => "category_id",
        }
    }
}

/// The figures of one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
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
    /// Average hours from dispatch to closing (closed cases).
    pub average_hours: Option<f64>,
    /// Rated 满意 or 基本满意.
    pub satisfied: i64,
    /// Rated at all.
    pub rated: i64,
}

impl Row {
    /// 结案率.
    pub fn closed_rate(&self) -> Option<f64> {
        ratio(self.closed, self.cases)
    }
    /// 按期结案率.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.closed_on_time, self.closed)
    }
    /// 返工率.
    pub fn rework_rate(&self) -> Option<f64> {
        ratio(self.reworked, self.closed)
    }
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The figures for cases filed in [from, to), grouped by `by`, within one street or all.
pub async fn figures(
    conn: &mut Conn,
    by: By,
    street: Option<StreetId>,
    from: i64,
    to: i64,
    now: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    let sql = format!(
        "select {col} as id, count(*) as cases, \
         sum(case when state = 'closed' then 1 else 0 end) as closed, \
         sum(case when state = 'closed' and closed_at <= deadline_at then 1 else 0 end) as on_time, \
         sum(case when state = 'closed' and rework_count > 0 then 1 else 0 end) as reworked, \
         sum(case when state in {late} and deadline_at < $4 then 1 else 0 end) as overdue, \
         cast(sum(case when state = 'closed' and dispatched_at is not null then closed_at - dispatched_at else 0 end) as bigint) as handling, \
         sum(case when state = 'closed' and dispatched_at is not null then 1 else 0 end) as handled, \
         sum(case when rating in ('satisfied', 'fairly_satisfied') then 1 else 0 end) as satisfied, \
         sum(case when rating is not null then 1 else 0 end) as rated \
         from cases where created_at >= $1 and created_at < $2 and ($3 = 0 or street_id = $3) and merged_into is null \
         group by {col} order by {col}",
        col = by.column(),
        late = sql_list(LATE_STATES),
    );
    let rows = sqlx::query(&sql).bind(from).bind(to).bind(street.map_or(0, |s| s.0)).bind(now).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let handled: i64 = r.try_get("handled")?;
            let handling: i64 = r.try_get("handling")?;
            Ok(Row {
                id: r.try_get("id")?,
                cases: r.try_get("cases")?,
                closed: r.try_get("closed")?,
                closed_on_time: r.try_get("on_time")?,
                reworked: r.try_get("reworked")?,
                overdue: r.try_get("overdue")?,
                average_hours: (handled > 0).then(|| handling as f64 / handled as f64 / 3600.0),
                satisfied: r.try_get("satisfied")?,
                rated: r.try_get("rated")?,
            })
        })
        .collect()
}

/// Which street's figures `user` may see: None for all (district staff), or their street.
fn reach(user: &CurrentUser) -> AppResult<Option<StreetId>> {
    let mut street = None;
    for g in &user.principal.grants {
        match (g.role, g.scope) {
            (Role::DistrictAdmin | Role::Dispatcher, Scope::District) => return Ok(None),
            (Role::StreetAdmin | Role::Dispatcher, Scope::Street(s)) => street = Some(s),
            _ => {}
        }
    }
    street.map(Some).ok_or(AppError::Forbidden)
}

/// The period and grouping.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// street, department or category.
    #[param(inline)]
    by: By,
    /// From this day (`YYYY-MM-DD`, district time), default 30 days ago.
    from: Option<String>,
    /// Up to this day, inclusive; default today.
    to: Option<String>,
}

/// Figures with their rates.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowOut {
    #[serde(flatten)]
    row: Row,
    closed_rate: Option<f64>,
    on_time_rate: Option<f64>,
    rework_rate: Option<f64>,
}

/// Case statistics for district staff (all streets) and street staff (their street).
#[utoipa::path(get, path = "/case-stats", tag = "cases", params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, description = "Figures per group", body = Vec<RowOut>)))]
async fn stats(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Query(q): Query<StatsQuery>,
) -> AppResult<Json<Vec<RowOut>>> {
    let street = reach(&user)?;
    let now = state.clock.unix();
    let day = |s: &Option<String>, field: &'static str| -> AppResult<Option<i64>> {
        s.as_deref()
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .and_then(|t| chrono::TimeZone::from_local_datetime(&crate::clock::DISTRICT_OFFSET, &t).single())
                    .map(|t| t.timestamp())
                    .ok_or(AppError::Invalid(vec![FieldError { field, key: "form.date_invalid" }]))
            })
            .transpose()
    };
    let to = day(&q.to, "to")?.map_or(now + 1, |t| t + 86_400);
    let from = day(&q.from, "from")?.unwrap_or(to - 30 * 86_400);
    let rows = figures(&mut *state.db.conn().await?, q.by, street, from, to, now).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| RowOut {
                closed_rate: row.closed_rate(),
                on_time_rate: row.on_time_rate(),
                rework_rate: row.rework_rate(),
                row,
            })
            .collect(),
    ))
}

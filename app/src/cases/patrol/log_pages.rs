//! The patrol log for those who run patrols (步巡台账): district admins and dispatchers see every
//! inspector's patrols, a street's admins and dispatchers those of the inspectors posted in their
//! street (or one of its communities). Filterable by period, open or ended, and inspector; sortable by start,
//! duration or findings.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use sqlx::Row as _;

use crate::app::AppState;
use crate::authz::gate::Overseer;
use crate::cases::patrol::service::within_sql;
use crate::error::AppResult;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::Query;
use crate::web::guard::Staff;
use crate::web::{Ctx, render};

/// Patrols listed at most.
const LIMIT: i64 = 200;

/// Routes of the log.
pub fn router() -> Router<AppState> {
    Router::new().route("/manage/patrols", get(log))
}

/// One patrol in the log.
pub struct Row {
    /// The inspector's name.
    pub inspector: String,
    /// Started, local time.
    pub started: String,
    /// Ended, local time (empty: still on patrol).
    pub ended: String,
    /// Minutes on patrol (so far).
    pub minutes: i64,
    /// Route points.
    pub points: i64,
    /// Cases filed on it.
    pub findings: i64,
    /// The first finding, to start reading from.
    pub first_case: Option<i64>,
}

/// The log page.
#[derive(askama::Template)]
#[template(path = "cases/patrol_log.html")]
pub struct LogPage {
    ctx: Ctx,
    fields: Vec<Field>,
    rows: Vec<Row>,
}

#[derive(Debug, Default, Deserialize)]
struct LogQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    inspector: String,
    #[serde(default)]
    sort: String,
}

/// A `YYYY-MM-DD` day's start in district time, or None for empty or unreadable text.
fn day(text: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    Some(crate::clock::day_start(d))
}

async fn log(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Overseer>,
    Query(q): Query<LogQuery>,
) -> AppResult<Response> {
    // The same reach as the API's (`patrol::service::get`).
    let reach = user.principal.reach().oversees();
    let now = state.clock.unix();
    let from = day(&q.from).unwrap_or(0);
    let to = day(&q.to).map_or(i64::MAX, |t| t + 86_400);
    // The sort is one of three fixed orders, never text from the request.
    let order = match q.sort.as_str() {
        "longest" => "coalesce(p.ended_at, $5) - p.started_at desc, p.patrol_id desc",
        "findings" => "findings desc, p.patrol_id desc",
        _ => "p.started_at desc, p.patrol_id desc",
    };
    let sql = format!(
        "select p.patrol_id, p.started_at, p.ended_at, u.display_name, \
         (select count(*) from cases c where c.patrol_id = p.patrol_id) as findings, \
         (select min(c.case_id) from cases c where c.patrol_id = p.patrol_id) as first_case, \
         (select count(*) from patrol_points pp where pp.patrol_id = p.patrol_id) as points \
         from patrols p join users u on u.user_id = p.inspector_user_id \
         where p.started_at >= $1 and p.started_at < $2{within} \
         and ($3 = '' or ($3 = 'open' and p.ended_at is null) or ($3 = 'ended' and p.ended_at is not null)) \
         and ($4 = '' or u.display_name like $4) and $5 >= 0 \
         order by {order} limit {LIMIT}",
        within = within_sql(reach, "p.inspector_user_id")
    );
    let status = if matches!(q.status.as_str(), "open" | "ended") { q.status.as_str() } else { "" };
    let name = q.inspector.trim();
    let pattern = if name.is_empty() { String::new() } else { format!("%{}%", name.replace(['%', '_'], "")) };
    let rows = sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .bind(status)
        .bind(&pattern)
        .bind(now)
        .fetch_all(&mut *state.db.conn().await?)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let started: i64 = r.try_get("started_at")?;
        let ended: Option<i64> = r.try_get("ended_at")?;
        out.push(Row {
            inspector: r.try_get("display_name")?,
            started: ctx.when(started),
            ended: ended.map(|t| ctx.when(t)).unwrap_or_default(),
            minutes: (ended.unwrap_or(now) - started).max(0) / 60,
            points: r.try_get("points")?,
            findings: r.try_get("findings")?,
            first_case: r.try_get("first_case")?,
        });
    }
    let choice = |value: &str, key: &'static str| Opt { value: value.into(), label: ctx.t(key).into() };
    let one = |options| vec![OptGroup { label: None, options }];
    let fields = vec![
        Field::text("from", "patrol_log.from", q.from.clone()).kind("date"),
        Field::text("to", "patrol_log.to", q.to.clone()).kind("date"),
        Field::select(
            "status",
            "patrol_log.status",
            status.to_owned(),
            one(vec![
                choice("", "patrol_log.any"),
                choice("open", "patrol_log.open"),
                choice("ended", "patrol_log.ended"),
            ]),
        ),
        Field::text("inspector", "patrol_log.inspector", q.inspector.clone()),
        Field::select(
            "sort",
            "patrol_log.sort",
            q.sort.clone(),
            one(vec![
                choice("", "patrol_log.by_start"),
                choice("longest", "patrol_log.by_duration"),
                choice("findings", "patrol_log.by_findings"),
            ]),
        ),
    ];
    render(&LogPage { ctx, fields, rows: out })
}

//! The ledger's pages: a person's points (`/me/points`) and the rules' back office
//! (`/manage/points`: district admins change a rule, street admins read them).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::points::model::{Rule, Source, link_of};
use crate::points::service::{self, RuleEdit};
use crate::points::store;
use crate::points::views::{HistoryRow, HowRow, MyPointsPage, RulePage, RuleRow, RulesPage};
use crate::web::backoffice::Field;
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Entries on one page of a person's history.
const PAGE: i64 = 50;

/// Routes of the ledger's pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/points", get(mine))
        .route("/manage/points", get(rules))
        .route("/manage/points/{source}", get(edit).post(save))
}

#[derive(Debug, Default, Deserialize)]
struct HistoryQuery {
    #[serde(default)]
    before: Option<i64>,
}

/// A person's total and history, newest first, with how each source earns points.
async fn mine(State(state): State<AppState>, ctx: Ctx, Query(q): Query<HistoryQuery>) -> AppResult<Response> {
    let user = ctx.user()?.id;
    let before = q.before.unwrap_or(0);
    let mut conn = state.db.conn().await?;
    let total = store::total(&mut conn, user).await?;
    let entries = store::history(&mut conn, user, before, PAGE).await?;
    let rules = store::current_rules(&mut conn).await?;
    drop(conn);
    let older = (entries.len() as i64 == PAGE).then(|| entries.last().map(|e| e.id)).flatten();
    let rows = entries
        .iter()
        .map(|e| HistoryRow {
            source_key: e.source.map_or("points.source.other", Source::label_key),
            points: e.points,
            shown: if e.points > 0 { format!("+{}", e.points) } else { e.points.to_string() },
            when: ctx.when(e.at),
            link: link_of(&e.reference),
            why_key: e.why.map(|w| w.label_key()),
            capped: e.points == 0 && e.why.is_none(),
        })
        .collect();
    let how = rules
        .iter()
        .filter(|r| r.points > 0)
        .map(|r| HowRow { source_key: r.source.label_key(), figures: how_line(&ctx, r) })
        .collect();
    render(&MyPointsPage { ctx, total, rows, older, later_page: before > 0, how })
}

/// "Attend … and check in there. 10 points each, at most 20 a day."
fn how_line(ctx: &Ctx, r: &Rule) -> String {
    let key = if r.points == 1 { "points.how_figures_one" } else { "points.how_figures" };
    let figures = ctx.tf(key, &[("points", &r.points.to_string()), ("cap", &r.daily_cap.to_string())]);
    ctx.tf("points.how_line", &[("how", ctx.t(r.source.how_key())), ("figures", &figures)])
}

#[derive(Debug, Default, Deserialize)]
struct RulesQuery {
    #[serde(default)]
    saved: String,
}

/// Every source's current rule (district and street admins).
async fn rules(State(state): State<AppState>, ctx: Ctx, Query(q): Query<RulesQuery>) -> AppResult<Response> {
    let user = ctx.user()?;
    if !service::may_read(user) {
        return Err(AppError::Forbidden);
    }
    let editable = service::may_edit(user);
    let current = store::current_rules(&mut *state.db.conn().await?).await?;
    let rows = current
        .iter()
        .map(|r| RuleRow {
            source: r.source.as_str(),
            source_key: r.source.label_key(),
            points: r.points,
            daily_cap: r.daily_cap,
            version: r.version,
            since: if r.created_at > 0 {
                ctx.tf("points.since", &[("when", &ctx.when(r.created_at))])
            } else {
                String::new()
            },
        })
        .collect();
    let saved = Source::parse(&q.saved).map(|s| ctx.tf("points.saved", &[("source", ctx.t(s.label_key()))]));
    render(&RulesPage { ctx, rows, editable, saved })
}

/// The source a path names, or 404.
fn source_of(path: &str) -> AppResult<Source> {
    Source::parse(path).ok_or(AppError::NotFound)
}

/// The form for a source's rule, filled from `form` (what was typed) or the rule.
fn rule_page(ctx: Ctx, rule: &Rule, form: Option<RuleEdit>, errors: Errors) -> RulePage {
    let version = ctx.tf("points.current_version", &[("version", &rule.version.to_string())]);
    let form =
        form.unwrap_or_else(|| RuleEdit { points: rule.points.to_string(), daily_cap: rule.daily_cap.to_string() });
    let number =
        |name, label, value: String, hint| Field::text(name, label, value).inputmode("numeric").required().hint(hint);
    RulePage {
        ctx,
        source: rule.source.as_str(),
        source_key: rule.source.label_key(),
        version,
        points: number("points", "points.points", form.points, "points.points_hint"),
        daily_cap: number("daily_cap", "points.daily_cap", form.daily_cap, "points.daily_cap_hint"),
        errors: errors.label("points", "points.points").label("daily_cap", "points.daily_cap"),
    }
}

/// The form to change a source's rule (district admins).
async fn edit(State(state): State<AppState>, ctx: Ctx, Path(source): Path<String>) -> AppResult<Response> {
    if !service::may_edit(ctx.user()?) {
        return Err(AppError::Forbidden);
    }
    let source = source_of(&source)?;
    let rule = store::current_rule(&mut *state.db.conn().await?, source).await?.ok_or(AppError::NotFound)?;
    render(&rule_page(ctx, &rule, None, Errors::none()))
}

/// Saves a rule as a new version: back to the list, or the form again with what was typed.
async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(source): Path<String>,
    Form(form): Form<RuleEdit>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    if !service::may_edit(&user) {
        return Err(AppError::Forbidden);
    }
    let source = source_of(&source)?;
    match service::edit_rule(&state, &user, source, &form).await {
        Ok(_) => Ok(see_other(&format!("/manage/points?saved={}#rule-{}", source.as_str(), source.as_str()))),
        Err(AppError::Invalid(errors)) => {
            let rule = store::current_rule(&mut *state.db.conn().await?, source).await?.ok_or(AppError::NotFound)?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &rule_page(ctx, &rule, Some(form), errors.into()))
        }
        Err(other) => Err(other),
    }
}

//! The audit log page: newest first, each entry a sentence with what changed; filtered by who,
//! what, when and which object with a plain GET form (works without script), paged.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;

use crate::app::AppState;
use crate::audit::views::{AuditPage, Row, Typed};
use crate::audit::{self, Filter, wording};
use crate::authz::gate::Administrator;
use crate::clock::day_start;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::web::extract::Query;
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/manage/audit", get(page))
}

const PAGE: i64 = 50;

async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Administrator>,
    Query(typed): Query<Typed>,
) -> AppResult<Response> {
    // District admins read everything (or one street); street admins read their street.
    let street_id = typed.street_id.trim().parse::<i64>().ok().map(StreetId);
    let street = user.principal.reach().administers().street_choice(street_id).ok_or(AppError::Forbidden)?;
    let fields = typed.fields(&ctx, state.domains);
    let filter = match parse(&state, &typed) {
        Ok(filter) => Filter { street, before_id: typed.before, ..filter },
        Err(errors) => {
            // What was typed stays in the form; no entries are shown for a filter that means nothing.
            let errors = Errors::from(errors).labelled(&fields);
            let page = AuditPage { ctx, fields, errors, rows: Vec::new(), more: None };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let entries = audit::list(&mut *state.db.conn().await?, filter, PAGE).await?;
    let more = (entries.len() as i64 == PAGE)
        .then(|| format!("/manage/audit?before={}{}", entries.last().map_or(0, |e| e.id), typed.query()));
    let rows = entries.iter().map(|e| Row::new(&ctx, state.domains, e, actor(&ctx, e))).collect();
    render(&AuditPage { ctx, fields, errors: Errors::none(), rows, more })
}

/// The filter typed, checked: dates are local days (`to` included), the action one the log
/// words, the id a number.
fn parse(state: &AppState, t: &Typed) -> Result<Filter, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut day = |field: &'static str, s: &str| -> Option<NaiveDate> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parsed = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.push(FieldError { field, key: "form.date_invalid" });
        }
        parsed
    };
    let from = day("from", &t.from).map(day_start);
    let to = day("to", &t.to).and_then(|d| d.succ_opt()).map(day_start);
    if let (Some(f), Some(to)) = (from, to)
        && f >= to
    {
        errors.push(FieldError { field: "to", key: "audit.period_invalid" });
    }
    let action = t.action.trim();
    if !action.is_empty() && !wording::is_action(state.domains, action) {
        errors.push(FieldError { field: "action", key: "form.choice_invalid" });
    }
    let kind = t.kind.trim();
    if !kind.is_empty() && !wording::objects(state.domains).iter().any(|(n, _)| *n == kind) {
        errors.push(FieldError { field: "kind", key: "form.choice_invalid" });
    }
    let object_id = match t.object_id.trim() {
        "" => None,
        s => match s.trim_start_matches('#').parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError { field: "object_id", key: "audit.object_id_invalid" });
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Filter {
        actor: t.actor.trim().to_owned(),
        action: action.to_owned(),
        from,
        to,
        object_kind: kind.to_owned(),
        object_id,
        ..Filter::default()
    })
}

/// Who made the change: their name; for an entry without one, the system — or, for a filing,
/// the reporter of an anonymous report, whom the log does not name (`cases::model::audit_actor`).
fn actor(ctx: &Ctx, e: &audit::Entry) -> String {
    match (&e.actor_name, e.object_kind.as_str()) {
        (Some(name), _) => name.clone(),
        (None, "case") if matches!(e.action.as_str(), "case.file" | "case.act" | "case.photo") => {
            ctx.t("audit.anonymous_reporter").into()
        }
        (None, _) => ctx.t("audit.system").into(),
    }
}

//! The audit log page: newest first, each entry with what changed.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, Filter};
use crate::authz::gate::Administrator;
use crate::clock::format_local;
use crate::error::{AppError, AppResult};
use crate::ids::StreetId;
use crate::web::extract::Query;
use crate::web::guard::Staff;
use crate::web::{Ctx, render};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/manage/audit", get(page))
}

/// One entry, ready to show.
pub struct Row {
    /// Local time.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (translated).
    pub action: String,
    /// Which object.
    pub object: String,
    /// Changed fields: (field, before, after).
    pub changes: Vec<(String, String, String)>,
}

#[derive(askama::Template)]
#[template(path = "manage/audit.html")]
struct AuditPage {
    ctx: Ctx,
    rows: Vec<Row>,
    more: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuditQuery {
    before: Option<i64>,
    street_id: Option<i64>,
}

const PAGE: i64 = 50;

async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Administrator>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    // District admins read everything (or one street); street admins read their street.
    let street =
        user.principal.reach().administers().street_choice(q.street_id.map(StreetId)).ok_or(AppError::Forbidden)?;
    let entries = audit::list(&mut *state.db.conn().await?, Filter { street, before_id: q.before }, PAGE).await?;
    let more = (entries.len() as i64 == PAGE).then(|| {
        let street = street.map(|s| format!("&street_id={s}")).unwrap_or_default();
        format!("/manage/audit?before={}{street}", entries.last().map_or(0, |e| e.id))
    });
    let rows = entries
        .iter()
        .map(|e| Row {
            at: format_local(e.at),
            actor: actor(&ctx, e),
            action: ctx.t(action_key(&state, &e.action)).to_owned(),
            object: format!("{} #{}", ctx.t(object_key(&state, &e.object_kind)), e.object_id),
            changes: audit::diff(e.before.as_deref(), e.after.as_deref()),
        })
        .collect();
    render(&AuditPage { ctx, rows, more })
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

/// A domain's wording of its entries, else None.
fn worded(
    state: &AppState,
    pick: impl Fn(&crate::audit::Wording) -> &'static [(&'static str, &'static str)],
    name: &str,
) -> Option<&'static str> {
    state.domains.iter().filter_map(|d| d.audit).flat_map(pick).find(|(n, _)| *n == name).map(|(_, key)| *key)
}

fn object_key(state: &AppState, kind: &str) -> &'static str {
    if let Some(key) = worded(state, |w| w.objects, kind) {
        return key;
    }
    match kind {
        "street" => "audit.object.street",
        "community" => "audit.object.community",
        "venue" => "audit.object.venue",
        "department" => "audit.object.department",
        "user" => "audit.object.user",
        "district" => "audit.object.district",
        "case" => "audit.object.case",
        _ => "audit.object.other",
    }
}

fn action_key(state: &AppState, action: &str) -> &'static str {
    if let Some(key) = worded(state, |w| w.actions, action) {
        return key;
    }
    match action {
        "street.create" | "community.create" | "venue.create" | "department.create" | "user.create" => {
            "audit.action.create"
        }
        "street.update" | "community.update" | "venue.update" | "department.update" => "audit.action.update",
        "district.import" | "user.import" => "audit.action.import",
        "user.update_profile" => "audit.action.update_profile",
        "user.change_password" => "audit.action.change_password",
        "user.grant_role" => "audit.action.grant",
        "user.revoke_role" => "audit.action.revoke",
        "api_token.create" => "audit.action.token",
        "api_token.revoke" => "audit.action.token_revoke",
        "user.rotate_feed" => "audit.action.rotate_feed",
        "case.caller_reveal" => "audit.action.caller_reveal",
        "case.contact_reveal" => "audit.action.contact_reveal",
        "case.reporter_reveal" => "audit.action.reporter_reveal",
        _ => "audit.action.other",
    }
}

//! `/manage/challenges/{id}/teams`: a challenge's teams with their members and kilometres, a
//! form to add one (a street's, a community's, a Party branch, or a school's or company's joined
//! with the code shown here), "one team per community" in one click, and renaming. Teams are
//! made by `challenge::service::create_team`, the API's use case.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::challenge::manage::form::run_challenge;
use crate::challenge::manage::service as manage;
use crate::challenge::manage::views::{TeamRow, TeamsPage};
use crate::challenge::model::{TeamKind, km_of};
use crate::challenge::service::{create_team, team_standing};
use crate::challenge::store::{self, Challenge, Team};
use crate::challenge::views::km_text;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::StreetId;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render_status};

/// A community team's name: the community's, and 队. Team names are data in the district's
/// language (residents of every page language see the same team), so this is not translated.
const TEAM_SUFFIX: &str = "队";

/// The add-team form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    /// `street`, `community`, `branch` or `unit` (a school's or company's).
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    street_id: String,
    #[serde(default)]
    community_id: String,
}

/// The kinds offered, as (value, label key, kind). A school's or company's team is joined with
/// a code like a custom team, and is one.
const KINDS: [(&str, &str, TeamKind); 4] = [
    ("community", "challenge_manage.kind_community", TeamKind::Community),
    ("street", "challenge_manage.kind_street", TeamKind::Street),
    ("branch", "challenge_manage.kind_branch", TeamKind::Branch),
    ("unit", "challenge_manage.kind_unit", TeamKind::Custom),
];

pub(super) fn kind_key(kind: TeamKind) -> &'static str {
    KINDS.iter().find(|(_, _, k)| *k == kind).map_or("challenge_manage.kind_unit", |(_, key, _)| key)
}

/// The teams page, with the add form's values and errors and, when a rename came back, its
/// team's errors and typed name.
async fn show(
    state: &AppState,
    ctx: Ctx,
    c: &Challenge,
    f: &AddForm,
    errors: Errors,
    rename: Option<(i64, Errors, String)>,
    status: StatusCode,
) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let dir = crate::org::Directory::load(&mut conn).await?;
    let teams = store::teams(&mut conn, c.id).await?;
    let rows = teams.into_iter().map(|t| row(c, t, rename.as_ref())).collect();
    let only: Option<Vec<StreetId>> = c.street_id.map(|s| vec![StreetId(s)]);
    let kinds = KINDS.iter().map(|(v, key, _)| Opt { value: (*v).into(), label: ctx.t(key).into() }).collect();
    let mut streets = vec![Opt { value: String::new(), label: ctx.t("challenge_manage.choose").into() }];
    streets.extend(
        dir.streets
            .iter()
            .filter(|s| only.as_ref().is_none_or(|o| o.contains(&s.id)))
            .map(|s| Opt { value: s.id.to_string(), label: s.name.clone() }),
    );
    let fields = vec![
        Field::select("kind", "challenge_manage.team_kind", &f.kind, vec![OptGroup { label: None, options: kinds }])
            .required()
            .hint("challenge_manage.team_kind_hint"),
        Field::text("name", "challenge_manage.team_name", &f.name).required(),
        Field::select(
            "street_id",
            "challenge_manage.team_street",
            &f.street_id,
            vec![OptGroup { label: None, options: streets }],
        )
        .hint("challenge_manage.team_street_hint"),
        Field::select(
            "community_id",
            "challenge_manage.team_community",
            &f.community_id,
            dir.community_options(&ctx, only.as_deref(), Some("challenge_manage.choose")),
        )
        .hint("challenge_manage.team_community_hint"),
    ];
    let errors = errors.labelled(&fields);
    let communities_of = match c.street_id {
        Some(s) => ctx.tf(
            "challenge_manage.communities_of_street",
            &[("street", dir.street_name(StreetId(s)).unwrap_or_default())],
        ),
        None => ctx.t("challenge_manage.communities_of_district").to_owned(),
    };
    let rename_errors = rename.map(|(t, e, _)| (t, e));
    let page =
        TeamsPage { ctx, id: c.id, name: c.name.clone(), teams: rows, fields, errors, rename_errors, communities_of };
    render_status(status, &page)
}

fn row(c: &Challenge, t: Team, rename: Option<&(i64, Errors, String)>) -> TeamRow {
    let s = team_standing(c, &t);
    TeamRow {
        id: t.id,
        kind: kind_key(t.kind).to_owned(),
        members: t.members,
        total_km: km_text(t.counted_m),
        mean_km: km_text(s.real_m),
        route_km: format!("{:.0}", km_of(s.route_m)),
        code: t.join_code.filter(|_| t.kind.needs_code()),
        typed: rename.filter(|(id, _, _)| *id == t.id).map(|(_, _, typed)| typed.clone()),
        name: t.name,
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    let fresh = AddForm { kind: "community".into(), ..AddForm::default() };
    show(&state, ctx, &c, &fresh, Errors::none(), None, StatusCode::OK).await
}

/// The team the add form describes, or its errors.
fn team_of(c: &Challenge, f: &AddForm) -> Result<Team, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = KINDS.iter().find(|(v, _, _)| *v == f.kind.trim()).map(|(_, _, k)| *k);
    if kind.is_none() {
        errors.push(FieldError { field: "kind", key: "form.choice_invalid" });
    }
    let name = manage::team_name(&f.name).map_err(|e| errors.extend(e)).ok();
    let street_id = f.street_id.trim().parse::<i64>().ok();
    let community_id = f.community_id.trim().parse::<i64>().ok();
    if kind == Some(TeamKind::Street) && street_id.is_none() {
        errors.push(FieldError { field: "street_id", key: "challenge_manage.team_street_needed" });
    }
    if kind == Some(TeamKind::Community) && community_id.is_none() {
        errors.push(FieldError { field: "community_id", key: "challenge_manage.team_community_needed" });
    }
    match (kind, name) {
        (Some(kind), Some(name)) if errors.is_empty() => Ok(Team {
            id: 0,
            challenge_id: c.id,
            kind,
            name,
            street_id,
            community_id,
            join_code: None,
            members: 0,
            counted_m: 0,
        }),
        _ => Err(errors),
    }
}

/// Adds a team.
pub async fn add(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<AddForm>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    let result = match team_of(&c, &f) {
        Ok(team) => create_team(&state, &user, id, team, manage::fresh_code()).await.map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(flash::redirect(&format!("/manage/challenges/{id}/teams"), Flash::TeamAdded)),
        Err(AppError::Invalid(errors)) => {
            show(&state, ctx, &c, &f, errors.into(), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Forbidden) => {
            // A school's or company's team is made as one of the challenge's audience may make it.
            let errors = vec![FieldError { field: "kind", key: "challenge_manage.team_not_allowed" }];
            show(&state, ctx, &c, &f, errors.into(), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other),
    }
}

/// One team per community, in one click (again: nothing more).
pub async fn communities(
    State(state): State<AppState>,
    Staff { user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    let made = manage::community_teams(&state, &user, &c, TEAM_SUFFIX).await?;
    let said = if made == 0 { Flash::TeamsUnchanged } else { Flash::TeamsMade };
    Ok(flash::redirect(&format!("/manage/challenges/{id}/teams"), said))
}

/// The rename form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// Renames a team.
pub async fn rename(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path((id, team)): Path<(i64, i64)>,
    Form(f): Form<RenameForm>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    match manage::rename_team(&state, &user, id, team, &f.name).await {
        Ok(()) => Ok(flash::redirect(&format!("/manage/challenges/{id}/teams"), Flash::TeamRenamed)),
        Err(AppError::Invalid(errors)) => {
            let errors = Errors::from(errors)
                .anchor("name", format!("f-rename-{team}"))
                .label("name", "challenge_manage.team_name");
            let fresh = AddForm { kind: "community".into(), ..AddForm::default() };
            let rename = Some((team, errors, f.name.clone()));
            show(&state, ctx, &c, &fresh, Errors::none(), rename, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other),
    }
}

//! Handlers: the public district directory (`/district`: streets, communities, venues), and the back office for streets, communities, venues and
//! departments. Each extracts, calls one service or store function, and renders.

use std::future::Future;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::{Action, Location, Target};
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::ids::{CommunityId, DepartmentId, StreetId, VenueId};
use crate::org::Directory;
use crate::org::forms::{CommunityFields, DepartmentFields, StreetFields, VenueFields};
use crate::org::model::*;
use crate::org::service;
use crate::org::store::{self, VenueFilter};
use crate::org::views::{self, HomePage};
use crate::web::backoffice::{Cell, Field, FormPage, Link, ListPage};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes of this domain.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/district", get(district))
        .route("/manage/streets", get(streets))
        .route("/manage/streets/new", get(street_new).post(street_create))
        .route("/manage/streets/{id}", get(street_edit).post(street_update))
        .route("/manage/communities", get(communities))
        .route("/manage/communities/new", get(community_new).post(community_create))
        .route("/manage/communities/{id}", get(community_edit).post(community_update))
        .route("/manage/venues", get(venues))
        .route("/manage/venues/new", get(venue_new).post(venue_create))
        .route("/manage/venues/{id}", get(venue_edit).post(venue_update))
        .route("/manage/departments", get(departments))
        .route("/manage/departments/new", get(department_new).post(department_create))
        .route("/manage/departments/{id}", get(department_edit).post(department_update))
}

const ALL: i64 = 100_000;

/// The district directory: every street with its communities and venues (it was the home
/// page before the portal took `/`; its anchors `#street-<code>` are kept).
async fn district(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let data = state.structure.get(&state).await?;
    render(&HomePage { ctx, data })
}

/// Streets whose `target` the user may act on.
async fn streets_for(
    conn: &mut Conn,
    ctx: &Ctx,
    action: Action,
    target: fn(StreetId) -> Target,
) -> AppResult<Vec<Street>> {
    let all = store::list_streets(conn, None, 0, ALL).await?;
    Ok(all.into_iter().filter(|s| ctx.can(action, &target(s.id))).collect())
}

fn venue_target(s: StreetId) -> Target {
    Target::Venue(Location::street(s))
}

fn community_target(s: StreetId) -> Target {
    Target::Community(Location::street(s))
}

/// Ends a form POST: redirect on success, the form again (422) on invalid input.
async fn finish<F, Fut>(result: AppResult<()>, success: &str, form_again: F) -> AppResult<Response>
where
    F: FnOnce(Errors) -> Fut,
    Fut: Future<Output = AppResult<FormPage>>,
{
    match result {
        Ok(()) => Ok(see_other(success)),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &form_again(errors.into()).await?)
        }
        Err(other) => Err(other),
    }
}

fn back(ctx: &Ctx, key: &'static str, href: &str) -> Link {
    Link { label: ctx.t(key).into(), href: href.into() }
}

fn form_page(
    ctx: Ctx,
    title_key: &'static str,
    action: String,
    fields: Vec<Field>,
    errors: Errors,
    list: (&'static str, &str),
) -> FormPage {
    let title = ctx.t(title_key).into();
    let back = back(&ctx, list.0, list.1);
    FormPage { ctx, title, action, fields, errors, submit_key: "action.save", back, preview: Default::default() }
}

// ---- streets ----

async fn streets(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let visible = streets_for(&mut *state.db.conn().await?, &ctx, Action::View, Target::Street).await?;
    let mut actions = Vec::new();
    if ctx.can(Action::Manage, &Target::District) {
        actions.push(back(&ctx, "action.new_street", "/manage/streets/new"));
    }
    let rows = visible
        .iter()
        .map(|s| {
            vec![
                Cell::link(&s.name, format!("/manage/streets/{}", s.id)).data(),
                Cell::text(&s.code),
                Cell::link(ctx.t("nav.communities"), format!("/manage/communities?street_id={}", s.id)),
                Cell::link(ctx.t("nav.venues"), format!("/manage/venues?street_id={}", s.id)),
            ]
        })
        .collect();
    let title = ctx.t("nav.streets").into();
    let headers = vec!["field.name", "field.street_code", "nav.communities", "nav.venues"];
    render(&ListPage { ctx, title, actions, filters: Vec::new(), headers, rows, more: None })
}

async fn street_form(ctx: Ctx, action: String, f: &StreetFields, errors: Errors) -> AppResult<FormPage> {
    let title = if action.ends_with("/new") { "action.new_street" } else { "action.edit_street" };
    Ok(form_page(ctx, title, action, views::street_fields(f), errors, ("nav.streets", "/manage/streets")))
}

async fn street_new(ctx: Ctx) -> AppResult<Response> {
    ctx.require(Action::Manage, &Target::District)?;
    render(&street_form(ctx, "/manage/streets/new".into(), &StreetFields::default(), Errors::none()).await?)
}

async fn street_create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<StreetFields>) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::create_street(&state, user, input).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    finish(result, "/manage/streets", |e| street_form(ctx.clone(), "/manage/streets/new".into(), &f, e)).await
}

async fn street_edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require(Action::Manage, &Target::Street(StreetId(id)))?;
    let s = store::street(&mut *state.db.conn().await?, StreetId(id)).await?.ok_or(AppError::NotFound)?;
    render(&street_form(ctx, format!("/manage/streets/{id}"), &StreetFields::from_street(&s), Errors::none()).await?)
}

async fn street_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StreetFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::update_street(&state, user, StreetId(id), input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    finish(result, "/manage/streets", |e| street_form(ctx.clone(), format!("/manage/streets/{id}"), &f, e)).await
}

// ---- communities ----

#[derive(Debug, Default, Deserialize)]
struct StreetQuery {
    #[serde(default)]
    street_id: String,
}

impl StreetQuery {
    fn street(&self) -> Option<StreetId> {
        self.street_id.trim().parse().ok().map(StreetId)
    }
}

fn street_filter(ctx: &Ctx, streets: &[Street], q: &StreetQuery) -> Vec<Field> {
    vec![Field::select("street_id", "field.street", &q.street_id, views::street_options(ctx, streets, true))]
}

async fn communities(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StreetQuery>) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let mut conn = state.db.conn().await?;
    let streets = streets_for(&mut conn, &ctx, Action::View, community_target).await?;
    let all = store::list_communities(&mut conn, q.street(), 0, ALL).await?;
    let rows = all
        .iter()
        .filter(|c| ctx.can(Action::View, &Target::Community(service::community_location(c))))
        .map(|c| {
            let street = streets.iter().find(|s| s.id == c.street_id).map(|s| s.name.clone()).unwrap_or_default();
            vec![
                Cell::link(&c.name, format!("/manage/communities/{}", c.id)).data(),
                Cell::text(&c.code),
                Cell::text(street).data(),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if !streets.is_empty() {
        actions.push(back(&ctx, "action.new_community", "/manage/communities/new"));
    }
    let title = ctx.t("nav.communities").into();
    let filters = street_filter(&ctx, &streets, &q);
    let headers = vec!["field.name", "field.community_code", "field.street"];
    render(&ListPage { ctx, title, actions, filters, headers, rows, more: None })
}

async fn community_form(
    state: &AppState,
    ctx: Ctx,
    action: String,
    f: &CommunityFields,
    errors: Errors,
) -> AppResult<FormPage> {
    let streets = streets_for(&mut *state.db.conn().await?, &ctx, Action::Manage, community_target).await?;
    let title = if action.ends_with("/new") { "action.new_community" } else { "action.edit_community" };
    let fields = views::community_fields(&ctx, f, &streets);
    Ok(form_page(ctx, title, action, fields, errors, ("nav.communities", "/manage/communities")))
}

async fn community_new(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StreetQuery>) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let f = CommunityFields { street_id: q.street_id, ..CommunityFields::default() };
    render(&community_form(&state, ctx, "/manage/communities/new".into(), &f, Errors::none()).await?)
}

async fn community_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<CommunityFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::create_community(&state, user, input).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = "/manage/communities/new".to_owned();
    finish(result, "/manage/communities", |e| community_form(&state, ctx.clone(), action, &f, e)).await
}

async fn community_edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let c = store::community(&mut *state.db.conn().await?, CommunityId(id)).await?.ok_or(AppError::NotFound)?;
    ctx.require(Action::Manage, &Target::Community(service::community_location(&c)))?;
    let f = CommunityFields::from_community(&c);
    render(&community_form(&state, ctx, format!("/manage/communities/{id}"), &f, Errors::none()).await?)
}

async fn community_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CommunityFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::update_community(&state, user, CommunityId(id), input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = format!("/manage/communities/{id}");
    finish(result, "/manage/communities", |e| community_form(&state, ctx.clone(), action, &f, e)).await
}

// ---- venues ----

async fn venues(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StreetQuery>) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let mut conn = state.db.conn().await?;
    let streets = streets_for(&mut conn, &ctx, Action::View, venue_target).await?;
    let all = store::list_venues(&mut conn, VenueFilter { street: q.street(), kind: None }, 0, ALL).await?;
    let rows = all
        .iter()
        .filter(|v| ctx.can(Action::View, &Target::Venue(service::venue_location(v))))
        .map(|v| {
            let street = streets.iter().find(|s| s.id == v.street_id).map(|s| s.name.clone()).unwrap_or_default();
            vec![
                Cell::link(&v.name, format!("/manage/venues/{}", v.id)).data(),
                Cell::text(ctx.t(v.kind.label_key())),
                Cell::text(street).data(),
                Cell::text(if v.address.is_empty() { "—".to_owned() } else { v.address.clone() }).data(),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if !streets.is_empty() {
        actions.push(back(&ctx, "action.new_venue", "/manage/venues/new"));
    }
    let title = ctx.t("nav.venues").into();
    let filters = street_filter(&ctx, &streets, &q);
    let headers = vec!["field.name", "field.venue_kind", "field.street", "field.address"];
    render(&ListPage { ctx, title, actions, filters, headers, rows, more: None })
}

async fn venue_form(
    state: &AppState,
    ctx: Ctx,
    action: String,
    f: &VenueFields,
    errors: Errors,
) -> AppResult<FormPage> {
    let mut conn = state.db.conn().await?;
    let streets = streets_for(&mut conn, &ctx, Action::Manage, venue_target).await?;
    let ids: Vec<StreetId> = streets.iter().map(|s| s.id).collect();
    let communities = Directory::load(&mut conn).await?.community_options(&ctx, Some(&ids), Some("form.none"));
    let title = if action.ends_with("/new") { "action.new_venue" } else { "action.edit_venue" };
    let fields = views::venue_fields(&ctx, f, &streets, communities);
    Ok(form_page(ctx, title, action, fields, errors, ("nav.venues", "/manage/venues")))
}

async fn venue_new(State(state): State<AppState>, ctx: Ctx, Query(q): Query<StreetQuery>) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let f = VenueFields { street_id: q.street_id, ..VenueFields::default() };
    render(&venue_form(&state, ctx, "/manage/venues/new".into(), &f, Errors::none()).await?)
}

async fn venue_create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<VenueFields>) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::create_venue(&state, user, input).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = "/manage/venues/new".to_owned();
    finish(result, "/manage/venues", |e| venue_form(&state, ctx.clone(), action, &f, e)).await
}

async fn venue_edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let v = store::venue(&mut *state.db.conn().await?, VenueId(id)).await?.ok_or(AppError::NotFound)?;
    ctx.require(Action::Manage, &Target::Venue(service::venue_location(&v)))?;
    render(
        &venue_form(&state, ctx, format!("/manage/venues/{id}"), &VenueFields::from_venue(&v), Errors::none()).await?,
    )
}

async fn venue_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<VenueFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::update_venue(&state, user, VenueId(id), input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = format!("/manage/venues/{id}");
    finish(result, "/manage/venues", |e| venue_form(&state, ctx.clone(), action, &f, e)).await
}

// ---- departments ----

async fn departments(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    let mut conn = state.db.conn().await?;
    let streets = store::list_streets(&mut conn, None, 0, ALL).await?;
    let all = store::list_departments(&mut conn, 0, ALL).await?;
    let rows = all
        .iter()
        .filter(|d| ctx.can(Action::View, &Target::Department(service::department_location(d))))
        .map(|d| {
            let street = d.street_id.and_then(|id| streets.iter().find(|s| s.id == id)).map(|s| s.name.clone());
            vec![
                {
                    let n = ctx.name(&d.name, d.name_en.as_deref());
                    let cell = Cell::link(&n.text, format!("/manage/departments/{}", d.id));
                    if n.zh { cell.data() } else { cell }
                },
                Cell::text(ctx.t(d.kind.label_key())),
                Cell::text(street.unwrap_or_else(|| "—".into())).data(),
            ]
        })
        .collect();
    let mut actions = Vec::new();
    if ctx.can(Action::Manage, &Target::Department(Location::district())) {
        actions.push(back(&ctx, "action.new_department", "/manage/departments/new"));
    }
    let title = ctx.t("nav.departments").into();
    let headers = vec!["field.name", "field.department_kind", "field.street"];
    render(&ListPage { ctx, title, actions, filters: Vec::new(), headers, rows, more: None })
}

async fn department_form(
    state: &AppState,
    ctx: Ctx,
    action: String,
    f: &DepartmentFields,
    errors: Errors,
) -> AppResult<FormPage> {
    let streets = store::list_streets(&mut *state.db.conn().await?, None, 0, ALL).await?;
    let title = if action.ends_with("/new") { "action.new_department" } else { "action.edit_department" };
    let fields = views::department_fields(&ctx, f, &streets);
    Ok(form_page(ctx, title, action, fields, errors, ("nav.departments", "/manage/departments")))
}

async fn department_new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Action::Manage, &Target::Department(Location::district()))?;
    render(
        &department_form(&state, ctx, "/manage/departments/new".into(), &DepartmentFields::default(), Errors::none())
            .await?,
    )
}

async fn department_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<DepartmentFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::create_department(&state, user, input).await.map(drop),
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = "/manage/departments/new".to_owned();
    finish(result, "/manage/departments", |e| department_form(&state, ctx.clone(), action, &f, e)).await
}

async fn department_edit(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let d = store::department(&mut *state.db.conn().await?, DepartmentId(id)).await?.ok_or(AppError::NotFound)?;
    ctx.require(Action::Manage, &Target::Department(service::department_location(&d)))?;
    let f = DepartmentFields::from_department(&d);
    render(&department_form(&state, ctx, format!("/manage/departments/{id}"), &f, Errors::none()).await?)
}

async fn department_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DepartmentFields>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = match f.parse() {
        Ok(input) => service::update_department(&state, user, DepartmentId(id), input).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    let action = format!("/manage/departments/{id}");
    finish(result, "/manage/departments", |e| department_form(&state, ctx.clone(), action, &f, e)).await
}

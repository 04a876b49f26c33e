//! Back office for people: find accounts, create one for someone without a phone at hand,
//! grant and revoke roles. District admins see everyone; street admins see the residents of
//! their street and grant working roles inside it. Also the back-office home (`/manage`), which
//! lists the tiles every domain gives the user (see `app::Domain::tiles`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::accounts::model::{Phone, User, check_new_password, parse_display_name};
use crate::accounts::service::{self, NewAccount, RESIDENT};
use crate::accounts::store::{self, UserFilter};
use crate::accounts::views::{UserPage, UsersPage};
use crate::app::AppState;
use crate::authz::gate::Administrator;
use crate::authz::{Action, Grant, Location, Role, Scope, Target};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, StreetId, UserId};
use crate::org::Directory;
use crate::web::backoffice::{Field, FormPage, Link, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// Back-office routes for accounts.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage", get(index))
        .route("/manage/users", get(users))
        .route("/manage/users/new", get(user_new).post(user_create))
        .route("/manage/users/{id}", get(user_page))
        .route("/manage/users/{id}/roles", post(set_role))
}

/// The back-office home: the sections this user may open.
#[derive(askama::Template)]
#[template(path = "manage/index.html")]
struct IndexPage {
    ctx: Ctx,
    sections: Vec<Link>,
    /// Links to the user's other start pages (the back office is the admins' start page).
    strip: crate::authz::start::Strip,
}

/// The back-office home asks every domain for its tiles, in the order of `app::DOMAINS`: it
/// names none of them, so a domain adds a section without touching this page.
async fn index(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.require(Action::View, &Target::BackOffice)?;
    let sections = state
        .domains
        .iter()
        .flat_map(|domain| (domain.tiles)(&user.principal))
        .map(|tile| Link { label: ctx.t(tile.key).into(), href: tile.href.into() })
        .collect();
    let strip = crate::authz::start::Strip::links(&user.principal, "/manage");
    render(&IndexPage { ctx, sections, strip })
}

/// Streets in which `admin` administers people (None: everywhere).
fn admin_streets(admin: &Staff<Administrator>) -> Option<Vec<StreetId>> {
    let area = admin.user.principal.reach().administers();
    (!area.is_district()).then(|| area.streets().to_vec())
}

#[derive(Debug, Default, Deserialize)]
struct UsersQuery {
    #[serde(default)]
    q: String,
    before: Option<i64>,
}

const PAGE: i64 = 50;

async fn users(
    State(state): State<AppState>,
    admin: Staff<Administrator>,
    Query(query): Query<UsersQuery>,
) -> AppResult<Response> {
    let scope = admin_streets(&admin);
    let ctx = admin.ctx;
    let q = query.q.trim().to_owned();
    let mut filter = UserFilter::default();
    if let Some(phone) = Phone::parse(&q) {
        filter.phone_index = Some(state.keys.phone_index(phone.as_str()));
    } else if !q.is_empty() {
        filter.name_contains = Some(q.clone());
    }
    let before = query.before.unwrap_or(0);
    let mut conn = state.db.conn().await?;
    let mut found: Vec<User> = Vec::new();
    match &scope {
        None => found = store::list_users(&mut conn, &filter, before, PAGE).await?,
        Some(streets) => {
            for s in streets {
                let f = UserFilter { street: Some(*s), ..filter.clone() };
                found.extend(store::list_users(&mut conn, &f, before, PAGE).await?);
            }
            found.sort_by_key(|u| std::cmp::Reverse(u.id));
            found.truncate(PAGE as usize);
        }
    }
    let more = (found.len() as i64 == PAGE).then(|| {
        let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        format!("/manage/users?q={q}&before={}", found.last().map_or(0, |u| u.id.0))
    });
    render(&UsersPage { ctx, q, users: found, can_create: true, more })
}

#[derive(Debug, Default, Deserialize)]
struct NewUserForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    community_id: String,
    #[serde(default)]
    password: String,
}

async fn user_form(
    state: &AppState,
    admin: Staff<Administrator>,
    f: &NewUserForm,
    errors: Errors,
) -> AppResult<FormPage> {
    let scope = admin_streets(&admin);
    let ctx = admin.ctx;
    let directory = Directory::load(&mut *state.db.conn().await?).await?;
    let groups = directory.community_options(&ctx, scope.as_deref(), Some("form.choose"));
    let fields = vec![
        Field::text("phone", "field.phone", &f.phone).kind("tel").inputmode("tel").autocomplete("off").required(),
        Field::text("name", "field.display_name", &f.name).required(),
        Field::select("community_id", "field.community", &f.community_id, groups).required(),
        Field::text("password", "field.initial_password", "")
            .kind("password")
            .autocomplete("new-password")
            .hint("hint.initial_password"),
    ];
    let title = ctx.t("action.new_user").into();
    let back = Link { label: ctx.t("nav.users").into(), href: "/manage/users".into() };
    Ok(FormPage {
        ctx,
        title,
        action: "/manage/users/new".into(),
        fields,
        errors,
        submit_key: "action.create",
        back,
        preview: Default::default(),
    })
}

async fn user_new(State(state): State<AppState>, admin: Staff<Administrator>) -> AppResult<Response> {
    render(&user_form(&state, admin, &NewUserForm::default(), Errors::none()).await?)
}

async fn user_create(
    State(state): State<AppState>,
    admin: Staff<Administrator>,
    Form(f): Form<NewUserForm>,
) -> AppResult<Response> {
    let result = create(&state, &admin.user, &f).await;
    match result {
        Ok(id) => Ok(see_other(&format!("/manage/users/{id}"))),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &user_form(&state, admin, &f, errors.into()).await?)
        }
        Err(other) => Err(other),
    }
}

async fn create(state: &AppState, actor: &crate::accounts::CurrentUser, f: &NewUserForm) -> AppResult<UserId> {
    let mut errors = Vec::new();
    let phone = Phone::parse(&f.phone);
    if phone.is_none() {
        errors.push(FieldError { field: "phone", key: "form.phone_invalid" });
    }
    let name = parse_display_name(&f.name).map_err(|e| errors.push(e)).ok();
    let community = f.community_id.trim().parse().ok().map(CommunityId);
    if community.is_none() {
        errors.push(FieldError { field: "community_id", key: "form.required" });
    }
    if !f.password.is_empty()
        && let Err(e) = check_new_password("password", &f.password, phone.as_ref())
    {
        errors.push(e);
    }
    let (Some(phone), Some(name), Some(community), true) = (phone, name, community, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let mut conn = state.db.conn().await?;
    let location = service::user_location(&mut conn, Some(community)).await?;
    drop(conn);
    if location.community.is_none() {
        return Err(AppError::Invalid(vec![FieldError { field: "community_id", key: "form.choice_invalid" }]));
    }
    if !actor.principal.can(Action::Manage, &Target::User(UserId(0), location)) {
        return Err(AppError::Forbidden);
    }
    let password_hash = match f.password.as_str() {
        "" => None,
        p => Some(state.hashing.hash(state.hashing.admit()?, p.to_owned()).await?),
    };
    let mut tx = state.db.begin().await?;
    let account = NewAccount { phone, display_name: name, community_id: Some(community), password_hash };
    let id = service::create_account(state, &mut tx, Some(actor.id), account, &[RESIDENT]).await?;
    tx.commit().await?;
    Ok(id)
}

async fn user_view(state: &AppState, ctx: Ctx, id: UserId, errors: Errors) -> AppResult<UserPage> {
    let mut conn = state.db.conn().await?;
    let user = store::user(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let location = service::user_location(&mut conn, user.community_id).await?;
    if !ctx.can(Action::View, &Target::User(id, location)) {
        return Err(AppError::NotFound);
    }
    let grants = store::grants(&mut conn, id).await?;
    let directory = Directory::load(&mut conn).await?;
    let community = user.community_id.and_then(|c| directory.community_name(c)).unwrap_or("—").to_owned();
    let may_grant = |role: Role, loc: Location| ctx.can(Action::Manage, &Target::RoleGrant(role, loc));
    let role_options = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Resident)
        .filter(|r| {
            may_grant(*r, Location::district())
                || directory.streets.iter().any(|s| may_grant(*r, Location::street(s.id)))
        })
        .map(|r| Opt { value: r.as_str().into(), label: ctx.t(r.label_key()).into() })
        .collect();
    let mut scope_options = Vec::new();
    if may_grant(Role::Inspector, Location::district()) {
        scope_options.push(OptGroup {
            label: None,
            options: vec![Opt { value: "district:0".into(), label: ctx.t("scope.district").into() }],
        });
    }
    for s in &directory.streets {
        if !may_grant(Role::Inspector, Location::street(s.id)) {
            continue;
        }
        let mut options = vec![Opt { value: format!("street:{}", s.id), label: s.name.clone() }];
        options.extend(
            directory
                .communities
                .iter()
                .filter(|c| c.street_id == s.id)
                .map(|c| Opt { value: format!("community:{}", c.id), label: format!("{} · {}", s.name, c.name) }),
        );
        scope_options.push(OptGroup { label: Some(s.name.clone()), options });
    }
    if may_grant(Role::Handler, Location::district()) {
        let options = directory
            .departments
            .iter()
            .map(|d| Opt { value: format!("department:{}", d.id), label: ctx.name(&d.name, d.name_en.as_deref()).text })
            .collect();
        scope_options.push(OptGroup { label: Some(ctx.t("nav.departments").into()), options });
    }
    let grants = grants
        .iter()
        .map(|g| {
            let (kind, scope_id) = g.scope.to_parts();
            (directory.describe(&ctx, g), g.role.as_str().to_owned(), format!("{kind}:{scope_id}"))
        })
        .collect();
    let may_make_service_token = ctx.user()?.principal.has_role(Role::DistrictAdmin);
    Ok(UserPage { ctx, user, community, grants, role_options, scope_options, errors, may_make_service_token })
}

async fn user_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require(Action::View, &Target::BackOffice)?;
    render(&user_view(&state, ctx, UserId(id), Errors::none()).await?)
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    revoke: Option<String>,
}

fn parse_grant(f: &RoleForm) -> Result<Grant, Vec<FieldError>> {
    let role = Role::parse(f.role.trim());
    let scope = f
        .scope
        .split_once(':')
        .and_then(|(kind, id)| id.parse::<i64>().ok().and_then(|id| Scope::from_parts(kind, id)));
    match (role, scope) {
        (Some(role), Some(scope)) => Ok(Grant { role, scope }),
        (role, scope) => {
            let mut errors = Vec::new();
            if role.is_none() {
                errors.push(FieldError { field: "role", key: "form.choice_invalid" });
            }
            if scope.is_none() {
                errors.push(FieldError { field: "scope", key: "form.choice_invalid" });
            }
            Err(errors)
        }
    }
}

async fn set_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    let actor = ctx.user()?.clone();
    let result = match parse_grant(&f) {
        Ok(grant) => service::set_grant(&state, &actor, UserId(id), grant, f.revoke.is_none()).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/manage/users/{id}"))),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &user_view(&state, ctx, UserId(id), errors.into()).await?)
        }
        Err(other) => Err(other),
    }
}

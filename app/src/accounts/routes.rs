//! Handlers for logging in and out, registering, the profile page, and the language and
//! large-text switches.

use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::accounts::credentials::sessions;
use crate::accounts::login::unlock::UNLOCK_COOKIE;
use crate::accounts::login::{PhoneForm, TokenQuery};
use crate::accounts::model::{Phone, parse_display_name};
use crate::accounts::register::{self, Completion};
use crate::accounts::service::{self, LoginError};
use crate::accounts::store;
use crate::accounts::views::{LoginPage, ProfilePage, RegisterPage, VerifyPage, WelcomePage, profile_fields};
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::CommunityId;
use crate::org::Directory;
use crate::web::client::{client_ip, is_https};
use crate::web::csrf::time_days;
use crate::web::extract::{Form, Query};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::i18n::Locale;
use crate::web::{Ctx, LANG_COOKIE, SESSION_COOKIE, VIEW_COOKIE, render, render_status, safe_next, see_other};

/// Routes of this domain (site side).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/register", get(register_page).post(register_start))
        .route("/register/verify", get(verify_page).post(register_complete))
        .route("/me", get(profile))
        .route("/welcome", get(welcome))
        .route("/me/profile", post(update_profile))
        .route("/me/password", post(change_password))
        .route("/me/digest", post(set_digest))
        .route("/prefs", post(preferences))
        .merge(crate::accounts::login::unlock_pages::router())
        .merge(crate::accounts::login::reset_pages::router())
        .merge(crate::accounts::credentials::pages::router())
}

fn invalid(field: &'static str, key: &'static str) -> Errors {
    vec![FieldError { field, key }].into()
}

#[derive(Debug, Default, Deserialize)]
struct NextQuery {
    next: Option<String>,
    /// Back from unlocking with a texted code.
    unlocked: Option<String>,
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    let mut page = LoginPage::new(ctx, "", next, Errors::none());
    if q.unlocked.is_some() {
        page.notice = Some(page.ctx.t("unlock.done").to_owned());
    }
    render(&page)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(State(state): State<AppState>, ctx: Ctx, parts: Parts, Form(f): Form<LoginForm>) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    let again = |ctx: Ctx, status: StatusCode, errors: Errors| {
        render_status(status, &LoginPage::new(ctx, &f.phone, next.clone(), errors))
    };
    let Some(phone) = Phone::parse(&f.phone) else {
        return again(ctx, StatusCode::UNPROCESSABLE_ENTITY, invalid("phone", "form.phone_invalid"));
    };
    let jar = CookieJar::from_headers(&parts.headers);
    let unlock = jar.get(UNLOCK_COOKIE).map(|c| c.value().to_owned());
    let ip = client_ip(&parts, &state.config);
    match service::login(&state, &phone, f.password.clone(), ip, unlock.as_deref()).await {
        Ok((user, token)) => {
            if let Some(old) = jar.get(SESSION_COOKIE) {
                sessions::end(&mut *state.db.conn().await?, old.value()).await?;
            }
            let mut conn = state.db.conn().await?;
            let prefs = sessions::load_user(&mut conn, user).await?;
            let mut jar = jar.add(sessions::cookie(&state, &parts.headers, token));
            if unlock.is_some() {
                jar = jar.remove(Cookie::build(UNLOCK_COOKIE).path("/login"));
            }
            if let Some(u) = &prefs {
                if let Some(locale) = u.locale {
                    jar = jar.add(pref_cookie(&state, &parts.headers, LANG_COOKIE, locale.tag()));
                }
                jar = jar.add(pref_cookie(
                    &state,
                    &parts.headers,
                    VIEW_COOKIE,
                    if u.large_text { "large" } else { "normal" },
                ));
            }
            // Staff land on their work (see `authz::start`), unless they were on their way somewhere.
            let to =
                prefs.as_ref().map_or_else(|| next.clone(), |u| crate::authz::start::after_login(&u.principal, &next));
            Ok(flash::with((jar, see_other(&to)).into_response(), Flash::LoggedIn))
        }
        Err(LoginError::Invalid) => {
            again(ctx, StatusCode::UNPROCESSABLE_ENTITY, invalid("password", "form.login_failed"))
        }
        Err(LoginError::Throttled { retry_after, phone }) => {
            // The login page again, saying what is locked and for how long, with the way out
            // when it is the phone; Retry-After as on every 429.
            let locked_phone = phone.then_some(f.phone.as_str());
            let page = LoginPage::new(ctx, &f.phone, next.clone(), Errors::none()).locked(retry_after, locked_phone);
            let mut response = render_status(StatusCode::TOO_MANY_REQUESTS, &page)?;
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            Ok(response)
        }
        Err(LoginError::Failed(e)) => Err(e),
    }
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        sessions::end(&mut *state.db.conn().await?, c.value()).await?;
    }
    Ok(flash::with((jar.remove(sessions::removal()), see_other("/")).into_response(), Flash::LoggedOut))
}

async fn register_page(ctx: Ctx) -> AppResult<Response> {
    render(&RegisterPage::new(ctx, "", Errors::none()))
}

async fn register_start(
    State(state): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Form(f): Form<PhoneForm>,
) -> AppResult<Response> {
    let Some(phone) = Phone::parse(&f.phone) else {
        let page = RegisterPage::new(ctx, &f.phone, invalid("phone", "form.phone_invalid"));
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let token = register::start(&state, &phone, client_ip(&parts, &state.config), ctx.locale).await?;
    let sent = form_urlencoded::byte_serialize(phone.masked().as_bytes()).collect::<String>();
    Ok(see_other(&format!("/register/verify?token={token}&sent={sent}")))
}

async fn communities(state: &AppState, ctx: &Ctx) -> AppResult<Vec<crate::web::backoffice::OptGroup>> {
    let directory = Directory::load(&mut *state.db.conn().await?).await?;
    Ok(directory.community_options(ctx, None, Some("form.choose")))
}

async fn verify_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let communities = communities(&state, &ctx).await?;
    render(&VerifyPage::new(ctx, q.token, "", "", communities, Errors::none()))
}

#[derive(Debug, Deserialize)]
struct VerifyForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    community_id: String,
    #[serde(default)]
    password: String,
}

async fn register_complete(
    State(state): State<AppState>,
    ctx: Ctx,
    parts: Parts,
    Form(f): Form<VerifyForm>,
) -> AppResult<Response> {
    let completion = Completion {
        token: f.token.clone(),
        code: f.code.clone(),
        name: f.name.clone(),
        community_id: f.community_id.trim().parse().ok().map(CommunityId),
        password: f.password.clone(),
        locale: ctx.locale,
    };
    match register::complete(&state, completion).await {
        Ok((_, session)) => {
            let jar = CookieJar::from_headers(&parts.headers).add(sessions::cookie(&state, &parts.headers, session));
            // A new resident's first page: what they can do next (see `welcome`).
            Ok((jar, see_other("/welcome")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let communities = communities(&state, &ctx).await?;
            let page = VerifyPage::new(ctx, f.token, &f.name, &f.community_id, communities, errors.into());
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// After registering: a welcome with the next steps (large text, activities, booking,
/// reporting), each one tap away.
async fn welcome(ctx: Ctx) -> AppResult<Response> {
    ctx.user()?;
    render(&WelcomePage { ctx })
}

#[derive(Debug, Default, Deserialize)]
struct NoticeQuery {
    done: Option<String>,
}

async fn profile_page(
    state: &AppState,
    ctx: Ctx,
    form: Option<(String, String)>,
    profile_errors: Errors,
    password_errors: Errors,
    notice: Option<&'static str>,
) -> AppResult<ProfilePage> {
    let user = ctx.user()?.clone();
    let directory = Directory::load(&mut *state.db.conn().await?).await?;
    let roles = user.principal.grants().iter().map(|g| directory.describe(&ctx, g)).collect();
    let communities = directory.community_options(&ctx, None, Some("form.none"));
    let (name, community_id) = form
        .unwrap_or_else(|| (user.display_name.clone(), user.community_id.map(|c| c.to_string()).unwrap_or_default()));
    let (profile_fields, password_fields) = profile_fields(&name, &community_id, communities);
    let digest = match user.principal.is_staff() {
        true => Some(store::staff_digest(&mut *state.db.conn().await?, user.id).await?),
        false => None,
    };
    Ok(ProfilePage { ctx, profile_fields, password_fields, roles, profile_errors, password_errors, notice, digest })
}

async fn profile(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    let notice = match q.done.as_deref() {
        Some("profile") => Some("profile.saved"),
        Some("password") => Some("profile.password_changed"),
        Some("digest") => Some("digest.saved"),
        _ => None,
    };
    render(&profile_page(&state, ctx, None, Errors::none(), Errors::none(), notice).await?)
}

#[derive(Debug, Deserialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    community_id: String,
}

async fn update_profile(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ProfileForm>) -> AppResult<Response> {
    let user = ctx.user()?;
    let community = f.community_id.trim().parse().ok().map(CommunityId);
    let result = match parse_display_name(&f.name) {
        Ok(name) => service::update_profile(&state, user, name, community).await,
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(()) => Ok(see_other("/me?done=profile")),
        Err(AppError::Invalid(errors)) => {
            let page =
                profile_page(&state, ctx, Some((f.name, f.community_id)), errors.into(), Errors::none(), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
struct DigestForm {
    /// A checkbox: present ("on") when ticked.
    digest: Option<String>,
}

/// Staff turn their daily digest on or off (see `notify::digest`).
async fn set_digest(State(state): State<AppState>, ctx: Ctx, Form(f): Form<DigestForm>) -> AppResult<Response> {
    let user = ctx.user()?;
    if !user.principal.is_staff() {
        return Err(AppError::Forbidden);
    }
    store::set_staff_digest(&mut *state.db.conn().await?, user.id, f.digest.is_some()).await?;
    Ok(see_other("/me?done=digest"))
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let result = if f.new_password != f.confirm_password {
        Err(AppError::Invalid(vec![FieldError { field: "confirm_password", key: "form.password_mismatch" }]))
    } else {
        let session = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
        service::change_password(&state, user, f.current_password, f.new_password, session.as_deref()).await
    };
    match result {
        Ok(()) => Ok(see_other("/me?done=password")),
        Err(AppError::Invalid(errors)) => {
            let page = profile_page(&state, ctx, None, Errors::none(), errors.into(), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
struct PrefsForm {
    lang: Option<String>,
    view: Option<String>,
    next: Option<String>,
}

fn pref_cookie(state: &AppState, headers: &HeaderMap, name: &'static str, value: &str) -> Cookie<'static> {
    Cookie::build((name, value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(is_https(headers, &state.config))
        .same_site(SameSite::Lax)
        .max_age(time_days(365))
        .build()
}

/// One tap from every page: switch language or large-text mode, remembered in a cookie and,
/// for a logged-in user, in their account.
async fn preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    jar: CookieJar,
    Form(f): Form<PrefsForm>,
) -> AppResult<Response> {
    let locale = match f.lang.as_deref() {
        Some(tag) => Some(Locale::from_tag(tag).ok_or(AppError::BadRequest("error.choice_invalid"))?),
        None => None,
    };
    let large = match f.view.as_deref() {
        Some("large") => Some(true),
        Some("normal") => Some(false),
        Some(_) => return Err(AppError::BadRequest("error.choice_invalid")),
        None => None,
    };
    let mut jar = jar;
    if let Some(l) = locale {
        jar = jar.add(pref_cookie(&state, &headers, LANG_COOKIE, l.tag()));
    }
    if let Some(large) = large {
        jar = jar.add(pref_cookie(&state, &headers, VIEW_COOKIE, if large { "large" } else { "normal" }));
    }
    if let Some(user) = &ctx.user {
        service::save_preferences(&state, user.id, locale.map(Locale::tag), large).await?;
    }
    let mut response = (jar, see_other(&safe_next(f.next.as_deref()))).into_response();
    response.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Cookie"));
    Ok(response)
}

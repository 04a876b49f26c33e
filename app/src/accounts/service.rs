//! Account use cases: logging in, registering with a verified phone, changing one's profile,
//! and staff managing accounts and roles. Each is one transaction with its audit entry.

use std::net::IpAddr;

use crate::accounts::model::{CurrentUser, Phone, check_new_password};
use crate::accounts::store::{self, NewUser};
use crate::accounts::throttle::{self, LOGIN_PER_ADDRESS, LOGIN_PER_PHONE};
use crate::accounts::{password, sessions};
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Grant, Location, Role, Scope, Target};
use crate::crypto::{random_token, sha256_hex};
use crate::db::{Conn, is_unique_violation};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, UserId};
use crate::org;

/// Why a login did not succeed. Deliberately no "no such phone": that would enumerate users.
#[derive(Debug)]
pub enum LoginError {
    /// Phone or password wrong (or the account cannot log in).
    Invalid,
    /// Too many failures; retry after this many seconds.
    Throttled(u64),
    /// Something broke.
    Failed(AppError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Failed(e.into())
    }
}

fn phone_key(state: &AppState, phone: &Phone) -> String {
    format!("login-phone:{}", state.keys.phone_index(phone.as_str()))
}

fn address_key(ip: Option<IpAddr>) -> String {
    format!("login-ip:{}", ip.map(|i| i.to_string()).unwrap_or_default())
}

/// Checks a phone and password and starts a session; returns (user, session cookie value).
/// Throttling is checked first, so even the right password is refused while blocked.
pub async fn login(
    state: &AppState,
    phone: &Phone,
    pass: String,
    ip: Option<IpAddr>,
) -> Result<(UserId, String), LoginError> {
    let now = state.clock.unix();
    let (pkey, akey) = (phone_key(state, phone), address_key(ip));
    let creds = {
        let mut conn = state.db.conn().await?;
        for (key, limit) in [(&pkey, LOGIN_PER_PHONE), (&akey, LOGIN_PER_ADDRESS)] {
            if let Some(wait) = throttle::blocked_for(&mut conn, key, limit, now).await? {
                return Err(LoginError::Throttled(wait));
            }
        }
        store::credentials_by_phone(&mut conn, &state.keys.phone_index(phone.as_str())).await?
    };
    let (user, hash) = match creds {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let ok = password::verify(pass, hash).await;
    let mut tx = state.db.begin().await?;
    match user {
        Some(user) if ok => {
            throttle::clear(&mut tx, &pkey).await?;
            let token = sessions::start(&mut tx, user, now).await?;
            tx.commit().await?;
            Ok((user, token))
        }
        _ => {
            throttle::hit(&mut tx, &pkey, LOGIN_PER_PHONE, now).await?;
            throttle::hit(&mut tx, &akey, LOGIN_PER_ADDRESS, now).await?;
            tx.commit().await?;
            Err(LoginError::Invalid)
        }
    }
}

/// Fields of a new account.
pub struct NewAccount {
    /// Phone.
    pub phone: Phone,
    /// Display name (already checked).
    pub display_name: String,
    /// Home community.
    pub community_id: Option<CommunityId>,
    /// Argon2id hash of the initial password (hashed by the caller, outside the
    /// transaction), or none: the person sets a password later.
    pub password_hash: Option<String>,
}

/// Creates an account with `grants`. Fails with a field error on `phone` when the number is
/// taken — only staff and the CLI call this; self-registration goes through verification.
pub async fn create_account(
    state: &AppState,
    conn: &mut Conn,
    actor: Option<UserId>,
    account: NewAccount,
    grants: &[Grant],
) -> AppResult<UserId> {
    if let Some(community) = account.community_id {
        org::store::community(conn, community)
            .await?
            .ok_or(AppError::Invalid(vec![FieldError { field: "community_id", key: "form.choice_invalid" }]))?;
    }
    let now = state.clock.unix();
    let index = state.keys.phone_index(account.phone.as_str());
    let sealed = state.keys.seal(account.phone.as_str());
    let masked = account.phone.masked();
    let new = NewUser {
        phone_index: &index,
        phone_sealed: &sealed,
        phone_masked: &masked,
        display_name: &account.display_name,
        community_id: account.community_id,
        password_hash: account.password_hash.as_deref(),
    };
    let id = store::insert_user(conn, &new, now).await.map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Invalid(vec![FieldError { field: "phone", key: "form.phone_taken" }])
        } else {
            AppError::Db(e)
        }
    })?;
    for grant in grants {
        store::insert_grant(conn, id, *grant, actor, now).await?;
    }
    let street = match account.community_id {
        Some(c) => org::store::community(conn, c).await?.map(|c| c.street_id),
        None => None,
    };
    let snapshot = store::user(conn, id).await?;
    audit::record(conn, now, actor, "user.create", Change::new("user", id.0, street).after(&snapshot)).await?;
    Ok(id)
}

/// The location of a user for authorization: their home community and its street.
pub async fn user_location(conn: &mut Conn, community: Option<CommunityId>) -> AppResult<Location> {
    Ok(match community {
        Some(c) => match org::store::community(conn, c).await? {
            Some(c) => org::service::community_location(&c),
            None => Location::district(),
        },
        None => Location::district(),
    })
}

/// Changes one's own name and home community.
pub async fn update_profile(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    community: Option<CommunityId>,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    if let Some(c) = community {
        org::store::community(&mut tx, c)
            .await?
            .ok_or(AppError::Invalid(vec![FieldError { field: "community_id", key: "form.choice_invalid" }]))?;
    }
    let now = state.clock.unix();
    let before = store::user(&mut tx, user.id).await?;
    store::update_profile(&mut tx, user.id, &name, community, now).await?;
    let after = store::user(&mut tx, user.id).await?;
    let street = user_location(&mut tx, community).await?.street;
    let change = Change::new("user", user.id.0, street).before(&before).after(&after);
    audit::record(&mut tx, now, user.id, "user.update_profile", change).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes one's own password after checking the current one; ends the other sessions.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: String,
    new: String,
    session: Option<&str>,
) -> AppResult<()> {
    let hash = store::password_hash(&mut *state.db.conn().await?, user.id).await?;
    if !password::verify(current, hash).await {
        return Err(AppError::Invalid(vec![FieldError {
            field: "current_password",
            key: "form.current_password_wrong",
        }]));
    }
    let sealed = store::phone_sealed(&mut *state.db.conn().await?, user.id).await?;
    let phone = sealed.and_then(|s| state.keys.open(&s).ok()).and_then(|p| Phone::parse(&p));
    check_new_password("new_password", &new, phone.as_ref()).map_err(|e| AppError::Invalid(vec![e]))?;
    let new_hash = password::hash(new).await?;
    let mut tx = state.db.begin().await?;
    let now = state.clock.unix();
    store::set_password(&mut tx, user.id, &new_hash, now).await?;
    sessions::end_others(&mut tx, user.id, session).await?;
    audit::record(&mut tx, now, user.id, "user.change_password", Change::new("user", user.id.0, None)).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an API token for a user; returns it (shown once, stored hashed).
pub async fn create_api_token(state: &AppState, user: UserId, label: &str) -> AppResult<String> {
    let token = format!("ejia_{}", random_token());
    let mut tx = state.db.begin().await?;
    let now = state.clock.unix();
    store::insert_api_token(&mut tx, user, &sha256_hex(&token), label, now).await?;
    audit::record(&mut tx, now, None, "api_token.create", Change::new("user", user.0, None)).await?;
    tx.commit().await?;
    Ok(token)
}

/// Where a scope lies, for authorizing grants of it.
pub async fn scope_location(conn: &mut Conn, scope: Scope) -> AppResult<Location> {
    let street_of_community = match scope {
        Scope::Community(c) => Some(org::store::community(conn, c).await?.ok_or(AppError::NotFound)?.street_id),
        Scope::Street(s) => Some(org::store::street(conn, s).await?.ok_or(AppError::NotFound)?.id),
        Scope::Department(d) => org::store::department(conn, d).await?.ok_or(AppError::NotFound)?.street_id,
        Scope::District => None,
    };
    Ok(match scope {
        Scope::Department(d) => Location { street: street_of_community, community: None, department: Some(d) },
        other => other.location(street_of_community),
    })
}

/// Grants or revokes a role. The actor needs the right over the role in that scope; the
/// target user must be visible to them.
pub async fn set_grant(state: &AppState, actor: &CurrentUser, user: UserId, grant: Grant, add: bool) -> AppResult<()> {
    if !grant.role.allows_scope(&grant.scope) {
        return Err(AppError::Invalid(vec![FieldError { field: "scope", key: "form.scope_not_for_role" }]));
    }
    let mut tx = state.db.begin().await?;
    let target = store::user(&mut tx, user).await?.ok_or(AppError::NotFound)?;
    let location = scope_location(&mut tx, grant.scope).await?;
    if !actor.principal.can(Action::Manage, &Target::RoleGrant(grant.role, location)) || actor.id == user {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.unix();
    let changed = if add {
        store::insert_grant(&mut tx, user, grant, Some(actor.id), now).await?
    } else {
        store::delete_grant(&mut tx, user, grant).await?
    };
    if changed {
        let street = user_location(&mut tx, target.community_id).await?.street.or(location.street);
        let (action, change) = if add {
            ("user.grant_role", Change::new("user", user.0, street).after(&grant))
        } else {
            ("user.revoke_role", Change::new("user", user.0, street).before(&grant))
        };
        audit::record(&mut tx, now, actor.id, action, change).await?;
    }
    tx.commit().await?;
    state.tokens.forget_user(user);
    Ok(())
}

/// Stores the language and display choice of a logged-in user.
pub async fn save_preferences(
    state: &AppState,
    user: UserId,
    locale: Option<&str>,
    large_text: Option<bool>,
) -> AppResult<()> {
    store::set_preferences(&mut *state.db.conn().await?, user, locale, large_text).await?;
    Ok(())
}

/// The role every self-registered person holds.
pub const RESIDENT: Grant = Grant { role: Role::Resident, scope: Scope::District };

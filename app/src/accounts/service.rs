//! Account use cases: logging in, registering with a verified phone, changing one's profile,
//! and staff managing accounts and roles. Each is one transaction with its audit entry.

use std::net::IpAddr;

use crate::accounts::credentials::sessions;
use crate::accounts::login::throttle::{
    self, LOGIN_PER_ADDRESS, LOGIN_PER_PHONE, LOGIN_PER_UNLOCK, PASSWORD_CHANGE_PER_USER,
};
use crate::accounts::login::unlock;
use crate::accounts::model::{CurrentUser, Phone, check_new_password};
use crate::accounts::store::{self, NewUser};
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Action, Grant, Location, Role, Scope, Target};
use crate::db::{Conn, is_unique_violation};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::{CommunityId, UserId};
use crate::org;

/// Why a login did not succeed. Deliberately no "no such phone": that would enumerate users.
#[derive(Debug)]
pub enum LoginError {
    /// Phone or password wrong (or the account cannot log in).
    Invalid,
    /// Too many failures; retry after `retry_after` seconds. `phone` says whether the phone's
    /// own lock refused it (which its owner can lift with a texted code) or the address's.
    Throttled {
        /// Seconds until the window ends.
        retry_after: u64,
        /// The phone, not the client address, is locked.
        phone: bool,
    },
    /// Something broke, or the server is too busy to check a password now.
    Failed(AppError),
}

impl From<sqlx::Error> for LoginError {
    fn from(e: sqlx::Error) -> Self {
        LoginError::Failed(e.into())
    }
}

impl From<AppError> for LoginError {
    fn from(e: AppError) -> Self {
        LoginError::Failed(e)
    }
}

fn phone_key(state: &AppState, phone: &Phone) -> String {
    format!("login-phone:{}", state.keys.phone_index(phone.as_str()))
}

fn address_key(ip: Option<IpAddr>) -> String {
    throttle::address_key("login-ip", ip)
}

/// Checks a phone and password and starts a session; returns (user, session cookie value).
///
/// Each attempt is counted against the phone and the client address *before* the password is
/// checked, and given back only when it was right, so the limits hold however many attempts
/// run at once and on however many instances. While the phone is locked, even the right
/// password is refused — unless this browser holds an `unlock` of that phone (a texted code),
/// whose attempts count against the unlock instead.
pub async fn login(
    state: &AppState,
    phone: &Phone,
    pass: String,
    ip: Option<IpAddr>,
    unlock_cookie: Option<&str>,
) -> Result<(UserId, String), LoginError> {
    let now = state.clock.unix();
    let index = state.keys.phone_index(phone.as_str());
    let (pkey, akey) = (phone_key(state, phone), address_key(ip));
    let mut conn = state.db.conn().await?;
    let mut phone_side = (pkey.clone(), LOGIN_PER_PHONE);
    if let Some(wait) = throttle::reserve(&mut conn, &pkey, LOGIN_PER_PHONE, now).await? {
        let Some(ukey) = unlock::key(&mut conn, unlock_cookie, &index, now).await? else {
            return Err(LoginError::Throttled { retry_after: wait, phone: true });
        };
        if let Some(wait) = throttle::reserve(&mut conn, &ukey, LOGIN_PER_UNLOCK, now).await? {
            return Err(LoginError::Throttled { retry_after: wait, phone: true });
        }
        phone_side = (ukey, LOGIN_PER_UNLOCK);
    }
    if let Some(wait) = throttle::reserve(&mut conn, &akey, LOGIN_PER_ADDRESS, now).await? {
        throttle::release(&mut conn, &phone_side.0).await?;
        return Err(LoginError::Throttled { retry_after: wait, phone: false });
    }
    // Throttled attempts were refused above without taking a hashing place; an attempt the
    // server is too busy to check was never made, so it is given back.
    let place = match state.hashing.admit() {
        Ok(place) => place,
        Err(busy) => {
            throttle::release_all(&mut conn, &[(&phone_side.0, phone_side.1), (&akey, LOGIN_PER_ADDRESS)]).await?;
            return Err(LoginError::Failed(busy.into()));
        }
    };
    let creds = store::credentials_by_phone(&mut conn, &index).await?;
    drop(conn);
    let (user, hash) = match creds {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let ok = state.hashing.verify(place, pass, hash).await;
    match user {
        Some(user) if ok => {
            let mut tx = state.db.begin().await?;
            throttle::clear(&mut tx, &pkey).await?;
            throttle::clear(&mut tx, &phone_side.0).await?;
            throttle::release(&mut tx, &akey).await?;
            if let Some(cookie) = unlock_cookie {
                unlock::end(&mut tx, cookie).await?;
            }
            let token = sessions::start(&mut tx, user, now).await?;
            tx.commit().await?;
            Ok((user, token))
        }
        // The reservations stay: they are this failure's count.
        _ => Err(LoginError::Invalid),
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

/// Changes one's own password after checking the current one; ends the other sessions and
/// the API tokens that are not long-lived service tokens. Wrong current passwords are
/// throttled per account like logins, so a borrowed session cannot guess its way to the
/// password.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: String,
    new: String,
    session: Option<&str>,
) -> AppResult<()> {
    let sealed = store::phone_sealed(&mut *state.db.conn().await?, user.id).await?;
    let phone = sealed.and_then(|s| state.keys.open(&s).ok()).and_then(|p| Phone::parse(&p));
    check_new_password("new_password", &new, phone.as_ref()).map_err(|e| AppError::Invalid(vec![e]))?;
    let key = format!("password-change:{}", user.id);
    let now = state.clock.unix();
    let (place, hash) = {
        let mut conn = state.db.conn().await?;
        if let Some(retry_after) = throttle::reserve(&mut conn, &key, PASSWORD_CHANGE_PER_USER, now).await? {
            return Err(AppError::TooManyRequests { retry_after });
        }
        let place = match state.hashing.admit() {
            Ok(place) => place,
            Err(busy) => {
                throttle::release(&mut conn, &key).await?;
                return Err(busy.into());
            }
        };
        (place, store::password_hash(&mut conn, user.id).await?)
    };
    if !state.hashing.verify(place, current, hash).await {
        return Err(AppError::Invalid(vec![FieldError {
            field: "current_password",
            key: "form.current_password_wrong",
        }]));
    }
    // The new hash waits for a core rather than refusing: the current password was right.
    let new_hash = state.hashing.hash_waiting(new).await?;
    let mut tx = state.db.begin().await?;
    throttle::clear(&mut tx, &key).await?;
    store::set_password(&mut tx, user.id, &new_hash, now).await?;
    sessions::end_others(&mut tx, user.id, session).await?;
    let ended = store::revoke_short_lived_tokens(&mut tx, user.id, now).await?;
    let change = Change::new("user", user.id.0, None).after(&serde_json::json!({ "api_tokens_ended": ended }));
    audit::record(&mut tx, now, user.id, "user.change_password", change).await?;
    tx.commit().await?;
    state.tokens.forget_user(user.id);
    Ok(())
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

/// Grants or revokes a role. The actor needs the right over the role in that scope, and must
/// be able to manage the target user (a street admin: a resident of their street); a user they
/// may not see is answered 404, as on the user's page. The audit entry is filed under the
/// street the grant applies to (else the user's), so the granter's audit log shows it.
pub async fn set_grant(state: &AppState, actor: &CurrentUser, user: UserId, grant: Grant, add: bool) -> AppResult<()> {
    if !grant.role.allows_scope(&grant.scope) {
        return Err(AppError::Invalid(vec![FieldError { field: "scope", key: "form.scope_not_for_role" }]));
    }
    let mut tx = state.db.begin().await?;
    let target = store::user(&mut tx, user).await?.ok_or(AppError::NotFound)?;
    let home = user_location(&mut tx, target.community_id).await?;
    if !actor.principal.can(Action::View, &Target::User(user, home)) {
        return Err(AppError::NotFound);
    }
    let location = scope_location(&mut tx, grant.scope).await?;
    if !actor.principal.can(Action::Manage, &Target::User(user, home))
        || !actor.principal.can(Action::Manage, &Target::RoleGrant(grant.role, location))
    {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.unix();
    let changed = if add {
        store::insert_grant(&mut tx, user, grant, Some(actor.id), now).await?
    } else {
        store::delete_grant(&mut tx, user, grant).await?
    };
    if changed {
        let street = location.street.or(home.street);
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

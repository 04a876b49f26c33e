//! API token lookups, remembered briefly in memory.
//!
//! Every API request presents a token; during a booking rush that is thousands a second.
//! Looking each up (token → user → roles) would cost more than the booking itself, so a
//! verified token is remembered for [`TTL_MS`]. The price: a role change or a disabled
//! account reaches API requests on other instances up to that long after; this instance
//! forgets at once ([`TokenCache::forget_user`]).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::accounts::credentials::sessions;
use crate::accounts::model::CurrentUser;
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::ids::UserId;

/// How long a verified token is trusted without asking the database.
pub const TTL_MS: i64 = 30_000;
/// Above this many remembered tokens the cache starts afresh (bounded memory).
const MAX_ENTRIES: usize = 200_000;

/// The cache.
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<String, (i64, Arc<CurrentUser>)>>,
}

impl TokenCache {
    /// The user behind a bearer token, if it is live.
    pub async fn user(&self, state: &AppState, token: &str) -> Result<Option<Arc<CurrentUser>>, sqlx::Error> {
        let hash = sha256_hex(token);
        let now = state.clock.now().timestamp_millis();
        if let Some((at, user)) = self.entries.read().unwrap_or_else(|e| e.into_inner()).get(&hash)
            && now - at < TTL_MS
        {
            return Ok(Some(user.clone()));
        }
        let found = sessions::user_by_api_token(&mut *state.db.conn().await?, &hash).await?;
        let Some(user) = found else { return Ok(None) };
        let user = Arc::new(user);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(hash, (now, user.clone()));
        Ok(Some(user))
    }

    /// Forgets a user's tokens (after their roles or account changed here).
    pub fn forget_user(&self, user: UserId) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).retain(|_, (_, u)| u.id != user);
    }
}

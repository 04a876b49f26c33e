//! A user's inbox as people read it: each notice in words, newest first.

use crate::app::AppState;
use crate::bookings::listing;
use crate::error::AppResult;
use crate::ids::UserId;
use crate::notify::model::{Kind, reservation_of};
use crate::notify::store;
use crate::notify::wording;
use crate::notify::worker::describe;
use crate::web::i18n::{self, Locale};

/// How many notices the inbox shows.
pub const SHOWN: i64 = 100;

/// One notice, worded.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// `booking.confirmed`, `booking.promoted`, `booking.reminder`, `booking.cancelled`,
    /// `case.dispatched`, `case.closed`, `case.assist_step`, `case.assist_enterprise_approved`, …
    pub kind: String,
    /// The notice in the reader's language.
    pub text: String,
    /// When (Unix seconds).
    pub created_at: i64,
    /// Whether the user has marked it read.
    pub read: bool,
    /// Where to see what it speaks of (the case, my bookings), if anywhere.
    pub link: Option<String>,
}

/// The newest notices of a user, worded in `locale`: the bookings' here, the others by the
/// domain that registered their prefix (see [`wording`]). Notices of unknown kinds or about
/// things no longer there are left out.
pub async fn entries(state: &AppState, user: UserId, locale: Locale) -> AppResult<Vec<Entry>> {
    let mut conn = state.db.conn().await?;
    let notices = store::inbox(&mut conn, user, SHOWN).await?;
    let mut out = Vec::with_capacity(notices.len());
    for n in notices {
        if let Some(words) = wording::of(state, &n.kind) {
            if let Some(text) = words.inbox_text(&mut conn, &n.kind, &n.params_json, locale).await? {
                let link = words.link(&n.kind, &n.params_json);
                let read = n.read_at.is_some();
                out.push(Entry { id: n.id, kind: n.kind, text, created_at: n.created_at, read, link });
            }
            continue;
        }
        let Some(kind) = Kind::parse(&n.kind) else { continue };
        let Some(line) = reservation_of(&n.params_json) else { continue };
        let Some(line) = listing::one(&mut conn, line).await? else { continue };
        let details = describe(&line, locale);
        let args: Vec<(&str, &str)> = details.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.push(Entry {
            id: n.id,
            kind: n.kind,
            text: i18n::tf(locale, kind.inbox_key(), &args),
            created_at: n.created_at,
            read: n.read_at.is_some(),
            // A booking's notice speaks of one of my bookings: they are listed, with their
            // tickets, on one page.
            link: Some("/me/bookings".to_owned()),
        });
    }
    Ok(out)
}

//! What the reporter hears: a notice in their inbox at each public step of their case
//! (accepted or not, dispatched, postponed, handled, closed, voided). Stored as
//! `case.<state>` with the case's id; worded when the inbox is read, in the reader's language,
//! by [`CaseNotices`], which the core registers with the inbox (`notify::wording`). The staff's
//! notices of their queues (`case.queue_…`, see `queues`) are worded through it too.

use crate::cases::store;
use crate::cases::workflow::State;
use crate::db::{BoxFuture, Conn};
use crate::ids::UserId;
use crate::notify::wording::Wording;
use crate::web::i18n::{self, Locale};

/// The stored kinds start with this.
pub const PREFIX: &str = "case.";

/// The inbox text's catalog key for a step, if the reporter hears of it.
pub fn inbox_key(state: State) -> Option<&'static str> {
    Some(match state {
        State::Accepted => "inbox.case_accepted",
        State::Rejected => "inbox.case_rejected",
        State::Dispatched => "inbox.case_dispatched",
        State::Postponed => "inbox.case_postponed",
        State::Handled => "inbox.case_handled",
        State::Closed => "inbox.case_closed",
        State::Voided => "inbox.case_voided",
        State::Reported | State::Handling => return None,
    })
}

/// Leaves a notice for `reporter` that their case reached `state`.
pub async fn tell(conn: &mut Conn, reporter: UserId, case: i64, state: State, now: i64) -> Result<(), sqlx::Error> {
    if inbox_key(state).is_none() {
        return Ok(());
    }
    sqlx::query("insert into notifications (user_id, kind, params_json, created_at) values ($1, $2, $3, $4)")
        .bind(reporter.0)
        .bind(format!("{PREFIX}{}", state.as_str()))
        .bind(serde_json::json!({ "case_id": case }).to_string())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A stored case notice in words; None for kinds or cases no longer known.
pub async fn text(
    conn: &mut Conn,
    kind: &str,
    params_json: &str,
    locale: Locale,
) -> Result<Option<String>, sqlx::Error> {
    if kind.starts_with(crate::cases::queues::PREFIX) {
        return crate::cases::queues::text(conn, kind, params_json, locale).await;
    }
    let Some(key) = kind.strip_prefix(PREFIX).and_then(State::parse).and_then(inbox_key) else { return Ok(None) };
    let Some(id) = case_of(params_json) else { return Ok(None) };
    let Some(case) = store::case(conn, id).await? else { return Ok(None) };
    let category = store::category(conn, case.category_id).await?;
    let category =
        category.map(|c| i18n::LocalName::pick(locale, &c.name, c.name_en.as_deref()).text).unwrap_or_default();
    Ok(Some(i18n::tf(locale, key, &[("number", &id.to_string()), ("category", &category)])))
}

/// The case a stored case notice speaks of.
pub fn case_of(params_json: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(params_json).ok().and_then(|v| v["case_id"].as_i64())
}

/// The case notices' wording, registered with the inbox by the core's `DOMAIN`.
pub struct CaseNotices;

impl Wording for CaseNotices {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn inbox_text<'a>(
        &'a self,
        conn: &'a mut Conn,
        kind: &'a str,
        params_json: &'a str,
        locale: Locale,
    ) -> BoxFuture<'a, Result<Option<String>, sqlx::Error>> {
        Box::pin(text(conn, kind, params_json, locale))
    }

    fn link(&self, _kind: &str, params_json: &str) -> Option<String> {
        case_of(params_json).map(|id| format!("/cases/{id}"))
    }
}

//! Revealing what the case page shows masked or not at all, to the staff who must call someone
//! about the case: a hotline caller's number, to call them back (回访); an enterprise's contact
//! number, to walk its checklist with it (帮办); and who reported anonymously — name and number,
//! to the command centre alone, which may need to ask them. A masked number cannot be dialled.
//!
//! Private by default: the number is shown only in the answer to a POST (CSRF-checked like
//! every form), just that once, never in a URL, cookie or redirect, and with
//! `Cache-Control: no-store` so no cache keeps the page. Every reveal is written to the audit
//! log — who, which case, what kind of thing, never the thing itself — in the transaction that
//! reads the sealed value, so nothing is shown without its entry.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::cases::case_views::case_page;
use crate::cases::hotline::store::{self as callers, CallerPhone};
use crate::cases::model::Case;
use crate::cases::workflow::Party;
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::web::extract::Path;
use crate::web::{Ctx, render_status};

/// What a reveal opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The hotline caller's number.
    Caller,
    /// The enterprise's contact number on an assistance request.
    Contact,
    /// The name and number of the resident who filed an anonymous report.
    Reporter,
}

impl Subject {
    /// Every subject.
    pub const ALL: [Subject; 3] = [Subject::Caller, Subject::Contact, Subject::Reporter];

    /// Its part of the form's URL, `/cases/{id}/{segment}/reveal`, and its name in templates.
    pub fn segment(self) -> &'static str {
        match self {
            Subject::Caller => "caller",
            Subject::Contact => "contact",
            Subject::Reporter => "reporter",
        }
    }

    /// The audit action of a reveal.
    pub fn audit_action(self) -> &'static str {
        match self {
            Subject::Caller => "case.caller_reveal",
            Subject::Contact => "case.contact_reveal",
            Subject::Reporter => "case.reporter_reveal",
        }
    }

    /// What the audit entry says was revealed: the kind of thing, never the thing.
    fn what(self) -> &'static str {
        match self {
            Subject::Caller => "caller_phone",
            Subject::Contact => "contact_phone",
            Subject::Reporter => "anonymous_reporter",
        }
    }

    /// The parts that may reveal it.
    fn revealers(self) -> &'static [Party] {
        match self {
            Subject::Caller => &CALLER_REVEALERS,
            Subject::Contact => &CONTACT_REVEALERS,
            Subject::Reporter => &REPORTER_REVEALERS,
        }
    }
}

/// The parts that may see a caller's whole number: those who call residents back about a case.
/// The command centre (dispatchers) makes the 12345 return calls; the district's and the
/// case's street's admins answer for cases in their area and take calls themselves; the
/// department the case is with may need to ask the caller where exactly or when to come.
/// Not the reporter (a resident who sees their own case), not inspectors (they check the work
/// on the spot, not with the caller), and not other departments (they are no party at all).
const CALLER_REVEALERS: [Party; 4] = [Party::Dispatcher, Party::DistrictAdmin, Party::StreetAdmin, Party::Handler];

/// The parts that may see an enterprise contact's whole number: the agent (帮办员) who walks the
/// checklist with the company, and the command centre and district admins who assign and
/// press the agent. Not the agent's colleagues of the department (they do not work the
/// request), and not the company itself (it is its own number).
const CONTACT_REVEALERS: [Party; 3] = [Party::Agent, Party::Dispatcher, Party::DistrictAdmin];

/// The part that may learn who filed an anonymous report: the command centre, as the report
/// form promises the reporter — not the department, the street or the district's admins.
const REPORTER_REVEALERS: [Party; 1] = [Party::Dispatcher];

/// Whether someone with these parts in a case may reveal its `subject`.
pub fn may_reveal(subject: Subject, parts: &[Party]) -> bool {
    parts.iter().any(|p| subject.revealers().contains(p))
}

/// A number, whole, ready to dial.
#[derive(Debug, Clone)]
pub struct FullNumber {
    /// Grouped for reading out: `139 1111 2222`.
    pub shown: String,
    /// `tel:13911112222`.
    pub tel: String,
}

impl From<&CallerPhone> for FullNumber {
    fn from(phone: &CallerPhone) -> Self {
        Self { shown: phone.dial_display(), tel: phone.tel_uri() }
    }
}

/// What came of a reveal the viewer was allowed.
#[derive(Debug, Clone)]
pub enum Revealed {
    /// The number, and the name that goes with it (an anonymous reporter's).
    Number {
        /// Name, when the reveal is of a person.
        name: Option<String>,
        /// The number.
        number: FullNumber,
    },
    /// The sealed value could not be opened (the key changed, or the data is damaged).
    Unreadable,
}

/// A reveal's answer, for the case page to show where its subject is.
#[derive(Debug, Clone)]
pub struct Shown {
    /// What was revealed.
    pub subject: Subject,
    /// What came of it.
    pub revealed: Revealed,
}

/// Routes of the reveal forms, one per subject.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/caller/reveal", post(|s, c, p| reveal_page(s, c, p, Subject::Caller)))
        .route("/cases/{id}/contact/reveal", post(|s, c, p| reveal_page(s, c, p, Subject::Contact)))
        .route("/cases/{id}/reporter/reveal", post(|s, c, p| reveal_page(s, c, p, Subject::Reporter)))
}

/// The sealed number of `case`'s `subject` and the name that goes with it, if the case has one
/// (a report that is not anonymous has no reporter to reveal: nothing hides them).
async fn sealed(conn: &mut Conn, case: &Case, subject: Subject) -> AppResult<Option<(Option<String>, String)>> {
    Ok(match subject {
        Subject::Caller => callers::sealed_phone(conn, case.id).await?.map(|s| (None, s)),
        Subject::Contact => crate::enterprise::store::request_of(conn, case.id)
            .await?
            .map(|(_, (_, sealed, _))| (None, sealed))
            .filter(|(_, s)| !s.is_empty()),
        Subject::Reporter => match case.reporter.filter(|_| case.anonymous) {
            Some(reporter) => {
                sqlx::query_as::<_, (String, String)>("select display_name, phone_sealed from users where user_id = $1")
                    .bind(reporter.0)
                    .fetch_optional(conn)
                    .await?
                    .map(|(name, sealed)| (Some(name), sealed))
            }
            None => None,
        },
    })
}

/// Reveals `subject` of case `id` to `user` and records that they saw it. Someone who cannot
/// see the case, or a case without one, gets 404; someone who sees it without a part that may
/// reveal (see [`Subject::revealers`]) gets 403. Neither leaves an entry.
pub async fn reveal(state: &AppState, user: &CurrentUser, id: i64, subject: Subject) -> AppResult<Revealed> {
    let mut tx = state.db.begin().await?;
    let (case, parts) = crate::cases::service::visible(&mut tx, user, id).await?;
    if !may_reveal(subject, &parts) {
        return Err(AppError::Forbidden);
    }
    let (name, sealed) = sealed(&mut tx, &case, subject).await?.ok_or(AppError::NotFound)?;
    let phone = match callers::open(&state.keys, &sealed) {
        Ok(phone) => phone,
        Err(e) => {
            // Nothing was shown, so nothing is audited; operators must hear of it, though.
            tracing::error!(case = id, subject = subject.segment(), error = %e, "a sealed number cannot be opened");
            return Ok(Revealed::Unreadable);
        }
    };
    let change = Change::new("case", id, case.street_id).after(&serde_json::json!({"revealed": subject.what()}));
    audit::record(&mut tx, state.clock.unix(), user.id, subject.audit_action(), change).await?;
    tx.commit().await?;
    Ok(Revealed::Number { name, number: FullNumber::from(&phone) })
}

/// The case page with the whole number (or why it cannot be shown), answered to the POST
/// itself so the number travels in this one response only.
async fn reveal_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    subject: Subject,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let revealed = reveal(&state, &user, id, subject).await?;
    let mut page = case_page(&state, ctx, id, false, None).await?;
    let status = match revealed {
        Revealed::Number { .. } => StatusCode::OK,
        Revealed::Unreadable => StatusCode::INTERNAL_SERVER_ERROR,
    };
    page.shown = Some(Shown { subject, revealed });
    let mut response = render_status(status, &page)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn those_who_call_back_may_reveal_a_caller() {
        for party in Party::ALL {
            let expected =
                matches!(party, Party::Dispatcher | Party::DistrictAdmin | Party::StreetAdmin | Party::Handler);
            assert_eq!(may_reveal(Subject::Caller, &[party]), expected, "{party:?}");
        }
        assert!(!may_reveal(Subject::Caller, &[]));
        assert!(may_reveal(Subject::Caller, &[Party::Reporter, Party::Handler]), "a handler who also called in");
    }

    #[test]
    fn the_agent_and_the_centre_may_reveal_an_enterprise_contact() {
        for party in Party::ALL {
            let expected = matches!(party, Party::Agent | Party::Dispatcher | Party::DistrictAdmin);
            assert_eq!(may_reveal(Subject::Contact, &[party]), expected, "{party:?}");
        }
        assert!(!may_reveal(Subject::Contact, &[Party::Handler, Party::StreetAdmin, Party::Reporter]));
    }

    #[test]
    fn only_the_command_centre_may_learn_who_reported_anonymously() {
        for party in Party::ALL {
            assert_eq!(may_reveal(Subject::Reporter, &[party]), party == Party::Dispatcher, "{party:?}");
        }
    }

    #[test]
    fn subjects_have_their_own_routes_and_audit_actions() {
        let segments: Vec<&str> = Subject::ALL.iter().map(|s| s.segment()).collect();
        assert_eq!(segments, ["caller", "contact", "reporter"]);
        assert_eq!(Subject::Caller.audit_action(), "case.caller_reveal", "the log's existing entries keep their name");
        assert_eq!(Subject::Contact.audit_action(), "case.contact_reveal");
    }
}

//! "Say what happened" after an action (issue 12, point 5): a one-time message on the next page
//! — 已登录, 已退出, 巡查已结束, 家人信息已保存 — that works without JavaScript and is announced by
//! screen readers (`role="status"` in `base.html`).
//!
//! The action's redirect sets a short-lived cookie naming a [`Flash`] ([`redirect`]); the next
//! page reads it into its [`crate::web::Ctx`] and shows it; [`clear`] drops the cookie once an
//! HTML page has been answered (not on a redirect, so the message survives one more hop). The
//! cookie carries only a name from this closed list, never text: nothing a request sends is
//! shown. Cookie rather than session: it works for a visitor who just logged out, and needs no
//! write to the database.
//!
//! To add a message: a variant here, its name, and its `flash.*` key in both catalogues.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum_extra::extract::cookie::CookieJar;

/// The cookie carrying the message's name.
pub const FLASH_COOKIE: &str = "ejia_flash";

/// A message shown once on the next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    /// 已登录.
    LoggedIn,
    /// 已退出.
    LoggedOut,
    /// 巡查已结束.
    PatrolEnded,
    /// A family member was added (for the appointments' add form).
    PersonAdded,
    /// A family member's details were saved.
    PersonSaved,
    /// A family member was removed.
    PersonRemoved,
    /// The password was reset; every session ended.
    PasswordReset,
    /// An activity was created or its details saved.
    EventSaved,
    /// A booking or registration was confirmed.
    BookingConfirmed,
    /// Fully booked: on the waiting list.
    BookingWaitlisted,
    /// Entered in a lottery.
    BookingRequested,
    /// A booking was cancelled (the list scrolls to it).
    BookingCancelled,
    /// A booking moved to another time.
    BookingRescheduled,
    /// Checked in at the door with the day's code.
    CheckedIn,
    /// The calendar feed's address changed.
    CalendarRotated,
    /// A challenge's check-in counts (网上重走长征路).
    CheckinCounted,
    /// A challenge's check-in is held for an organiser (the page's list says why).
    CheckinHeld,
    /// Joined a challenge.
    ChallengeJoined,
    /// A challenge was created (its teams page opens).
    ChallengeCreated,
    /// A challenge's rules were saved.
    ChallengeSaved,
    /// A team was added to a challenge.
    TeamAdded,
    /// A challenge's team was renamed.
    TeamRenamed,
    /// Community teams were made, one per community.
    TeamsMade,
    /// Every community had its team already: none made.
    TeamsUnchanged,
    /// An organiser accepted a held check-in.
    CheckinAccepted,
    /// An organiser reduced a held check-in.
    CheckinReduced,
    /// An organiser refused a held check-in.
    CheckinRefused,
}

impl Flash {
    /// Every message.
    pub const ALL: [Flash; 27] = [
        Flash::LoggedIn,
        Flash::LoggedOut,
        Flash::PatrolEnded,
        Flash::PersonAdded,
        Flash::PersonSaved,
        Flash::PersonRemoved,
        Flash::PasswordReset,
        Flash::EventSaved,
        Flash::BookingConfirmed,
        Flash::BookingWaitlisted,
        Flash::BookingRequested,
        Flash::BookingCancelled,
        Flash::BookingRescheduled,
        Flash::CheckedIn,
        Flash::CalendarRotated,
        Flash::CheckinCounted,
        Flash::CheckinHeld,
        Flash::ChallengeJoined,
        Flash::ChallengeCreated,
        Flash::ChallengeSaved,
        Flash::TeamAdded,
        Flash::TeamRenamed,
        Flash::TeamsMade,
        Flash::TeamsUnchanged,
        Flash::CheckinAccepted,
        Flash::CheckinReduced,
        Flash::CheckinRefused,
    ];

    /// Its name in the cookie.
    pub fn as_str(self) -> &'static str {
        match self {
            Flash::LoggedIn => "logged_in",
            Flash::LoggedOut => "logged_out",
            Flash::PatrolEnded => "patrol_ended",
            Flash::PersonAdded => "person_added",
            Flash::PersonSaved => "person_saved",
            Flash::PersonRemoved => "person_removed",
            Flash::PasswordReset => "password_reset",
            Flash::EventSaved => "event_saved",
            Flash::BookingConfirmed => "booking_confirmed",
            Flash::BookingWaitlisted => "booking_waitlisted",
            Flash::BookingRequested => "booking_requested",
            Flash::BookingCancelled => "booking_cancelled",
            Flash::BookingRescheduled => "booking_rescheduled",
            Flash::CheckedIn => "checked_in",
            Flash::CalendarRotated => "calendar_rotated",
            Flash::CheckinCounted => "checkin_counted",
            Flash::CheckinHeld => "checkin_held",
            Flash::ChallengeJoined => "challenge_joined",
            Flash::ChallengeCreated => "challenge_created",
            Flash::ChallengeSaved => "challenge_saved",
            Flash::TeamAdded => "team_added",
            Flash::TeamRenamed => "team_renamed",
            Flash::TeamsMade => "teams_made",
            Flash::TeamsUnchanged => "teams_unchanged",
            Flash::CheckinAccepted => "checkin_accepted",
            Flash::CheckinReduced => "checkin_reduced",
            Flash::CheckinRefused => "checkin_refused",
        }
    }

    /// Parses [`Flash::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Catalog key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Flash::LoggedIn => "flash.logged_in",
            Flash::LoggedOut => "flash.logged_out",
            Flash::PatrolEnded => "flash.patrol_ended",
            Flash::PersonAdded => "flash.person_added",
            Flash::PersonSaved => "flash.person_saved",
            Flash::PersonRemoved => "flash.person_removed",
            Flash::PasswordReset => "flash.password_reset",
            Flash::EventSaved => "flash.event_saved",
            Flash::BookingConfirmed => "flash.booking_confirmed",
            Flash::BookingWaitlisted => "flash.booking_waitlisted",
            Flash::BookingRequested => "flash.booking_requested",
            Flash::BookingCancelled => "flash.booking_cancelled",
            Flash::BookingRescheduled => "flash.booking_rescheduled",
            Flash::CheckedIn => "flash.checked_in",
            Flash::CalendarRotated => "flash.calendar_rotated",
            Flash::CheckinCounted => "flash.checkin_counted",
            Flash::CheckinHeld => "flash.checkin_held",
            Flash::ChallengeJoined => "flash.challenge_joined",
            Flash::ChallengeCreated => "flash.challenge_created",
            Flash::ChallengeSaved => "flash.challenge_saved",
            Flash::TeamAdded => "flash.team_added",
            Flash::TeamRenamed => "flash.team_renamed",
            Flash::TeamsMade => "flash.teams_made",
            Flash::TeamsUnchanged => "flash.teams_unchanged",
            Flash::CheckinAccepted => "flash.checkin_accepted",
            Flash::CheckinReduced => "flash.checkin_reduced",
            Flash::CheckinRefused => "flash.checkin_refused",
        }
    }

    /// The `Set-Cookie` value that carries it: short-lived, for this site's pages only.
    fn cookie(self) -> HeaderValue {
        HeaderValue::from_str(&format!("{FLASH_COOKIE}={}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax", self.as_str()))
            .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// The message a request's cookies carry, if any.
pub fn of(jar: &CookieJar) -> Option<Flash> {
    jar.get(FLASH_COOKIE).and_then(|c| Flash::parse(c.value()))
}

/// Adds `flash` to a response (usually a redirect).
pub fn with(mut response: Response, flash: Flash) -> Response {
    response.headers_mut().append(header::SET_COOKIE, flash.cookie());
    response
}

/// 303 See Other to `to`, saying `flash` there.
pub fn redirect(to: &str, flash: Flash) -> Response {
    with(crate::web::see_other(to), flash)
}

/// Middleware: once a page has been answered to a request that carried a message, the message
/// is gone (its cookie removed). A redirect keeps it for the page it leads to.
pub async fn clear(request: Request, next: Next) -> Response {
    let carried =
        request.headers().get_all(header::COOKIE).iter().any(|v| v.to_str().is_ok_and(|s| s.contains(FLASH_COOKIE)));
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if carried && html && !response.status().is_redirection() {
        let gone = HeaderValue::from_static("ejia_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        response.headers_mut().append(header::SET_COOKIE, gone);
    }
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_travels_by_name_only() {
        for f in Flash::ALL {
            assert_eq!(Flash::parse(f.as_str()), Some(f));
            assert_eq!(f.key().split('.').next(), Some("flash"), "in the catalogues' [flash] table");
        }
        assert_eq!(Flash::parse("<script>"), None);
        let r = redirect("/patrol", Flash::PatrolEnded);
        let cookie = r.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(cookie.starts_with("ejia_flash=patrol_ended;"), "{cookie}");
    }
}

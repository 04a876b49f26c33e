//! Check-in (签到): staff scan a ticket's QR code with the phone camera (where the browser can)
//! or type its code; residents check themselves in with the code a venue shows on a screen,
//! which changes every minute so a photo of it is soon useless. Attendance is kept per
//! person on the reservation (feeding the campaign statistics later).

pub mod routes;

use crate::crypto::Keys;

/// A venue code is valid for one window of this many seconds (and the one before, so a code
/// read just before it changed still works).
pub const WINDOW_SECS: i64 = 60;

/// Self check-in opens this long before a session starts.
pub const EARLY_SECS: i64 = 30 * 60;

/// The code a venue shows at `now`.
pub fn current_code(keys: &Keys, venue: i64, now: i64) -> String {
    keys.venue_code(venue, now.div_euclid(WINDOW_SECS))
}

/// Whether `code` is the venue's code now or a minute ago.
pub fn code_matches(keys: &Keys, venue: i64, now: i64, code: &str) -> bool {
    let window = now.div_euclid(WINDOW_SECS);
    let code = code.trim();
    [window, window - 1].iter().any(|w| keys.venue_code(venue, *w) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_rotate_and_the_previous_one_is_still_accepted() {
        let keys = Keys::from_master(&[3u8; 32]).unwrap();
        let now = 1_795_942_800;
        let code = current_code(&keys, 7, now);
        assert_eq!(code.len(), 6);
        assert!(code_matches(&keys, 7, now, &code));
        assert!(code_matches(&keys, 7, now + WINDOW_SECS, &code), "a minute later still fine");
        assert!(!code_matches(&keys, 7, now + 2 * WINDOW_SECS, &code), "two minutes later it is stale");
        assert!(!code_matches(&keys, 8, now, &code), "another venue's code");
        assert_ne!(current_code(&keys, 7, now + 5 * WINDOW_SECS), code);
    }
}

//! Notices other domains word. A domain that leaves notices in the inbox (the case core at each
//! public step of a report, enterprise assistance at a decision, an assignment, a step) stores
//! them under a kind prefix of its own and registers a [`Wording`] for it through its `DOMAIN`
//! (`app::Domain::notices`): the inbox and the text-message job hand it the notices of its
//! prefix — the longest registered prefix wins, so `case.assist_` is assistance's inside the
//! case core's `case.`. This domain words only the booking notices, its own; it names no other.

use crate::app::AppState;
use crate::db::{BoxFuture, Conn};
use crate::web::i18n::{self, Locale};

/// How a domain words its notices.
pub trait Wording: Sync {
    /// The stored kinds it words start with this.
    fn prefix(&self) -> &'static str;

    /// A stored notice as the inbox shows it; None for kinds, or subjects, no longer known (the
    /// inbox leaves it out).
    fn inbox_text<'a>(
        &'a self,
        conn: &'a mut Conn,
        kind: &'a str,
        params_json: &'a str,
        locale: Locale,
    ) -> BoxFuture<'a, Result<Option<String>, sqlx::Error>>;

    /// Where the reader finds what a stored notice speaks of (the case, the booking), if
    /// anywhere: the inbox links the notice there.
    fn link(&self, _kind: &str, _params_json: &str) -> Option<String> {
        None
    }

    /// The text message a stored notice deserves, if any (most deserve none).
    fn text_message(&self, _kind: &str, _params_json: &str) -> Option<Message> {
        None
    }
}

/// A text message before it is worded in its recipient's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Catalog key.
    pub key: &'static str,
    /// Its placeholders.
    pub args: Vec<(&'static str, String)>,
}

impl Message {
    /// In words, in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        i18n::tf(locale, self.key, &args)
    }
}

/// The wording registered for `kind`: the one with the longest prefix of it.
pub fn of(state: &AppState, kind: &str) -> Option<&'static dyn Wording> {
    longest(state.domains.iter().filter_map(|domain| domain.notices), kind)
}

fn longest<'w>(wordings: impl Iterator<Item = &'w dyn Wording>, kind: &str) -> Option<&'w dyn Wording> {
    wordings.filter(|w| kind.starts_with(w.prefix())).max_by_key(|w| w.prefix().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Prefixed(&'static str);

    impl Wording for Prefixed {
        fn prefix(&self) -> &'static str {
            self.0
        }

        fn inbox_text<'a>(
            &'a self,
            _: &'a mut Conn,
            _: &'a str,
            _: &'a str,
            _: Locale,
        ) -> BoxFuture<'a, Result<Option<String>, sqlx::Error>> {
            Box::pin(std::future::ready(Ok(None)))
        }
    }

    #[test]
    fn the_longest_registered_prefix_words_a_notice() {
        let (cases, assist) = (Prefixed("case."), Prefixed("case.assist_"));
        let all: [&dyn Wording; 2] = [&assist, &cases];
        let pick = |kind: &str| longest(all.into_iter(), kind).map(|w| w.prefix());
        assert_eq!(pick("case.closed"), Some("case."));
        assert_eq!(pick("case.assist_step"), Some("case.assist_"));
        let booking = crate::notify::model::Kind::Confirmed.stored();
        assert_eq!(pick(&booking), None, "the booking notices are this domain's own");
        let message = Message { key: "sms.enterprise_approved", args: vec![("name", "青岛海味".into())] };
        assert!(message.text(Locale::ZhCn).contains("青岛海味"));
    }
}

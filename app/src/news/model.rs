//! The news's types and rules, pure: an article's states, the transition table (which party
//! may take which step) with its four-eyes rule, and what a valid article is.
//!
//! Who counts as which party is decided from two facts the service knows: whether the actor's
//! reach covers the article's place (`authz`, `Target::Article`), and whether they wrote it.
//! The table then says what each may do, as `cases::workflow` does for cases.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::StreetId;

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    /// Being written; only the newsroom sees it.
    Draft,
    /// Sent for review: waiting for a second pair of eyes.
    Review,
    /// Approved for a future time; 404 to the public until the job publishes it.
    Scheduled,
    /// Public.
    Published,
    /// Taken down; only the newsroom sees it.
    Withdrawn,
}

impl ArticleState {
    /// Every state.
    pub const ALL: [ArticleState; 5] = [
        ArticleState::Draft,
        ArticleState::Review,
        ArticleState::Scheduled,
        ArticleState::Published,
        ArticleState::Withdrawn,
    ];

    /// Stable name (database, API).
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Review => "review",
            ArticleState::Scheduled => "scheduled",
            ArticleState::Published => "published",
            ArticleState::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`ArticleState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// Translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            ArticleState::Draft => "news.state.draft",
            ArticleState::Review => "news.state.review",
            ArticleState::Scheduled => "news.state.scheduled",
            ArticleState::Published => "news.state.published",
            ArticleState::Withdrawn => "news.state.withdrawn",
        }
    }

    /// Whether the text may still change. A published article may, as a correction that keeps
    /// the text before it ([`ArticleState::corrects`]); a withdrawn one is closed.
    pub fn editable(self) -> bool {
        !matches!(self, ArticleState::Withdrawn)
    }

    /// Whether a change of text now is a correction of what the public has read.
    pub fn corrects(self) -> bool {
        matches!(self, ArticleState::Published)
    }
}

/// Who takes a step, relative to the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The newsroom member who wrote it.
    Author,
    /// Another newsroom member whose reach covers the article (an editor, or the admin of its
    /// place): the second pair of eyes.
    Colleague,
    /// The scheduled-publishing job.
    System,
}

/// The transition table: (from, to, who may).
///
/// Four eyes: only a colleague publishes or schedules, never the author.
pub const TRANSITIONS: &[(ArticleState, ArticleState, &[Party])] = {
    use ArticleState::*;
    use Party::*;
    &[
        (Draft, Review, &[Author]),
        (Review, Draft, &[Author, Colleague]),
        (Review, Published, &[Colleague]),
        (Review, Scheduled, &[Colleague]),
        (Scheduled, Published, &[System]),
        (Scheduled, Withdrawn, &[Author, Colleague]),
        (Published, Withdrawn, &[Author, Colleague]),
    ]
};

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such step from this state (409).
    NoSuchStep,
    /// The step exists but is not this party's (403): e.g. the author publishing.
    NotYours,
}

/// Whether `party` may move an article from `from` to `to`.
pub fn may(from: ArticleState, to: ArticleState, party: Party) -> Result<(), Refusal> {
    match TRANSITIONS.iter().find(|(f, t, _)| *f == from && *t == to) {
        None => Err(Refusal::NoSuchStep),
        Some((_, _, who)) if who.contains(&party) => Ok(()),
        Some(_) => Err(Refusal::NotYours),
    }
}

/// The audit action of arriving in `to`.
pub fn audit_action(to: ArticleState) -> &'static str {
    match to {
        ArticleState::Draft => "article.draft",
        ArticleState::Review => "article.review",
        ArticleState::Scheduled => "article.schedule",
        ArticleState::Published => "article.publish",
        ArticleState::Withdrawn => "article.withdraw",
    }
}

/// Longest title, in characters.
pub const TITLE_MAX: usize = 120;
/// Longest summary, in characters.
pub const SUMMARY_MAX: usize = 500;
/// Longest body, in characters.
pub const BODY_MAX: usize = 100_000;

/// An article's text as written, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleText {
    /// Title.
    pub title: String,
    /// Summary (may be empty).
    pub summary: String,
    /// Body in Markdown.
    pub body_markdown: String,
}

impl ArticleText {
    /// Checks the three fields; every problem at once.
    pub fn parse(title: &str, summary: &str, body_markdown: &str) -> Result<Self, Vec<FieldError>> {
        let (title, summary) = (title.trim(), summary.trim());
        let mut errors = Vec::new();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            errors.push(FieldError { field: "title", key: "news.error.title" });
        }
        if summary.chars().count() > SUMMARY_MAX {
            errors.push(FieldError { field: "summary", key: "news.error.summary" });
        }
        if body_markdown.trim().is_empty() || body_markdown.chars().count() > BODY_MAX {
            errors.push(FieldError { field: "body_markdown", key: "news.error.body" });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self { title: title.to_owned(), summary: summary.to_owned(), body_markdown: body_markdown.to_owned() })
    }
}

/// An article as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Id.
    pub id: i64,
    /// Title, summary and Markdown.
    #[serde(flatten)]
    pub text: ArticleText,
    /// The sanitised HTML of the Markdown.
    #[serde(skip)]
    pub html: String,
    /// Source line, e.g. 区委宣传部.
    pub source_line: String,
    /// Where it is in its life.
    pub state: ArticleState,
    /// Who wrote it.
    pub author: i64,
    /// Its scope: one street, or None for the whole district.
    pub street: Option<StreetId>,
    /// When it went public (Unix seconds).
    pub published_at: Option<i64>,
    /// When it is to go public.
    pub scheduled_at: Option<i64>,
    /// When it was last corrected after publishing (the visible "updated" line).
    pub corrected_at: Option<i64>,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// A topic column (专题).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Topic {
    /// Id.
    pub id: i64,
    /// Title, e.g. 学百年党史 聚市南力量.
    pub title: String,
    /// What it is about.
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::ArticleState::*;
    use super::Party::*;
    use super::*;

    #[test]
    fn transition_table() {
        let rows = [
            (Draft, Review, Author, Ok(())),
            (Draft, Review, Colleague, Err(Refusal::NotYours)),
            (Draft, Published, Author, Err(Refusal::NoSuchStep)),
            (Draft, Published, Colleague, Err(Refusal::NoSuchStep)),
            (Review, Published, Author, Err(Refusal::NotYours)),
            (Review, Scheduled, Author, Err(Refusal::NotYours)),
            (Review, Published, Colleague, Ok(())),
            (Review, Scheduled, Colleague, Ok(())),
            (Review, Draft, Colleague, Ok(())),
            (Review, Draft, Author, Ok(())),
            (Scheduled, Published, Colleague, Err(Refusal::NotYours)),
            (Scheduled, Published, System, Ok(())),
            (Scheduled, Withdrawn, Author, Ok(())),
            (Published, Withdrawn, Colleague, Ok(())),
            (Published, Draft, Colleague, Err(Refusal::NoSuchStep)),
            (Withdrawn, Published, Colleague, Err(Refusal::NoSuchStep)),
            (Withdrawn, Draft, Author, Err(Refusal::NoSuchStep)),
        ];
        for (from, to, party, expected) in rows {
            assert_eq!(may(from, to, party), expected, "{from:?} → {to:?} by {party:?}");
        }
    }

    #[test]
    fn four_eyes_nobody_publishes_their_own() {
        for (_, to, who) in TRANSITIONS {
            if matches!(to, Published | Scheduled) {
                assert!(!who.contains(&Author), "the author may not make {to:?}");
            }
        }
    }

    #[test]
    fn states_round_trip() {
        for s in ArticleState::ALL {
            assert_eq!(ArticleState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn text_is_checked() {
        assert!(ArticleText::parse(" 标题 ", "", "正文").is_ok());
        let errors = ArticleText::parse(" ", &"长".repeat(SUMMARY_MAX + 1), "\n").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "summary", "body_markdown"]);
    }
}

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
    /// Its cover image, if it has one.
    pub cover_image_id: Option<i64>,
    /// The cover's alt text (never empty while there is a cover).
    pub cover_alt: String,
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

/// Longest alt text, in characters.
pub const ALT_MAX: usize = 200;

/// An image's alt text, checked: every image needs one (1–200 characters).
pub fn parse_alt(field: &'static str, alt: &str) -> Result<String, FieldError> {
    let alt = alt.trim();
    if alt.is_empty() || alt.chars().count() > ALT_MAX {
        return Err(FieldError { field, key: "news.error.alt" });
    }
    Ok(alt.to_owned())
}

/// A topic column with its banner and sections, as the newsroom edits it and the topic page
/// shows it. [`Topic`] stays the API's fixed shape.
#[derive(Debug, Clone, Serialize)]
pub struct TopicColumn {
    /// Id, title and description.
    #[serde(flatten)]
    pub topic: Topic,
    /// The banner image, if any.
    pub banner_image_id: Option<i64>,
    /// The banner's alt text.
    pub banner_alt: String,
    /// Sections, in order.
    pub sections: Vec<Section>,
}

/// A section of a topic column. Its id is stable (what attaches to it keeps it when it is
/// renamed or moved); 0 is never a section, it means "the topic, in no section".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    /// Stable id within the topic.
    pub id: i64,
    /// Title.
    pub title: String,
}

/// Most sections a topic may have.
pub const SECTIONS_MAX: usize = 30;

/// A change to a topic's sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionOp {
    /// Adds one at the end.
    Add(String),
    /// Renames one.
    Rename(i64, String),
    /// Moves one a place up.
    Up(i64),
    /// Moves one a place down.
    Down(i64),
    /// Removes one (what was attached to it falls back to the topic, in no section).
    Remove(i64),
}

/// Applies `op` to `sections`; the key of what is wrong otherwise.
pub fn apply_section_op(sections: &mut Vec<Section>, op: SectionOp) -> Result<(), FieldError> {
    let title = |t: &str| {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > TITLE_MAX {
            Err(FieldError { field: "section_title", key: "news.error.section_title" })
        } else {
            Ok(t.to_owned())
        }
    };
    let at = |sections: &Vec<Section>, id: i64| {
        sections.iter().position(|s| s.id == id).ok_or(FieldError { field: "section", key: "news.error.section" })
    };
    match op {
        SectionOp::Add(t) => {
            if sections.len() >= SECTIONS_MAX {
                return Err(FieldError { field: "section_title", key: "news.error.sections_max" });
            }
            let id = sections.iter().map(|s| s.id).max().unwrap_or(0) + 1;
            sections.push(Section { id, title: title(&t)? });
        }
        SectionOp::Rename(id, t) => {
            let i = at(sections, id)?;
            sections[i].title = title(&t)?;
        }
        SectionOp::Up(id) => {
            let i = at(sections, id)?;
            if i > 0 {
                sections.swap(i, i - 1);
            }
        }
        SectionOp::Down(id) => {
            let i = at(sections, id)?;
            if i + 1 < sections.len() {
                sections.swap(i, i + 1);
            }
        }
        SectionOp::Remove(id) => {
            let i = at(sections, id)?;
            sections.remove(i);
        }
    }
    Ok(())
}

/// What an article or a topic section links to beside articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An activity (`/events/{id}`).
    Event,
    /// A case on the public board (`/board/{id}`).
    Case,
}

impl ItemKind {
    /// Stable name (database, API).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Event => "event",
            ItemKind::Case => "case",
        }
    }

    /// Parses [`ItemKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [ItemKind::Event, ItemKind::Case].into_iter().find(|k| k.as_str() == s)
    }

    /// Its public page.
    pub fn url(self, id: i64) -> String {
        match self {
            ItemKind::Event => format!("/events/{id}"),
            ItemKind::Case => format!("/board/{id}"),
        }
    }
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
    fn sections_keep_their_ids_through_every_change() {
        let mut s = Vec::new();
        for t in ["活动预告", "图片新闻", "学习资料"] {
            apply_section_op(&mut s, SectionOp::Add(t.into())).unwrap();
        }
        apply_section_op(&mut s, SectionOp::Up(3)).unwrap();
        apply_section_op(&mut s, SectionOp::Down(1)).unwrap();
        apply_section_op(&mut s, SectionOp::Rename(2, " 图片 ".into())).unwrap();
        let order: Vec<_> = s.iter().map(|x| (x.id, x.title.as_str())).collect();
        assert_eq!(order, [(3, "学习资料"), (1, "活动预告"), (2, "图片")]);
        apply_section_op(&mut s, SectionOp::Remove(3)).unwrap();
        apply_section_op(&mut s, SectionOp::Add("新".into())).unwrap();
        assert_eq!(s.last().unwrap().id, 3, "the next id after the highest left");
        assert!(apply_section_op(&mut s, SectionOp::Rename(9, "x".into())).is_err());
        assert!(apply_section_op(&mut s, SectionOp::Add(" ".into())).is_err());
        apply_section_op(&mut s, SectionOp::Up(1)).unwrap();
        assert_eq!(s[0].id, 1, "the first stays first");
    }

    #[test]
    fn alt_text_is_required() {
        assert_eq!(parse_alt("cover_alt", " 讲座现场 ").unwrap(), "讲座现场");
        assert!(parse_alt("cover_alt", "  ").is_err());
        assert!(parse_alt("cover_alt", &"长".repeat(ALT_MAX + 1)).is_err());
    }

    #[test]
    fn text_is_checked() {
        assert!(ArticleText::parse(" 标题 ", "", "正文").is_ok());
        let errors = ArticleText::parse(" ", &"长".repeat(SUMMARY_MAX + 1), "\n").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "summary", "body_markdown"]);
    }
}

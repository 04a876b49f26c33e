//! The news pages' view structs: the list, an article, the topics and a topic, and the
//! newsroom's back office.

use crate::news::model::{Article, ArticleState, Topic};
use crate::news::store::Listed;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Link};
use crate::web::forms::Errors;

/// A published article in a list, with its date as readers see it.
pub struct Row {
    /// The article.
    pub item: Listed,
    /// "2026-12-01".
    pub day: String,
}

/// `/news`.
#[derive(askama::Template)]
#[template(path = "news/list.html")]
pub struct ListPage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form).
    pub filters: Vec<Field>,
    /// Articles, newest first.
    pub rows: Vec<Row>,
    /// The next, older page.
    pub older: Option<String>,
    /// The feed of what is shown.
    pub feed: String,
}

impl ListPage {
    /// Whether a filter is set.
    pub fn filtered(&self) -> bool {
        self.filters.iter().any(|f| !f.value.is_empty())
    }
}

/// `/news/{id}`.
#[derive(askama::Template)]
#[template(path = "news/article.html")]
pub struct ArticlePage {
    /// Page context.
    pub ctx: Ctx,
    /// The article.
    pub article: Article,
    /// "来源：区委宣传部", when it names its source.
    pub source: Option<String>,
    /// "2026-12-01 09:00".
    pub published: Option<String>,
    /// The visible "updated" line's time, after a correction.
    pub corrected: Option<String>,
    /// Its topics, as links.
    pub topics: Vec<Link>,
    /// Its streets, as links.
    pub streets: Vec<Link>,
    /// Whether the viewer may edit it (the newsroom sees a link and its state).
    pub editable: bool,
}

/// `/topics`.
#[derive(askama::Template)]
#[template(path = "news/topics.html")]
pub struct TopicsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Every topic.
    pub topics: Vec<Topic>,
}

/// `/topics/{id}`.
#[derive(askama::Template)]
#[template(path = "news/topic.html")]
pub struct TopicPage {
    /// Page context.
    pub ctx: Ctx,
    /// The topic.
    pub topic: Topic,
    /// Its published articles, newest first.
    pub rows: Vec<Row>,
    /// The next, older page.
    pub older: Option<String>,
}

/// An article in the newsroom's list.
pub struct ManagedRow {
    /// The article.
    pub article: Article,
    /// "2026-12-01 09:00": created, or when it is scheduled for.
    pub when: String,
}

/// `/manage/news`.
#[derive(askama::Template)]
#[template(path = "news/manage_list.html")]
pub struct ManageListPage {
    /// Page context.
    pub ctx: Ctx,
    /// The articles the user may edit, by state (in the workflow's order), newest first.
    pub groups: Vec<(ArticleState, Vec<ManagedRow>)>,
}

/// A step the user may take from here, as a button.
pub struct Step {
    /// The state it goes to (`review`, `draft`, `published`, `withdrawn`).
    pub to: &'static str,
    /// Button label key.
    pub key: &'static str,
}

/// `/manage/news/new` and `/manage/news/{id}`: the article's form, and its steps.
#[derive(askama::Template)]
#[template(path = "news/manage_article.html")]
pub struct ManageArticlePage {
    /// Page context.
    pub ctx: Ctx,
    /// Heading (translated).
    pub title: String,
    /// Where the form posts.
    pub action: String,
    /// The article, once it exists.
    pub article: Option<Article>,
    /// Single-line fields before the body.
    pub fields: Vec<Field>,
    /// The Markdown body's value.
    pub body: String,
    /// Fields after the body (scope, topic).
    pub after: Vec<Field>,
    /// Errors of the last submission (text or step).
    pub errors: Errors,
    /// Why the last step was refused, if it was no field's fault.
    pub refused: Option<&'static str>,
    /// The steps the user may take.
    pub steps: Vec<Step>,
    /// The `at` value of the publish form, district time.
    pub at: String,
}

impl ManageArticlePage {
    /// Whether the text form is shown: a new article, or one whose text may still change.
    pub fn text_open(&self) -> bool {
        self.article.as_ref().is_none_or(|a| a.state.editable())
    }

    /// When a scheduled article is to go public, district time.
    pub fn scheduled_for(&self) -> Option<String> {
        let a = self.article.as_ref().filter(|a| a.state == ArticleState::Scheduled)?;
        a.scheduled_at.map(crate::clock::format_local)
    }
}

//! The news pages' view structs: the list, an article, the topics and a topic, and the
//! newsroom's back office.

use crate::news::model::{Article, ArticleState, Topic, TopicColumn};
use crate::news::store::Listed;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Link, Opt};
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
    /// The week's most read.
    pub most_read: Vec<Row>,
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
    /// The source line ("区委宣传部"), when it names one; printed after `news.source` and
    /// marked Chinese, as it is written in the district's language.
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
    /// Related activities, as links.
    pub related_events: Vec<Link>,
    /// Related cases on the public board, as links.
    pub related_cases: Vec<Link>,
}

impl ArticlePage {
    /// Where the cover is served, if there is one.
    pub fn cover_url(&self) -> Option<String> {
        self.article.cover_image_id.map(crate::media::url)
    }
}

impl Row {
    /// Where the article's cover is served, if it has one.
    pub fn cover_url(&self) -> Option<String> {
        self.item.cover_image_id.map(crate::media::url)
    }
}

/// A section of a topic page.
pub struct SectionView {
    /// Its title.
    pub title: String,
    /// Its published articles, newest first.
    pub rows: Vec<Row>,
    /// Its activities, as links to their pages.
    pub events: Vec<Link>,
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
    /// The topic with its banner and sections.
    pub column: TopicColumn,
    /// Its sections in order, with what is filed in each.
    pub sections: Vec<SectionView>,
    /// Activities in no section.
    pub other_events: Vec<Link>,
    /// All its published articles, newest first.
    pub rows: Vec<Row>,
    /// The next, older page.
    pub older: Option<String>,
    /// The week's most read of the topic.
    pub most_read: Vec<Row>,
}

impl TopicPage {
    /// Where the banner is served, if there is one.
    pub fn banner_url(&self) -> Option<String> {
        self.column.banner_image_id.map(crate::media::url)
    }
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
    /// Whether the user may edit topic columns (a link to them).
    pub topics: bool,
    /// The editor's other work pages (this list is their start page).
    pub strip: crate::authz::start::Strip,
}

/// A topic on the article form.
pub struct TopicPick {
    /// Topic id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Not filed, filed without a section, each section.
    pub options: Vec<Opt>,
    /// The option chosen (`""`, `"3:0"`, `"3:2"`).
    pub selected: String,
}

/// A street and its communities as tag checkboxes: (id, name, checked).
pub struct PlaceGroup {
    /// The street.
    pub street: (i64, String, bool),
    /// Its communities.
    pub communities: Vec<(i64, String, bool)>,
}

impl PlaceGroup {
    /// Whether anything in it is ticked (it then shows open).
    pub fn any(&self) -> bool {
        self.street.2 || self.communities.iter().any(|c| c.2)
    }
}

/// The cover and body-image forms: what was typed, errors, and the Markdown line of the image
/// just uploaded.
#[derive(Default)]
pub struct MediaForm {
    /// The cover's alt as typed (after a refusal).
    pub cover_alt: String,
    /// The body image's alt as typed.
    pub image_alt: String,
    /// Why the last upload was refused.
    pub errors: Errors,
    /// `![alt](/images/N.jpg)`, to paste into the body.
    pub snippet: Option<String>,
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
    /// Fields after the body (source, scope).
    pub after: Vec<Field>,
    /// A select per topic: not filed, filed, or filed in one of its sections.
    pub topics: Vec<TopicPick>,
    /// Street and community tags, by street.
    pub places: Vec<PlaceGroup>,
    /// Related activities and cases (ids).
    pub related: Vec<Field>,
    /// The cover and body-image forms' state.
    pub media: MediaForm,
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
        a.scheduled_at.map(|t| self.ctx.when(t))
    }
}

/// `/manage/topics`: the topics and a form for a new one.
#[derive(askama::Template)]
#[template(path = "news/manage_topics.html")]
pub struct ManageTopicsPage {
    /// Page context.
    pub ctx: Ctx,
    /// Every topic.
    pub topics: Vec<Topic>,
    /// The new topic's title as typed.
    pub title: String,
    /// Its description as typed.
    pub description: String,
    /// Errors of the last submission.
    pub errors: Errors,
}

/// An activity the picker offers.
pub struct Pickable {
    /// Event id.
    pub id: i64,
    /// Its title.
    pub title: String,
}

/// `/manage/topics/{id}`: a topic column's forms.
#[derive(askama::Template)]
#[template(path = "news/manage_topic.html")]
pub struct ManageTopicPage {
    /// Page context.
    pub ctx: Ctx,
    /// The topic as stored.
    pub column: TopicColumn,
    /// Title as typed.
    pub title: String,
    /// Description as typed.
    pub description: String,
    /// The attached activities: link, event id, section title (None: no section).
    pub attached: Vec<(Link, i64, Option<String>)>,
    /// Activities to pick from.
    pub picks: Vec<Pickable>,
    /// The picker's search.
    pub q: String,
    /// Errors of the last form.
    pub errors: Errors,
}

impl ManageTopicPage {
    /// Where the banner is served, if there is one.
    pub fn banner_url(&self) -> Option<String> {
        self.column.banner_image_id.map(crate::media::url)
    }
}

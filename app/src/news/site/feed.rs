//! Atom feeds (RFC 4287) of published news: all of it, a topic's, a street's. Built with
//! `atom_syndication` rather than by hand, so every text is escaped by the writer.
//!
//! Feeds read the database on every request: a withdrawn or corrected article leaves or changes
//! in them at once, on every instance, with no cache to invalidate. Entry ids are `tag:` URIs
//! (RFC 4151) of the public host and the article id, so they stay the same when the article is
//! corrected and readers do not show it twice.

use atom_syndication::{
    CategoryBuilder, Content, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder, PersonBuilder, Text,
};

use crate::clock::DISTRICT_OFFSET;
use crate::news::model::Article;

/// A feed's own facts.
#[derive(Debug)]
pub struct Meta<'a> {
    /// The site's origin, e.g. `https://ejia.shinan.gov.cn` (no trailing slash).
    pub base: &'a str,
    /// The feed's path and query, e.g. `/topics/3/feed.atom`.
    pub self_path: &'a str,
    /// The page the feed mirrors, e.g. `/topics/3`.
    pub page_path: &'a str,
    /// Title.
    pub title: &'a str,
    /// `updated` when the feed has no entries (Unix seconds): now.
    pub now: i64,
}

/// An article with the topics it is filed under, as (id, title).
#[derive(Debug)]
pub struct Item<'a> {
    /// The article (published).
    pub article: &'a Article,
    /// Its topics.
    pub topics: Vec<(i64, &'a str)>,
}

fn at(unix: i64) -> FixedDateTime {
    chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default().with_timezone(&DISTRICT_OFFSET)
}

/// The authority of the `tag:` ids: the public host without its scheme or port.
fn authority(base: &str) -> &str {
    let rest = base.split("://").nth(1).unwrap_or(base);
    rest.split([':', '/']).next().unwrap_or(rest)
}

/// When an article last changed for its readers: its correction, else its publication.
fn changed(a: &Article) -> i64 {
    a.corrected_at.or(a.published_at).unwrap_or(a.updated_at)
}

/// The feed document.
pub fn atom(meta: &Meta<'_>, items: &[Item<'_>]) -> String {
    let host = authority(meta.base);
    let entries: Vec<_> = items
        .iter()
        .map(|item| {
            let a = item.article;
            let url = format!("{}/news/{}", meta.base, a.id);
            let mut entry = EntryBuilder::default();
            entry
                .id(format!("tag:{host},2026:news/{}", a.id))
                .title(Text::plain(a.text.title.clone()))
                .updated(at(changed(a)))
                .published(a.published_at.map(at))
                .link(LinkBuilder::default().rel("alternate").mime_type(Some("text/html".into())).href(url).build())
                .content(Content {
                    // The body links this site by path (`/events`, uploaded images): readers
                    // resolve them against the site, wherever they fetched the feed from.
                    base: Some(format!("{}/", meta.base)),
                    value: Some(a.html.clone()),
                    content_type: Some("html".into()),
                    ..Content::default()
                });
            if let Some(image) = a.cover_image_id {
                // The cover as an enclosure (RFC 4287 §4.2.7.2), its alt text as the link's title.
                entry.link(
                    LinkBuilder::default()
                        .rel("enclosure")
                        .mime_type(Some("image/jpeg".into()))
                        .href(format!("{}{}", meta.base, crate::media::url(image)))
                        .title(Some(a.cover_alt.clone()))
                        .build(),
                );
            }
            if !a.text.summary.is_empty() {
                entry.summary(Some(Text::plain(a.text.summary.clone())));
            }
            if !a.source_line.is_empty() {
                entry.author(PersonBuilder::default().name(a.source_line.clone()).build());
            }
            for (id, title) in &item.topics {
                entry.category(
                    CategoryBuilder::default()
                        .term(format!("topic-{id}"))
                        .scheme(Some(format!("{}/topics", meta.base)))
                        .label(Some((*title).to_owned()))
                        .build(),
                );
            }
            entry.build()
        })
        .collect();
    let updated = items.iter().map(|i| changed(i.article)).max().unwrap_or(meta.now);
    FeedBuilder::default()
        .id(format!("{}{}", meta.base, meta.self_path))
        .title(Text::plain(meta.title))
        .updated(at(updated))
        .link(
            LinkBuilder::default()
                .rel("self")
                .mime_type(Some("application/atom+xml".into()))
                .href(format!("{}{}", meta.base, meta.self_path))
                .build(),
        )
        .link(
            LinkBuilder::default()
                .rel("alternate")
                .mime_type(Some("text/html".into()))
                .href(format!("{}{}", meta.base, meta.page_path))
                .build(),
        )
        .author(PersonBuilder::default().name(meta.title).build())
        .entries(entries)
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use super::*;
    use crate::news::model::{ArticleState, ArticleText};

    fn article() -> Article {
        Article {
            id: 7,
            text: ArticleText { title: "标题 <b>&</b>".into(), summary: String::new(), body_markdown: String::new() },
            html: "<p>正文 &amp; <a href=\"/events\">活动</a></p>".into(),
            source_line: String::new(),
            cover_image_id: None,
            cover_alt: String::new(),
            state: ArticleState::Published,
            author: 1,
            street: None,
            published_at: Some(1_764_550_800),
            scheduled_at: None,
            corrected_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn urls_are_absolute_from_the_public_url_and_text_is_escaped() {
        let a = article();
        let meta = Meta {
            base: "https://ejia.shinan.gov.cn",
            self_path: "/news/feed.atom",
            page_path: "/news",
            title: "新闻",
            now: 0,
        };
        let xml = atom(&meta, &[Item { article: &a, topics: vec![] }]);
        let feed = atom_syndication::Feed::from_str(&xml).unwrap();
        assert_eq!(feed.id(), "https://ejia.shinan.gov.cn/news/feed.atom");
        assert_eq!(feed.links()[0].href(), "https://ejia.shinan.gov.cn/news/feed.atom");
        let entry = &feed.entries()[0];
        assert_eq!(entry.id(), "tag:ejia.shinan.gov.cn,2026:news/7");
        assert_eq!(entry.title().as_str(), "标题 <b>&</b>", "a title is text, not markup");
        assert_eq!(entry.links()[0].href(), "https://ejia.shinan.gov.cn/news/7");
        let content = entry.content().unwrap();
        assert_eq!((content.content_type(), content.value()), (Some("html"), Some(a.html.as_str())));
        assert_eq!(content.base(), Some("https://ejia.shinan.gov.cn/"), "relative links resolve to the site");
        assert!(entry.summary().is_none() && entry.authors().is_empty(), "no empty summary or author");
        assert_eq!(feed.updated().to_rfc3339(), "2025-12-01T09:00:00+08:00");
    }

    #[test]
    fn the_tag_authority_is_the_bare_host() {
        assert_eq!(authority("https://ejia.shinan.gov.cn"), "ejia.shinan.gov.cn");
        assert_eq!(authority("http://127.0.0.1:8080"), "127.0.0.1");
    }
}

//! The SQL of topic columns beyond their title: banner, sections (`sections_json`, an ordered
//! array with stable ids), the activities attached to a section, and the published articles
//! filed under each section. One copy for both engines.

use sqlx::Row as _;

use crate::db::Conn;
use crate::ids::UserId;
use crate::news::model::{Section, Topic, TopicColumn};
use crate::news::store::Listed;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// One topic column with its banner and sections.
pub async fn column(conn: &mut Conn, id: i64) -> Result<Option<TopicColumn>> {
    let row = sqlx::query(
        "select topic_id, title, description, banner_image_id, banner_alt, sections_json from news_topics \
         where topic_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let json: String = r.try_get("sections_json")?;
    // Sections written before they had ids (none were) would read as none rather than fail.
    let sections: Vec<Section> = serde_json::from_str(&json).unwrap_or_default();
    Ok(Some(TopicColumn {
        topic: Topic { id: r.try_get("topic_id")?, title: r.try_get("title")?, description: r.try_get("description")? },
        banner_image_id: r.try_get("banner_image_id")?,
        banner_alt: r.try_get("banner_alt")?,
        sections,
    }))
}

/// Writes a column's title, description, banner and sections.
pub async fn update(conn: &mut Conn, c: &TopicColumn, by: UserId, now: i64) -> Result<()> {
    let json = serde_json::to_string(&c.sections).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "update news_topics set title = $1, description = $2, banner_image_id = $3, banner_alt = $4, \
         sections_json = $5, updated_at = $6, created_by = coalesce(created_by, $7) where topic_id = $8",
    )
    .bind(&c.topic.title)
    .bind(&c.topic.description)
    .bind(c.banner_image_id)
    .bind(&c.banner_alt)
    .bind(json)
    .bind(now)
    .bind(by.0)
    .bind(c.topic.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// What was in a removed section falls back to the topic, in no section.
pub async fn unsection(conn: &mut Conn, topic: i64, section: i64) -> Result<()> {
    for table in ["news_topic_items", "news_article_topics"] {
        sqlx::query(&format!("update {table} set section_id = 0 where topic_id = $1 and section_id = $2"))
            .bind(topic)
            .bind(section)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An item attached to a topic section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// Section id (0: none).
    pub section: i64,
    /// `event`.
    pub kind: String,
    /// The item's id.
    pub item_id: i64,
}

/// The items attached to a topic, by section position then as attached.
pub async fn items(conn: &mut Conn, topic: i64) -> Result<Vec<Attached>> {
    let rows = sqlx::query(
        "select section_id, kind, item_id from news_topic_items where topic_id = $1 order by position, item_id",
    )
    .bind(topic)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attached { section: r.try_get("section_id")?, kind: r.try_get("kind")?, item_id: r.try_get("item_id")? })
        })
        .collect()
}

/// Attaches an item to a topic section, at the end (or moves it there if it was attached).
pub async fn attach(conn: &mut Conn, topic: i64, item: &Attached) -> Result<()> {
    detach(conn, topic, &item.kind, item.item_id).await?;
    let next: i64 =
        sqlx::query_scalar("select coalesce(max(position), 0) + 1 from news_topic_items where topic_id = $1")
            .bind(topic)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "insert into news_topic_items (topic_id, section_id, kind, item_id, position) values ($1, $2, $3, $4, $5)",
    )
    .bind(topic)
    .bind(item.section)
    .bind(&item.kind)
    .bind(item.item_id)
    .bind(next)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes an item off a topic.
pub async fn detach(conn: &mut Conn, topic: i64, kind: &str, item_id: i64) -> Result<()> {
    sqlx::query("delete from news_topic_items where topic_id = $1 and kind = $2 and item_id = $3")
        .bind(topic)
        .bind(kind)
        .bind(item_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The published articles filed under a topic with their section, newest published first.
pub async fn articles(conn: &mut Conn, topic: i64, limit: i64) -> Result<Vec<(i64, Listed)>> {
    let rows = sqlx::query(
        "select t.section_id, a.article_id, a.title, a.summary, a.street_id, a.published_at, a.corrected_at, \
         a.cover_image_id, a.cover_alt from news_article_topics t \
         join news_articles a on a.article_id = t.article_id \
         where t.topic_id = $1 and a.state = 'published' \
         order by a.published_at desc, a.article_id desc limit $2",
    )
    .bind(topic)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("section_id")?,
                Listed {
                    id: r.try_get("article_id")?,
                    title: r.try_get("title")?,
                    summary: r.try_get("summary")?,
                    street: r.try_get::<Option<i64>, _>("street_id")?.map(crate::ids::StreetId),
                    published_at: r.try_get("published_at")?,
                    corrected_at: r.try_get("corrected_at")?,
                    cover_image_id: r.try_get("cover_image_id")?,
                    cover_alt: r.try_get("cover_alt")?,
                },
            ))
        })
        .collect()
}

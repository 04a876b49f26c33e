//! The news's SQL: articles, their topics and places, revisions, read counts, topics. One copy
//! for both engines.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Conn;
use crate::ids::{StreetId, UserId};
use crate::news::model::{Article, ArticleState, ArticleText, Topic};

type Result<T> = std::result::Result<T, sqlx::Error>;

const ARTICLE_COLUMNS: &str = "article_id, title, summary, body_markdown, body_html, source_line, cover_image_id, cover_alt, state, \
     author_user_id, street_id, published_at, scheduled_at, corrected_at, created_at, updated_at";

fn article_of(row: &AnyRow) -> Result<Article> {
    let state: String = row.try_get("state")?;
    Ok(Article {
        id: row.try_get("article_id")?,
        text: ArticleText {
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            body_markdown: row.try_get("body_markdown")?,
        },
        html: row.try_get("body_html")?,
        source_line: row.try_get("source_line")?,
        cover_image_id: row.try_get("cover_image_id")?,
        cover_alt: row.try_get("cover_alt")?,
        state: ArticleState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown article state {state}").into()))?,
        author: row.try_get("author_user_id")?,
        street: row.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
        published_at: row.try_get("published_at")?,
        scheduled_at: row.try_get("scheduled_at")?,
        corrected_at: row.try_get("corrected_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A new draft, with its rendered HTML.
#[derive(Debug)]
pub struct NewArticle<'a> {
    /// The checked text.
    pub text: &'a ArticleText,
    /// Its sanitised HTML.
    pub html: &'a str,
    /// Source line.
    pub source_line: &'a str,
    /// The author.
    pub author: UserId,
    /// Scope: a street, or None for the district.
    pub street: Option<StreetId>,
}

/// Inserts a draft; its id.
pub async fn insert_article(conn: &mut Conn, new: &NewArticle<'_>, now: i64) -> Result<i64> {
    sqlx::query_scalar(
        "insert into news_articles (title, summary, body_markdown, body_html, source_line, state, author_user_id, \
         street_id, created_at, updated_at, updated_by) values ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $8, $6) \
         returning article_id",
    )
    .bind(&new.text.title)
    .bind(&new.text.summary)
    .bind(&new.text.body_markdown)
    .bind(new.html)
    .bind(new.source_line)
    .bind(new.author.0)
    .bind(new.street.map(|s| s.0))
    .bind(now)
    .fetch_one(conn)
    .await
}

/// One article, in any state.
pub async fn article(conn: &mut Conn, id: i64) -> Result<Option<Article>> {
    let row = sqlx::query(&format!("select {ARTICLE_COLUMNS} from news_articles where article_id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(article_of).transpose()
}

/// The topics an article is attached to, in id order.
pub async fn topics_of(conn: &mut Conn, article: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar("select topic_id from news_article_topics where article_id = $1 order by topic_id")
        .bind(article)
        .fetch_all(conn)
        .await
}

/// The names of the streets and communities an article is tagged with (what search adds to its
/// words, so a street's name finds what is about it).
pub async fn place_names_of(conn: &mut Conn, article: i64) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "select coalesce(s.name, c.name) from news_article_places p \
         left join streets s on s.street_id = p.street_id \
         left join communities c on c.community_id = p.community_id \
         where p.article_id = $1 order by p.street_id, p.community_id",
    )
    .bind(article)
    .fetch_all(conn)
    .await
}

/// The streets an article is tagged with, in id order.
pub async fn streets_of(conn: &mut Conn, article: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(
        "select street_id from news_article_places where article_id = $1 and street_id is not null \
         order by street_id",
    )
    .bind(article)
    .fetch_all(conn)
    .await
}

/// Replaces an article's topics; a topic it keeps keeps its section.
pub async fn set_topics(conn: &mut Conn, article: i64, topics: &[i64]) -> Result<()> {
    let kept = topic_sections_of(conn, article).await?;
    let pairs: Vec<(i64, i64)> =
        topics.iter().map(|t| (*t, kept.iter().find(|(k, _)| k == t).map_or(0, |(_, s)| *s))).collect();
    set_topic_sections(conn, article, &pairs).await
}

/// The (topic, section) pairs an article is filed under, in topic order; section 0: none.
pub async fn topic_sections_of(conn: &mut Conn, article: i64) -> Result<Vec<(i64, i64)>> {
    let rows =
        sqlx::query("select topic_id, section_id from news_article_topics where article_id = $1 order by topic_id")
            .bind(article)
            .fetch_all(conn)
            .await?;
    rows.iter().map(|r| Ok((r.try_get("topic_id")?, r.try_get("section_id")?))).collect()
}

/// Replaces an article's topics, each with its section (0: none).
pub async fn set_topic_sections(conn: &mut Conn, article: i64, pairs: &[(i64, i64)]) -> Result<()> {
    sqlx::query("delete from news_article_topics where article_id = $1").bind(article).execute(&mut *conn).await?;
    for (topic, section) in pairs {
        sqlx::query("insert into news_article_topics (article_id, topic_id, section_id) values ($1, $2, $3)")
            .bind(article)
            .bind(topic)
            .bind(section)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The communities an article is tagged with, in id order.
pub async fn communities_of(conn: &mut Conn, article: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(
        "select community_id from news_article_places where article_id = $1 and community_id is not null \
         order by community_id",
    )
    .bind(article)
    .fetch_all(conn)
    .await
}

/// Replaces an article's community tags (its street tags stay).
pub async fn set_communities(conn: &mut Conn, article: i64, communities: &[i64]) -> Result<()> {
    sqlx::query("delete from news_article_places where article_id = $1 and community_id is not null")
        .bind(article)
        .execute(&mut *conn)
        .await?;
    for community in communities {
        sqlx::query("insert into news_article_places (article_id, community_id) values ($1, $2)")
            .bind(article)
            .bind(community)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Sets (or with None, takes away) an article's cover and its alt text.
pub async fn set_cover(
    conn: &mut Conn,
    article: i64,
    image: Option<i64>,
    alt: &str,
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "update news_articles set cover_image_id = $1, cover_alt = $2, updated_at = $3, updated_by = $4 \
         where article_id = $5",
    )
    .bind(image)
    .bind(alt)
    .bind(now)
    .bind(by.0)
    .bind(article)
    .execute(conn)
    .await?;
    Ok(())
}

/// An article's related activities and cases, in order, as (kind, id).
pub async fn related_of(conn: &mut Conn, article: i64) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "select kind, item_id from news_article_related where article_id = $1 order by position, kind, item_id",
    )
    .bind(article)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("kind")?, r.try_get("item_id")?))).collect()
}

/// Replaces an article's related activities and cases.
pub async fn set_related(conn: &mut Conn, article: i64, items: &[(&str, i64)]) -> Result<()> {
    sqlx::query("delete from news_article_related where article_id = $1").bind(article).execute(&mut *conn).await?;
    for (position, (kind, id)) in items.iter().enumerate() {
        sqlx::query("insert into news_article_related (article_id, kind, item_id, position) values ($1, $2, $3, $4)")
            .bind(article)
            .bind(kind)
            .bind(id)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces an article's street tags.
pub async fn set_streets(conn: &mut Conn, article: i64, streets: &[StreetId]) -> Result<()> {
    sqlx::query("delete from news_article_places where article_id = $1").bind(article).execute(&mut *conn).await?;
    for street in streets {
        sqlx::query("insert into news_article_places (article_id, street_id) values ($1, $2)")
            .bind(article)
            .bind(street.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Changes the text of an article that is still in `state` (false if it moved meanwhile). A
/// correction sets the visible "updated" time.
pub async fn update_text(
    conn: &mut Conn,
    id: i64,
    state: ArticleState,
    text: &ArticleText,
    html: &str,
    by: UserId,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "update news_articles set title = $1, summary = $2, body_markdown = $3, body_html = $4, updated_at = $5, \
         updated_by = $6, corrected_at = case when $7 = 1 then $5 else corrected_at end \
         where article_id = $8 and state = $9",
    )
    .bind(&text.title)
    .bind(&text.summary)
    .bind(&text.body_markdown)
    .bind(html)
    .bind(now)
    .bind(by.0)
    .bind(i64::from(state.corrects()))
    .bind(id)
    .bind(state.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the text an article had before a correction.
pub async fn add_revision(conn: &mut Conn, id: i64, at: i64, by: UserId, before: &ArticleText) -> Result<()> {
    sqlx::query(
        "insert into news_article_revisions (article_id, at, by_user_id, title, summary, body_markdown) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(at)
    .bind(by.0)
    .bind(&before.title)
    .bind(&before.summary)
    .bind(&before.body_markdown)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many corrections an article has had.
pub async fn revision_count(conn: &mut Conn, id: i64) -> Result<i64> {
    sqlx::query_scalar("select count(*) from news_article_revisions where article_id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Moves an article from `from` to `to`, only if it is still in `from` (false otherwise: someone
/// else moved it first). Publishing stamps `published_at` the first time; scheduling sets
/// `scheduled_at`.
pub async fn move_state(
    conn: &mut Conn,
    id: i64,
    from: ArticleState,
    to: ArticleState,
    scheduled_at: Option<i64>,
    by: UserId,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "update news_articles set state = $1, updated_at = $2, updated_by = $3, scheduled_at = $4, \
         published_at = case when $1 = 'published' then coalesce(published_at, $2) else published_at end \
         where article_id = $5 and state = $6",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(by.0)
    .bind(scheduled_at)
    .bind(id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims scheduled articles whose time has come: one conditional UPDATE, so of several
/// instances running this at once each article is published by exactly one. Their ids and
/// scopes.
pub async fn publish_due(conn: &mut Conn, now: i64) -> Result<Vec<(i64, Option<StreetId>)>> {
    let rows = sqlx::query(
        "update news_articles set state = 'published', published_at = coalesce(published_at, scheduled_at), \
         updated_at = $1, updated_by = null \
         where state = 'scheduled' and scheduled_at <= $1 returning article_id, street_id",
    )
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("article_id")?, r.try_get::<Option<i64>, _>("street_id")?.map(StreetId))))
        .collect()
}

/// A published article in a list.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Scope.
    pub street: Option<StreetId>,
    /// Published (Unix seconds).
    pub published_at: Option<i64>,
    /// Corrected (Unix seconds).
    pub corrected_at: Option<i64>,
    /// Its cover image, if any.
    pub cover_image_id: Option<i64>,
    /// The cover's alt text.
    pub cover_alt: String,
}

const LISTED_COLUMNS: &str =
    "a.article_id, a.title, a.summary, a.street_id, a.published_at, a.corrected_at, a.cover_image_id, a.cover_alt";

fn listed_of(r: &AnyRow) -> Result<Listed> {
    Ok(Listed {
        id: r.try_get("article_id")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        street: r.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
        published_at: r.try_get("published_at")?,
        corrected_at: r.try_get("corrected_at")?,
        cover_image_id: r.try_get("cover_image_id")?,
        cover_alt: r.try_get("cover_alt")?,
    })
}

/// Published, after article `$1` in the list's order (0: from the start), of topic `$2` (0:
/// any), tagged with or scoped to street `$3` (0: any), newest published first (then by id, for
/// a total order), at most `$4`: the list's and the feeds' one filter. The cursor stays an
/// article id: the rows after it are those published before it, or at the same second with a
/// smaller id.
const PUBLISHED_WHERE: &str = "where a.state = 'published' and ($1 = 0 \
     or a.published_at < (select c.published_at from news_articles c where c.article_id = $1) \
     or (a.published_at = (select c.published_at from news_articles c where c.article_id = $1) \
         and a.article_id < $1)) \
     and ($2 = 0 or exists (select 1 from news_article_topics t where t.article_id = a.article_id \
          and t.topic_id = $2)) \
     and ($3 = 0 or a.street_id = $3 or exists (select 1 from news_article_places p \
          where p.article_id = a.article_id and p.street_id = $3)) \
     order by a.published_at desc, a.article_id desc limit $4";

/// Published articles in full (with their HTML), newest first, of a topic and a street when
/// asked: what a feed carries.
pub async fn published_full(
    conn: &mut Conn,
    topic: Option<i64>,
    street: Option<StreetId>,
    limit: i64,
) -> Result<Vec<Article>> {
    let columns = ARTICLE_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
    let rows = sqlx::query(&format!("select {columns} from news_articles a {PUBLISHED_WHERE}"))
        .bind(0_i64)
        .bind(topic.unwrap_or(0))
        .bind(street.map_or(0, |s| s.0))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(article_of).collect()
}

/// The newest articles in any state, for the newsroom's list (each filtered by reach there).
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<Article>> {
    let rows = sqlx::query(&format!("select {ARTICLE_COLUMNS} from news_articles order by article_id desc limit $1"))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(article_of).collect()
}

fn topic_of(r: &AnyRow) -> Result<Topic> {
    Ok(Topic { id: r.try_get("topic_id")?, title: r.try_get("title")?, description: r.try_get("description")? })
}

/// One topic.
pub async fn topic(conn: &mut Conn, id: i64) -> Result<Option<Topic>> {
    let row = sqlx::query("select topic_id, title, description from news_topics where topic_id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(topic_of).transpose()
}

/// Published articles, newest published first, after `before` (0: from the newest), of a topic
/// and tagged with a street when asked.
pub async fn published(
    conn: &mut Conn,
    topic: Option<i64>,
    street: Option<StreetId>,
    before: i64,
    limit: i64,
) -> Result<Vec<Listed>> {
    let rows = sqlx::query(&format!("select {LISTED_COLUMNS} from news_articles a {PUBLISHED_WHERE}"))
        .bind(before)
        .bind(topic.unwrap_or(0))
        .bind(street.map_or(0, |s| s.0))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(listed_of).collect()
}

/// Adds `n` reads of an article on a district-local day (`YYYY-MM-DD`): a counter, no reader.
pub async fn add_reads(conn: &mut Conn, article: i64, day: &str, n: i64) -> Result<()> {
    sqlx::query(
        "insert into news_reads (article_id, day, reads) values ($1, $2, $3) \
         on conflict (article_id, day) do update set reads = news_reads.reads + $3",
    )
    .bind(article)
    .bind(day)
    .bind(n)
    .execute(conn)
    .await?;
    Ok(())
}

/// The most read published articles over the days from `since` (`YYYY-MM-DD`, inclusive), of
/// a topic when asked, most read first (then newest), with their reads.
pub async fn most_read(conn: &mut Conn, since: &str, topic: Option<i64>, limit: i64) -> Result<Vec<(Listed, i64)>> {
    let rows = sqlx::query(&format!(
        "select {LISTED_COLUMNS}, r.total from news_articles a \
         join (select article_id, cast(sum(reads) as bigint) as total from news_reads where day >= $1 group by article_id) r \
           on r.article_id = a.article_id \
         where a.state = 'published' and ($2 = 0 or exists (select 1 from news_article_topics t \
           where t.article_id = a.article_id and t.topic_id = $2)) \
         order by r.total desc, a.published_at desc, a.article_id desc limit $3"
    ))
    .bind(since)
    .bind(topic.unwrap_or(0))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((listed_of(r)?, r.try_get::<i64, _>("total")?))).collect()
}

/// Inserts a topic; its id.
pub async fn insert_topic(conn: &mut Conn, title: &str, description: &str, by: UserId, now: i64) -> Result<i64> {
    sqlx::query_scalar(
        "insert into news_topics (title, description, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $4) returning topic_id",
    )
    .bind(title)
    .bind(description)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Every topic, in id order.
pub async fn topics(conn: &mut Conn) -> Result<Vec<Topic>> {
    let rows =
        sqlx::query("select topic_id, title, description from news_topics order by topic_id").fetch_all(conn).await?;
    rows.iter().map(topic_of).collect()
}

/// Every topic's title, by id (what an article's page and the feeds name its topics by).
pub async fn topic_titles(conn: &mut Conn) -> Result<std::collections::HashMap<i64, String>> {
    Ok(topics(conn).await?.into_iter().map(|t| (t.id, t.title)).collect())
}

/// How many of `ids` are topics.
pub async fn topics_known(conn: &mut Conn, ids: &[i64]) -> Result<usize> {
    let mut known = 0;
    for id in ids {
        let found: Option<i64> = sqlx::query_scalar("select topic_id from news_topics where topic_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        known += usize::from(found.is_some());
    }
    Ok(known)
}

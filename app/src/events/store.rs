//! SQL for events and series (their sessions are offerings, see `bookings::store`).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Conn;
use crate::events::model::{Event, EventKind, NewEvent};
use crate::ids::UserId;

const COLUMNS: &str = "e.event_id, e.title, e.kind, e.description, e.campaign, e.department_id, e.street_id, e.members_only, \
     e.cover_image_id";

fn event_from(row: &AnyRow) -> Result<Event, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Event {
        id: row.try_get("event_id")?,
        title: row.try_get("title")?,
        kind: EventKind::parse(&kind).unwrap_or(EventKind::Other),
        description: row.try_get("description")?,
        campaign: row.try_get("campaign")?,
        department_id: row.try_get("department_id")?,
        street_id: row.try_get("street_id")?,
        members_only: row.try_get::<i64, _>("members_only")? == 1,
        cover_url: row.try_get::<Option<i64>, _>("cover_image_id")?.map(crate::media::url),
    })
}

/// Creates an event.
pub async fn insert(conn: &mut Conn, e: &NewEvent, by: UserId, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into events (title, kind, description, campaign, department_id, street_id, members_only, created_by, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning event_id",
    )
    .bind(&e.title)
    .bind(e.kind.as_str())
    .bind(&e.description)
    .bind(&e.campaign)
    .bind(e.department_id)
    .bind(e.street_id)
    .bind(i64::from(e.members_only))
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Rewrites an event's own fields (its sessions and cover stay).
pub async fn update(conn: &mut Conn, id: i64, e: &NewEvent, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update events set title = $1, kind = $2, description = $3, campaign = $4, department_id = $5, \
         street_id = $6, members_only = $7, updated_at = $8 where event_id = $9",
    )
    .bind(&e.title)
    .bind(e.kind.as_str())
    .bind(&e.description)
    .bind(&e.campaign)
    .bind(e.department_id)
    .bind(e.street_id)
    .bind(i64::from(e.members_only))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets or removes an event's cover image.
pub async fn set_cover(conn: &mut Conn, event: i64, image: Option<i64>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update events set cover_image_id = $1, updated_at = $2 where event_id = $3")
        .bind(image)
        .bind(now)
        .bind(event)
        .execute(conn)
        .await?;
    Ok(())
}

/// One event.
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Event>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from events e where e.event_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(event_from).transpose()
}

/// Filter for listing events by their open sessions.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Sessions starting at or after (Unix seconds).
    pub from: i64,
    /// Sessions starting before.
    pub to: i64,
    /// Sessions at venues of this street.
    pub street: Option<i64>,
    /// At this venue.
    pub venue: Option<i64>,
    /// At venues of this community (我的社区).
    pub community: Option<i64>,
    /// Of this kind.
    pub kind: Option<EventKind>,
    /// Include members-only events (the viewer is logged in).
    pub members: bool,
}

/// An event found by [`list`]: its next session in the filter, and where that is.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The event.
    pub event: Event,
    /// Start of its next open session in the range.
    pub next_start: i64,
    /// That session's venue (the lowest id when several start at once), if at a venue.
    pub next_venue: Option<i64>,
}

/// Events with an open session in the filter's range, soonest first, with that session's
/// start and venue.
pub async fn list(conn: &mut Conn, f: &Filter, limit: i64) -> Result<Vec<Listed>, sqlx::Error> {
    // The filter's conditions on a session `o` at venue `v`, used twice: to find the events
    // with their next start, then that session's venue (so a card's place matches the filter).
    const MATCHES: &str = "o.status = 'open' and o.starts_at >= $1 and o.starts_at < $2 \
         and ($3 = 0 or v.street_id = $3) and ($4 = 0 or o.venue_id = $4) and ($8 = 0 or v.community_id = $8)";
    let sql = format!(
        "select x.*, (select min(o.venue_id) from offerings o left join venues v on v.venue_id = o.venue_id \
         where o.event_id = x.event_id and o.starts_at = x.next_start and {MATCHES}) as next_venue \
         from (select {COLUMNS}, min(o.starts_at) as next_start from events e \
         join offerings o on o.event_id = e.event_id left join venues v on v.venue_id = o.venue_id \
         where {MATCHES} and ($5 = '' or e.kind = $5) and ($6 = 1 or e.members_only = 0) \
         group by {COLUMNS}) x order by x.next_start, x.event_id limit $7"
    );
    let rows = sqlx::query(&sql)
        .bind(f.from)
        .bind(f.to)
        .bind(f.street.unwrap_or(0))
        .bind(f.venue.unwrap_or(0))
        .bind(f.kind.map_or("", EventKind::as_str))
        .bind(i64::from(f.members))
        .bind(limit)
        .bind(f.community.unwrap_or(0))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Listed {
                event: event_from(r)?,
                next_start: r.try_get("next_start")?,
                next_venue: r.try_get("next_venue")?,
            })
        })
        .collect()
}

/// Records a series.
pub async fn insert_series(conn: &mut Conn, event: i64, rrule: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("insert into series (event_id, rrule, created_at) values ($1, $2, $3) returning series_id")
        .bind(event)
        .bind(rrule)
        .bind(now)
        .fetch_one(conn)
        .await
}

/// All events, newest first.
pub async fn all(conn: &mut Conn, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from events e order by e.event_id desc limit $1");
    let rows = sqlx::query(&sql).bind(limit).fetch_all(conn).await?;
    rows.iter().map(event_from).collect()
}

/// The names of where an event happens — its sessions' venues with their communities and
/// streets, and its organising street — for search, so a place's name finds what is held there.
pub async fn place_names(conn: &mut Conn, event_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select distinct name from ( \
           select v.name as name from offerings o join venues v on v.venue_id = o.venue_id where o.event_id = $1 \
           union select c.name from offerings o join venues v on v.venue_id = o.venue_id \
             join communities c on c.community_id = v.community_id where o.event_id = $1 \
           union select s.name from offerings o join venues v on v.venue_id = o.venue_id \
             join streets s on s.street_id = v.street_id where o.event_id = $1 \
           union select s.name from events e join streets s on s.street_id = e.street_id where e.event_id = $1 \
         ) places order by name",
    )
    .bind(event_id)
    .fetch_all(conn)
    .await
}

/// A public activity with an open session in a time range, where its next session is (the
/// portal's "this week").
#[derive(Debug, Clone)]
pub struct Upcoming {
    /// Event id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Start of its next open session in the range.
    pub starts_at: i64,
    /// That session's venue name, if at a venue.
    pub venue: Option<String>,
    /// The venue's street, else the organising street.
    pub street_id: Option<i64>,
    /// The venue's community.
    pub community_id: Option<i64>,
}

/// Public (not members-only) events with an open session starting in `[from, to)`, soonest
/// first, each once with its first such session, at most `limit`.
pub async fn upcoming_public(conn: &mut Conn, from: i64, to: i64, limit: i64) -> Result<Vec<Upcoming>, sqlx::Error> {
    let rows = sqlx::query(
        "select e.event_id, e.title, e.kind, o.starts_at, v.name as venue, \
         coalesce(v.street_id, e.street_id) as street_id, v.community_id from events e \
         join offerings o on o.event_id = e.event_id left join venues v on v.venue_id = o.venue_id \
         where o.status = 'open' and o.starts_at >= $1 and o.starts_at < $2 and e.members_only = 0 \
         order by o.starts_at, e.event_id limit $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("event_id")?;
        if !seen.insert(id) {
            continue;
        }
        let kind: String = r.try_get("kind")?;
        out.push(Upcoming {
            id,
            title: r.try_get("title")?,
            kind: EventKind::parse(&kind).unwrap_or(EventKind::Other),
            starts_at: r.try_get("starts_at")?,
            venue: r.try_get("venue")?,
            street_id: r.try_get("street_id")?,
            community_id: r.try_get("community_id")?,
        });
    }
    Ok(out)
}

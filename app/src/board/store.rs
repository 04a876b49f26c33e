//! The public view of cases (the public board, Open311): cases of public categories, with
//! their category, department and dates — never who reported them. The description shows
//! only once a dispatcher accepted the case, the timeline without who acted or their notes,
//! and photos only those a dispatcher reviewed (see `cases::photos::service::review`).
//!
//! Where a case is can say where its reporter lives. So the address as typed and the
//! coordinates follow the description: nothing while the report waits for a dispatcher (or was
//! refused or voided without being vetted); after, the address, and the coordinates rounded to
//! a grid of about 50 m — exact only for a category marked precise (a manhole cover, a street
//! lamp). Every public output (the board's list, page and map, Open311 in JSON and XML) reads
//! cases through [`search`], which applies the core's rule of what the public sees of a place
//! (`cases::model::public_place`, which the core also tells possible duplicates by).

use sqlx::Row as _;

use crate::cases::model::{description_shown, open_states_sql, public_place};
use crate::cases::workflow::State;
use crate::db::Conn;
use crate::ids::{CommunityId, StreetId};

/// A case as the public sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicCase {
    /// Id.
    pub id: i64,
    /// Category code.
    pub code: String,
    /// Category name.
    pub category: String,
    /// Its English name, if the district gave one.
    pub category_en: Option<String>,
    /// The major's code.
    pub major: Option<String>,
    /// State.
    pub state: State,
    /// What was reported (shown once the case is accepted; until then it is unreviewed).
    pub description: Option<String>,
    /// Address as given, once reviewed (empty before; see `cases::model::public_place`).
    pub address: String,
    /// Coordinates as the public may see them (see `cases::model::public_place`).
    pub coords: Option<(f64, f64)>,
    /// Street.
    pub street_id: Option<StreetId>,
    /// Community.
    pub community_id: Option<CommunityId>,
    /// The department it is with.
    pub department: Option<String>,
    /// Its English name, if the district gave one.
    pub department_en: Option<String>,
    /// Filed.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// Deadline, once dispatched.
    pub deadline_at: Option<i64>,
}

/// Which public cases to list.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only these ids (empty: any).
    pub ids: Vec<i64>,
    /// Only of this category code.
    pub code: Option<String>,
    /// Filed at or after.
    pub from: i64,
    /// Filed before.
    pub to: i64,
    /// Only open (Some(true)) or closed (Some(false)) ones.
    pub open: Option<bool>,
    /// At most this many.
    pub limit: i64,
}

/// What the board narrows a [`Query`] by beyond what Open311 asks.
#[derive(Debug, Clone, Default)]
pub struct Narrow {
    /// Only of categories under this major.
    pub major: Option<String>,
    /// Only in this street.
    pub street: Option<StreetId>,
    /// Skip this many (a page of the list).
    pub offset: i64,
}

/// The `where` clause both [`search`] and [`count`] use; `$1`–`$5` are bound by [`bind`].
fn conditions(q: &Query) -> String {
    // The ids are integers we parsed, spelled into the SQL; everything else is bound.
    let ids = if q.ids.is_empty() {
        String::new()
    } else {
        format!(" and c.case_id in ({})", q.ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
    };
    let status = match q.open {
        None => String::new(),
        Some(true) => format!(" and c.state in {}", open_states_sql()),
        Some(false) => format!(" and c.state not in {}", open_states_sql()),
    };
    format!(
        "from cases c join case_categories k on k.category_id = c.category_id \
         left join departments d on d.department_id = c.department_id \
         where k.public = 1 and c.created_at >= $1 and c.created_at < $2 and ($3 = '' or k.code = $3) \
         and ($4 = '' or k.parent_code = $4) and ($5 = 0 or c.street_id = $5){ids}{status}"
    )
}

fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    q: &'q Query,
    n: &'q Narrow,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(q.from)
        .bind(q.to)
        .bind(q.code.as_deref().unwrap_or(""))
        .bind(n.major.as_deref().unwrap_or(""))
        .bind(n.street.map_or(0, |s| s.0))
}

/// Public cases, newest first.
pub async fn list(conn: &mut Conn, q: &Query) -> Result<Vec<PublicCase>, sqlx::Error> {
    search(conn, q, &Narrow::default()).await
}

/// Public cases, newest first, narrowed for the board.
pub async fn search(conn: &mut Conn, q: &Query, n: &Narrow) -> Result<Vec<PublicCase>, sqlx::Error> {
    let sql = format!(
        "select c.case_id, k.code, k.name, k.name_en, k.parent_code, k.precise, c.state, c.description, c.address, c.lat, \
         c.lng, c.street_id, c.community_id, d.name as department, d.name_en as department_en, c.created_at, c.updated_at, c.deadline_at {} \
         order by c.case_id desc limit $6 offset $7",
        conditions(q)
    );
    let rows = bind(sqlx::query(&sql), q, n).bind(q.limit.clamp(1, 1000)).bind(n.offset.max(0)).fetch_all(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let state: String = r.try_get("state")?;
        let Some(state) = State::parse(&state) else { continue };
        let description: String = r.try_get("description")?;
        let (address, coords) = public_place(
            state,
            r.try_get::<i64, _>("precise")? == 1,
            r.try_get("address")?,
            r.try_get::<Option<f64>, _>("lat")?.zip(r.try_get::<Option<f64>, _>("lng")?),
        );
        out.push(PublicCase {
            id: r.try_get("case_id")?,
            code: r.try_get("code")?,
            category: r.try_get("name")?,
            category_en: r.try_get("name_en")?,
            major: r.try_get("parent_code")?,
            description: description_shown(state).then_some(description),
            state,
            address,
            coords,
            street_id: r.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
            community_id: r.try_get::<Option<i64>, _>("community_id")?.map(CommunityId),
            department: r.try_get("department")?,
            department_en: r.try_get("department_en")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            deadline_at: r.try_get("deadline_at")?,
        });
    }
    Ok(out)
}

/// How many public cases a [`search`] without limit would find.
pub async fn count(conn: &mut Conn, q: &Query, n: &Narrow) -> Result<i64, sqlx::Error> {
    let sql = format!("select count(*) {}", conditions(q));
    bind(sqlx::query(&sql), q, n).fetch_one(conn).await?.try_get(0)
}

/// One public case (None: no such case, or not of a public category).
pub async fn one(conn: &mut Conn, id: i64) -> Result<Option<PublicCase>, sqlx::Error> {
    let q = Query { ids: vec![id], from: 0, to: i64::MAX, limit: 1, ..Query::default() };
    Ok(list(conn, &q).await?.pop())
}

/// A step of a public case's timeline: what happened and when, never who or their note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStep {
    /// When.
    pub at: i64,
    /// `file` or a workflow action.
    pub action: String,
    /// The department it went to (dispatch, redispatch).
    pub department: Option<String>,
    /// Its English name, if the district gave one.
    pub department_en: Option<String>,
}

/// The public steps of a case, oldest first: every step but the messages between the
/// parties (comments).
pub async fn steps(conn: &mut Conn, case_id: i64) -> Result<Vec<PublicStep>, sqlx::Error> {
    let rows = sqlx::query(
        "select e.at, e.action, d.name as department, d.name_en as department_en from case_events e \
         left join departments d on d.department_id = e.department_id \
         where e.case_id = $1 and e.action <> 'comment' order by e.case_event_id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PublicStep {
                at: r.try_get("at")?,
                action: r.try_get("action")?,
                department: r.try_get("department")?,
                department_en: r.try_get("department_en")?,
            })
        })
        .collect()
}

/// The reviewed photos of a case, oldest first: (image id, `report` or `after`).
pub async fn photos(conn: &mut Conn, case_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("select image_id, kind from case_photos where case_id = $1 and reviewed = 1 order by case_photo_id")
        .bind(case_id)
        .fetch_all(conn)
        .await
}

/// A reviewed photo of a public case, for anyone (None: not public, not reviewed, not the
/// case's).
pub async fn photo(conn: &mut Conn, case_id: i64, image_id: i64) -> Result<Option<crate::media::Stored>, sqlx::Error> {
    if one(conn, case_id).await?.is_none() {
        return Ok(None);
    }
    let reviewed: Option<i64> =
        sqlx::query_scalar("select image_id from case_photos where case_id = $1 and image_id = $2 and reviewed = 1")
            .bind(case_id)
            .bind(image_id)
            .fetch_optional(&mut *conn)
            .await?;
    match reviewed {
        Some(_) => crate::media::get(conn, image_id, false).await,
        None => Ok(None),
    }
}

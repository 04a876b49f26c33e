//! SQL for cases, their timelines and their categories (the working-time calendar is in
//! `calendar::store`).

use sqlx::Row as _;

use crate::authz::Reach;
use crate::cases::calendar::model::TimeLimit;
use crate::cases::model::{Case, LATE_STATES, Rating, Source, Step, open_states_sql, sql_list};
use crate::cases::workflow::State;
use crate::db::Conn;
use crate::db::row::Row;
use crate::ids::{CommunityId, DepartmentId, StreetId, UserId};

type Result<T> = std::result::Result<T, sqlx::Error>;

/// What kind of case a category files: a problem of the city (市容环境 …), which the
/// inspectors, the back office and residents report.
pub const KIND_CITY: &str = "city";
/// The kind of residents' request categories (急难愁盼), which residents report beside the city
/// problems (the report's first screen offers either).
pub const KIND_REQUEST: &str = "request";

/// A category as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Id.
    pub id: i64,
    /// Two-level code.
    pub code: String,
    /// Name.
    pub name: String,
    /// English name (None: English pages show the Chinese name, marked `lang="zh"`).
    pub name_en: Option<String>,
    /// The major's code (None for a major).
    pub parent_code: Option<String>,
    /// `city` (more kinds come with residents' requests and enterprise assistance).
    pub kind: String,
    /// Where cases go first.
    pub department_id: Option<DepartmentId>,
    /// Handling time limit.
    pub limit: Option<TimeLimit>,
    /// Reports need a photo.
    pub photos_required: bool,
    /// Shown on the public board.
    pub public: bool,
    /// The public sees its cases at their exact coordinates, not rounded (see `crate::board::store`).
    pub precise: bool,
    /// Offered for new cases (the back office retires a category instead of deleting it).
    pub active: bool,
}

/// Every category, majors before their minors, in code order.
pub async fn categories(conn: &mut Conn) -> Result<Vec<Category>> {
    let rows = sqlx::query(
        "select category_id, code, name, name_en, parent_code, kind, department_id, time_limit, photos_required, public, precise, \
         active \
         from case_categories where active = 1 order by code",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(category_from).collect()
}

fn category_from(r: &sqlx::any::AnyRow) -> Result<Category> {
    let limit: Option<String> = r.try_get("time_limit")?;
    Ok(Category {
        id: r.try_get("category_id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        name_en: r.try_get("name_en")?,
        parent_code: r.try_get("parent_code")?,
        kind: r.try_get("kind")?,
        department_id: r.try_get::<Option<i64>, _>("department_id")?.map(DepartmentId),
        limit: limit.as_deref().and_then(TimeLimit::parse),
        photos_required: r.try_get::<i64, _>("photos_required")? == 1,
        public: r.try_get::<i64, _>("public")? == 1,
        precise: r.try_get::<i64, _>("precise")? == 1,
        active: r.try_get::<i64, _>("active")? == 1,
    })
}

/// Every category, retired ones too, in code order (the back office's list).
pub async fn all_categories(conn: &mut Conn) -> Result<Vec<Category>> {
    categories_where(conn, "active >= $1 order by code", 0).await
}

/// A category by id, active or not.
pub async fn category(conn: &mut Conn, id: i64) -> Result<Option<Category>> {
    Ok(categories_where(conn, "category_id = $1", id).await?.pop())
}

async fn categories_where(conn: &mut Conn, condition: &str, value: i64) -> Result<Vec<Category>> {
    let sql = format!(
        "select category_id, code, name, name_en, parent_code, kind, department_id, time_limit, photos_required, public, precise, \
         active \
         from case_categories where {condition}"
    );
    let rows = sqlx::query(&sql).bind(value).fetch_all(conn).await?;
    rows.iter().map(category_from).collect()
}

const CASE_COLUMNS: &str = "case_id, category_id, source, state, description, street_id, community_id, address, \
    lat, lng, merged_into, patrol_id, reporter_user_id, anonymous, department_id, dispatched_at, deadline_at, closed_at, escalated, rework_count, rating, \
    created_at, agent_user_id";

fn case_from(r: &sqlx::any::AnyRow) -> Result<Case> {
    let text = |name: &str| -> Result<String> { r.try_get(name) };
    let bad = |what: &str| sqlx::Error::Decode(format!("bad {what} in cases").into());
    Ok(Case {
        id: r.try_get("case_id")?,
        category_id: r.try_get("category_id")?,
        source: Source::parse(&text("source")?).ok_or_else(|| bad("source"))?,
        state: State::parse(&text("state")?).ok_or_else(|| bad("state"))?,
        description: text("description")?,
        street_id: r.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
        community_id: r.try_get::<Option<i64>, _>("community_id")?.map(CommunityId),
        address: text("address")?,
        coords: r.try_get::<Option<f64>, _>("lat")?.zip(r.try_get::<Option<f64>, _>("lng")?),
        merged_into: r.try_get("merged_into")?,
        patrol_id: r.try_get("patrol_id")?,
        reporter: r.try_get::<Option<i64>, _>("reporter_user_id")?.map(UserId),
        anonymous: r.try_get::<i64, _>("anonymous")? == 1,
        department_id: r.try_get::<Option<i64>, _>("department_id")?.map(DepartmentId),
        dispatched_at: r.try_get("dispatched_at")?,
        deadline_at: r.try_get("deadline_at")?,
        closed_at: r.try_get("closed_at")?,
        escalated: r.try_get::<i64, _>("escalated")? == 1,
        rework_count: r.try_get("rework_count")?,
        rating: r.try_get::<Option<String>, _>("rating")?.as_deref().and_then(Rating::parse),
        created_at: r.try_get("created_at")?,
        agent: r.try_get::<Option<i64>, _>("agent_user_id")?.map(UserId),
    })
}

/// A new case (shared with the writer thread's filing, `filing::store`: both bind the same 13
/// values in this order; `$10` is both created_at and updated_at).
pub(crate) const INSERT_CASE: &str = "insert into cases (category_id, source, state, description, street_id, \
     community_id, address, reporter_user_id, anonymous, created_at, updated_at, lat, lng, patrol_id) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) returning case_id";

/// A step on a case's timeline (shared with `filing::store`).
pub(crate) const INSERT_STEP: &str = "insert into case_events (case_id, at, actor_user_id, action, from_state, \
     to_state, department_id, note) values ($1, $2, $3, $4, $5, $6, $7, $8)";

/// What a filing refers to, in one read (shared with `filing::store`; binds category, community,
/// filer): the category's kind if it is a minor category open for filing, the community's
/// street, the filer's open patrol. See `filing::Refs`.
pub(crate) const FILING_REFS: &str = "select \
     (select kind from case_categories where category_id = $1 and parent_code is not null and active = 1), \
     (select street_id from communities where community_id = $2), \
     (select patrol_id from patrols where inspector_user_id = $3 and ended_at is null \
      order by patrol_id desc limit 1)";

/// What a filing refers to, from the row of [`FILING_REFS`] (on the pool or the writer thread).
pub(crate) fn refs_from<R: Row>(r: &R) -> std::result::Result<crate::cases::filing::Refs, R::Error> {
    Ok(crate::cases::filing::Refs { kind: r.get(0)?, street: r.get(1)?, open_patrol: r.get(2)? })
}

/// Reads what a filing refers to (see [`FILING_REFS`]).
pub async fn filing_refs(
    conn: &mut Conn,
    category: i64,
    community: Option<CommunityId>,
    filer: UserId,
) -> Result<crate::cases::filing::Refs> {
    let row =
        sqlx::query(FILING_REFS).bind(category).bind(community.map(|c| c.0)).bind(filer.0).fetch_one(conn).await?;
    refs_from(&row)
}

/// Files a case (state `reported`) and its first timeline step, taken by `filer` (the reporter,
/// or staff taking a call for someone); returns its id.
pub async fn insert_case(conn: &mut Conn, c: &Case, filer: UserId, now: i64) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(INSERT_CASE)
        // Optional floats: not a cached statement (see org/store.rs on sqlx's Any driver).
        .persistent(false)
        .bind(c.category_id)
        .bind(c.source.as_str())
        .bind(c.state.as_str())
        .bind(&c.description)
        .bind(c.street_id.map(|s| s.0))
        .bind(c.community_id.map(|s| s.0))
        .bind(&c.address)
        .bind(c.reporter.map(|u| u.0))
        .bind(i64::from(c.anonymous))
        .bind(now)
        .bind(c.coords.map(|p| p.0))
        .bind(c.coords.map(|p| p.1))
        .bind(c.patrol_id)
        .fetch_one(&mut *conn)
        .await?;
    let step = Step {
        at: now,
        actor: Some(filer.0),
        action: "file".into(),
        from: None,
        to: c.state.as_str().into(),
        department_id: None,
        note: String::new(),
    };
    add_step(conn, id, &step).await?;
    Ok(id)
}

/// A case.
pub async fn case(conn: &mut Conn, id: i64) -> Result<Option<Case>> {
    let sql = format!("select {CASE_COLUMNS} from cases where case_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(case_from).transpose()
}

/// The display name of a case's reporter (shown to the command centre when the report is not
/// anonymous; an anonymous one only through the audited reveal, `cases::reveal`).
pub async fn reporter_name(conn: &mut Conn, user: UserId) -> Result<Option<String>> {
    sqlx::query_scalar("select display_name from users where user_id = $1").bind(user.0).fetch_optional(conn).await
}

/// Cases after `after` in id order (of one category, when given), a batch at a time.
pub async fn cases_after(conn: &mut Conn, category: Option<i64>, after: i64, limit: i64) -> Result<Vec<Case>> {
    let sql = format!(
        "select {CASE_COLUMNS} from cases where case_id > $1 and ($2 = 0 or category_id = $2) order by case_id limit $3"
    );
    let rows = sqlx::query(&sql).bind(after).bind(category.unwrap_or(0)).bind(limit).fetch_all(conn).await?;
    rows.iter().map(case_from).collect()
}

/// A user's own cases, newest first.
pub async fn cases_of_reporter(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<Case>> {
    let sql = format!("select {CASE_COLUMNS} from cases where reporter_user_id = $1 order by case_id desc limit $2");
    let rows = sqlx::query(&sql).bind(user.0).bind(limit).fetch_all(conn).await?;
    rows.iter().map(case_from).collect()
}

/// Writes a case's new state and fields, if it is still in `from` (someone else may have
/// moved it meanwhile: then false, and nothing was written).
pub async fn move_case(conn: &mut Conn, next: &Case, from: State, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "update cases set state = $1, department_id = $2, dispatched_at = $3, deadline_at = $4, closed_at = $5, \
         escalated = $6, rework_count = $7, rating = $8, updated_at = $9 where case_id = $10 and state = $11",
    )
    .bind(next.state.as_str())
    .bind(next.department_id.map(|d| d.0))
    .bind(next.dispatched_at)
    .bind(next.deadline_at)
    .bind(next.closed_at)
    .bind(i64::from(next.escalated))
    .bind(next.rework_count)
    .bind(next.rating.map(Rating::as_str))
    .bind(now)
    .bind(next.id)
    .bind(from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends a step to a case's timeline.
pub async fn add_step(conn: &mut Conn, case: i64, s: &Step) -> Result<()> {
    sqlx::query(INSERT_STEP)
        .bind(case)
        .bind(s.at)
        .bind(s.actor)
        .bind(&s.action)
        .bind(s.from.as_deref())
        .bind(&s.to)
        .bind(s.department_id)
        .bind(&s.note)
        .execute(conn)
        .await?;
    Ok(())
}

/// A case's timeline, oldest first.
pub async fn steps(conn: &mut Conn, case: i64) -> Result<Vec<Step>> {
    let rows = sqlx::query(
        "select at, actor_user_id, action, from_state, to_state, department_id, note from case_events \
         where case_id = $1 order by case_event_id",
    )
    .bind(case)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Step {
                at: r.try_get("at")?,
                actor: r.try_get("actor_user_id")?,
                action: r.try_get("action")?,
                from: r.try_get("from_state")?,
                to: r.try_get("to_state")?,
                department_id: r.try_get("department_id")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Which cases a list shows, and in what order.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only in this state.
    pub state: Option<State>,
    /// Only of this street.
    pub street: Option<StreetId>,
    /// Only with this department.
    pub department: Option<DepartmentId>,
    /// Only past their deadline and not yet handled, as of this time.
    pub overdue_at: Option<i64>,
    /// Earliest deadline first (else newest first).
    pub by_deadline: bool,
    /// At most this many.
    pub limit: i64,
}

/// Cases within `reach` (see [`Reach::cases`], and the user's own reports) that pass `filter`.
pub async fn list(conn: &mut Conn, reach: &Reach, filter: &Filter) -> Result<Vec<Case>> {
    // The filter's values are bound; the reach is ids we hold, spelled into the SQL.
    let mut within = reach.cases().sql("");
    within.push(format!("reporter_user_id = {}", reach.user().0));
    let order = if filter.by_deadline { "coalesce(deadline_at, 9223372036854775807), case_id" } else { "case_id desc" };
    let sql = format!(
        "select {CASE_COLUMNS} from cases where ({}) and ($1 = '' or state = $1) and ($2 = 0 or street_id = $2) \
         and ($3 = 0 or department_id = $3) \
         and ($4 = 0 or (deadline_at < $4 and state in {late})) \
         order by {order} limit $5",
        within.join(" or "),
        late = sql_list(LATE_STATES),
    );
    let rows = sqlx::query(&sql)
        .bind(filter.state.map_or("", State::as_str))
        .bind(filter.street.map_or(0, |s| s.0))
        .bind(filter.department.map_or(0, |d| d.0))
        .bind(filter.overdue_at.unwrap_or(0))
        .bind(filter.limit.clamp(1, 500))
        .fetch_all(conn)
        .await?;
    rows.iter().map(case_from).collect()
}

/// Marks up to `limit` overdue, not yet escalated cases as escalated; returns them (id, state,
/// street). Only a case still unescalated is taken, so concurrent runs never take one twice.
pub async fn claim_overdue(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<(i64, State, Option<StreetId>)>> {
    let sql = format!(
        "update cases set escalated = 1, updated_at = $1 where case_id in (select case_id from cases \
         where escalated = 0 and state in {late} and deadline_at < $1 order by case_id limit $2) \
         and escalated = 0 and state in {late} returning case_id, state, street_id",
        late = sql_list(LATE_STATES)
    );
    let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(conn).await?;
    Ok(rows.into_iter().filter_map(|(id, s, street)| Some((id, State::parse(&s)?, street.map(StreetId)))).collect())
}

/// An active minor category by its code.
pub async fn category_by_code(conn: &mut Conn, code: &str) -> Result<Option<Category>> {
    let id: Option<i64> = sqlx::query_scalar(
        "select category_id from case_categories where code = $1 and active = 1 and parent_code is not null",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    match id {
        Some(id) => category(conn, id).await,
        None => Ok(None),
    }
}

/// Open cases of `category` filed since `since` whose coordinates lie within a box around
/// `at` (the caller measures the exact distance), other than `except`.
pub async fn near(
    conn: &mut Conn,
    category: i64,
    at: (f64, f64),
    box_m: f64,
    since: i64,
    except: i64,
) -> Result<Vec<Case>> {
    let dlat = box_m / 111_320.0;
    let dlng = box_m / (111_320.0 * at.0.to_radians().cos().abs().max(0.01));
    let sql = format!(
        "select {CASE_COLUMNS} from cases where category_id = $1 and lat between $2 and $3 and lng between $4 and $5 \
         and created_at >= $6 and case_id <> $7 and merged_into is null and state in {open} \
         order by case_id desc limit 50",
        open = open_states_sql()
    );
    let rows = sqlx::query(&sql)
        .bind(category)
        .bind(at.0 - dlat)
        .bind(at.0 + dlat)
        .bind(at.1 - dlng)
        .bind(at.1 + dlng)
        .bind(since)
        .bind(except)
        .fetch_all(conn)
        .await?;
    rows.iter().map(case_from).collect()
}

/// Links a duplicate to the case it was merged into.
pub async fn set_merged_into(conn: &mut Conn, duplicate: i64, master: i64) -> Result<()> {
    sqlx::query("update cases set merged_into = $1 where case_id = $2")
        .bind(master)
        .bind(duplicate)
        .execute(conn)
        .await?;
    Ok(())
}

/// The duplicates merged into a case: (id, reporter).
pub async fn merged_into(conn: &mut Conn, master: i64) -> Result<Vec<(i64, Option<i64>)>> {
    sqlx::query_as("select case_id, reporter_user_id from cases where merged_into = $1 order by case_id")
        .bind(master)
        .fetch_all(conn)
        .await
}

//! The public view of cases (the public board, Open311): cases of public categories, with
//! their category, department and dates — never who reported them.

use sqlx::Row as _;

use crate::cases::model::open_states_sql;
use crate::cases::workflow::State;
use crate::db::Conn;

/// A case as the public sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicCase {
    /// Id.
    pub id: i64,
    /// Category code.
    pub code: String,
    /// Category name.
    pub category: String,
    /// State.
    pub state: State,
    /// What was reported (shown once the case is accepted; until then it is unreviewed).
    pub description: Option<String>,
    /// Address as given.
    pub address: String,
    /// Coordinates.
    pub coords: Option<(f64, f64)>,
    /// The department it is with.
    pub department: Option<String>,
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

/// Public cases, newest first.
pub async fn list(conn: &mut Conn, q: &Query) -> Result<Vec<PublicCase>, sqlx::Error> {
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
    let sql = format!(
        "select c.case_id, k.code, k.name, c.state, c.description, c.address, c.lat, c.lng, d.name as department, c.created_at, \
         c.updated_at, c.deadline_at from cases c join case_categories k on k.category_id = c.category_id \
         left join departments d on d.department_id = c.department_id \
         where k.public = 1 and c.created_at >= $1 and c.created_at < $2 and ($3 = '' or k.code = $3){ids}{status} \
         order by c.case_id desc limit $4"
    );
    let rows = sqlx::query(&sql)
        .bind(q.from)
        .bind(q.to)
        .bind(q.code.as_deref().unwrap_or(""))
        .bind(q.limit.clamp(1, 1000))
        .fetch_all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let state: String = r.try_get("state")?;
        let Some(state) = State::parse(&state) else { continue };
        let description: String = r.try_get("description")?;
        out.push(PublicCase {
            id: r.try_get("case_id")?,
            code: r.try_get("code")?,
            category: r.try_get("name")?,
            description: (state != State::Reported).then_some(description),
            state,
            address: r.try_get("address")?,
            coords: r.try_get::<Option<f64>, _>("lat")?.zip(r.try_get::<Option<f64>, _>("lng")?),
            department: r.try_get("department")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            deadline_at: r.try_get("deadline_at")?,
        });
    }
    Ok(out)
}

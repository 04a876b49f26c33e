//! SQL for people.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Conn;
use crate::ids::UserId;
use crate::people::model::{Person, Relation};

fn person_from(row: &AnyRow) -> Result<Person, sqlx::Error> {
    let relation: String = row.try_get("relation")?;
    Ok(Person {
        id: row.try_get("person_id")?,
        name: row.try_get("name")?,
        relation: Relation::parse(&relation).unwrap_or(Relation::Other),
        id_masked: row.try_get("id_masked")?,
        birth_date: row.try_get("birth_date")?,
        id_index: row.try_get("id_index")?,
    })
}

/// Stored fields of a new person.
pub struct NewRow<'a> {
    /// Name.
    pub name: &'a str,
    /// Relation.
    pub relation: Relation,
    /// Blind index, sealed and masked ID number, birth date.
    pub id: Option<(String, String, String, String)>,
}

/// Adds a person to a user's list.
pub async fn insert(conn: &mut Conn, owner: UserId, p: &NewRow<'_>, now: i64) -> Result<i64, sqlx::Error> {
    let (index, sealed, masked, birth) = match &p.id {
        Some((i, s, m, b)) => (Some(i.as_str()), Some(s.as_str()), Some(m.as_str()), Some(b.as_str())),
        None => (None, None, None, None),
    };
    sqlx::query_scalar(
        "insert into people (owner_user_id, name, relation, id_index, id_sealed, id_masked, birth_date, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning person_id",
    )
    .bind(owner.0)
    .bind(p.name)
    .bind(p.relation.as_str())
    .bind(index)
    .bind(sealed)
    .bind(masked)
    .bind(birth)
    .bind(now)
    .fetch_one(conn)
    .await
}

const COLUMNS: &str = "person_id, name, relation, id_masked, birth_date, id_index";

/// A user's people, in the order added.
pub async fn list(conn: &mut Conn, owner: UserId) -> Result<Vec<Person>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from people where owner_user_id = $1 order by person_id");
    let rows = sqlx::query(&sql).bind(owner.0).fetch_all(conn).await?;
    rows.iter().map(person_from).collect()
}

/// One of a user's people (None if it is someone else's).
pub async fn get(conn: &mut Conn, owner: UserId, id: i64) -> Result<Option<Person>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from people where owner_user_id = $1 and person_id = $2");
    let row = sqlx::query(&sql).bind(owner.0).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(person_from).transpose()
}

/// The user's own record, if they added themself.
pub async fn myself(conn: &mut Conn, owner: UserId) -> Result<Option<Person>, sqlx::Error> {
    let sql = format!(
        "select {COLUMNS} from people where owner_user_id = $1 and relation = 'self' order by person_id limit 1"
    );
    let row = sqlx::query(&sql).bind(owner.0).fetch_optional(conn).await?;
    row.as_ref().map(person_from).transpose()
}

//! SQL for people.

use crate::db::Conn;
use crate::db::row::Row;
use crate::ids::UserId;
use crate::people::model::{Person, Relation};

/// A person, from a row of the columns below (on the pool, or the writer thread's bookings).
pub(crate) fn person_from<R: Row>(row: &R) -> Result<Person, R::Error> {
    let relation: String = row.get(2)?;
    Ok(Person {
        id: row.get(0)?,
        name: row.get(1)?,
        relation: Relation::parse(&relation).unwrap_or(Relation::Other),
        id_masked: row.get(3)?,
        birth_date: row.get(4)?,
        id_index: row.get(5)?,
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

/// `select` of the columns [`person_from`] reads, from the people not removed, where `$where`.
macro_rules! select_people {
    ($where:literal) => {
        concat!(
            "select person_id, name, relation, id_masked, birth_date, id_index from people where removed_at is null and ",
            $where
        )
    };
}

/// One of a user's people ($1 the owner, $2 the person); shared with the writer thread.
pub(crate) const BY_ID: &str = select_people!("owner_user_id = $1 and person_id = $2");

/// The user's own record ($1); shared with the writer thread.
pub(crate) const MYSELF: &str = select_people!("owner_user_id = $1 and relation = 'self' order by person_id limit 1");

/// A user's people, in the order added.
pub async fn list(conn: &mut Conn, owner: UserId) -> Result<Vec<Person>, sqlx::Error> {
    let rows =
        sqlx::query(select_people!("owner_user_id = $1 order by person_id")).bind(owner.0).fetch_all(conn).await?;
    rows.iter().map(person_from).collect()
}

/// One of a user's people (None if it is someone else's).
pub async fn get(conn: &mut Conn, owner: UserId, id: i64) -> Result<Option<Person>, sqlx::Error> {
    let row = sqlx::query(BY_ID).bind(owner.0).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(person_from).transpose()
}

/// The user's own record, if they added themself.
pub async fn myself(conn: &mut Conn, owner: UserId) -> Result<Option<Person>, sqlx::Error> {
    let row = sqlx::query(MYSELF).bind(owner.0).fetch_optional(conn).await?;
    row.as_ref().map(person_from).transpose()
}

/// Changes a person's name and relation, and their ID number when `id` is given.
pub async fn update(conn: &mut Conn, owner: UserId, person: i64, p: &NewRow<'_>) -> Result<bool, sqlx::Error> {
    let (index, sealed, masked, birth) = match &p.id {
        Some((i, s, m, b)) => (Some(i.as_str()), Some(s.as_str()), Some(m.as_str()), Some(b.as_str())),
        None => (None, None, None, None),
    };
    let done = sqlx::query(
        "update people set name = $1, relation = $2, id_index = coalesce($3, id_index), \
         id_sealed = coalesce($4, id_sealed), id_masked = coalesce($5, id_masked), birth_date = coalesce($6, birth_date) \
         where owner_user_id = $7 and person_id = $8 and removed_at is null",
    )
    .bind(p.name)
    .bind(p.relation.as_str())
    .bind(index)
    .bind(sealed)
    .bind(masked)
    .bind(birth)
    .bind(owner.0)
    .bind(person)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A family member's phone as shown: (person, masked number) of those verified.
pub async fn verified_phones(conn: &mut Conn, owner: UserId) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "select person_id, phone_masked from people where owner_user_id = $1 and phone_verified_at is not null \
         order by person_id",
    )
    .bind(owner.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((sqlx::Row::try_get(r, 0)?, sqlx::Row::try_get(r, 1)?))).collect()
}

/// A code texted to a number being added to a person.
#[derive(Debug, Clone)]
pub struct PhoneCode {
    /// The number, sealed.
    pub phone_sealed: String,
    /// The number, masked.
    pub phone_masked: String,
    /// The hash's salt.
    pub salt: String,
    /// SHA-256 of `salt:code`.
    pub code_hash: String,
    /// Guesses spent.
    pub attempts: i64,
    /// When it stops being good.
    pub expires_at: i64,
}

/// Stores a person's new code, replacing any earlier one.
pub async fn put_phone_code(conn: &mut Conn, person: i64, c: &PhoneCode, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("delete from person_phone_codes where person_id = $1").bind(person).execute(&mut *conn).await?;
    sqlx::query(
        "insert into person_phone_codes (person_id, phone_sealed, phone_masked, salt, code_hash, attempts, created_at, \
         expires_at) values ($1, $2, $3, $4, $5, 0, $6, $7)",
    )
    .bind(person)
    .bind(&c.phone_sealed)
    .bind(&c.phone_masked)
    .bind(&c.salt)
    .bind(&c.code_hash)
    .bind(now)
    .bind(c.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's pending code.
pub async fn phone_code(conn: &mut Conn, person: i64) -> Result<Option<PhoneCode>, sqlx::Error> {
    let row = sqlx::query(
        "select phone_sealed, phone_masked, salt, code_hash, attempts, expires_at from person_phone_codes \
         where person_id = $1",
    )
    .bind(person)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        use sqlx::Row as _;
        Ok(PhoneCode {
            phone_sealed: r.try_get(0)?,
            phone_masked: r.try_get(1)?,
            salt: r.try_get(2)?,
            code_hash: r.try_get(3)?,
            attempts: r.try_get(4)?,
            expires_at: r.try_get(5)?,
        })
    })
    .transpose()
}

/// Spends one guess on a person's code, in the statement that checks one is left (so guesses
/// sent at once cannot outnumber them); false when none is.
pub async fn spend_guess(conn: &mut Conn, person: i64, max: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update person_phone_codes set attempts = attempts + 1 where person_id = $1 and attempts < $2 \
         and expires_at > $3",
    )
    .bind(person)
    .bind(max)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a person removed; false if there was none to remove.
pub async fn remove(conn: &mut Conn, owner: UserId, person: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update people set removed_at = $1 where owner_user_id = $2 and person_id = $3 and removed_at is null",
    )
    .bind(now)
    .bind(owner.0)
    .bind(person)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many bookings for `person` are still ahead (booked, waiting or in a draw).
pub async fn future_bookings(conn: &mut Conn, person: i64, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "select count(*) from reservations r join offerings o on o.offering_id = r.offering_id \
         where r.person_id = $1 and r.status in ('requested', 'confirmed', 'waitlisted') and o.starts_at > $2",
    )
    .bind(person)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Sets a person's verified phone and deletes the code that proved it (it is used once).
pub async fn set_phone(conn: &mut Conn, person: i64, sealed: &str, masked: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update people set phone_sealed = $1, phone_masked = $2, phone_verified_at = $3 where person_id = $4")
        .bind(sealed)
        .bind(masked)
        .bind(now)
        .bind(person)
        .execute(&mut *conn)
        .await?;
    sqlx::query("delete from person_phone_codes where person_id = $1").bind(person).execute(conn).await?;
    Ok(())
}

/// The verified phone (sealed, masked) of the person a reservation is for, if they have one:
/// where that booking's reminder goes.
pub async fn reminder_phone(conn: &mut Conn, reservation: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "select p.phone_sealed, p.phone_masked from reservations r join people p on p.person_id = r.person_id \
         where r.reservation_id = $1 and p.phone_verified_at is not null",
    )
    .bind(reservation)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((sqlx::Row::try_get(&r, 0)?, sqlx::Row::try_get(&r, 1)?))).transpose()
}

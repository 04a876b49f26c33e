//! SQL for appointment services (their slots are offerings, see `bookings::store`).

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::appointments::model::Service;
use crate::db::Conn;
use crate::ids::UserId;

fn service_from(row: &AnyRow) -> Result<Service, sqlx::Error> {
    Ok(Service {
        id: row.try_get("service_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        real_name_required: row.try_get::<i64, _>("real_name_required")? == 1,
        department_id: row.try_get("department_id")?,
    })
}

/// Creates a service.
pub async fn insert(
    conn: &mut Conn,
    name: &str,
    description: &str,
    real_name_required: bool,
    department_id: Option<i64>,
    by: UserId,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into services (name, description, real_name_required, department_id, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning service_id",
    )
    .bind(name)
    .bind(description)
    .bind(i64::from(real_name_required))
    .bind(department_id)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// One service.
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Service>, sqlx::Error> {
    let row = sqlx::query(
        "select service_id, name, description, real_name_required, department_id from services where service_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(service_from).transpose()
}

/// All services, oldest first, after `after`.
pub async fn list(conn: &mut Conn, after: i64, limit: i64) -> Result<Vec<Service>, sqlx::Error> {
    let rows = sqlx::query(
        "select service_id, name, description, real_name_required, department_id from services \
         where service_id > $1 order by service_id limit $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(service_from).collect()
}

/// Services with a slot still to come that is open and not full, each with that slot's start
/// (the next free one), soonest first, at most `limit`: "open for booking" on the portal.
pub async fn open_for_booking(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<(Service, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "select s.service_id, s.name, s.description, s.real_name_required, s.department_id, \
         min(o.starts_at) as next_free from services s join offerings o on o.service_id = s.service_id \
         where o.status = 'open' and o.starts_at >= $1 and (o.capacity is null or o.booked < o.capacity) \
         and (o.closes_at is null or o.closes_at > $1) \
         group by s.service_id, s.name, s.description, s.real_name_required, s.department_id \
         order by next_free, s.service_id limit $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((service_from(r)?, r.try_get("next_free")?))).collect()
}

/// Saves a service's name, description, real-name rule and department.
pub async fn update(conn: &mut Conn, s: &Service, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update services set name = $1, description = $2, real_name_required = $3, department_id = $4, \
         updated_at = $5 where service_id = $6",
    )
    .bind(&s.name)
    .bind(&s.description)
    .bind(i64::from(s.real_name_required))
    .bind(s.department_id)
    .bind(now)
    .bind(s.id)
    .execute(conn)
    .await?;
    Ok(())
}

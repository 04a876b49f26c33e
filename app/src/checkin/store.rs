//! SQL of check-in that is not the booking engine's: who runs something at a venue.

use crate::authz::Location;
use crate::db::Conn;
use crate::ids::{DepartmentId, StreetId};

/// Where the organisers of the open offerings at a venue sit (department and street), for
/// offerings not ended at `now` that start within `ahead` seconds of it.
pub async fn running_here(conn: &mut Conn, venue: i64, now: i64, ahead: i64) -> Result<Vec<Location>, sqlx::Error> {
    let rows: Vec<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "select distinct department_id, street_id from offerings \
         where venue_id = $1 and status = 'open' and starts_at <= $2 and ends_at >= $3",
    )
    .bind(venue)
    .bind(now + ahead)
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(department, street)| Location {
            department: department.map(DepartmentId),
            street: street.map(StreetId),
            community: None,
        })
        .collect())
}

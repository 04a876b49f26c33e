//! Reservations with what people need to see next to them: what, when, where, for whom.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::bookings::model::Status;
use crate::db::Conn;
use crate::ids::UserId;

/// One reservation as its booker or staff see it.
#[derive(Debug, Clone)]
pub struct Line {
    /// Reservation id.
    pub id: i64,
    /// Offering id.
    pub offering_id: i64,
    /// Status.
    pub status: Status,
    /// Ticket code.
    pub code: String,
    /// Start (Unix seconds).
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
    /// Service name.
    pub title: String,
    /// Venue name.
    pub venue: String,
    /// The person booked (None: the booker themself).
    pub person: Option<String>,
    /// The booker's name.
    pub booker: String,
    /// The booker's masked phone.
    pub booker_phone: String,
    /// Online link of an event session.
    pub online_url: Option<String>,
    /// The event, for activity sessions.
    pub event_id: Option<i64>,
    /// The service, for appointment slots.
    pub service_id: Option<i64>,
}

const SELECT: &str = "select r.reservation_id, r.offering_id, r.status, r.code, o.starts_at, o.ends_at, \
     coalesce(s.name, e.title, '') as title, coalesce(v.name, '') as venue, p.name as person, u.display_name, \
     u.phone_masked, o.online_url, o.event_id, o.service_id \
     from reservations r join offerings o on o.offering_id = r.offering_id \
     left join services s on s.service_id = o.service_id \
     left join events e on e.event_id = o.event_id \
     left join venues v on v.venue_id = o.venue_id \
     left join people p on p.person_id = r.person_id \
     join users u on u.user_id = r.booker_user_id";

fn line(row: &AnyRow) -> Result<Line, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Line {
        id: row.try_get("reservation_id")?,
        offering_id: row.try_get("offering_id")?,
        status: Status::parse(&status).unwrap_or(Status::Cancelled),
        code: row.try_get("code")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        title: row.try_get("title")?,
        venue: row.try_get("venue")?,
        person: row.try_get("person")?,
        booker: row.try_get("display_name")?,
        booker_phone: row.try_get("phone_masked")?,
        online_url: row.try_get("online_url")?,
        event_id: row.try_get("event_id")?,
        service_id: row.try_get("service_id")?,
    })
}

/// A user's reservations, soonest first, recent past included.
pub async fn of_user(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<Line>, sqlx::Error> {
    let sql = format!("{SELECT} where r.booker_user_id = $1 order by o.starts_at desc, r.reservation_id desc limit $2");
    let rows = sqlx::query(&sql).bind(user.0).bind(limit).fetch_all(conn).await?;
    rows.iter().map(line).collect()
}

/// One reservation with its details.
pub async fn one(conn: &mut Conn, id: i64) -> Result<Option<Line>, sqlx::Error> {
    let sql = format!("{SELECT} where r.reservation_id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(line).transpose()
}

/// Everyone booked on a service's slots starting in `[from, to)`, by slot then booking order.
pub async fn of_service(conn: &mut Conn, service: i64, from: i64, to: i64) -> Result<Vec<Line>, sqlx::Error> {
    let sql = format!(
        "{SELECT} where o.service_id = $1 and o.starts_at >= $2 and o.starts_at < $3 \
         order by o.starts_at, o.offering_id, r.reservation_id"
    );
    let rows = sqlx::query(&sql).bind(service).bind(from).bind(to).fetch_all(conn).await?;
    rows.iter().map(line).collect()
}

/// Everyone registered for one offering, in booking order.
pub async fn of_offering(conn: &mut Conn, offering: i64) -> Result<Vec<Line>, sqlx::Error> {
    let sql = format!("{SELECT} where r.offering_id = $1 order by r.reservation_id");
    let rows = sqlx::query(&sql).bind(offering).fetch_all(conn).await?;
    rows.iter().map(line).collect()
}

//! Attendance earns points (学习积分): a reservation for an activity's session marked attended
//! is awarded the `attendance` source, in the transaction that marks it; corrected to a no-show,
//! the award is reversed. Here, in the engine's one status change, so the staff desk, a
//! resident's self check-in and the organiser's mark (page or API) all award alike.
//!
//! Only sessions (lectures, screenings, lessons): an appointment slot or bus seat is a service,
//! not study. The points go to the booker's account (a family member has none); the day is the
//! session's, so attendance marked the next morning counts for the evening it happened.

use crate::bookings::model::Status;
use crate::db::Conn;
use crate::ids::UserId;
use crate::points::{self, Source, Why, attendance_reference};

/// Awards or reverses the attendance points of reservation `id`, which just moved `from` → `to`.
pub(super) async fn attendance_moved(
    conn: &mut Conn,
    id: i64,
    from: Status,
    to: Status,
    now: i64,
) -> Result<(), sqlx::Error> {
    if to == Status::Attended {
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "select r.booker_user_id, o.kind, o.starts_at from reservations r \
             join offerings o on o.offering_id = r.offering_id where r.reservation_id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((booker, kind, starts_at)) = row
            && kind == "session"
        {
            let day = crate::clock::local_day(starts_at);
            points::award(conn, now, UserId(booker), Source::Attendance, &attendance_reference(id), day).await?;
        }
    } else if from == Status::Attended {
        points::reverse(conn, now, Source::Attendance, &attendance_reference(id), Why::NotAttended).await?;
    }
    Ok(())
}

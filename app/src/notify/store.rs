//! Inbox notices, their text messages and day-before reminders in the database.
//!
//! The jobs claim work with one conditional `update … returning`: on PostgreSQL a row another
//! instance claimed first fails the re-checked `is null` and is skipped, so any number of
//! instances may run the jobs and each notice is texted, each booking reminded, once.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::{Conn, Tx};
use crate::ids::UserId;
use crate::notify::model::{Kind, REMINDER_DUE_SQL};

/// A notice in a user's inbox.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Id.
    pub id: i64,
    /// Whose inbox.
    pub user_id: i64,
    /// `booking.confirmed`, `booking.reminder`, …
    pub kind: String,
    /// Parameters (JSON), e.g. the reservation.
    pub params_json: String,
    /// When it was written (Unix seconds).
    pub created_at: i64,
    /// When the user marked it read.
    pub read_at: Option<i64>,
}

fn notice(row: &AnyRow) -> Result<Notice, sqlx::Error> {
    Ok(Notice {
        id: row.try_get("notification_id")?,
        user_id: row.try_get("user_id")?,
        kind: row.try_get("kind")?,
        params_json: row.try_get("params_json")?,
        created_at: row.try_get("created_at")?,
        read_at: row.try_get("read_at")?,
    })
}

const COLUMNS: &str = "notification_id, user_id, kind, params_json, created_at, read_at";

/// A user's newest notices.
pub async fn inbox(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<Notice>, sqlx::Error> {
    let sql = format!("select {COLUMNS} from notifications where user_id = $1 order by notification_id desc limit $2");
    let rows = sqlx::query(&sql).bind(user.0).bind(limit).fetch_all(conn).await?;
    rows.iter().map(notice).collect()
}

/// Marks all of a user's notices read; returns how many were unread.
pub async fn mark_all_read(conn: &mut Conn, user: UserId, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("update notifications set read_at = $1 where user_id = $2 and read_at is null")
        .bind(now)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Claims up to `limit` notices not yet considered for a text message, oldest first.
pub async fn claim_for_texts(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<Notice>, sqlx::Error> {
    let sql = format!(
        "update notifications set sms_at = $1 where notification_id in \
         (select notification_id from notifications where sms_at is null order by notification_id limit $2) \
         and sms_at is null returning {COLUMNS}"
    );
    let rows = sqlx::query(&sql).bind(now).bind(limit).fetch_all(conn).await?;
    let mut out: Vec<Notice> = rows.iter().map(notice).collect::<Result<_, _>>()?;
    out.sort_by_key(|n| n.id);
    Ok(out)
}

/// Gives claimed notices back (the gateway failed), so the next run tries again.
pub async fn release_texts(conn: &mut Conn, ids: &[i64]) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query("update notifications set sms_at = null where notification_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Claims the confirmed bookings whose reminder is due (18:00 the day before, see
/// [`crate::notify::model::reminder_due`]) and puts a reminder in each booker's inbox, in
/// the caller's transaction. A booking made after its reminder time is not reminded: its
/// confirmation is still fresh. Returns how many were reminded.
pub async fn remind_due(tx: &mut Tx, now: i64, limit: i64) -> Result<usize, sqlx::Error> {
    // Only bookings starting within two days can be due; the range keeps the scan on the
    // offerings' start index.
    let sql = format!(
        "update reservations set reminded_at = $1 where reservation_id in \
         (select r.reservation_id from offerings o join reservations r on r.offering_id = o.offering_id \
          where o.starts_at > $1 and o.starts_at <= $2 and r.status = 'confirmed' and r.reminded_at is null \
          and {REMINDER_DUE_SQL} <= $1 and r.created_at < {REMINDER_DUE_SQL} limit $3) \
         and reminded_at is null returning reservation_id, booker_user_id, offering_id"
    );
    let rows = sqlx::query(&sql).bind(now).bind(now + 2 * 86_400).bind(limit).fetch_all(&mut **tx).await?;
    for row in &rows {
        let id: i64 = row.try_get("reservation_id")?;
        let booker: i64 = row.try_get("booker_user_id")?;
        let offering: i64 = row.try_get("offering_id")?;
        sqlx::query("insert into notifications (user_id, kind, params_json, created_at) values ($1, $2, $3, $4)")
            .bind(booker)
            .bind(Kind::Reminder.stored())
            .bind(format!(r#"{{"reservation_id":{id},"offering_id":{offering}}}"#))
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(rows.len())
}

/// Where and in which language to text a user.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Sealed phone number.
    pub phone_sealed: String,
    /// Masked phone number.
    pub phone_masked: String,
    /// Preferred language tag, if set.
    pub locale: Option<String>,
}

/// A user's text-message address, unless the account is disabled.
pub async fn recipient(conn: &mut Conn, user: i64) -> Result<Option<Recipient>, sqlx::Error> {
    let row =
        sqlx::query("select phone_sealed, phone_masked, locale from users where user_id = $1 and disabled_at is null")
            .bind(user)
            .fetch_optional(conn)
            .await?;
    row.map(|r| {
        Ok(Recipient {
            phone_sealed: r.try_get("phone_sealed")?,
            phone_masked: r.try_get("phone_masked")?,
            locale: r.try_get("locale")?,
        })
    })
    .transpose()
}

/// How many of a user's notices are unread.
pub async fn unread_count(conn: &mut Conn, user: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(user.0)
        .fetch_one(conn)
        .await
}

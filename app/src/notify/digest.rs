//! The staff's daily digest by text message (issue 12, point 2): for each member of staff who
//! asked for it on their profile (`users.staff_digest`), once a day from [`SEND_FROM_HOUR`]
//! district time, the counts of the cases waiting in each of their queues
//! (`cases::queues::counts`) — nothing on a day nothing waits.
//!
//! Safe on several instances: a person is claimed by moving their `digest_sent_on` to today in
//! one conditional `update … returning` (see `store` for the same pattern), so whichever
//! instance claims them texts them, once a day. The text is queued in the SMS outbox in the
//! claim's transaction: a failure drops both, and the next run tries again.

use chrono::Timelike as _;

use crate::app::AppState;
use crate::cases::queues;
use crate::clock::{DISTRICT_OFFSET, local_day};
use crate::db::Conn;
use crate::ids::UserId;
use crate::notify::outbox;
use crate::notify::store;
use crate::web::i18n::{self, Locale};

/// The digest goes from this hour of the district's morning on.
pub const SEND_FROM_HOUR: u32 = 8;

/// People claimed in one run at most (the next run takes the rest).
const BATCH: i64 = 200;

/// Whether it is time for today's digests at `now`.
pub fn due(now: i64) -> bool {
    chrono::DateTime::from_timestamp(now, 0).is_some_and(|t| t.with_timezone(&DISTRICT_OFFSET).hour() >= SEND_FROM_HOUR)
}

/// The digest's text: one line per queue with cases waiting; None when none waits.
pub fn text(counts: &[(queues::Queue, i64)], locale: Locale) -> Option<String> {
    let lines: Vec<String> =
        counts.iter().filter(|(_, n)| *n > 0).map(|(q, n)| format!("{} {n}", i18n::t(locale, q.key()))).collect();
    if lines.is_empty() {
        return None;
    }
    Some(i18n::tf(locale, "queue.digest_sms", &[("counts", &lines.join(i18n::t(locale, "queue.separator")))]))
}

/// Queues today's digest for those due at `now`; returns how many were texted.
pub async fn send_due(state: &AppState, now: i64) -> anyhow::Result<usize> {
    if !due(now) {
        return Ok(0);
    }
    let today = local_day(now).to_string();
    let mut texted = 0;
    loop {
        let mut tx = state.db.begin().await?;
        let claimed = claim(&mut tx, &today, BATCH).await?;
        for user in &claimed {
            texted += usize::from(digest_one(&mut tx, *user, now).await?);
        }
        tx.commit().await?;
        if claimed.len() < BATCH as usize {
            return Ok(texted);
        }
    }
}

/// Claims up to `limit` people who asked for the digest and have not had today's.
async fn claim(conn: &mut Conn, today: &str, limit: i64) -> Result<Vec<UserId>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "update users set digest_sent_on = $1 where user_id in (select user_id from users \
         where staff_digest = 1 and disabled_at is null and (digest_sent_on is null or digest_sent_on < $1) \
         order by user_id limit $2) and (digest_sent_on is null or digest_sent_on < $1) returning user_id",
    )
    .bind(today)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Queues one person's digest, if anything waits for them.
async fn digest_one(conn: &mut Conn, user: UserId, now: i64) -> anyhow::Result<bool> {
    let Some(person) = crate::accounts::credentials::sessions::load_user(conn, user).await? else { return Ok(false) };
    let counts = queues::counts(conn, &person.principal).await?;
    let Some(to) = store::recipient(conn, user.0).await? else { return Ok(false) };
    let locale = to.locale.as_deref().and_then(Locale::from_tag).unwrap_or_default();
    let Some(body) = text(&counts, locale) else { return Ok(false) };
    outbox::queue_sms(conn, &to.phone_sealed, &to.phone_masked, &body, now).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::queues::Queue;

    #[test]
    fn the_digest_lists_the_queues_with_work_from_eight_in_the_morning() {
        // 2026-12-07 00:00 UTC is 08:00 in the district.
        let eight = 1_796_601_600;
        assert!(due(eight) && !due(eight - 1));
        let counts = [(Queue::Dispatch, 3), (Queue::Check, 0), (Queue::Department, 1)];
        let zh = text(&counts, Locale::ZhCn).unwrap();
        assert!(zh.contains('3') && zh.contains('1'), "{zh}");
        assert_eq!(text(&[(Queue::Check, 0)], Locale::En), None, "nothing waits: no text");
    }
}

//! The back office's SQL: changing a challenge and a team's name, the figures the list and the
//! update's checks need, the people behind the review queue, and the per-person export. Written
//! once for both engines (counts and sums cast to `bigint`).

use sqlx::Row as _;

use crate::challenge::store::{Challenge, bind_rules};
use crate::db::Conn;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// Writes a challenge's rules over the stored ones (its id, demo flag and creation stay).
pub async fn update_challenge(conn: &mut Conn, c: &Challenge, now: i64) -> Result<()> {
    let q = sqlx::query(
        "update challenges set name = $1, route = $2, scale_milli = $3, starts_on = $4, ends_on = $5, \
         daily_cap_m = $6, cap_walk_m = $7, cap_run_m = $8, cap_cycle_m = $9, cap_swim_m = $10, steps_per_km = $11, \
         days_back = $12, audience = $13, audience_id = $14, street_id = $15, department_id = $16, \
         personal_board = $17, updated_at = $18 where challenge_id = $19",
    );
    bind_rules(q, c).bind(now).bind(c.id).execute(conn).await?;
    Ok(())
}

/// Renames a team.
pub async fn rename_team(conn: &mut Conn, team: i64, name: &str, now: i64) -> Result<()> {
    sqlx::query("update challenge_teams set name = $2, updated_at = $3 where team_id = $1")
        .bind(team)
        .bind(name)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the list says of a challenge, and what decides which changes it still allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// People who joined.
    pub participants: i64,
    /// Metres counted, all of them together.
    pub counted_m: i64,
    /// Check-ins waiting for review.
    pub held: i64,
}

/// The challenge's [`Figures`].
pub async fn figures(conn: &mut Conn, challenge: i64) -> Result<Figures> {
    let row = sqlx::query(
        "select cast(count(*) as bigint), cast(coalesce(sum(counted_m), 0) as bigint) \
         from challenge_participants where challenge_id = $1",
    )
    .bind(challenge)
    .fetch_one(&mut *conn)
    .await?;
    let held: i64 = sqlx::query(
        "select cast(count(*) as bigint) from challenge_checkins where challenge_id = $1 and status = 'held'",
    )
    .bind(challenge)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(Figures { participants: row.try_get(0)?, counted_m: row.try_get(1)?, held })
}

/// The first and last days anyone checked in for, if anyone did.
pub async fn checkin_days(conn: &mut Conn, challenge: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query("select min(day), max(day) from challenge_checkins where challenge_id = $1")
        .bind(challenge)
        .fetch_one(conn)
        .await?;
    let (first, last): (Option<String>, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    Ok(first.zip(last))
}

/// A person as the back office shows them: their name and masked phone.
#[derive(Debug, Clone, Default)]
pub struct Who {
    /// Display name.
    pub name: String,
    /// `138****0001`.
    pub phone_masked: String,
}

/// The person with this user id.
pub async fn who(conn: &mut Conn, user: i64) -> Result<Who> {
    let row = sqlx::query("select display_name, phone_masked from users where user_id = $1")
        .bind(user)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(r) => Who { name: r.try_get(0)?, phone_masked: r.try_get(1)? },
        None => Who::default(),
    })
}

/// A row of the per-person export.
#[derive(Debug, Clone)]
pub struct PersonRow {
    /// Display name (masked by the export).
    pub name: String,
    /// Their team.
    pub team: Option<String>,
    /// Their home street at joining.
    pub street: Option<String>,
    /// Their home community at joining.
    pub community: Option<String>,
    /// Counted metres.
    pub counted_m: i64,
    /// Their check-ins.
    pub checkins: i64,
    /// Of which held.
    pub held: i64,
}

/// Everyone taking part, the most metres first.
pub async fn people(conn: &mut Conn, challenge: i64) -> Result<Vec<PersonRow>> {
    let rows = sqlx::query(
        "select u.display_name, t.name, s.name, k.name, p.counted_m, \
         cast((select count(*) from challenge_checkins c where c.challenge_id = p.challenge_id \
               and c.user_id = p.user_id) as bigint), \
         cast((select count(*) from challenge_checkins c where c.challenge_id = p.challenge_id \
               and c.user_id = p.user_id and c.status = 'held') as bigint) \
         from challenge_participants p join users u on u.user_id = p.user_id \
         left join challenge_teams t on t.team_id = p.team_id \
         left join streets s on s.street_id = p.street_id \
         left join communities k on k.community_id = p.community_id \
         where p.challenge_id = $1 order by p.counted_m desc, p.participant_id",
    )
    .bind(challenge)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PersonRow {
                name: r.try_get(0)?,
                team: r.try_get(1)?,
                street: r.try_get(2)?,
                community: r.try_get(3)?,
                counted_m: r.try_get(4)?,
                checkins: r.try_get(5)?,
                held: r.try_get(6)?,
            })
        })
        .collect()
}

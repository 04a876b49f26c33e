//! The challenges' SQL: challenges, teams, participants and the running totals kept beside
//! them, and the boards that read them; the check-ins' own are `checkin_store`'s (re-exported). One mapper per table; SQL written once for both engines (sums are cast to
//! `bigint`, since PostgreSQL sums `bigint`s into `numeric`).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::row::Row;

use crate::challenge::model::{Audience, Kind, Rules, TeamKind};
use crate::db::{Conn, per_engine};
use crate::ids::UserId;

pub use crate::challenge::checkin_store::*;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// A challenge as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Challenge {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Route (`long_march`).
    pub route: String,
    /// Route metres per real metre, in thousandths.
    pub scale_milli: i64,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// Daily cap per person, metres.
    pub daily_cap_m: i64,
    /// Per-kind caps, metres (walk, run, cycle, swim).
    pub caps_m: [Option<i64>; 4],
    /// Steps per km.
    pub steps_per_km: i64,
    /// Days back a check-in may be for.
    pub days_back: i64,
    /// Who may join.
    pub audience: Audience,
    /// Owner street (None: the district's).
    pub street_id: Option<i64>,
    /// Organising department.
    pub department_id: Option<i64>,
    /// Whether the personal board is shown.
    pub personal_board: bool,
    /// Demo content.
    pub demo: bool,
    /// Created (Unix seconds).
    pub created_at: i64,
}

impl Challenge {
    /// Its rules.
    pub fn rules(&self) -> Rules {
        Rules {
            scale_milli: self.scale_milli,
            daily_cap_m: self.daily_cap_m,
            kind_caps_m: Kind::ALL.into_iter().zip(self.caps_m).filter_map(|(k, c)| c.map(|c| (k, c))).collect(),
            steps_per_km: self.steps_per_km,
            days_back: self.days_back,
        }
    }

    /// Its first and last days.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        (d(&self.starts_on), d(&self.ends_on))
    }
}

/// A challenge's columns, in [`challenge_from`]'s order.
pub const CHALLENGE_COLUMNS: &str = "challenge_id, name, route, scale_milli, starts_on, ends_on, daily_cap_m, cap_walk_m, \
    cap_run_m, cap_cycle_m, cap_swim_m, steps_per_km, days_back, audience, audience_id, street_id, department_id, \
    personal_board, demo, created_at";

/// A challenge from a row of [`CHALLENGE_COLUMNS`] (the pool's or the writer thread's).
pub fn challenge_from<R: Row>(r: &R) -> std::result::Result<Challenge, R::Error> {
    let (audience, audience_id): (String, Option<i64>) = (r.get(13)?, r.get(14)?);
    Ok(Challenge {
        id: r.get(0)?,
        name: r.get(1)?,
        route: r.get(2)?,
        scale_milli: r.get(3)?,
        starts_on: r.get(4)?,
        ends_on: r.get(5)?,
        daily_cap_m: r.get(6)?,
        caps_m: [r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
        steps_per_km: r.get(11)?,
        days_back: r.get(12)?,
        audience: Audience::from_parts(&audience, audience_id).unwrap_or(Audience::Everyone),
        street_id: r.get(15)?,
        department_id: r.get(16)?,
        personal_board: r.get::<i64>(17)? != 0,
        demo: r.get::<i64>(18)? != 0,
        created_at: r.get(19)?,
    })
}

/// A statement of the pool's driver.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a challenge's rules as the statement's next 17 parameters, in this order: name, route,
/// scale_milli, starts_on, ends_on, daily_cap_m, cap_walk_m, cap_run_m, cap_cycle_m,
/// cap_swim_m, steps_per_km, days_back, audience, audience_id, street_id, department_id,
/// personal_board — what a new challenge and a change of one (`manage::store`) both write.
pub(crate) fn bind_rules<'q>(q: AnyQuery<'q>, c: &'q Challenge) -> AnyQuery<'q> {
    let (audience, audience_id) = c.audience.to_parts();
    q.bind(&c.name)
        .bind(&c.route)
        .bind(c.scale_milli)
        .bind(&c.starts_on)
        .bind(&c.ends_on)
        .bind(c.daily_cap_m)
        .bind(c.caps_m[0])
        .bind(c.caps_m[1])
        .bind(c.caps_m[2])
        .bind(c.caps_m[3])
        .bind(c.steps_per_km)
        .bind(c.days_back)
        .bind(audience)
        .bind(audience_id)
        .bind(c.street_id)
        .bind(c.department_id)
        .bind(i64::from(c.personal_board))
}

/// Saves a new challenge (`c.id` is ignored); its id.
pub async fn insert_challenge(conn: &mut Conn, c: &Challenge, by: Option<UserId>, now: i64) -> Result<i64> {
    let q = sqlx::query(
        "insert into challenges (name, route, scale_milli, starts_on, ends_on, daily_cap_m, cap_walk_m, cap_run_m, \
         cap_cycle_m, cap_swim_m, steps_per_km, days_back, audience, audience_id, street_id, department_id, \
         personal_board, demo, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
         returning challenge_id",
    );
    bind_rules(q, c).bind(i64::from(c.demo)).bind(by.map(|u| u.0)).bind(now).fetch_one(conn).await?.try_get(0)
}

/// One challenge.
pub async fn challenge(conn: &mut Conn, id: i64) -> Result<Option<Challenge>> {
    let sql = challenge_sql();
    sqlx::query(&sql).bind(id).fetch_optional(conn).await?.as_ref().map(challenge_from).transpose()
}

/// One challenge's statement (id $1).
pub fn challenge_sql() -> String {
    format!("select {CHALLENGE_COLUMNS} from challenges where challenge_id = $1")
}

/// The newest challenges first.
pub async fn challenges(conn: &mut Conn, limit: i64) -> Result<Vec<Challenge>> {
    let sql = format!("select {CHALLENGE_COLUMNS} from challenges order by challenge_id desc limit $1");
    sqlx::query(&sql).bind(limit).fetch_all(conn).await?.iter().map(challenge_from).collect()
}

/// The challenges under way on `today` (`YYYY-MM-DD`), newest first.
pub async fn under_way(conn: &mut Conn, today: &str, limit: i64) -> Result<Vec<Challenge>> {
    let sql = format!(
        "select {CHALLENGE_COLUMNS} from challenges where starts_on <= $1 and ends_on >= $1 \
         order by challenge_id desc limit $2"
    );
    sqlx::query(&sql).bind(today).bind(limit).fetch_all(conn).await?.iter().map(challenge_from).collect()
}

/// A team with its running totals.
#[derive(Debug, Clone, Serialize)]
pub struct Team {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// Kind.
    pub kind: TeamKind,
    /// Name.
    pub name: String,
    /// Its street (street and community teams).
    pub street_id: Option<i64>,
    /// Its community (community teams).
    pub community_id: Option<i64>,
    /// Join code (branch and custom teams).
    pub join_code: Option<String>,
    /// Joined participants.
    pub members: i64,
    /// Sum of its members' counted metres.
    pub counted_m: i64,
}

const TEAM_COLUMNS: &str = "team_id, challenge_id, kind, name, street_id, community_id, join_code, members, counted_m";

fn team_from(r: &AnyRow) -> Result<Team> {
    Ok(Team {
        id: r.try_get(0)?,
        challenge_id: r.try_get(1)?,
        kind: TeamKind::parse(&r.try_get::<String, _>(2)?).unwrap_or(TeamKind::Custom),
        name: r.try_get(3)?,
        street_id: r.try_get(4)?,
        community_id: r.try_get(5)?,
        join_code: r.try_get(6)?,
        members: r.try_get(7)?,
        counted_m: r.try_get(8)?,
    })
}

/// Saves a new team (`t.id`, members and metres are ignored); its id.
pub async fn insert_team(conn: &mut Conn, t: &Team, by: UserId, now: i64) -> Result<i64> {
    sqlx::query(
        "insert into challenge_teams (challenge_id, kind, name, street_id, community_id, join_code, created_by, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning team_id",
    )
    .bind(t.challenge_id)
    .bind(t.kind.as_str())
    .bind(&t.name)
    .bind(t.street_id)
    .bind(t.community_id)
    .bind(&t.join_code)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// One team.
pub async fn team(conn: &mut Conn, id: i64) -> Result<Option<Team>> {
    let sql = format!("select {TEAM_COLUMNS} from challenge_teams where team_id = $1");
    sqlx::query(&sql).bind(id).fetch_optional(conn).await?.as_ref().map(team_from).transpose()
}

/// A challenge's teams, in the order they were made.
pub async fn teams(conn: &mut Conn, challenge: i64) -> Result<Vec<Team>> {
    let sql = format!("select {TEAM_COLUMNS} from challenge_teams where challenge_id = $1 order by team_id");
    sqlx::query(&sql).bind(challenge).fetch_all(conn).await?.iter().map(team_from).collect()
}

/// Each team's points: its members' totals in the points ledger (`points_totals`, read here
/// rather than through `points` so one grouped join does it), for `team_points`.
pub async fn team_points(conn: &mut Conn, challenge: i64) -> Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "select p.team_id, cast(sum(t.total) as bigint) from challenge_participants p \
         join points_totals t on t.user_id = p.user_id \
         where p.challenge_id = $1 and p.team_id is not null group by p.team_id",
    )
    .bind(challenge)
    .fetch_all(conn)
    .await
}

/// Each team's counted metres of one day (`YYYY-MM-DD`), for the daily board (`team_sums`).
pub async fn team_day_totals(conn: &mut Conn, challenge: i64, day: &str) -> Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "select p.team_id, cast(sum(c.counted_m) as bigint) from challenge_checkins c \
         join challenge_participants p on p.challenge_id = c.challenge_id and p.user_id = c.user_id \
         where c.challenge_id = $1 and c.day = $2 and p.team_id is not null group by p.team_id",
    )
    .bind(challenge)
    .bind(day)
    .fetch_all(conn)
    .await
}

/// A person taking part.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// Id.
    pub id: i64,
    /// Challenge.
    pub challenge_id: i64,
    /// The person.
    pub user_id: i64,
    /// Their team.
    pub team_id: Option<i64>,
    /// Their home street at joining.
    pub street_id: Option<i64>,
    /// Their home community at joining.
    pub community_id: Option<i64>,
    /// Sum of their check-ins' counted metres.
    pub counted_m: i64,
}

/// A participant's columns, in [`participant_from`]'s order.
pub const PARTICIPANT_COLUMNS: &str =
    "participant_id, challenge_id, user_id, team_id, street_id, community_id, counted_m";

/// A participant from a row of [`PARTICIPANT_COLUMNS`].
pub fn participant_from<R: Row>(r: &R) -> std::result::Result<Participant, R::Error> {
    Ok(Participant {
        id: r.get(0)?,
        challenge_id: r.get(1)?,
        user_id: r.get(2)?,
        team_id: r.get(3)?,
        street_id: r.get(4)?,
        community_id: r.get(5)?,
        counted_m: r.get(6)?,
    })
}

/// The person's participation, if they joined.
pub async fn participant(conn: &mut Conn, challenge: i64, user: UserId) -> Result<Option<Participant>> {
    sqlx::query(&participant_sql())
        .bind(challenge)
        .bind(user.0)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(participant_from)
        .transpose()
}

/// The person's participation, locked until the transaction ends (`for update` on
/// PostgreSQL; SQLite's write transactions already exclude each other), so one person's
/// check-ins and their reviews run one after the other and the caps and totals read under the
/// lock stay true. A lock, not an update: an update wrote a new version of the row for every
/// check-in, before the one that adds its metres.
pub async fn lock_participant(conn: &mut Conn, challenge: i64, user: i64) -> Result<Option<Participant>> {
    let sql = per_engine(conn, participant_sql(), format!("{} for update", participant_sql()));
    let row = sqlx::query(&sql).bind(challenge).bind(user).fetch_optional(conn).await?;
    row.as_ref().map(participant_from).transpose()
}

/// The person's participation: challenge ($1), user ($2).
pub fn participant_sql() -> String {
    format!("select {PARTICIPANT_COLUMNS} from challenge_participants where challenge_id = $1 and user_id = $2")
}

/// Adds the person (once: a second join finds the first row); whether a row was added.
pub async fn insert_participant(conn: &mut Conn, p: &Participant, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "insert into challenge_participants (challenge_id, user_id, team_id, street_id, community_id, joined_at, \
         updated_at) values ($1, $2, $3, $4, $5, $6, $6) on conflict (challenge_id, user_id) do nothing",
    )
    .bind(p.challenge_id)
    .bind(p.user_id)
    .bind(p.team_id)
    .bind(p.street_id)
    .bind(p.community_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a participant who has none into `team`, carrying their metres along.
pub async fn set_team(conn: &mut Conn, participant: i64, team: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "update challenge_participants set team_id = $2, updated_at = $3 where participant_id = $1 and team_id is null",
    )
    .bind(participant)
    .bind(team)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new member of `team` with `counted_m` metres already.
pub async fn add_member(conn: &mut Conn, team: i64, counted_m: i64, now: i64) -> Result<()> {
    sqlx::query(
        "update challenge_teams set members = members + 1, counted_m = counted_m + $2, updated_at = $3 \
         where team_id = $1",
    )
    .bind(team)
    .bind(counted_m)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds `delta` counted metres to a participant and their team (if any): the running totals,
/// in the transaction of the check-in change that moves them.
pub async fn add_counted(conn: &mut Conn, p: &Participant, delta: i64, now: i64) -> Result<()> {
    if let (Some(team), true) = (p.team_id, per_engine(conn, false, true)) {
        // PostgreSQL: one statement, a round trip fewer for every check-in of the rush.
        sqlx::query(ADD_TO_BOTH).bind(delta).bind(now).bind(p.id).bind(team).execute(&mut *conn).await?;
        return Ok(());
    }
    sqlx::query(ADD_TO_PARTICIPANT).bind(delta).bind(now).bind(p.id).execute(&mut *conn).await?;
    if let Some(team) = p.team_id {
        sqlx::query(ADD_TO_TEAM).bind(delta).bind(now).bind(team).execute(&mut *conn).await?;
    }
    Ok(())
}

/// [`ADD_TO_PARTICIPANT`] and [`ADD_TO_TEAM`] (team $4) in one statement: PostgreSQL only
/// (SQLite has no update inside `with`). PostgreSQL does not say in which order the two run,
/// and need not: the participant's row is locked already (`lock_participant`), so the team's
/// row — shared by hundreds checking in at once — is the only lock this statement waits for,
/// and it is still taken last, just before the commit.
const ADD_TO_BOTH: &str = "with person as (update challenge_participants set counted_m = counted_m + $1, \
     updated_at = $2 where participant_id = $3) \
     update challenge_teams set counted_m = counted_m + $1, updated_at = $2 where team_id = $4";

/// Adds metres ($1) to a participant ($3) at $2.
pub const ADD_TO_PARTICIPANT: &str =
    "update challenge_participants set counted_m = counted_m + $1, updated_at = $2 where participant_id = $3";
/// Adds metres ($1) to a team ($3) at $2.
pub const ADD_TO_TEAM: &str =
    "update challenge_teams set counted_m = counted_m + $1, updated_at = $2 where team_id = $3";

/// A row of the street board: a street, its participants and their metres.
#[derive(Debug, Clone)]
pub struct StreetTotal {
    /// Street.
    pub street_id: i64,
    /// Its name.
    pub name: String,
    /// Participants living there.
    pub members: i64,
    /// Their counted metres.
    pub counted_m: i64,
}

/// Participants and metres per street (of their home community), from the participants'
/// running totals.
pub async fn street_totals(conn: &mut Conn, challenge: i64) -> Result<Vec<StreetTotal>> {
    let rows = sqlx::query(
        "select p.street_id, s.name, count(*), cast(sum(p.counted_m) as bigint) from challenge_participants p \
         join streets s on s.street_id = p.street_id where p.challenge_id = $1 group by p.street_id, s.name",
    )
    .bind(challenge)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StreetTotal {
                street_id: r.try_get(0)?,
                name: r.try_get(1)?,
                members: r.try_get(2)?,
                counted_m: r.try_get(3)?,
            })
        })
        .collect()
}

/// A row of the personal board.
#[derive(Debug, Clone)]
pub struct PersonTotal {
    /// Display name.
    pub name: String,
    /// Their team's name.
    pub team: Option<String>,
    /// Counted metres.
    pub counted_m: i64,
}

/// The people with the most counted metres.
pub async fn top_people(conn: &mut Conn, challenge: i64, limit: i64) -> Result<Vec<PersonTotal>> {
    let rows = sqlx::query(
        "select u.display_name, t.name, p.counted_m from challenge_participants p \
         join users u on u.user_id = p.user_id left join challenge_teams t on t.team_id = p.team_id \
         where p.challenge_id = $1 order by p.counted_m desc, p.participant_id limit $2",
    )
    .bind(challenge)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(PersonTotal { name: r.try_get(0)?, team: r.try_get(1)?, counted_m: r.try_get(2)? }))
        .collect()
}

//! `ejia-bench challenge check`: the invariants in the database after the check-in rush (see
//! `challenge`'s module doc), and every 2xx answer a stored check-in.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use sqlx::Connection as _;

/// Each invariant: a count that must be 0, and what it counts.
const INVARIANTS: [(&str, &str); 6] = [
    (
        "people with two check-ins for one day and kind",
        "select count(*) from (select 1 from challenge_checkins group by challenge_id, user_id, day, kind \
         having count(*) > 1) d",
    ),
    (
        "person-days with check-in points above the daily cap",
        "select count(*) from (select user_id, day from points_entries where source = 'checkin' \
         group by user_id, day having sum(points) > (select daily_cap from points_rules where source = 'checkin' \
         order by version desc limit 1)) d",
    ),
    (
        "participants whose total is not the sum of their counted check-ins",
        "select count(*) from challenge_participants p where p.counted_m <> (select coalesce(sum(c.counted_m), 0) \
         from challenge_checkins c where c.challenge_id = p.challenge_id and c.user_id = p.user_id)",
    ),
    (
        "teams whose total is not the sum of their members' accepted and reduced check-ins",
        // Summed per person first, then per team: a correlated sum per team lets SQLite's planner
        // walk the (challenge, status) index once per member, minutes for 100,000 people.
        "with person as (select challenge_id, user_id, sum(counted_m) as m from challenge_checkins \
         where status in ('accepted', 'reduced') group by challenge_id, user_id), \
         team as (select p.team_id, sum(s.m) as m from challenge_participants p join person s \
         on s.challenge_id = p.challenge_id and s.user_id = p.user_id where p.team_id is not null group by p.team_id) \
         select count(*) from challenge_teams t left join team s on s.team_id = t.team_id \
         where t.counted_m <> coalesce(s.m, 0)",
    ),
    (
        "people whose points total is not the sum of their ledger",
        "select count(*) from points_totals t where t.total <> (select coalesce(sum(e.points), 0) \
         from points_entries e where e.user_id = t.user_id)",
    ),
    (
        "accepted check-ins without their points award",
        "select count(*) from challenge_checkins c where c.status = 'accepted' and not exists \
         (select 1 from points_entries e where e.source = 'checkin' and e.reference = 'checkin:' || c.checkin_id \
         and e.reverses_entry_id is null)",
    ),
];

pub async fn check(database_url: &str, answers: &PathBuf) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let mut failures = Vec::new();
    let started = Instant::now();
    for (what, sql) in INVARIANTS {
        let n: i64 = sqlx::query_scalar(&format!("select cast(({sql}) as bigint)")).fetch_one(&mut db).await?;
        if n > 0 {
            failures.push(format!("{n} {what}"));
        }
    }
    let stored: HashSet<i64> = sqlx::query_scalar::<_, i64>("select checkin_id from challenge_checkins")
        .fetch_all(&mut db)
        .await?
        .into_iter()
        .collect();
    let text = std::fs::read_to_string(answers)?;
    let answered: Vec<i64> = text.lines().filter_map(|l| l.split(',').next()?.parse().ok()).collect();
    let missing = answered.iter().filter(|id| !stored.contains(id)).count();
    if missing > 0 {
        failures.push(format!("{missing} 2xx answers without their stored check-in"));
    }
    let (held, counted_km): (i64, i64) = sqlx::query_as(
        "select cast(coalesce(sum(case when status = 'held' then 1 else 0 end), 0) as bigint), \
         cast(coalesce(sum(counted_m), 0) / 1000 as bigint) from challenge_checkins",
    )
    .fetch_one(&mut db)
    .await?;
    let entries: i64 = sqlx::query_scalar("select count(*) from points_entries").fetch_one(&mut db).await?;
    println!(
        "invariants: {} 2xx answers, {} check-ins stored ({held} held, {counted_km} km counted), {entries} points \
         entries; {} (checked in {:.1} s)",
        answered.len(),
        stored.len(),
        if failures.is_empty() { "all hold".to_owned() } else { failures.join("; ") },
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() { Ok(()) } else { bail!("invariants violated") }
}

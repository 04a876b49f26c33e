//! `ejia-bench cases …`: the case benchmark's parts (bench/cases.sh runs them in order).
//!
//! - `generate`: fills a fresh database with N cases over the year before `--now`, in one
//!   set-based INSERT … SELECT (a recursive CTE numbers the rows and carries a pseudo-random
//!   state), so a million cases take seconds, not hours; the same SQL runs on SQLite and
//!   PostgreSQL and gives both the same cases. The triggers of migration 0013 keep the
//!   statistics' totals as they would for cases filed one by one.
//! - `pages`: logs in through the login form and times GETs of the statistics page.
//! - `file`: residents file cases over POST /api/v1/cases on N keep-alive connections.
//! - `verify`: the statistics' totals still add up to the cases.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use clap::Subcommand;
use sqlx::Connection as _;

use crate::case_http::{file, time_pages};

/// The case benchmark's subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Generate cases over the year before --now
    Generate {
        /// Database URL (sqlite://… or postgres://…)
        #[arg(long)]
        database_url: String,
        /// How many cases
        #[arg(long, default_value_t = 1_000_000)]
        cases: i64,
        /// Unix time the year ends at (the server's "now")
        #[arg(long)]
        now: i64,
    },
    /// Time GETs of pages as a logged-in user
    Pages {
        /// Base URL of an ejia server
        #[arg(long)]
        url: String,
        /// Mobile number to log in with
        #[arg(long)]
        phone: String,
        /// Password
        #[arg(long)]
        password: String,
        /// Requests per page (after one untimed)
        #[arg(long, default_value_t = 30)]
        requests: usize,
        /// label=path pairs
        #[arg(required = true)]
        pages: Vec<String>,
    },
    /// Residents file cases concurrently
    File {
        /// Base URL of an ejia server (repeat for several instances: reporters are spread over them)
        #[arg(long, required = true)]
        url: Vec<String>,
        /// Database URL, to read the communities and categories from
        #[arg(long)]
        database_url: String,
        /// CSV of phone,token lines (from `ejia user import --tokens`)
        #[arg(long)]
        tokens: PathBuf,
        /// Concurrent reporters (one keep-alive connection each)
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Seconds of load
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Each reporter's pause after each case (0: back to back)
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
    },
    /// Check that the statistics' totals add up to the cases
    Verify {
        /// Database URL
        #[arg(long)]
        database_url: String,
    },
}

/// Runs one subcommand.
pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Generate { database_url, cases, now } => generate(&database_url, cases, now).await,
        Command::Pages { url, phone, password, requests, pages } => {
            time_pages(&url, &phone, &password, requests, &pages).await
        }
        Command::File { url, database_url, tokens, connections, seconds, pause_ms } => {
            file(&url, &database_url, &tokens, connections, seconds, pause_ms).await
        }
        Command::Verify { database_url } => verify(&database_url).await,
    }
}

/// MINSTD: x' = x * 48271 mod (2^31 - 1). Products stay below 2^62, so both engines compute
/// them in 64-bit integers.
const MODULUS: i64 = 2_147_483_647;

fn power(k: u32) -> i64 {
    (0..k).fold(1, |p, _| p * 48_271 % MODULUS)
}

/// The INSERT that makes `n` cases filed over the 365 days before `now`.
///
/// Per row: the day (rows spread evenly, 07:00–21:00 district time), a community (uniform),
/// a category (skewed: a few categories have most cases), and by age a state — older cases
/// mostly closed (15 % of them late, 10 % reworked, 60 % rated), younger ones still with
/// their department, the last days' partly not yet dispatched. 75 % go to the category's
/// department, 15 % to the street's office, 10 % to another bureau. Open cases past their
/// deadline are marked escalated, as the escalation job would have.
pub fn generate_sql(n: i64, now: i64) -> String {
    let day = 86_400;
    let start = ((now + 28_800) / day - 365) * day - 28_800;
    let p: Vec<i64> = (0..9).map(power).collect();
    let m = MODULUS;
    let least = |a: &str, b: &str| format!("(case when {a} < {b} then {a} else {b} end)");
    let created = least(
        &format!("{start} + (i * 365 / {n}) * {day} + 25200 + (s * {}) % {m} % 50400", p[1]),
        &format!("{}", now - 60),
    );
    let dispatched = least("created_at + 600 + r5 % 14400", &format!("{}", now - 30));
    let closed = least("close_t", &format!("{}", now - 10));
    format!(
        "insert into cases (category_id, source, state, description, street_id, community_id, address, department_id, \
           dispatched_at, deadline_at, closed_at, escalated, rework_count, rating, created_at, updated_at) \
         with recursive g (i, s) as ( \
           select cast(0 as bigint), cast(20260101 as bigint) \
           union all select i + 1, (s * {p8}) % {m} from g where i < {n} - 1), \
         comm as (select c.community_id, c.street_id, d.department_id as office, \
             row_number() over (order by c.community_id) - 1 as k \
           from communities c left join departments d on d.street_id = c.street_id and d.kind = 'street_office'), \
         ncomm as (select count(*) as n from comm), \
         cat as (select category_id, department_id, row_number() over (order by code) - 1 as k, \
             case time_limit when '2h' then 21600 when '4h' then 43200 when '2d' then 259200 \
               when '15d' then 1814400 else 388800 end as lim \
           from case_categories where parent_code is not null), \
         ncat as (select count(*) as n from cat), \
         dep as (select department_id, row_number() over (order by department_id) - 1 as k from departments \
           where kind <> 'street_office'), \
         ndep as (select count(*) as n from dep), \
         r as (select i, {created} as created_at, (s * {p2}) % {m} as r2, (s * {p3}) % {m} as r3, \
             (s * {p4}) % {m} % 1000 as p, (s * {p5}) % {m} as r5, (s * {p6}) % {m} as r6, (s * {p7}) % {m} as r7 \
           from g), \
         a as (select r.*, comm.community_id, comm.street_id, comm.office, cat.category_id, cat.lim, \
             cat.department_id as cat_dep, {now} - r.created_at as age \
           from r cross join ncomm cross join ncat \
           join comm on comm.k = r.r2 % ncomm.n \
           join cat on cat.k = (r.r3 % 7616) * (r.r3 % 7616) * ncat.n / 58000000), \
         b as (select a.*, \
             case when age > 20 * {day} then case when p < 20 then 'rejected' when p < 40 then 'voided' \
                 when p < 50 then 'postponed' when p < 60 then 'handling' else 'closed' end \
               when age > 3 * {day} then case when p < 20 then 'rejected' when p < 30 then 'voided' \
                 when p < 40 then 'dispatched' when p < 100 then 'handling' when p < 150 then 'handled' \
                 when p < 170 then 'postponed' else 'closed' end \
               else case when p < 100 then 'reported' when p < 150 then 'accepted' when p < 350 then 'dispatched' \
                 when p < 550 then 'handling' when p < 650 then 'handled' when p < 700 then 'rejected' \
                 else 'closed' end end as state, \
             {dispatched} as dispatch_t, \
             case when r5 % 100 < 75 then cat_dep when r5 % 100 < 90 then office \
               else (select department_id from dep, ndep where dep.k = (a.r5 / 100) % ndep.n) end as dept \
           from a), \
         c as (select b.*, \
             case when r6 % 1000 < 850 then dispatch_t + lim * (r6 % 850 + 100) / 1000 \
               else dispatch_t + lim * (1000 + (r6 % 1000 - 850) * 4) / 1000 end as close_t \
           from b) \
         select category_id, case r7 % 3 when 0 then 'patrol' when 1 then 'report' else 'hotline' end, state, \
           '压测生成的案件', street_id, community_id, '', \
           case when state in ('dispatched', 'handling', 'handled', 'postponed', 'closed') then dept end, \
           case when state in ('dispatched', 'handling', 'handled', 'postponed', 'closed') then dispatch_t end, \
           case when state in ('dispatched', 'handling', 'handled', 'postponed', 'closed') then dispatch_t + lim end, \
           case when state = 'closed' then {closed} end, \
           case when state in ('dispatched', 'handling') and dispatch_t + lim < {now} then 1 else 0 end, \
           case when state in ('closed', 'handled') then case when r7 % 100 < 8 then 1 when r7 % 100 < 10 then 2 \
             else 0 end else 0 end, \
           case when state = 'closed' then case when (r7 / 100) % 100 < 40 then null \
             when (r7 / 100) % 100 < 75 then 'satisfied' when (r7 / 100) % 100 < 92 then 'fairly_satisfied' \
             else 'unsatisfied' end end, \
           created_at, created_at \
         from c",
        p2 = p[2],
        p3 = p[3],
        p4 = p[4],
        p5 = p[5],
        p6 = p[6],
        p7 = p[7],
        p8 = p[8],
    )
}

async fn generate(database_url: &str, n: i64, now: i64) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let done = sqlx::query(&generate_sql(n, now)).execute(&mut *tx).await?;
    // Each generated case gets the first step of its timeline; the rest is not made up.
    sqlx::query(
        "insert into case_events (case_id, at, action, from_state, to_state, note) \
         select case_id, created_at, 'file', null, 'reported', '' from cases where description = '压测生成的案件'",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let inserted = started.elapsed();
    // Fresh statistics for the planners. On PostgreSQL also what autovacuum would do within a
    // minute of a million inserts: mark the pages visible, so index-only scans need no heap.
    let analyze = if database_url.starts_with("postgres") { "vacuum analyze" } else { "analyze" };
    sqlx::query(analyze).execute(&mut db).await?;
    let states: Vec<(String, i64)> =
        sqlx::query_as("select state, count(*) from cases group by state order by 2 desc").fetch_all(&mut db).await?;
    let figures: i64 =
        sqlx::query_scalar("select count(*) from case_figures").fetch_one(&mut db).await.unwrap_or_default();
    println!(
        "generated {} cases in {:.1} s (with their first timeline step and the statistics' totals, {figures} rows); {analyze} {:.1} s",
        done.rows_affected(),
        inserted.as_secs_f64(),
        (started.elapsed() - inserted).as_secs_f64()
    );
    println!("states: {}", states.iter().map(|(s, c)| format!("{s} {c}")).collect::<Vec<_>>().join(", "));
    Ok(())
}

async fn verify(database_url: &str) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let cases: i64 =
        sqlx::query_scalar("select count(*) from cases where merged_into is null").fetch_one(&mut db).await?;
    let closed: i64 = sqlx::query_scalar("select count(*) from cases where merged_into is null and state = 'closed'")
        .fetch_one(&mut db)
        .await?;
    let mut ok = true;
    for span in [1i64, 2] {
        let (c, k): (i64, i64) = sqlx::query_as(
            "select cast(coalesce(sum(cases), 0) as bigint), cast(coalesce(sum(closed), 0) as bigint) from case_figures where span = $1",
        )
        .bind(span)
        .fetch_one(&mut db)
        .await?;
        ok &= c == cases && k == closed;
    }
    println!(
        "statistics' totals: {cases} cases, {closed} closed — {}",
        if ok { "match the cases" } else { "DO NOT MATCH" }
    );
    if ok { Ok(()) } else { bail!("totals do not match") }
}

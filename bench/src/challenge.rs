//! The Long March challenge's morning peak (issue 13), run by `bench/challenge.sh`:
//!
//! - `setup`: the organiser makes a challenge and N teams (Party branches) over the API; then
//!   every resident in the database joins, spread over the teams, in one set-based pass over
//!   the database (joining is not what is measured; the check-in is).
//! - `rush`: residents check in over `POST /api/v1/challenges/{id}/checkins` on many keep-alive
//!   connections (each connection cycles through its share of the tokens; random kind and
//!   distance, mostly plausible, some held; a fresh `Idempotency-Key` each), while `--readers`
//!   connections read the given paths (the team board, the route map) and time them apart.
//!   With `--connections 0` only the readers run: the board and map alone.
//! - `check`: the invariants in the database after the rush: one check-in per person, day and
//!   kind; no one's points from check-ins above the daily cap on any day; every participant's
//!   total the sum of their counted check-ins and every team's the sum of its members'; points
//!   totals the sum of the ledger; every 2xx answer a stored check-in.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

use anyhow::{Context as _, bail};
use rand::{Rng as _, SeedableRng as _};
use sqlx::Connection as _;

use crate::case_http::Client;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Make the challenge and its teams, and join every resident; prints the challenge id
    Setup {
        #[arg(long)]
        url: String,
        /// API token of an organiser
        #[arg(long)]
        token: String,
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 200)]
        teams: usize,
        /// The district's today (YYYY-MM-DD): the challenge runs around it
        #[arg(long)]
        day: String,
    },
    /// Check in (and read) for a while; prints the figures
    Rush {
        #[arg(long, required = true)]
        url: Vec<String>,
        /// CSV of phone,token lines
        #[arg(long)]
        tokens: PathBuf,
        #[arg(long)]
        challenge: i64,
        /// The day checked in for (the district's today)
        #[arg(long)]
        day: String,
        #[arg(long, default_value_t = 500)]
        connections: usize,
        /// Check-ins a second, all connections together (0: each connection checks in again as
        /// soon as it is answered — the server's capacity, its latency then mostly queueing).
        /// Paced check-ins are timed from when they were due, so a late answer counts its wait.
        #[arg(long, default_value_t = 0)]
        rate: u64,
        /// Connections reading `--read` paths meanwhile, one request after another
        #[arg(long, default_value_t = 0)]
        readers: usize,
        /// Paths the readers GET in turn (e.g. the board and the map)
        #[arg(long)]
        read: Vec<String>,
        /// Reads a second, all readers together (0: each reads as fast as it is answered). Paced
        /// reads are timed from when they were due, so a slow answer counts its wait too.
        #[arg(long, default_value_t = 0)]
        read_rate: u64,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Where to write the 2xx answers (id,status)
        #[arg(long)]
        answers: Option<PathBuf>,
    },
    /// Check the invariants
    Check {
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        answers: PathBuf,
    },
}

pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Setup { url, token, database_url, teams, day } => {
            setup(&url, &token, &database_url, teams, &day).await
        }
        Command::Rush {
            url,
            tokens,
            challenge,
            day,
            connections,
            rate,
            readers,
            read,
            read_rate,
            seconds,
            answers,
        } => {
            let tokens = crate::read_tokens(&tokens)?;
            let r = Rush { urls: url, tokens, challenge, day, connections, rate, readers, read, read_rate, seconds };
            rush(r, answers).await
        }
        Command::Check { database_url, answers } => crate::challenge_check::check(&database_url, &answers).await,
    }
}

async fn setup(url: &str, token: &str, database_url: &str, teams: usize, day: &str) -> anyhow::Result<()> {
    let (y, rest) = day.split_once('-').context("day is YYYY-MM-DD")?;
    let year: i32 = y.parse()?;
    let body = serde_json::json!({
        "name": "重走长征路（压测）", "route": "long_march", "scale": 10,
        "starts_on": format!("{}-{rest}", year - 1), "ends_on": format!("{}-{rest}", year + 1), "daily_cap_km": 30
    });
    let challenge = crate::post_json(url, token, "/api/v1/challenges", body).await?;
    let id = challenge["id"].as_i64().context("challenge id")?;
    let mut team_ids = Vec::with_capacity(teams);
    for i in 1..=teams {
        let t = crate::post_json(
            url,
            token,
            &format!("/api/v1/challenges/{id}/teams"),
            serde_json::json!({"name": format!("第{i}党支部"), "kind": "branch"}),
        )
        .await?;
        team_ids.push(t["id"].as_i64().context("team id")?);
    }
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let residents: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select u.user_id, c.community_id, c.street_id from users u \
         join communities c on c.community_id = u.community_id order by u.user_id",
    )
    .fetch_all(&mut db)
    .await?;
    // Joined when the challenge was made, by the server's clock.
    let now: i64 = sqlx::query_scalar("select created_at from challenges where challenge_id = $1")
        .bind(id)
        .fetch_one(&mut db)
        .await?;
    let started = Instant::now();
    let mut tx = db.begin().await?;
    for (n, chunk) in residents.chunks(500).enumerate() {
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, (user, community, street))| {
                let team = team_ids[(n * 500 + i) % team_ids.len()];
                format!("({id}, {user}, {team}, {street}, {community}, 0, {now}, {now})")
            })
            .collect();
        sqlx::query(&format!(
            "insert into challenge_participants \
             (challenge_id, user_id, team_id, street_id, community_id, counted_m, joined_at, updated_at) values {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "update challenge_teams set members = (select count(*) from challenge_participants p \
         where p.team_id = challenge_teams.team_id) where challenge_id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // After a bulk load, as an operator would: statistics for the planner and, on PostgreSQL,
    // the new rows' visibility settled now rather than by the rush's first touches and an
    // autovacuum in the middle of it. Only the tables loaded: a database-wide `vacuum analyze`
    // also records the empty check-in and points tables as empty (0 pages, 0 rows), and
    // PostgreSQL then keeps the sequential-scan plans it makes for them on every connection
    // until autovacuum analyses them again, about half a minute into the first rush (measured:
    // 776 check-ins/s where the same rush ran 1,651/s with statistics). A table never vacuumed
    // is planned as at least 10 pages, with its indexes — what a new install has.
    let settle = if database_url.starts_with("postgres") { "vacuum analyze" } else { "analyze" };
    for table in ["users", "api_tokens", "challenge_teams", "challenge_participants"] {
        sqlx::query(&format!("{settle} {table}")).execute(&mut db).await?;
    }
    eprintln!("   {} residents joined {} teams in {:.1} s", residents.len(), teams, started.elapsed().as_secs_f64());
    println!("{id}");
    Ok(())
}

struct Rush {
    urls: Vec<String>,
    tokens: Arc<Vec<String>>,
    challenge: i64,
    day: String,
    connections: usize,
    rate: u64,
    readers: usize,
    read: Vec<String>,
    read_rate: u64,
    seconds: u64,
}

/// When one connection's requests are due: back to back, or paced — every `connections / rate`
/// seconds, this connection's first one offset so that the connections interleave.
struct Pace {
    every: Option<Duration>,
    due: Instant,
}

impl Pace {
    /// From `start`.
    fn new(rate: u64, connections: usize, index: usize, start: Instant) -> Self {
        let every = (rate > 0).then(|| Duration::from_secs_f64(connections as f64 / rate as f64));
        let offset = every.map_or(Duration::ZERO, |e| e.mul_f64(index as f64 / connections as f64));
        Self { every, due: start + offset }
    }

    /// Whether the run is over for this connection: paced, once nothing more falls due before
    /// the deadline (a connection behind its schedule still sends what fell due, late, so the
    /// run takes longer and the rate achieved shows it).
    fn over(&self, deadline: Instant) -> bool {
        match self.every {
            Some(_) => self.due >= deadline,
            None => Instant::now() >= deadline,
        }
    }

    /// Waits for the next request's turn; when it counts as sent (its due time, when paced).
    async fn turn(&mut self) -> Instant {
        let Some(every) = self.every else { return Instant::now() };
        tokio::time::sleep_until(self.due.into()).await;
        let due = self.due;
        self.due += every;
        due
    }
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    /// When each request was sent (or due), beside its latency: where in the run the tail is.
    sent_at: Vec<Instant>,
    by_status: [u64; 6],
    transport_errors: u64,
    answers: Vec<(i64, String)>,
    /// The first request sent and the last answer received: the span the rate is over.
    span: Option<(Instant, Instant)>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        self.sent_at.extend(other.sent_at);
        for (a, b) in self.by_status.iter_mut().zip(other.by_status) {
            *a += b;
        }
        self.transport_errors += other.transport_errors;
        self.answers.extend(other.answers);
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
    }

    /// Times one answer of a request sent (or due) at `sent`.
    fn timed(&mut self, sent: Instant, status: u16) {
        let now = Instant::now();
        self.latencies_us.push(u32::try_from((now - sent).as_micros()).unwrap_or(u32::MAX));
        self.sent_at.push(sent);
        self.by_status[usize::from(status / 100).min(5)] += 1;
        self.span = Some(self.span.map_or((sent, now), |(first, _)| (first, now)));
    }

    /// Seconds from the first request to the last answer.
    fn seconds(&self) -> f64 {
        self.span.map_or(0.0, |(first, last)| (last - first).as_secs_f64())
    }

    /// The seconds of the run (counted from the first request) with the worst p99, worst
    /// first: whether the tail is the cold start, a periodic stall, or spread over the run.
    fn slowest_seconds(&self, shown: usize) -> String {
        let Some(first) = self.sent_at.iter().min().copied() else { return String::new() };
        let mut seconds: Vec<Vec<u32>> = Vec::new();
        for (sent, us) in self.sent_at.iter().zip(&self.latencies_us) {
            let i = (*sent - first).as_secs() as usize;
            if seconds.len() <= i {
                seconds.resize(i + 1, Vec::new());
            }
            seconds[i].push(*us);
        }
        let mut p99: Vec<(usize, f64)> = seconds
            .iter_mut()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(i, v)| {
                v.sort_unstable();
                let at = ((v.len() as f64 * 0.99) as usize).min(v.len() - 1);
                (i, f64::from(v[at]) / 1000.0)
            })
            .collect();
        p99.sort_by(|a, b| b.1.total_cmp(&a.1));
        let worst: Vec<String> = p99.iter().take(shown).map(|(i, ms)| format!("{i} s: {ms:.0} ms")).collect();
        format!("p99 of the slowest seconds (from the start): {}", worst.join(", "))
    }

    fn line(&self, what: &str, elapsed: f64) -> String {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        let v = &sorted;
        let pct = |p: f64| {
            let i = ((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1));
            v.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
        };
        format!(
            "{what}: {} in {elapsed:.1} s = {:.0}/s; 2xx {}, 4xx {}, 5xx {}, transport errors {}; \
             latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            v.len(),
            v.len() as f64 / elapsed,
            self.by_status[2],
            self.by_status[4],
            self.by_status[5],
            self.transport_errors,
            pct(0.5),
            pct(0.99),
            pct(1.0)
        )
    }
}

/// Kinds and distances: mostly walks, some runs and rides, a few swims; now and then one
/// implausible (a walk at 15 km/h) that is held.
fn checkin_body(rng: &mut rand::rngs::StdRng, day: &str) -> String {
    let roll: u32 = rng.gen_range(0..100);
    let (kind, km, minutes) = match roll {
        0..=59 => ("walk", rng.gen_range(1.0..8.0), None),
        60..=79 => ("run", rng.gen_range(2.0..12.0), Some(60)),
        80..=93 => ("cycle", rng.gen_range(5.0..25.0), Some(90)),
        94..=97 => ("swim", rng.gen_range(0.5..2.0), None),
        _ => ("walk", 15.0, Some(60)),
    };
    let mut body = serde_json::json!({"day": day, "kind": kind, "km": (km * 10.0_f64).round() / 10.0});
    if let Some(m) = minutes {
        body["minutes"] = m.into();
    }
    body.to_string()
}

/// Every connection opens first, then all start together: opening 500 connections is not what
/// is timed. (They wait idle meanwhile, so the script lifts the server's cap on connections
/// waiting per address: every one of them comes from 127.0.0.1, as from a proxy.)
async fn start_together(go: &Barrier, seconds: u64) -> (Instant, Instant) {
    go.wait().await;
    let start = Instant::now();
    (start, start + Duration::from_secs(seconds))
}

async fn checker(url: String, r: Arc<Rush>, index: usize, go: Arc<Barrier>) -> anyhow::Result<Tally> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(index as u64 + 1);
    let mine: Vec<&String> = r.tokens.iter().skip(index).step_by(r.connections).collect();
    let mut tally = Tally::default();
    let connected = if mine.is_empty() { None } else { Some(Client::connect(&url).await) };
    let (start, deadline) = start_together(&go, r.seconds).await;
    let Some(client) = connected else { return Ok(tally) };
    let mut client = client?;
    let path = format!("/api/v1/challenges/{}/checkins", r.challenge);
    let mut n = 0usize;
    let mut pace = Pace::new(r.rate, r.connections, index, start);
    while !pace.over(deadline) {
        n += 1;
        let auth = format!("Bearer {}", mine[n % mine.len()]);
        // Fresh for each run too: a run for another day must not meet its keys as retries.
        let key = format!("{}-{index}-{n}", r.day);
        let headers =
            [("authorization", auth.as_str()), ("content-type", "application/json"), ("idempotency-key", &key)];
        let sent = pace.turn().await;
        let answer = match client.send("POST", &path, &headers, checkin_body(&mut rng, &r.day)).await {
            Ok(a) => a,
            Err(_) => {
                tally.transport_errors += 1;
                client = Client::connect(&url).await?;
                continue;
            }
        };
        tally.timed(sent, answer.status);
        if answer.status / 100 == 2 {
            let v: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
            tally.answers.push((v["id"].as_i64().unwrap_or(-1), v["status"].as_str().unwrap_or_default().to_owned()));
        }
    }
    Ok(tally)
}

async fn reader(url: String, r: Arc<Rush>, index: usize, go: Arc<Barrier>) -> anyhow::Result<Tally> {
    let connected = Client::connect(&url).await;
    let (start, deadline) = start_together(&go, r.seconds).await;
    let mut client = connected?;
    let auth = format!("Bearer {}", r.tokens[index % r.tokens.len()]);
    let mut tally = Tally::default();
    let mut n = index;
    let mut pace = Pace::new(r.read_rate, r.readers, index, start);
    while !pace.over(deadline) {
        n += 1;
        let path = &r.read[n % r.read.len()];
        let sent = pace.turn().await;
        let answer = client.send("GET", path, &[("authorization", auth.as_str())], String::new()).await?;
        tally.timed(sent, answer.status);
    }
    Ok(tally)
}

async fn rush(r: Rush, answers: Option<PathBuf>) -> anyhow::Result<()> {
    if r.readers > 0 && r.read.is_empty() {
        bail!("--readers needs --read paths");
    }
    let r = Arc::new(r);
    let go = Arc::new(Barrier::new(r.connections + r.readers));
    let url = |i: usize| r.urls[i % r.urls.len()].clone();
    let checkers: Vec<_> =
        (0..r.connections).map(|i| tokio::spawn(checker(url(i), r.clone(), i, go.clone()))).collect();
    let readers: Vec<_> = (0..r.readers).map(|i| tokio::spawn(reader(url(i), r.clone(), i, go.clone()))).collect();
    let mut writes = Tally::default();
    for t in checkers {
        writes.add(t.await??);
    }
    let mut reads = Tally::default();
    for t in readers {
        reads.add(t.await??);
    }
    if r.connections > 0 {
        let seconds = writes.seconds();
        println!("{}", writes.line("check-ins", seconds));
        println!("   {}", writes.slowest_seconds(5));
        let held = writes.answers.iter().filter(|(_, s)| s == "held").count();
        println!("   of the 2xx: {held} held for review");
    }
    if r.readers > 0 {
        let seconds = reads.seconds();
        println!("{}", reads.line(&format!("reads of {}", r.read.join(" and ")), seconds));
    }
    if let Some(path) = answers {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (id, status) in &writes.answers {
            writeln!(out, "{id},{status}")?;
        }
        out.flush()?;
    }
    if writes.by_status[5] + reads.by_status[5] > 0 {
        bail!("server errors");
    }
    Ok(())
}

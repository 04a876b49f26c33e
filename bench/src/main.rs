//! `ejia-bench`: the booking-rush benchmark's load generator and invariant checker.
//!
//! - `setup`: creates a service with N slots × M seats through the API.
//! - `load`: fires bookings over HTTP/1.1 keep-alive connections (each connection cycles
//!   through its share of the users; random slot; a fresh `Idempotency-Key` each) until the time is up, reconnecting when the server
//!   goes away (the kill -9 run). Prints the figures; writes every 2xx answer to a file.
//! - `check`: verifies the invariants in the database: no offering over capacity, the seat
//!   counts match the reservations, no person with two active bookings of the service, and
//!   every 2xx answer is exactly one stored reservation.
//!
//! `bench/booking.sh` runs the whole scenario for each backend.
//!
//! `cases …` (see `cases.rs`) are the case benchmark's parts, run by `bench/cases.sh`;
//! `logins` (see `logins.rs`) is the login burst of `bench/logins.sh`; `search …` (see
//! `search.rs`) are the search benchmark's parts, run by `bench/search.sh`; `challenge …` (see
//! `challenge.rs`) the Long March challenge's check-in rush of `bench/challenge.sh`.

mod case_http;
mod cases;
mod challenge;
mod challenge_check;
mod drill;
mod instances;
mod logins;
mod search;
mod search_load;

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt as _, Empty, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rand::{Rng as _, SeedableRng as _};
use sqlx::Connection as _;

#[derive(Parser)]
#[command(about = "Booking-rush load generator and invariant checker for ejia")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a service and its slots; prints `service first_slot last_slot`
    Setup {
        /// Base URL of an ejia server
        #[arg(long)]
        url: String,
        /// API token of an organiser
        #[arg(long)]
        token: String,
        /// Slots to create (one per 30 minutes, 08:00–18:00, from tomorrow on)
        #[arg(long, default_value_t = 100)]
        slots: usize,
        /// Seats per slot
        #[arg(long, default_value_t = 50)]
        capacity: i64,
    },
    /// Fire bookings
    Load {
        /// Base URL(s); connections are spread over them
        #[arg(long, required = true)]
        url: Vec<String>,
        /// CSV of phone,token lines (from `ejia user import --tokens`)
        #[arg(long)]
        tokens: PathBuf,
        /// First slot id
        #[arg(long)]
        first_slot: i64,
        /// Last slot id
        #[arg(long)]
        last_slot: i64,
        /// Concurrent connections
        #[arg(long, default_value_t = 500)]
        connections: usize,
        /// Seconds of load
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Where to write the 2xx answers (id,code,status)
        #[arg(long)]
        answers: PathBuf,
    },
    /// The case benchmark: generate cases, time the statistics page, file cases
    Cases {
        #[command(subcommand)]
        command: cases::Command,
    },
    /// The search benchmark: generate articles and cases, search concurrently
    Search {
        #[command(subcommand)]
        command: search::Command,
    },
    /// The Long March challenge's morning peak: setup, the check-in rush, the invariants
    Challenge {
        #[command(subcommand)]
        command: challenge::Command,
    },
    /// A burst of parallel logins (each on its own connection); prints the answers by status
    Logins {
        /// Base URL of an ejia server
        #[arg(long)]
        url: String,
        /// Every login for this number (default: each for a different unregistered number)
        #[arg(long)]
        phone: Option<String>,
        /// The password sent
        #[arg(long, default_value = "wrong-password")]
        password: String,
        /// How many at once
        #[arg(long, default_value_t = 200)]
        count: usize,
    },
    /// The restore drill's check of a restored copy: the invariants hold in it, and every
    /// booking answered before the backup began is in it
    Restored {
        /// The restored copy's database URL
        #[arg(long)]
        database_url: String,
        /// The answers file written by `load`
        #[arg(long)]
        answers: PathBuf,
        /// When the backup began (Unix milliseconds)
        #[arg(long)]
        before_ms: u64,
    },
    /// The two-instance run's check that the background jobs texted every booking
    /// confirmation exactly once (waits for them to take every notice first)
    TextedOnce {
        /// Database URL
        #[arg(long)]
        database_url: String,
        /// Seconds to wait for the jobs at most
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// Check the invariants in the database
    Check {
        /// Database URL (sqlite://… or postgres://…)
        #[arg(long)]
        database_url: String,
        /// The answers file written by `load`
        #[arg(long)]
        answers: PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Setup { url, token, slots, capacity } => setup(&url, &token, slots, capacity).await,
            Command::Load { url, tokens, first_slot, last_slot, connections, seconds, answers } => {
                load(url, tokens, first_slot, last_slot, connections, seconds, answers).await
            }
            Command::Check { database_url, answers } => check(&database_url, &answers).await,
            Command::TextedOnce { database_url, timeout } => {
                instances::texted_once(&database_url, Duration::from_secs(timeout)).await
            }
            Command::Restored { database_url, answers, before_ms } => {
                drill::restored(&database_url, &answers, before_ms).await
            }
            Command::Cases { command } => cases::run(command).await,
            Command::Search { command } => search::run(command).await,
            Command::Challenge { command } => challenge::run(command).await,
            Command::Logins { url, phone, password, count } => {
                logins::burst(&url, phone.as_deref(), &password, count).await
            }
        }
    })
}

/// The tokens of a `phone,token` CSV (from `ejia user import --tokens`).
pub(crate) fn read_tokens(path: &std::path::Path) -> anyhow::Result<Arc<Vec<String>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let tokens: Vec<String> =
        text.lines().filter_map(|l| l.split(',').nth(1)).map(str::to_owned).filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() {
        bail!("no tokens in {}", path.display());
    }
    Ok(Arc::new(tokens))
}

/// Splits `http://host:port` into the address to connect to and the Host header.
fn host_of(url: &str) -> anyhow::Result<String> {
    let rest = url.strip_prefix("http://").context("only http:// URLs")?;
    Ok(rest.trim_end_matches('/').to_owned())
}

async fn post_json(url: &str, token: &str, path: &str, body: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let host = host_of(url)?;
    let stream = tokio::net::TcpStream::connect(&host).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let req = Request::post(path)
        .header("host", &host)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let bytes = resp.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("{path}: {status}: {}", String::from_utf8_lossy(&bytes));
    }
    Ok(serde_json::from_slice(&bytes)?)
}

async fn setup(url: &str, token: &str, slots: usize, capacity: i64) -> anyhow::Result<()> {
    let service = post_json(
        url,
        token,
        "/api/v1/services",
        serde_json::json!({"name": "新冠疫苗接种 第一剂（压测）", "real_name_required": false}),
    )
    .await?;
    let service = service["id"].as_i64().context("service id")?;
    // 20 slots a day (08:00–18:00), as many days as needed, starting the day after tomorrow.
    let days = slots.div_ceil(20);
    let from = "2099-01-01";
    let to = format!("2099-01-{:02}", days.min(28));
    let template = serde_json::json!({"venue_id": 1, "capacity": capacity, "template": {"from": from, "to": to,
        "weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "08:00", "end": "18:00", "minutes": 30}});
    let created = post_json(url, token, &format!("/api/v1/services/{service}/slots"), template).await?;
    let ids: Vec<i64> =
        created["ids"].as_array().context("ids")?.iter().filter_map(serde_json::Value::as_i64).take(slots).collect();
    let (first, last) = (ids.first().copied().unwrap_or_default(), ids.last().copied().unwrap_or_default());
    if last - first + 1 != ids.len() as i64 {
        bail!("slot ids are not contiguous");
    }
    println!("{service} {first} {last}");
    Ok(())
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    /// Latencies of the 2xx answers alone (the bookings made).
    ok_latencies_us: Vec<u32>,
    ok: u64,
    client_errors: u64,
    server_errors: u64,
    transport_errors: u64,
    confirmed: u64,
    last_confirmed: Option<Duration>,
    /// (reservation, code, status, when the answer arrived: Unix milliseconds).
    answers: Vec<(i64, String, String, u64)>,
}

/// One connection's loop. Connection `index` of `count` presses "book" for its share of the
/// users in turn — every user once, then again (the impatient retry) — on random slots.
async fn connection(
    host: String,
    tokens: Arc<Vec<String>>,
    slots: (i64, i64),
    index: usize,
    count: usize,
    (start, wall_start_ms): (Instant, u64),
    deadline: Instant,
) -> Tally {
    let seed = index as u64 + 1;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mine: Vec<&String> = tokens.iter().skip(index).step_by(count).collect();
    if mine.is_empty() {
        return Tally::default();
    }
    let mut tally = Tally::default();
    let mut n = 0u64;
    'reconnect: while Instant::now() < deadline {
        let Ok(stream) = tokio::net::TcpStream::connect(&host).await else {
            tally.transport_errors += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            tally.transport_errors += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < deadline {
            n += 1;
            let token = mine[(n as usize) % mine.len()];
            let slot = rng.gen_range(slots.0..=slots.1);
            let Ok(req) = Request::post(format!("/api/v1/slots/{slot}/bookings"))
                .header("host", &host)
                .header("authorization", format!("Bearer {token}"))
                .header("idempotency-key", format!("{seed}-{n}"))
                .body(Empty::<Bytes>::new())
            else {
                continue;
            };
            let sent = Instant::now();
            let resp = match sender.send_request(req).await {
                Ok(r) => r,
                Err(_) => {
                    tally.transport_errors += 1;
                    continue 'reconnect;
                }
            };
            let status = resp.status();
            let Ok(body) = resp.into_body().collect().await.map(|b| b.to_bytes()) else {
                tally.transport_errors += 1;
                continue 'reconnect;
            };
            let took = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
            tally.latencies_us.push(took);
            if status.is_success() {
                tally.ok += 1;
                tally.ok_latencies_us.push(took);
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let state = v["status"].as_str().unwrap_or_default().to_owned();
                if state == "confirmed" {
                    tally.confirmed += 1;
                    tally.last_confirmed = Some(start.elapsed());
                }
                tally.answers.push((
                    v["id"].as_i64().unwrap_or(-1),
                    v["code"].as_str().unwrap_or_default().to_owned(),
                    state,
                    wall_start_ms + start.elapsed().as_millis() as u64,
                ));
            } else if status.is_server_error() {
                tally.server_errors += 1;
            } else {
                tally.client_errors += 1;
            }
        }
    }
    tally
}

async fn load(
    urls: Vec<String>,
    tokens: PathBuf,
    first: i64,
    last: i64,
    connections: usize,
    seconds: u64,
    answers: PathBuf,
) -> anyhow::Result<()> {
    let tokens = read_tokens(&tokens)?;
    let hosts: Vec<String> = urls.iter().map(|u| host_of(u)).collect::<anyhow::Result<_>>()?;
    let start = Instant::now();
    let wall_start_ms = drill::unix_ms();
    let deadline = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            let host = hosts[i % hosts.len()].clone();
            tokio::spawn(connection(
                host,
                tokens.clone(),
                (first, last),
                i,
                connections,
                (start, wall_start_ms),
                deadline,
            ))
        })
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.latencies_us.extend(t.latencies_us);
        all.ok_latencies_us.extend(t.ok_latencies_us);
        all.ok += t.ok;
        all.client_errors += t.client_errors;
        all.server_errors += t.server_errors;
        all.transport_errors += t.transport_errors;
        all.confirmed += t.confirmed;
        all.last_confirmed = all.last_confirmed.max(t.last_confirmed);
        all.answers.extend(t.answers);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.latencies_us.sort_unstable();
    all.ok_latencies_us.sort_unstable();
    let pct_of = |v: &[u32], p: f64| {
        let i = ((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1));
        v.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
    };
    let pct = |p: f64| pct_of(&all.latencies_us, p);
    let responses = all.latencies_us.len() as f64;
    let confirmed_rate = all.last_confirmed.map_or(0.0, |t| all.confirmed as f64 / t.as_secs_f64().max(0.001));
    println!("responses {responses:.0} in {elapsed:.1}s: {:.0} requests/s", responses / elapsed);
    println!(
        "2xx {} ({:.0}/s), of which confirmed {} ({confirmed_rate:.0}/s while seats lasted)",
        all.ok,
        all.ok as f64 / elapsed,
        all.confirmed
    );
    println!("4xx {}, 5xx {}, transport errors {}", all.client_errors, all.server_errors, all.transport_errors);
    println!("latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", pct(0.50), pct(0.99), pct(1.0));
    println!(
        "latency of the 2xx answers alone: p50 {:.1} ms, p99 {:.1} ms",
        pct_of(&all.ok_latencies_us, 0.50),
        pct_of(&all.ok_latencies_us, 0.99)
    );
    let mut out = std::io::BufWriter::new(std::fs::File::create(&answers)?);
    for (id, code, status, at_ms) in &all.answers {
        writeln!(out, "{id},{code},{status},{at_ms}")?;
    }
    out.flush()?;
    if all.server_errors > 0 {
        bail!("{} server errors", all.server_errors);
    }
    Ok(())
}

async fn check(database_url: &str, answers: &PathBuf) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let mut failures = booking_invariants(&mut db).await?;
    let text = std::fs::read_to_string(answers)?;
    let mut ids = HashSet::new();
    let mut missing = 0;
    let mut answered = 0;
    for line in text.lines() {
        let mut parts = line.split(',');
        let (Some(id), Some(code)) = (parts.next().and_then(|i| i.parse::<i64>().ok()), parts.next()) else { continue };
        answered += 1;
        if !ids.insert(id) {
            failures.push(format!("two 2xx answers for reservation {id}"));
        }
        let stored: Option<String> = sqlx::query_scalar("select code from reservations where reservation_id = $1")
            .bind(id)
            .fetch_optional(&mut db)
            .await?;
        if stored.as_deref() != Some(code) {
            missing += 1;
        }
    }
    if missing > 0 {
        failures.push(format!("{missing} 2xx answers without their stored reservation"));
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from reservations").fetch_one(&mut db).await?;
    println!(
        "invariants: {answered} 2xx answers, {stored} reservations stored ({} committed but unanswered), {}",
        stored - answered,
        if failures.is_empty() { "all hold".to_owned() } else { failures.join("; ") }
    );
    if failures.is_empty() { Ok(()) } else { bail!("invariants violated") }
}

/// The booking invariants that hold in any state of the database: no offering over capacity,
/// seat counts that match the reservations, nobody with two active bookings of one service.
pub(crate) async fn booking_invariants(db: &mut sqlx::AnyConnection) -> anyhow::Result<Vec<String>> {
    let mut failures = Vec::new();
    let over: i64 =
        sqlx::query_scalar("select count(*) from offerings where capacity is not null and booked > capacity")
            .fetch_one(&mut *db)
            .await?;
    if over > 0 {
        failures.push(format!("{over} offerings over capacity"));
    }
    let miscounted: i64 = sqlx::query_scalar(
        "select count(*) from offerings o where o.booked <> (select count(*) from reservations r \
         where r.offering_id = o.offering_id and r.status in ('confirmed', 'attended', 'no_show'))",
    )
    .fetch_one(&mut *db)
    .await?;
    if miscounted > 0 {
        failures.push(format!("{miscounted} offerings whose seat count does not match their reservations"));
    }
    let twice: i64 = sqlx::query_scalar(
        "select count(*) from (select service_key, person_key from reservations \
         where status in ('requested', 'confirmed', 'waitlisted') and service_key <> '' \
         group by service_key, person_key having count(*) > 1) d",
    )
    .fetch_one(&mut *db)
    .await?;
    if twice > 0 {
        failures.push(format!("{twice} people with two active bookings of one service"));
    }
    Ok(failures)
}

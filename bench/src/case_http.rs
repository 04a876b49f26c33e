//! The case benchmark's HTTP side: timing the statistics page as a logged-in user (through
//! the login form, cookies and CSRF token as a browser has them), and residents filing cases
//! over the API.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rand::{Rng as _, SeedableRng as _};
use sqlx::Connection as _;

/// One keep-alive HTTP/1.1 connection.
pub(crate) struct Client {
    host: String,
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

/// What came back.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Bytes,
}

impl Client {
    pub(crate) async fn connect(url: &str) -> anyhow::Result<Self> {
        let host = crate::host_of(url)?;
        let stream = tokio::net::TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Self { host, sender })
    }

    pub(crate) async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> anyhow::Result<Answer> {
        // A keep-alive connection takes the next request only once it is ready again.
        self.sender.ready().await?;
        let mut req = Request::builder().method(method).uri(path).header("host", &self.host);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self.sender.send_request(req.body(Full::new(Bytes::from(body)))?).await?;
        let status = resp.status().as_u16();
        let cookies = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(Answer { status, cookies, body })
    }
}

pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Logs in through the form; the cookies of the session.
async fn login(client: &mut Client, phone: &str, password: &str) -> anyhow::Result<String> {
    let page = client.send("GET", "/login", &[], String::new()).await?;
    let html = String::from_utf8_lossy(&page.body);
    let marker = "name=\"_csrf\" value=\"";
    let token = html.split(marker).nth(1).and_then(|t| t.split('"').next()).context("no CSRF token on /login")?;
    let mut jar = page.cookies;
    let cookie = jar.join("; ");
    let form = format!(
        "_csrf={}&phone={}&password={}",
        percent_encode(token),
        percent_encode(phone),
        percent_encode(password)
    );
    let headers = [("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    let answer = client.send("POST", "/login", &headers, form).await?;
    if answer.status != 303 {
        bail!("login of {phone} failed: {}", answer.status);
    }
    jar.extend(answer.cookies);
    Ok(jar.join("; "))
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(i).copied().unwrap_or_default()
}

/// Times `requests` GETs of each `label=path` (after one untimed), one after another.
pub async fn time_pages(
    url: &str,
    phone: &str,
    password: &str,
    requests: usize,
    pages: &[String],
) -> anyhow::Result<()> {
    let mut client = Client::connect(url).await?;
    let cookie = login(&mut client, phone, password).await?;
    for page in pages {
        let (label, path) = page.split_once('=').context("pages are label=path")?;
        let mut took = Vec::with_capacity(requests);
        let mut size = 0;
        for i in 0..=requests {
            let sent = Instant::now();
            let answer = client.send("GET", path, &[("cookie", cookie.as_str())], String::new()).await?;
            if answer.status != 200 {
                bail!("{path}: {}", answer.status);
            }
            if i > 0 {
                took.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            size = answer.body.len();
        }
        took.sort_by(f64::total_cmp);
        println!(
            "{label:<34} p50 {:6.1} ms  p99 {:6.1} ms  max {:6.1} ms  ({requests} requests, {} KB)",
            pct(&took, 0.5),
            pct(&took, 0.99),
            pct(&took, 1.0),
            size / 1024
        );
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    created: u64,
    client_errors: u64,
    server_errors: u64,
    transport_errors: u64,
    /// The first refusal, to say what went wrong.
    first_refusal: Option<String>,
}

async fn reporter(
    url: String,
    tokens: Arc<Vec<String>>,
    places: Arc<(Vec<i64>, Vec<i64>)>,
    index: usize,
    count: usize,
    pause: Duration,
    deadline: Instant,
) -> Tally {
    let mut rng = rand::rngs::StdRng::seed_from_u64(index as u64 + 1);
    let mine: Vec<&String> = tokens.iter().skip(index).step_by(count).collect();
    let mut tally = Tally::default();
    let mut n = 0usize;
    // Paced reporters start spread over one pause, as people do, not all in the same instant.
    tokio::time::sleep(pause * u32::try_from(index).unwrap_or(0) / u32::try_from(count).unwrap_or(1).max(1)).await;
    while Instant::now() < deadline && !mine.is_empty() {
        let Ok(mut client) = Client::connect(&url).await else {
            tally.transport_errors += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        while Instant::now() < deadline {
            n += 1;
            let auth = format!("Bearer {}", mine[n % mine.len()]);
            let community = places.0[rng.gen_range(0..places.0.len())];
            let category = places.1[rng.gen_range(0..places.1.len())];
            let body = serde_json::json!({"category_id": category, "community_id": community,
                "description": "人行道上有人私搭乱建（压测）", "address": "压测路 1 号"})
            .to_string();
            let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
            let sent = Instant::now();
            let Ok(answer) = client.send("POST", "/api/v1/cases", &headers, body).await else {
                tally.transport_errors += 1;
                break;
            };
            tally.latencies_ms.push(sent.elapsed().as_secs_f64() * 1000.0);
            match answer.status {
                201 => tally.created += 1,
                500.. => tally.server_errors += 1,
                _ => tally.client_errors += 1,
            }
            if answer.status != 201 && tally.first_refusal.is_none() {
                tally.first_refusal = Some(format!("{}: {}", answer.status, String::from_utf8_lossy(&answer.body)));
            }
            if !pause.is_zero() {
                // Start the pauses at different moments, so reporters do not file in lockstep.
                let jitter = rng.gen_range(0..=pause.as_millis() as u64 / 5);
                tokio::time::sleep(pause + Duration::from_millis(jitter)).await;
            }
        }
    }
    tally
}

/// `connections` residents file cases for `seconds`, each on its own keep-alive connection,
/// one case after another (random community and category), pausing `pause_ms` (and up to a
/// fifth more) after each; prints the figures.
pub async fn file(
    urls: &[String],
    database_url: &str,
    tokens: &Path,
    connections: usize,
    seconds: u64,
    pause_ms: u64,
) -> anyhow::Result<()> {
    let tokens = crate::read_tokens(tokens)?;
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let communities: Vec<i64> = sqlx::query_scalar("select community_id from communities").fetch_all(&mut db).await?;
    let categories: Vec<i64> = sqlx::query_scalar(
        "select category_id from case_categories where parent_code is not null and active = 1 and kind = 'city'",
    )
    .fetch_all(&mut db)
    .await?;
    let before: i64 = sqlx::query_scalar("select count(*) from cases").fetch_one(&mut db).await?;
    db.close().await?;
    if tokens.is_empty() || communities.is_empty() || categories.is_empty() {
        bail!("no tokens, communities or categories");
    }
    let places = Arc::new((communities, categories));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            let pause = Duration::from_millis(pause_ms);
            let url = urls[i % urls.len()].clone();
            tokio::spawn(reporter(url, tokens.clone(), places.clone(), i, connections, pause, deadline))
        })
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.latencies_ms.extend(t.latencies_ms);
        all.created += t.created;
        all.client_errors += t.client_errors;
        all.server_errors += t.server_errors;
        all.transport_errors += t.transport_errors;
        all.first_refusal = all.first_refusal.or(t.first_refusal);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.latencies_ms.sort_by(f64::total_cmp);
    let l = &all.latencies_ms;
    println!(
        "{connections} reporters, pause {pause_ms} ms, {seconds} s: {} cases filed, {:.0} cases/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.created,
        all.created as f64 / elapsed,
        pct(l, 0.5),
        pct(l, 0.99),
        pct(l, 1.0)
    );
    println!(
        "errors: 4xx {}, 5xx {}, transport {} (cases before the run: {before})",
        all.client_errors, all.server_errors, all.transport_errors
    );
    if let Some(refusal) = &all.first_refusal {
        println!("first refusal: {refusal}");
    }
    if all.server_errors + all.transport_errors > 0 {
        bail!("errors while filing");
    }
    // Every 2xx is a case stored, and no case was stored without its answer (nothing else
    // files cases meanwhile).
    let mut db = sqlx::AnyConnection::connect(database_url).await?;
    let after: i64 = sqlx::query_scalar("select count(*) from cases").fetch_one(&mut db).await?;
    if after - before != all.created as i64 {
        bail!("{} cases stored for {} answered 2xx", after - before, all.created);
    }
    println!("every case answered 2xx is stored ({} new cases)", after - before);
    Ok(())
}

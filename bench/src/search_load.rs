//! `ejia-bench search load`: N searchers, each on its own keep-alive connection, send
//! `GET /api/v1/search` back to back for the time given, cycling through [`QUERIES`] (common
//! and rare words, one-character queries, street names, mixed Chinese/English, later pages,
//! one kind); prints requests/s, latency percentiles, the answers by status and the slowest
//! queries. (`search.rs` generates what they search.)

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::bail;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;

/// What the searchers ask, in turn: `(label, query string)`.
const QUERIES: &[&str] = &[
    // common words, as one word and two
    "q=社区",
    "q=活动",
    "q=居民",
    "q=志愿者",
    "q=社区活动",
    "q=服务 居民",
    // campaign words, common to rare
    "q=党史",
    "q=长征",
    "q=疫苗",
    "q=讲座",
    "q=红色电影",
    "q=占道经营",
    "q=垃圾分类",
    "q=党史学习",
    "q=疫苗接种",
    "q=长征 讲座",
    "q=红色电影 放映",
    "q=扫黑除恶",
    "q=民法典",
    "q=加装电梯",
    "q=高空抛物",
    "q=啤酒节",
    // one character
    "q=党",
    "q=路",
    "q=苗",
    "q=海",
    // places
    "q=八大峡",
    "q=香港中路",
    "q=湛山",
    "q=八大关",
    "q=云霄路社区",
    "q=团岛",
    "q=金湖路街道",
    "q=江西路",
    // categories
    "q=私搭乱建",
    "q=暴露垃圾",
    "q=道路不洁",
    "q=机动车乱停放",
    // mixed Chinese and English, English alone
    "q=COVID疫苗",
    "q=covid",
    "q=AED 培训",
    "q=vaccine",
    "q=5G",
    // nothing to find
    "q=量子计算机",
    "q=zzzz",
    // later pages and one kind
    "q=社区&page=2",
    "q=社区&page=50",
    "q=党史&page=3",
    "q=疫苗&kind=case",
    "q=活动&kind=article&page=5",
];

/// What one searcher saw: per query, the latencies in µs; answers by status.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<usize, Vec<u32>>,
    statuses: BTreeMap<String, u64>,
}

async fn searcher(host: String, index: usize, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut n = index * 7;
    'reconnect: while Instant::now() < deadline {
        let Ok(stream) = tokio::net::TcpStream::connect(&host).await else {
            *tally.statuses.entry("connect error".into()).or_default() += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else {
            *tally.statuses.entry("handshake error".into()).or_default() += 1;
            continue;
        };
        tokio::spawn(conn);
        while Instant::now() < deadline {
            let which = n % QUERIES.len();
            n += 1;
            let path = format!("/api/v1/search?{}", encode(QUERIES[which]));
            let Ok(req) = Request::get(path).header("host", &host).body(Empty::<Bytes>::new()) else { continue };
            let sent = Instant::now();
            let Ok(resp) = sender.send_request(req).await else {
                *tally.statuses.entry("transport error".into()).or_default() += 1;
                continue 'reconnect;
            };
            let status = resp.status();
            if resp.into_body().collect().await.is_err() {
                *tally.statuses.entry("transport error".into()).or_default() += 1;
                continue 'reconnect;
            }
            let took = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
            tally.latencies.entry(which).or_default().push(took);
            *tally.statuses.entry(status.as_u16().to_string()).or_default() += 1;
        }
    }
    tally
}

/// Percent-encodes what is not ASCII in a query string.
fn encode(query: &str) -> String {
    let mut out = String::new();
    for b in query.bytes() {
        if b.is_ascii_alphanumeric() || b"=&-_.".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len().saturating_sub(1));
    sorted.get(i).map_or(0.0, |us| f64::from(*us) / 1000.0)
}

pub async fn load(url: &str, connections: usize, seconds: u64) -> anyhow::Result<()> {
    let host = crate::host_of(url)?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections).map(|i| tokio::spawn(searcher(host.clone(), i, deadline))).collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        for (q, l) in t.latencies {
            all.latencies.entry(q).or_default().extend(l);
        }
        for (s, c) in t.statuses {
            *all.statuses.entry(s).or_default() += c;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut every: Vec<u32> = all.latencies.values().flatten().copied().collect();
    every.sort_unstable();
    println!(
        "{} searches in {elapsed:.1} s: {:.0} requests/s; latency ms p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        every.len(),
        every.len() as f64 / elapsed,
        percentile(&every, 0.50),
        percentile(&every, 0.90),
        percentile(&every, 0.99),
        percentile(&every, 1.0),
    );
    let statuses: Vec<String> = all.statuses.iter().map(|(s, c)| format!("{s}: {c}")).collect();
    println!("answers by status: {}", statuses.join(", "));
    let mut worst: Vec<(f64, f64, usize)> = all
        .latencies
        .iter_mut()
        .map(|(q, l)| {
            l.sort_unstable();
            (percentile(l, 0.99), percentile(l, 0.5), *q)
        })
        .collect();
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> =
        worst.iter().take(6).map(|(p99, p50, q)| format!("{} (p50 {p50:.1}, p99 {p99:.1})", QUERIES[*q])).collect();
    println!("slowest queries: {}", slowest.join("; "));
    if all.statuses.keys().any(|s| s != "200") {
        bail!("some answers were not 200");
    }
    Ok(())
}

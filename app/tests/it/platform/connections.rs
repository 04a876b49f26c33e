//! Connection limits, on raw sockets against the same server `ejia serve` runs: slow or idle
//! clients are cut off, the total is capped, and one address cannot keep many connections
//! waiting while its busy ones are served.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::helpers::*;

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap()
}

/// Reads until the server closes the connection, or `within` passes (`None`).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| String::from_utf8_lossy(&got).into_owned())
}

/// Reads one response with a known short body ending in `end`.
async fn response(stream: &mut TcpStream, end: &str) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains(end) {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed before the answer: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nhost: t\r\n\r\n";

#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 60;
    })
    .await;
    let mut slow = connect(&app).await;
    let started = Instant::now();
    slow.write_all(b"GET / HTTP/1.1\r\nhost: t\r\nx-slow: ").await.unwrap();
    // A complete request on another connection is answered meanwhile.
    let mut quick = connect(&app).await;
    quick.write_all(HEALTH).await.unwrap();
    assert!(response(&mut quick, "\r\n\r\nok").await.starts_with("HTTP/1.1 200"));
    let closed = closed_within(&mut slow, Duration::from_secs(6)).await;
    assert!(closed.is_some(), "a head still unfinished after 6 s is cut off");
    assert!(started.elapsed() >= Duration::from_millis(900), "not before the timeout: {:?}", started.elapsed());
    // The timeout is for the head only: a fresh connection gets its whole allowance again,
    // and a kept-alive one is not cut while it is merely idle for longer than it.
    let idle_for = Instant::now();
    assert_eq!(closed_within(&mut quick, Duration::from_millis(1500)).await, None, "idle is not a half-sent head");
    assert!(idle_for.elapsed() >= Duration::from_millis(1400));
    quick.write_all(HEALTH).await.unwrap();
    assert!(response(&mut quick, "\r\n\r\nok").await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 60;
        c.idle_timeout_secs = 1;
    })
    .await;
    let mut conn = connect(&app).await;
    conn.write_all(HEALTH).await.unwrap();
    assert!(response(&mut conn, "\r\n\r\nok").await.starts_with("HTTP/1.1 200"));
    let idle_since = Instant::now();
    let closed = closed_within(&mut conn, Duration::from_secs(6)).await;
    assert_eq!(closed.as_deref(), Some(""), "closed, with nothing more said");
    assert!(idle_since.elapsed() >= Duration::from_millis(900), "{:?}", idle_since.elapsed());
}

#[tokio::test]
async fn connections_over_the_total_cap_are_answered_503_and_closed() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 3;
        c.metrics_token = Some(crate::platform::ops::METRICS_TOKEN.into());
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut conn = connect(&app).await;
        conn.write_all(HEALTH).await.unwrap();
        assert!(response(&mut conn, "\r\n\r\nok").await.starts_with("HTTP/1.1 200"));
        open.push(conn);
    }
    let mut fourth = connect(&app).await;
    let answer = closed_within(&mut fourth, Duration::from_secs(6)).await.expect("closed at once");
    assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("retry-after: 5"), "{answer}");
    // Once one of the three leaves, there is room again.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut next = connect(&app).await;
        next.write_all(HEALTH).await.unwrap();
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(Duration::from_secs(5), next.read(&mut buf)).await.unwrap().unwrap_or(0);
        if String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "no room after a connection closed");
        tokio::task::yield_now().await;
    }
    let metrics = crate::platform::ops::metrics(&app).await;
    assert!(metrics.contains("ejia_http_connections_refused_total{reason=\"over_capacity\"}"), "{metrics}");
}

#[tokio::test]
async fn one_address_keeps_few_connections_waiting_but_many_busy_ones() {
    let app = TestApp::spawn_with(|c| {
        c.max_waiting_per_addr = 2;
        c.header_timeout_secs = 60;
        c.idle_timeout_secs = 60;
    })
    .await;
    // A browser's CSRF cookie and token, to make form posts that are really served.
    // (A client of its own, whose pooled connection goes with it: it would wait too.)
    let browser = reqwest::Client::new();
    let login = browser.get(app.at("/login")).send().await.unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let token = csrf_in(&login.text().await.unwrap());
    drop(browser);
    let body = "lang=en";
    let head = format!(
        "POST /prefs HTTP/1.1\r\nhost: t\r\ncookie: {cookie}\r\nx-csrf-token: {token}\r\n\
         content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    // Eight requests from 127.0.0.1 being served: heads sent, bodies still to come.
    let mut busy = Vec::new();
    for _ in 0..8 {
        let mut conn = connect(&app).await;
        conn.write_all(head.as_bytes()).await.unwrap();
        busy.push(conn);
    }
    // Five half-sent heads from the same address: two may wait, three are one too many.
    let mut waiting = Vec::new();
    for _ in 0..5 {
        let mut conn = connect(&app).await;
        conn.write_all(b"GET /healthz HTTP/1.1\r\nhost: t\r\n").await.unwrap();
        waiting.push(conn);
    }
    let watching: Vec<_> = waiting
        .into_iter()
        .map(|mut conn| {
            tokio::spawn(async move {
                let outcome = closed_within(&mut conn, Duration::from_secs(3)).await;
                (conn, outcome)
            })
        })
        .collect();
    let mut left = Vec::new();
    for watch in watching {
        let (conn, outcome) = watch.await.unwrap();
        if outcome.is_none() {
            left.push(conn);
        }
    }
    assert_eq!(left.len(), 2, "three of the five waiting connections are closed, {} left", left.len());
    // The two left finish their requests, and every busy request is answered.
    for conn in &mut left {
        conn.write_all(b"\r\n").await.unwrap();
        assert!(response(conn, "\r\n\r\nok").await.starts_with("HTTP/1.1 200"));
    }
    for conn in &mut busy {
        conn.write_all(body.as_bytes()).await.unwrap();
        let answer = response(conn, "\r\n\r\n").await;
        assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    }
}

//! The HTTP server under the router: accepts connections and serves each with hyper's HTTP/1,
//! within limits that keep slow or idle clients from holding the server.
//!
//! - A request head must arrive within the header timeout; a keep-alive connection idle longer
//!   than the idle timeout is closed (see [`conn`] for the phases and why hyper's own header
//!   timeout is not used).
//! - At most `max_connections` are open at once; past that a new connection is answered
//!   `503` with `Retry-After` and closed at once, so clients hear at once rather than wait in
//!   the kernel's queue.
//! - Each client address may keep only so many connections *waiting* (idle, or sending a head)
//!   past their first second ([`waiting`]); connections being served are never capped per
//!   address.
//!
//! `SIGTERM` (the `shutdown` future) stops accepting, lets requests in flight finish, closes
//! idle connections, and returns once every connection has ended.

pub mod conn;
pub mod waiting;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::web::metrics::Metrics;

use self::conn::{Guarded, Timeouts, Tracker, Watched};
use self::waiting::Waiting;

/// The local address a request came in on (the listener's, per connection), for the Origin
/// check's loopback rule.
#[derive(Debug, Clone, Copy)]
pub struct LocalAddr(pub SocketAddr);

/// The connection limits of one listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Header and idle timeouts.
    pub timeouts: Timeouts,
    /// Open connections in total.
    pub max_connections: usize,
    /// Waiting connections per client address; 0 means no cap.
    pub max_waiting_per_addr: usize,
}

impl Limits {
    /// The limits configured.
    pub fn of(config: &Config) -> Self {
        Self {
            timeouts: Timeouts {
                header: Duration::from_secs(config.header_timeout_secs),
                idle: Duration::from_secs(config.idle_timeout_secs),
            },
            max_connections: config.max_connections,
            max_waiting_per_addr: config.max_waiting_per_addr,
        }
    }
}

/// What a client over the connection cap reads before the connection closes.
const OVER_CAPACITY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the connections.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let listening = listener.local_addr().ok();
    let slots = Arc::new(Semaphore::new(limits.max_connections.clamp(1, Semaphore::MAX_PERMITS)));
    let waiting = Arc::new(Waiting::new(limits.max_waiting_per_addr));
    let graceful = GracefulShutdown::new();
    let http = Arc::new(hyper::server::conn::http1::Builder::new());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::error!(error = %e, "accepting a connection failed");
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            metrics.connection_refused("over_capacity");
            refuse(&stream);
            continue;
        };
        let local = stream.local_addr().ok().or(listening).unwrap_or(peer);
        let tracker = Arc::new(Tracker::new(limits.timeouts, waiting.clone(), peer));
        let io = TokioIo::new(Watched::new(stream, tracker.clone()));
        let service = {
            let (router, tracker) = (router.clone(), tracker.clone());
            hyper::service::service_fn(move |request| {
                conn::handle(router.clone(), tracker.clone(), peer, local, request)
            })
        };
        let connection = Guarded::new(graceful.watch(http.serve_connection(io, service)), tracker);
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _slot = slot;
            metrics.connection_opened();
            if let Some(reason) = connection.await {
                tracing::debug!(%peer, reason = reason.label(), "connection closed");
                metrics.connection_refused(reason.label());
            }
            metrics.connection_closed();
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Answers a connection over the cap with a bare 503 and closes it, without waiting on it.
fn refuse(stream: &TcpStream) {
    // Whatever the client sent already is read first: closing a socket with unread data
    // makes the kernel send a reset, which may reach the client before the answer.
    let mut sink = [0u8; 4096];
    let _ = stream.try_read(&mut sink);
    let _ = stream.try_write(OVER_CAPACITY);
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

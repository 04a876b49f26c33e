//! One connection's life: which phase it is in and how long it may stay there.
//!
//! A connection is *reading a head* from its opening until its first request head is complete,
//! *busy* while a request is being served (from the head until the response body is written),
//! and *idle* between requests until the next head begins to arrive. Reading a head is bounded
//! by the header timeout (counted from the opening, or from the first byte of a later request),
//! idleness by the idle timeout — as nginx's `client_header_timeout` and `keepalive_timeout`.
//! Busy connections are bounded by the request timeout of the router instead.
//!
//! hyper's own `header_read_timeout` is not used: it runs from the end of the previous
//! response, so it cannot tell an idle keep-alive connection from a half-sent request, and the
//! per-address cap needs to know the phase anyway. The phase is followed from three places,
//! all polled inside the connection's one task: the socket (bytes arriving while idle), the
//! service (a head is complete) and the response body (dropped once written).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

use super::LocalAddr;
use super::waiting::{AddrKey, COUNTS_AFTER, Waiting};

/// Why the server closed a connection of its own accord.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// A request head took longer than the header timeout.
    HeaderTimeout,
    /// Idle between requests longer than the idle timeout.
    IdleTimeout,
    /// Its address already had as many waiting connections as allowed.
    WaitingPerAddress,
}

impl Closed {
    /// Metric label.
    pub fn label(self) -> &'static str {
        match self {
            Closed::HeaderTimeout => "header_timeout",
            Closed::IdleTimeout => "idle_timeout",
            Closed::WaitingPerAddress => "waiting_per_address",
        }
    }
}

/// The two waiting timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// For a request head.
    pub header: Duration,
    /// For idleness between requests.
    pub idle: Duration,
}

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// A head is being read; it began at this instant.
    Head(Instant),
    /// Between requests.
    Idle,
    /// Requests being served (one at a time in HTTP/1, but counted to be safe).
    Busy(u32),
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// When the connection began to wait: its opening, or the end of its last response.
    waiting_since: Instant,
    /// Whether it counts against its address in [`Waiting`].
    counted: bool,
}

/// What the connection's task should do next.
enum Next {
    Close(Closed),
    WakeAt(Instant),
    Nothing,
}

/// The phase of one connection, shared by its socket, its service and its response bodies.
#[derive(Debug)]
pub struct Tracker {
    state: Mutex<State>,
    timeouts: Timeouts,
    waiting: Arc<Waiting>,
    key: AddrKey,
}

impl Tracker {
    /// A connection opened now by `peer`.
    pub fn new(timeouts: Timeouts, waiting: Arc<Waiting>, peer: SocketAddr) -> Self {
        let now = Instant::now();
        Self {
            state: Mutex::new(State { phase: Phase::Head(now), waiting_since: now, counted: false }),
            timeouts,
            waiting,
            key: AddrKey::of(peer.ip()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: if the connection was idle, a new head begins.
    fn bytes_arrived(&self) {
        let mut s = self.state();
        if matches!(s.phase, Phase::Idle) {
            s.phase = Phase::Head(Instant::now());
        }
    }

    /// A request head is complete and goes to the router.
    fn request_began(&self) {
        let mut s = self.state();
        s.phase = match s.phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            Phase::Head(_) | Phase::Idle => Phase::Busy(1),
        };
        if s.counted {
            s.counted = false;
            self.waiting.release(self.key);
        }
    }

    /// A response body was written (or given up): the connection waits again.
    fn request_ended(&self) {
        let mut s = self.state();
        if let Phase::Busy(n) = s.phase {
            if n > 1 {
                s.phase = Phase::Busy(n - 1);
            } else {
                s.phase = Phase::Idle;
                s.waiting_since = Instant::now();
            }
        }
    }

    /// Checks the deadlines at `now`: close, or when to look again.
    fn next(&self, now: Instant) -> Next {
        let mut s = self.state();
        let (deadline, reason) = match s.phase {
            Phase::Busy(_) => return Next::Nothing,
            Phase::Head(since) => (since + self.timeouts.header, Closed::HeaderTimeout),
            Phase::Idle => (s.waiting_since + self.timeouts.idle, Closed::IdleTimeout),
        };
        if now >= deadline {
            return Next::Close(reason);
        }
        if !s.counted && self.waiting.capped() {
            let counts_at = s.waiting_since + COUNTS_AFTER;
            if now < counts_at {
                return Next::WakeAt(deadline.min(counts_at));
            }
            if !self.waiting.try_count(self.key) {
                return Next::Close(Closed::WaitingPerAddress);
            }
            s.counted = true;
        }
        Next::WakeAt(deadline)
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        let s = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if s.counted {
            self.waiting.release(self.key);
        }
    }
}

/// The socket, telling the tracker when bytes arrive.
pub struct Watched {
    io: TcpStream,
    tracker: Arc<Tracker>,
}

impl Watched {
    /// Wraps an accepted socket.
    pub fn new(io: TcpStream, tracker: Arc<Tracker>) -> Self {
        Self { io, tracker }
    }
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.tracker.bytes_arrived();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// A response body that tells the tracker when it is done with.
pub struct TrackedBody {
    inner: Body,
    tracker: Arc<Tracker>,
}

impl hyper::body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for TrackedBody {
    fn drop(&mut self) {
        self.tracker.request_ended();
    }
}

/// Hands one request to the router with the connection's addresses, following its phase.
pub async fn handle(
    router: Router,
    tracker: Arc<Tracker>,
    peer: SocketAddr,
    local: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<TrackedBody>, Infallible> {
    tracker.request_began();
    let mut request = request.map(Body::new);
    request.extensions_mut().insert(ConnectInfo(peer));
    request.extensions_mut().insert(LocalAddr(local));
    let response = router.oneshot(request).await?;
    Ok(response.map(|inner| TrackedBody { inner, tracker }))
}

/// A connection future under its tracker's deadlines: resolves when the connection ends, or
/// with the reason when a deadline passes first (dropping the connection closes it).
pub struct Guarded<F> {
    conn: Pin<Box<F>>,
    tracker: Arc<Tracker>,
    sleep: Pin<Box<Sleep>>,
    armed: Option<Instant>,
}

impl<F> Guarded<F> {
    /// Guards `conn`.
    pub fn new(conn: F, tracker: Arc<Tracker>) -> Self {
        Self { conn: Box::pin(conn), tracker, sleep: Box::pin(tokio::time::sleep(Duration::ZERO)), armed: None }
    }
}

impl<F: Future> Future for Guarded<F> {
    type Output = Option<Closed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Closed>> {
        let this = self.get_mut();
        if this.conn.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        // The phase may have changed while the connection was polled: look at the deadlines
        // again every time, and sleep until the nearest.
        for _ in 0..3 {
            match this.tracker.next(Instant::now()) {
                Next::Close(reason) => return Poll::Ready(Some(reason)),
                Next::Nothing => return Poll::Pending,
                Next::WakeAt(at) => {
                    if this.armed != Some(at) {
                        this.sleep.as_mut().reset(at);
                        this.armed = Some(at);
                    }
                    if this.sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    // The timer fired: the next look either closes or finds a later deadline.
                    this.armed = None;
                }
            }
        }
        // A timer that keeps firing before its deadline (it does not, but a loop here must not
        // spin): look again on the next turn of the scheduler.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

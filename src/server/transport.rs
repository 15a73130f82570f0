//! The connections themselves: accepted here and served with hyper's
//! HTTP/2 server, so that every connection has a handshake deadline, a
//! stream limit, an idle and an age limit, a place under a cap on open
//! connections, and a GOAWAY followed by a hard stop at shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::{Request, Response};
use http_body::Frame;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tonic::body::Body;
use tonic::transport::server::{Connected, TcpIncoming};
use tower::Service;

/// The HTTP/2 connection preface every client sends first.
const PREFACE_LEN: usize = 24;

/// Answer bytes a stream may have waiting in HTTP/2's send buffer before
/// its body is no longer polled: one FULL answer (13 KB), three SUMMARY
/// answers. hyper's default, 400 KiB a stream, lets 256 ScoreReviews
/// streams hold up to 100 MiB of encoded answers their clients have not
/// yet read; at 32 KiB a stream, 256 streams peaked at 66-72 MiB, at
/// 16 KiB at 56-62 MiB, with the same rate (BENCHMARKS.md).
const MAX_SEND_BUF_BYTES: usize = 16 * 1024;

/// Per-connection limits.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Time from accept to a complete TLS handshake (when TLS is on) and
    /// the HTTP/2 preface; a connection that is silent longer is closed.
    pub handshake_timeout: Duration,
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised on every connection.
    pub max_streams_per_connection: u32,
    /// Open connections at most; one more is closed at once.
    pub max_connections: usize,
    /// A connection with no call for this long gets GOAWAY.
    pub idle_timeout: Option<Duration>,
    pub max_connection_age: Option<Duration>,
    pub keepalive_interval: Option<Duration>,
    pub keepalive_timeout: Duration,
    /// A connection with an answer stuck past its call's deadline gets
    /// GOAWAY and is closed this long after (see [`Stalls`]).
    pub stall_grace: Duration,
}

/// The figure of open file descriptors: the soft limit raised to the hard
/// limit. Returns (soft before, soft now).
pub fn raise_fd_limit() -> (Option<u64>, Option<u64>) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let before = limit.current;
    if limit.current != limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_err() {
            return (before, before);
        }
    }
    (before, getrlimit(Resource::Nofile).current)
}

/// Accepts connections from `incoming` until `stop` turns true, then sends
/// GOAWAY on every connection, closes those still in their handshake, waits
/// up to `drain` for the rest to finish their calls, and closes whatever is
/// left.
pub async fn serve<S>(
    mut incoming: TcpIncoming,
    tls: Option<TlsAcceptor>,
    service: S,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
    drain: Duration,
) where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let limits = Arc::new(limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            // Reap finished connection tasks as they end.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = incoming.next() => accepted,
        };
        let tcp = match accepted {
            Some(Ok(tcp)) => tcp,
            Some(Err(e)) => {
                // EMFILE and the like: wait a moment instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            None => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            super::metrics::connection_refused("max_connections");
            tracing::debug!(
                max = limits.max_connections,
                "connection refused: too many open"
            );
            drop(tcp);
            continue;
        };
        super::metrics::connection_opened();
        let service = service.clone();
        let limits = limits.clone();
        let tls = tls.clone();
        let stop = stop.clone();
        connections.spawn(async move {
            connection(tcp, tls, service, &limits, stop).await;
            super::metrics::connection_closed();
            drop(slot);
        });
    }
    drop(incoming);
    let open = connections.len();
    tracing::info!(
        connections = open,
        drain_ms = drain.as_millis() as u64,
        "GOAWAY sent; draining"
    );
    let drained = tokio::time::timeout(drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "drain timeout passed: closing the connections left"
        );
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

/// Counts the bytes read through it, to tell when the preface has come.
struct Counting<T> {
    inner: T,
    read: usize,
    preface: Arc<AtomicBool>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Counting<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if this.read < PREFACE_LEN {
            this.read += buf.filled().len() - before;
            if this.read >= PREFACE_LEN {
                this.preface.store(true, Ordering::Relaxed);
            }
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counting<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

async fn connection<S>(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    service: S,
    limits: &ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let handshake_deadline = Instant::now() + limits.handshake_timeout;
    match tls {
        None => serve_io(tcp, None, service, limits, stop, handshake_deadline).await,
        Some(acceptor) => {
            let accepted = tokio::select! {
                _ = stop.wait_for(|s| *s) => return,
                r = tokio::time::timeout_at(handshake_deadline, acceptor.accept(tcp)) => r,
            };
            match accepted {
                Ok(Ok(stream)) => {
                    let info = stream.connect_info();
                    serve_io(
                        stream,
                        Some(info),
                        service,
                        limits,
                        stop,
                        handshake_deadline,
                    )
                    .await
                }
                Ok(Err(e)) => {
                    super::metrics::connection_refused("tls_handshake");
                    tracing::debug!(error = %e, "TLS handshake failed");
                }
                Err(_) => {
                    super::metrics::connection_refused("handshake_timeout");
                    tracing::debug!("TLS handshake timed out");
                }
            }
        }
    }
}

type TlsInfo = tonic::transport::server::TlsConnectInfo<tonic::transport::server::TcpConnectInfo>;

async fn serve_io<IO, S>(
    io: IO,
    tls_info: Option<TlsInfo>,
    service: S,
    limits: &ConnectionLimits,
    mut stop: watch::Receiver<bool>,
    handshake_deadline: Instant,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let preface = Arc::new(AtomicBool::new(false));
    let io = Counting {
        inner: io,
        read: 0,
        preface: preface.clone(),
    };
    let activity = Arc::new(Activity::default());
    let stalls = Arc::new(Stalls::default());
    let tracked = Tracked {
        inner: service,
        activity: activity.clone(),
        stalls: stalls.clone(),
        tls_info: tls_info.map(Arc::new),
    };
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    builder
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_streams_per_connection)
        .max_send_buf_size(MAX_SEND_BUF_BYTES)
        .keep_alive_interval(limits.keepalive_interval)
        .keep_alive_timeout(limits.keepalive_timeout);
    let conn = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(tracked));
    tokio::pin!(conn);

    let handshake = tokio::time::sleep_until(handshake_deadline);
    tokio::pin!(handshake);
    let mut handshake_armed = true;
    let age = tokio::time::sleep(limits.max_connection_age.unwrap_or(Duration::MAX / 4));
    tokio::pin!(age);
    let mut going_away = false;
    let idle = activity.idle(limits.idle_timeout);
    tokio::pin!(idle);
    let mut ticks = tokio::time::interval(Stalls::TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Armed when a stall is found: the hard close after the grace.
    let stall_close = tokio::time::sleep(Duration::MAX / 4);
    tokio::pin!(stall_close);
    let mut stalled = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = ticks.tick(), if !stalled => {
                if let Some(method) = stalls.tick(Instant::now()) {
                    // HTTP/2 gives the server no way to end the one stream
                    // whose flow-control window the client keeps shut (its
                    // answer waits for the window, never for the server):
                    // GOAWAY, so the other calls finish and new ones go
                    // elsewhere, then the connection is closed, and that
                    // stream's slot is freed with it.
                    super::metrics::connection_stalled_closed();
                    tracing::warn!(
                        method,
                        grace_ms = limits.stall_grace.as_millis() as u64,
                        "closing a connection: an answer waits past its call's deadline \
                         for the client to take it"
                    );
                    stalled = true;
                    stall_close.as_mut().reset(Instant::now() + limits.stall_grace);
                    if !going_away {
                        going_away = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            _ = stall_close.as_mut(), if stalled => return,
            _ = handshake.as_mut(), if handshake_armed => {
                if !preface.load(Ordering::Relaxed) {
                    super::metrics::connection_refused("handshake_timeout");
                    tracing::debug!("connection closed: no HTTP/2 preface in time");
                    return;
                }
                handshake_armed = false;
            }
            _ = stop.wait_for(|s| *s), if !going_away => {
                if !preface.load(Ordering::Relaxed) {
                    return;
                }
                going_away = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = age.as_mut(), if !going_away && limits.max_connection_age.is_some() => {
                going_away = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = idle.as_mut(), if !going_away && limits.idle_timeout.is_some() => {
                super::metrics::connection_idle_closed();
                going_away = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Calls open on one connection.
#[derive(Default)]
struct Activity {
    open: AtomicUsize,
    changed: Notify,
}

impl Activity {
    /// Resolves once no call has been open for `after`.
    async fn idle(self: Arc<Self>, after: Option<Duration>) {
        let Some(after) = after else {
            return std::future::pending().await;
        };
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.open.load(Ordering::Acquire) == 0 {
                if tokio::time::timeout(after, changed).await.is_err() {
                    return;
                }
            } else {
                changed.await;
            }
        }
    }
}

struct CallGuard(Arc<Activity>);

impl CallGuard {
    fn new(activity: Arc<Activity>) -> Self {
        activity.open.fetch_add(1, Ordering::AcqRel);
        activity.changed.notify_waiters();
        CallGuard(activity)
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
        self.0.changed.notify_waiters();
    }
}

/// The answers of one connection that wait in HTTP/2 for the client.
/// An answer frame waits there until the client's flow-control window lets
/// it go; a client that keeps the window shut holds the call, its
/// concurrency slot and its answer past every deadline, because the
/// answer's body is not asked for its next frame (where the deadline is
/// checked, server::limits) until then. Each answer that hands a frame over
/// notes the tick, and clears it when asked for the next one; on each tick
/// a frame left untaken for a whole tick by a call whose deadline has
/// passed is a stall. A client that reads slowly, or stops reading for a
/// while within its deadline, is not one.
#[derive(Default)]
struct Stalls {
    tick: AtomicU64,
    answers: std::sync::Mutex<Answers>,
}

/// The answers a connection has handed frames out for since they were
/// last pruned.
#[derive(Default)]
struct Answers {
    all: Vec<std::sync::Weak<Waiting>>,
    /// The length at which ended answers are dropped on the next
    /// registration, so that between ticks the list (and the allocations
    /// its entries keep) stays about twice the live answers.
    prune_at: usize,
}

/// One answer: when it handed a frame over (a tick), or
/// [`Waiting::NONE`]; and its call's deadline.
struct Waiting {
    since: AtomicU64,
    deadline: Instant,
    method: &'static str,
}

impl Waiting {
    const NONE: u64 = u64::MAX;
}

impl Stalls {
    /// How often a connection's answers are looked at.
    const TICK: Duration = Duration::from_secs(1);
    /// Ended answers are dropped from the list once it has this many.
    const PRUNE_AT_LEAST: usize = 256;

    fn register(&self, method: &'static str, deadline: Instant) -> Arc<Waiting> {
        let waiting = Arc::new(Waiting {
            since: AtomicU64::new(Waiting::NONE),
            deadline,
            method,
        });
        if let Ok(mut answers) = self.answers.lock() {
            if answers.all.len() >= answers.prune_at {
                answers.all.retain(|w| w.strong_count() > 0);
                answers.prune_at = (2 * answers.all.len()).max(Self::PRUNE_AT_LEAST);
            }
            answers.all.push(Arc::downgrade(&waiting));
        }
        waiting
    }

    /// Advances the clock; the method of an answer stuck past its call's
    /// deadline (`now` is the time), if one is. Answers that ended are
    /// forgotten.
    fn tick(&self, now: Instant) -> Option<&'static str> {
        let tick = self.tick.fetch_add(1, Ordering::AcqRel) + 1;
        let mut answers = self.answers.lock().ok()?;
        let mut stalled = None;
        answers.all.retain(|w| match w.upgrade() {
            None => false,
            Some(waiting) => {
                let since = waiting.since.load(Ordering::Acquire);
                if since != Waiting::NONE && tick - since >= 2 && now >= waiting.deadline {
                    stalled = Some(waiting.method);
                }
                true
            }
        });
        stalled
    }
}

/// Counts the calls of one connection (until their answers end), watches
/// their answers for a client that stops taking them, and puts the TLS
/// peer on every request, as tonic's own server does.
#[derive(Clone)]
struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
    stalls: Arc<Stalls>,
    tls_info: Option<Arc<TlsInfo>>,
}

impl<S, B> Service<Request<B>> for Tracked<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let guard = CallGuard::new(self.activity.clone());
        let stalls = self.stalls.clone();
        let method = super::limits::method_name(request.uri().path());
        let mut request = request.map(Body::new);
        if let Some(info) = &self.tls_info {
            request.extensions_mut().insert(TlsInfo::clone(info));
        }
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let response = inner.call(request).await?;
            // Only a call with a deadline can be stuck past it.
            let deadline = response
                .extensions()
                .get::<super::limits::CallDeadline>()
                .map(|d| d.0);
            Ok(response.map(|body| {
                Body::new(Guarded {
                    inner: body,
                    watch: deadline.map(|deadline| Watched {
                        stalls,
                        deadline,
                        method,
                        waiting: None,
                    }),
                    _guard: guard,
                })
            }))
        })
    }
}

struct Guarded {
    inner: Body,
    watch: Option<Watched>,
    _guard: CallGuard,
}

/// What an answer needs to be watched for a stall; its entry is made with
/// its first frame, so that answers that hand none over (a refusal in the
/// headers) never take the lock.
struct Watched {
    stalls: Arc<Stalls>,
    deadline: Instant,
    method: &'static str,
    waiting: Option<Arc<Waiting>>,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        // Asked again: the frame handed over last has been taken.
        if let Some(waiting) = this.watch.as_ref().and_then(|w| w.waiting.as_ref()) {
            waiting.since.store(Waiting::NONE, Ordering::Release);
        }
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        if let (Some(watch), Poll::Ready(Some(Ok(f)))) = (this.watch.as_mut(), &frame)
            && f.is_data()
        {
            let waiting = watch
                .waiting
                .get_or_insert_with(|| watch.stalls.register(watch.method, watch.deadline));
            let now = watch.stalls.tick.load(Ordering::Acquire);
            waiting.since.store(now, Ordering::Release);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame left untaken for a whole tick by a call past its deadline is
    /// a stall; one within its deadline, or taken again, is not; ended
    /// answers leave the list.
    #[test]
    fn an_answer_is_stalled_only_when_stuck_past_its_deadline() {
        let t0 = Instant::now();
        let later = t0 + Duration::from_secs(60);
        let stalls = Stalls::default();
        let past = stalls.register("ScoreReview", t0);
        let within = stalls.register("ScoreReviews", later);
        let taken = stalls.register("PushResponseTimes", t0);
        let at = stalls.tick.load(Ordering::Acquire);
        for w in [&past, &within, &taken] {
            w.since.store(at, Ordering::Release);
        }
        // Handed over during this tick: not yet a whole tick untaken.
        assert_eq!(stalls.tick(t0), None);
        taken.since.store(Waiting::NONE, Ordering::Release);
        assert_eq!(stalls.tick(t0), Some("ScoreReview"));
        drop(past);
        // Stuck as long, but its deadline is a minute away.
        assert_eq!(stalls.tick(t0 + Duration::from_secs(5)), None);
        assert_eq!(stalls.tick(later), Some("ScoreReviews"));
        drop(within);
        assert_eq!(stalls.tick(later), None);
        assert_eq!(stalls.answers.lock().unwrap().all.len(), 1);
    }

    /// Between ticks, the answers that ended are dropped as new ones come,
    /// so the list stays near twice the live ones.
    #[test]
    fn ended_answers_do_not_pile_up_between_ticks() {
        let deadline = Instant::now();
        let stalls = Stalls::default();
        let live: Vec<_> = (0..10)
            .map(|_| stalls.register("ScoreReviews", deadline))
            .collect();
        for _ in 0..100_000 {
            drop(stalls.register("ScoreReview", deadline));
        }
        let len = stalls.answers.lock().unwrap().all.len();
        assert!(len <= Stalls::PRUNE_AT_LEAST, "{len} entries");
        assert_eq!(live.len(), 10);
    }
}

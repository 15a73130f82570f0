//! Server-wide limits as one tower layer: a concurrency limit with load
//! shedding for the scorecard services (health and reflection are never
//! shed), deadlines (the server's per-call timeout or the client's
//! `grpc-timeout`, whichever is sooner) answered with DEADLINE_EXCEEDED for
//! whole calls including response streams, and RESOURCE_EXHAUSTED for
//! over-size messages as the gRPC spec asks (tonic answers OUT_OF_RANGE).
//!
//! Not tower's `ConcurrencyLimit` and `LoadShed`: their permit is given
//! back when the response future resolves, that is with the response
//! headers, so a ScoreReviews or PushResponseTimes stream would stop
//! counting while it still streams; they would shed health checks and
//! reflection with the rest (or need one limit per service, each its own
//! count); and a shed call must be logged and counted with its reason
//! (`overloaded`), which `LoadShed`'s `Overloaded` error does not carry to
//! the access log. The semaphore here is tokio's, as in tower; a call
//! costs one `try_acquire` and its release when the answer's body ends.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::Frame;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tonic::body::Body;
use tower::{Layer, Service};

/// The layer; `max_in_flight` calls of the scorecard services at once,
/// each bounded by `timeout`.
#[derive(Clone)]
pub struct LimitsLayer {
    permits: Option<Arc<Semaphore>>,
    max_in_flight: usize,
    timeout: Option<Duration>,
    stream_timeout: Option<Duration>,
    transport: Transport,
}

/// The limits that come from the transport: how long a request body may
/// keep a call waiting, and how many health Watch streams there may be and
/// for how long.
#[derive(Clone)]
struct Transport {
    body_timeout: Option<Duration>,
    watch_permits: Option<Arc<Semaphore>>,
    max_watch: usize,
    watch_timeout: Option<Duration>,
    /// Turns true when the grace period ends: Watch streams are closed.
    closing: Option<watch::Receiver<bool>>,
}

impl LimitsLayer {
    /// `timeout` bounds unary calls, `stream_timeout` the streaming ones
    /// (ScoreReviews, PushResponseTimes), which are long by nature.
    pub fn new(
        max_in_flight: Option<usize>,
        timeout: Option<Duration>,
        stream_timeout: Option<Duration>,
    ) -> Self {
        LimitsLayer {
            permits: max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
            max_in_flight: max_in_flight.unwrap_or(0),
            timeout,
            stream_timeout,
            transport: Transport {
                body_timeout: None,
                watch_permits: None,
                max_watch: 0,
                watch_timeout: None,
                closing: None,
            },
        }
    }

    /// A request body must arrive within `body_timeout` of the headers (a
    /// unary call's whole body; on a stream, each next message); at most
    /// `max_watch` health Watch streams, each ended after `watch_timeout`
    /// or when `closing` turns true.
    pub fn with_transport(
        mut self,
        body_timeout: Option<Duration>,
        max_watch: Option<usize>,
        watch_timeout: Option<Duration>,
        closing: watch::Receiver<bool>,
    ) -> Self {
        self.transport = Transport {
            body_timeout,
            watch_permits: max_watch.map(|n| Arc::new(Semaphore::new(n))),
            max_watch: max_watch.unwrap_or(0),
            watch_timeout,
            closing: Some(closing),
        };
        self
    }
}

impl<S> Layer<S> for LimitsLayer {
    type Service = Limits<S>;
    fn layer(&self, inner: S) -> Limits<S> {
        Limits {
            inner,
            permits: self.permits.clone(),
            max_in_flight: self.max_in_flight,
            timeout: self.timeout,
            stream_timeout: self.stream_timeout,
            transport: self.transport.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Limits<S> {
    inner: S,
    permits: Option<Arc<Semaphore>>,
    max_in_flight: usize,
    timeout: Option<Duration>,
    stream_timeout: Option<Duration>,
    transport: Transport,
}

/// Put in every call's request extensions and set by the call's log when
/// its handler starts: a call that ends without it set was refused before
/// (auth, size, decoding, concurrency, a deadline or a stalled body) and is
/// logged and counted here.
#[derive(Clone, Debug, Default)]
pub struct CallSeen(Arc<AtomicBool>);

impl CallSeen {
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Every method served, by path: the name used in logs and metrics.
const METHODS: [(&str, &str); 10] = [
    ("/scorecard.v1.ScoringService/ScoreReview", "ScoreReview"),
    ("/scorecard.v1.ScoringService/ScoreReviews", "ScoreReviews"),
    (
        "/scorecard.v1.ScoringService/RenderReviewForm",
        "RenderReviewForm",
    ),
    ("/scorecard.v1.RubricService/ListRubrics", "ListRubrics"),
    ("/scorecard.v1.RubricService/GetRubric", "GetRubric"),
    (
        "/scorecard.v1.RubricService/ValidateRubric",
        "ValidateRubric",
    ),
    (
        "/scorecard.v1.TicketStatsService/PushResponseTimes",
        "PushResponseTimes",
    ),
    ("/grpc.health.v1.Health/Check", "Health.Check"),
    (WATCH, "Health.Watch"),
    (
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "ServerReflectionInfo",
    ),
];

const WATCH: &str = "/grpc.health.v1.Health/Watch";

/// The method's name for logs and metrics; never the caller's text.
pub(super) fn method_name(path: &str) -> &'static str {
    METHODS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or("unknown", |(_, name)| name)
}

/// A scorecard call counted in `scorecard_rpc_in_flight` from its headers
/// until its answer ends.
struct InFlight(&'static str);

impl InFlight {
    fn new(method: &'static str) -> Self {
        super::metrics::in_flight(method, 1.0);
        InFlight(method)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        super::metrics::in_flight(self.0, -1.0);
    }
}

/// The access-log line and the refusal counter of a call refused before
/// its handler started.
fn log_refused(method: &'static str, code: tonic::Code, reason: &'static str) {
    // The auth interceptor counts its own refusals.
    if !matches!(reason, "unauthenticated" | "permission_denied") {
        super::metrics::refused(reason);
    }
    tracing::info!(
        method,
        code = super::metrics::code_name(code),
        reason,
        "rpc refused"
    );
}

/// Why a call answered `code` before its handler started; None for a
/// code that is the answer of a service that keeps no call log (health's
/// NOT_FOUND for an unknown service), not a refusal.
fn refusal_reason(
    code: tonic::Code,
    body_timed_out: bool,
    body_failed: bool,
) -> Option<&'static str> {
    use tonic::Code;
    if body_timed_out {
        return Some("body_timeout");
    }
    // The request's bytes stopped coming (a reset, a lost connection):
    // the client gave up, whatever code the answer that no one reads has.
    if body_failed {
        return Some("cancelled");
    }
    match code {
        Code::Unauthenticated => Some("unauthenticated"),
        Code::PermissionDenied => Some("permission_denied"),
        Code::ResourceExhausted => Some("too_large"),
        Code::DeadlineExceeded => Some("deadline"),
        Code::Unimplemented => Some("unimplemented"),
        Code::Cancelled => Some("cancelled"),
        // What a request that does not decode is answered: scorecard's
        // codec says INVALID_ARGUMENT, prost's (health, reflection)
        // INTERNAL.
        Code::InvalidArgument | Code::Internal => Some("decode"),
        _ => None,
    }
}

fn header_code(response: &Response<Body>) -> Option<tonic::Code> {
    let value = response.headers().get("grpc-status")?.to_str().ok()?;
    Some(tonic::Code::from_i32(value.parse().ok()?))
}

/// Put in every call's request extensions and set when the call's deadline
/// ends it, so that the call's log can tell a call ended by its deadline
/// (DEADLINE_EXCEEDED) from one its client gave up (CANCELLED): either way
/// the handler or its response stream is just dropped.
#[derive(Clone, Debug, Default)]
pub struct DeadlinePassed(Arc<AtomicBool>);

impl DeadlinePassed {
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the call's deadline ended it.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// When a call's deadline passes, put in its request extensions for the
/// handlers that check it between items of work.
#[derive(Clone, Copy, Debug)]
pub struct CallDeadline(pub Instant);

impl CallDeadline {
    pub fn passed(&self) -> bool {
        Instant::now() >= self.0
    }
}

/// The scorecard methods whose calls stream.
const STREAMING: [&str; 2] = [
    "/scorecard.v1.ScoringService/ScoreReviews",
    "/scorecard.v1.TicketStatsService/PushResponseTimes",
];

impl<S> Service<Request<Body>> for Limits<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let path = request.uri().path();
        let method = method_name(path);
        let limited = path.starts_with("/scorecard.");
        let is_watch = path == WATCH;
        let streaming = STREAMING.contains(&path);
        // Counted from the headers, before the body has come.
        let in_flight = limited.then(|| InFlight::new(method));
        let permit = match (&self.permits, limited) {
            (Some(permits), true) => match permits.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    log_refused(method, tonic::Code::ResourceExhausted, "overloaded");
                    let status = tonic::Status::resource_exhausted(format!(
                        "server overloaded: {} calls in flight; retry with backoff",
                        self.max_in_flight
                    ));
                    return Box::pin(async move { Ok(status.into_http()) });
                }
            },
            _ => None,
        };
        let watch_permit = match (&self.transport.watch_permits, is_watch) {
            (Some(permits), true) => match permits.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    log_refused(method, tonic::Code::ResourceExhausted, "watch_streams");
                    let status = tonic::Status::resource_exhausted(format!(
                        "{} health Watch streams open; use Health/Check or retry later",
                        self.transport.max_watch
                    ));
                    return Box::pin(async move { Ok(status.into_http()) });
                }
            },
            _ => None,
        };
        let server_budget = if streaming {
            self.stream_timeout
        } else if is_watch {
            self.transport.watch_timeout
        } else {
            self.timeout.filter(|_| limited)
        };
        let budget = match (server_budget, grpc_timeout(request.headers())) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // The timer starts now, before tonic's own grpc-timeout timer
        // (which wraps this service and would answer CANCELLED): ours
        // always fires first.
        let deadline = budget.map(|b| Instant::now() + b);
        let mut sleep = deadline.map(|d| Box::pin(tokio::time::sleep_until(d)));
        let passed = DeadlinePassed::default();
        let seen = CallSeen::default();
        let body_timed_out = Arc::new(AtomicBool::new(false));
        let body_failed = Arc::new(AtomicBool::new(false));
        let mut request = if is_watch {
            request
        } else {
            let limit = self.transport.body_timeout;
            request.map(|body| {
                Body::new(TimedBody {
                    inner: body,
                    limit,
                    // A unary call's whole body; a stream's next message.
                    restart: streaming,
                    sleep: limit.map(|limit| Box::pin(tokio::time::sleep(limit))),
                    timed_out: body_timed_out.clone(),
                    failed: body_failed.clone(),
                })
            })
        };
        if let Some(d) = deadline {
            request.extensions_mut().insert(passed.clone());
            request.extensions_mut().insert(CallDeadline(d));
        }
        request.extensions_mut().insert(seen.clone());
        let closing = match (&self.transport.closing, is_watch) {
            (Some(rx), true) => {
                let mut rx = rx.clone();
                Some(Box::pin(async move {
                    let _ = rx.wait_for(|closing| *closing).await;
                })
                    as Pin<Box<dyn Future<Output = ()> + Send>>)
            }
            _ => None,
        };
        // The clone/swap keeps the service that was polled ready.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let call = inner.call(request);
            let mut response = match sleep.as_mut() {
                None => call.await?,
                Some(timer) => tokio::select! {
                    biased;
                    // An answer ready only after the deadline (work that
                    // held the thread past it) is not sent as OK.
                    response = call => match deadline {
                        Some(d) if Instant::now() >= d => {
                            passed.set();
                            return Ok(deadline_exceeded(budget).into_http());
                        }
                        _ => response?,
                    },
                    // Set before select! drops the call, which logs as it goes.
                    _ = async {
                        timer.as_mut().await;
                        passed.set();
                    } => {
                        if !seen.get() {
                            log_refused(method, tonic::Code::DeadlineExceeded, "deadline");
                        }
                        return Ok(deadline_exceeded(budget).into_http());
                    }
                },
            };
            too_large_is_resource_exhausted(&mut response);
            if !seen.get()
                && !is_watch
                && let Some(code) = header_code(&response)
                && code != tonic::Code::Ok
                && let Some(reason) = refusal_reason(
                    code,
                    body_timed_out.load(Ordering::Relaxed),
                    body_failed.load(Ordering::Relaxed),
                )
            {
                log_refused(method, code, reason);
            }
            // A response stream carries on past this point: the deadline
            // and the concurrency permit go with its body, and the
            // connection (server::transport) learns the deadline, to see
            // an answer stuck past it.
            if let Some(d) = deadline {
                response.extensions_mut().insert(CallDeadline(d));
            }
            Ok(response.map(|body| {
                Body::new(Bounded {
                    inner: body,
                    sleep,
                    budget,
                    passed,
                    closing,
                    _permit: permit,
                    _watch_permit: watch_permit,
                    _in_flight: in_flight,
                    done: false,
                })
            }))
        })
    }
}

/// A request body that fails with DEADLINE_EXCEEDED when the sender stalls:
/// no end of body (unary) or no next frame (stream) within `limit`; and
/// notes when the body itself fails (the client reset the stream or the
/// connection went), so that such a call is not taken for one that did
/// not decode.
struct TimedBody {
    inner: Body,
    limit: Option<Duration>,
    restart: bool,
    sleep: Option<Pin<Box<Sleep>>>,
    timed_out: Arc<AtomicBool>,
    failed: Arc<AtomicBool>,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(frame)) => {
                if frame.is_err() {
                    this.failed.store(true, Ordering::Relaxed);
                }
                if this.restart
                    && let (Some(limit), Some(sleep)) = (this.limit, this.sleep.as_mut())
                {
                    sleep.as_mut().reset(Instant::now() + limit);
                }
                Poll::Ready(Some(frame))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if let Some(sleep) = this.sleep.as_mut()
                    && sleep.as_mut().poll(cx).is_ready()
                {
                    this.timed_out.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(tonic::Status::deadline_exceeded(format!(
                        "the request body did not arrive within {} ms of {}",
                        this.limit.unwrap_or_default().as_millis(),
                        if this.restart {
                            "the previous message"
                        } else {
                            "the headers"
                        }
                    )))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

fn deadline_exceeded(budget: Option<Duration>) -> tonic::Status {
    tonic::Status::deadline_exceeded(format!(
        "deadline of {} ms exceeded",
        budget.unwrap_or_default().as_millis()
    ))
}

/// A response body that ends with DEADLINE_EXCEEDED when its call's
/// deadline passes, and holds the call's concurrency permit until it ends.
struct Bounded {
    inner: Body,
    sleep: Option<Pin<Box<Sleep>>>,
    budget: Option<Duration>,
    passed: DeadlinePassed,
    /// For health Watch streams: ended (UNAVAILABLE) when this turns true.
    closing: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
    _watch_permit: Option<tokio::sync::OwnedSemaphorePermit>,
    _in_flight: Option<InFlight>,
    done: bool,
}

fn trailers(code: &'static str, message: &str) -> Frame<Bytes> {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from_static(code));
    if let Ok(message) = HeaderValue::from_str(message) {
        trailers.insert("grpc-message", message);
    }
    Frame::trailers(trailers)
}

impl http_body::Body for Bounded {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(timer) = this.sleep.as_mut()
            && timer.as_mut().poll(cx).is_ready()
        {
            this.done = true;
            this.passed.set();
            let status = deadline_exceeded(this.budget);
            return Poll::Ready(Some(Ok(trailers("4", status.message()))));
        }
        if let Some(closing) = this.closing.as_mut()
            && closing.as_mut().poll(cx).is_ready()
        {
            this.done = true;
            return Poll::Ready(Some(Ok(trailers("14", "server shutting down"))));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }
}

/// The client's deadline from the `grpc-timeout` header ("100m" = 100 ms).
fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get("grpc-timeout")?.to_str().ok()?;
    if text.len() < 2 || text.len() > 9 {
        return None;
    }
    let (digits, unit) = text.split_at(text.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// tonic answers an over-size request message with OUT_OF_RANGE in a
/// trailers-only response; the gRPC status for it is RESOURCE_EXHAUSTED.
fn too_large_is_resource_exhausted(response: &mut Response<Body>) {
    let headers = response.headers_mut();
    let is_out_of_range = headers.get("grpc-status").is_some_and(|v| v == "11");
    let too_large = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .is_some_and(|m| {
            m.contains("message%20length%20too%20large") || m.contains("message length too large")
        });
    if is_out_of_range && too_large {
        headers.insert("grpc-status", HeaderValue::from_static("8"));
    }
}

/// The same mapping for a status a streaming handler sees mid-stream.
pub fn limit_status(status: tonic::Status) -> tonic::Status {
    if status.code() == tonic::Code::OutOfRange
        && status.message().contains("message length too large")
    {
        tonic::Status::resource_exhausted(status.message().to_string())
    } else {
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_headers_parse_in_every_unit() {
        let parse = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert("grpc-timeout", HeaderValue::from_str(v).unwrap());
            grpc_timeout(&h)
        };
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("10S"), Some(Duration::from_secs(10)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse("9n"), Some(Duration::from_nanos(9)));
        assert_eq!(parse("5x"), None);
        assert_eq!(parse("m"), None);
        assert_eq!(parse("1234567890S"), None, "at most 8 digits");
    }
}

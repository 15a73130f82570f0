//! Server-wide limits as one tower layer: a concurrency limit with load
//! shedding for the scorecard services (health and reflection are never
//! shed), deadlines (the server's per-call timeout or the client's
//! `grpc-timeout`, whichever is sooner) answered with DEADLINE_EXCEEDED for
//! whole calls including response streams, and RESOURCE_EXHAUSTED for
//! over-size messages as the gRPC spec asks (tonic answers OUT_OF_RANGE).

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::Frame;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Semaphore;
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
        }
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

impl<S, B> Service<Request<B>> for Limits<S>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let limited = request.uri().path().starts_with("/scorecard.");
        let permit = match (&self.permits, limited) {
            (Some(permits), true) => match permits.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    super::metrics::refused("overloaded");
                    let status = tonic::Status::resource_exhausted(format!(
                        "server overloaded: {} calls in flight; retry with backoff",
                        self.max_in_flight
                    ));
                    return Box::pin(async move { Ok(status.into_http()) });
                }
            },
            _ => None,
        };
        let server_budget = if STREAMING.contains(&request.uri().path()) {
            self.stream_timeout
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
        if let Some(d) = deadline {
            request.extensions_mut().insert(passed.clone());
            request.extensions_mut().insert(CallDeadline(d));
        }
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
                    } => return Ok(deadline_exceeded(budget).into_http()),
                },
            };
            too_large_is_resource_exhausted(&mut response);
            // A response stream carries on past this point: the deadline
            // and the concurrency permit go with its body.
            Ok(response.map(|body| {
                Body::new(Bounded {
                    inner: body,
                    sleep,
                    budget,
                    passed,
                    _permit: permit,
                    done: false,
                })
            }))
        })
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
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
    done: bool,
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
            let mut trailers = HeaderMap::new();
            trailers.insert("grpc-status", HeaderValue::from_static("4"));
            if let Ok(message) = HeaderValue::from_str(status.message()) {
                trailers.insert("grpc-message", message);
            }
            return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
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

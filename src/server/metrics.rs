//! Prometheus metrics, served as text on `--metrics-listen` at `/metrics`.
//! One process-wide recorder; every RPC is counted from the call logs.
//!
//! The per-call series (requests by method and code, durations and calls
//! in flight by method, reviews scored) are registered once and kept as
//! handles: a call then costs a few atomic additions, not a label vector,
//! a hash and a registry lookup per series. Without the recorder (no
//! `--metrics-listen`) nothing is recorded at all.

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tonic::Code;

/// Every method a call can be counted under (the names the call logs and
/// the limits layer use).
const METHODS: [&str; 11] = [
    "ScoreReview",
    "ScoreReviews",
    "RenderReviewForm",
    "ListRubrics",
    "GetRubric",
    "ValidateRubric",
    "PushResponseTimes",
    "Health.Check",
    "Health.Watch",
    "ServerReflectionInfo",
    "unknown",
];

/// Every gRPC code, in the order of their numbers.
const CODES: usize = 17;

/// Set once this process's recorder is installed: until then (and
/// without `--metrics-listen`) the per-call series are not recorded.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The per-call series of one method, registered on first use.
struct MethodSeries {
    requests: [OnceLock<Counter>; CODES],
    duration: OnceLock<Histogram>,
    in_flight: OnceLock<Gauge>,
}

static SERIES: [MethodSeries; METHODS.len()] = [const {
    MethodSeries {
        requests: [const { OnceLock::new() }; CODES],
        duration: OnceLock::new(),
        in_flight: OnceLock::new(),
    }
}; METHODS.len()];

static REVIEWS_OK: OnceLock<Counter> = OnceLock::new();
static REVIEWS_FAILED: OnceLock<Counter> = OnceLock::new();

/// The series of `method`, when the recorder is installed and the method
/// is one of [`METHODS`].
fn series(method: &str) -> Option<&'static MethodSeries> {
    if !INSTALLED.load(Ordering::Relaxed) {
        return None;
    }
    let i = METHODS.iter().position(|m| *m == method)?;
    Some(&SERIES[i])
}

/// Latency buckets in seconds: 50 µs to 10 s.
const BUCKETS: [f64; 14] = [
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 10.0,
];

/// The process-wide recorder's handle; `None` if another recorder was
/// installed first (then metrics are not exported).
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .ok()?
                .install_recorder()
                .ok()?;
            INSTALLED.store(true, Ordering::Relaxed);
            gauge!("scorecard_build_info", "version" => crate::VERSION).set(1.0);
            Some(handle)
        })
        .as_ref()
}

/// The exposition text, as `/metrics` serves it.
pub fn render() -> String {
    handle().map(PrometheusHandle::render).unwrap_or_default()
}

/// Kept for the call logs; `in_flight` is counted from a call's headers
/// by the limits layer (see [`in_flight`]).
pub fn call_started(_method: &'static str) {}

pub fn call_finished(method: &'static str, code: Code, elapsed: Duration) {
    let Some(series) = series(method) else {
        if INSTALLED.load(Ordering::Relaxed) {
            counter!("scorecard_rpc_requests_total", "method" => method, "code" => code_name(code))
                .increment(1);
            histogram!("scorecard_rpc_duration_seconds", "method" => method)
                .record(elapsed.as_secs_f64());
        }
        return;
    };
    let code_index = (code as usize).min(CODES - 1);
    series.requests[code_index]
        .get_or_init(|| {
            counter!("scorecard_rpc_requests_total", "method" => method, "code" => code_name(code))
        })
        .increment(1);
    series
        .duration
        .get_or_init(|| histogram!("scorecard_rpc_duration_seconds", "method" => method))
        .record(elapsed.as_secs_f64());
}

pub fn reviews_scored(ok: u64, failed: u64) {
    if !INSTALLED.load(Ordering::Relaxed) {
        return;
    }
    REVIEWS_OK
        .get_or_init(|| counter!("scorecard_reviews_scored_total", "outcome" => "ok"))
        .increment(ok);
    REVIEWS_FAILED
        .get_or_init(|| counter!("scorecard_reviews_scored_total", "outcome" => "error"))
        .increment(failed);
}

/// The records of one finished push, accepted and rejected.
pub fn ticket_records(accepted: u64, rejected: u64) {
    if !INSTALLED.load(Ordering::Relaxed) {
        return;
    }
    counter!("scorecard_ticket_records_total", "outcome" => "accepted").increment(accepted);
    counter!("scorecard_ticket_records_total", "outcome" => "rejected").increment(rejected);
}

/// A call refused before it reached a service (auth, load shedding).
pub fn refused(reason: &'static str) {
    counter!("scorecard_calls_refused_total", "reason" => reason).increment(1);
}

pub(crate) fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// Serves `/metrics` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Ended with the server, below.
    let upkeep = handle().map(|handle| {
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(UPKEEP_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        })
    });
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(|| async {
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; version=0.0.4",
                )],
                render(),
            )
        }),
    );
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    if let Some(task) = upkeep {
        task.abort();
    }
    served
}

/// A connection closed before it could carry a call: over the cap on open
/// connections, or no TLS handshake or HTTP/2 preface in time.
pub fn connection_refused(reason: &'static str) {
    counter!("scorecard_connections_refused_total", "reason" => reason).increment(1);
}

pub fn connection_opened() {
    gauge!("scorecard_connections_open").increment(1.0);
}

pub fn connection_closed() {
    gauge!("scorecard_connections_open").decrement(1.0);
}

/// A connection sent GOAWAY after `--idle-timeout` without a call.
pub fn connection_idle_closed() {
    counter!("scorecard_connections_idle_closed_total").increment(1);
}

/// A connection closed because an answer waited past its call's deadline
/// for the client to take it.
pub fn connection_stalled_closed() {
    counter!("scorecard_connections_stalled_closed_total").increment(1);
}

/// A call counted from its headers until its answer ends.
pub fn in_flight(method: &'static str, delta: f64) {
    match series(method) {
        Some(series) => series
            .in_flight
            .get_or_init(|| gauge!("scorecard_rpc_in_flight", "method" => method))
            .increment(delta),
        None if INSTALLED.load(Ordering::Relaxed) => {
            gauge!("scorecard_rpc_in_flight", "method" => method).increment(delta)
        }
        None => {}
    }
}

/// How often histogram samples are folded into their buckets between
/// scrapes: without it they pile up in memory until the next scrape.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

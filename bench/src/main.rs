//! `scorecard-bench`: a load generator for ScoreReview, ScoreReviews and
//! PushResponseTimes, always measured against a baseline in the same run.
//!
//! The baseline ([`baseline`]) serves the same methods with prepared answers
//! of the same encoded size and does no scoring; throughput ÷ baseline
//! throughput is what scoring costs on top of the transport, on the same
//! machine at the same moment. Rounds alternate target and baseline, and the
//! medians of the per-round figures are printed last.
//!
//! Servers: `--server URL` drives a running scorecard; otherwise the tool
//! starts one. By default both scorecard and the baseline run as child
//! processes (the `scorecard` binary built beside this one, `scorecard serve …`,
//! and this binary with a hidden `--serve-baseline …`), so the server's resident memory is
//! its own, and both servers are set up alike; `--spawn in-process` serves
//! both inside this process instead (resident memory then includes the load
//! generator). Everything listens on 127.0.0.1 only and every phase is
//! bounded in time.
//!
//! The client sends pre-encoded requests and decodes only the few answer
//! fields it checks, so that its own cost on the shared cores stays small.

mod baseline;
mod worst;

use clap::{Parser, ValueEnum};
use prost::Message;
use prost::bytes::{Buf, BufMut, Bytes};
use scorecard::api::{json, pb, tickets};
use scorecard::cli::parse_duration;
use scorecard_core::rubric::Registry;
use scorecard_core::tickets::Aggregator;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Settings of `scorecard-bench`.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "scorecard-bench",
    version,
    about = "Load-tests scorecard against a no-scoring baseline of the same answer sizes, in the same run."
)]
pub struct BenchArgs {
    /// A running scorecard server to drive; one is started when absent.
    #[arg(long)]
    pub server: Option<String>,
    /// The scorecard binary to start as a child; the one built beside
    /// this binary when absent (`cargo build --release` builds both).
    #[arg(long)]
    pub scorecard_bin: Option<std::path::PathBuf>,
    /// How the servers this tool starts are run.
    #[arg(long, value_enum, default_value = "child")]
    pub spawn: Spawn,
    /// Log level of a scorecard child server (its RUST_LOG); `info` is what
    /// production runs (one line per call), `warn` leaves logging out.
    #[arg(long, default_value = "info")]
    pub server_log: String,
    /// Methods to drive.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "unary,stream,push"
    )]
    pub scenarios: Vec<Scenario>,
    /// HTTP/2 connections per phase.
    #[arg(short = 'c', long, default_value_t = 4)]
    pub connections: usize,
    /// Concurrent calls per connection (unary), or concurrent streams per
    /// connection (stream, push).
    #[arg(short = 's', long, default_value_t = 64)]
    pub concurrency: usize,
    /// Reviews in flight on each ScoreReviews stream.
    #[arg(long, default_value_t = 64)]
    pub window: usize,
    /// Ticket records per PushResponseTimes message.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Ticket records per PushResponseTimes call.
    #[arg(long, default_value_t = 100_000)]
    pub records_per_call: usize,
    /// Length of each measured phase, e.g. "5s".
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Unmeasured load before each phase.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub warmup: Duration,
    /// Rounds of (scorecard, baseline) per scenario; medians are reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Locale of the reviews sent (the worked example otherwise).
    #[arg(long)]
    pub locale: Option<String>,
    /// Answer view the reviews ask for; the baseline's answers are sized
    /// to match.
    #[arg(long, value_enum, default_value = "full")]
    pub view: ViewArg,
    /// The ScoreReview request sent: the worked example, the largest
    /// valid inline rubric, or the worked example filled with valueless
    /// submissions up to --request-bytes.
    #[arg(long, value_enum, default_value = "worked-example")]
    pub request: RequestArg,
    /// Encoded size a `filled` request is brought up to.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub request_bytes: usize,
    /// Exit 0 even when calls failed.
    #[arg(long)]
    pub allow_errors: bool,
    /// Write the ScoreReview request of this locale and view as a gRPC
    /// frame (5-byte prefix + message) to this file, for an external load
    /// generator such as h2load, print the encoded size of its answer, and
    /// exit.
    #[arg(long)]
    pub write_request_frame: Option<std::path::PathBuf>,
    /// Serve the echo baseline on this loopback address (answers of
    /// --baseline-review-bytes and --baseline-push-bytes); the load
    /// generator starts it as a child.
    #[arg(long)]
    pub serve_baseline: Option<SocketAddr>,
    /// Encoded size of the baseline's review answer.
    #[arg(long, default_value_t = 0)]
    pub baseline_review_bytes: usize,
    /// Encoded size of the baseline's push answer.
    #[arg(long, default_value_t = 0)]
    pub baseline_push_bytes: usize,
    /// The baseline exits after this long, whatever happens.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    pub baseline_lifetime: Duration,
}

impl Default for BenchArgs {
    fn default() -> Self {
        Self {
            server: None,
            scorecard_bin: None,
            spawn: Spawn::Child,
            server_log: "info".into(),
            scenarios: vec![Scenario::Unary, Scenario::Stream, Scenario::Push],
            connections: 4,
            concurrency: 64,
            window: 64,
            batch: 1000,
            records_per_call: 100_000,
            duration: Duration::from_secs(5),
            warmup: Duration::from_secs(1),
            rounds: 3,
            locale: None,
            view: ViewArg::Full,
            allow_errors: false,
            request: RequestArg::WorkedExample,
            request_bytes: 1024 * 1024,
            write_request_frame: None,
            serve_baseline: None,
            baseline_review_bytes: 0,
            baseline_push_bytes: 0,
            baseline_lifetime: Duration::from_secs(3600),
        }
    }
}

/// `ScoreReviewView` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    Full,
    Summary,
}

/// The ScoreReview request the unary and stream scenarios send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestArg {
    WorkedExample,
    LargestInline,
    Filled,
}

/// Where the servers the tool starts run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Spawn {
    /// Child processes of this binary (own memory, own runtime).
    Child,
    /// Inside this process, sharing its runtime with the load generator.
    InProcess,
}

/// A method to drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// ScoreReview, one review per call.
    Unary,
    /// ScoreReviews, many reviews per stream.
    Stream,
    /// PushResponseTimes, ticket records in batches.
    Push,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Unary => "ScoreReview",
            Scenario::Stream => "ScoreReviews",
            Scenario::Push => "PushResponseTimes",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Scenario::Unary | Scenario::Stream => "reviews",
            Scenario::Push => "records",
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(BenchArgs::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the load generator (or, with the hidden `--serve-baseline`, the
/// baseline server of a parent load generator).
async fn run(args: BenchArgs) -> Result<ExitCode, BoxError> {
    if let Some(addr) = args.serve_baseline {
        return serve_baseline_child(addr, &args).await;
    }
    if let Some(path) = &args.write_request_frame {
        let request = worked_example(&args)?;
        let (_, answer) =
            scorecard::server::scoring::score_one(&Registry::with_builtin(), request.clone());
        let answer = answer.map_err(|e| format!("the worked example does not score: {e}"))?;
        let message = request.encode_to_vec();
        let mut frame = vec![0u8];
        frame.extend_from_slice(&u32::try_from(message.len())?.to_be_bytes());
        frame.extend_from_slice(&message);
        std::fs::write(path, frame).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", answer.as_slice().len());
        return Ok(ExitCode::SUCCESS);
    }
    let report = measure(&args).await?;
    print!("{}", report.render(&args));
    let errors = report.total_errors();
    if errors > 0 && !args.allow_errors {
        eprintln!("error: {errors} calls or answers failed (use --allow-errors to accept)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

// ------------------------------------------------------------- workload

/// What the client sends, encoded once.
struct Workload {
    review: Bytes,
    stream_item: Bytes,
    push_messages: Vec<Bytes>,
    push_records: u64,
    /// Encoded size of scorecard's answer to `review` and to a push call.
    review_answer_len: usize,
    push_answer_len: usize,
    review_id: String,
}

fn worked_example(args: &BenchArgs) -> Result<pb::ScoreReviewRequest, BoxError> {
    let text = include_str!("../../examples/worked-example.json");
    let mut request: pb::ScoreReviewRequest =
        json::from_json("scorecard.v1.ScoreReviewRequest", text)?;
    if let Some(locale) = &args.locale {
        request.locale = locale.clone();
    }
    request.view = match args.view {
        ViewArg::Full => pb::ScoreReviewView::Unspecified,
        ViewArg::Summary => pb::ScoreReviewView::Summary,
    } as i32;
    Ok(match args.request {
        RequestArg::WorkedExample => request,
        RequestArg::LargestInline => worst::largest_inline(&request)?,
        RequestArg::Filled => worst::filled(&request, args.request_bytes),
    })
}

/// 2026-10-01T00:00:00Z and 2026-11-01T00:00:00Z.
const PERIOD: (i64, i64) = (1_790_812_800, 1_793_491_200);
const EMPLOYEES: usize = 200;

fn ts(seconds: i64) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds, nanos: 0 }
}

fn push_options() -> pb::PushOptions {
    pb::PushOptions {
        period_start_time: Some(ts(PERIOD.0)),
        period_end_time: Some(ts(PERIOD.1)),
        period_label: "2026-10".into(),
        ..Default::default()
    }
}

/// Deterministic records with distinct ids spread over the period.
fn push_record(i: usize) -> pb::TicketRecord {
    let n = i as i64;
    let created = PERIOD.0 + (n * 7919) % (PERIOD.1 - PERIOD.0 - 3 * 86_400);
    pb::TicketRecord {
        ticket_id: format!("T{i:09}"),
        employee_id: format!("e{:04}", i % EMPLOYEES),
        created_time: Some(ts(created)),
        first_response_time: (!i.is_multiple_of(10)).then(|| ts(created + 60 + (n * 131) % 7200)),
        resolved_time: (i.is_multiple_of(3)).then(|| ts(created + 600 + (n * 977) % 172_800)),
        priority: String::new(),
        complaint: i.is_multiple_of(7),
        complex: i.is_multiple_of(5),
        cross_department: i.is_multiple_of(4),
        resolved_on_first_contact: i.is_multiple_of(6),
        ..Default::default()
    }
}

impl Workload {
    fn new(args: &BenchArgs) -> Result<Self, BoxError> {
        let request = worked_example(args)?;
        // Answer sizes come from scoring the same input here, so the
        // baseline's answers match scorecard's whatever server is driven.
        let registry = Registry::with_builtin();
        let (_, answer) = scorecard::server::scoring::score_one(&registry, request.clone());
        let answer = answer.map_err(|e| format!("the worked example does not score: {e}"))?;

        let batch = args.batch.max(1);
        let total = args.records_per_call.max(1);
        let mut push_messages = vec![
            pb::PushResponseTimesRequest {
                payload: Some(pb::push_response_times_request::Payload::Options(
                    push_options(),
                )),
            }
            .encode_to_vec()
            .into(),
        ];
        // The built-in rubric's 15-minute limit, as the server applies it.
        let options = tickets::options(&push_options(), jiff::SignedDuration::from_mins(15))
            .map_err(|v| format!("push options: {v:?}"))?;
        let mut aggregator = Aggregator::new(options);
        let mut start = 0;
        while start < total {
            let end = (start + batch).min(total);
            let records: Vec<pb::TicketRecord> = (start..end).map(push_record).collect();
            for (i, r) in records.iter().enumerate() {
                match tickets::record(r.clone()) {
                    Ok(r) => aggregator.push((start + i) as u64, r),
                    Err((id, reason)) => aggregator.reject((start + i) as u64, id, reason),
                }
            }
            push_messages.push(
                pb::PushResponseTimesRequest {
                    payload: Some(pb::push_response_times_request::Payload::Batch(
                        pb::TicketBatch { records },
                    )),
                }
                .encode_to_vec()
                .into(),
            );
            start = end;
        }
        let push_answer = tickets::response(&aggregator.finish(), "2026-10");
        Ok(Self {
            stream_item: pb::ScoreReviewsRequest {
                review: Some(request.clone()),
            }
            .encode_to_vec()
            .into(),
            review: request.encode_to_vec().into(),
            push_messages,
            push_records: total as u64,
            review_answer_len: answer.encoded_len(),
            push_answer_len: push_answer.encoded_len(),
            review_id: request.review_id,
        })
    }

    fn baseline_answers(&self) -> baseline::Answers {
        baseline::Answers::sized(
            &self.review_id,
            self.review_answer_len,
            self.push_answer_len,
        )
    }
}

// ---------------------------------------------------------------- codec

/// Sends pre-encoded messages and decodes answers as `D`, a message that
/// names only the fields the generator checks (prost skips the others).
struct RawCodec<D>(PhantomData<D>);

impl<D> Default for RawCodec<D> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

struct RawEncoder;
struct HeadDecoder<D>(PhantomData<D>);

impl<D: Message + Default + Send + 'static> Codec for RawCodec<D> {
    type Encode = Bytes;
    type Decode = D;
    type Encoder = RawEncoder;
    type Decoder = HeadDecoder<D>;

    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }

    fn decoder(&mut self) -> HeadDecoder<D> {
        HeadDecoder(PhantomData)
    }
}

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl<D: Message + Default> Decoder for HeadDecoder<D> {
    type Item = D;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<D>, Status> {
        let answer = D::decode(&mut *src).map_err(|e| Status::internal(e.to_string()))?;
        src.advance(src.remaining());
        Ok(Some(answer))
    }
}

/// ScoreReviewResponse, only its review id.
#[derive(Clone, PartialEq, Message)]
struct ReviewHead {
    #[prost(string, tag = "1")]
    review_id: String,
}

/// ScoreReviewsResponse: index, and which outcome it carries.
#[derive(Clone, PartialEq, Message)]
struct StreamHead {
    #[prost(uint64, tag = "2")]
    index: u64,
    /// The result, left encoded.
    #[prost(bytes = "bytes", optional, tag = "3")]
    result: Option<Bytes>,
    #[prost(bytes = "bytes", optional, tag = "4")]
    error: Option<Bytes>,
}

/// PushResponseTimesResponse, only its record counts.
#[derive(Clone, PartialEq, Message)]
struct PushHead {
    #[prost(uint64, tag = "2")]
    accepted_record_count: u64,
    #[prost(uint64, tag = "3")]
    rejected_record_count: u64,
}

const SCORE_REVIEW: &str = "/scorecard.v1.ScoringService/ScoreReview";
const SCORE_REVIEWS: &str = "/scorecard.v1.ScoringService/ScoreReviews";
const PUSH: &str = "/scorecard.v1.TicketStatsService/PushResponseTimes";

/// No single call may take longer than this; a slower one is an error.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

// ------------------------------------------------------------- counting

/// What one phase sent and got back.
#[derive(Debug, Default)]
struct Counters {
    /// Calls (unary), reviews (stream) or records (push) sent.
    sent: AtomicU64,
    /// Good answers received, in the same unit.
    received: AtomicU64,
    /// Failed calls or answers, in the same unit.
    errors: AtomicU64,
    /// Calls completed (push: one per call of many records).
    calls: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
}

impl Counters {
    fn error(&self, n: u64, what: String) {
        self.errors.fetch_add(n, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock() {
            first.get_or_insert(what);
        }
    }
}

/// The figures of one phase against one server.
#[derive(Debug, Clone, Default)]
pub struct PhaseResult {
    pub sent: u64,
    pub received: u64,
    pub errors: u64,
    pub calls: u64,
    pub elapsed: Duration,
    /// Per-unit (review or call) latencies, sorted, in microseconds.
    latencies_us: Vec<u32>,
    pub first_error: Option<String>,
}

impl PhaseResult {
    /// Good answers per second.
    pub fn throughput(&self) -> f64 {
        self.received as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Latency at percentile `p` (0-100), nearest rank.
    pub fn latency(&self, p: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        let n = self.latencies_us.len();
        let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
        Duration::from_micros(u64::from(self.latencies_us[rank.min(n) - 1]))
    }
}

/// Lets tasks record latencies without sharing a lock per call.
type Latencies = Vec<u32>;

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------- phases

async fn connect(url: &str) -> Result<Channel, BoxError> {
    let channel = tonic::transport::Endpoint::from_shared(url.to_string())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect()
        .await
        .map_err(|e| format!("cannot connect to {url}: {e}"))?;
    Ok(channel)
}

/// Drives one scenario against `url` for `duration` (after `warmup`).
async fn phase(
    url: &str,
    scenario: Scenario,
    args: &BenchArgs,
    work: &Arc<Workload>,
    duration: Duration,
) -> Result<PhaseResult, BoxError> {
    let mut channels = Vec::new();
    for _ in 0..args.connections.max(1) {
        channels.push(connect(url).await?);
    }
    let counters = Arc::new(Counters::default());
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for channel in &channels {
        for _ in 0..args.concurrency.max(1) {
            let channel = channel.clone();
            let counters = counters.clone();
            let work = work.clone();
            let window = args.window.max(1);
            tasks.spawn(async move {
                match scenario {
                    Scenario::Unary => unary_loop(channel, &work, &counters, deadline).await,
                    Scenario::Stream => {
                        stream_loop(channel, &work, &counters, deadline, window).await
                    }
                    Scenario::Push => push_loop(channel, &work, &counters, deadline).await,
                }
            });
        }
    }
    let mut latencies = Vec::new();
    // Every task stops sending at the deadline; in-flight calls are bounded
    // by CALL_TIMEOUT, and the whole drain by twice that.
    let drained = tokio::time::timeout(duration + 2 * CALL_TIMEOUT, async {
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(mut l) => latencies.append(&mut l),
                Err(e) => counters.error(1, format!("load task failed: {e}")),
            }
        }
    })
    .await;
    if drained.is_err() {
        tasks.abort_all();
        counters.error(1, "the phase did not drain in time".into());
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let first_error = counters.first_error.lock().ok().and_then(|f| f.clone());
    Ok(PhaseResult {
        sent: counters.sent.load(Ordering::Relaxed),
        received: counters.received.load(Ordering::Relaxed),
        errors: counters.errors.load(Ordering::Relaxed),
        calls: counters.calls.load(Ordering::Relaxed),
        elapsed,
        latencies_us: latencies,
        first_error,
    })
}

async fn unary_loop(
    channel: Channel,
    work: &Workload,
    counters: &Counters,
    deadline: Instant,
) -> Latencies {
    let mut latencies = Vec::new();
    let mut grpc = tonic::client::Grpc::new(channel);
    let path = PathAndQuery::from_static(SCORE_REVIEW);
    while Instant::now() < deadline {
        if let Err(e) = grpc.ready().await {
            counters.error(1, format!("channel not ready: {e}"));
            break;
        }
        counters.sent.fetch_add(1, Ordering::Relaxed);
        let sent_at = Instant::now();
        let call = grpc.unary(
            tonic::Request::new(work.review.clone()),
            path.clone(),
            RawCodec::<ReviewHead>::default(),
        );
        let outcome = tokio::time::timeout(CALL_TIMEOUT, call).await;
        latencies.push(micros(sent_at.elapsed()));
        counters.calls.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(Ok(answer)) if answer.get_ref().review_id == work.review_id => {
                counters.received.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Ok(answer)) => counters.error(
                1,
                format!(
                    "answer for review \"{}\", expected \"{}\"",
                    answer.get_ref().review_id,
                    work.review_id
                ),
            ),
            Ok(Err(status)) => {
                counters.error(1, format!("{:?}: {}", status.code(), status.message()))
            }
            Err(_) => counters.error(1, "call timed out".into()),
        }
    }
    latencies
}

async fn stream_loop(
    channel: Channel,
    work: &Workload,
    counters: &Counters,
    deadline: Instant,
    window: usize,
) -> Latencies {
    let mut latencies = Vec::new();
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(e) = grpc.ready().await {
        counters.error(1, format!("channel not ready: {e}"));
        return latencies;
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(window);
    // Send times travel beside the reviews; answers come back in order.
    let (times_tx, mut times_rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let permits = Arc::new(tokio::sync::Semaphore::new(window));
    let sender = {
        let permits = permits.clone();
        let item = work.stream_item.clone();
        async move {
            let mut sent = 0u64;
            while Instant::now() < deadline {
                // Bounded by the deadline: a failed call returns no permits.
                let acquired = tokio::time::timeout_at(deadline.into(), permits.acquire()).await;
                let Ok(Ok(permit)) = acquired else {
                    break;
                };
                permit.forget();
                if times_tx.send(Instant::now()).is_err() || tx.send(item.clone()).await.is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        }
    };
    let call = async {
        let response = grpc
            .streaming(
                tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx)),
                PathAndQuery::from_static(SCORE_REVIEWS),
                RawCodec::<StreamHead>::default(),
            )
            .await?;
        let mut inbound = response.into_inner();
        let mut expected = 0u64;
        let mut bad = 0u64;
        while let Some(answer) = inbound.message().await? {
            if let Some(sent_at) = times_rx.recv().await {
                latencies.push(micros(sent_at.elapsed()));
            }
            permits.add_permits(1);
            if answer.index != expected {
                bad += 1;
                counters.error(
                    1,
                    format!("answer index {} where {expected} was due", answer.index),
                );
            } else if answer.result.is_some() {
                counters.received.fetch_add(1, Ordering::Relaxed);
            } else {
                bad += 1;
                let what = if answer.error.is_some() {
                    "an error"
                } else {
                    "no outcome"
                };
                counters.error(1, format!("review {} answered with {what}", answer.index));
            }
            expected += 1;
        }
        Ok::<(u64, u64), Status>((expected, bad))
    };
    let (sent, answered) = tokio::join!(
        sender,
        tokio::time::timeout(
            deadline.saturating_duration_since(Instant::now()) + CALL_TIMEOUT,
            call
        )
    );
    counters.sent.fetch_add(sent, Ordering::Relaxed);
    counters.calls.fetch_add(1, Ordering::Relaxed);
    match answered {
        Ok(Ok((count, _))) if count == sent => {}
        Ok(Ok((count, _))) => counters.error(
            sent.saturating_sub(count),
            format!("{sent} reviews sent on a stream, {count} answered"),
        ),
        Ok(Err(status)) => counters.error(
            1,
            format!("stream failed: {:?}: {}", status.code(), status.message()),
        ),
        Err(_) => counters.error(1, "stream timed out".into()),
    }
    latencies
}

async fn push_loop(
    channel: Channel,
    work: &Workload,
    counters: &Counters,
    deadline: Instant,
) -> Latencies {
    let mut latencies = Vec::new();
    let mut grpc = tonic::client::Grpc::new(channel);
    let path = PathAndQuery::from_static(PUSH);
    while Instant::now() < deadline {
        if let Err(e) = grpc.ready().await {
            counters.error(1, format!("channel not ready: {e}"));
            break;
        }
        let records = work.push_records;
        counters.sent.fetch_add(records, Ordering::Relaxed);
        let sent_at = Instant::now();
        let messages = tokio_stream::iter(work.push_messages.clone());
        let call = grpc.client_streaming(
            tonic::Request::new(messages),
            path.clone(),
            RawCodec::<PushHead>::default(),
        );
        let outcome = tokio::time::timeout(CALL_TIMEOUT, call).await;
        latencies.push(micros(sent_at.elapsed()));
        counters.calls.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(Ok(answer)) => {
                let a = answer.get_ref();
                let counted = a.accepted_record_count + a.rejected_record_count;
                if counted == records {
                    counters.received.fetch_add(records, Ordering::Relaxed);
                } else {
                    counters
                        .received
                        .fetch_add(counted.min(records), Ordering::Relaxed);
                    counters.error(
                        records.saturating_sub(counted),
                        format!("{records} records sent, the answer counts {counted}"),
                    );
                }
            }
            Ok(Err(status)) => counters.error(
                records,
                format!("{:?}: {}", status.code(), status.message()),
            ),
            Err(_) => counters.error(records, "call timed out".into()),
        }
    }
    latencies
}

// --------------------------------------------------------------- servers

/// A server this tool started: in this process or a child.
struct Started {
    url: String,
    child: Option<tokio::process::Child>,
    _in_process: Option<InProcess>,
}

/// Held only to keep an in-process server running: dropping it stops it.
enum InProcess {
    Scorecard {
        _stop: tokio::sync::oneshot::Sender<()>,
    },
    Baseline {
        _running: baseline::Running,
    },
}

impl Started {
    /// Resident memory now and at its peak, in KiB, of the server process.
    fn memory(&self) -> Option<(u64, u64)> {
        let path = match self.child.as_ref().and_then(|c| c.id()) {
            Some(pid) => format!("/proc/{pid}/status"),
            None => "/proc/self/status".to_string(),
        };
        let status = std::fs::read_to_string(path).ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        Some((field("VmRSS:")?, field("VmHWM:")?))
    }

    async fn stop(mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
            let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
        }
    }
}

/// A free port on 127.0.0.1 for a child to bind (released just before).
fn free_port() -> Result<SocketAddr, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// Waits until a server answers TCP connections and gRPC, at most 10 s.
async fn wait_ready(url: &str, child: &mut Option<tokio::process::Child>) -> Result<(), BoxError> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(c) = child.as_mut()
            && let Ok(Some(status)) = c.try_wait()
        {
            return Err(format!("the server child exited early: {status}").into());
        }
        if connect(url).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > until {
            return Err(format!("{url} did not come up within 10 s").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The scorecard binary: `--scorecard-bin`, else the one beside this
/// binary.
fn scorecard_bin(args: &BenchArgs) -> Result<std::path::PathBuf, BoxError> {
    if let Some(path) = &args.scorecard_bin {
        return Ok(path.clone());
    }
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(format!("scorecard{}", std::env::consts::EXE_SUFFIX));
    if beside.is_file() {
        Ok(beside)
    } else {
        Err(format!(
            "no scorecard binary at {}: build it (cargo build --release) or name one with --scorecard-bin",
            beside.display()
        )
        .into())
    }
}

fn spawn_child(
    exe: &std::path::Path,
    args: &[String],
    log: &str,
) -> Result<tokio::process::Child, BoxError> {
    let child = tokio::process::Command::new(exe)
        .args(args)
        .env("RUST_LOG", log)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    Ok(child)
}

/// The concurrency limit of the server under load: above the load's calls
/// in flight (4 connections × 64 by default), so that none is shed. The
/// service's default (64) is sized for a container's memory, not for a
/// throughput measurement.
const LOAD_MAX_CONCURRENT_CALLS: usize = 1024;

async fn start_scorecard(args: &BenchArgs) -> Result<Started, BoxError> {
    match args.spawn {
        Spawn::InProcess => {
            let incoming = scorecard::server::bind("127.0.0.1:0".parse()?)?;
            let addr = incoming.local_addr()?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(async move {
                let result = scorecard::server::serve(
                    Arc::new(Registry::with_builtin()),
                    incoming,
                    scorecard::server::ServeOptions {
                        max_concurrent_calls: Some(LOAD_MAX_CONCURRENT_CALLS),
                        ..scorecard::server::ServeOptions::default()
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await;
                if let Err(e) = result {
                    eprintln!("scorecard server stopped: {e}");
                }
            });
            let url = format!("http://{addr}");
            wait_ready(&url, &mut None).await?;
            Ok(Started {
                url,
                child: None,
                _in_process: Some(InProcess::Scorecard { _stop: stop }),
            })
        }
        Spawn::Child => {
            let addr = free_port()?;
            let mut child = Some(spawn_child(
                &scorecard_bin(args)?,
                // No metrics listener: the default (0.0.0.0:9090) could be
                // taken, and the bench measures scoring, not scrapes.
                &[
                    "serve".into(),
                    "--listen".into(),
                    addr.to_string(),
                    "--metrics-listen".into(),
                    "off".into(),
                    "--max-concurrent-calls".into(),
                    LOAD_MAX_CONCURRENT_CALLS.to_string(),
                ],
                &args.server_log,
            )?);
            let url = format!("http://{addr}");
            wait_ready(&url, &mut child).await?;
            Ok(Started {
                url,
                child,
                _in_process: None,
            })
        }
    }
}

async fn start_baseline(args: &BenchArgs, answers: baseline::Answers) -> Result<Started, BoxError> {
    match args.spawn {
        Spawn::InProcess => {
            let running = baseline::start("127.0.0.1:0".parse()?, answers).await?;
            let url = format!("http://{}", running.addr);
            wait_ready(&url, &mut None).await?;
            Ok(Started {
                url,
                child: None,
                _in_process: Some(InProcess::Baseline { _running: running }),
            })
        }
        Spawn::Child => {
            let addr = free_port()?;
            // The child ends on its own after the longest this run can take.
            let lifetime = (args.warmup + args.duration + 2 * CALL_TIMEOUT)
                * 2
                * (args.rounds.max(1) * args.scenarios.len().max(1)) as u32
                + Duration::from_secs(60);
            let mut child = Some(spawn_child(
                &std::env::current_exe()?,
                &[
                    "--serve-baseline".into(),
                    addr.to_string(),
                    "--baseline-review-bytes".into(),
                    answers.review_len().to_string(),
                    "--baseline-push-bytes".into(),
                    answers.push_len().to_string(),
                    "--baseline-lifetime".into(),
                    format!("{}s", lifetime.as_secs()),
                ],
                "warn",
            )?);
            let url = format!("http://{addr}");
            wait_ready(&url, &mut child).await?;
            Ok(Started {
                url,
                child,
                _in_process: None,
            })
        }
    }
}

async fn serve_baseline_child(addr: SocketAddr, args: &BenchArgs) -> Result<ExitCode, BoxError> {
    if !addr.ip().is_loopback() {
        return Err(format!("the baseline serves on loopback only, not {addr}").into());
    }
    let review_id = worked_example(args)?.review_id;
    let answers = baseline::Answers::sized(
        &review_id,
        args.baseline_review_bytes,
        args.baseline_push_bytes,
    );
    let _running = baseline::start(addr, answers).await?;
    tokio::select! {
        _ = tokio::time::sleep(args.baseline_lifetime) => {}
        _ = scorecard::server::shutdown_signal() => {}
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------- report

/// One round of one scenario: scorecard and baseline back to back.
#[derive(Debug, Clone)]
pub struct Round {
    pub target: PhaseResult,
    pub baseline: PhaseResult,
}

impl Round {
    pub fn ratio(&self) -> f64 {
        self.target.throughput() / self.baseline.throughput().max(1e-9)
    }
}

/// Everything a run measured.
#[derive(Debug, Default)]
pub struct Report {
    pub scenarios: Vec<(Scenario, Vec<Round>)>,
    /// Scorecard server resident memory (KiB) at the end and at its peak.
    pub target_memory: Option<(u64, u64)>,
    pub baseline_memory: Option<(u64, u64)>,
    pub target_url: String,
    pub review_answer_len: usize,
    pub push_answer_len: usize,
}

impl Report {
    pub fn total_errors(&self) -> u64 {
        self.scenarios
            .iter()
            .flat_map(|(_, rounds)| rounds)
            .map(|r| r.target.errors + r.baseline.errors)
            .sum()
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn line(out: &mut String, who: &str, r: &PhaseResult, unit: &str) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "  {who:<9} {:>11.0} {unit}/s  p50 {} p90 {} p99 {} max {} ms  sent {} received {} errors {} calls {}",
        r.throughput(),
        ms(r.latency(50.0)),
        ms(r.latency(90.0)),
        ms(r.latency(99.0)),
        ms(r.latency(100.0)),
        r.sent,
        r.received,
        r.errors,
        r.calls,
    );
    if let Some(e) = &r.first_error {
        let _ = writeln!(out, "            first error: {e}");
    }
}

impl Report {
    fn render(&self, args: &BenchArgs) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "scorecard-bench: target {} ({:?}), {} connections x {} concurrent, {:?} per phase after {:?} warm-up, {} rounds",
            self.target_url,
            args.spawn,
            args.connections,
            args.concurrency,
            args.duration,
            args.warmup,
            args.rounds
        );
        let _ = writeln!(
            out,
            "answer sizes: ScoreReview {} bytes, PushResponseTimes {} bytes (baseline answers padded to these)",
            self.review_answer_len, self.push_answer_len
        );
        for (scenario, rounds) in &self.scenarios {
            let unit = scenario.unit();
            let _ = writeln!(out, "\n{}", scenario.name());
            for (i, round) in rounds.iter().enumerate() {
                let _ = writeln!(out, " round {}: ratio {:.3}", i + 1, round.ratio());
                line(&mut out, "scorecard", &round.target, unit);
                line(&mut out, "baseline", &round.baseline, unit);
            }
            let pick = |f: &dyn Fn(&Round) -> f64| median(rounds.iter().map(f).collect());
            let p_ms = |f: &dyn Fn(&Round) -> Duration| pick(&|r| f(r).as_secs_f64() * 1000.0);
            let _ = writeln!(
                out,
                " median: scorecard {:.0} {unit}/s, baseline {:.0} {unit}/s, ratio {:.3}; scorecard p50 {:.2} p99 {:.2} max {:.2} ms, baseline p99 {:.2} ms",
                pick(&|r| r.target.throughput()),
                pick(&|r| r.baseline.throughput()),
                pick(&|r| r.ratio()),
                p_ms(&|r| r.target.latency(50.0)),
                p_ms(&|r| r.target.latency(99.0)),
                p_ms(&|r| r.target.latency(100.0)),
                p_ms(&|r| r.baseline.latency(99.0)),
            );
        }
        let mem = |m: Option<(u64, u64)>| match m {
            Some((rss, hwm)) => format!(
                "RSS {:.1} MiB, peak {:.1} MiB",
                rss as f64 / 1024.0,
                hwm as f64 / 1024.0
            ),
            None => "not measurable (external server)".to_string(),
        };
        let shared = if args.spawn == Spawn::InProcess {
            " (in-process: includes the load generator)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "\nserver memory: scorecard {}{shared}; baseline {}",
            mem(self.target_memory),
            mem(self.baseline_memory)
        );
        let _ = writeln!(out, "errors: {}", self.total_errors());
        out
    }
}

/// Runs every round of every scenario and gathers the figures.
pub async fn measure(args: &BenchArgs) -> Result<Report, BoxError> {
    let work = Arc::new(Workload::new(args)?);
    let target = match &args.server {
        Some(url) => {
            let host_ok = url.starts_with("http://127.0.0.1:")
                || url.starts_with("http://localhost:")
                || url.starts_with("http://[::1]:");
            if !host_ok {
                return Err(format!("--server must be a loopback http:// URL, not {url}").into());
            }
            Started {
                url: url.clone(),
                child: None,
                _in_process: None,
            }
        }
        None => start_scorecard(args).await?,
    };
    let external = args.server.is_some();
    let baseline = start_baseline(args, work.baseline_answers()).await?;
    let mut report = Report {
        target_url: target.url.clone(),
        review_answer_len: work.review_answer_len,
        push_answer_len: work.push_answer_len,
        ..Default::default()
    };
    let mut peak = (0u64, 0u64);
    for &scenario in &args.scenarios {
        let mut rounds = Vec::new();
        for _ in 0..args.rounds.max(1) {
            let mut pair = Vec::new();
            for url in [&target.url, &baseline.url] {
                if !args.warmup.is_zero() {
                    phase(url, scenario, args, &work, args.warmup).await?;
                }
                pair.push(phase(url, scenario, args, &work, args.duration).await?);
                if !external && let Some((rss, hwm)) = target.memory() {
                    peak = (rss, peak.1.max(hwm));
                }
            }
            let baseline_result = pair.pop().unwrap_or_default();
            let target_result = pair.pop().unwrap_or_default();
            rounds.push(Round {
                target: target_result,
                baseline: baseline_result,
            });
        }
        report.scenarios.push((scenario, rounds));
    }
    if !external {
        report.target_memory = target.memory().map(|(rss, hwm)| (rss, hwm.max(peak.1)));
    }
    report.baseline_memory = baseline.memory();
    baseline.stop().await;
    target.stop().await;
    Ok(report)
}

#[cfg(test)]
mod tests;

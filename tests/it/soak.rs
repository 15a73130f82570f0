//! Soak and fault tests: long streams, clients that vanish, deadlines,
//! over-size messages, many connections, SIGTERM under load. Everything runs
//! on 127.0.0.1 and every loop is bounded in count and time.
//!
//! Sizes scale with `SOAK_SCALE` (default 1): the defaults keep the file
//! within about two minutes in a debug build on 2 cores. The full sizes
//! (200,000 reviews on one stream, 1,000 disconnects) run in the release
//! build:
//!
//! ```text
//! SOAK_FULL=1 cargo test --release --test it soak::
//! ```
//!
//! Expected numbers are docs/scoring.md section 8's, worked by hand there:
//! the worked example scores 87.63; with the supervisor's values equal to
//! the self values both totals are 89.79 and so is the final score.

use crate::common::*;
use scorecard::api::pb;
use scorecard::server::ServeOptions;
use scorecard_core::rubric::Registry;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;
use tonic::transport::{Channel, Endpoint};

type ScoringClient = pb::scoring_service_client::ScoringServiceClient<Channel>;

fn full() -> bool {
    std::env::var("SOAK_FULL").is_ok_and(|v| v == "1")
}

/// `debug` in a plain run, `full` with SOAK_FULL=1.
fn size(debug: usize, full_size: usize) -> usize {
    if full() { full_size } else { debug }
}

/// The worked example with the supervisor's entries replaced by the self
/// values: both totals 89.79 (section 8's self column), final 89.79.
fn self_values_for_both() -> pb::ScoreReviewRequest {
    let mut req = worked_example();
    req.supervisor_assessment = req.self_assessment.clone();
    req
}

/// A review the service must refuse: a NaN value.
fn bad_review() -> pb::ScoreReviewRequest {
    let mut req = worked_example();
    set_value(&mut req.self_assessment, 1, f64::NAN);
    req
}

/// Request `i` of a long stream: every 100th is bad (1 %), the rest
/// alternate between the two good reviews above.
fn stream_request(i: usize) -> pb::ScoreReviewsRequest {
    let mut review = match i % 100 {
        37 => bad_review(),
        n if n % 2 == 0 => worked_example(),
        _ => self_values_for_both(),
    };
    review.review_id = format!("r{i}");
    pb::ScoreReviewsRequest {
        review: Some(review),
    }
}

/// What answer `i` must be: Err(()) for a bad review, else the final score.
fn expected(i: usize) -> Result<&'static str, ()> {
    match i % 100 {
        37 => Err(()),
        n if n % 2 == 0 => Ok("87.63"),
        _ => Ok("89.79"),
    }
}

/// Checks answer `i` of a stream.
fn check_answer(i: usize, answer: &pb::ScoreReviewsResponse) {
    assert_eq!(answer.index, i as u64, "answer out of order");
    assert_eq!(answer.review_id, format!("r{i}"));
    match (&answer.outcome, expected(i)) {
        (Some(pb::score_reviews_response::Outcome::Result(r)), Ok(score)) => {
            assert_eq!(r.final_score, score, "review {i}");
            assert_eq!(r.review_id, format!("r{i}"));
        }
        (Some(pb::score_reviews_response::Outcome::Error(s)), Err(())) => {
            assert_eq!(s.code, Code::InvalidArgument as i32, "review {i}");
        }
        (other, want) => panic!("review {i}: got {other:?}, wanted {want:?}"),
    }
}

/// Runs `f` with an upper bound on its time: a hang fails the test
/// instead of stalling CI.
async fn bounded<F: std::future::Future>(what: &str, limit: Duration, f: F) -> F::Output {
    tokio::time::timeout(limit, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no result within {limit:?} (a hang)"))
}

// ------------------------------------------------- one long stream

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_stream_answers_every_review_once_in_order() {
    // 200,000 in the full run; 20,000 by default (about 15 s in debug).
    let n = size(20_000, 200_000);
    // Streams are bounded by --stream-timeout (15 min by default), not by
    // the 30 s unary --request-timeout.
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    client = client.max_decoding_message_size(64 << 20);
    let requests = tokio_stream::iter((0..n).map(stream_request));
    let (seen, errors) = bounded("long stream", Duration::from_secs(600), async {
        let mut answers = client
            .score_reviews(requests)
            .await
            .expect("stream opens")
            .into_inner();
        let mut seen = 0usize;
        let mut errors = 0usize;
        while let Some(answer) = answers.next().await {
            let answer = answer.expect("the stream never fails as a whole");
            check_answer(seen, &answer);
            if matches!(
                answer.outcome,
                Some(pb::score_reviews_response::Outcome::Error(_))
            ) {
                errors += 1;
            }
            seen += 1;
        }
        (seen, errors)
    })
    .await;
    // Exactly one answer per request: none lost, none doubled.
    assert_eq!(seen, n);
    assert_eq!(errors, n / 100);
    server.stop().await;
}

// -------------------------------------------------- child-process server
// `ChildServer` (tests/common) starts the real binary.

/// One worked-example call; its final score.
async fn score_once(client: &mut ScoringClient) -> Result<String, tonic::Status> {
    client
        .score_review(worked_example())
        .await
        .map(|r| r.into_inner().final_score)
}

/// Opens a ScoreReviews stream on a fresh connection, sends `send`
/// reviews, reads `read` answers, then vanishes: `drop_connection` drops
/// the whole connection (TCP close), else only the call (RST_STREAM).
async fn disconnect_mid_stream(
    server: &ChildServer,
    shared: &mut ScoringClient,
    send: usize,
    read: usize,
    drop_connection: bool,
) {
    let mut own;
    let client = if drop_connection {
        own = server.scoring().await;
        &mut own
    } else {
        shared
    };
    let (tx, rx) = mpsc::channel(send.max(1));
    for i in 0..send {
        tx.send(stream_request(i)).await.unwrap();
    }
    let mut answers = client
        .score_reviews(ReceiverStream::new(rx))
        .await
        .expect("stream opens")
        .into_inner();
    for i in 0..read {
        let answer = answers
            .next()
            .await
            .expect("an answer")
            .expect("not an error");
        check_answer(i, &answer);
    }
    // Dropping the sender, the answers and (maybe) the channel here,
    // with the request stream still open and answers unread.
    drop(answers);
    drop(tx);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_vanishing_mid_stream_leave_memory_near_its_baseline() {
    let server = ChildServer::start(&[]);
    let mut shared = server.scoring().await;
    let rounds = size(200, 1_000);
    bounded("disconnect soak", Duration::from_secs(600), async {
        // Warm-up: allocator arenas, the runtime's threads, the first
        // connections: the baseline is taken after it.
        for r in 0..50 {
            disconnect_mid_stream(&server, &mut shared, 40, 5, r % 2 == 0).await;
        }
        assert_eq!(score_once(&mut shared).await.unwrap(), "87.63");
        tokio::time::sleep(Duration::from_millis(500)).await;
        let baseline = server.rss_kib();

        for r in 0..rounds {
            // Unread answers pile up on the server side of each call.
            disconnect_mid_stream(&server, &mut shared, 40 + r % 60, r % 7, r % 2 == 0).await;
        }
        // Still serving, on the old connection and on a new one.
        assert_eq!(score_once(&mut shared).await.unwrap(), "87.63");
        assert_eq!(
            score_once(&mut server.scoring().await).await.unwrap(),
            "87.63"
        );
        // Memory settles back near the baseline (bounded wait).
        let allowed = baseline + 16 * 1024;
        let mut rss = server.rss_kib();
        for _ in 0..50 {
            if rss <= allowed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            rss = server.rss_kib();
        }
        eprintln!("disconnect soak: {rounds} vanished clients, RSS baseline {baseline} KiB, after {rss} KiB");
        assert!(
            rss <= allowed,
            "RSS {rss} KiB after {rounds} vanished clients, baseline {baseline} KiB"
        );
    })
    .await;
}

// ------------------------------------------------------------ deadlines

#[tokio::test]
async fn a_stream_past_its_deadline_ends_with_deadline_exceeded() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let (tx, rx) = mpsc::channel(4);
    tx.send(stream_request(0)).await.unwrap();
    let mut request = tonic::Request::new(ReceiverStream::new(rx));
    request.set_timeout(Duration::from_millis(200));
    let outcome = bounded(
        "ScoreReviews past its deadline",
        Duration::from_secs(10),
        async {
            let mut answers = match client.score_reviews(request).await {
                Ok(r) => r.into_inner(),
                Err(status) => return status.code(),
            };
            // The one review sent is answered, then the request stream stays
            // open (tx is held) and nothing else comes until the deadline.
            loop {
                match answers.next().await {
                    Some(Ok(answer)) => check_answer(answer.index as usize, &answer),
                    Some(Err(status)) => return status.code(),
                    None => return Code::Ok,
                }
            }
        },
    )
    .await;
    drop(tx);
    assert_eq!(outcome, Code::DeadlineExceeded);
}

#[tokio::test]
async fn a_ticket_push_past_its_deadline_ends_with_deadline_exceeded() {
    let server = TestServer::start().await;
    let mut client = server.tickets().await;
    let (tx, rx) = mpsc::channel(4);
    // The options come; the records never do, the stream stays open.
    tx.send(pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Options(
            pb::PushOptions {
                period_start_time: Some(prost_types::Timestamp {
                    seconds: 1_782_864_000, // 2026-07-01T00:00:00Z
                    nanos: 0,
                }),
                period_end_time: Some(prost_types::Timestamp {
                    seconds: 1_790_812_800, // 2026-10-01T00:00:00Z
                    nanos: 0,
                }),
                ..Default::default()
            },
        )),
    })
    .await
    .unwrap();
    let mut request = tonic::Request::new(ReceiverStream::new(rx));
    // The deadline as the header a gRPC client sends. (tonic's own
    // `set_timeout` also arms a timer in the client, which for a client
    // stream fires before the server's answer can arrive and reports
    // CANCELLED locally; the header alone shows what the server answers.)
    request
        .metadata_mut()
        .insert("grpc-timeout", "200m".parse().unwrap());
    let result = bounded(
        "PushResponseTimes past its deadline",
        Duration::from_secs(10),
        async { client.push_response_times(request).await },
    )
    .await;
    drop(tx);
    let status = result.expect_err("the push cannot finish: its stream never ends");
    // The server answers DEADLINE_EXCEEDED at the deadline; tonic's client
    // also reads grpc-timeout and, having started its timer first, may
    // report its own expiry (CANCELLED "Timeout expired"). Either way the
    // call ends at its deadline instead of hanging (bounded above).
    let local_expiry = status.code() == Code::Cancelled && status.message() == "Timeout expired";
    assert!(
        status.code() == Code::DeadlineExceeded || local_expiry,
        "{status:?}"
    );
}

#[tokio::test]
async fn a_unary_call_within_its_deadline_is_answered() {
    // The deadline is honoured without harming calls that meet it.
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let mut request = tonic::Request::new(worked_example());
    request.set_timeout(Duration::from_secs(30));
    let answer = bounded(
        "ScoreReview",
        Duration::from_secs(30),
        client.score_review(request),
    )
    .await
    .expect("answered");
    assert_eq!(answer.into_inner().final_score, "87.63");
}

// ---------------------------------------------------- over-size messages

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_size_message_is_refused_while_the_connection_carries_on() {
    // A 4 MiB message cap, so that a message near it is large.
    let four_mib = ServeOptions {
        max_message_bytes: 4 << 20,
        ..ServeOptions::default()
    };
    let server = TestServer::start_with(Registry::with_builtin(), four_mib).await;
    // One connection for everything below.
    let channel = server.channel().await;
    let mut client = ScoringClient::new(channel.clone());

    // A stream already running on the connection.
    let (tx, rx) = mpsc::channel(16);
    tx.send(stream_request(0)).await.unwrap();
    let mut running = client
        .clone()
        .score_reviews(ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    check_answer(0, &running.next().await.unwrap().unwrap());

    // 5 MiB of comment: above the 4 MiB limit.
    let mut big = worked_example();
    big.self_assessment.as_mut().unwrap().entries[0].comment = "x".repeat(5 << 20);
    let status = bounded(
        "over-size call",
        Duration::from_secs(30),
        client.score_review(big),
    )
    .await
    .expect_err("a 5 MiB message is refused");
    eprintln!(
        "over-size message refused with {:?}: {}",
        status.code(),
        status.message()
    );
    // docs/api.md: RESOURCE_EXHAUSTED for over-size messages.
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    // The running stream carries on, and new calls on the same connection work.
    tx.send(stream_request(1)).await.unwrap();
    check_answer(1, &running.next().await.unwrap().unwrap());
    drop(tx);
    assert!(running.next().await.is_none());
    assert_eq!(score_once(&mut client).await.unwrap(), "87.63");

    // Just under the limit is still served: 15,000 submissions without
    // values, each with a 256-byte source (the most a source may be),
    // 15,000 × (256 + 6 bytes of framing) = 3,930,000 bytes, under 4 MiB
    // (4,194,304) by 264,304.
    let mut near = worked_example();
    near.submissions
        .extend((0..15_000).map(|i| pb::MetricSubmission {
            source: format!("{i:0>256}"),
            ..Default::default()
        }));
    assert!(prost::Message::encoded_len(&near) < 4 << 20);
    let answer = client.score_review(near).await.expect("under the limit");
    assert_eq!(answer.into_inner().final_score, "87.63");
}

/// On a stream, a message over the limit is where the stream ends: the
/// reviews before it are answered, then RESOURCE_EXHAUSTED. gRPC's
/// message limit is the transport's; tonic ends a stream at its first
/// error, so the reviews after it cannot be read (README, ScoreReviews).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_size_review_ends_a_stream_after_the_answers_before_it() {
    let server = TestServer::start().await;
    let mut big = worked_example();
    big.self_assessment.as_mut().unwrap().entries[0].comment = "x".repeat(5 << 20);
    let items = vec![
        stream_request(0),
        pb::ScoreReviewsRequest { review: Some(big) },
        stream_request(2),
    ];
    let mut answers = ScoringClient::new(server.channel().await)
        .score_reviews(tokio_stream::iter(items))
        .await
        .unwrap()
        .into_inner();
    check_answer(0, &answers.next().await.unwrap().unwrap());
    let status = bounded(
        "the over-size item",
        Duration::from_secs(30),
        answers.next(),
    )
    .await
    .expect("the stream reports the refusal")
    .expect_err("an over-size item");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(answers.next().await.is_none());
}

// ------------------------------------------------- many connections

/// The soft limit on open files, from /proc/self/limits.
fn open_files_limit() -> u64 {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|l| {
            l.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_connections_are_served() {
    let n = 1_000;
    assert!(
        open_files_limit() >= 2 * n as u64 + 100,
        "this test needs `ulimit -n` of at least {} (it is {})",
        2 * n + 100,
        open_files_limit()
    );
    let server = ChildServer::start(&["--shutdown-grace", "0s"]);
    bounded("1,000 connections", Duration::from_secs(300), async {
        // Open every connection first, so all 1,000 are held at once.
        let mut clients = Vec::with_capacity(n);
        for _ in 0..n {
            clients.push(server.scoring().await);
        }
        // One call on each, all at once, twice over: each connection
        // stays alive after its first call.
        for round in 0..2 {
            let calls = clients
                .iter()
                .cloned()
                .map(|mut c| tokio::spawn(async move { score_once(&mut c).await }));
            let mut served = 0;
            for call in calls.collect::<Vec<_>>() {
                assert_eq!(call.await.unwrap().expect("served"), "87.63");
                served += 1;
            }
            assert_eq!(served, n, "round {round}");
        }
        let fds = std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(
            fds >= n,
            "the server holds {fds} descriptors for {n} connections"
        );
    })
    .await;
}

// ------------------------------------------------------ SIGTERM under load

/// Whether a call was refused by a server that is closing: UNAVAILABLE,
/// or, when the call crossed the server's graceful GOAWAY on the wire,
/// hyper's report of that GOAWAY, which tonic maps to INTERNAL (grpc-java
/// once did the same, grpc-java#1355). Either way it was never served.
fn refused_while_closing(status: &tonic::Status) -> bool {
    match status.code() {
        Code::Unavailable => true,
        Code::Internal => refused_by_goaway(status),
        _ => false,
    }
}

/// Whether the call failed on the server's graceful GOAWAY (NO_ERROR,
/// sent by the server) rather than on an answer of the server.
fn refused_by_goaway(status: &tonic::Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if let Some(h2) = error.downcast_ref::<h2::Error>() {
            return h2.is_go_away() && h2.is_remote() && h2.reason() == Some(h2::Reason::NO_ERROR);
        }
        source = error.source();
    }
    false
}

/// Whether a call on a new connection failed because the connection was
/// reset before it was served: the kernel completed the handshake while
/// the server was closing its listener, and closing it reset the
/// connections still waiting to be accepted (tonic: UNKNOWN, "transport
/// error", from hyper's I/O error).
fn reset_before_served(status: &tonic::Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return status.code() == Code::Unknown
                && io.kind() == std::io::ErrorKind::ConnectionReset;
        }
        source = error.source();
    }
    false
}

/// Whether a call on a new connection failed because the closing server
/// closed that connection before the request went out on it (hyper's
/// "connection closed" cancel, which tonic reports as CANCELLED).
fn closed_before_sent(status: &tonic::Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if let Some(hyper) = error.downcast_ref::<hyper::Error>() {
            return status.code() == Code::Cancelled && hyper.is_canceled();
        }
        source = error.source();
    }
    false
}

#[test]
fn a_status_the_server_sent_is_not_taken_for_a_goaway() {
    assert!(!refused_by_goaway(&tonic::Status::internal("boom")));
    assert!(!refused_by_goaway(&tonic::Status::unavailable("closing")));
    assert!(!refused_while_closing(&tonic::Status::internal("boom")));
    assert!(!reset_before_served(&tonic::Status::unknown("boom")));
    assert!(!closed_before_sent(&tonic::Status::cancelled("boom")));
    assert!(refused_while_closing(&tonic::Status::unavailable(
        "closing"
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_finishes_accepted_calls_refuses_new_ones_and_exits_0() {
    let mut server = ChildServer::start(&["--shutdown-grace", "1s"]);
    let streams = 20;
    let per_stream = 60;
    // Accepted calls: streams fed slowly, so they are still running well
    // after SIGTERM and the grace period.
    let mut feeders = Vec::new();
    let mut readers = Vec::new();
    for _ in 0..streams {
        let mut client = server.scoring().await;
        let (tx, rx) = mpsc::channel(per_stream);
        tx.send(stream_request(0)).await.unwrap();
        let mut answers = client
            .score_reviews(ReceiverStream::new(rx))
            .await
            .expect("accepted")
            .into_inner();
        check_answer(0, &answers.next().await.unwrap().unwrap());
        feeders.push(tokio::spawn(async move {
            for i in 1..per_stream {
                tokio::time::sleep(Duration::from_millis(40)).await;
                tx.send(stream_request(i)).await.unwrap();
            }
        }));
        readers.push(tokio::spawn(async move {
            let mut seen = 1;
            while let Some(answer) = answers.next().await {
                check_answer(seen, &answer.expect("an accepted call is never cut"));
                seen += 1;
            }
            seen
        }));
    }
    // Unary load on one connection until it is refused.
    let mut unary = server.scoring().await;
    assert_eq!(score_once(&mut unary).await.unwrap(), "87.63");

    server.sigterm();

    // During the grace the health says NOT_SERVING and calls are still served.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let serving = bounded("health after SIGTERM", Duration::from_secs(10), async {
        loop {
            let s = health
                .check(tonic_health::pb::HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .map(|r| r.into_inner().status)
                .map_err(|s| s.code());
            if s != Ok(tonic_health::pb::health_check_response::ServingStatus::Serving as i32) {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert_eq!(
        serving,
        Ok(tonic_health::pb::health_check_response::ServingStatus::NotServing as i32)
    );

    // After the grace, new calls get UNAVAILABLE: on a new connection and
    // on the old one. Bounded: 15 s of tries.
    let refused = bounded(
        "a refused call after the grace",
        Duration::from_secs(15),
        async {
            loop {
                let fresh = Endpoint::from_shared(server.url()).unwrap().connect().await;
                let outcome = match fresh {
                    Err(e) => Err(tonic::Status::unavailable(e.to_string())),
                    Ok(channel) => score_once(&mut ScoringClient::new(channel)).await,
                };
                match outcome {
                    Ok(score) => assert_eq!(score, "87.63"),
                    Err(status) => return status,
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        },
    )
    .await;
    assert!(
        refused_while_closing(&refused)
            || reset_before_served(&refused)
            || closed_before_sent(&refused),
        "a new connection: {refused:?}"
    );
    let old = score_once(&mut unary).await;
    assert!(
        old.as_ref().is_err_and(refused_while_closing),
        "the old connection: {old:?}"
    );

    // Every accepted stream got every answer.
    bounded("accepted streams", Duration::from_secs(60), async {
        for f in feeders {
            f.await.unwrap();
        }
        for r in readers {
            assert_eq!(r.await.unwrap(), per_stream);
        }
    })
    .await;
    assert_eq!(server.wait_exit(Duration::from_secs(20)), Some(0));
}

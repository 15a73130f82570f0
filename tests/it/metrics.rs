//! Prometheus metrics end to end, each test against the real binary in a
//! process of its own: the metrics recorder is global to a process, so
//! calls made by other tests running at the same time would be counted
//! too.

use crate::common::*;
use scorecard::api::pb;
use std::io::{Read, Write};
use std::time::Duration;
use tonic::Code;

fn scrape(addr: std::net::SocketAddr) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text
}

fn sample(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_calls_codes_reviews_and_records() {
    let server = ChildServer::start_with_metrics(&[]);
    let metrics_addr = server.metrics.expect("metrics served");
    let before = tokio::task::spawn_blocking(move || scrape(metrics_addr))
        .await
        .unwrap();
    let mut client = server.scoring().await;
    for _ in 0..3 {
        client.score_review(worked_example()).await.unwrap();
    }
    let mut bad = worked_example();
    bad.locale = "xx".into();
    client.score_review(bad).await.unwrap_err();

    let after = tokio::task::spawn_blocking(move || scrape(metrics_addr))
        .await
        .unwrap();
    let ok = r#"scorecard_rpc_requests_total{method="ScoreReview",code="OK"}"#;
    let invalid = r#"scorecard_rpc_requests_total{method="ScoreReview",code="INVALID_ARGUMENT"}"#;
    assert_eq!(sample(&after, ok) - sample(&before, ok), 3.0, "{after}");
    assert_eq!(sample(&after, invalid) - sample(&before, invalid), 1.0);
    let scored = r#"scorecard_reviews_scored_total{outcome="ok"}"#;
    assert_eq!(sample(&after, scored) - sample(&before, scored), 3.0);
    assert!(
        after.contains("scorecard_rpc_duration_seconds_bucket{method=\"ScoreReview\""),
        "latency histogram"
    );
    assert!(after.contains(&format!(
        "scorecard_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(after.contains("scorecard_rpc_in_flight{method=\"ScoreReview\"} 0"));

    // A push of three records, one of them with no employee: two
    // accepted, one rejected.
    let record = |id: &str, employee: &str| pb::TicketRecord {
        ticket_id: id.into(),
        employee_id: employee.into(),
        created_time: Some(prost_types::Timestamp {
            seconds: 1_782_864_000 + 3_600,
            nanos: 0,
        }),
        ..Default::default()
    };
    let push = [
        pb::PushResponseTimesRequest {
            payload: Some(pb::push_response_times_request::Payload::Options(
                pb::PushOptions {
                    period_start_time: Some(prost_types::Timestamp {
                        seconds: 1_782_864_000,
                        nanos: 0,
                    }),
                    period_end_time: Some(prost_types::Timestamp {
                        seconds: 1_782_864_000 + 92 * 86_400,
                        nanos: 0,
                    }),
                    ..Default::default()
                },
            )),
        },
        crate::tickets::batch(vec![
            record("T-1", "e1"),
            record("T-2", ""),
            record("T-3", "e2"),
        ]),
    ];
    let answer = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(push))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.rejected_record_count, 1, "{answer:?}");
    let pushed = tokio::task::spawn_blocking(move || scrape(metrics_addr))
        .await
        .unwrap();
    let accepted = r#"scorecard_ticket_records_total{outcome="accepted"}"#;
    let rejected = r#"scorecard_ticket_records_total{outcome="rejected"}"#;
    assert_eq!(
        sample(&pushed, accepted) - sample(&after, accepted),
        2.0,
        "{pushed}"
    );
    assert_eq!(sample(&pushed, rejected) - sample(&after, rejected), 1.0);
}

/// Waits (bounded) until `done` holds for a scrape: a stream's call is
/// counted when the server drops the stream, just after the client has
/// seen its end.
async fn scrape_until(addr: std::net::SocketAddr, done: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let text = tokio::task::spawn_blocking(move || scrape(addr))
            .await
            .unwrap();
        if done(&text) || std::time::Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A ScoreReviews stream is counted (and logged) with the code it ended
/// with: they were all counted OK. PushResponseTimes ended by its deadline
/// was not counted at all, and stayed in flight. The server is this test's
/// own, so every count it reads was made by the calls below.
#[tokio::test]
async fn calls_are_counted_with_the_code_they_end_with() {
    // The server's own stream deadline: with a client deadline, tonic's
    // client gives up first (CANCELLED) on a call whose answer has not
    // started, and the server would count the client's cancel.
    let server = ChildServer::start_with_metrics(&[
        "--max-message-bytes",
        "65536",
        "--stream-timeout",
        "1s",
    ]);
    let metrics_addr = server.metrics.expect("metrics served");
    let before = tokio::task::spawn_blocking(move || scrape(metrics_addr))
        .await
        .unwrap();
    let mut scoring = server.scoring().await;

    // Runs to its end: OK (its one review is an error answer).
    let mut answers = scoring
        .score_reviews(tokio_stream::iter([pb::ScoreReviewsRequest {
            review: None,
        }]))
        .await
        .unwrap()
        .into_inner();
    assert!(answers.message().await.unwrap().is_some());
    assert!(answers.message().await.unwrap().is_none());

    // An over-size review ends the stream: RESOURCE_EXHAUSTED.
    let mut huge = worked_example();
    huge.review_id = "y".repeat(100 * 1024);
    let mut answers = scoring
        .score_reviews(tokio_stream::iter([pb::ScoreReviewsRequest {
            review: Some(huge),
        }]))
        .await
        .unwrap()
        .into_inner();
    let err = answers.message().await.unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);

    // The deadline passes with the stream open: DEADLINE_EXCEEDED.
    let (keep_open, rx) = tokio::sync::mpsc::channel::<pb::ScoreReviewsRequest>(1);
    let request = tokio_stream::wrappers::ReceiverStream::new(rx);
    let mut answers = scoring.score_reviews(request).await.unwrap().into_inner();
    let err = answers.message().await.unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded);
    drop(keep_open);

    // The same for a ticket push, which ends before it answers.
    let (keep_open, rx) = tokio::sync::mpsc::channel(1);
    keep_open.send(options_message(q3_options())).await.unwrap();
    let request = tokio_stream::wrappers::ReceiverStream::new(rx);
    let err = server
        .tickets()
        .await
        .push_response_times(request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded);
    drop(keep_open);

    let count = |text: &str, method: &str, code: &str| {
        let key = format!("scorecard_rpc_requests_total{{method=\"{method}\",code=\"{code}\"}}");
        sample(text, &key) - sample(&before, &key)
    };
    let expected = [
        ("ScoreReviews", "OK", 1.0),
        ("ScoreReviews", "RESOURCE_EXHAUSTED", 1.0),
        ("ScoreReviews", "DEADLINE_EXCEEDED", 1.0),
        ("PushResponseTimes", "DEADLINE_EXCEEDED", 1.0),
    ];
    let after = scrape_until(metrics_addr, |text| {
        expected.iter().all(|&(m, c, n)| count(text, m, c) >= n)
    })
    .await;
    for (method, code, n) in expected {
        assert_eq!(count(&after, method, code), n, "{method} {code}:\n{after}");
    }
    assert!(
        after.contains("scorecard_rpc_in_flight{method=\"ScoreReviews\"} 0"),
        "{after}"
    );
    assert!(
        after.contains("scorecard_rpc_in_flight{method=\"PushResponseTimes\"} 0"),
        "{after}"
    );
}

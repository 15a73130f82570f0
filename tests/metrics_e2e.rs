//! Prometheus metrics end to end. In a test binary of its own: the metrics
//! recorder is global to the process, so calls made by other tests running
//! at the same time would be counted too.

mod common;

use common::*;
use scorecard::api::pb;
use scorecard::domain::rubric::Registry;
use scorecard::server::ServeOptions;
use std::io::{Read, Write};
use std::sync::Arc;
use tonic::transport::Endpoint;

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
    let incoming = scorecard::server::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = incoming.local_addr().unwrap();
    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_addr = metrics.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(scorecard::server::serve_with_metrics(
        Arc::new(Registry::with_builtin()),
        incoming,
        Some(metrics),
        ServeOptions::default(),
        async {
            let _ = rx.await;
        },
    ));
    let before = tokio::task::spawn_blocking(move || scrape(metrics_addr))
        .await
        .unwrap();
    let channel = Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = pb::scoring_service_client::ScoringServiceClient::new(channel);
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
    let _ = tx.send(());
    let _ = handle.await;
}

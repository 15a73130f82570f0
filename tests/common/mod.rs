//! The end-to-end fixture: the real server on 127.0.0.1:0, served with a
//! shutdown signal, a real tonic channel to it, stopped on drop.
#![allow(dead_code)]

use scorecard::api::{json, pb};
use scorecard::domain::rubric::Registry;
use scorecard::server::{self, ServeOptions};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tonic::transport::Channel;

pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// The server on the built-in rubric.
    pub async fn start() -> Self {
        Self::start_with(Registry::with_builtin(), ServeOptions::default()).await
    }

    pub async fn start_with(registry: Registry, options: ServeOptions) -> Self {
        let incoming = server::bind("127.0.0.1:0".parse().unwrap()).expect("bind 127.0.0.1:0");
        let addr = incoming.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server::serve(Arc::new(registry), incoming, options, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestServer {
            addr,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        tonic::transport::Endpoint::from_shared(self.url())
            .unwrap()
            .tcp_nodelay(true)
            .connect()
            .await
            .expect("connect to the test server")
    }

    pub async fn scoring(&self) -> pb::scoring_service_client::ScoringServiceClient<Channel> {
        pb::scoring_service_client::ScoringServiceClient::new(self.channel().await)
    }

    pub async fn rubrics(&self) -> pb::rubric_service_client::RubricServiceClient<Channel> {
        pb::rubric_service_client::RubricServiceClient::new(self.channel().await)
    }

    pub async fn tickets(
        &self,
    ) -> pb::ticket_stats_service_client::TicketStatsServiceClient<Channel> {
        pb::ticket_stats_service_client::TicketStatsServiceClient::new(self.channel().await)
    }

    /// Signals shutdown and waits for the server to stop.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// examples/worked-example.json: SCORING.md section 8 as a request.
pub fn worked_example() -> pb::ScoreReviewRequest {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/worked-example.json"
    ))
    .expect("examples/worked-example.json");
    json::from_json("scorecard.v1.ScoreReviewRequest", &text).expect("the example parses")
}

/// Sets one rater entry's value.
pub fn set_value(assessment: &mut Option<pb::Assessment>, index: usize, value: f64) {
    let entries = &mut assessment.as_mut().unwrap().entries;
    entries[index].input = Some(pb::assessment_entry::Input::Value(value));
}

/// The BadRequest field paths of a status.
pub fn bad_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The BadRequest (field, description) pairs of a status.
pub fn bad_violations(status: &tonic::Status) -> Vec<(String, String)> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|b| {
            b.field_violations
                .into_iter()
                .map(|v| (v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

/// Push options for the quarter 2026-Q3: [2026-07-01, 2026-10-01) UTC.
pub fn q3_options() -> pb::PushOptions {
    pb::PushOptions {
        period_start_time: Some(prost_types::Timestamp {
            seconds: 1_782_864_000,
            nanos: 0,
        }),
        period_end_time: Some(prost_types::Timestamp {
            seconds: 1_790_812_800,
            nanos: 0,
        }),
        period_label: "2026-Q3".into(),
        ..Default::default()
    }
}

/// The first message of a ticket push.
pub fn options_message(options: pb::PushOptions) -> pb::PushResponseTimesRequest {
    pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Options(options)),
    }
}

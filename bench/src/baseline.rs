//! The baseline server: the same three methods as scorecard, over the same
//! generated tonic services (ScoringService's answering with encoded bytes,
//! as scorecard's does), answering each call with a prepared answer of the
//! same encoded size and doing no scoring. What it costs is what the
//! transport costs (HTTP/2, gRPC framing, prost decode of the request and a
//! copy of the answer), so scorecard's throughput divided by the
//! baseline's is what scoring adds.

use prost::Message;
use scorecard::api::answer::Encoded;
use scorecard::api::{encoded, pb};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use tokio_stream::{Stream, StreamExt};
use tonic::transport::Server;
use tonic::{Request, Response, Status, Streaming};

/// The prepared answers, and whether to fail every call instead (used to
/// check that the load generator counts and reports errors).
#[derive(Debug, Clone)]
pub struct Answers {
    review: pb::ScoreReviewResponse,
    /// `review`, encoded once.
    review_bytes: Encoded,
    /// `review` as the `result` field of a ScoreReviewsResponse, encoded once.
    result_field: Vec<u8>,
    push: pb::PushResponseTimesResponse,
    fail: bool,
}

impl Answers {
    /// Answers padded to `review_bytes` and `push_bytes` encoded bytes.
    pub fn sized(review_id: &str, review_bytes: usize, push_bytes: usize) -> Self {
        let review = padded_review(review_id, review_bytes);
        let mut result_field = Vec::new();
        prost::encoding::message::encode(3, &review, &mut result_field);
        Self {
            review_bytes: Encoded(review.encode_to_vec()),
            result_field,
            review,
            push: padded_push(push_bytes),
            fail: false,
        }
    }

    /// Fails every call (unary and client-streaming with INTERNAL; each
    /// answer of ScoreReviews carries an error).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn failing(mut self) -> Self {
        self.fail = true;
        self
    }

    pub fn review_len(&self) -> usize {
        self.review.encoded_len()
    }

    pub fn push_len(&self) -> usize {
        self.push.encoded_len()
    }
}

/// One string field sized so the whole message encodes to `target` bytes
/// (or one byte more where a varint boundary makes `target` unreachable).
fn pad_to(target: usize, base: usize, field_len: impl Fn(usize) -> usize) -> usize {
    let mut n = target.saturating_sub(base);
    while n > 0 && field_len(n) > target {
        n -= 1;
    }
    n
}

fn padded_review(review_id: &str, target: usize) -> pb::ScoreReviewResponse {
    let make = |n: usize| pb::ScoreReviewResponse {
        review_id: review_id.to_string(),
        summary: "x".repeat(n),
        ..Default::default()
    };
    let n = pad_to(target, make(0).encoded_len(), |n| make(n).encoded_len());
    make(n)
}

fn padded_push(target: usize) -> pb::PushResponseTimesResponse {
    let make = |n: usize| pb::PushResponseTimesResponse {
        employees: vec![pb::EmployeeTicketStats {
            employee_id: "x".repeat(n),
            ..Default::default()
        }],
        ..Default::default()
    };
    let n = pad_to(target, make(0).encoded_len(), |n| make(n).encoded_len());
    make(n)
}

#[derive(Clone)]
struct Baseline(Arc<Answers>);

fn failure() -> Status {
    Status::internal("baseline server told to fail")
}

type AnswerStream = Pin<Box<dyn Stream<Item = Result<Encoded, Status>> + Send>>;

#[tonic::async_trait]
impl encoded::scoring_service_server::ScoringService for Baseline {
    async fn score_review(
        &self,
        _request: Request<pb::ScoreReviewRequest>,
    ) -> Result<Response<Encoded>, Status> {
        if self.0.fail {
            return Err(failure());
        }
        Ok(Response::new(self.0.review_bytes.clone()))
    }

    async fn render_review_form(
        &self,
        _request: Request<pb::RenderReviewFormRequest>,
    ) -> Result<Response<pb::RenderReviewFormResponse>, Status> {
        Err(Status::unimplemented(
            "the baseline server answers scoring calls only",
        ))
    }

    type ScoreReviewsStream = AnswerStream;

    async fn score_reviews(
        &self,
        request: Request<Streaming<pb::ScoreReviewsRequest>>,
    ) -> Result<Response<Self::ScoreReviewsStream>, Status> {
        let answers = self.0.clone();
        let mut index = 0u64;
        let stream = request.into_inner().map(move |item| {
            let _request = item?;
            let mut answer = pb::ScoreReviewsResponse {
                review_id: answers.review.review_id.clone(),
                index,
                outcome: None,
            };
            index += 1;
            if answers.fail {
                answer.outcome = Some(pb::score_reviews_response::Outcome::Error(
                    tonic_types::pb::Status {
                        code: tonic::Code::Internal as i32,
                        message: "baseline server told to fail".to_string(),
                        details: Vec::new(),
                    },
                ));
                return Ok(Encoded(answer.encode_to_vec()));
            }
            // The prepared answer after the two small fields.
            let mut bytes = Vec::with_capacity(answer.encoded_len() + answers.result_field.len());
            answer.encode_raw(&mut bytes);
            bytes.extend_from_slice(&answers.result_field);
            Ok(Encoded(bytes))
        });
        Ok(Response::new(Box::pin(stream)))
    }
}

#[tonic::async_trait]
impl pb::ticket_stats_service_server::TicketStatsService for Baseline {
    async fn push_response_times(
        &self,
        request: Request<Streaming<pb::PushResponseTimesRequest>>,
    ) -> Result<Response<pb::PushResponseTimesResponse>, Status> {
        let mut inbound = request.into_inner();
        let mut records = 0u64;
        while let Some(message) = inbound.message().await? {
            if let Some(pb::push_response_times_request::Payload::Batch(batch)) = message.payload {
                records += batch.records.len() as u64;
            }
        }
        if self.0.fail {
            return Err(failure());
        }
        let mut answer = self.0.push.clone();
        answer.accepted_record_count = records;
        Ok(Response::new(answer))
    }
}

/// A running baseline server; stops when dropped.
pub struct Running {
    pub addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Serves the baseline on `addr` (127.0.0.1:0 for an ephemeral port) in
/// this process until the returned handle is dropped.
pub async fn start(
    addr: SocketAddr,
    answers: Answers,
) -> Result<Running, Box<dyn std::error::Error + Send + Sync>> {
    let incoming = scorecard::server::bind(addr)?;
    let addr = incoming.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = Baseline(Arc::new(answers));
    tokio::spawn(async move {
        let result = Server::builder()
            .add_service(encoded::scoring_service_server::ScoringServiceServer::new(
                service.clone(),
            ))
            .add_service(pb::ticket_stats_service_server::TicketStatsServiceServer::new(service))
            .serve_with_incoming_shutdown(incoming, async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = result {
            eprintln!("baseline server stopped: {e}");
        }
    });
    Ok(Running { addr, _stop: stop })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_padded_to_the_requested_size() {
        for (review, push) in [(100, 50), (4_321, 2_000), (130, 129), (20_000, 70_000)] {
            let answers = Answers::sized("2026-Q3-e1024", review, push);
            // A varint boundary can make the exact size unreachable by one byte.
            assert!(
                answers.review_len().abs_diff(review) <= 1,
                "{} vs {review}",
                answers.review_len()
            );
            assert!(
                answers.push_len().abs_diff(push) <= 1,
                "{} vs {push}",
                answers.push_len()
            );
        }
    }
}

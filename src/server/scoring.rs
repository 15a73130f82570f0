//! ScoringService: convert in, score in the domain, convert out.

use super::telemetry::{CallLog, StreamLog};
use crate::api::convert::{self, RubricChoice};
use crate::api::{pb, status};
use crate::domain::rubric::{BUILTIN_RUBRIC_ID, Registry, Rubric};
use crate::domain::{Error, scoring};
use std::pin::Pin;
use std::sync::Arc;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

/// The scoring service over a shared, immutable rubric registry.
#[derive(Clone)]
pub struct ScoringApi {
    registry: Arc<Registry>,
}

impl ScoringApi {
    pub fn new(registry: Arc<Registry>) -> Self {
        Self { registry }
    }
}

/// Finds the rubric a request names, or validates the inline one.
pub fn resolve_rubric(registry: &Registry, choice: &RubricChoice) -> Result<Arc<Rubric>, Error> {
    match choice {
        RubricChoice::BuiltIn => Ok(registry.get(BUILTIN_RUBRIC_ID, None)?.rubric.clone()),
        RubricChoice::Ref { id, version } => Ok(registry.get(id, *version)?.rubric.clone()),
        RubricChoice::Inline(spec) => convert::validate_inline(spec).map(Arc::new),
    }
}

/// Scores one request: the whole path from proto to proto. Returns the
/// rubric label for the log alongside the answer.
pub fn score_one(
    registry: &Registry,
    req: pb::ScoreReviewRequest,
) -> (String, Result<pb::ScoreReviewResponse, Error>) {
    let request = match convert::review_request(req) {
        Ok(r) => r,
        Err(e) => return (String::new(), Err(e)),
    };
    let rubric = match resolve_rubric(registry, &request.rubric) {
        Ok(r) => r,
        Err(e) => return (String::new(), Err(e)),
    };
    let label = format!("{}@{}", rubric.id, rubric.version);
    let result = scoring::score(&rubric, &request.review)
        .map(|outcome| convert::score_response(&rubric, request.review, outcome));
    (label, result)
}

/// Reviews of one stream scored at once, ahead of the one being sent.
const PIPELINE: usize = 8;

type ScoreStream = Pin<Box<dyn Stream<Item = Result<pb::ScoreReviewsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl pb::scoring_service_server::ScoringService for ScoringApi {
    async fn score_review(
        &self,
        request: Request<pb::ScoreReviewRequest>,
    ) -> Result<Response<pb::ScoreReviewResponse>, Status> {
        let caller = super::telemetry::caller(&request);
        let req = request.into_inner();
        let mut log = CallLog::start("ScoreReview", &req.review_id);
        log.caller = caller;
        let (rubric, result) = score_one(&self.registry, req);
        log.rubric = rubric;
        let ok = u64::from(result.is_ok());
        super::metrics::reviews_scored(ok, 1 - ok);
        let result = result.map(Response::new).map_err(|e| status::to_status(&e));
        log.finish(result.as_ref().err());
        result
    }

    type ScoreReviewsStream = ScoreStream;

    async fn score_reviews(
        &self,
        request: Request<Streaming<pb::ScoreReviewsRequest>>,
    ) -> Result<Response<Self::ScoreReviewsStream>, Status> {
        let registry = self.registry.clone();
        let mut log = StreamLog::start("ScoreReviews");
        let mut index = 0u64;
        // Each review is scored as its own task, a few at a time, and the
        // answers come back in request order: the stream uses every core,
        // and memory stays bounded (at most PIPELINE reviews in hand, the
        // rest held back by HTTP/2 flow control).
        let scored = futures_util::StreamExt::map(request.into_inner(), move |item| {
            let registry = registry.clone();
            async move {
                let req = item
                    .map_err(super::limits::limit_status)?
                    .review
                    .unwrap_or_default();
                let review_id = req.review_id.clone();
                let result = tokio::spawn(async move { score_one(&registry, req).1 })
                    .await
                    .map_err(|e| Status::internal(format!("scoring task failed: {e}")))?;
                Ok::<_, Status>((review_id, result))
            }
        });
        let answers = futures_util::StreamExt::buffered(scored, PIPELINE).map(move |item| {
            // Capture the whole log, so it is dropped (and logs) with the stream.
            let log = &mut log;
            let (review_id, result) = item?;
            let outcome = match result {
                Ok(answer) => pb::score_reviews_response::Outcome::Result(answer),
                Err(e) => {
                    log.errors += 1;
                    pb::score_reviews_response::Outcome::Error(status::to_rpc_status(
                        &status::to_status(&e),
                    ))
                }
            };
            log.count += 1;
            let answer = pb::ScoreReviewsResponse {
                review_id,
                index,
                outcome: Some(outcome),
            };
            index += 1;
            Ok(answer)
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

//! ScoringService: convert in, score in the domain, convert out.

use super::limits::CallDeadline;
use super::telemetry::{CallLog, StreamLog};
use crate::api::answer::{self, Encoded, Parts, Prepared, View};
use crate::api::convert::{self, RubricChoice};
use crate::api::status::ApiError;
use crate::api::{codec, encoded, pb};
use scorecard_core::rubric::{Registry, Rubric};
use scorecard_core::{Error, Violation, scoring};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

/// The scoring service over a shared, immutable rubric registry.
#[derive(Clone)]
pub struct ScoringApi {
    scorer: Arc<Scorer>,
    /// Reviews of all ScoreReviews streams in hand at once (being scored,
    /// or scored and not yet handed to the transport).
    in_hand: Arc<tokio::sync::Semaphore>,
}

impl ScoringApi {
    pub fn new(registry: Arc<Registry>) -> Self {
        Self {
            scorer: Arc::new(Scorer::new(registry)),
            in_hand: Arc::new(tokio::sync::Semaphore::new(IN_HAND)),
        }
    }
}

/// A registry with its rubrics' answer parts made once ([`Prepared`]):
/// what the server scores and answers with.
pub struct Scorer {
    registry: Arc<Registry>,
    prepared: Prepared,
}

impl Scorer {
    pub fn new(registry: Arc<Registry>) -> Self {
        let prepared = Prepared::new(&registry);
        Self { registry, prepared }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The encoded answer for a scored review.
    pub fn answer(&self, s: &Scored) -> Encoded {
        let parts = self.prepared.parts(&s.rubric, s.outcome.locale);
        answer::score_review(&s.rubric, &parts, &s.review, &s.outcome, s.view)
    }

    /// Scores one request: the whole path from proto to the encoded
    /// answer, as ScoreReview takes it.
    pub fn score_one(&self, req: pb::ScoreReviewRequest) -> (String, Result<Encoded, Error>) {
        let (label, result) = score(&self.registry, req);
        (label, result.map(|s| self.answer(&s)))
    }

    /// One ScoreReviews answer: the encoded item and whether it was
    /// scored.
    fn score_item(&self, req: pb::ScoreReviewRequest, index: u64) -> (Encoded, bool) {
        let review_id = req.review_id.clone();
        let result = score_labelled(&self.registry, req, None);
        let view = result.as_ref().map_or(View::Full, |s| s.view);
        let item = match &result {
            Ok(s) => {
                let parts = self.prepared.parts(&s.rubric, s.outcome.locale);
                let scored = (s.rubric.as_ref(), parts.as_ref(), &s.review, &s.outcome);
                answer::score_reviews_item(&review_id, index, Ok(scored), view)
            }
            Err(e) => answer::score_reviews_item(&review_id, index, Err(e), view),
        };
        (item, result.is_ok())
    }
}

/// Finds the rubric a request names, or validates the inline one; an
/// unknown rubric's field is placed under `reference`, the request's path
/// to its rubric reference.
pub fn resolve_rubric(
    registry: &Registry,
    choice: &RubricChoice,
    reference: &str,
) -> Result<Arc<Rubric>, Error> {
    match choice {
        RubricChoice::BuiltIn => Ok(registry
            .builtin()
            .map_err(|e| e.at_reference(reference))?
            .rubric
            .clone()),
        RubricChoice::Ref { id, version } => Ok(registry
            .get(id, *version)
            .map_err(|e| e.at_reference(reference))?
            .rubric
            .clone()),
        RubricChoice::Inline(spec) => {
            let rubric = convert::validate_inline(spec).map_err(|e| match e {
                // Invalid content under a published pair is other content too.
                Error::Invalid(mut v) => {
                    v.extend(
                        registry
                            .conflict_of_invalid(&spec.id, spec.version)
                            .map(|c| {
                                Violation::new(
                                    convert::prefixed("inline_rubric", &c.field),
                                    c.reason,
                                )
                            }),
                    );
                    Error::Invalid(v)
                }
                other => other,
            })?;
            match registry.conflict(&rubric) {
                Some(v) => Err(Error::Invalid(vec![Violation::new(
                    convert::prefixed("inline_rubric", &v.field),
                    v.reason,
                )])),
                None => Ok(Arc::new(rubric)),
            }
        }
    }
}

/// A scored review: the rubric it was scored against, the review and
/// what scoring gave.
pub struct Scored {
    pub rubric: Arc<Rubric>,
    pub review: scoring::Review,
    pub outcome: scoring::Outcome,
    /// The view the request asked for.
    pub view: View,
}

/// Converts, resolves the rubric and scores one request. Returns the
/// rubric label for the log alongside.
pub fn score(registry: &Registry, req: pb::ScoreReviewRequest) -> (String, Result<Scored, Error>) {
    let mut label = String::new();
    let result = score_labelled(registry, req, Some(&mut label));
    (label, result)
}

/// Converts, resolves the rubric and scores one request.
/// The rubric label (`id@version`) is written to `label` once the rubric
/// is known, when asked for.
fn score_labelled(
    registry: &Registry,
    req: pb::ScoreReviewRequest,
    label: Option<&mut String>,
) -> Result<Scored, Error> {
    let mut violations = Vec::new();
    let view = View::from_proto(req.view).unwrap_or_else(|reason| {
        violations.push(Violation::new("view", reason.to_string()));
        View::Full
    });
    let (request, shape) = convert::checked_review_request(req);
    violations.extend(shape);
    // With violations already, the rubric's are listed beside them; an
    // unknown rubric adds none (there is nothing to check against).
    let rubric = match resolve_rubric(registry, &request.rubric, "rubric_ref") {
        Ok(rubric) => rubric,
        Err(e) => return Err(beside(violations, e, "rubric_ref")),
    };
    if let Some(label) = label {
        *label = format!("{}@{}", rubric.id, rubric.version);
    }
    // With violations already, only the rubric's are wanted: the least
    // detail will do.
    let detail = if violations.is_empty() {
        view.detail()
    } else {
        scoring::Detail::Totals
    };
    match scoring::score_with(&rubric, &request.review, detail) {
        Ok(outcome) if violations.is_empty() => Ok(Scored {
            rubric,
            review: request.review,
            outcome,
            view,
        }),
        Ok(_) => Err(Error::Invalid(violations)),
        Err(Error::Invalid(more)) => Err(Error::Invalid(merged(violations, more))),
        Err(e) if violations.is_empty() => Err(e),
        Err(_) => Err(Error::Invalid(violations)),
    }
}

/// A rubric's error beside the request's own `violations`: with none, the
/// error as it is (NOT_FOUND for an unknown rubric); else one list, where
/// an unknown rubric is one more violation, unless a field under
/// `reference` is refused already.
pub(super) fn beside(violations: Vec<Violation>, error: Error, reference: &str) -> Error {
    match error {
        Error::Invalid(more) => Error::Invalid(merged(violations, more)),
        e if violations.is_empty() => e,
        Error::RubricNotFound { field, what } => {
            let refused = violations.iter().any(|v| v.field.starts_with(reference));
            Error::Invalid(if refused {
                violations
            } else {
                merged(violations, vec![Violation::new(field, what)])
            })
        }
    }
}

/// The request's own violations, then the rubric's, one per field: a
/// field already refused (an id over its length, a value that is not a
/// number) is not refused again.
fn merged(mut violations: Vec<Violation>, more: Vec<Violation>) -> Vec<Violation> {
    let refused: std::collections::HashSet<String> =
        violations.iter().map(|v| v.field.clone()).collect();
    violations.extend(more.into_iter().filter(|v| !refused.contains(&v.field)));
    violations
}

/// Scores one request, the whole path from proto to the encoded answer,
/// once: the answer's fixed parts are made for this one answer (a
/// [`Scorer`] makes them once for its registry).
pub fn score_one(
    registry: &Registry,
    req: pb::ScoreReviewRequest,
) -> (String, Result<Encoded, Error>) {
    let (label, result) = score(registry, req);
    let answer = result.map(|s| {
        let parts = Parts::new(&s.rubric, s.outcome.locale);
        answer::score_review(&s.rubric, &parts, &s.review, &s.outcome, s.view)
    });
    (label, answer)
}

/// DEADLINE_EXCEEDED when the call's deadline has passed.
fn deadline_status(deadline: Option<CallDeadline>) -> Option<Status> {
    deadline
        .filter(CallDeadline::passed)
        .map(|_| Status::deadline_exceeded("the call's deadline passed while it was being scored"))
}

/// Aborts a scoring task whose answer is no longer wanted (its stream
/// ended by the deadline or the client): a review not yet begun is not
/// scored.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Reviews of one stream scored at once, ahead of the one being sent.
const PIPELINE: usize = 8;

/// Reviews in hand across every ScoreReviews stream (about 20 KB each for
/// a FULL answer of 20 indicators): with many streams open, each gets
/// fewer than [`PIPELINE`] ahead, and the server's memory stays bounded
/// whatever the number of streams. The permits are handed out first come,
/// first served, so a review waiting for one is never behind a later
/// review of its own stream.
const IN_HAND: usize = 256;

/// Free permits of [`IN_HAND`] below which a review is scored in its
/// stream's task rather than a task of its own.
const INLINE_BELOW: usize = IN_HAND - 2 * PIPELINE;

type ScoreStream = Pin<Box<dyn Stream<Item = Result<Encoded, Status>> + Send>>;

#[tonic::async_trait]
impl encoded::scoring_service_server::ScoringService for ScoringApi {
    async fn score_review(
        &self,
        request: Request<pb::ScoreReviewRequest>,
    ) -> Result<Response<Encoded>, Status> {
        let mut log = CallLog::start("ScoreReview", &request);
        let deadline = request.extensions().get::<CallDeadline>().copied();
        let req = request.into_inner();
        log.review_id(&req.review_id);
        // The deadline is checked between the steps (checking and scoring,
        // then writing the answer): past it, the rest is not done.
        let (rubric, scored) = score(self.scorer.registry(), req);
        log.rubric = rubric;
        if let Some(status) = deadline_status(deadline) {
            log.finish(Some(&status));
            return Err(status);
        }
        let result = scored.map(|s| self.scorer.answer(&s));
        let ok = u64::from(result.is_ok());
        super::metrics::reviews_scored(ok, 1 - ok);
        let result = result
            .map(Response::new)
            .map_err(|e| Status::from(ApiError(e)));
        log.finish(result.as_ref().err());
        result
    }

    async fn render_review_form(
        &self,
        request: Request<pb::RenderReviewFormRequest>,
    ) -> Result<Response<pb::RenderReviewFormResponse>, Status> {
        let mut log = CallLog::start("RenderReviewForm", &request);
        let req = request.into_inner();
        log.review_id(req.review.as_ref().map_or("", |r| r.review_id.as_str()));
        let registry = self.scorer.registry.clone();
        // Laying out and subsetting the font is CPU work: off the runtime.
        let (rubric, result) =
            tokio::task::spawn_blocking(move || super::form::render_form(&registry, req))
                .await
                .map_err(|e| Status::internal(format!("rendering task failed: {e}")))?;
        log.rubric = rubric;
        log.finish(result.as_ref().err());
        result.map(Response::new)
    }

    type ScoreReviewsStream = ScoreStream;

    async fn score_reviews(
        &self,
        request: Request<Streaming<pb::ScoreReviewsRequest>>,
    ) -> Result<Response<Self::ScoreReviewsStream>, Status> {
        let scorer = self.scorer.clone();
        let in_hand = self.in_hand.clone();
        let mut log = StreamLog::start("ScoreReviews", &request);
        let deadline = request.extensions().get::<CallDeadline>().copied();
        // Each review is scored and encoded as its own task, a few at a
        // time, and the answers come back in request order: the stream
        // uses every core, and memory stays bounded (at most PIPELINE
        // reviews in hand, the rest held back by HTTP/2 flow control).
        let mut next_index = 0u64;
        let scored = futures_util::StreamExt::map(request.into_inner(), move |item| {
            let scorer = scorer.clone();
            let in_hand = in_hand.clone();
            let index = next_index;
            next_index += 1;
            async move {
                if let Some(status) = deadline_status(deadline) {
                    return Err(status);
                }
                // Held until the answer is handed on (below); never closed.
                let permit = in_hand
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Status::unavailable("the server is shutting down"))?;
                let Some(req) = item.map_err(super::limits::limit_status)?.review else {
                    // Not an empty review (which would list every indicator
                    // as missing): the one thing wrong is the absent review.
                    let absent = Error::Invalid(vec![Violation::new("review", "is required")]);
                    let item = answer::score_reviews_item("", index, Err(&absent), View::Full);
                    return Ok((item, false, permit));
                };
                // Bytes that are not an item: that item's error, and the
                // stream reads on (api::codec).
                if codec::is_undecodable_item(&req) {
                    let bad =
                        Error::Invalid(vec![Violation::new("", codec::undecodable_item_reason())]);
                    let item = answer::score_reviews_item("", index, Err(&bad), View::Full);
                    return Ok((item, false, permit));
                }
                // Scored here, in the stream's own task, when the server is
                // busy (many reviews in hand: the streams already keep every
                // core working, and a task per review only adds its spawn,
                // wake-up and hand-over); as its own task when few are in
                // hand, so that a lone stream still uses every core.
                let (item, ok) = if in_hand.available_permits() < INLINE_BELOW {
                    scorer.score_item(req, index)
                } else {
                    let task = tokio::spawn(async move { scorer.score_item(req, index) });
                    let _abort = AbortOnDrop(task.abort_handle());
                    task.await
                        .map_err(|e| Status::internal(format!("scoring task failed: {e}")))?
                };
                Ok((item, ok, permit))
            }
        });
        let mut scored = futures_util::StreamExt::buffered(scored, PIPELINE);
        // The log lives in this closure, so it is dropped (and logs) with
        // the stream, with the code the stream ended with.
        let answers = futures_util::stream::poll_fn(move |cx| {
            let item = std::task::ready!(futures_util::StreamExt::poll_next_unpin(&mut scored, cx));
            Poll::Ready(match item {
                None => {
                    log.end(None);
                    None
                }
                Some(Err(status)) => {
                    log.end(Some(&status));
                    Some(Err(status))
                }
                Some(Ok((answer, ok, _permit))) => {
                    log.count += 1;
                    log.errors += u64::from(!ok);
                    Some(Ok(answer))
                }
            })
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

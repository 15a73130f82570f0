//! TicketStatsService: options first, then batches of ticket records.

use super::limits::CallDeadline;
use super::metrics;
use super::telemetry::CallLog;
use crate::api::convert::RubricChoice;
use crate::api::status::ApiError;
use crate::api::{pb, tickets};
use jiff::SignedDuration;
use scorecard_core::rubric::Registry;
use scorecard_core::tickets::{Aggregator, FIRST_RESPONSE_SLA_RATE, INDICATOR_IDS_V2};
use scorecard_core::{Error, Violation};
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

/// Longest the record loop keeps the worker thread before yielding it: a
/// batch arrives whole, so without this its records would run without an
/// await, the stream deadline (which acts only between awaits) could not
/// end the call and other calls on the thread would wait.
const WORK_SLICE: std::time::Duration = std::time::Duration::from_millis(1);

/// The ticket service over the shared registry.
#[derive(Clone)]
pub struct TicketApi {
    registry: Arc<Registry>,
}

impl TicketApi {
    pub fn new(registry: Arc<Registry>) -> Self {
        Self { registry }
    }

    /// The first-response limit of the rubric the options name, and which
    /// of the ticket indicators it defines.
    fn rubric_limit(
        &self,
        options: &pb::PushOptions,
    ) -> Result<(SignedDuration, Vec<&'static str>), Error> {
        let choice = match &options.rubric_ref {
            None => RubricChoice::BuiltIn,
            Some(r) if r.id.is_empty() => {
                let missing = Violation::new(format!("{RUBRIC_REF}.id"), "is required");
                return Err(Error::Invalid(vec![missing]));
            }
            Some(r) if r.id.len() > scorecard_core::MAX_ID_BYTES => {
                let long = Violation::too_long(format!("{RUBRIC_REF}.id"), &r.id);
                return Err(Error::Invalid(vec![long]));
            }
            Some(r) => RubricChoice::Ref {
                id: r.id.clone(),
                version: (r.version > 0).then_some(r.version),
            },
        };
        let rubric = super::scoring::resolve_rubric(&self.registry, &choice, RUBRIC_REF)?;
        let minutes = rubric
            .indicator(FIRST_RESPONSE_SLA_RATE)
            .and_then(|(_, _, i)| i.response_limit_minutes);
        // The submission carries the ticket metrics the rubric defines, so
        // that it passes into a review on that rubric as it is.
        let has: Vec<&'static str> = INDICATOR_IDS_V2
            .into_iter()
            .filter(|id| rubric.indicator(id).is_some())
            .collect();
        tickets::rubric_limit(minutes, &rubric.id, rubric.version)
            .map(|limit| (limit, has))
            .map_err(|v| Error::Invalid(vec![v]))
    }
}

/// Where the options name their rubric.
const RUBRIC_REF: &str = "options.rubric_ref";

fn invalid(field: &str, reason: &str) -> Status {
    ApiError::from(Violation::new(field, reason)).into()
}

#[tonic::async_trait]
impl pb::ticket_stats_service_server::TicketStatsService for TicketApi {
    async fn push_response_times(
        &self,
        request: Request<Streaming<pb::PushResponseTimesRequest>>,
    ) -> Result<Response<pb::PushResponseTimesResponse>, Status> {
        let mut log = CallLog::start("PushResponseTimes", &request);
        let deadline = request.extensions().get::<CallDeadline>().copied();
        let result = self.push(request.into_inner(), deadline, &mut log).await;
        log.finish(result.as_ref().err());
        result.map(Response::new)
    }
}

impl TicketApi {
    async fn push(
        &self,
        mut inbound: Streaming<pb::PushResponseTimesRequest>,
        deadline: Option<CallDeadline>,
        log: &mut CallLog,
    ) -> Result<pb::PushResponseTimesResponse, Status> {
        let options = match inbound
            .message()
            .await
            .map_err(super::limits::limit_status)?
            .and_then(|m| m.payload)
        {
            Some(pb::push_response_times_request::Payload::Options(o)) => o,
            Some(pb::push_response_times_request::Payload::Batch(_)) => {
                return Err(invalid(
                    "options",
                    "the first message must carry the options, not a batch",
                ));
            }
            None => {
                return Err(invalid(
                    "options",
                    "the stream must start with a message carrying the options",
                ));
            }
        };
        // The options are checked whatever the rubric's fault, so that
        // every violation is listed (with the usual limit, not used then).
        let rubric = self.rubric_limit(&options);
        let usual = SignedDuration::from_mins(tickets::DEFAULT_LIMIT_MINUTES);
        let limit = rubric.as_ref().map_or(usual, |(limit, _)| *limit);
        let (rubric_has, aggregation) = match (rubric, tickets::options(&options, limit)) {
            (Ok((_, has)), Ok(aggregation)) => (has, aggregation),
            (Ok(_), Err(violations)) => return Err(ApiError::from(violations).into()),
            (Err(e), options) => {
                let violations = options.err().unwrap_or_default();
                return Err(ApiError(super::scoring::beside(violations, e, RUBRIC_REF)).into());
            }
        };
        let mut aggregator = Aggregator::new(aggregation);
        let mut index = 0u64;
        let mut message = 1u64;
        let mut slice_start = std::time::Instant::now();
        while let Some(m) = inbound
            .message()
            .await
            .map_err(super::limits::limit_status)?
        {
            match m.payload {
                Some(pb::push_response_times_request::Payload::Batch(batch)) => {
                    for record in batch.records {
                        match tickets::record(record) {
                            Ok(r) => aggregator.push(index, r),
                            Err((ticket_id, reason)) => aggregator.reject(index, ticket_id, reason),
                        }
                        index += 1;
                        // The clock is read every 32 records (a record
                        // takes about half a microsecond).
                        if index.is_multiple_of(32) && slice_start.elapsed() >= WORK_SLICE {
                            if deadline.is_some_and(|d| d.passed()) {
                                return Err(Status::deadline_exceeded(format!(
                                    "the call's deadline passed after {index} records"
                                )));
                            }
                            // yield_now, not consume_budget: the deadline's
                            // timer also draws on the task's budget, and
                            // would find it spent.
                            tokio::task::yield_now().await;
                            slice_start = std::time::Instant::now();
                        }
                    }
                }
                Some(pb::push_response_times_request::Payload::Options(_)) => {
                    return Err(invalid(
                        "options",
                        &format!(
                            "options may only come in the first message; message {message} carries them again"
                        ),
                    ));
                }
                None => {}
            }
            message += 1;
            if deadline.is_some_and(|d| d.passed()) {
                return Err(Status::deadline_exceeded(format!(
                    "the call's deadline passed after {index} records"
                )));
            }
        }
        log.rubric = format!("{index} records");
        let report = aggregator.finish();
        metrics::ticket_records(report.accepted_count, report.rejected_count);
        Ok(tickets::response_for(
            &report,
            &options.period_label,
            options.metrics_version == 2,
            |id| rubric_has.contains(&id),
        ))
    }
}

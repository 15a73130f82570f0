//! RubricService: list, show and check rubrics.

use super::telemetry::CallLog;
use crate::api::convert;
use crate::api::pb;
use crate::api::status::ApiError;
use scorecard_core::rubric::{self, Registry};
use scorecard_core::{Error, MAX_ID_BYTES, Violation};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The rubric service over the shared registry.
#[derive(Clone)]
pub struct RubricApi {
    registry: Arc<Registry>,
}

impl RubricApi {
    pub fn new(registry: Arc<Registry>) -> Self {
        Self { registry }
    }
}

#[tonic::async_trait]
impl pb::rubric_service_server::RubricService for RubricApi {
    async fn list_rubrics(
        &self,
        request: Request<pb::ListRubricsRequest>,
    ) -> Result<Response<pb::ListRubricsResponse>, Status> {
        let log = CallLog::start("ListRubrics", &request);
        let rubrics = self
            .registry
            .entries()
            .map(|e| pb::RubricSummary {
                id: e.rubric.id.clone(),
                version: e.rubric.version,
                names: e
                    .rubric
                    .names
                    .0
                    .iter()
                    .map(|(l, n)| (l.tag().to_string(), n.clone()))
                    .collect(),
                content_hash: e.rubric.content_hash.clone(),
                built_in: e.built_in,
                dimension_count: e.rubric.dimensions.len() as u32,
                indicator_count: e.rubric.indicator_count() as u32,
            })
            .collect();
        log.finish(None);
        Ok(Response::new(pb::ListRubricsResponse { rubrics }))
    }

    async fn get_rubric(
        &self,
        request: Request<pb::GetRubricRequest>,
    ) -> Result<Response<pb::GetRubricResponse>, Status> {
        let mut log = CallLog::start("GetRubric", &request);
        let req = request.into_inner();
        let too_long = req.id.len() > MAX_ID_BYTES;
        log.rubric = if too_long {
            format!("(an id of {} bytes)@{}", req.id.len(), req.version)
        } else {
            format!("{}@{}", req.id, req.version)
        };
        // An empty id names no rubric: a bad request, not an unknown
        // rubric; nor does one longer than any id (neither is echoed).
        let result = if req.id.is_empty() {
            Err(Error::Invalid(vec![Violation::new("id", "is required")]))
        } else if too_long {
            Err(Error::Invalid(vec![Violation::too_long("id", &req.id)]))
        } else {
            // The reference is the request itself: `id` or `version`.
            self.registry
                .get(&req.id, (req.version > 0).then_some(req.version))
        };
        let result = result
            .map(|e| {
                Response::new(pb::GetRubricResponse {
                    rubric: Some(convert::rubric_to_proto(&e.rubric)),
                    content_hash: e.rubric.content_hash.clone(),
                })
            })
            .map_err(|e| Status::from(ApiError(e)));
        log.finish(result.as_ref().err());
        result
    }

    async fn validate_rubric(
        &self,
        request: Request<pb::ValidateRubricRequest>,
    ) -> Result<Response<pb::ValidateRubricResponse>, Status> {
        let log = CallLog::start("ValidateRubric", &request);
        let spec = convert::rubric_spec(request.into_inner().rubric.unwrap_or_default());
        // A rubric with faults is a valid question: the answer lists them.
        let checked = match rubric::validate(&spec) {
            Ok(r) => self.registry.conflict(&r).map_or(Ok(r), |v| Err(vec![v])),
            // Invalid content under a published pair is other content too.
            Err(mut v) => {
                v.extend(self.registry.conflict_of_invalid(&spec.id, spec.version));
                Err(v)
            }
        };
        let answer = match checked {
            Ok(r) => pb::ValidateRubricResponse {
                valid: true,
                violations: Vec::new(),
                content_hash: r.content_hash,
            },
            Err(v) => pb::ValidateRubricResponse {
                valid: false,
                violations: convert::violations_proto(&v),
                content_hash: String::new(),
            },
        };
        log.finish(None);
        Ok(Response::new(answer))
    }
}

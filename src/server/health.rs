//! grpc.health.v1.Health: tonic-health's service, with Watch as the
//! health-checking protocol has it for a service the server does not know.
//!
//! The protocol (health.proto): "If the requested service is unknown when
//! the call is received, the server will send a message setting the
//! serving status to SERVICE_UNKNOWN but will not terminate the call."
//! tonic-health ends such a call with NOT_FOUND; this answers
//! SERVICE_UNKNOWN and keeps the stream open, until the watch timeout or
//! shutdown ends it as they end every Watch stream (server::limits). Check
//! is tonic-health's: NOT_FOUND for an unknown service, as the protocol
//! says for Check.

use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tonic_health::server::{HealthReporter, HealthService};

/// The Health service over the statuses `reporter` sets.
pub fn service(reporter: &HealthReporter) -> HealthServer<Checks> {
    HealthServer::new(Checks(HealthService::from_health_reporter(
        reporter.clone(),
    )))
}

/// tonic-health's service, with [`Health::watch`] of an unknown service
/// answered as the protocol says.
pub struct Checks(HealthService);

type Statuses = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for Checks {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        self.0.check(request).await
    }

    type WatchStream = Statuses;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Statuses>, Status> {
        match self.0.watch(request).await {
            Ok(statuses) => Ok(Response::new(Box::pin(statuses.into_inner()) as Statuses)),
            Err(status) if status.code() == tonic::Code::NotFound => {
                let unknown = HealthCheckResponse {
                    status: ServingStatus::ServiceUnknown as i32,
                };
                // The services are fixed at start: this one will not
                // appear, so nothing follows the one message.
                let statuses = tokio_stream::StreamExt::chain(
                    tokio_stream::once(Ok(unknown)),
                    tokio_stream::pending(),
                );
                Ok(Response::new(Box::pin(statuses) as Statuses))
            }
            Err(status) => Err(status),
        }
    }
}

//! Wiring: services, health, reflection, limits and graceful shutdown.

pub mod metrics;
pub mod rubrics;
pub mod scoring;
pub mod telemetry;
pub mod tickets;

use crate::api::{SERVICE_NAMES, pb};
use crate::domain::rubric::Registry;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// How the server runs, independent of where its settings come from.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How long the server keeps answering after a shutdown signal, with
    /// health NOT_SERVING, before it stops taking new calls.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            shutdown_grace: Duration::ZERO,
        }
    }
}

/// Binds a listener with TCP_NODELAY (tonic ignores `tcp_nodelay` for
/// incoming streams it did not bind itself).
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpIncoming> {
    Ok(TcpIncoming::bind(addr)?.with_nodelay(Some(true)))
}

/// Marks every service (and the server as a whole) with `status`.
pub async fn set_health(reporter: &HealthReporter, status: ServingStatus) {
    reporter.set_service_status("", status).await;
    for name in SERVICE_NAMES {
        reporter.set_service_status(name, status).await;
    }
}

/// Serves until `shutdown` resolves, then turns health NOT_SERVING, keeps
/// answering for the grace period, stops taking calls and lets the calls
/// in flight finish.
pub async fn serve(
    registry: Arc<Registry>,
    incoming: TcpIncoming,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (reporter, health) = tonic_health::server::health_reporter();
    set_health(&reporter, ServingStatus::Serving).await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let grace = options.shutdown_grace;
    let drain = async move {
        shutdown.await;
        tracing::info!(
            grace_ms = grace.as_millis() as u64,
            "shutting down: health NOT_SERVING"
        );
        set_health(&reporter, ServingStatus::NotServing).await;
        tokio::time::sleep(grace).await;
        tracing::info!("no longer taking calls; finishing the calls in flight");
    };

    Server::builder()
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(pb::scoring_service_server::ScoringServiceServer::new(
            scoring::ScoringApi::new(registry.clone()),
        ))
        .add_service(pb::rubric_service_server::RubricServiceServer::new(
            rubrics::RubricApi::new(registry.clone()),
        ))
        .add_service(
            pb::ticket_stats_service_server::TicketStatsServiceServer::new(
                tickets::TicketApi::new(registry),
            ),
        )
        .serve_with_incoming_shutdown(incoming, drain)
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}

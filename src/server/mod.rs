//! Wiring: services, health, reflection, auth, limits, TLS, metrics and
//! graceful shutdown.

pub mod auth;
pub mod form;
pub mod limits;
pub mod metrics;
pub mod rubrics;
pub mod scoring;
pub mod telemetry;
pub mod tickets;

use crate::api::{SERVICE_NAMES, pb};
use auth::{Auth, Role};
use scorecard_core::rubric::Registry;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// Certificate files for TLS, and the CA that client certificates must
/// chain to for mTLS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub client_ca: Option<PathBuf>,
}

/// How the server runs, independent of where its settings come from.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How long the server keeps answering after a shutdown signal, with
    /// health NOT_SERVING, before it stops taking new calls.
    pub shutdown_grace: Duration,
    /// Largest request message accepted (RESOURCE_EXHAUSTED above it).
    pub max_message_bytes: usize,
    /// Scorecard calls in flight at once before shedding load.
    pub max_concurrent_calls: Option<usize>,
    /// Longest a unary call may take (the client's deadline if shorter).
    pub request_timeout: Option<Duration>,
    /// Longest a streaming call (ScoreReviews, PushResponseTimes) may take.
    pub stream_timeout: Option<Duration>,
    /// HTTP/2 keepalive ping interval and how long to wait for its answer.
    pub keepalive_interval: Option<Duration>,
    pub keepalive_timeout: Duration,
    /// Connections are closed (gracefully) after this age so load
    /// balancers can spread long-lived clients over new replicas.
    pub max_connection_age: Option<Duration>,
    pub tls: Option<TlsFiles>,
    pub auth: Arc<Auth>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            shutdown_grace: Duration::ZERO,
            max_message_bytes: 4 * 1024 * 1024,
            max_concurrent_calls: Some(1024),
            request_timeout: Some(Duration::from_secs(30)),
            stream_timeout: Some(Duration::from_secs(15 * 60)),
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(10),
            max_connection_age: Some(Duration::from_secs(300)),
            tls: None,
            auth: Arc::new(Auth::open()),
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

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn tls_config(files: &TlsFiles) -> Result<ServerTlsConfig, BoxError> {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut config =
        ServerTlsConfig::new().identity(Identity::from_pem(read(&files.cert)?, read(&files.key)?));
    if let Some(ca) = &files.client_ca {
        config = config
            .client_ca_root(Certificate::from_pem(read(ca)?))
            .client_auth_optional(false);
    }
    Ok(config)
}

/// Serves until `shutdown` resolves, then turns health NOT_SERVING, keeps
/// answering for the grace period, stops taking calls and lets the calls
/// in flight finish.
pub async fn serve(
    registry: Arc<Registry>,
    incoming: TcpIncoming,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    serve_with_metrics(registry, incoming, None, options, shutdown).await
}

/// [`serve`], also serving `/metrics` on `metrics_listener` when given.
pub async fn serve_with_metrics(
    registry: Arc<Registry>,
    incoming: TcpIncoming,
    metrics_listener: Option<tokio::net::TcpListener>,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), BoxError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    set_health(&reporter, ServingStatus::Serving).await;
    if options.auth.is_open() {
        tracing::warn!(
            "NO AUTHENTICATION: no tokens file is configured, so any caller may score reviews, push tickets and read rubrics; set SCORECARD_TOKENS to lock the service down"
        );
    }

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    // One shutdown signal, fanned out to the gRPC and metrics servers.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let grace = options.shutdown_grace;
    let drain = {
        let mut stop_rx = stop_rx.clone();
        async move {
            let _ = stop_rx.wait_for(|stop| *stop).await;
            tracing::info!(
                grace_ms = grace.as_millis() as u64,
                "shutting down: health NOT_SERVING"
            );
            set_health(&reporter, ServingStatus::NotServing).await;
            tokio::time::sleep(grace).await;
            tracing::info!("no longer taking calls; finishing the calls in flight");
        }
    };
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let metrics_task = metrics_listener.map(|listener| {
        let mut stop_rx = stop_rx.clone();
        tokio::spawn(async move {
            let stopped = async move {
                let _ = stop_rx.wait_for(|stop| *stop).await;
            };
            if let Err(e) = metrics::serve(listener, stopped).await {
                tracing::error!(error = %e, "metrics server failed");
            }
        })
    });

    let auth = options.auth.clone();
    let max = options.max_message_bytes;
    let scoring = crate::api::encoded::scoring_service_server::ScoringServiceServer::new(
        scoring::ScoringApi::new(registry.clone()),
    )
    .max_decoding_message_size(max);
    let rubrics = pb::rubric_service_server::RubricServiceServer::new(rubrics::RubricApi::new(
        registry.clone(),
    ))
    .max_decoding_message_size(max);
    let tickets = pb::ticket_stats_service_server::TicketStatsServiceServer::new(
        tickets::TicketApi::new(registry),
    )
    .max_decoding_message_size(max);

    let mut builder = Server::builder();
    if let Some(files) = &options.tls {
        builder = builder.tls_config(tls_config(files)?)?;
    }
    // Past its age a connection gets GOAWAY and closes once its calls are
    // done; those are bounded by the request and stream timeouts. No
    // `max_connection_age_grace`: with one, tonic 0.14 sends no GOAWAY at
    // all, but sleeps age + grace and then drops the connection with every
    // call still on it.
    if let Some(age) = options.max_connection_age {
        builder = builder.max_connection_age(age);
    }
    builder
        .http2_keepalive_interval(options.keepalive_interval)
        .http2_keepalive_timeout(Some(options.keepalive_timeout))
        .layer(limits::LimitsLayer::new(
            options.max_concurrent_calls,
            options.request_timeout,
            options.stream_timeout,
        ))
        .add_service(health)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(tonic::service::interceptor::InterceptedService::new(
            scoring,
            auth.interceptor(Role::Reviews),
        ))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            rubrics,
            auth.interceptor(Role::Rubrics),
        ))
        .add_service(tonic::service::interceptor::InterceptedService::new(
            tickets,
            auth.interceptor(Role::Tickets),
        ))
        .serve_with_incoming_shutdown(incoming, drain)
        .await?;
    if let Some(task) = metrics_task {
        let _ = task.await;
    }
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

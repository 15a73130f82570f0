//! Wiring: services, health, reflection, auth, limits, TLS, metrics and
//! graceful shutdown.

pub mod auth;
pub mod form;
pub mod health;
pub mod limits;
pub mod metrics;
pub mod rubrics;
pub mod scoring;
pub mod telemetry;
pub mod tickets;
pub mod transport;

use crate::api::{SERVICE_NAMES, pb};
use auth::{Auth, Role};
use scorecard_core::rubric::Registry;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tonic::transport::server::TcpIncoming;
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
    /// After the grace period: how long connections get to finish their
    /// calls after GOAWAY before they are closed regardless.
    pub drain_timeout: Duration,
    /// From accept to the TLS handshake done and the HTTP/2 preface read.
    pub handshake_timeout: Duration,
    /// SETTINGS_MAX_CONCURRENT_STREAMS of every connection.
    pub max_streams_per_connection: u32,
    /// Open connections at most (also kept below the fd limit).
    pub max_connections: usize,
    /// A connection without a call this long gets GOAWAY.
    pub idle_timeout: Option<Duration>,
    /// A request body (unary) or next message (stream) must come within this.
    pub body_timeout: Option<Duration>,
    /// Health Watch streams open at once, and how long each may stay open.
    pub max_watch_streams: Option<usize>,
    pub watch_timeout: Option<Duration>,
}

/// The default of each [`ServeOptions`] setting, written once: the
/// command line's flags show and use these too. A limit that may be
/// switched off is given here as the value it has when on.
pub mod defaults {
    use std::time::Duration;

    pub const SHUTDOWN_GRACE: Duration = Duration::ZERO;
    pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
    pub const MAX_CONCURRENT_CALLS: usize = 32;
    pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    pub const STREAM_TIMEOUT: Duration = Duration::from_secs(15 * 60);
    pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
    pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);
    pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(5 * 60);
    pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
    pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
    pub const MAX_STREAMS_PER_CONNECTION: u32 = 100;
    pub const MAX_CONNECTIONS: usize = 10_000;
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
    pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
    pub const MAX_WATCH_STREAMS: usize = 100;
    pub const WATCH_TIMEOUT: Duration = Duration::from_secs(10 * 60);
}

impl Default for ServeOptions {
    fn default() -> Self {
        use defaults::*;
        Self {
            shutdown_grace: SHUTDOWN_GRACE,
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_concurrent_calls: Some(MAX_CONCURRENT_CALLS),
            request_timeout: Some(REQUEST_TIMEOUT),
            stream_timeout: Some(STREAM_TIMEOUT),
            keepalive_interval: Some(KEEPALIVE_INTERVAL),
            keepalive_timeout: KEEPALIVE_TIMEOUT,
            max_connection_age: Some(MAX_CONNECTION_AGE),
            tls: None,
            auth: Arc::new(Auth::open()),
            drain_timeout: DRAIN_TIMEOUT,
            handshake_timeout: HANDSHAKE_TIMEOUT,
            max_streams_per_connection: MAX_STREAMS_PER_CONNECTION,
            max_connections: MAX_CONNECTIONS,
            idle_timeout: Some(IDLE_TIMEOUT),
            body_timeout: Some(BODY_TIMEOUT),
            max_watch_streams: Some(MAX_WATCH_STREAMS),
            watch_timeout: Some(WATCH_TIMEOUT),
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

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A TLS file could not be read.
    #[error("{}: {source}", path.display())]
    TlsFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A TLS file is not PEM of what it should hold.
    #[error("{}: {source}", path.display())]
    TlsPem {
        path: PathBuf,
        source: tokio_rustls::rustls::pki_types::pem::Error,
    },
    /// A certificate file holds no certificate.
    #[error("{}: no PEM certificate", path.display())]
    NoCertificate { path: PathBuf },
    /// The certificates and key do not make a TLS configuration.
    #[error(transparent)]
    TlsConfig(#[from] tokio_rustls::rustls::Error),
    /// The client CA does not make a client-certificate verifier.
    #[error(transparent)]
    ClientVerifier(#[from] tokio_rustls::rustls::server::VerifierBuilderError),
    /// The reflection service could not be built from the descriptors.
    #[error(transparent)]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// A rustls acceptor for the certificate files, offering only HTTP/2; with
/// a client CA, a client certificate chaining to it is required.
fn tls_acceptor(files: &TlsFiles) -> Result<tokio_rustls::TlsAcceptor, ServeError> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls::{RootCertStore, ServerConfig, server::WebPkiClientVerifier};
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|source| ServeError::TlsFile {
            path: p.clone(),
            source,
        })
    };
    let pem_error = |p: &PathBuf| {
        let path = p.clone();
        move |source| ServeError::TlsPem { path, source }
    };
    let certs = |p: &PathBuf| -> Result<Vec<CertificateDer<'static>>, ServeError> {
        let pem = read(p)?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(pem_error(p))?;
        if certs.is_empty() {
            return Err(ServeError::NoCertificate { path: p.clone() });
        }
        Ok(certs)
    };
    let key = PrivateKeyDer::from_pem_slice(&read(&files.key)?).map_err(pem_error(&files.key))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match &files.client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(certs(ca)?);
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build()?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(certs(&files.cert)?, key)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Serves until `shutdown` resolves, then turns health NOT_SERVING, keeps
/// answering for the grace period, stops taking calls and lets the calls
/// in flight finish.
pub async fn serve(
    registry: Arc<Registry>,
    incoming: TcpIncoming,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with_metrics(registry, incoming, None, options, shutdown).await
}

/// [`serve`], also serving `/metrics` on `metrics_listener` when given.
pub async fn serve_with_metrics(
    registry: Arc<Registry>,
    incoming: TcpIncoming,
    metrics_listener: Option<tokio::net::TcpListener>,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let (reporter, _) = tonic_health::server::health_reporter();
    let health = health::service(&reporter);
    set_health(&reporter, ServingStatus::Serving).await;
    if options.auth.is_open() {
        tracing::warn!(
            "NO AUTHENTICATION: no tokens file is configured, so any caller may score reviews, push tickets and read rubrics; set SCORECARD_TOKENS to lock the service down"
        );
    }

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(pb::ERROR_DETAILS_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(pb::ERROR_DETAILS_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    // Shutdown: health NOT_SERVING (Watch streams are told), the grace
    // period with calls still answered, then `stop`: Watch streams end,
    // the listener closes, every connection gets GOAWAY, and after the
    // drain timeout whatever is left is closed.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let grace = options.shutdown_grace;
    let drain = options.drain_timeout;
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!(
            grace_ms = grace.as_millis() as u64,
            drain_ms = drain.as_millis() as u64,
            "shutting down: health NOT_SERVING"
        );
        set_health(&reporter, ServingStatus::NotServing).await;
        tokio::time::sleep(grace).await;
        tracing::info!("no longer taking calls; finishing the calls in flight");
        let _ = stop_tx.send(true);
        // Kept alive until the server is gone, so `stop` stays true.
        stop_tx.closed().await;
    });
    if metrics_listener.is_some() {
        // Installed before the first call, so that every call is counted.
        let _ = metrics::handle();
    }
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

    let tls = options.tls.as_ref().map(tls_acceptor).transpose()?;
    let routes = tonic::service::Routes::builder()
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
        .clone()
        .routes()
        .prepare();
    let service = tower::Layer::layer(
        &limits::LimitsLayer::new(
            options.max_concurrent_calls,
            options.request_timeout,
            options.stream_timeout,
        )
        .with_transport(
            options.body_timeout,
            options.max_watch_streams,
            options.watch_timeout,
            stop_rx.clone(),
        ),
        routes,
    );
    // Past its age a connection gets GOAWAY and closes once its calls are
    // done; those are bounded by the request and stream timeouts.
    let connection_limits = transport::ConnectionLimits {
        handshake_timeout: options.handshake_timeout,
        max_streams_per_connection: options.max_streams_per_connection,
        max_connections: options.max_connections,
        idle_timeout: options.idle_timeout,
        max_connection_age: options.max_connection_age,
        keepalive_interval: options.keepalive_interval,
        keepalive_timeout: options.keepalive_timeout,
        stall_grace: options.drain_timeout,
    };
    transport::serve(
        incoming,
        tls,
        service,
        connection_limits,
        stop_rx,
        options.drain_timeout,
    )
    .await;
    if let Some(mut task) = metrics_task {
        // Its connections get no longer than the gRPC ones.
        if tokio::time::timeout(Duration::from_secs(1), &mut task)
            .await
            .is_err()
        {
            tracing::warn!("metrics server still busy after the drain: closed");
            task.abort();
        }
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

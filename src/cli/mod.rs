//! The command line: `serve` (the default), and client commands that talk
//! to a running server or check files offline.

mod error;
mod print;
mod tickets_csv;
pub use error::CliError;
#[doc(hidden)]
pub use tickets_csv::{CsvError, CsvRows, read_csv};

use crate::api::status::ApiError;
use crate::api::{json, pb};
use crate::server::{self, ServeOptions, TlsFiles, auth::Auth, defaults, telemetry::LogFormat};
use clap::{Args, Parser, Subcommand};
use scorecard_core::rubric::{self, Registry};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "scorecard",
    version,
    about = "Scores performance reviews against weighted KPI rubrics, exactly and explained."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no subcommand, `scorecard` serves.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the gRPC service (the default).
    #[command(
        after_help = "Examples:\n  scorecard serve\n  scorecard serve --listen 127.0.0.1:50051 --rubrics ./rubrics --tokens tokens.toml\n\nEvery flag is also an environment variable (SCORECARD_LISTEN, ...)."
    )]
    Serve(ServeArgs),
    /// Score a review file (proto3 JSON of ScoreReviewRequest), in process or on a server.
    #[command(
        after_help = "Examples:\n  scorecard score examples/worked-example.json\n  scorecard score examples/worked-example.json --locale zh-CN\n  scorecard score examples/worked-example.json --server http://127.0.0.1:50051 --json\n\nExit codes: 0 scored; 1 a file or the server could not be read or reached, or the\noutput not written; 2 bad command line; 3 the review was refused\n(INVALID_ARGUMENT, NOT_FOUND)."
    )]
    Score(ScoreArgs),
    /// Render a review file as the printable review form (PDF), offline or
    /// on a server (--server).
    #[command(
        after_help = "Examples:\n  scorecard form examples/worked-example.json -o form.pdf\n  scorecard form examples/worked-example.json -o form.pdf --locale zh-TW\n  scorecard form examples/worked-example.json -o form.pdf --server http://127.0.0.1:50051\n\nExit codes: 0 written; 1 a file or the server could not be read or reached, or the\noutput not written; 2 bad command line; 3 the review was refused\n(INVALID_ARGUMENT, NOT_FOUND)."
    )]
    Form(FormArgs),
    /// Check or show rubrics, offline.
    #[command(
        subcommand,
        after_help = "Examples:\n  scorecard rubric show > rubric.json\n  scorecard rubric check rubric.json\n\n`check` exits 3 when the file does not validate, listing every violation."
    )]
    Rubric(RubricCommand),
    /// Push a ticket export to a server and print the metrics per employee.
    #[command(
        subcommand,
        after_help = "Example:\n  scorecard tickets push examples/tickets.csv --period-label 2026-Q3 \\\n      --period-start 2026-07-01T00:00:00Z --period-end 2026-10-01T00:00:00Z"
    )]
    Tickets(TicketsCommand),
    /// Ask a server's grpc.health.v1 service; exit 0 when SERVING.
    #[command(
        after_help = "Examples:\n  scorecard health\n  scorecard health --server https://scorecard:50051 --ca-cert ca.pem --service scorecard.v1.ScoringService"
    )]
    Health(HealthArgs),
    /// Tokens for the tokens file.
    #[command(
        subcommand,
        after_help = "Example:\n  openssl rand -hex 32 | tee token.txt | scorecard token hash"
    )]
    Token(TokenCommand),
}

/// Settings of `scorecard serve`; each flag is also an environment variable.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to serve gRPC on.
    #[arg(long, env = "SCORECARD_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,
    /// Address to serve Prometheus metrics on (GET /metrics); "off" disables.
    #[arg(long, env = "SCORECARD_METRICS_LISTEN", default_value = "0.0.0.0:9090")]
    pub metrics_listen: String,
    /// Directory of extra rubric files (*.json, *.toml) loaded at start-up.
    #[arg(long, env = "SCORECARD_RUBRICS")]
    pub rubrics: Option<PathBuf>,
    /// Tokens file (TOML) of callers and roles; without it the service is open.
    #[arg(long, env = "SCORECARD_TOKENS")]
    pub tokens: Option<PathBuf>,
    /// Server certificate chain (PEM); enables TLS with --tls-key.
    #[arg(long, env = "SCORECARD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, env = "SCORECARD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// CA (PEM) that client certificates must chain to: mTLS, a client
    /// certificate is then required.
    #[arg(long, env = "SCORECARD_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// Largest request message in bytes (RESOURCE_EXHAUSTED above it).
    #[arg(long, env = "SCORECARD_MAX_MESSAGE_BYTES", default_value_t = defaults::MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,
    /// Scorecard calls in flight before new ones are shed with
    /// RESOURCE_EXHAUSTED; 0 means no limit.
    #[arg(long, env = "SCORECARD_MAX_CONCURRENT_CALLS", default_value_t = defaults::MAX_CONCURRENT_CALLS)]
    pub max_concurrent_calls: usize,
    /// Longest a unary call may take; 0 means no limit.
    #[arg(long, env = "SCORECARD_REQUEST_TIMEOUT", default_value_t = FlagDuration(defaults::REQUEST_TIMEOUT))]
    pub request_timeout: FlagDuration,
    /// Longest a streaming call (ScoreReviews, PushResponseTimes) may take;
    /// 0 means no limit.
    #[arg(long, env = "SCORECARD_STREAM_TIMEOUT", default_value_t = FlagDuration(defaults::STREAM_TIMEOUT))]
    pub stream_timeout: FlagDuration,
    /// HTTP/2 keepalive ping interval; 0 disables pings.
    #[arg(long, env = "SCORECARD_KEEPALIVE_INTERVAL", default_value_t = FlagDuration(defaults::KEEPALIVE_INTERVAL))]
    pub keepalive_interval: FlagDuration,
    /// How long a keepalive ping may go unanswered before the connection closes.
    #[arg(long, env = "SCORECARD_KEEPALIVE_TIMEOUT", default_value_t = FlagDuration(defaults::KEEPALIVE_TIMEOUT))]
    pub keepalive_timeout: FlagDuration,
    /// Connections are closed gracefully after this age, so clients
    /// reconnect and spread over replicas; 0 means never.
    #[arg(long, env = "SCORECARD_MAX_CONNECTION_AGE", default_value_t = FlagDuration(defaults::MAX_CONNECTION_AGE))]
    pub max_connection_age: FlagDuration,
    /// Log format.
    #[arg(long, env = "SCORECARD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Time to keep answering after SIGTERM with health NOT_SERVING, e.g. "5s".
    #[arg(long, env = "SCORECARD_SHUTDOWN_GRACE", default_value_t = FlagDuration(defaults::SHUTDOWN_GRACE))]
    pub shutdown_grace: FlagDuration,
    /// After the grace: how long connections get to finish their calls
    /// after GOAWAY before they are closed and the process exits 0.
    #[arg(long, env = "SCORECARD_DRAIN_TIMEOUT", default_value_t = FlagDuration(defaults::DRAIN_TIMEOUT))]
    pub drain_timeout: FlagDuration,
    /// Time from accept to the TLS handshake and the HTTP/2 preface;
    /// silent connections are closed after it.
    #[arg(long, env = "SCORECARD_HANDSHAKE_TIMEOUT", default_value_t = FlagDuration(defaults::HANDSHAKE_TIMEOUT))]
    pub handshake_timeout: FlagDuration,
    /// SETTINGS_MAX_CONCURRENT_STREAMS: calls at once on one connection.
    #[arg(
        long,
        env = "SCORECARD_MAX_STREAMS_PER_CONNECTION",
        default_value_t = defaults::MAX_STREAMS_PER_CONNECTION
    )]
    pub max_streams_per_connection: u32,
    /// Open connections at most; more are closed at once (also kept 64
    /// below the open-file limit).
    #[arg(long, env = "SCORECARD_MAX_CONNECTIONS", default_value_t = defaults::MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// A connection with no call for this long is closed (GOAWAY); 0 = never.
    #[arg(long, env = "SCORECARD_IDLE_TIMEOUT", default_value_t = FlagDuration(defaults::IDLE_TIMEOUT))]
    pub idle_timeout: FlagDuration,
    /// A unary call's request body, or a stream's next message, must arrive
    /// within this, or the call ends with DEADLINE_EXCEEDED; 0 = no limit.
    #[arg(long, env = "SCORECARD_BODY_TIMEOUT", default_value_t = FlagDuration(defaults::BODY_TIMEOUT))]
    pub body_timeout: FlagDuration,
    /// grpc.health.v1.Health/Watch streams open at once; 0 = no limit.
    #[arg(long, env = "SCORECARD_MAX_WATCH_STREAMS", default_value_t = defaults::MAX_WATCH_STREAMS)]
    pub max_watch_streams: usize,
    /// Longest a Health/Watch stream stays open; 0 = no limit.
    #[arg(long, env = "SCORECARD_WATCH_TIMEOUT", default_value_t = FlagDuration(defaults::WATCH_TIMEOUT))]
    pub watch_timeout: FlagDuration,
}

impl ServeArgs {
    /// The server options these flags describe.
    pub fn options(&self) -> Result<ServeOptions, server::auth::AuthFileError> {
        let nonzero = |d: Duration| (!d.is_zero()).then_some(d);
        let auth = match &self.tokens {
            Some(path) => Auth::from_file(path)?,
            None => Auth::open(),
        };
        Ok(ServeOptions {
            shutdown_grace: self.shutdown_grace.0,
            max_message_bytes: self.max_message_bytes,
            max_concurrent_calls: (self.max_concurrent_calls > 0)
                .then_some(self.max_concurrent_calls),
            request_timeout: nonzero(self.request_timeout.0),
            stream_timeout: nonzero(self.stream_timeout.0),
            keepalive_interval: nonzero(self.keepalive_interval.0),
            keepalive_timeout: self.keepalive_timeout.0,
            max_connection_age: nonzero(self.max_connection_age.0),
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles {
                    cert: cert.clone(),
                    key: key.clone(),
                    client_ca: self.tls_client_ca.clone(),
                }),
                _ => None,
            },
            auth: Arc::new(auth),
            drain_timeout: self.drain_timeout.0,
            handshake_timeout: self.handshake_timeout.0,
            max_streams_per_connection: self.max_streams_per_connection.max(1),
            max_connections: self.max_connections.max(1),
            idle_timeout: nonzero(self.idle_timeout.0),
            body_timeout: nonzero(self.body_timeout.0),
            max_watch_streams: (self.max_watch_streams > 0).then_some(self.max_watch_streams),
            watch_timeout: nonzero(self.watch_timeout.0),
        })
    }
}

/// Where client commands find a server when none is given.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:50051";

impl ClientArgs {
    /// The server to call.
    pub fn url(&self) -> &str {
        self.server.as_deref().unwrap_or(DEFAULT_SERVER)
    }
}

/// How a client command reaches a server.
#[derive(Args, Debug, Clone)]
pub struct ClientArgs {
    /// Server address; https:// for TLS [default: http://127.0.0.1:50051;
    /// `score` runs in process when neither this nor SCORECARD_SERVER is set].
    #[arg(long, env = "SCORECARD_SERVER")]
    pub server: Option<String>,
    /// Bearer token (better given by the environment than on the command line).
    #[arg(long, env = "SCORECARD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// CA (PEM) to verify the server's certificate with.
    #[arg(long, env = "SCORECARD_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate (PEM) for mTLS.
    #[arg(long, env = "SCORECARD_CLIENT_CERT", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// Client private key (PEM) for mTLS.
    #[arg(long, env = "SCORECARD_CLIENT_KEY", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ScoreArgs {
    /// Review request file in proto3 JSON (see examples/).
    file: PathBuf,
    #[command(flatten)]
    client: ClientArgs,
    /// Print the raw answer as proto3 JSON.
    #[arg(long)]
    json: bool,
    /// Override the request's locale (zh-CN, zh-TW, en).
    #[arg(long)]
    locale: Option<String>,
    /// Directory of extra rubric files, when scoring in process.
    #[arg(long, env = "SCORECARD_RUBRICS")]
    rubrics: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct FormArgs {
    /// Review file in proto3 JSON: a ScoreReviewRequest, or a
    /// RenderReviewFormRequest (with "review", "notes", "signers").
    file: PathBuf,
    /// Where to write the PDF.
    #[arg(short, long)]
    output: PathBuf,
    /// Override the review's locale (zh-CN, zh-TW, en).
    #[arg(long)]
    locale: Option<String>,
    /// Render on this server (https:// for TLS) instead of in-process.
    #[arg(long)]
    server: Option<String>,
    /// Bearer token for --server.
    #[arg(long, env = "SCORECARD_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// CA (PEM) to verify the server's certificate with.
    #[arg(long, env = "SCORECARD_CA_CERT")]
    ca_cert: Option<PathBuf>,
    /// Client certificate (PEM) for mTLS.
    #[arg(long, env = "SCORECARD_CLIENT_CERT", requires = "client_key")]
    client_cert: Option<PathBuf>,
    /// Client private key (PEM) for mTLS.
    #[arg(long, env = "SCORECARD_CLIENT_KEY", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// In-process only: also load the rubric files of this directory.
    #[arg(long, env = "SCORECARD_RUBRICS")]
    rubrics: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum RubricCommand {
    /// Validate a rubric file (JSON or TOML) and list every violation.
    Check { file: PathBuf },
    /// Print a rubric in its canonical JSON form (the built-in by default).
    Show {
        /// Rubric id; the built-in rubric when absent.
        id: Option<String>,
        /// Version; the latest when absent.
        #[arg(long)]
        version: Option<u32>,
        /// Also look in this directory of rubric files.
        #[arg(long, env = "SCORECARD_RUBRICS")]
        rubrics: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum TicketsCommand {
    /// Push a CSV ticket export (header row naming the record fields).
    Push(tickets_csv::PushArgs),
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Read a token from standard input and print its SHA-256 for the tokens file.
    Hash,
}

#[derive(Args, Debug)]
struct HealthArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Service to ask about; the server as a whole when empty.
    #[arg(long, default_value = "")]
    service: String,
}

/// A duration flag's value: read by [`parse_duration`], shown (as a
/// default in `--help`) in the largest unit that writes it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagDuration(pub Duration);

impl std::str::FromStr for FlagDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, DurationError> {
        parse_duration(text).map(FlagDuration)
    }
}

impl std::fmt::Display for FlagDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0.as_millis();
        match ms {
            0 => f.write_str("0s"),
            _ if ms.is_multiple_of(3_600_000) => write!(f, "{}h", ms / 3_600_000),
            _ if ms.is_multiple_of(60_000) => write!(f, "{}m", ms / 60_000),
            _ if ms.is_multiple_of(1000) => write!(f, "{}s", ms / 1000),
            _ => write!(f, "{ms}ms"),
        }
    }
}

/// Why a flag's value is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("\"{0}\" is not a duration like 500ms, 5s, 2m")]
    NotANumber(String),
    #[error("\"{text}\": unknown unit \"{unit}\" (use ms, s, m or h)")]
    UnknownUnit { text: String, unit: String },
    #[error("\"{0}\" is not a non-negative duration")]
    Negative(String),
}

/// Parses "500ms", "5s", "2m", "1h" or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| DurationError::NotANumber(text.to_string()))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(DurationError::UnknownUnit {
                text: text.to_string(),
                unit: unit.to_string(),
            });
        }
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(DurationError::Negative(text.to_string()));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs the command line; returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        None => runtime.block_on(serve(cli.serve)),
        Some(Command::Serve(args)) => runtime.block_on(serve(args)),
        Some(Command::Score(args)) => runtime.block_on(score(args)),
        Some(Command::Form(args)) => runtime.block_on(form(args)),
        Some(Command::Rubric(RubricCommand::Check { file })) => rubric_check(&file),
        Some(Command::Rubric(RubricCommand::Show {
            id,
            version,
            rubrics,
        })) => rubric_show(id, version, rubrics),
        Some(Command::Tickets(TicketsCommand::Push(args))) => {
            runtime.block_on(tickets_csv::push(args))
        }
        Some(Command::Health(args)) => runtime.block_on(health(args)),
        Some(Command::Token(TokenCommand::Hash)) => token_hash(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<ExitCode, CliError>;

/// The built-in rubric plus every file of `dir`; every bad file is named
/// with every violation.
pub fn load_registry(dir: Option<&std::path::Path>) -> Result<Registry, CliError> {
    let mut registry = Registry::with_builtin();
    if let Some(dir) = dir {
        let rubrics = rubric::load_dir(dir).map_err(|errors| CliError::Rubrics {
            dir: dir.to_path_buf(),
            errors,
        })?;
        for (path, r) in rubrics {
            if let Err(source) = registry.add(r) {
                return Err(CliError::RubricTwice { path, source });
            }
        }
    }
    Ok(registry)
}

async fn serve(args: ServeArgs) -> CliResult {
    let _log = server::telemetry::init(args.log_format);
    let registry = Arc::new(load_registry(args.rubrics.as_deref())?);
    for entry in registry.entries() {
        tracing::info!(rubric = %entry.rubric.id, version = entry.rubric.version, hash = %entry.rubric.content_hash, built_in = entry.built_in, "rubric loaded");
    }
    let mut options = args.options()?;
    let (before, now) = server::transport::raise_fd_limit();
    let fmt = |n: Option<u64>| n.map_or("unlimited".to_string(), |n| n.to_string());
    if let Some(fds) = now {
        // Room for the listeners, rubric files and logs besides connections.
        let room = usize::try_from(fds.saturating_sub(64))
            .unwrap_or(usize::MAX)
            .max(1);
        if options.max_connections > room {
            tracing::warn!(
                max_connections = options.max_connections,
                lowered_to = room,
                "--max-connections lowered below the open-file limit"
            );
            options.max_connections = room;
        }
    }
    tracing::info!(
        soft_before = %fmt(before),
        soft_now = %fmt(now),
        max_connections = options.max_connections,
        "open-file limit"
    );
    let incoming = server::bind(args.listen).map_err(|source| CliError::Listen {
        addr: args.listen.to_string(),
        source,
    })?;
    let metrics = match args.metrics_listen.trim() {
        "" | "off" => None,
        addr => {
            let addr: SocketAddr = addr.parse().map_err(|source| CliError::MetricsAddress {
                addr: addr.to_string(),
                source,
            })?;
            Some(
                tokio::net::TcpListener::bind(addr)
                    .await
                    .map_err(|source| CliError::Listen {
                        addr: addr.to_string(),
                        source,
                    })?,
            )
        }
    };
    tracing::info!(listen = %args.listen, metrics = %args.metrics_listen, tls = options.tls.is_some(), mtls = args.tls_client_ca.is_some(), version = crate::VERSION, "scorecard serving");
    server::serve_with_metrics(
        registry,
        incoming,
        metrics,
        options,
        server::shutdown_signal(),
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

fn token_hash() -> CliResult {
    let mut token = String::new();
    std::io::stdin().read_line(&mut token)?;
    if token.trim().is_empty() {
        return Err(CliError::NoToken);
    }
    print::emit(&format!("{}\n", crate::server::auth::hash_token(&token)))?;
    Ok(ExitCode::SUCCESS)
}

/// A channel with the bearer token attached to every call.
pub type AuthedChannel =
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, Bearer>;

/// Adds `authorization: Bearer …` when a token is configured.
#[derive(Clone)]
pub struct Bearer(Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>);

impl tonic::service::Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// Connects as `args` says: TLS for https://, mTLS with a client
/// certificate, a bearer token when given.
pub async fn connect(args: &ClientArgs) -> Result<AuthedChannel, CliError> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let read = |p: &PathBuf| {
        std::fs::read(p).map_err(|source| CliError::File {
            path: p.clone(),
            source,
        })
    };
    let server = args.url();
    let mut endpoint = tonic::transport::Endpoint::from_shared(server.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true);
    if server.starts_with("https://") {
        let mut tls = ClientTlsConfig::new();
        if let Some(ca) = &args.ca_cert {
            tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
        }
        if let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) {
            tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
        }
        endpoint = endpoint.tls_config(tls)?;
    }
    let channel = endpoint
        .connect()
        .await
        .map_err(|source| CliError::Connect {
            server: server.to_string(),
            source,
        })?;
    let bearer = match &args.token {
        Some(t) => Some(
            format!("Bearer {}", t.trim())
                .parse()
                .map_err(|_| CliError::TokenNotAHeader)?,
        ),
        None => None,
    };
    Ok(tonic::service::interceptor::InterceptedService::new(
        channel,
        Bearer(bearer),
    ))
}

/// Exit code of a client command whose request was refused as invalid
/// (INVALID_ARGUMENT, NOT_FOUND), as opposed to 1 for a failure to reach or
/// read anything.
pub const EXIT_INVALID: u8 = 3;

/// The exit code for a refused call: 3 when the request itself was wrong.
pub fn exit_for(status: &tonic::Status) -> ExitCode {
    match status.code() {
        tonic::Code::InvalidArgument | tonic::Code::NotFound => ExitCode::from(EXIT_INVALID),
        _ => ExitCode::FAILURE,
    }
}

/// Reads a proto3 JSON request file.
pub fn read_json<M: prost::Message + Default>(
    path: &std::path::Path,
    full_name: &'static str,
) -> Result<M, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::File {
        path: path.to_path_buf(),
        source,
    })?;
    json::from_json(full_name, &text).map_err(|source| CliError::Request {
        path: path.to_path_buf(),
        message: full_name,
        source,
    })
}

/// Scores in process when no server is given, else on the server; the
/// answer or the refusal is the same either way.
pub async fn score_request(
    client: &ClientArgs,
    rubrics: Option<&std::path::Path>,
    request: pb::ScoreReviewRequest,
) -> Result<Result<pb::ScoreReviewResponse, tonic::Status>, CliError> {
    if client.server.is_none() {
        let registry = load_registry(rubrics)?;
        let (_, answer) = server::scoring::score_one(&registry, request);
        return Ok(match answer {
            Ok(bytes) => Ok(bytes.decode()?),
            Err(e) => Err(ApiError(e).into()),
        });
    }
    let mut grpc = pb::scoring_service_client::ScoringServiceClient::new(connect(client).await?);
    Ok(grpc
        .score_review(request)
        .await
        .map(tonic::Response::into_inner))
}

async fn score(args: ScoreArgs) -> CliResult {
    let mut request: pb::ScoreReviewRequest =
        read_json(&args.file, "scorecard.v1.ScoreReviewRequest")?;
    if let Some(locale) = args.locale {
        request.locale = locale;
    }
    match score_request(&args.client, args.rubrics.as_deref(), request).await? {
        Ok(answer) => {
            if args.json {
                let text = json::to_json("scorecard.v1.ScoreReviewResponse", &answer)?;
                print::emit(&format!("{text}\n"))?;
            } else {
                print::emit(&print::breakdown(&answer))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(status) => {
            eprint!(
                "{}{}",
                print::status(&status),
                mtls_hint(&args.client, &status)
            );
            Ok(exit_for(&status))
        }
    }
}

/// A line for a call that failed before it reached a TLS server when no
/// client certificate was given: a server that requires one (mTLS) ends
/// the handshake, and the transport's words say nothing of why.
pub fn mtls_hint(client: &ClientArgs, status: &tonic::Status) -> &'static str {
    let tls = client
        .server
        .as_deref()
        .is_some_and(|s| s.starts_with("https://"));
    let transport = matches!(
        status.code(),
        tonic::Code::Unavailable | tonic::Code::Cancelled | tonic::Code::Unknown
    );
    if tls && transport && client.client_cert.is_none() {
        "hint: a server that requires client certificates (mTLS) refuses a client without --client-cert and --client-key\n"
    } else {
        ""
    }
}

/// A review file as a RenderReviewFormRequest: one that has a "review"
/// object is read as that, anything else as the ScoreReviewRequest alone.
fn form_request(file: &std::path::Path) -> Result<pb::RenderReviewFormRequest, CliError> {
    let text = std::fs::read_to_string(file).map_err(|source| CliError::File {
        path: file.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| CliError::NotJson {
            path: file.to_path_buf(),
            source,
        })?;
    let request = |message: &'static str| {
        move |source| CliError::Request {
            path: file.to_path_buf(),
            message,
            source,
        }
    };
    if value
        .get("review")
        .is_some_and(serde_json::Value::is_object)
    {
        json::from_json("scorecard.v1.RenderReviewFormRequest", &text)
            .map_err(request("RenderReviewFormRequest"))
    } else {
        let review = json::from_json("scorecard.v1.ScoreReviewRequest", &text)
            .map_err(request("ScoreReviewRequest"))?;
        Ok(pb::RenderReviewFormRequest {
            review: Some(review),
            ..Default::default()
        })
    }
}

async fn form(args: FormArgs) -> CliResult {
    let mut request = form_request(&args.file)?;
    if let (Some(locale), Some(review)) = (&args.locale, request.review.as_mut()) {
        review.locale = locale.clone();
    }
    let answer = match &args.server {
        Some(server) => {
            let client_args = ClientArgs {
                server: Some(server.clone()),
                token: args.token.clone(),
                ca_cert: args.ca_cert.clone(),
                client_cert: args.client_cert.clone(),
                client_key: args.client_key.clone(),
            };
            let mut client =
                pb::scoring_service_client::ScoringServiceClient::new(connect(&client_args).await?);
            client
                .render_review_form(request)
                .await
                .map(tonic::Response::into_inner)
        }
        None => {
            let registry = load_registry(args.rubrics.as_deref())?;
            crate::server::form::render_form(&registry, request).1
        }
    };
    match answer {
        Ok(answer) => {
            std::fs::write(&args.output, &answer.pdf).map_err(|source| CliError::File {
                path: args.output.clone(),
                source,
            })?;
            print::emit(&format!(
                "{}: {} bytes, {} page(s), {}\n",
                args.output.display(),
                answer.size_bytes,
                answer.page_count,
                answer.media_type
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(status) => {
            let client = args.server.as_ref().map(|server| ClientArgs {
                server: Some(server.clone()),
                token: None,
                ca_cert: None,
                client_cert: args.client_cert.clone(),
                client_key: None,
            });
            let hint = client.map_or("", |c| mtls_hint(&c, &status));
            eprint!("{}{hint}", print::status(&status));
            Ok(exit_for(&status))
        }
    }
}

fn rubric_check(file: &std::path::Path) -> CliResult {
    match rubric::parse_file(file) {
        Ok(r) => {
            print::emit(&format!(
                "{}: OK: rubric {} version {}, {} dimensions, {} indicators, {}\n",
                file.display(),
                r.id,
                r.version,
                r.dimensions.len(),
                r.indicator_count(),
                r.content_hash
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        // A file that cannot be read is 1, as for every command; one that
        // does not parse or validate is 3.
        Err(e @ rubric::LoadError::Io { .. }) => {
            eprintln!("error: {e}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(EXIT_INVALID))
        }
    }
}

fn rubric_show(id: Option<String>, version: Option<u32>, dir: Option<PathBuf>) -> CliResult {
    let registry = load_registry(dir.as_deref())?;
    // No id: the built-in rubric, as for a request that names none.
    let found = match (&id, version) {
        (None, None) => registry.builtin(),
        (None, Some(v)) => registry.get(rubric::BUILTIN_RUBRIC_ID, Some(v)),
        (Some(id), v) => registry.get(id, v),
    };
    let entry = match found {
        Ok(entry) => entry,
        // NOT_FOUND, as `score` exits for an unknown rubric.
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    eprintln!(
        "# {} version {} {}",
        entry.rubric.id, entry.rubric.version, entry.rubric.content_hash
    );
    let text = serde_json::to_string_pretty(&rubric::to_spec(&entry.rubric))?;
    print::emit(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

async fn health(args: HealthArgs) -> CliResult {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let mut client = HealthClient::new(connect(&args.client).await?);
    let answer = client
        .check(HealthCheckRequest {
            service: args.service.clone(),
        })
        .await
        .map_err(|status| {
            let hint = mtls_hint(&args.client, &status);
            CliError::Health(status, hint)
        })?
        .into_inner();
    let status = ServingStatus::try_from(answer.status).unwrap_or(ServingStatus::Unknown);
    print::emit(&format!("{}\n", status.as_str_name()))?;
    Ok(if status == ServingStatus::Serving {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod serve_defaults {
    use super::*;

    /// `scorecard serve` with no flags runs with `ServeOptions::default()`.
    #[test]
    fn no_flags_give_the_servers_defaults() {
        let cli = Cli::try_parse_from(["scorecard"]).expect("no flags parse");
        let got = cli.serve.options().expect("no tokens file to read");
        let want = ServeOptions::default();
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    /// The defaults read back from the text `--help` shows for them.
    #[test]
    fn durations_show_in_the_largest_whole_unit() {
        let shown = |d: Duration| FlagDuration(d).to_string();
        assert_eq!(shown(Duration::ZERO), "0s");
        assert_eq!(shown(Duration::from_millis(500)), "500ms");
        assert_eq!(shown(Duration::from_secs(30)), "30s");
        assert_eq!(shown(Duration::from_secs(15 * 60)), "15m");
        assert_eq!(shown(Duration::from_secs(2 * 3600)), "2h");
        for d in [Duration::from_millis(1500), Duration::from_secs(90)] {
            assert_eq!(parse_duration(&shown(d)), Ok(d), "{d:?}");
        }
    }
}

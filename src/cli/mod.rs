//! The command line: `serve` (the default), and client commands that talk
//! to a running server or check files offline.

mod print;
mod tickets_csv;

use crate::api::{json, pb};
use crate::domain::rubric::{self, Registry};
use crate::server::{self, ServeOptions, telemetry::LogFormat};
use clap::{Args, Parser, Subcommand};
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
    Serve(ServeArgs),
    /// Score a review file (proto3 JSON of ScoreReviewRequest) on a server.
    Score(ScoreArgs),
    /// Check or show rubrics, offline.
    #[command(subcommand)]
    Rubric(RubricCommand),
    /// Push a ticket export to a server and print the metrics per employee.
    #[command(subcommand)]
    Tickets(TicketsCommand),
    /// Ask a server's grpc.health.v1 service; exit 0 when SERVING.
    Health(HealthArgs),
}

/// Settings of `scorecard serve`; each flag is also an environment variable.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to serve gRPC on.
    #[arg(long, env = "SCORECARD_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,
    /// Directory of extra rubric files (*.json, *.toml) loaded at start-up.
    #[arg(long, env = "SCORECARD_RUBRICS")]
    pub rubrics: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "SCORECARD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Time to keep answering after SIGTERM with health NOT_SERVING, e.g. "5s".
    #[arg(long, env = "SCORECARD_SHUTDOWN_GRACE", default_value = "0s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
}

#[derive(Args, Debug)]
struct ClientArgs {
    /// Server address.
    #[arg(
        long,
        env = "SCORECARD_SERVER",
        default_value = "http://127.0.0.1:50051"
    )]
    server: String,
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

#[derive(Args, Debug)]
struct HealthArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// Service to ask about; the server as a whole when empty.
    #[arg(long, default_value = "")]
    service: String,
}

/// Parses "500ms", "5s", "2m", "1h" or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a duration like 500ms, 5s, 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "\"{text}\": unknown unit \"{unit}\" (use ms, s, m or h)"
            ));
        }
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(format!("\"{text}\" is not a non-negative duration"));
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
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<ExitCode, Box<dyn std::error::Error + Send + Sync>>;

/// The built-in rubric plus every file of `dir`; every bad file is named
/// with every violation.
pub fn load_registry(dir: Option<&std::path::Path>) -> Result<Registry, String> {
    let mut registry = Registry::with_builtin();
    if let Some(dir) = dir {
        let rubrics = rubric::load_dir(dir).map_err(|errors| {
            let mut text = format!("cannot load the rubrics in {}:", dir.display());
            for e in errors {
                text.push_str(&format!("\n{e}"));
            }
            text
        })?;
        for (path, r) in rubrics {
            registry
                .add(r)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(registry)
}

async fn serve(args: ServeArgs) -> CliResult {
    server::telemetry::init(args.log_format);
    let registry = Arc::new(load_registry(args.rubrics.as_deref())?);
    for entry in registry.entries() {
        tracing::info!(rubric = %entry.rubric.id, version = entry.rubric.version, hash = %entry.rubric.content_hash, built_in = entry.built_in, "rubric loaded");
    }
    let incoming = server::bind(args.listen)?;
    tracing::info!(listen = %args.listen, version = crate::VERSION, "scorecard serving");
    let options = ServeOptions {
        shutdown_grace: args.shutdown_grace,
    };
    server::serve(registry, incoming, options, server::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn connect(
    server: &str,
) -> Result<tonic::transport::Channel, Box<dyn std::error::Error + Send + Sync>> {
    let endpoint = tonic::transport::Endpoint::from_shared(server.to_string())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true);
    endpoint
        .connect()
        .await
        .map_err(|e| format!("cannot connect to {server}: {e}").into())
}

async fn score(args: ScoreArgs) -> CliResult {
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let mut request: pb::ScoreReviewRequest =
        json::from_json("scorecard.v1.ScoreReviewRequest", &text).map_err(|e| {
            format!(
                "{}: not a ScoreReviewRequest in proto3 JSON: {e}",
                args.file.display()
            )
        })?;
    if let Some(locale) = args.locale {
        request.locale = locale;
    }
    let mut client =
        pb::scoring_service_client::ScoringServiceClient::new(connect(&args.client.server).await?);
    match client.score_review(request).await {
        Ok(answer) => {
            let answer = answer.into_inner();
            if args.json {
                println!(
                    "{}",
                    json::to_json("scorecard.v1.ScoreReviewResponse", &answer)?
                );
            } else {
                print!("{}", print::breakdown(&answer));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(status) => {
            eprint!("{}", print::status(&status));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn rubric_check(file: &std::path::Path) -> CliResult {
    match rubric::parse_file(file) {
        Ok(r) => {
            println!(
                "{}: OK: rubric {} version {}, {} dimensions, {} indicators, {}",
                file.display(),
                r.id,
                r.version,
                r.dimensions.len(),
                r.indicator_count(),
                r.content_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn rubric_show(id: Option<String>, version: Option<u32>, dir: Option<PathBuf>) -> CliResult {
    let registry = load_registry(dir.as_deref())?;
    let id = id.unwrap_or_else(|| rubric::BUILTIN_RUBRIC_ID.to_string());
    let entry = registry.get(&id, version)?;
    eprintln!(
        "# {} version {} {}",
        entry.rubric.id, entry.rubric.version, entry.rubric.content_hash
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&rubric::to_spec(&entry.rubric))?
    );
    Ok(ExitCode::SUCCESS)
}

async fn health(args: HealthArgs) -> CliResult {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let mut client = HealthClient::new(connect(&args.client.server).await?);
    let answer = client
        .check(HealthCheckRequest {
            service: args.service.clone(),
        })
        .await
        .map_err(|s| format!("health check failed: {} {}", s.code(), s.message()))?
        .into_inner();
    let status = ServingStatus::try_from(answer.status).unwrap_or(ServingStatus::Unknown);
    println!("{}", status.as_str_name());
    Ok(if status == ServingStatus::Serving {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

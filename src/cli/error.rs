//! Why a command failed (exit code 1); each text is what `error: …`
//! prints.

use super::tickets_csv::CsvError;
use crate::api::json::JsonError;
use crate::server::ServeError;
use crate::server::auth::AuthFileError;
use scorecard_core::rubric::{AlreadyLoaded, LoadError};
use std::path::PathBuf;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Some rubric files of a directory could not be loaded.
    #[error("cannot load the rubrics in {}:{}", dir.display(), lines(errors))]
    Rubrics {
        dir: PathBuf,
        errors: Vec<LoadError>,
    },
    /// A rubric's (id, version) is loaded already.
    #[error("{}: {source}", path.display())]
    RubricTwice {
        path: PathBuf,
        source: AlreadyLoaded,
    },
    /// No rubric of that id or version.
    #[error(transparent)]
    Domain(#[from] scorecard_core::Error),
    /// The tokens file.
    #[error(transparent)]
    Auth(#[from] AuthFileError),
    /// The server could not start.
    #[error(transparent)]
    Serve(#[from] ServeError),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    /// `--metrics-listen` is not an address.
    #[error("--metrics-listen {addr}: {source}")]
    MetricsAddress {
        addr: String,
        source: std::net::AddrParseError,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is not JSON at all.
    #[error("{}: not JSON: {source}", path.display())]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A request file is not the message it should be.
    #[error("{}: not a {message} in proto3 JSON: {source}", path.display())]
    Request {
        path: PathBuf,
        message: &'static str,
        source: JsonError,
    },
    /// A message could not be written as JSON.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// A rubric could not be written as JSON.
    #[error(transparent)]
    RubricJson(#[from] serde_json::Error),
    /// Reading standard input.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Writing standard output.
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// `token hash` read an empty line.
    #[error("no token on standard input")]
    NoToken,
    /// The server address or TLS settings are unusable.
    #[error(transparent)]
    Endpoint(#[from] tonic::transport::Error),
    /// The server could not be reached.
    #[error("cannot connect to {server}: {source}")]
    Connect {
        server: String,
        source: tonic::transport::Error,
    },
    /// The token cannot travel in a header.
    #[error("the token has characters not allowed in a header")]
    TokenNotAHeader,
    /// The health check was refused; with a hint for mTLS, or "".
    #[error("health check failed: {} {}{}", .0.code(), .0.message(), .1.strip_suffix('\n').map(|h| format!("\n{h}")).unwrap_or_default())]
    Health(tonic::Status, &'static str),
    /// An in-process answer did not decode (a fault of the service).
    #[error(transparent)]
    Decode(#[from] prost::DecodeError),
    /// A calendar file (`index`: the calendar's place in an array of them)
    /// is not a BusinessCalendar in proto3 JSON.
    #[error("{}{}: {source}", path.display(), index.map(|i| format!(" [{i}]")).unwrap_or_default())]
    Calendar {
        path: PathBuf,
        index: Option<usize>,
        source: JsonError,
    },
    /// A calendars file is not a JSON array.
    #[error("{}: a JSON array of calendars: {source}", path.display())]
    Calendars {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A CSV file's header is unusable.
    #[error("{}: {source}", path.display())]
    CsvFile { path: PathBuf, source: CsvError },
    /// A time flag of `tickets push`, or the CSV header row.
    #[error(transparent)]
    Csv(#[from] CsvError),
}

fn lines(errors: &[LoadError]) -> String {
    errors.iter().map(|e| format!("\n{e}")).collect()
}

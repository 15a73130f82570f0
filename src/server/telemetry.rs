//! Logs: one line per RPC with method, review id, rubric, duration and
//! code. Never a person's name, a token or a certificate.

use std::time::Instant;
use tonic::{Code, Status};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the global subscriber; `RUST_LOG` overrides the level.
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests start many servers) is harmless.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// One unary or client-streaming call being served.
pub struct CallLog {
    method: &'static str,
    review_id: String,
    /// The rubric (or other short subject) to log.
    pub rubric: String,
    /// The authenticated caller's name (never a token).
    pub caller: String,
    start: Instant,
}

impl CallLog {
    pub fn start(method: &'static str, review_id: &str) -> Self {
        super::metrics::call_started(method);
        Self {
            method,
            review_id: review_id.chars().take(128).collect(),
            rubric: String::new(),
            caller: String::new(),
            start: Instant::now(),
        }
    }

    /// Logs the line and records the call's metrics.
    pub fn finish(self, error: Option<&Status>) {
        let code = error.map_or(Code::Ok, Status::code);
        let elapsed = self.start.elapsed();
        super::metrics::call_finished(self.method, code, elapsed);
        tracing::info!(
            method = self.method,
            review_id = %self.review_id,
            rubric = %self.rubric,
            caller = %self.caller,
            duration_us = elapsed.as_micros() as u64,
            code = ?code,
            "rpc"
        );
    }
}

/// The caller name the auth interceptor put on a request, if any.
pub fn caller<T>(request: &tonic::Request<T>) -> String {
    request
        .extensions()
        .get::<super::auth::CallerName>()
        .map(|c| c.0.clone())
        .unwrap_or_default()
}

/// A server-streaming call: logged when its stream is dropped (finished,
/// failed or cancelled), with how many answers and errors it carried.
pub struct StreamLog {
    method: &'static str,
    start: Instant,
    pub count: u64,
    pub errors: u64,
}

impl StreamLog {
    pub fn start(method: &'static str) -> Self {
        super::metrics::call_started(method);
        Self {
            method,
            start: Instant::now(),
            count: 0,
            errors: 0,
        }
    }
}

impl Drop for StreamLog {
    fn drop(&mut self) {
        let elapsed = self.start.elapsed();
        super::metrics::call_finished(self.method, Code::Ok, elapsed);
        super::metrics::reviews_scored(self.count - self.errors, self.errors);
        tracing::info!(
            method = self.method,
            reviews = self.count,
            review_errors = self.errors,
            duration_us = elapsed.as_micros() as u64,
            code = ?Code::Ok,
            "rpc"
        );
    }
}

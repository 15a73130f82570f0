//! Logs: one line per RPC with method, review id, rubric, duration and
//! code. Never a person's name, a token or a certificate.

use super::limits::DeadlinePassed;
use std::io::IsTerminal;
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
        .with_ansi(colour(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        ))
        .with_writer(std::io::stderr);
    // A second init (tests start many servers) is harmless.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Whether text logs are coloured: only on a terminal, and not when
/// `NO_COLOR` is set to anything but an empty string (no-color.org).
/// Collected logs (a file, a pipe, a container runtime) get plain text:
/// colour codes there are noise, and styling each field made the per-call
/// line cost about 20,200 instructions instead of 12,500 (BENCHMARKS.md,
/// "2026-12-02, fifth session").
fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// One unary or client-streaming call being served. Logged by
/// [`CallLog::finish`], or when dropped unfinished: the call's deadline or
/// its client ended it.
pub struct CallLog {
    method: &'static str,
    review_id: String,
    /// The rubric (or other short subject) to log.
    pub rubric: String,
    /// The authenticated caller's name (never a token).
    caller: String,
    /// Set by the limits layer when the call's deadline ends it.
    deadline: Option<DeadlinePassed>,
    start: Instant,
    finished: bool,
}

impl CallLog {
    /// A call starting: its caller and deadline flag are taken from the
    /// request, where the auth and limits layers put them.
    pub fn start<T>(method: &'static str, request: &tonic::Request<T>) -> Self {
        super::metrics::call_started(method);
        seen(request);
        Self {
            method,
            review_id: String::new(),
            rubric: String::new(),
            caller: caller(request),
            deadline: deadline(request),
            start: Instant::now(),
            finished: false,
        }
    }

    /// The review the call is about (its first 128 characters).
    pub fn review_id(&mut self, review_id: &str) {
        self.review_id = review_id.chars().take(128).collect();
    }

    /// Logs the line and records the call's metrics.
    pub fn finish(mut self, error: Option<&Status>) {
        self.finished = true;
        self.record(error.map_or(Code::Ok, Status::code));
    }

    fn record(&self, code: Code) {
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

impl Drop for CallLog {
    fn drop(&mut self) {
        if !self.finished {
            self.record(unfinished_code(self.deadline.as_ref()));
        }
    }
}

/// The code of a call dropped before it ended: its deadline's, or its
/// client's going away.
fn unfinished_code(deadline: Option<&DeadlinePassed>) -> Code {
    if deadline.is_some_and(DeadlinePassed::get) {
        Code::DeadlineExceeded
    } else {
        Code::Cancelled
    }
}

/// Tells the limits layer the call reached its handler (it logs the calls
/// refused before).
fn seen<T>(request: &tonic::Request<T>) {
    if let Some(seen) = request.extensions().get::<super::limits::CallSeen>() {
        seen.set();
    }
}

/// The deadline flag the limits layer put on a request, if any.
fn deadline<T>(request: &tonic::Request<T>) -> Option<DeadlinePassed> {
    request.extensions().get::<DeadlinePassed>().cloned()
}

/// The caller name the auth interceptor put on a request, if any.
fn caller<T>(request: &tonic::Request<T>) -> String {
    request
        .extensions()
        .get::<super::auth::CallerName>()
        .map(|c| c.0.clone())
        .unwrap_or_default()
}

/// A server-streaming call: logged when its stream is dropped (finished,
/// failed or cancelled), with how many answers and errors it carried and
/// the code it ended with.
pub struct StreamLog {
    method: &'static str,
    start: Instant,
    pub count: u64,
    pub errors: u64,
    /// The code the stream ended with; None while it runs.
    ended: Option<Code>,
    deadline: Option<DeadlinePassed>,
}

impl StreamLog {
    pub fn start<T>(method: &'static str, request: &tonic::Request<T>) -> Self {
        super::metrics::call_started(method);
        seen(request);
        let deadline = deadline(request);
        Self {
            method,
            start: Instant::now(),
            count: 0,
            errors: 0,
            ended: None,
            deadline,
        }
    }

    /// The stream's end: its last item, None when it ran to the end, or
    /// the error it ended with.
    pub fn end(&mut self, error: Option<&Status>) {
        self.ended = Some(error.map_or(Code::Ok, Status::code));
    }
}

impl Drop for StreamLog {
    fn drop(&mut self) {
        let code = self
            .ended
            .unwrap_or_else(|| unfinished_code(self.deadline.as_ref()));
        let elapsed = self.start.elapsed();
        super::metrics::call_finished(self.method, code, elapsed);
        super::metrics::reviews_scored(self.count - self.errors, self.errors);
        tracing::info!(
            method = self.method,
            reviews = self.count,
            review_errors = self.errors,
            duration_us = elapsed.as_micros() as u64,
            code = ?code,
            "rpc"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn a_call_dropped_unfinished_is_cancelled_unless_its_deadline_passed() {
        assert_eq!(unfinished_code(None), Code::Cancelled);
        let passed = DeadlinePassed::default();
        assert_eq!(unfinished_code(Some(&passed)), Code::Cancelled);
        passed.set();
        assert_eq!(unfinished_code(Some(&passed)), Code::DeadlineExceeded);
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        // NO_COLOR set but empty does not count (no-color.org).
        assert!(colour(true, Some(OsStr::new(""))));
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None));
        assert!(!colour(false, Some(OsStr::new(""))));
    }
}

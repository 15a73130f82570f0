//! Logs: one line per RPC with method, review id, rubric, duration and
//! code. Never a person's name, a token or a certificate. Every value a
//! caller chose goes through [`loggable`]: cut to [`MAX_LOGGED_CHARS`]
//! characters and escaped, so it can neither start a line of its own nor
//! drive the terminal that shows the log.

use super::limits::DeadlinePassed;
use std::time::Instant;
use tonic::{Code, Status};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Characters of a caller-given value kept in a log line.
pub const MAX_LOGGED_CHARS: usize = 128;

/// Whether log lines are text (`key=value`), where a value with a space,
/// `=` or `"` is quoted; JSON quotes every string itself.
static TEXT_LOG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// A caller-given value as it may appear in a log line: its first
/// [`MAX_LOGGED_CHARS`] characters (then `…[NB]`, N its full length in bytes);
/// backslashes, control characters (line breaks, escape, delete, C1) and
/// the invisible characters that reorder text (bidirectional controls)
/// written as escapes; in text logs, quoted when it holds a space, `=`
/// or `"`, so that it cannot pass for another field.
pub fn loggable(value: &str) -> String {
    escape(value, TEXT_LOG.load(std::sync::atomic::Ordering::Relaxed)).into_owned()
}

/// [`loggable`] without a copy where the value is logged as it is (short,
/// printable, nothing to escape or quote): ids and rubric labels nearly
/// always are.
fn loggable_ref(value: &str) -> std::borrow::Cow<'_, str> {
    escape(value, TEXT_LOG.load(std::sync::atomic::Ordering::Relaxed))
}

/// Whether `value` appears in a log line unchanged: at most
/// [`MAX_LOGGED_CHARS`] bytes (so characters), none escaped, and in text
/// logs nothing that needs quotes.
fn unchanged(value: &str, text: bool) -> bool {
    let changed = |c: char| {
        c == '\\' || c.is_control() || is_bidi_control(c) || (text && matches!(c, '"' | ' ' | '='))
    };
    value.len() <= MAX_LOGGED_CHARS && !value.chars().any(changed)
}

fn escape(value: &str, text: bool) -> std::borrow::Cow<'_, str> {
    if unchanged(value, text) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len().min(MAX_LOGGED_CHARS) + 2);
    for (kept, c) in value.chars().enumerate() {
        if kept == MAX_LOGGED_CHARS {
            out.push_str(&format!("…[{}B]", value.len()));
            break;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' if text => out.push_str("\\\""),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    if text && out.contains([' ', '=', '"']) {
        format!("\"{out}\"").into()
    } else {
        out.into()
    }
}

/// The characters that change the direction text is shown in (Unicode
/// bidirectional formatting characters), used to make a line read other
/// than it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Log lines waiting for the writer thread at most (about 200 bytes each).
const QUEUED_LINES: usize = 4096;

/// Installs the global subscriber; `RUST_LOG` overrides the level.
///
/// Lines are formatted on the thread that logs them and written to stderr
/// by a thread of their own, through a buffer flushed whenever no line is
/// waiting: one `write` for many lines under load, each line at once when
/// the server is quiet. Lines are plain text, never coloured: they are
/// read from files and collectors, and styling each field name would cost
/// a third of an access line's formatting. A full queue (`QUEUED_LINES`)
/// makes the caller wait; no line is dropped. Keep the returned guard
/// while logging: dropping it writes what is left.
pub fn init(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    TEXT_LOG.store(
        format == LogFormat::Text,
        std::sync::atomic::Ordering::Relaxed,
    );
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("scorecard-log")
        .finish(std::io::BufWriter::new(std::io::stderr()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_timer(Utc)
        .with_writer(writer);
    // A second init (tests start many servers) is harmless.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    guard
}

/// Each line's time: UTC to the microsecond (`2026-12-07T20:41:21.212753Z`),
/// as tracing's default timer writes it, by jiff's printer.
struct Utc;

impl tracing_subscriber::fmt::time::FormatTime for Utc {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        write_time(w, jiff::Timestamp::now())
    }
}

fn write_time(w: &mut impl std::fmt::Write, at: jiff::Timestamp) -> std::fmt::Result {
    write!(w, "{at:.6}")
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

    /// The review the call is about, as [`loggable`] writes it.
    pub fn review_id(&mut self, review_id: &str) {
        self.review_id = loggable(review_id);
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
            rubric = %loggable_ref(&self.rubric),
            caller = %loggable_ref(&self.caller),
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

    #[test]
    fn times_are_utc_to_the_microsecond_with_every_digit() {
        let text = |second: i64, nanos: i32| {
            let mut out = String::new();
            let at = jiff::Timestamp::new(second, nanos).expect("in range");
            write_time(&mut out, at).expect("writes");
            out
        };
        // 2026-12-07T00:00:00Z is 1,796,601,600 s after the epoch.
        assert_eq!(text(1_796_601_600, 0), "2026-12-07T00:00:00.000000Z");
        assert_eq!(
            text(1_796_601_600 + 3_723, 4_500),
            "2026-12-07T01:02:03.000004Z"
        );
        assert_eq!(
            text(1_796_601_600, 999_999_999),
            "2026-12-07T00:00:00.999999Z"
        );
    }

    #[test]
    fn a_call_dropped_unfinished_is_cancelled_unless_its_deadline_passed() {
        assert_eq!(unfinished_code(None), Code::Cancelled);
        let passed = DeadlinePassed::default();
        assert_eq!(unfinished_code(Some(&passed)), Code::Cancelled);
        passed.set();
        assert_eq!(unfinished_code(Some(&passed)), Code::DeadlineExceeded);
    }

    #[test]
    fn caller_given_values_are_escaped_quoted_and_cut() {
        // A forged line: a line break, then what looks like a line.
        assert_eq!(
            escape("r-1\n2026-12-07T00:00:00Z INFO rpc code=Ok", true),
            "\"r-1\\n2026-12-07T00:00:00Z INFO rpc code=Ok\""
        );
        // ANSI: ESC [ 2 J clears the screen; ESC is U+001B.
        assert_eq!(escape("\u{1b}[2Jx", true), "\\u{1b}[2Jx");
        assert_eq!(
            escape("a\rb\tc\\d\u{7f}\u{9b}", false),
            "a\\rb\\tc\\\\d\\u{7f}\\u{9b}"
        );
        assert_eq!(escape("a\u{202e}b", false), "a\\u{202e}b");
        // JSON quotes and escapes its own strings: no quotes added there.
        assert_eq!(escape("x code=Ok", false), "x code=Ok");
        assert_eq!(escape("say \"hi\"", true), "\"say \\\"hi\\\"\"");
        // Ordinary ids pass unchanged.
        assert_eq!(
            escape("telecom-support-manager@1", true),
            "telecom-support-manager@1"
        );
        assert_eq!(escape("评审-1", true), "评审-1");
        // 200 'é' (2 bytes each, 400 bytes): 128 kept, then the length.
        let long = "é".repeat(200);
        assert_eq!(escape(&long, true), format!("{}…[400B]", "é".repeat(128)));
        assert_eq!(escape(&"a".repeat(128), true), "a".repeat(128));
    }

    #[test]
    fn values_logged_as_they_are_are_not_copied() {
        use std::borrow::Cow;
        assert!(matches!(
            escape("telecom-support-manager@1", true),
            Cow::Borrowed("telecom-support-manager@1")
        ));
        assert!(matches!(escape("评审-1", true), Cow::Borrowed(_)));
        // Quoted in text logs, unchanged in JSON.
        assert!(matches!(escape("x y", true), Cow::Owned(_)));
        assert!(matches!(escape("x y", false), Cow::Borrowed("x y")));
        // 129 bytes: cut, so a copy.
        assert!(matches!(escape(&"a".repeat(129), false), Cow::Owned(_)));
        assert!(matches!(escape("a\u{7f}", false), Cow::Owned(_)));
    }
}

//! The end-to-end fixtures: the real server on 127.0.0.1:0 in this
//! process, served with a shutdown signal and stopped on drop
//! ([`TestServer`]), or the real binary as a child process, killed on
//! drop ([`ChildServer`]); real tonic channels to either.
#![allow(dead_code)]

use scorecard::api::{json, pb};
use scorecard::server::{self, ServeOptions};
use scorecard_core::rubric::Registry;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// Where a server under test listens, and clients to it: what
/// [`TestServer`] and [`ChildServer`] dereference to.
#[derive(Debug, Clone, Copy)]
pub struct Listening {
    pub addr: SocketAddr,
}

impl Listening {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        tonic::transport::Endpoint::from_shared(self.url())
            .unwrap()
            .tcp_nodelay(true)
            .connect()
            .await
            .unwrap_or_else(|e| panic!("connect to the server under test at {}: {e}", self.addr))
    }

    pub async fn scoring(&self) -> pb::scoring_service_client::ScoringServiceClient<Channel> {
        pb::scoring_service_client::ScoringServiceClient::new(self.channel().await)
    }

    pub async fn rubrics(&self) -> pb::rubric_service_client::RubricServiceClient<Channel> {
        pb::rubric_service_client::RubricServiceClient::new(self.channel().await)
    }

    pub async fn tickets(
        &self,
    ) -> pb::ticket_stats_service_client::TicketStatsServiceClient<Channel> {
        pb::ticket_stats_service_client::TicketStatsServiceClient::new(self.channel().await)
    }
}

/// The server in this process, on 127.0.0.1:0.
pub struct TestServer {
    listening: Listening,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// The server on the built-in rubric.
    pub async fn start() -> Self {
        Self::start_with(Registry::with_builtin(), ServeOptions::default()).await
    }

    pub async fn start_with(registry: Registry, options: ServeOptions) -> Self {
        let incoming = server::bind("127.0.0.1:0".parse().unwrap()).expect("bind 127.0.0.1:0");
        let addr = incoming.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server::serve(Arc::new(registry), incoming, options, async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestServer {
            listening: Listening { addr },
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    /// Signals shutdown and waits for the server to stop.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

impl std::ops::Deref for TestServer {
    type Target = Listening;

    fn deref(&self) -> &Listening {
        &self.listening
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The built-in rubric as an inline one.
pub fn inline_builtin() -> pb::Rubric {
    let spec: scorecard_core::rubric::RubricSpec =
        serde_json::from_str(scorecard_core::rubric::BUILTIN_RUBRIC_SOURCE).unwrap();
    scorecard::api::convert::rubric_proto(&spec)
}

/// examples/worked-example.json: docs/scoring.md section 8 as a request.
pub fn worked_example() -> pb::ScoreReviewRequest {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/worked-example.json"
    ))
    .expect("examples/worked-example.json");
    json::from_json("scorecard.v1.ScoreReviewRequest", &text).expect("the example parses")
}

/// Sets one rater entry's value.
pub fn set_value(assessment: &mut Option<pb::Assessment>, index: usize, value: f64) {
    let entries = &mut assessment.as_mut().unwrap().entries;
    entries[index].input = Some(pb::assessment_entry::Input::Value(value));
}

/// The BadRequest field paths of a status.
pub fn bad_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The BadRequest (field, description) pairs of a status.
pub fn bad_violations(status: &tonic::Status) -> Vec<(String, String)> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|b| {
            b.field_violations
                .into_iter()
                .map(|v| (v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

/// Push options for the quarter 2026-Q3: [2026-07-01, 2026-10-01) UTC.
pub fn q3_options() -> pb::PushOptions {
    pb::PushOptions {
        period_start_time: Some(prost_types::Timestamp {
            seconds: 1_782_864_000,
            nanos: 0,
        }),
        period_end_time: Some(prost_types::Timestamp {
            seconds: 1_790_812_800,
            nanos: 0,
        }),
        period_label: "2026-Q3".into(),
        ..Default::default()
    }
}

/// The first message of a ticket push.
pub fn options_message(options: pb::PushOptions) -> pb::PushResponseTimesRequest {
    pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Options(options)),
    }
}

// -------------------------------------------------- child-process server

/// The real binary, serving on 127.0.0.1, killed on drop.
pub struct ChildServer {
    pub child: std::process::Child,
    listening: Listening,
    /// Where `/metrics` is served, when started with metrics.
    pub metrics: Option<SocketAddr>,
}

impl ChildServer {
    /// The server with `extra` arguments, logging only warnings, to nowhere.
    pub fn start(extra: &[&str]) -> ChildServer {
        Self::spawn(extra, None, false, None)
    }

    /// [`ChildServer::start`], also serving `/metrics` on a free port of
    /// its own: the metrics recorder is global to a process, so counts
    /// are only exact in a server process of their own.
    pub fn start_with_metrics(extra: &[&str]) -> ChildServer {
        Self::spawn(extra, None, true, None)
    }

    /// The server as production runs it (`RUST_LOG=info`, text logs), its
    /// stderr written to the file at `log`, as a container runtime or
    /// a supervisor collects it.
    pub fn start_logging_to(extra: &[&str], log: &std::path::Path) -> ChildServer {
        Self::spawn(extra, Some(log), false, None)
    }

    /// [`ChildServer::start_logging_to`] with `/metrics` as in
    /// [`ChildServer::start_with_metrics`].
    pub fn start_with_metrics_logging_to(extra: &[&str], log: &std::path::Path) -> ChildServer {
        Self::spawn(extra, Some(log), true, None)
    }

    /// [`ChildServer::start_logging_to`], the process started with its
    /// soft limit of open files lowered to `soft` (the hard limit kept).
    pub fn start_with_fd_soft_limit(
        extra: &[&str],
        log: &std::path::Path,
        soft: u64,
    ) -> ChildServer {
        Self::spawn(extra, Some(log), false, Some(soft))
    }

    fn spawn(
        extra: &[&str],
        log: Option<&std::path::Path>,
        metrics: bool,
        soft_nofile: Option<u64>,
    ) -> ChildServer {
        use std::process::{Command, Stdio};
        use std::time::{Duration, Instant};
        // A free port: bind :0, release it, and retry if another process
        // takes it before the server does.
        let free = || {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            SocketAddr::from(([127, 0, 0, 1], port))
        };
        for _ in 0..10 {
            let addr = free();
            let metrics_addr = metrics.then(free);
            let bin = env!("CARGO_BIN_EXE_scorecard");
            let mut command = match soft_nofile {
                None => Command::new(bin),
                // The shell lowers its soft limit and becomes the server.
                Some(soft) => {
                    let mut c = Command::new("sh");
                    c.args([
                        "-c",
                        &format!("ulimit -S -n {soft} && exec \"$0\" \"$@\""),
                        bin,
                    ]);
                    c
                }
            };
            // Metrics off unless asked for: its fixed default port would
            // clash when two of these servers run at once.
            let metrics_listen = metrics_addr.map_or("off".to_string(), |a| a.to_string());
            command
                .args(["serve", "--listen", &addr.to_string()])
                .args(["--metrics-listen", &metrics_listen])
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::null());
            match log {
                None => command.env("RUST_LOG", "warn").stderr(Stdio::null()),
                Some(path) => command
                    .env("RUST_LOG", "info")
                    .env_remove("SCORECARD_LOG_FORMAT")
                    .stderr(std::fs::File::create(path).expect("create the log file")),
            };
            let mut child = command.spawn().expect("spawn the scorecard binary");
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // exited: port taken, try another
                }
                if std::net::TcpStream::connect(addr).is_ok()
                    && metrics_addr.is_none_or(|m| std::net::TcpStream::connect(m).is_ok())
                {
                    return ChildServer {
                        child,
                        listening: Listening { addr },
                        metrics: metrics_addr,
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    let stderr = log
                        .and_then(|p| std::fs::read_to_string(p).ok())
                        .unwrap_or_default();
                    panic!("the server did not start listening within 20 s\n{stderr}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("no free port after 10 tries");
    }

    /// Resident memory in KiB, from /proc/PID/status.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    pub fn sigterm(&self) {
        let ok = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -TERM failed");
    }

    /// Waits (bounded) for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<i32> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the server did not exit within {limit:?}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl std::ops::Deref for ChildServer {
    type Target = Listening;

    fn deref(&self) -> &Listening {
        &self.listening
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ScoreReview of the worked example once the server's one concurrency
/// slot is free again. The client sees the previous call's answer a moment
/// before the server gives its slot back (when the answer's body ends), so
/// a call sent at once may still be shed: retried, within 20 s.
pub async fn score_once_the_slot_frees(
    scoring: &mut pb::scoring_service_client::ScoringServiceClient<Channel>,
) -> pb::ScoreReviewResponse {
    let bound = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        match scoring.score_review(worked_example()).await {
            Ok(answer) => return answer.into_inner(),
            Err(s) if s.code() == tonic::Code::ResourceExhausted => {
                assert!(std::time::Instant::now() < bound, "still shed: {s:?}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            Err(s) => panic!("{s:?}"),
        }
    }
}

/// Waits (within 20 s) until the log file has a line containing `needle`.
/// The access log is written on its own thread, a moment after the answer
/// is sent, and a killed server loses what it had not written yet.
pub fn wait_for_log_line(log: &std::path::Path, needle: &str) {
    let bound = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .any(|l| l.contains(needle))
    {
        assert!(
            std::time::Instant::now() < bound,
            "no log line with {needle:?} in {}",
            log.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

//! The transport against the traffic a deployed service meets: silent TCP
//! connections, idle HTTP/2 connections, connection floods, stalled
//! senders and Health/Watch streams; and shutdown that ends with all of
//! them open. Raw sockets and the h2 crate make the traffic a tonic client
//! cannot; every wait is bounded, none is asserted on.

use crate::common::*;
use scorecard::server::ServeOptions;
use scorecard_core::rubric::Registry;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tonic::Code;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// Generous bound for anything the server should do by itself.
const BOUND: Duration = Duration::from_secs(20);

async fn start(options: ServeOptions) -> TestServer {
    TestServer::start_with(Registry::with_builtin(), options).await
}

/// Reads until the server closes the connection; true when it did (EOF or
/// reset) within the bound.
async fn closed_by_server(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    timeout(BOUND, async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
    .is_ok()
}

/// An HTTP/2 connection made with the h2 crate; its connection task ends
/// when the server closes the connection.
async fn h2_client(
    addr: std::net::SocketAddr,
) -> (
    h2::client::SendRequest<bytes::Bytes>,
    tokio::task::JoinHandle<()>,
) {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (send, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    (send, task)
}

/// A ScoreReview call that sends its headers and then nothing.
async fn stalled_call(
    send: h2::client::SendRequest<bytes::Bytes>,
    addr: std::net::SocketAddr,
) -> (h2::client::ResponseFuture, h2::SendStream<bytes::Bytes>) {
    let mut send = send.ready().await.unwrap();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!(
            "http://{addr}/scorecard.v1.ScoringService/ScoreReview"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    send.send_request(request, false).unwrap()
}

/// The grpc-status of an h2 response: from its headers (trailers-only) or
/// its trailers.
async fn grpc_status(response: h2::client::ResponseFuture) -> Option<String> {
    let response = response.await.ok()?;
    if let Some(s) = response.headers().get("grpc-status") {
        return Some(s.to_str().ok()?.to_string());
    }
    let mut body = response.into_body();
    while let Some(chunk) = body.data().await {
        if chunk.is_err() {
            break;
        }
    }
    let trailers = body.trailers().await.ok()??;
    Some(trailers.get("grpc-status")?.to_str().ok()?.to_string())
}

/// Shutdown with an idle HTTP/2 connection, a TCP connection that never
/// sent a byte and an open Watch stream: the Watch stream is told
/// NOT_SERVING and then closed, every connection is closed and the server
/// stops (before, it never did while any of these was open).
#[tokio::test]
async fn shutdown_ends_with_idle_silent_and_watch_connections_open() {
    let server = start(ServeOptions {
        shutdown_grace: Duration::from_millis(300),
        drain_timeout: Duration::from_secs(2),
        ..ServeOptions::default()
    })
    .await;
    let addr = server.addr;
    // Idle HTTP/2: one call made, then the connection is kept open.
    let (send, idle) = h2_client(addr).await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("Watch opens")
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);

    let stopped = tokio::spawn(server.stop());
    let second = timeout(BOUND, watch.message())
        .await
        .expect("bounded")
        .expect("NOT_SERVING before the end")
        .expect("an update");
    assert_eq!(second.status, ServingStatus::NotServing as i32);
    let end = timeout(BOUND, watch.message()).await.expect("bounded");
    match end {
        Err(status) => assert_eq!(status.code(), Code::Unavailable, "{status:?}"),
        Ok(None) => {}
        Ok(Some(m)) => panic!("no further update expected, got {m:?}"),
    }
    timeout(BOUND, stopped)
        .await
        .expect("the server stops with all three open")
        .unwrap();
    assert!(closed_by_server(&mut silent).await, "silent TCP closed");
    timeout(BOUND, idle)
        .await
        .expect("idle HTTP/2 connection closed")
        .unwrap();
    drop(send);
}

/// A call in flight at shutdown still finishes on its connection, which
/// got GOAWAY: the drain lets it end before the connection closes.
#[tokio::test]
async fn shutdown_lets_a_call_in_flight_finish_within_the_drain() {
    let server = start(ServeOptions {
        shutdown_grace: Duration::ZERO,
        drain_timeout: Duration::from_secs(10),
        ..ServeOptions::default()
    })
    .await;
    let addr = server.addr;
    let (send, _conn) = h2_client(addr).await;
    let (response, mut body) = stalled_call(send, addr).await;
    let stopped = tokio::spawn(server.stop());
    // The request body comes only now, after the shutdown began.
    tokio::task::yield_now().await;
    let request = worked_example();
    let message = prost::Message::encode_to_vec(&request);
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(&message);
    body.send_data(frame.into(), true).unwrap();
    let status = timeout(BOUND, grpc_status(response))
        .await
        .expect("bounded");
    assert_eq!(status.as_deref(), Some("0"), "the call is answered OK");
    timeout(BOUND, stopped).await.expect("stops").unwrap();
}

/// A connection that sends nothing is closed after the handshake timeout.
#[tokio::test]
async fn a_silent_connection_is_closed_after_the_handshake_timeout() {
    let server = start(ServeOptions {
        handshake_timeout: Duration::from_millis(300),
        ..ServeOptions::default()
    })
    .await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_by_server(&mut silent).await);
    // Half a preface is not a handshake either.
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    assert!(closed_by_server(&mut half).await);
    // A real client is served meanwhile.
    let mut scoring = server.scoring().await;
    scoring
        .score_review(worked_example())
        .await
        .expect("served");
}

/// Above `max_connections` a connection is closed at once; once one of
/// the others closes, a new one is served again.
#[tokio::test]
async fn connections_above_the_cap_are_refused_at_once() {
    let server = start(ServeOptions {
        max_connections: 2,
        ..ServeOptions::default()
    })
    .await;
    let (a, a_task) = h2_client(server.addr).await;
    let (b, _b_task) = h2_client(server.addr).await;
    // The two handshakes finished: both hold a slot.
    let a = a.ready().await.unwrap();
    let _b = b.ready().await.unwrap();
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .ok();
    assert!(closed_by_server(&mut third).await, "the third is closed");
    drop(a);
    a_task.abort();
    let _ = a_task.await;
    // The slot frees when the server sees the close; bounded retries.
    let served = timeout(BOUND, async {
        loop {
            let tcp = TcpStream::connect(server.addr).await.unwrap();
            if let Ok((send, conn)) = h2::client::handshake(tcp).await {
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                if send.ready().await.is_ok() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        served.is_ok(),
        "a new connection is served after one closed"
    );
}

/// The server's SETTINGS frame carries SETTINGS_MAX_CONCURRENT_STREAMS.
#[tokio::test]
async fn max_concurrent_streams_is_advertised() {
    let server = start(ServeOptions {
        max_streams_per_connection: 7,
        ..ServeOptions::default()
    })
    .await;
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    // An empty SETTINGS frame: length 0, type 4, flags 0, stream 0.
    tcp.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).await.unwrap();
    let settings = timeout(BOUND, async {
        loop {
            let mut header = [0u8; 9];
            tcp.read_exact(&mut header).await.unwrap();
            let len = u32::from_be_bytes([0, header[0], header[1], header[2]]) as usize;
            let mut payload = vec![0u8; len];
            tcp.read_exact(&mut payload).await.unwrap();
            // SETTINGS without ACK.
            if header[3] == 4 && header[4] & 1 == 0 {
                return payload;
            }
        }
    })
    .await
    .expect("the server's SETTINGS");
    let entries: Vec<(u16, u32)> = settings
        .chunks_exact(6)
        .map(|c| {
            (
                u16::from_be_bytes([c[0], c[1]]),
                u32::from_be_bytes([c[2], c[3], c[4], c[5]]),
            )
        })
        .collect();
    // 0x3 = SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 section 6.5.2).
    assert!(entries.contains(&(0x3, 7)), "{entries:?}");
}

/// Whether a call is shed (RESOURCE_EXHAUSTED) before `over` turns true:
/// the one slot is held meanwhile.
async fn shed_while(
    scoring: &mut scorecard::api::pb::scoring_service_client::ScoringServiceClient<
        tonic::transport::Channel,
    >,
    over: impl Fn() -> bool,
) -> bool {
    timeout(BOUND, async {
        loop {
            match scoring.score_review(worked_example()).await {
                Err(s) if s.code() == Code::ResourceExhausted => return true,
                _ if over() => return false,
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await
    .expect("bounded")
}

/// A call that sends headers and then no body holds a concurrency slot
/// (and is in flight) from its headers, and loses it after the body
/// timeout with DEADLINE_EXCEEDED; the slot then serves another call.
#[tokio::test]
async fn a_stalled_sender_loses_its_slot_after_the_body_timeout() {
    let server = start(ServeOptions {
        max_concurrent_calls: Some(1),
        body_timeout: Some(Duration::from_secs(2)),
        ..ServeOptions::default()
    })
    .await;
    let (send, _conn) = h2_client(server.addr).await;
    let (response, _body) = stalled_call(send, server.addr).await;
    let mut scoring = server.scoring().await;
    let status = tokio::spawn(grpc_status(response));
    // While the stalled call holds the one slot, calls are shed.
    let shed = shed_while(&mut scoring, || status.is_finished()).await;
    // 4 = DEADLINE_EXCEEDED.
    let status = timeout(BOUND, status).await.expect("bounded").unwrap();
    assert_eq!(status.as_deref(), Some("4"));
    assert!(shed, "the stalled call held its slot from its headers");
    assert_eq!(
        score_once_the_slot_frees(&mut scoring).await.final_score,
        "87.63"
    );
}

/// A client that sends whole calls and never opens its flow-control
/// window (initial window 0, no WINDOW_UPDATE): the answers wait in
/// HTTP/2, past every deadline, holding their calls' slots. Once a call's
/// deadline has passed, the server sends GOAWAY and closes that
/// connection after the drain timeout, which frees them.
async fn answers_left_untaken_free_their_slots(path: &str, body: Vec<u8>) {
    let server = start(ServeOptions {
        max_concurrent_calls: Some(1),
        request_timeout: Some(Duration::from_millis(200)),
        stream_timeout: Some(Duration::from_millis(200)),
        drain_timeout: Duration::from_millis(200),
        ..ServeOptions::default()
    })
    .await;
    let tcp = TcpStream::connect(server.addr).await.unwrap();
    let (send, conn) = h2::client::Builder::new()
        .initial_window_size(0)
        .handshake::<_, bytes::Bytes>(tcp)
        .await
        .expect("h2 handshake");
    let conn = tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut send = send.ready().await.unwrap();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{}{path}", server.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (_response, mut stream) = send.send_request(request, false).unwrap();
    let mut framed = vec![0u8];
    framed.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
    framed.extend_from_slice(&body);
    stream.send_data(framed.into(), true).unwrap();
    // The untaken answer holds the one slot, past the 200 ms deadline.
    let mut scoring = server.scoring().await;
    let shed = shed_while(&mut scoring, || conn.is_finished()).await;
    assert!(shed, "{path}: the untaken answer held its slot");
    timeout(BOUND, conn)
        .await
        .expect("the server closes the connection that takes no answer")
        .unwrap();
    assert_eq!(
        score_once_the_slot_frees(&mut scoring).await.final_score,
        "87.63"
    );
}

/// A client that stops reading a stream for a while, within its deadline,
/// is no stall: its answers wait (flow control) and all of them come once
/// it reads again, longer than the two ticks a stall takes to be seen.
#[tokio::test]
async fn a_pause_in_reading_within_the_deadline_is_not_a_stall() {
    use tokio_stream::StreamExt;
    // A short drain, so that a stall taken for one would cut the stream.
    let server = start(ServeOptions {
        drain_timeout: Duration::from_millis(100),
        ..ServeOptions::default()
    })
    .await;
    // A window of 64 KiB (tonic's own is 2 MiB): five answers fill it.
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", server.addr))
        .unwrap()
        .initial_stream_window_size(65_535)
        .initial_connection_window_size(65_535)
        .connect()
        .await
        .unwrap();
    let mut scoring =
        scorecard::api::pb::scoring_service_client::ScoringServiceClient::new(channel);
    let items: Vec<_> = (0..100)
        .map(|i| {
            let mut review = worked_example();
            review.review_id = format!("r{i}");
            scorecard::api::pb::ScoreReviewsRequest {
                review: Some(review),
            }
        })
        .collect();
    let mut answers = scoring
        .score_reviews(tokio_stream::iter(items))
        .await
        .expect("the stream starts")
        .into_inner();
    let mut got = 0;
    while let Some(answer) = answers.next().await {
        let answer = answer.expect("every answer comes");
        assert_eq!(answer.review_id, format!("r{got}"));
        got += 1;
        if got == 5 {
            // Longer than the two ticks (1 s each) a stall takes to be
            // seen, with answers waiting for the window all along.
            tokio::time::sleep(Duration::from_millis(2_500)).await;
        }
    }
    assert_eq!(got, 100);
}

#[tokio::test]
async fn an_answer_left_untaken_closes_its_connection_and_frees_its_slot() {
    use prost::Message;
    answers_left_untaken_free_their_slots(
        "/scorecard.v1.ScoringService/ScoreReview",
        worked_example().encode_to_vec(),
    )
    .await;
}

#[tokio::test]
async fn a_stream_left_unread_closes_its_connection_and_frees_its_slot() {
    use prost::Message;
    let item = scorecard::api::pb::ScoreReviewsRequest {
        review: Some(worked_example()),
    };
    answers_left_untaken_free_their_slots(
        "/scorecard.v1.ScoringService/ScoreReviews",
        item.encode_to_vec(),
    )
    .await;
}

/// An HTTP/2 connection with no call is closed after the idle timeout.
#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = start(ServeOptions {
        idle_timeout: Some(Duration::from_millis(300)),
        ..ServeOptions::default()
    })
    .await;
    let (_send, conn) = h2_client(server.addr).await;
    timeout(BOUND, conn)
        .await
        .expect("the idle connection is closed")
        .unwrap();
}

/// At most `max_watch_streams` Watch streams; each ends at the watch timeout.
#[tokio::test]
async fn watch_streams_are_capped_and_time_out() {
    let server = start(ServeOptions {
        max_watch_streams: Some(1),
        watch_timeout: Some(Duration::from_millis(500)),
        ..ServeOptions::default()
    })
    .await;
    let mut health = HealthClient::new(server.channel().await);
    let request = || HealthCheckRequest {
        service: String::new(),
    };
    let mut first = health.watch(request()).await.unwrap().into_inner();
    assert!(first.message().await.unwrap().is_some());
    let refused = async {
        let mut second = health.watch(request()).await?.into_inner();
        second.message().await
    }
    .await;
    assert_eq!(
        refused.expect_err("second Watch refused").code(),
        Code::ResourceExhausted
    );
    let end = timeout(BOUND, first.message()).await.expect("bounded");
    assert_eq!(
        end.expect_err("the Watch stream ends").code(),
        Code::DeadlineExceeded
    );
    // Its slot is free again.
    let mut third = health.watch(request()).await.unwrap().into_inner();
    assert!(third.message().await.unwrap().is_some());
}

/// Calls refused before their handler are counted by reason in /metrics
/// (a server process of its own: the recorder is process-wide).
#[tokio::test]
async fn refused_calls_and_connections_are_counted_by_reason() {
    let server = ChildServer::start_with_metrics(&[
        "--body-timeout",
        "300ms",
        "--handshake-timeout",
        "300ms",
        "--max-message-bytes",
        "1000",
    ]);
    let addr = server.addr;
    let metrics = server.metrics.unwrap();
    // A stalled body.
    let (send, _conn) = h2_client(addr).await;
    let (response, _body) = stalled_call(send, addr).await;
    let status = timeout(BOUND, grpc_status(response))
        .await
        .expect("bounded");
    assert_eq!(status.as_deref(), Some("4"));
    // A message over the cap: 8 = RESOURCE_EXHAUSTED.
    let mut request = worked_example();
    request.review_id = "x".repeat(2000);
    let err = server
        .scoring()
        .await
        .score_review(request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);
    // A call its client resets (CANCEL) before sending a body: the client
    // gave up, which is no decoding failure.
    let (send, _conn) = h2_client(addr).await;
    let (_response, mut body) = stalled_call(send, addr).await;
    body.send_reset(h2::Reason::CANCEL);
    // A silent connection.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed_by_server(&mut silent).await);
    let text = timeout(BOUND, async {
        loop {
            let text = tokio::task::spawn_blocking(move || scrape(metrics))
                .await
                .unwrap();
            if text.contains("reason=\"handshake_timeout\"")
                && text.contains("reason=\"cancelled\"")
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the counters appear");
    assert!(
        text.contains("scorecard_calls_refused_total{reason=\"body_timeout\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("scorecard_calls_refused_total{reason=\"too_large\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("scorecard_connections_refused_total{reason=\"handshake_timeout\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("scorecard_calls_refused_total{reason=\"cancelled\"} 1"),
        "{text}"
    );
    assert!(!text.contains("reason=\"decode\""), "{text}");
}

fn scrape(addr: std::net::SocketAddr) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text
}

/// The real binary, SIGTERM with an idle HTTP/2 connection, a silent TCP
/// connection, an open Watch stream and a ScoreReviews stream whose client
/// sends nothing (only the drain deadline can end it): exits 0, and the
/// log shows the drain deadline closed what was left.
#[tokio::test]
async fn sigterm_with_idle_silent_and_watch_open_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let mut server = ChildServer::start_logging_to(
        &[
            "--shutdown-grace",
            "300ms",
            "--drain-timeout",
            "2s",
            // Neither the body timeout nor the handshake timeout may end
            // the stalled stream or the silent connection first.
            "--body-timeout",
            "0",
            "--handshake-timeout",
            "120s",
        ],
        &log,
    );
    let addr = server.addr;
    let (_send, _idle) = h2_client(addr).await;
    let _silent = TcpStream::connect(addr).await.unwrap();
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(watch.message().await.unwrap().is_some());
    let (_tx, rx) = tokio::sync::mpsc::channel::<scorecard::api::pb::ScoreReviewsRequest>(1);
    let _stream = server
        .scoring()
        .await
        .score_reviews(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("the stream opens");
    server.sigterm();
    let code = tokio::task::spawn_blocking(move || server.wait_exit(BOUND))
        .await
        .unwrap();
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("drain timeout passed: closing the connections left"),
        "{text}"
    );
    assert!(text.contains("stopped"), "{text}");
}

/// About a thousand silent TCP connections would exhaust the soft limit
/// of open files, after which every real call failed. Started with its
/// soft limit lowered to 128 (the hard limit above it), the server raises
/// it to the hard limit and logs both figures; with 300 silent connections
/// open, more than 128, a real call is still answered.
#[tokio::test]
async fn the_open_file_limit_is_raised_so_silent_connections_do_not_starve_calls() {
    let hard = rustix::process::getrlimit(rustix::process::Resource::Nofile).maximum;
    if hard.is_some_and(|h| h < 1024) {
        eprintln!("skipped: the hard limit of open files is {hard:?}, under 1024");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let server = ChildServer::start_with_fd_soft_limit(&["--handshake-timeout", "120s"], &log, 128);
    let mut silent = Vec::new();
    for _ in 0..300 {
        silent.push(TcpStream::connect(server.addr).await.unwrap());
    }
    let answer = timeout(BOUND, async {
        server.scoring().await.score_review(worked_example()).await
    })
    .await
    .expect("answered while 300 silent connections are open")
    .expect("served");
    assert_eq!(answer.into_inner().final_score, "87.63");
    let text = std::fs::read_to_string(&log).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("open-file limit"))
        .unwrap_or_else(|| panic!("no open-file limit line:\n{text}"));
    let now = hard.map_or("unlimited".to_string(), |h| h.to_string());
    assert!(line.contains("soft_before=128"), "{line}");
    assert!(line.contains(&format!("soft_now={now}")), "{line}");
    drop(silent);
}

/// The first bytes of a TLS ClientHello and no more: a handshake record of
/// 200 bytes (type 22, version 3.1, length 0x00c8) whose ClientHello
/// (type 1, length 0x0000c4, version 3.3) stops after 4 bytes of random.
const HALF_CLIENT_HELLO: [u8; 15] = [
    0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03, 0x5a, 0x5a, 0x5a, 0x5a,
];

/// With TLS on, a connection that never sends a ClientHello and one that
/// sends half of one are both closed after the handshake timeout, while a
/// real TLS client is served.
#[tokio::test]
async fn with_tls_a_silent_or_half_client_hello_is_closed_after_the_handshake_timeout() {
    let pki = crate::production::pki();
    let server = start(ServeOptions {
        tls: Some(pki.tls_files(false)),
        // Long enough for a debug-build TLS handshake on a busy machine.
        handshake_timeout: Duration::from_secs(2),
        ..ServeOptions::default()
    })
    .await;
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    let mut half = TcpStream::connect(server.addr).await.unwrap();
    half.write_all(&HALF_CLIENT_HELLO).await.unwrap();
    // While both are open, a real client shakes hands and is answered.
    let channel = pki.connect(&server, false).await.expect("TLS handshake");
    let answer = scorecard::api::pb::scoring_service_client::ScoringServiceClient::new(channel)
        .score_review(worked_example())
        .await
        .expect("served");
    assert_eq!(answer.into_inner().final_score, "87.63");
    assert!(closed_by_server(&mut silent).await, "silent TCP closed");
    assert!(closed_by_server(&mut half).await, "half ClientHello closed");
}

/// The value of `scorecard_calls_refused_total{reason="REASON"}`, 0 when
/// the counter is not there yet.
fn refused_count(text: &str, reason: &str) -> u64 {
    let prefix = format!("scorecard_calls_refused_total{{reason=\"{reason}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |v| v.trim().parse().unwrap())
}

/// Waits until the server counts `want` ScoreReview calls in flight. A
/// client sees a refusal's status before the server has dropped the
/// call's slot (that happens when the answer's body ends), so the next
/// call may find the slot still taken unless it waits for this.
async fn score_review_in_flight(metrics: std::net::SocketAddr, want: u64) {
    let line = format!("scorecard_rpc_in_flight{{method=\"ScoreReview\"}} {want}");
    timeout(BOUND, async {
        loop {
            let text = tokio::task::spawn_blocking(move || scrape(metrics))
                .await
                .unwrap();
            // Before the first call the gauge is not there at all.
            let absent = !text.contains("scorecard_rpc_in_flight{method=\"ScoreReview\"}");
            if text.lines().any(|l| l == line) || (want == 0 && absent) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{want} ScoreReview calls in flight"));
}

/// The JSON access-log lines of refused calls, as (method, code, reason).
fn refused_lines(log: &std::path::Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == "rpc refused")
        .map(|v| {
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (field("method"), field("code"), field("reason"))
        })
        .collect()
}

/// A call refused for its token, one for its size, one for bytes that do
/// not decode and one shed because the only slot is taken: each gets exactly one access-log line
/// with its gRPC code and reason (no handler ran, so no other line), and
/// the refusal counter of its reason goes from 0 to 1.
#[tokio::test]
async fn each_refused_call_gets_one_log_line_with_its_code_and_reason_and_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.toml");
    let token = "refusal-test-token";
    std::fs::write(
        &tokens,
        format!(
            "[[callers]]\nname = \"hr\"\nroles = [\"reviews\"]\ntoken_sha256 = \"{}\"\n",
            scorecard::server::auth::hash_token(token)
        ),
    )
    .unwrap();
    let log = dir.path().join("server.log");
    let server = ChildServer::start_with_metrics_logging_to(
        &[
            "--log-format",
            "json",
            "--tokens",
            tokens.to_str().unwrap(),
            "--max-message-bytes",
            "4000",
            "--max-concurrent-calls",
            "1",
            // The stalled call below must keep its slot for the test.
            "--body-timeout",
            "120s",
        ],
        &log,
    );
    let addr = server.addr;
    let metrics = server.metrics.unwrap();
    let before = tokio::task::spawn_blocking(move || scrape(metrics))
        .await
        .unwrap();
    for reason in ["unauthenticated", "too_large", "decode", "overloaded"] {
        assert_eq!(refused_count(&before, reason), 0, "{before}");
    }
    let with_token = |request: scorecard::api::pb::ScoreReviewRequest| {
        let mut request = tonic::Request::new(request);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        request
    };
    let mut scoring = server.scoring().await;

    // No token: UNAUTHENTICATED.
    let err = scoring.score_review(worked_example()).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
    score_review_in_flight(metrics, 0).await;
    // 5,000 bytes of review id: over the 4,000-byte message cap.
    let mut big = worked_example();
    big.review_id = "x".repeat(5000);
    let err = scoring.score_review(with_token(big)).await.unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    score_review_in_flight(metrics, 0).await;
    // Bytes that are not a ScoreReviewRequest (field 1, length 5, then
    // only 2 bytes): INVALID_ARGUMENT before the handler.
    let (send, _conn) = h2_client(addr).await;
    let mut send = send.ready().await.unwrap();
    let call = || {
        http::Request::builder()
            .method("POST")
            .uri(format!(
                "http://{addr}/scorecard.v1.ScoringService/ScoreReview"
            ))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .header("authorization", format!("Bearer {token}"))
            .body(())
            .unwrap()
    };
    let (response, mut body) = send.send_request(call(), false).unwrap();
    body.send_data(
        bytes::Bytes::from_static(&[0, 0, 0, 0, 4, 0x0a, 0x05, b'a', b'b']),
        true,
    )
    .unwrap();
    let status = timeout(BOUND, grpc_status(response))
        .await
        .expect("bounded");
    // 3 = INVALID_ARGUMENT.
    assert_eq!(status.as_deref(), Some("3"));
    score_review_in_flight(metrics, 0).await;
    // A call with the token that sends its headers and no body holds the
    // one slot; the next call is shed.
    let mut send = send.ready().await.unwrap();
    let (_response, _body) = send.send_request(call(), false).unwrap();
    score_review_in_flight(metrics, 1).await;
    let shed = scoring
        .score_review(with_token(worked_example()))
        .await
        .expect_err("a call is shed while the slot is held");
    assert_eq!(shed.code(), Code::ResourceExhausted, "{shed:?}");
    assert!(shed.message().contains("overloaded"), "{shed:?}");
    // Health's NOT_FOUND for a service it does not know is its answer,
    // not a refusal: no line, no count.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let unknown = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "bogus".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound, "{unknown:?}");

    let lines = timeout(BOUND, async {
        loop {
            let lines = refused_lines(&log);
            if lines.len() >= 4 {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("four refused-call lines");
    let line = |code: &str, reason: &str| {
        (
            "ScoreReview".to_string(),
            code.to_string(),
            reason.to_string(),
        )
    };
    assert_eq!(
        lines,
        [
            line("UNAUTHENTICATED", "unauthenticated"),
            line("RESOURCE_EXHAUSTED", "too_large"),
            line("INVALID_ARGUMENT", "decode"),
            line("RESOURCE_EXHAUSTED", "overloaded"),
        ]
    );
    let after = tokio::task::spawn_blocking(move || scrape(metrics))
        .await
        .unwrap();
    for reason in ["unauthenticated", "too_large", "decode", "overloaded"] {
        assert_eq!(refused_count(&after, reason), 1, "{reason}\n{after}");
    }
    // No call reached a handler: no other access-log line.
    let text = std::fs::read_to_string(&log).unwrap();
    let handled = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == "rpc")
        .count();
    assert_eq!(handled, 0, "{text}");
}

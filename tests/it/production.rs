//! Running it in production: TLS and mTLS, callers and roles, metrics,
//! message size limits, SIGTERM. Certificates are generated at test time.

use crate::common::*;
use scorecard::api::pb;
use scorecard::server::auth::{Auth, hash_token};
use scorecard::server::{ServeOptions, TlsFiles};
use scorecard_core::rubric::Registry;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tonic::Code;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

pub(crate) struct Pki {
    dir: tempfile::TempDir,
    pub(crate) ca_pem: String,
    client_cert_pem: String,
    client_key_pem: String,
}

/// A CA, a server certificate for localhost, and a client certificate
/// whose common name is "ticketing.internal".
pub(crate) fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "scorecard test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, &ca_key);

    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();

    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    client_params
        .distinguished_name
        .push(DnType::CommonName, "ticketing.internal");
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.path().join("server.pem"), server_cert.pem()).unwrap();
    std::fs::write(dir.path().join("server.key"), server_key.serialize_pem()).unwrap();
    Pki {
        dir,
        ca_pem: ca_cert.pem(),
        client_cert_pem: client_cert.pem(),
        client_key_pem: client_key.serialize_pem(),
    }
}

impl Pki {
    pub(crate) fn tls_files(&self, mtls: bool) -> TlsFiles {
        TlsFiles {
            cert: self.dir.path().join("server.pem"),
            key: self.dir.path().join("server.key"),
            client_ca: mtls.then(|| self.dir.path().join("ca.pem")),
        }
    }

    pub(crate) async fn connect(
        &self,
        server: &TestServer,
        with_client_cert: bool,
    ) -> Result<Channel, tonic::transport::Error> {
        let mut tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&self.ca_pem))
            .domain_name("localhost");
        if with_client_cert {
            tls = tls.identity(Identity::from_pem(
                &self.client_cert_pem,
                &self.client_key_pem,
            ));
        }
        Endpoint::from_shared(format!("https://{}", server.addr))
            .unwrap()
            .tls_config(tls)?
            .connect()
            .await
    }
}

fn options(tls: Option<TlsFiles>, auth: Auth) -> ServeOptions {
    ServeOptions {
        tls,
        auth: Arc::new(auth),
        ..ServeOptions::default()
    }
}

#[tokio::test]
async fn tls_handshake_and_a_call() {
    let pki = pki();
    let server = TestServer::start_with(
        Registry::with_builtin(),
        options(Some(pki.tls_files(false)), Auth::open()),
    )
    .await;
    let channel = pki.connect(&server, false).await.expect("TLS handshake");
    let answer = pb::scoring_service_client::ScoringServiceClient::new(channel)
        .score_review(worked_example())
        .await
        .unwrap();
    assert_eq!(answer.into_inner().final_score, "87.63");
    // A plaintext client cannot talk to the TLS port.
    let plain = Endpoint::from_shared(server.url()).unwrap().connect().await;
    if let Ok(channel) = plain {
        let err = pb::scoring_service_client::ScoringServiceClient::new(channel)
            .score_review(worked_example())
            .await
            .unwrap_err();
        assert_ne!(err.code(), Code::Ok);
    }
}

#[tokio::test]
async fn mtls_refuses_a_client_without_a_certificate_and_identifies_one_with() {
    let pki = pki();
    let tokens = r#"
        [[callers]]
        name = "ticketing"
        roles = ["tickets", "rubrics"]
        client_cert_subject = "ticketing.internal"
    "#;
    let auth = Auth::from_toml(tokens).unwrap();
    let server = TestServer::start_with(
        Registry::with_builtin(),
        options(Some(pki.tls_files(true)), auth),
    )
    .await;

    // Without a client certificate the handshake (or the first call) fails.
    match pki.connect(&server, false).await {
        Err(_) => {}
        Ok(channel) => {
            let err = pb::rubric_service_client::RubricServiceClient::new(channel)
                .list_rubrics(pb::ListRubricsRequest {})
                .await
                .expect_err("no client certificate");
            // The server's TLS layer refuses it: the client sees the alert.
            assert!(
                format!("{err:?}").contains("CertificateRequired"),
                "{err:?}"
            );
        }
    }

    // With one, the certificate's common name is the caller.
    let channel = pki.connect(&server, true).await.expect("mTLS handshake");
    let list = pb::rubric_service_client::RubricServiceClient::new(channel.clone())
        .list_rubrics(pb::ListRubricsRequest {})
        .await
        .unwrap();
    assert_eq!(list.into_inner().rubrics.len(), 1);
    // ... and holds only its roles.
    let err = pb::scoring_service_client::ScoringServiceClient::new(channel)
        .score_review(worked_example())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
}

const HR_TOKEN: &str = "hr-platform-secret-token";
const TICKETING_TOKEN: &str = "ticketing-secret-token";
const OPS_TOKEN: &str = "ops-read-only-token";

fn tokens_file() -> String {
    format!(
        r#"
        [[callers]]
        name = "hr-platform"
        roles = ["reviews"]
        token_sha256 = "{}"

        [[callers]]
        name = "ticketing"
        roles = ["tickets"]
        token_sha256 = "{}"

        [[callers]]
        name = "operators"
        roles = ["rubrics"]
        token_sha256 = "{}"
        "#,
        hash_token(HR_TOKEN),
        hash_token(TICKETING_TOKEN),
        hash_token(OPS_TOKEN)
    )
}

fn with_token<T>(message: T, token: Option<&str>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(t) = token {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    request
}

async fn call(
    server: &TestServer,
    service: &str,
    token: Option<&str>,
) -> Result<(), tonic::Status> {
    match service {
        "reviews" => server
            .scoring()
            .await
            .score_review(with_token(worked_example(), token))
            .await
            .map(|_| ()),
        "rubrics" => server
            .rubrics()
            .await
            .list_rubrics(with_token(pb::ListRubricsRequest {}, token))
            .await
            .map(|_| ()),
        "tickets" => {
            let options = q3_options();
            let first = options_message(options);
            server
                .tickets()
                .await
                .push_response_times(with_token(tokio_stream::iter(vec![first]), token))
                .await
                .map(|_| ())
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn every_token_and_role_combination_on_every_service() {
    let auth = Auth::from_toml(&tokens_file()).unwrap();
    let server = TestServer::start_with(Registry::with_builtin(), options(None, auth)).await;
    let right = [
        ("reviews", HR_TOKEN),
        ("tickets", TICKETING_TOKEN),
        ("rubrics", OPS_TOKEN),
    ];
    for (service, token) in right {
        let none = call(&server, service, None).await.unwrap_err();
        assert_eq!(
            none.code(),
            Code::Unauthenticated,
            "{service} without a token"
        );
        let wrong = call(&server, service, Some("not-a-known-token"))
            .await
            .unwrap_err();
        assert_eq!(
            wrong.code(),
            Code::Unauthenticated,
            "{service} with a wrong token"
        );
        for (other, other_token) in right {
            if other != service {
                let denied = call(&server, service, Some(other_token)).await.unwrap_err();
                assert_eq!(
                    denied.code(),
                    Code::PermissionDenied,
                    "{service} with {other}'s token"
                );
                assert!(denied.message().contains(service), "{}", denied.message());
            }
        }
        call(&server, service, Some(token))
            .await
            .unwrap_or_else(|e| panic!("{service} with its own token: {e}"));
    }
    // Health and reflection stay open without a token.
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let health = HealthClient::new(server.channel().await)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(health.into_inner().status, 1);
}

#[test]
fn a_tokens_file_with_faults_lists_them_all() {
    let err = Auth::from_toml(
        r#"
        [[callers]]
        name = ""
        roles = []
        token_sha256 = "abc"
        [[callers]]
        name = "no-credentials"
        roles = ["reviews"]
        "#,
    )
    .unwrap_err()
    .to_string();
    for expected in [
        "callers[0].name",
        "callers[0].roles",
        "callers[0].token_sha256",
        "callers[1]: needs token_sha256",
    ] {
        assert!(err.contains(expected), "{expected} missing in {err}");
    }
    // Unknown roles are refused by name.
    assert!(
        Auth::from_toml("[[callers]]\nname='x'\nroles=['admin']\ntoken_sha256='00'")
            .unwrap_err()
            .to_string()
            .contains("admin")
    );
}

#[tokio::test]
async fn an_over_size_message_is_resource_exhausted_and_the_server_carries_on() {
    let small = ServeOptions {
        max_message_bytes: 64 * 1024,
        ..ServeOptions::default()
    };
    let server = TestServer::start_with(Registry::with_builtin(), small).await;
    let mut client = server.scoring().await;
    let mut huge = worked_example();
    huge.self_assessment.as_mut().unwrap().entries[0].comment = "x".repeat(100 * 1024);
    let err = client.score_review(huge).await.unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted, "{err}");
    // The same connection still scores a normal review.
    assert_eq!(
        client
            .score_review(worked_example())
            .await
            .unwrap()
            .into_inner()
            .final_score,
        "87.63"
    );
    // On a stream, the over-size review ends that stream with the same code.
    let mut huge = worked_example();
    huge.review_id = "y".repeat(100 * 1024);
    let items = vec![
        pb::ScoreReviewsRequest {
            review: Some(worked_example()),
        },
        pb::ScoreReviewsRequest { review: Some(huge) },
    ];
    let mut answers = client
        .score_reviews(tokio_stream::iter(items))
        .await
        .unwrap()
        .into_inner();
    assert!(
        answers.message().await.unwrap().is_some(),
        "the first review is answered"
    );
    assert_eq!(
        answers.message().await.unwrap_err().code(),
        Code::ResourceExhausted
    );
}

#[test]
fn token_hash_prints_the_sha256_of_standard_input() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["token", "hash"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"abc\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // SHA-256("abc"), the FIPS 180-2 test vector.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// The access log, written to a file as a container runtime collects it:
/// one plain line per call, with no terminal colour codes around the
/// field names.
#[tokio::test]
async fn the_access_log_is_plain_text_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let server = ChildServer::start_logging_to(&[], &log_path);
    let mut request = worked_example();
    request.review_id = "log-check-7".into();
    let answer = server.scoring().await.score_review(request).await.unwrap();
    assert_eq!(answer.into_inner().review_id, "log-check-7");
    wait_for_log_line(&log_path, "review_id=log-check-7");
    drop(server);
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "colour codes in a log file:\n{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("review_id=log-check-7"))
        .unwrap_or_else(|| panic!("no access-log line for the call:\n{text}"));
    for field in [
        "INFO",
        " rpc ",
        "method=\"ScoreReview\"",
        "rubric=telecom-support-manager@1",
        "code=Ok",
    ] {
        assert!(line.contains(field), "{field:?} missing from {line:?}");
    }
}

/// A server with no tokens file says so at start-up, once: one line of
/// the log names the missing authentication.
#[tokio::test]
async fn an_open_server_warns_once_that_it_has_no_authentication() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let server = ChildServer::start_logging_to(&[], &log_path);
    // A call answered: start-up is over.
    server
        .scoring()
        .await
        .score_review(worked_example())
        .await
        .unwrap();
    drop(server);
    let text = std::fs::read_to_string(&log_path).unwrap();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("AUTHENTICATION"))
        .collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].contains("WARN"), "{}", warnings[0]);
    assert!(warnings[0].contains("NO AUTHENTICATION"), "{}", warnings[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_calls_in_flight_finish_reports_not_serving_and_exits_0() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--metrics-listen",
            "off",
            "--shutdown-grace",
            "1s",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let mut channel = None;
    for _ in 0..200 {
        if let Ok(c) = Endpoint::from_shared(url.clone()).unwrap().connect().await {
            channel = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let channel = channel.expect("the server came up");

    // A ticket push in flight: options and one batch sent, the stream open.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let options = q3_options();
    let record = |id: &str| pb::TicketRecord {
        ticket_id: id.into(),
        employee_id: "e1".into(),
        created_time: Some(prost_types::Timestamp {
            seconds: 1_782_900_000,
            nanos: 0,
        }),
        first_response_time: Some(prost_types::Timestamp {
            seconds: 1_782_900_300,
            nanos: 0,
        }),
        ..Default::default()
    };
    let batch = |ids: &[&str]| pb::PushResponseTimesRequest {
        payload: Some(pb::push_response_times_request::Payload::Batch(
            pb::TicketBatch {
                records: ids.iter().map(|i| record(i)).collect(),
            },
        )),
    };
    tx.send(options_message(options)).await.unwrap();
    tx.send(batch(&["a", "b"])).await.unwrap();
    let mut tickets =
        pb::ticket_stats_service_client::TicketStatsServiceClient::new(channel.clone());
    let in_flight = tokio::spawn(async move {
        tickets
            .push_response_times(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );

    // During the grace period health says NOT_SERVING.
    let mut health = HealthClient::new(channel);
    let mut saw_not_serving = false;
    for _ in 0..40 {
        let status = health
            .check(HealthCheckRequest {
                service: "scorecard.v1.ScoringService".into(),
            })
            .await
            .map(|r| r.into_inner().status);
        if matches!(status, Ok(s) if s == ServingStatus::NotServing as i32) {
            saw_not_serving = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(saw_not_serving, "health turned NOT_SERVING after SIGTERM");

    // The call in flight finishes, after the grace period, with everything it sent.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    tx.send(batch(&["c"])).await.unwrap();
    drop(tx);
    let answer = in_flight
        .await
        .unwrap()
        .expect("the call in flight completes")
        .into_inner();
    assert_eq!(answer.accepted_record_count, 3);

    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn past_the_concurrency_limit_calls_are_shed_but_health_is_not() {
    let one = ServeOptions {
        max_concurrent_calls: Some(1),
        ..ServeOptions::default()
    };
    let server = TestServer::start_with(Registry::with_builtin(), one).await;
    // Hold the only slot with a ticket push whose stream stays open.
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let options = q3_options();
    tx.send(options_message(options)).await.unwrap();
    let mut tickets = server.tickets().await;
    let held = tokio::spawn(async move {
        tickets
            .push_response_times(tokio_stream::wrappers::ReceiverStream::new(rx))
            .await
    });
    // Until the push's headers reach the server, calls are still served.
    let mut scoring = server.scoring().await;
    let shed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match scoring.score_review(worked_example()).await {
                Err(s) => return s,
                Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await
    .expect("a call is shed while the push holds the slot");
    assert_eq!(shed.code(), Code::ResourceExhausted, "{shed}");
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let health = HealthClient::new(server.channel().await)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await;
    assert!(health.is_ok(), "health is never shed");

    // Once the slot frees, calls are served again.
    drop(tx);
    held.await.unwrap().expect("the held call completes");
    assert_eq!(
        score_once_the_slot_frees(&mut scoring).await.final_score,
        "87.63"
    );
}

#[tokio::test]
async fn the_server_ends_a_stream_past_its_stream_timeout_with_deadline_exceeded() {
    // No client deadline: the server's own limit ends the call.
    let short = ServeOptions {
        stream_timeout: Some(Duration::from_millis(200)),
        ..ServeOptions::default()
    };
    let server = TestServer::start_with(Registry::with_builtin(), short).await;
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tx.send(options_message(q3_options())).await.unwrap();
    let started = std::time::Instant::now();
    let err = server
        .tickets()
        .await
        .push_response_times(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "ended at the limit, not hung: {:?}",
        started.elapsed()
    );
    drop(tx);
    // A unary call is bounded by --request-timeout instead, and is answered.
    assert_eq!(
        server
            .scoring()
            .await
            .score_review(worked_example())
            .await
            .unwrap()
            .into_inner()
            .final_score,
        "87.63"
    );
}

/// Past `--max-connection-age` a connection is told GOAWAY (NO_ERROR) and
/// closed once its calls are done, and a stream open at that moment is
/// answered to its end. With a grace period also set, tonic 0.14 sent no
/// GOAWAY: it slept age + grace, then dropped the connection with every
/// call on it.
#[tokio::test]
async fn past_its_max_age_a_connection_is_closed_gracefully_after_its_calls() {
    let age = Duration::from_millis(500);
    let options = ServeOptions {
        max_connection_age: Some(age),
        ..ServeOptions::default()
    };
    let server = TestServer::start_with(Registry::with_builtin(), options).await;

    // A stream open across the age: four reviews, 300 ms apart, each
    // answered before the next is sent.
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let mut answers = server
        .scoring()
        .await
        .score_reviews(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("the stream opens")
        .into_inner();
    for i in 0..4u64 {
        let mut review = worked_example();
        review.review_id = format!("r{i}");
        tx.send(pb::ScoreReviewsRequest {
            review: Some(review),
        })
        .await
        .expect("the stream takes the review");
        let answer = answers
            .message()
            .await
            .unwrap_or_else(|e| panic!("review {i}: {e}"))
            .unwrap_or_else(|| panic!("review {i}: the stream ended early"));
        assert_eq!(
            (answer.review_id.as_str(), answer.index),
            (&*format!("r{i}"), i)
        );
        match answer.outcome {
            Some(pb::score_reviews_response::Outcome::Result(r)) => {
                assert_eq!(r.final_score, "87.63")
            }
            other => panic!("review {i}: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    drop(tx);
    assert!(answers.message().await.expect("ends with OK").is_none());

    // An idle connection: GOAWAY and closed at its age, not at age + grace.
    let tcp = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let (send, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    let ended = tokio::time::timeout(Duration::from_secs(10), connection)
        .await
        .expect("the server closes the connection within 10 s");
    match ended {
        Ok(()) => {}
        Err(e) => assert!(
            e.is_go_away() && e.is_remote() && e.reason() == Some(h2::Reason::NO_ERROR),
            "closed by a GOAWAY with NO_ERROR, not {e}"
        ),
    }
    drop(send);
}

/// The client commands against an mTLS server: without a client
/// certificate the handshake fails and the command says why it may have;
/// with one, `health` and `form --server` get through.
#[tokio::test]
async fn client_commands_reach_an_mtls_server_with_a_certificate_and_hint_without() {
    let pki = pki();
    let server = TestServer::start_with(
        Registry::with_builtin(),
        options(Some(pki.tls_files(true)), Auth::open()),
    )
    .await;
    let dir = pki.dir.path().to_path_buf();
    std::fs::write(dir.join("client.pem"), &pki.client_cert_pem).unwrap();
    std::fs::write(dir.join("client.key"), &pki.client_key_pem).unwrap();
    let url = format!("https://localhost:{}", server.addr.port());
    let run = move |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
            .args(args)
            .output()
            .unwrap()
    };
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let tls = [
        "--server".to_string(),
        url.clone(),
        "--ca-cert".to_string(),
        path("ca.pem"),
    ];
    let client = [
        "--client-cert".to_string(),
        path("client.pem"),
        "--client-key".to_string(),
        path("client.key"),
    ];

    let without: Vec<String> = ["health".to_string()]
        .into_iter()
        .chain(tls.clone())
        .collect();
    let out = tokio::task::spawn_blocking(move || run(without))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("hint: a server that requires client certificates (mTLS)"),
        "{out:?}"
    );

    let with: Vec<String> = ["health".to_string()]
        .into_iter()
        .chain(tls.clone())
        .chain(client.clone())
        .collect();
    let out = tokio::task::spawn_blocking(move || run(with))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "SERVING\n");

    let pdf = path("form.pdf");
    let form: Vec<String> = [
        "form".to_string(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/worked-example.json").to_string(),
        "-o".to_string(),
        pdf.clone(),
    ]
    .into_iter()
    .chain(tls)
    .chain(client)
    .collect();
    let out = tokio::task::spawn_blocking(move || run(form))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

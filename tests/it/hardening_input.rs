//! What a hostile or careless caller sends: bounded answers, log lines it
//! cannot forge, deadlines that end the work, and the codes and words for
//! bytes that are not a request. The real server on 127.0.0.1, a bare
//! HTTP/2 client where tonic's cannot make the traffic.

use crate::common::*;
use prost::Message;
use scorecard::api::pb;
use std::time::Duration;
use tonic::Code;

/// The worst valid requests, shared with the load generator.
#[path = "../../bench/src/worst.rs"]
#[allow(dead_code)]
mod worst;

/// A gRPC message frame: flag 0 (not compressed), 4-byte length, bytes.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(body);
    frame
}

/// Sends `data` as a unary call's body over a bare HTTP/2 connection and
/// gives the grpc-status and grpc-message (percent-decoded) of the answer,
/// from its headers (trailers-only) or its trailers.
async fn raw_call(addr: std::net::SocketAddr, path: &str, data: Vec<u8>) -> (String, String) {
    raw_call_with(addr, path, &[], data).await
}

/// [`raw_call`] with extra request headers.
async fn raw_call_with(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    data: Vec<u8>,
) -> (String, String) {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut client = client.ready().await.unwrap();
    let mut request = http::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(()).unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    send.send_data(data.into(), true).unwrap();
    let (head, mut body) = response.await.unwrap().into_parts();
    let mut fields = head.headers.clone();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        body.flow_control().release_capacity(chunk.len()).unwrap();
    }
    if let Some(trailers) = body.trailers().await.unwrap() {
        fields.extend(trailers);
    }
    let text = |name: &str| {
        fields
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string())
            .unwrap_or_default()
    };
    (text("grpc-status"), percent_decode(&text("grpc-message")))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

const SCORE_REVIEW: &str = "/scorecard.v1.ScoringService/ScoreReview";

#[tokio::test]
async fn a_unary_call_carrying_two_messages_is_invalid_argument() {
    let server = TestServer::start().await;
    let one = worked_example().encode_to_vec();
    // The control: one message is answered OK (grpc-status 0).
    let (code, _) = raw_call(server.addr, SCORE_REVIEW, frame(&one)).await;
    assert_eq!(code, "0");
    let mut two = frame(&one);
    two.extend(frame(&one));
    let (code, message) = raw_call(server.addr, SCORE_REVIEW, two).await;
    // 3 = INVALID_ARGUMENT.
    assert_eq!(code, "3", "{message}");
    assert_eq!(
        message,
        "a call with one ScoreReviewRequest carries exactly one message; a second one followed it"
    );
}

#[tokio::test]
async fn undecodable_bytes_are_invalid_argument_in_the_services_words() {
    let server = TestServer::start().await;
    // Field 1 (review_id), length 5, then only 2 bytes.
    let (code, message) =
        raw_call(server.addr, SCORE_REVIEW, frame(&[0x0a, 0x05, b'a', b'b'])).await;
    assert_eq!(code, "3", "{message}");
    assert_eq!(
        message,
        "the message is not a valid protobuf encoding of scorecard.v1.ScoreReviewRequest"
    );
    assert!(!message.contains("failed to decode"), "{message}");
    // A wire type 7 does not exist: the same answer for GetRubric's message.
    let (code, message) = raw_call(
        server.addr,
        "/scorecard.v1.RubricService/GetRubric",
        frame(&[0x0f]),
    )
    .await;
    assert_eq!(code, "3", "{message}");
    assert_eq!(
        message,
        "the message is not a valid protobuf encoding of scorecard.v1.GetRubricRequest"
    );
}

#[tokio::test]
async fn a_year_9999_timestamp_is_refused_with_the_field_and_the_range() {
    let server = TestServer::start().await;
    let mut options = q3_options();
    // 9999-06-01T00:00:00Z: past 9999-01-01T00:00:00Z (253,370,764,800 s)
    // by 151 days (31+28+31+30+31) x 86,400 s = 13,046,400 s.
    options.period_end_time = Some(prost_types::Timestamp {
        seconds: 253_370_764_800 + 13_046_400,
        nanos: 0,
    });
    let err = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![options_message(options)]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        bad_violations(&err),
        [(
            "options.period_end_time".to_string(),
            "seconds 253383811200 is outside the supported range, 0001-01-01T00:00:00Z \
             (-62135596800) up to 9999-01-01T00:00:00Z (253370764800) exclusive"
                .to_string()
        )]
    );
}

#[tokio::test]
async fn a_half_mib_rubric_id_is_invalid_argument_on_every_rpc() {
    let server = TestServer::start().await;
    let id = "r".repeat(512 * 1024);
    let length = "is 524288 bytes long; at most 256".to_string();

    let mut review = worked_example();
    review.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
        pb::RubricRef {
            id: id.clone(),
            version: 0,
        },
    ));
    let err = server
        .scoring()
        .await
        .score_review(review)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        bad_violations(&err),
        [("rubric_ref.id".to_string(), length.clone())]
    );

    let mut options = q3_options();
    options.rubric_ref = Some(pb::RubricRef {
        id: id.clone(),
        version: 0,
    });
    let err = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(vec![options_message(options)]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        bad_violations(&err),
        [("options.rubric_ref.id".to_string(), length.clone())]
    );

    let err = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest { id, version: 0 })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(bad_violations(&err), [("id".to_string(), length)]);
}

#[test]
fn a_tokens_file_with_a_shared_token_hash_or_a_caller_twice_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    // SHA-256("test").
    let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    std::fs::write(
        &path,
        format!(
            "[[callers]]\nname = \"hr-portal\"\nroles = [\"reviews\"]\ntoken_sha256 = \"{hash}\"\n\
             [[callers]]\nname = \"ticket-sync\"\nroles = [\"tickets\"]\ntoken_sha256 = \"{hash}\"\n"
        ),
    )
    .unwrap();
    let stderr = refused_start(&path);
    assert!(
        stderr.contains(
            "callers[0] (\"hr-portal\") and callers[1] (\"ticket-sync\"): the same token_sha256"
        ),
        "{stderr}"
    );
    // One caller listed twice (two certificates, one name): refused too.
    std::fs::write(
        &path,
        "[[callers]]\nname = \"hr-portal\"\nroles = [\"reviews\"]\nclient_cert_subject = \"a\"\n\
         [[callers]]\nname = \"hr-portal\"\nroles = [\"tickets\"]\nclient_cert_subject = \"b\"\n",
    )
    .unwrap();
    let stderr = refused_start(&path);
    assert!(
        stderr.contains(
            "callers[0] (\"hr-portal\") and callers[1] (\"hr-portal\"): the same caller name twice"
        ),
        "{stderr}"
    );
}

/// Starts the real binary with a tokens file it must refuse; its stderr.
fn refused_start(tokens: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "off",
        ])
        .arg("--tokens")
        .arg(tokens)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the server started");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A review id that would forge a log line (a line break, then a line of
/// its own) and clear the operator's screen (ESC [ 2 J).
#[tokio::test]
async fn a_review_id_with_a_line_break_and_ansi_escapes_is_logged_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let server = ChildServer::start_logging_to(&[], &log_path);
    let forged =
        "r-77\n2026-12-07T00:00:00.000000Z  INFO rpc: method=\"ScoreReview\" code=Ok\u{1b}[2J";
    let mut request = worked_example();
    request.review_id = forged.into();
    let answer = server.scoring().await.score_review(request).await.unwrap();
    assert_eq!(answer.into_inner().review_id, forged);
    wait_for_log_line(&log_path, "r-77");
    drop(server);
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "an escape byte in the log:\n{text}"
    );
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("r-77")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0].contains(
            r#"review_id="r-77\n2026-12-07T00:00:00.000000Z  INFO rpc: method=\"ScoreReview\" code=Ok\u{1b}[2J""#
        ),
        "{}",
        lines[0]
    );
    // No line starts with the forged timestamp.
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("2026-12-07T00:00:00.000000Z"))
    );
}

/// A ScoreReviews stream whose deadline passes while it is open ends with
/// DEADLINE_EXCEEDED after the answers already given, not OK.
#[tokio::test]
async fn a_deadline_passing_mid_stream_ends_it_with_deadline_exceeded() {
    let server = TestServer::start().await;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tx.send(pb::ScoreReviewsRequest {
        review: Some(worked_example()),
    })
    .await
    .unwrap();
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    request.set_timeout(Duration::from_millis(300));
    let mut answers = server
        .scoring()
        .await
        .score_reviews(request)
        .await
        .unwrap()
        .into_inner();
    let first = answers.message().await.unwrap().expect("the first answer");
    assert_eq!(first.index, 0);
    // The sender stays open (tx is alive) and sends nothing more: only
    // the deadline can end the stream.
    let err = answers.message().await.unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err}");
    drop(tx);
}

/// The largest valid inline-rubric request: 128 indicators (the most a
/// rubric may have) in 32 dimensions, every name 256 bytes (the most) in
/// each of the two locales, every rater entry with a 1,024-byte comment.
/// Its answer stays within the bound docs/operations.md works out.
#[tokio::test]
async fn the_answer_to_the_largest_valid_request_is_bounded() {
    let server = TestServer::start().await;
    let (request, indicators) = largest_valid_request();
    assert_eq!(indicators, 128);
    let request_bytes = request.encoded_len();
    let answer = server
        .scoring()
        .await
        .score_review(request)
        .await
        .unwrap()
        .into_inner();
    let answer_bytes = answer.encoded_len();
    eprintln!("largest valid request: {request_bytes} bytes; its answer: {answer_bytes} bytes");
    // docs/operations.md, "Limits on input": at most 6 x 256 bytes of
    // names, 2 x 1,024 bytes of comments and 2,048 bytes of everything
    // else per indicator, plus 64 KiB for the rest of the answer:
    // 128 x (1,536 + 2,048 + 2,048) + 65,536 = 786,432 bytes.
    assert!(
        answer_bytes <= 786_432,
        "{answer_bytes} bytes of answer to {request_bytes} of request"
    );
    // And at most 3 times the request (docs/operations.md).
    assert!(
        answer_bytes <= 3 * request_bytes,
        "{answer_bytes} bytes of answer to {request_bytes} of request"
    );
}

/// One more indicator than the cap, or a name one byte longer, is refused.
#[tokio::test]
async fn a_rubric_over_the_caps_is_refused_with_the_field() {
    let server = TestServer::start().await;
    let (mut request, _) = largest_valid_request();
    let Some(pb::score_review_request::RubricSource::InlineRubric(rubric)) =
        request.rubric_source.as_mut()
    else {
        unreachable!()
    };
    let extra = rubric.dimensions[0].indicators[0].clone();
    rubric.dimensions[0].indicators.push(extra);
    let err = server
        .scoring()
        .await
        .score_review(request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        bad_violations(&err),
        [(
            "inline_rubric.dimensions".to_string(),
            "129 indicators in all; at most 128".to_string()
        )]
    );

    let mut request = worked_example();
    let mut rubric = inline_builtin();
    // An id of its own: not the published built-in pair.
    rubric.id = "long-name".into();
    rubric.dimensions[0]
        .names
        .insert("en".into(), "n".repeat(257));
    request.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(rubric));
    let err = server
        .scoring()
        .await
        .score_review(request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        bad_violations(&err),
        [(
            "inline_rubric.dimensions[0].names[\"en\"]".to_string(),
            "the name is 257 bytes long; at most 256".to_string()
        )]
    );
}

/// The largest valid inline-rubric request (128 indicators, every name
/// and comment at its cap) and its number of indicators: the load
/// generator's `--request largest-inline`, from the same source file.
fn largest_valid_request() -> (pb::ScoreReviewRequest, usize) {
    let request = worst::largest_inline(&worked_example()).unwrap();
    let Some(pb::score_review_request::RubricSource::InlineRubric(rubric)) = &request.rubric_source
    else {
        unreachable!("largest_inline gives an inline rubric")
    };
    let count = rubric.dimensions.iter().map(|d| d.indicators.len()).sum();
    (request, count)
}

/// The answer's largest multiple of its request: the same rubric with
/// names in one locale only and no comments, so that the request is
/// mostly the names an answer echoes up to six times. Under 5 times
/// (docs/operations.md).
#[tokio::test]
async fn a_request_of_names_alone_is_answered_in_under_five_times_its_size() {
    let server = TestServer::start().await;
    let (mut request, _) = largest_valid_request();
    for a in [
        &mut request.self_assessment,
        &mut request.supervisor_assessment,
    ] {
        for e in &mut a.as_mut().unwrap().entries {
            e.comment.clear();
        }
    }
    if let Some(pb::score_review_request::RubricSource::InlineRubric(r)) =
        request.rubric_source.as_mut()
    {
        r.names.remove("en");
        for b in &mut r.grade_bands {
            b.names.remove("en");
        }
        for d in &mut r.dimensions {
            d.names.remove("en");
            for i in &mut d.indicators {
                i.names.remove("en");
            }
        }
    }
    let rb = request.encoded_len();
    let a = server
        .scoring()
        .await
        .score_review(request)
        .await
        .unwrap()
        .into_inner()
        .encoded_len();
    eprintln!("names alone: request {rb} bytes; its answer: {a} bytes");
    assert!(a <= 786_432, "{a} bytes of answer to {rb} of request");
    assert!(a < 5 * rb, "{a} bytes of answer to {rb} of request");
}

/// The most work one unary call can ask for: ScoreReview of the largest
/// valid inline rubric, and ValidateRubric of that rubric, each with a
/// deadline (`grpc-timeout: 1u`, one microsecond) that passes before the
/// work can end. Both are DEADLINE_EXCEEDED, never OK; the control, the
/// same calls without a deadline, are OK.
#[tokio::test]
async fn the_largest_unary_work_past_its_deadline_is_deadline_exceeded_never_ok() {
    let server = TestServer::start().await;
    let (request, _) = largest_valid_request();
    let Some(pb::score_review_request::RubricSource::InlineRubric(rubric)) =
        request.rubric_source.clone()
    else {
        unreachable!()
    };
    let validate = pb::ValidateRubricRequest {
        rubric: Some(rubric),
    }
    .encode_to_vec();
    let calls = [
        (SCORE_REVIEW, frame(&request.encode_to_vec())),
        (
            "/scorecard.v1.RubricService/ValidateRubric",
            frame(&validate),
        ),
    ];
    for (path, data) in calls {
        let (code, message) = raw_call(server.addr, path, data.clone()).await;
        assert_eq!(code, "0", "{path} without a deadline: {message}");
        let (code, message) =
            raw_call_with(server.addr, path, &[("grpc-timeout", "1u")], data).await;
        // 4 = DEADLINE_EXCEEDED.
        assert_eq!(code, "4", "{path}: {message}");
    }
}

/// The handler's own check: a ScoreReview whose deadline passes while it is
/// being checked and scored (here: already passed when it starts, so the
/// check after scoring must see it) answers DEADLINE_EXCEEDED instead of
/// writing the answer, and says why.
#[tokio::test]
async fn a_deadline_passing_during_scoring_is_deadline_exceeded_from_the_handler() {
    use scorecard::api::encoded::scoring_service_server::ScoringService;
    use scorecard::server::limits::CallDeadline;
    let api = scorecard::server::scoring::ScoringApi::new(std::sync::Arc::new(
        scorecard_core::rubric::Registry::with_builtin(),
    ));
    let (request, _) = largest_valid_request();
    // The control: without a deadline the same request is answered.
    assert!(
        api.score_review(tonic::Request::new(request.clone()))
            .await
            .is_ok()
    );
    let mut call = tonic::Request::new(request);
    call.extensions_mut()
        .insert(CallDeadline(tokio::time::Instant::now()));
    let err = api.score_review(call).await.unwrap_err();
    assert_eq!(err.code(), Code::DeadlineExceeded, "{err:?}");
    assert_eq!(
        err.message(),
        "the call's deadline passed while it was being scored"
    );
}

//! RubricService, rubric files and directories, reflection.

use crate::common::*;
use scorecard::api::pb;
use scorecard_core::rubric::{BUILTIN_RUBRIC_SOURCE, RubricSpec};
use std::process::Command;

fn builtin_spec() -> RubricSpec {
    serde_json::from_str(BUILTIN_RUBRIC_SOURCE).unwrap()
}

/// A rubric with many faults at once, each at a known place.
fn faulty_rubric() -> pb::Rubric {
    let mut r = scorecard::api::convert::rubric_proto(&builtin_spec());
    r.id = "Bad Id".into(); // not a slug
    r.version = 0; // not positive
    r.blend = Some(pb::Blend {
        self_weight_percent: 50.0,
        supervisor_weight_percent: 40.0,
    }); // 90
    r.dimensions[3].weight_percent = 5.0; // weights sum to 95
    let ps = &mut r.dimensions[1].indicators;
    ps[1].rule.as_mut().unwrap().step = 0.0;
    ps[2].rule.as_mut().unwrap().penalty = -1.0;
    ps[3].id = "first_contact_resolution_rate".into(); // duplicate of ps[0]
    ps[4].unit = pb::Unit::Unspecified as i32;
    r.dimensions[2].indicators[0].names.remove("zh-CN"); // no name in the default locale
    r.dimensions[0].indicators[2].full_points = f64::NAN;
    r
}

#[tokio::test]
async fn validate_rubric_lists_every_violation() {
    let server = TestServer::start().await;
    let answer = server
        .rubrics()
        .await
        .validate_rubric(pb::ValidateRubricRequest {
            rubric: Some(faulty_rubric()),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!answer.valid);
    assert!(answer.content_hash.is_empty());
    let fields: Vec<&str> = answer.violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "id",
            "version",
            "blend",
            "dimensions[0].indicators[2].full_points",
            "dimensions[1].indicators[1].rule.step",
            "dimensions[1].indicators[2].rule.penalty",
            "dimensions[1].indicators[3].id",
            "dimensions[1].indicators[4].unit",
            "dimensions[2].indicators[0].names",
            "dimensions",
        ]
    );
    let reason = |f: &str| {
        answer
            .violations
            .iter()
            .find(|v| v.field == f)
            .unwrap()
            .reason
            .clone()
    };
    assert_eq!(
        reason("blend"),
        "self 50 + supervisor 40 = 90, must sum to exactly 100"
    );
    assert_eq!(
        reason("dimensions"),
        "weight_percent values sum to 95, must sum to exactly 100"
    );
    assert_eq!(
        reason("dimensions[0].indicators[2].full_points"),
        "NaN is not a number"
    );
}

/// A rubric with more violations than an answer lists: 1,200 names in
/// locales that do not exist ("x0000" to "x1199"), one violation each. The
/// first 1,000 are listed, then one saying 200 more.
#[tokio::test]
async fn validate_rubric_lists_at_most_a_thousand_violations_and_counts_the_rest() {
    let mut r = scorecard::api::convert::rubric_proto(&builtin_spec());
    // An id of its own: not the published built-in pair.
    r.id = "many-names".into();
    r.names
        .extend((0..1200).map(|i| (format!("x{i:04}"), "name".to_string())));
    let server = TestServer::start().await;
    let answer = server
        .rubrics()
        .await
        .validate_rubric(pb::ValidateRubricRequest { rubric: Some(r) })
        .await
        .unwrap()
        .into_inner();
    assert!(!answer.valid);
    assert_eq!(answer.violations.len(), 1001);
    assert_eq!(answer.violations[0].field, "names[\"x0000\"]");
    assert_eq!(answer.violations[999].field, "names[\"x0999\"]");
    assert_eq!(answer.violations[1000].field, "");
    assert_eq!(
        answer.violations[1000].reason,
        "200 more violations not listed; fix these and validate again"
    );
}

#[tokio::test]
async fn the_built_in_rubric_is_valid_listed_and_shown() {
    let server = TestServer::start().await;
    let mut client = server.rubrics().await;
    let list = client
        .list_rubrics(pb::ListRubricsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.rubrics.len(), 1);
    let summary = &list.rubrics[0];
    assert_eq!(
        (summary.id.as_str(), summary.version, summary.built_in),
        ("telecom-support-manager", 1, true)
    );
    assert_eq!((summary.dimension_count, summary.indicator_count), (4, 20));
    assert_eq!(
        summary.names["zh-TW"],
        "通信科技公司技術支持經理售后服務績效評定表"
    );

    let got = client
        .get_rubric(pb::GetRubricRequest {
            id: summary.id.clone(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.content_hash, summary.content_hash);
    let rubric = got.rubric.unwrap();
    let weights: Vec<f64> = rubric.dimensions.iter().map(|d| d.weight_percent).collect();
    assert_eq!(weights, [40.0, 30.0, 20.0, 10.0]);
    let complex = &rubric.dimensions[1].indicators[1];
    assert_eq!(complex.id, "complex_issue_avg_handle_minutes");
    let rule = complex.rule.as_ref().unwrap();
    assert_eq!((rule.target, rule.step, rule.penalty), (120.0, 15.0, 1.0));
    assert_eq!(rule.direction, pb::Direction::AtMost as i32);
    assert_eq!(
        rubric.dimensions[0].indicators[2].response_limit_minutes,
        Some(15.0)
    );
    assert_eq!(rubric.dimensions[3].indicators[3].min_value, Some(-100.0));

    // What GetRubric returns validates to the same hash.
    let check = client
        .validate_rubric(pb::ValidateRubricRequest {
            rubric: Some(rubric),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(check.valid, "{:?}", check.violations);
    assert_eq!(check.content_hash, summary.content_hash);
}

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn good_json(id: &str, version: u32) -> String {
    let mut spec = builtin_spec();
    spec.id = id.into();
    spec.version = version;
    serde_json::to_string_pretty(&spec).unwrap()
}

const GOOD_TOML: &str = r#"
id = "one-pager"
version = 3
default_locale = "en"
names = { en = "One-indicator review" }

[[dimensions]]
id = "delivery"
names = { en = "Delivery" }
weight_percent = 100

[[dimensions.indicators]]
id = "on_time_rate"
names = { en = "On-time rate", "zh-CN" = "准时率" }
unit = "PERCENT"
full_points = 100
rule = { direction = "AT_LEAST", target = 90, step = 1, penalty = 2, rounding = "PER_STARTED_STEP" }
"#;

const BAD_TOML: &str = r#"
id = "broken"
version = 1
default_locale = "de"

[[dimensions]]
id = "only"
names = { en = "Only" }
weight_percent = 60

[[dimensions.indicators]]
id = "x"
names = { en = "X" }
unit = "LITRES"
full_points = 10
rule = { direction = "UP", target = 5, step = 1, penalty = 1 }
"#;

#[tokio::test]
async fn rubrics_load_from_a_directory_and_score() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.json",
        &good_json("telecom-support-manager", 2),
    );
    write(dir.path(), "b.toml", GOOD_TOML);
    write(dir.path(), "notes.txt", "ignored: not a rubric extension");
    let registry = scorecard::cli::load_registry(Some(dir.path())).expect("both files are good");
    let server = TestServer::start_with(registry, Default::default()).await;

    let list = server
        .rubrics()
        .await
        .list_rubrics(pb::ListRubricsRequest {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<(String, u32)> = list
        .rubrics
        .iter()
        .map(|r| (r.id.clone(), r.version))
        .collect();
    assert_eq!(
        ids,
        [
            ("one-pager".into(), 3),
            ("telecom-support-manager".into(), 1),
            ("telecom-support-manager".into(), 2)
        ]
    );

    // No version: the latest (2, loaded from a.json) scores the example.
    let mut req = worked_example();
    req.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
        pb::RubricRef {
            id: "telecom-support-manager".into(),
            version: 0,
        },
    ));
    let answer = server
        .scoring()
        .await
        .score_review(req)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.rubric.unwrap().version, 2);
    assert_eq!(answer.final_score, "87.63");

    // The TOML rubric: 84.5% vs 90%, per started step: 6 steps × 2 = 12 off → 88.
    let review = pb::ScoreReviewRequest {
        review_id: "toml".into(),
        rubric_source: Some(pb::score_review_request::RubricSource::RubricRef(
            pb::RubricRef {
                id: "one-pager".into(),
                version: 3,
            },
        )),
        submissions: vec![pb::MetricSubmission {
            source: "pm-tool".into(),
            values: [("on_time_rate".to_string(), 84.5)].into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let answer = server
        .scoring()
        .await
        .score_review(review)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.final_score, "88.00");
    assert_eq!(answer.locale, "en");
}

#[test]
fn a_bad_file_stops_start_up_naming_the_file_and_every_violation() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.toml", GOOD_TOML);
    write(dir.path(), "broken.toml", BAD_TOML);
    let err = scorecard::cli::load_registry(Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.toml"), "{err}");
    assert!(!err.contains("good.toml"), "{err}");
    for expected in [
        "default_locale: \"de\" is not supported",
        "dimensions[0].indicators[0].unit: \"LITRES\" is not one of",
        "dimensions[0].indicators[0].rule.direction: \"UP\" is not AT_LEAST or AT_MOST",
        "dimensions: weight_percent values sum to 60",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }

    // The binary refuses to start, with the same message, and exits non-zero.
    let out = Command::new(env!("CARGO_BIN_EXE_scorecard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--rubrics"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.toml") && stderr.contains("rule.direction"),
        "{stderr}"
    );
}

#[test]
fn rubric_check_lists_violations_offline() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.toml", BAD_TOML);
    write(dir.path(), "good.toml", GOOD_TOML);
    let bin = env!("CARGO_BIN_EXE_scorecard");
    let bad = Command::new(bin)
        .args(["rubric", "check"])
        .arg(dir.path().join("broken.toml"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("4 violation(s)"), "{stderr}");
    let good = Command::new(bin)
        .args(["rubric", "check"])
        .arg(dir.path().join("good.toml"))
        .output()
        .unwrap();
    assert!(good.status.success());
    assert!(
        String::from_utf8_lossy(&good.stdout)
            .contains("OK: rubric one-pager version 3, 1 dimensions, 1 indicators, sha256:")
    );

    // `rubric show` prints the built-in rubric, which checks as valid.
    let shown = Command::new(bin).args(["rubric", "show"]).output().unwrap();
    assert!(shown.status.success());
    let path = dir.path().join("shown.json");
    std::fs::write(&path, &shown.stdout).unwrap();
    let again = Command::new(bin)
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[tokio::test]
async fn reflection_lists_every_service_in_both_versions() {
    use tokio_stream::StreamExt;
    let server = TestServer::start().await;
    let expected = [
        "grpc.health.v1.Health",
        "scorecard.v1.RubricService",
        "scorecard.v1.ScoringService",
        "scorecard.v1.TicketStatsService",
    ];
    // v1 and v1alpha have the same shape in two generated modules.
    macro_rules! listed_services {
        ($version:ident) => {{
            use tonic_reflection::pb::$version::{
                ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
                server_reflection_request::MessageRequest,
                server_reflection_response::MessageResponse,
            };
            let mut client = ServerReflectionClient::new(server.channel().await);
            let req = ServerReflectionRequest {
                host: String::new(),
                message_request: Some(MessageRequest::ListServices(String::new())),
            };
            let mut answers = client
                .server_reflection_info(tokio_stream::iter([req]))
                .await
                .unwrap()
                .into_inner();
            let Some(MessageResponse::ListServicesResponse(list)) =
                answers.next().await.unwrap().unwrap().message_response
            else {
                panic!("not a list")
            };
            list.service
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<String>>()
        }};
    }
    for (version, names) in [
        ("v1", listed_services!(v1)),
        ("v1alpha", listed_services!(v1alpha)),
    ] {
        for name in expected {
            assert!(
                names.iter().any(|n| n == name),
                "{version} lacks {name}: {names:?}"
            );
        }
    }
}

/// grpcurl prints an error's details when reflection knows their type:
/// `google.rpc.BadRequest`, with the published field numbers (a wrong
/// number would print the wrong fields).
#[tokio::test]
async fn reflection_describes_the_error_details() {
    use prost::Message;
    use tokio_stream::StreamExt;
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let server = TestServer::start().await;
    let mut client = ServerReflectionClient::new(server.channel().await);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(
            "google.rpc.BadRequest".into(),
        )),
    };
    let mut answers = client
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::FileDescriptorResponse(files)) =
        answers.next().await.unwrap().unwrap().message_response
    else {
        panic!("google.rpc.BadRequest is not known to reflection")
    };
    let file = files
        .file_descriptor_proto
        .iter()
        .map(|bytes| prost_types::FileDescriptorProto::decode(bytes.as_slice()).unwrap())
        .find(|f| f.message_type.iter().any(|m| m.name() == "BadRequest"))
        .expect("a file with BadRequest");
    assert_eq!(file.package(), "google.rpc");
    let bad_request = file
        .message_type
        .iter()
        .find(|m| m.name() == "BadRequest")
        .unwrap();
    let numbers = |m: &prost_types::DescriptorProto| -> Vec<(String, i32)> {
        m.field
            .iter()
            .map(|f| (f.name().to_string(), f.number()))
            .collect()
    };
    assert_eq!(numbers(bad_request), [("field_violations".to_string(), 1)]);
    assert_eq!(
        bad_request.field[0].type_name(),
        ".google.rpc.BadRequest.FieldViolation"
    );
    let violation = bad_request
        .nested_type
        .iter()
        .find(|m| m.name() == "FieldViolation")
        .expect("FieldViolation");
    assert_eq!(
        numbers(violation)[..2],
        [("field".to_string(), 1), ("description".to_string(), 2)]
    );
}

#[tokio::test]
async fn health_reports_each_service_serving() {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    let server = TestServer::start().await;
    let mut client = HealthClient::new(server.channel().await);
    for service in [
        "",
        "scorecard.v1.ScoringService",
        "scorecard.v1.RubricService",
        "scorecard.v1.TicketStatsService",
    ] {
        let status = client
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service}");
    }
    let unknown = client
        .check(HealthCheckRequest {
            service: "nope.v1.Nothing".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);

    // Watch of an unknown service: SERVICE_UNKNOWN, and the call stays
    // open (health.proto), where a known one starts with its status.
    let mut known = client
        .watch(HealthCheckRequest {
            service: "scorecard.v1.ScoringService".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = known.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    let mut unknown = client
        .watch(HealthCheckRequest {
            service: "nope.v1.Nothing".into(),
        })
        .await
        .expect("the Watch call is taken")
        .into_inner();
    let first = unknown.message().await.unwrap().expect("one message");
    assert_eq!(first.status, ServingStatus::ServiceUnknown as i32);
    let next = tokio::time::timeout(std::time::Duration::from_millis(300), unknown.message()).await;
    assert!(next.is_err(), "the stream stays open: {next:?}");
}

/// Two dimensions of one indicator each, weights 33.33 and 66.67, full
/// points 10.01 and 10, and one grade band 0..`band_max`.
fn rounded_max_toml(band_max: &str, extra_band: &str) -> String {
    format!(
        r#"
id = "rounded-max"
version = 1
default_locale = "en"
names = {{ en = "Rounded maximum" }}

[[dimensions]]
id = "a"
names = {{ en = "A" }}
weight_percent = 33.33

[[dimensions.indicators]]
id = "a1"
names = {{ en = "A1" }}
unit = "COUNT"
full_points = 10.01
rule = {{ direction = "AT_LEAST", target = 5, step = 1, penalty = 1 }}

[[dimensions]]
id = "b"
names = {{ en = "B" }}
weight_percent = 66.67

[[dimensions.indicators]]
id = "b1"
names = {{ en = "B1" }}
unit = "COUNT"
full_points = 10
rule = {{ direction = "AT_LEAST", target = 5, step = 1, penalty = 1 }}

[[grade_bands]]
id = "all"
names = {{ en = "All" }}
min_score = 0
max_score = {band_max}
bonus_coefficient = 1
{extra_band}
"#
    )
}

fn violations_of(toml: &str) -> Vec<(String, String)> {
    let spec = scorecard_core::rubric::parse_text(toml, "toml").unwrap();
    match scorecard_core::rubric::validate(&spec) {
        Ok(_) => Vec::new(),
        Err(v) => v.into_iter().map(|v| (v.field, v.reason)).collect(),
    }
}

/// Grade bands tile 0 to the highest final score as the totals are
/// rounded: 33.33 % × 10.01 + 66.67 % × 10 = 10.003333, a total of 10.00
/// at precision 2, so a band up to 10 covers it; one up to 9.99 does not.
#[test]
fn grade_bands_tile_up_to_the_rounded_maximum() {
    assert_eq!(violations_of(&rounded_max_toml("10", "")), []);
    assert_eq!(
        violations_of(&rounded_max_toml("9.99", "")),
        [(
            "grade_bands[0].max_score".to_string(),
            "the highest band ends at 9.99, below the maximum final score 10".to_string()
        )]
    );
}

/// Each fault is reported once, in words that fit it: a band edge with
/// more places than the precision (and no gap reckoned from it), a
/// coefficient with five places (naming it), a range of one value, a
/// default-locale name over its cap (not also missing).
#[test]
fn rubric_faults_are_reported_once_in_their_own_words() {
    let second = r#"
[[grade_bands]]
id = "more"
names = { en = "More" }
min_score = 10.005
max_score = 11
bonus_coefficient = 0.12345
"#;
    let got = violations_of(&rounded_max_toml("10", second));
    assert_eq!(
        got,
        [
            (
                "grade_bands[1].min_score".to_string(),
                "10.005 has more decimals than the rubric's precision 2".to_string()
            ),
            (
                "grade_bands[1].bonus_coefficient".to_string(),
                "0.12345 has more than 4 decimal places; a bonus coefficient is shown to 4"
                    .to_string()
            ),
        ]
    );

    let toml = rounded_max_toml("10", "")
        .replace(
            "rule = { direction = \"AT_LEAST\", target = 5, step = 1, penalty = 1 }\n\n[[dimensions]]",
            "min_value = 5\nmax_value = 5\nrule = { direction = \"AT_LEAST\", target = 5, step = 1, penalty = 1 }\n\n[[dimensions]]",
        )
        .replace("names = { en = \"B1\" }", &format!("names = {{ en = \"{}\" }}", "n".repeat(257)));
    let got = violations_of(&toml);
    assert_eq!(
        got,
        [
            (
                "dimensions[0].indicators[0].max_value".to_string(),
                "the range 5..5 holds a single value: max_value must be above min_value"
                    .to_string()
            ),
            (
                "dimensions[1].indicators[0].names[\"en\"]".to_string(),
                "the name is 257 bytes long; at most 256".to_string()
            ),
        ]
    );
}

/// A rubric that is not valid but names a published (id, version) is
/// told both: its own violations and that the pair is published.
#[tokio::test]
async fn an_invalid_rubric_under_a_published_version_is_told_both() {
    let mut r = scorecard::api::convert::rubric_proto(&builtin_spec());
    r.dimensions[0].weight_percent = 41.0;
    let server = TestServer::start().await;
    let answer = server
        .rubrics()
        .await
        .validate_rubric(pb::ValidateRubricRequest {
            rubric: Some(r.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    let fields: Vec<&str> = answer.violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["dimensions", "version"], "{answer:?}");
    assert!(
        answer.violations[1]
            .reason
            .contains("is published with other content")
    );

    let mut review = worked_example();
    review.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(r));
    let err = server
        .scoring()
        .await
        .score_review(review)
        .await
        .unwrap_err();
    assert_eq!(
        bad_fields(&err),
        ["inline_rubric.dimensions", "inline_rubric.version"]
    );
}

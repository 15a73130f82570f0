//! A table of bad requests: each gets its code and names the field.

use crate::common::*;
use scorecard::api::pb;
use tonic::Code;

type Mutation = fn(&mut pb::ScoreReviewRequest);

fn entry_value(req: &mut pb::ScoreReviewRequest, supervisor: bool, index: usize, value: f64) {
    let a = if supervisor {
        &mut req.supervisor_assessment
    } else {
        &mut req.self_assessment
    };
    set_value(a, index, value);
}

fn entries(req: &mut pb::ScoreReviewRequest, supervisor: bool) -> &mut Vec<pb::AssessmentEntry> {
    let a = if supervisor {
        &mut req.supervisor_assessment
    } else {
        &mut req.self_assessment
    };
    &mut a.as_mut().unwrap().entries
}

fn submission(values: &[(&str, f64)]) -> pb::MetricSubmission {
    pb::MetricSubmission {
        source: "hr".into(),
        values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    }
}

fn set_inline(req: &mut pb::ScoreReviewRequest, edit: fn(&mut pb::Rubric)) {
    let mut rubric = inline_builtin();
    edit(&mut rubric);
    req.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(rubric));
}

#[tokio::test]
async fn every_bad_request_gets_its_code_and_field_path() {
    let cases: Vec<(&str, Mutation, Code, &str)> = vec![
        (
            "NaN value",
            |r| entry_value(r, true, 3, f64::NAN),
            Code::InvalidArgument,
            "supervisor_assessment.entries[3].value",
        ),
        (
            "infinite value",
            |r| entry_value(r, false, 2, f64::INFINITY),
            Code::InvalidArgument,
            "self_assessment.entries[2].value",
        ),
        (
            "percent above 100",
            |r| entry_value(r, false, 1, 100.5),
            Code::InvalidArgument,
            "self_assessment.entries[1].value",
        ),
        (
            "fractional count",
            |r| entry_value(r, false, 4, 1.5),
            Code::InvalidArgument,
            "self_assessment.entries[4].value",
        ),
        (
            "negative count",
            |r| entry_value(r, true, 7, -1.0),
            Code::InvalidArgument,
            "supervisor_assessment.entries[7].value",
        ),
        (
            "cost saving below -100%",
            |r| entry_value(r, true, 18, -100.5),
            Code::InvalidArgument,
            "supervisor_assessment.entries[18].value",
        ),
        (
            "value beyond 10^12",
            |r| entry_value(r, false, 6, 1e13),
            Code::InvalidArgument,
            "self_assessment.entries[6].value",
        ),
        (
            "unknown indicator",
            |r| entries(r, true)[0].indicator_id = "charisma".into(),
            Code::InvalidArgument,
            "supervisor_assessment.entries[0].indicator_id",
        ),
        (
            "duplicated indicator",
            |r| entries(r, false)[1].indicator_id = "key_customer_satisfaction".into(),
            Code::InvalidArgument,
            "self_assessment.entries[1].indicator_id",
        ),
        (
            "empty indicator id",
            |r| entries(r, false)[5].indicator_id.clear(),
            Code::InvalidArgument,
            "self_assessment.entries[5].indicator_id",
        ),
        (
            "points above full points",
            |r| entries(r, true)[9].input = Some(pb::assessment_entry::Input::Points(20.5)),
            Code::InvalidArgument,
            "supervisor_assessment.entries[9].points",
        ),
        (
            "negative points",
            |r| entries(r, false)[9].input = Some(pb::assessment_entry::Input::Points(-1.0)),
            Code::InvalidArgument,
            "self_assessment.entries[9].points",
        ),
        (
            "neither value nor points",
            |r| entries(r, false)[5].input = None,
            Code::InvalidArgument,
            "self_assessment.entries[5]",
        ),
        (
            "missing indicator",
            |r| {
                entries(r, true).pop();
            },
            Code::InvalidArgument,
            "supervisor_assessment.entries",
        ),
        (
            "unknown locale",
            |r| r.locale = "fr".into(),
            Code::InvalidArgument,
            "locale",
        ),
        (
            "NaN in a submission",
            |r| r.submissions = vec![submission(&[("attrition_rate", f64::NAN)])],
            Code::InvalidArgument,
            "submissions[0].values[\"attrition_rate\"]",
        ),
        (
            "unknown indicator in a submission",
            |r| r.submissions = vec![submission(&[("mood", 3.0)])],
            Code::InvalidArgument,
            "submissions[0].values[\"mood\"]",
        ),
        (
            "same indicator from two submissions",
            |r| {
                r.submissions = vec![
                    submission(&[("attrition_rate", 3.0)]),
                    submission(&[("attrition_rate", 4.0)]),
                ]
            },
            Code::InvalidArgument,
            "submissions[1].values[\"attrition_rate\"]",
        ),
        (
            "submission without a source",
            |r| {
                let mut s = submission(&[("attrition_rate", 3.0)]);
                s.source.clear();
                r.submissions = vec![s];
            },
            Code::InvalidArgument,
            "submissions[0].source",
        ),
        (
            "submission for another employee",
            |r| {
                let mut s = submission(&[("attrition_rate", 3.0)]);
                s.employee_id = "e9999".into();
                r.submissions = vec![s];
            },
            Code::InvalidArgument,
            "submissions[0].employee_id",
        ),
        (
            "submission for another period",
            |r| {
                let mut s = submission(&[("attrition_rate", 3.0)]);
                s.period = Some(pb::ReviewPeriod {
                    label: "2019-Q1".into(),
                    ..Default::default()
                });
                r.submissions = vec![s];
            },
            Code::InvalidArgument,
            "submissions[0].period.label",
        ),
        (
            "submission dated in another period",
            |r| {
                let mut s = submission(&[("attrition_rate", 3.0)]);
                s.period = Some(pb::ReviewPeriod {
                    start_date: "2019-01-01".into(),
                    ..Default::default()
                });
                r.submissions = vec![s];
            },
            Code::InvalidArgument,
            "submissions[0].period.start_date",
        ),
        (
            "submission with a bad period date",
            |r| {
                let mut s = submission(&[("attrition_rate", 3.0)]);
                s.period = Some(pb::ReviewPeriod {
                    end_date: "2026-09-31".into(),
                    ..Default::default()
                });
                r.submissions = vec![s];
            },
            Code::InvalidArgument,
            "submissions[0].period.end_date",
        ),
        (
            "rubric reference without id",
            |r| {
                r.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
                    pb::RubricRef {
                        id: String::new(),
                        version: 1,
                    },
                ))
            },
            Code::InvalidArgument,
            "rubric_ref.id",
        ),
        (
            "unknown rubric",
            |r| {
                r.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
                    pb::RubricRef {
                        id: "sales-rep".into(),
                        version: 0,
                    },
                ))
            },
            Code::NotFound,
            "rubric_ref.id",
        ),
        (
            "unknown rubric version",
            |r| {
                r.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
                    pb::RubricRef {
                        id: "telecom-support-manager".into(),
                        version: 2,
                    },
                ))
            },
            Code::NotFound,
            "rubric_ref.version",
        ),
        (
            "inline rule step with more than 6 decimal places",
            |r| {
                set_inline(r, |x| {
                    if let Some(rule) = x.dimensions[1].indicators[1].rule.as_mut() {
                        rule.step = 100.0 / 7.0;
                    }
                })
            },
            Code::InvalidArgument,
            "inline_rubric.dimensions[1].indicators[1].rule.step",
        ),
        (
            "inline weights not summing to 100",
            |r| set_inline(r, |x| x.dimensions[3].weight_percent = 15.0),
            Code::InvalidArgument,
            "inline_rubric.dimensions",
        ),
        (
            "inline blend not summing to 100",
            |r| {
                set_inline(r, |x| {
                    x.blend = Some(pb::Blend {
                        self_weight_percent: 40.0,
                        supervisor_weight_percent: 70.0,
                    })
                })
            },
            Code::InvalidArgument,
            "inline_rubric.blend",
        ),
        (
            "inline rubric empty",
            |r| set_inline(r, |x| x.dimensions.clear()),
            Code::InvalidArgument,
            "inline_rubric.dimensions",
        ),
        (
            "inline rule step zero",
            |r| {
                set_inline(r, |x| {
                    x.dimensions[1].indicators[1].rule.as_mut().unwrap().step = 0.0
                })
            },
            Code::InvalidArgument,
            "inline_rubric.dimensions[1].indicators[1].rule.step",
        ),
        (
            "bad period date",
            |r| r.period.as_mut().unwrap().start_date = "2026-13-01".into(),
            Code::InvalidArgument,
            "period.start_date",
        ),
        (
            "period ending before it starts",
            |r| r.period.as_mut().unwrap().end_date = "2026-06-30".into(),
            Code::InvalidArgument,
            "period.end_date",
        ),
        (
            "review id too long",
            |r| r.review_id = "x".repeat(300),
            Code::InvalidArgument,
            "review_id",
        ),
    ];
    assert!(cases.len() >= 20);
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    for (name, mutate, code, field) in cases {
        let mut req = worked_example();
        mutate(&mut req);
        let status = client.score_review(req).await.expect_err(name);
        assert_eq!(status.code(), code, "{name}: {}", status.message());
        // NOT_FOUND too names its field (docs/scoring.md section 9).
        let fields = bad_fields(&status);
        assert!(
            fields.iter().any(|f| f == field),
            "{name}: expected {field} in {fields:?}"
        );
        if code == Code::InvalidArgument {
            assert!(
                status.message().contains(field),
                "{name}: the message names the field: {}",
                status.message()
            );
        }
    }
    // The server is still answering good requests afterwards.
    let ok = client
        .score_review(worked_example())
        .await
        .expect("still serving");
    assert_eq!(ok.into_inner().final_score, "87.63");
}

#[tokio::test]
async fn the_nan_reason_reads_as_the_spec_says() {
    let server = TestServer::start().await;
    let mut req = worked_example();
    entry_value(&mut req, true, 3, f64::NAN);
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(
        bad_violations(&status),
        [(
            "supervisor_assessment.entries[3].value".to_string(),
            "NaN is not a number".to_string()
        )]
    );
}

#[tokio::test]
async fn every_violation_of_one_request_is_listed_at_once() {
    let server = TestServer::start().await;
    let mut req = worked_example();
    entry_value(&mut req, false, 1, 101.0);
    entry_value(&mut req, false, 4, 0.5);
    entries(&mut req, true)[0].input = Some(pb::assessment_entry::Input::Points(25.0));
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(
        bad_fields(&status),
        [
            "self_assessment.entries[1].value",
            "self_assessment.entries[4].value",
            "supervisor_assessment.entries[0].points"
        ]
    );
}

/// A request's own violations (no number, no input, an unsupported
/// locale or view, an id too long) and the rubric's (an unknown id, a
/// value out of range, an indicator with no input) are listed together;
/// an input refused for itself counts as given, so its indicator is not
/// also missing, and a field is refused once.
#[tokio::test]
async fn violations_of_the_request_and_of_its_rubric_are_listed_together() {
    let server = TestServer::start().await;
    let fields = |status: &tonic::Status| -> Vec<String> {
        bad_violations(status).into_iter().map(|(f, _)| f).collect()
    };

    let mut req = worked_example();
    req.view = 9;
    req.locale = "fr".into();
    entry_value(&mut req, false, 0, f64::NAN);
    entry_value(&mut req, false, 4, 0.5);
    entries(&mut req, true)[0].indicator_id = "charisma".into();
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        fields(&status),
        [
            "view",
            "locale",
            "self_assessment.entries[0].value",
            "self_assessment.entries[4].value",
            "supervisor_assessment.entries[0].indicator_id",
            // key_customer_satisfaction: the supervisor named another id.
            "supervisor_assessment.entries",
        ]
    );
    let reasons = bad_violations(&status);
    assert!(reasons[3].1.contains("not a whole number"), "{reasons:?}");
    assert!(
        reasons[4].1.contains("unknown indicator \"charisma\""),
        "{reasons:?}"
    );
    assert!(
        reasons[5].1.contains("\"key_customer_satisfaction\""),
        "{reasons:?}"
    );

    // Submission values: not a number, an unknown id, a fractional count.
    let mut req = worked_example();
    req.submissions = vec![submission(&[
        ("attrition_rate", f64::NAN),
        ("bogus", 1.0),
        ("major_incidents", 0.5),
    ])];
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(
        fields(&status),
        [
            "submissions[0].values[\"attrition_rate\"]",
            "submissions[0].values[\"bogus\"]",
            "submissions[0].values[\"major_incidents\"]",
        ]
    );

    // An entry with no input, beside a fractional count.
    let mut req = worked_example();
    entries(&mut req, false)[3].input = None;
    entry_value(&mut req, false, 4, 0.5);
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(
        fields(&status),
        [
            "self_assessment.entries[3]",
            "self_assessment.entries[4].value"
        ]
    );

    // A review id too long, beside a value out of range.
    let mut req = worked_example();
    req.review_id = "r".repeat(300);
    entry_value(&mut req, true, 1, 101.0);
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(
        fields(&status),
        ["review_id", "supervisor_assessment.entries[1].value"]
    );

    // An indicator id too long is refused for its length only; the
    // indicator the entry stood for has no input.
    let mut req = worked_example();
    entries(&mut req, false)[2].indicator_id = "x".repeat(300);
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    let reasons = bad_violations(&status);
    assert_eq!(
        fields(&status),
        [
            "self_assessment.entries[2].indicator_id",
            "self_assessment.entries"
        ]
    );
    assert!(reasons[0].1.contains("at most"), "{reasons:?}");
    assert!(
        reasons[1].1.contains("\"first_response_sla_rate\""),
        "{reasons:?}"
    );

    // An unknown rubric beside a bad locale: both, INVALID_ARGUMENT.
    let mut req = worked_example();
    req.locale = "fr".into();
    req.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
        pb::RubricRef {
            id: "no-such-rubric".into(),
            version: 0,
        },
    ));
    let status = server.scoring().await.score_review(req).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let reasons = bad_violations(&status);
    assert_eq!(fields(&status), ["locale", "rubric_ref.id"]);
    assert!(
        reasons[1]
            .1
            .contains("no rubric with id \"no-such-rubric\""),
        "{reasons:?}"
    );
}

/// Bytes that are not a ScoreReviewRequest: INTERNAL with prost's reason
/// (gRPC's status code guide: "error parsing request proto"), decoded by
/// the server's codec (api::codec); the connection then carries on.
#[tokio::test]
async fn bytes_that_are_not_a_request_are_invalid_argument_and_the_connection_carries_on() {
    use scorecard::api::answer::Encoded;
    use scorecard::api::codec::Codec;
    let server = TestServer::start().await;
    let channel = server.channel().await;
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.expect("ready");
    // Field 1 (review_id), length 5, then only 2 bytes.
    let truncated = Encoded(vec![0x0a, 0x05, b'a', b'b']);
    let err = grpc
        .unary::<_, pb::ScoreReviewResponse, _>(
            tonic::Request::new(truncated),
            http::uri::PathAndQuery::from_static("/scorecard.v1.ScoringService/ScoreReview"),
            Codec::<Encoded, pb::ScoreReviewResponse>::default(),
        )
        .await
        .expect_err("the server cannot decode it");
    assert_eq!(err.code(), Code::InvalidArgument, "{err}");
    assert_eq!(
        err.message(),
        "the message is not a valid protobuf encoding of scorecard.v1.ScoreReviewRequest"
    );
    let answer = pb::scoring_service_client::ScoringServiceClient::new(channel)
        .score_review(worked_example())
        .await
        .expect("a good call on the same connection")
        .into_inner();
    assert_eq!(answer.final_score, "87.63");
}

/// One ScoreReviews item whose bytes are not a ScoreReviewsRequest is one
/// bad review: its answer is the error, and the items after it are still
/// read and answered (the length prefix tells where the next one starts).
#[tokio::test]
async fn an_undecodable_stream_item_is_answered_and_the_stream_reads_on() {
    use prost::Message;
    use scorecard::api::answer::Encoded;
    use scorecard::api::codec::Codec;
    let server = TestServer::start().await;
    let mut grpc = tonic::client::Grpc::new(server.channel().await);
    grpc.ready().await.expect("ready");
    let item = |id: &str| {
        let mut review = worked_example();
        review.review_id = id.into();
        Encoded(
            pb::ScoreReviewsRequest {
                review: Some(review),
            }
            .encode_to_vec(),
        )
    };
    // 0xff: field 31 with wire type 7, which does not exist.
    let items = vec![item("a"), item("b"), Encoded(vec![0xff; 10]), item("d")];
    let mut answers = grpc
        .streaming(
            tonic::Request::new(tokio_stream::iter(items)),
            http::uri::PathAndQuery::from_static("/scorecard.v1.ScoringService/ScoreReviews"),
            Codec::<Encoded, pb::ScoreReviewsResponse>::default(),
        )
        .await
        .expect("the stream starts")
        .into_inner();
    let mut got = Vec::new();
    while let Some(answer) = answers.message().await.expect("the stream never fails") {
        got.push(answer);
    }
    assert_eq!(got.len(), 4, "{got:?}");
    for (i, answer) in got.iter().enumerate() {
        assert_eq!(answer.index, i as u64);
    }
    let ids: Vec<&str> = got.iter().map(|a| a.review_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "", "d"]);
    use pb::score_reviews_response::Outcome;
    for i in [0, 1, 3] {
        match &got[i].outcome {
            Some(Outcome::Result(r)) => assert_eq!(r.final_score, "87.63"),
            other => panic!("item {i}: {other:?}"),
        }
    }
    match &got[2].outcome {
        Some(Outcome::Error(status)) => {
            assert_eq!(status.code, Code::InvalidArgument as i32);
            assert!(
                status
                    .message
                    .contains("not a valid protobuf encoding of scorecard.v1.ScoreReviewsRequest"),
                "{status:?}"
            );
        }
        other => panic!("item 2: {other:?}"),
    }
}

/// Every header and trailer field of a unary call's answer, as they cross
/// the wire: a bare HTTP/2 client, since tonic's client decodes the status
/// trailers before a test can measure them.
async fn answer_fields(
    addr: std::net::SocketAddr,
    path: &str,
    message: &impl prost::Message,
) -> Vec<(String, Vec<u8>)> {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut client = client.ready().await.unwrap();
    let request = http::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    let body = message.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&body);
    send.send_data(frame.into(), true).unwrap();
    let (head, mut body) = response.await.unwrap().into_parts();
    let mut fields = vec![(":status".to_string(), head.status.as_str().into())];
    let mut collect = |map: &http::HeaderMap| {
        for (name, value) in map {
            fields.push((name.to_string(), value.as_bytes().to_vec()));
        }
    };
    collect(&head.headers);
    while let Some(data) = body.data().await {
        let data = data.unwrap();
        body.flow_control().release_capacity(data.len()).unwrap();
    }
    if let Some(trailers) = body.trailers().await.unwrap() {
        collect(&trailers);
    }
    fields
}

/// An empty review has 40 violations (20 indicators without input, for
/// each rater). Sent whole they would make about 12 KB of trailers, which
/// grpc-java (8 KiB metadata limit) and grpcio (8 KiB soft limit) refuse
/// with RESOURCE_EXHAUSTED, hiding the INVALID_ARGUMENT. So the details
/// stop at 3 KiB encoded, with a last violation counting
/// the rest; ScoreReviews answers, which carry errors in the message, list
/// them all.
#[tokio::test]
async fn an_error_with_many_violations_fits_every_clients_metadata_limit() {
    let server = TestServer::start().await;
    let empty = pb::ScoreReviewRequest::default();
    let fields = answer_fields(
        server.addr,
        "/scorecard.v1.ScoringService/ScoreReview",
        &empty,
    )
    .await;
    let value = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.len())
            .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
    };
    assert!(fields.iter().any(|(n, v)| n == "grpc-status" && v == b"3"));
    // Worked out below: 3,065 bytes of details, 4,087 in base64 (no
    // padding); the 358-byte message grows with its percent-encoded
    // spaces, quotes and "…".
    let details = value("grpc-status-details-bin");
    let message = value("grpc-message");
    assert_eq!(details, 4087);
    assert!(details + message <= 4096 + 3 * 512, "{details} + {message}");
    // What HTTP/2 and both clients count: name + value + 32 per field.
    let list_size: usize = fields.iter().map(|(n, v)| n.len() + v.len() + 32).sum();
    assert!(list_size < 6 * 1024, "{list_size} bytes of metadata");

    // The same answer through tonic's client: the first violations exactly,
    // in order, then the count of the rest.
    let status = server
        .scoring()
        .await
        .score_review(empty.clone())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let got = bad_violations(&status);
    // Each violation adds to the BadRequest 1 (key) + 2 (length) + the
    // field (1 + 1 + 23) + the reason (1 + 2 + its length, 115 + the
    // indicator id's): 146 + the id's length. In rubric order:
    // key_customer_satisfaction (25) 171, complaint_resolution_rate (25)
    // 171, first_response_sla_rate (23) 169, follow_up_satisfaction (22)
    // 168, major_incidents (15) 161, first_contact_resolution_rate (29)
    // 175, complex_issue_avg_handle_minutes (32) 178,
    // knowledge_base_articles (23) 169, training_coverage_rate (22) 168,
    // cross_department_resolution_rate (32) 178,
    // team_training_completion_rate (29) 175,
    // team_performance_attainment_rate (32) 178, attrition_rate (14) 160,
    // team_collaboration_satisfaction (31) 177,
    // process_suggestion_adoption_rate (32) 178.
    // The message lists two violations: 21 + 165 + 2 + 165 + "; …" 5 = 358
    // bytes (a third, 2 + 163 more, would pass 512). Fixed part: code 2 +
    // message 1 + 2 + 358 + an Any of an empty BadRequest 45 = 408, plus 6
    // bytes of margin: 414. The note (for 40, or 26) adds 255. Running
    // totals: 585, 756, 925, 1093, 1254, 1429, 1607, 1776, 1944, 2122,
    // 2297, 2475, 2635, 2812 after 14 violations (the 14th: 2635 + 177 +
    // 255 = 3067 <= 3072); the 15th would need 2812 + 178 + 255 = 3245 >
    // 3072. So 14 are listed and 26 left out, and the details are
    // 2 + 361 + 1 + 2 + [43 + 1 + 2 + (2,398 + 255)] = 3,065 bytes.
    let ids = [
        "key_customer_satisfaction",
        "complaint_resolution_rate",
        "first_response_sla_rate",
        "follow_up_satisfaction",
        "major_incidents",
        "first_contact_resolution_rate",
        "complex_issue_avg_handle_minutes",
        "knowledge_base_articles",
        "training_coverage_rate",
        "cross_department_resolution_rate",
        "team_training_completion_rate",
        "team_performance_attainment_rate",
        "attrition_rate",
        "team_collaboration_satisfaction",
    ];
    let missing = |rater: &str, id: &str| {
        (
            format!("{rater}.entries"),
            format!(
                "indicator \"{id}\" has no input: no submission value and no {rater} entry (set allow_partial to score without it)"
            ),
        )
    };
    let (note, listed) = got.split_last().unwrap();
    let expected: Vec<_> = ids
        .iter()
        .map(|id| missing("self_assessment", id))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(note.0, "");
    assert!(
        note.1
            .starts_with("26 more violation(s) not listed: error details are kept under 3 KiB"),
        "{}",
        note.1
    );
    assert!(status.message().starts_with("40 invalid field(s): "));
    assert!(status.message().len() <= 512);

    // ScoreReviews answers carry the error in the message: all 40 listed.
    let mut answers = server
        .scoring()
        .await
        .score_reviews(tokio_stream::iter([pb::ScoreReviewsRequest {
            review: Some(empty),
        }]))
        .await
        .unwrap()
        .into_inner();
    let answer = answers.message().await.unwrap().unwrap();
    let Some(pb::score_reviews_response::Outcome::Error(error)) = answer.outcome else {
        panic!("an error answer: {answer:?}");
    };
    use tonic_types::RpcStatusExt;
    let all = error.get_details_bad_request().unwrap().field_violations;
    assert_eq!(all.len(), 40);
    assert_eq!(
        (all[39].field.as_str(), all[39].description.as_str()),
        (
            "supervisor_assessment.entries",
            "indicator \"innovation_proposals\" has no input: no submission value and no supervisor_assessment entry (set allow_partial to score without it)"
        )
    );
}

/// An empty id names no rubric: INVALID_ARGUMENT naming the field, as
/// ScoreReview's rubric_ref.id already was, not NOT_FOUND.
#[tokio::test]
async fn an_empty_rubric_id_is_an_invalid_argument_everywhere() {
    let server = TestServer::start().await;
    let status = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest {
            id: String::new(),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(
        bad_violations(&status),
        [("id".to_string(), "is required".to_string())]
    );
    // Nor does an id longer than any id may be (256 bytes): 512 KiB here,
    // refused without being echoed.
    let status = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest {
            id: "r".repeat(1 << 19),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(
        bad_violations(&status),
        [(
            "id".to_string(),
            "is 524288 bytes long; at most 256".to_string()
        )]
    );

    let mut options = q3_options();
    options.rubric_ref = Some(pb::RubricRef {
        id: String::new(),
        version: 1,
    });
    let status = server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter([options_message(options)]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(
        bad_violations(&status),
        [(
            "options.rubric_ref.id".to_string(),
            "is required".to_string()
        )]
    );
    // An id that is given but unknown is still NOT_FOUND.
    let status = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest {
            id: "sales-rep".into(),
            version: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(
        bad_violations(&status),
        [(
            "id".to_string(),
            "no rubric with id \"sales-rep\" is loaded".to_string()
        )]
    );
    let status = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest {
            id: "telecom-support-manager".into(),
            version: 9,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(bad_fields(&status), ["version"]);
}

/// docs/scoring.md section 4 gives each submission its period; a submission for
/// another period than the review's is refused, naming both (until 2026-12-02
/// a 2019-Q1 submission was scored in a 2026-Q3 review). One for the same
/// period, or one that gives no period, still scores.
#[tokio::test]
async fn a_submission_for_another_period_is_refused() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let with_period = |label: &str, start: &str, end: &str| {
        let mut req = worked_example();
        let mut s = submission(&[("attrition_rate", 7.0)]);
        s.period = Some(pb::ReviewPeriod {
            label: label.into(),
            start_date: start.into(),
            end_date: end.into(),
        });
        req.submissions = vec![s];
        req
    };
    let status = client
        .score_review(with_period("2019-Q1", "2019-01-01", "2019-03-31"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        bad_violations(&status),
        [
            (
                "submissions[0].period.label".to_string(),
                "\"2019-Q1\" is not the review's period \"2026-Q3\"; a submission's values count only for their own period".to_string()
            ),
            (
                "submissions[0].period.start_date".to_string(),
                "2019-01-01 is not the review's start_date 2026-07-01".to_string()
            ),
            (
                "submissions[0].period.end_date".to_string(),
                "2019-03-31 is not the review's end_date 2026-09-30".to_string()
            ),
        ]
    );
    // The review's own period, whole or by label only, scores as before:
    // attrition 7 % is what both raters gave (docs/scoring.md section 8).
    for req in [
        with_period("2026-Q3", "2026-07-01", "2026-09-30"),
        with_period("2026-Q3", "", ""),
        with_period("", "", ""),
    ] {
        let answer = client.score_review(req).await.unwrap().into_inner();
        assert_eq!(answer.final_score, "87.63");
    }
}

//! ScoringService end to end: the real server, a real tonic client.
//! Expected numbers are docs/scoring.md section 8's, worked by hand there.

use crate::common::*;
use prost::Message;
use scorecard::api::pb;
use tokio_stream::StreamExt;
use tonic::Code;

fn dims(r: &pb::RaterBreakdown) -> Vec<&str> {
    r.dimensions.iter().map(|d| d.score.as_str()).collect()
}

#[tokio::test]
async fn the_worked_example_gives_every_number_of_section_8() {
    let server = TestServer::start().await;
    let answer = server
        .scoring()
        .await
        .score_review(worked_example())
        .await
        .expect("scored")
        .into_inner();

    let own = answer.self_assessment.as_ref().unwrap();
    let sup = answer.supervisor_assessment.as_ref().unwrap();
    assert_eq!(dims(own), ["92.85", "88.00", "85.50", "91.50"]);
    assert_eq!(own.total, "89.79");
    assert_eq!(dims(sup), ["87.15", "88.47", "83.00", "87.00"]);
    assert_eq!(sup.total, "86.70");
    assert_eq!(answer.final_score, "87.63");
    assert_eq!(answer.bonus_coefficient, "0.8763");

    // Supervisor complex handling: 131 − 120 = 11 over, 0.7333… steps, 0.73 off, 19.27.
    let complex = sup
        .indicators
        .iter()
        .find(|i| i.indicator_id == "complex_issue_avg_handle_minutes")
        .unwrap();
    assert_eq!(complex.value, "131");
    assert_eq!(complex.shortfall, "11");
    assert_eq!(complex.steps, "0.7333");
    assert_eq!(complex.deduction, "0.73");
    assert_eq!(complex.points, "19.27");
    assert_eq!(complex.input_kind, pb::InputKind::RaterValue as i32);

    // The answer names what computed it.
    let rubric = answer.rubric.as_ref().unwrap();
    assert_eq!(
        (rubric.id.as_str(), rubric.version),
        ("telecom-support-manager", 1)
    );
    assert!(rubric.content_hash.starts_with("sha256:") && rubric.content_hash.len() == 71);
    assert_eq!(answer.service_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(answer.review_id, "2026-Q3-e1024");
    assert!(answer.complete);
    // The largest loss: major incidents, 0.3·0.4·5 + 0.7·0.4·10 = 3.40.
    let first = &answer.largest_losses[0];
    assert_eq!(
        (
            first.indicator_id.as_str(),
            first.final_score_points.as_str()
        ),
        ("major_incidents", "3.40")
    );
    assert_eq!(first.full_points_value, "0");
    // 89.79 − 86.70 = 3.09 ≤ 10: not flagged.
    let gap = answer.gap.as_ref().unwrap();
    assert_eq!(gap.self_minus_supervisor, "3.09");
    assert!(!gap.flagged);
}

#[tokio::test]
async fn each_locale_explains_in_its_own_words() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let cases = [
        (
            "en",
            "Complaint resolution rate 93.5% is 1.5 below the 95% target: 1.5 × 0.5 = 0.75 off, 19.25 of 20.",
        ),
        (
            "zh-CN",
            "客户投诉解决率 93.5%,低于目标 95% 1.5 个百分点,扣 0.75 分,得 19.25/20 分。",
        ),
        (
            "zh-TW",
            "客戶投訴解決率 93.5%,低於目標 95% 1.5 個百分點,扣 0.75 分,得 19.25/20 分。",
        ),
    ];
    for (locale, expected) in cases {
        let mut req = worked_example();
        req.locale = locale.into();
        let answer = client.score_review(req).await.unwrap().into_inner();
        assert_eq!(answer.locale, locale);
        assert_eq!(
            answer.self_assessment.unwrap().indicators[1].explanation,
            expected
        );
    }
}

#[tokio::test]
async fn the_same_request_gives_byte_identical_answers() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let a = client
        .score_review(worked_example())
        .await
        .unwrap()
        .into_inner()
        .encode_to_vec();
    let b = client
        .score_review(worked_example())
        .await
        .unwrap()
        .into_inner()
        .encode_to_vec();
    assert_eq!(a, b);
}

#[tokio::test]
async fn an_unknown_rubric_or_version_is_not_found() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    for (id, version, field) in [
        ("no-such-rubric", 0, "rubric_ref.id"),
        ("telecom-support-manager", 7, "rubric_ref.version"),
    ] {
        let mut req = worked_example();
        req.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
            pb::RubricRef {
                id: id.into(),
                version,
            },
        ));
        let err = client.score_review(req).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{id} v{version}");
        assert_eq!(bad_fields(&err), [field], "{id} v{version}");
    }
}

#[tokio::test]
async fn an_inline_rubric_is_scored_like_a_loaded_one() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let rubric = server
        .rubrics()
        .await
        .get_rubric(pb::GetRubricRequest {
            id: "telecom-support-manager".into(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner();
    let mut inline = rubric.rubric.unwrap();
    inline.id = "inline-copy".into();
    let mut req = worked_example();
    req.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(inline));
    let answer = client.score_review(req).await.unwrap().into_inner();
    assert_eq!(answer.final_score, "87.63");
    assert_eq!(answer.rubric.unwrap().id, "inline-copy");
}

/// docs/scoring.md section 1: an `(id, version)` pair never changes once published.
/// An inline rubric under a loaded pair is accepted only with the same
/// content, by ScoreReview and by ValidateRubric alike.
#[tokio::test]
async fn an_inline_rubric_may_not_change_a_published_version() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let mut rubrics = server.rubrics().await;
    let published = rubrics
        .get_rubric(pb::GetRubricRequest {
            id: "telecom-support-manager".into(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner();
    let same = published.rubric.clone().unwrap();
    let mut changed = same.clone();
    let rule = changed.dimensions[0].indicators[0].rule.as_mut().unwrap();
    rule.target -= 1.0;

    // The same content: scored, and named by the published hash.
    let mut req = worked_example();
    req.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(
        same.clone(),
    ));
    let answer = client.score_review(req).await.unwrap().into_inner();
    assert_eq!(answer.final_score, "87.63");
    assert_eq!(answer.rubric.unwrap().content_hash, published.content_hash);

    // Other content under the same pair: refused, at the version.
    let mut req = worked_example();
    req.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(
        changed.clone(),
    ));
    let status = client.score_review(req).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(bad_fields(&status), ["inline_rubric.version"]);
    assert!(
        status
            .message()
            .contains("version 1 is published with other content"),
        "{}",
        status.message()
    );

    let validate = |rubric: pb::Rubric| {
        let mut rubrics = rubrics.clone();
        async move {
            rubrics
                .validate_rubric(pb::ValidateRubricRequest {
                    rubric: Some(rubric),
                })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let ok = validate(same).await;
    assert!(ok.valid, "{:?}", ok.violations);
    assert_eq!(ok.content_hash, published.content_hash);
    let mut renamed = changed.clone();
    renamed.id = "telecom-support-manager-draft".into();
    let refused = validate(changed).await;
    assert!(!refused.valid);
    let fields: Vec<_> = refused
        .violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["version"]);

    // Under an id of its own, the changed rubric is fine.
    assert!(validate(renamed).await.valid);
}

fn stream_item(review: pb::ScoreReviewRequest) -> pb::ScoreReviewsRequest {
    pb::ScoreReviewsRequest {
        review: Some(review),
    }
}

#[tokio::test]
async fn a_stream_answers_every_review_in_order_and_errors_only_the_bad_ones() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let mut requests = Vec::new();
    let mut bad = Vec::new();
    for i in 0..50 {
        let mut req = worked_example();
        req.review_id = format!("r-{i}");
        if i % 7 == 3 {
            // NaN on the supervisor's fourth entry.
            set_value(&mut req.supervisor_assessment, 3, f64::NAN);
            bad.push(i);
        } else if i == 20 {
            req.locale = "fr".into();
            bad.push(i);
        } else if i == 30 {
            req.rubric_source = Some(pb::score_review_request::RubricSource::RubricRef(
                pb::RubricRef {
                    id: "no-such-rubric".into(),
                    version: 0,
                },
            ));
            bad.push(i);
        }
        requests.push(stream_item(req));
    }
    let mut answers = client
        .score_reviews(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let mut seen = 0;
    while let Some(answer) = answers.next().await {
        let answer = answer.expect("the stream never fails for a bad review");
        assert_eq!(answer.index, seen as u64);
        assert_eq!(answer.review_id, format!("r-{seen}"));
        match answer.outcome.unwrap() {
            pb::score_reviews_response::Outcome::Result(r) => {
                assert!(!bad.contains(&seen), "review {seen} should have failed");
                assert_eq!(r.final_score, "87.63");
            }
            pb::score_reviews_response::Outcome::Error(status) => {
                assert!(bad.contains(&seen), "review {seen} should have been scored");
                let code = if seen == 30 {
                    Code::NotFound
                } else {
                    Code::InvalidArgument
                };
                assert_eq!(status.code, code as i32);
                use tonic_types::RpcStatusExt;
                let fields: Vec<String> = status
                    .get_details_bad_request()
                    .unwrap()
                    .field_violations
                    .into_iter()
                    .map(|v| v.field)
                    .collect();
                let expected = if seen == 20 {
                    "locale"
                } else if seen == 30 {
                    "rubric_ref.id"
                } else {
                    "supervisor_assessment.entries[3].value"
                };
                assert_eq!(fields, [expected]);
            }
        }
        seen += 1;
    }
    assert_eq!(seen, 50);
}

/// A stream message whose `review` is unset is one bad review: INVALID_ARGUMENT
/// naming `review`, not an empty review scored into 40 missing-input
/// violations. The stream carries on.
#[tokio::test]
async fn a_stream_message_without_a_review_is_answered_review_is_required() {
    let server = TestServer::start().await;
    let mut first = worked_example();
    first.review_id = "before".into();
    let mut last = worked_example();
    last.review_id = "after".into();
    let requests = vec![
        stream_item(first),
        pb::ScoreReviewsRequest { review: None },
        stream_item(last),
    ];
    let answers: Vec<pb::ScoreReviewsResponse> = server
        .scoring()
        .await
        .score_reviews(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner()
        .map(|a| a.expect("the stream goes on"))
        .collect()
        .await;
    assert_eq!(answers.len(), 3);
    for (answer, id) in [(&answers[0], "before"), (&answers[2], "after")] {
        assert_eq!(answer.review_id, id);
        match answer.outcome.as_ref().unwrap() {
            pb::score_reviews_response::Outcome::Result(r) => assert_eq!(r.final_score, "87.63"),
            other => panic!("{id} not scored: {other:?}"),
        }
    }
    assert_eq!((answers[1].index, answers[1].review_id.as_str()), (1, ""));
    let Some(pb::score_reviews_response::Outcome::Error(status)) = &answers[1].outcome else {
        panic!("an error: {:?}", answers[1]);
    };
    assert_eq!(status.code, Code::InvalidArgument as i32);
    assert_eq!(status.message, "1 invalid field(s): review: is required");
    use tonic_types::RpcStatusExt;
    let violations: Vec<(String, String)> = status
        .get_details_bad_request()
        .unwrap()
        .field_violations
        .into_iter()
        .map(|v| (v.field, v.description))
        .collect();
    assert_eq!(
        violations,
        [("review".to_string(), "is required".to_string())]
    );
}

#[tokio::test]
async fn the_summary_view_keeps_every_total_and_drops_the_indicator_lines() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    let full = client
        .score_review(worked_example())
        .await
        .expect("scored")
        .into_inner();
    let summary = client
        .score_review(pb::ScoreReviewRequest {
            view: pb::ScoreReviewView::Summary as i32,
            ..worked_example()
        })
        .await
        .expect("scored")
        .into_inner();

    // Section 8's numbers, as in FULL.
    let own = summary.self_assessment.as_ref().unwrap();
    let sup = summary.supervisor_assessment.as_ref().unwrap();
    assert_eq!(dims(own), ["92.85", "88.00", "85.50", "91.50"]);
    assert_eq!((own.total.as_str(), sup.total.as_str()), ("89.79", "86.70"));
    assert_eq!(dims(sup), ["87.15", "88.47", "83.00", "87.00"]);
    assert_eq!(summary.final_score, "87.63");
    assert_eq!(summary.bonus_coefficient, "0.8763");
    assert_eq!(summary.gap.as_ref().unwrap().self_minus_supervisor, "3.09");
    // 0.3·0.4·5 + 0.7·0.4·10 = 3.40 off for major incidents, explained.
    let first = &summary.largest_losses[0];
    assert_eq!(
        (
            first.indicator_id.as_str(),
            first.final_score_points.as_str()
        ),
        ("major_incidents", "3.40")
    );
    assert!(!first.explanation.is_empty());
    assert_eq!(summary.rubric, full.rubric);
    // No per-indicator lines: 20 in FULL for each rater, none here.
    assert_eq!(full.self_assessment.as_ref().unwrap().indicators.len(), 20);
    assert!(own.indicators.is_empty() && sup.indicators.is_empty());
    // Everything else is FULL's, field for field.
    let mut trimmed = full.clone();
    for rater in [
        &mut trimmed.self_assessment,
        &mut trimmed.supervisor_assessment,
    ]
    .into_iter()
    .flatten()
    {
        rater.indicators.clear();
    }
    assert_eq!(summary, trimmed);
    // The indicator lines are most of a FULL answer: 40 of them, some
    // 200 bytes each with their explanation.
    assert!(summary.encoded_len() * 2 < full.encoded_len());
}

#[tokio::test]
async fn an_unknown_view_is_refused_naming_the_field() {
    let server = TestServer::start().await;
    let status = server
        .scoring()
        .await
        .score_review(pb::ScoreReviewRequest {
            view: 7,
            ..worked_example()
        })
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&status), ["view"]);
}

#[tokio::test]
async fn a_stream_answers_each_item_in_the_view_it_asks_for() {
    let server = TestServer::start().await;
    let items = [
        pb::ScoreReviewView::Summary,
        pb::ScoreReviewView::Unspecified,
        pb::ScoreReviewView::Full,
    ]
    .map(|view| {
        stream_item(pb::ScoreReviewRequest {
            view: view as i32,
            ..worked_example()
        })
    });
    let answers: Vec<pb::ScoreReviewsResponse> = server
        .scoring()
        .await
        .score_reviews(tokio_stream::iter(items))
        .await
        .expect("stream")
        .into_inner()
        .collect::<Result<_, _>>()
        .await
        .expect("answers");
    let lines: Vec<usize> = answers
        .iter()
        .map(|a| match &a.outcome {
            Some(pb::score_reviews_response::Outcome::Result(r)) => {
                assert_eq!(r.final_score, "87.63");
                r.supervisor_assessment.as_ref().unwrap().indicators.len()
            }
            other => panic!("not a result: {other:?}"),
        })
        .collect();
    assert_eq!(lines, [0, 20, 20]);
}

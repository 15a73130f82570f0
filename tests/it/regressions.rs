//! Regression tests for crashes found by the property tests and fuzzers
//! (RELIABILITY.md lists how each was found).

use scorecard::api::{convert, pb};
use scorecard::server::scoring::score_one;
use scorecard_core::rubric::{self, Registry};

/// A one-indicator rubric: a COUNT, at most 0, with the given step and
/// penalty (full points 20).
fn count_rubric(step: f64, penalty: f64) -> rubric::RubricSpec {
    let text = format!(
        r#"{{
          "id": "tiny-step", "version": 1, "default_locale": "en",
          "names": {{"en": "Tiny step"}},
          "dimensions": [{{
            "id": "d", "names": {{"en": "D"}}, "weight_percent": 100,
            "indicators": [{{
              "id": "incidents", "names": {{"en": "Incidents"}}, "unit": "COUNT",
              "full_points": 20,
              "rule": {{"direction": "AT_MOST", "target": 0, "step": {step:e}, "penalty": {penalty:e}}}
            }}]
          }}]
        }}"#
    );
    rubric::parse_text(&text, "json").expect("the rubric parses")
}

fn review(rubric: rubric::RubricSpec, incidents: f64) -> pb::ScoreReviewRequest {
    let entry = pb::AssessmentEntry {
        indicator_id: "incidents".into(),
        input: Some(pb::assessment_entry::Input::Value(incidents)),
        comment: String::new(),
    };
    pb::ScoreReviewRequest {
        review_id: "r".into(),
        rubric_source: Some(pb::score_review_request::RubricSource::InlineRubric(
            convert::rubric_proto(&rubric),
        )),
        self_assessment: Some(pb::Assessment {
            entries: vec![entry.clone()],
        }),
        supervisor_assessment: Some(pb::Assessment {
            entries: vec![entry],
        }),
        ..Default::default()
    }
}

/// Found by `an_accepted_rubric_scores_every_valid_review`: a step of
/// 10^-20 was accepted, and a count of 10^12 then made 10^32 steps, past
/// `Decimal`'s range: a panic in the request path ("Division overflowed").
#[test]
fn a_step_finer_than_a_millionth_is_refused() {
    let violations = rubric::validate(&count_rubric(1e-20, 0.5)).expect_err("refused");
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].field, "dimensions[0].indicators[0].rule.step");
    // Inline, the same rubric gets INVALID_ARGUMENT instead of a panic.
    let (_, answer) = score_one(
        &Registry::with_builtin(),
        review(count_rubric(1e-20, 0.5), 1e12),
    );
    match answer {
        Err(scorecard_core::Error::Invalid(v)) => {
            assert_eq!(
                v[0].field,
                "inline_rubric.dimensions[0].indicators[0].rule.step"
            )
        }
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
}

/// The extreme the bound allows: step 10^-6, penalty 10^9, a count of
/// 10^12: 10^18 steps × 10^9 = 10^27 off, capped at the 20 full points,
/// so 0 points for each rater and a final score of 0.
#[test]
fn the_finest_step_with_the_largest_value_and_penalty_scores_zero() {
    let (_, answer) = score_one(
        &Registry::with_builtin(),
        review(count_rubric(1e-6, 1e9), 1e12),
    );
    let answer: pb::ScoreReviewResponse = answer.expect("scored").decode().expect("decodes");
    let own = answer.self_assessment.as_ref().unwrap();
    assert_eq!(own.indicators[0].deduction, "20.00");
    assert_eq!(own.indicators[0].points, "0.00");
    assert_eq!(answer.final_score, "0.00");
}

/// Totals past 2^63 millionths (9.2 × 10^12 points) would not fit an i64.
/// A rubric has at most 128 indicators of at most 10^9 full points, so
/// totals stay below 1.28 × 10^11: the
/// 10,000 indicators that reached 10^13 are refused, and the largest
/// total allowed is exact. 128 indicators of 10^9 full points in one
/// dimension (weight 100): every one met gives 128 × 10^9 = 1.28 × 10^11;
/// with every input missing, 0 scored and 1.28 × 10^11 still reachable.
#[test]
fn totals_at_the_largest_rubric_stay_exact() {
    let wide = |n: usize| -> String {
        let indicators: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id": "k{i}", "names": {{"en": "K{i}"}}, "unit": "COUNT", "full_points": 1e9,
                    "rule": {{"direction": "AT_LEAST", "target": 1, "step": 1, "penalty": 1}}}}"#
                )
            })
            .collect();
        format!(
            r#"{{"id": "wide", "version": 1, "default_locale": "en", "names": {{"en": "Wide"}},
            "dimensions": [{{"id": "d", "names": {{"en": "D"}}, "weight_percent": 100,
                             "indicators": [{}]}}]}}"#,
            indicators.join(",")
        )
    };
    let too_wide = rubric::parse_text(&wide(10_000), "json").expect("the rubric parses");
    let refused = scorecard::api::convert::validate_inline(&too_wide).unwrap_err();
    assert!(
        format!("{refused:?}").contains("10000 indicators in all; at most 128"),
        "{refused:?}"
    );
    let spec = rubric::parse_text(&wide(128), "json").expect("the rubric parses");
    let inline = Some(pb::score_review_request::RubricSource::InlineRubric(
        convert::rubric_proto(&spec),
    ));
    let registry = Registry::with_builtin();

    let met = pb::ScoreReviewRequest {
        review_id: "met".into(),
        rubric_source: inline.clone(),
        submissions: vec![pb::MetricSubmission {
            source: "hr".into(),
            values: (0..128).map(|i| (format!("k{i}"), 1.0)).collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let answer: pb::ScoreReviewResponse = score_one(&registry, met)
        .1
        .expect("scored")
        .decode()
        .expect("decodes");
    let own = answer.self_assessment.as_ref().unwrap();
    assert_eq!(own.total, "128000000000.00");
    assert_eq!(answer.final_score, "128000000000.00");
    // No bands: final / 100 to 4 places.
    assert_eq!(answer.bonus_coefficient, "1280000000.0000");

    let missing = pb::ScoreReviewRequest {
        review_id: "missing".into(),
        rubric_source: inline,
        allow_partial: true,
        ..Default::default()
    };
    let answer: pb::ScoreReviewResponse = score_one(&registry, missing)
        .1
        .expect("scored")
        .decode()
        .expect("decodes");
    let own = answer.self_assessment.as_ref().unwrap();
    assert_eq!(own.total, "0.00");
    assert_eq!(own.max_reachable_total, "128000000000.00");
    assert_eq!(answer.max_reachable_final_score, "128000000000.00");
}

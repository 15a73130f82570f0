//! Engine tests. Expected numbers are worked by hand from docs/scoring.md
//! (section 8 for the worked example), never taken from the code's output.

use super::*;
use crate::Error;
use crate::rubric::{RubricSpec, builtin_rubric, validate};
use rust_decimal_macros::dec;

/// The built-in rubric's indicator ids, in rubric order.
const IDS: [&str; 20] = [
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
    "process_suggestion_adoption_rate",
    "process_optimizations",
    "new_tool_adoption_rate",
    "customer_feedback_adoption_rate",
    "cost_savings_rate",
    "innovation_proposals",
];

const SELF_VALUES: [Decimal; 20] = [
    dec!(92),
    dec!(93.5),
    dec!(97.2),
    dec!(83),
    dec!(1),
    dec!(76),
    dec!(150),
    dec!(3),
    dec!(96),
    dec!(91),
    dec!(100),
    dec!(80),
    dec!(7),
    dec!(78),
    dec!(65),
    dec!(1),
    dec!(90),
    dec!(55),
    dec!(3),
    dec!(0),
];

fn entries(values: &[Decimal; 20]) -> Vec<Entry> {
    IDS.iter()
        .zip(values)
        .map(|(id, v)| Entry {
            indicator_id: id.to_string(),
            input: EntryInput::Value(*v),
            comment: String::new(),
        })
        .collect()
}

fn supervisor_values() -> [Decimal; 20] {
    let mut v = SELF_VALUES;
    v[0] = dec!(88.6); // key_customer_satisfaction
    v[4] = dec!(2); // major_incidents
    v[6] = dec!(131); // complex_issue_avg_handle_minutes
    v[9] = dec!(88.4); // cross_department_resolution_rate
    v[10] = dec!(97.5); // team_training_completion_rate
    v[18] = dec!(-1.5); // cost_savings_rate
    v
}

fn worked_example(locale: Option<Locale>) -> Review {
    Review {
        review_id: "r-1".into(),
        employee_id: "e-1".into(),
        period_label: "2026-Q3".into(),
        self_assessment: entries(&SELF_VALUES),
        supervisor_assessment: entries(&supervisor_values()),
        locale,
        ..Review::default()
    }
}

fn dims(r: &RaterScore) -> Vec<Decimal> {
    r.dimensions.iter().map(|d| d.score).collect()
}

#[test]
fn the_worked_example_scores_every_number_of_section_8() {
    let out = score(builtin_rubric(), &worked_example(None)).expect("valid review");
    assert_eq!(
        dims(&out.self_score),
        [dec!(92.85), dec!(88), dec!(85.5), dec!(91.5)]
    );
    assert_eq!(out.self_score.total, dec!(89.79));
    assert_eq!(
        dims(&out.supervisor_score),
        [dec!(87.15), dec!(88.47), dec!(83), dec!(87)]
    );
    assert_eq!(out.supervisor_score.total, dec!(86.70));
    // 0.3 × 89.79 + 0.7 × 86.70 = 87.627 → 87.63; coefficient 87.63 / 100.
    assert_eq!(out.final_score, dec!(87.63));
    assert_eq!(out.bonus_coefficient, dec!(0.8763));
    // Supervisor complex handling: 11 over, 11/15 steps → 0.73 off, 19.27.
    let complex = &out.supervisor_score.indicators[6];
    assert_eq!(
        (complex.shortfall, complex.deduction, complex.points),
        (dec!(11), dec!(0.73), dec!(19.27))
    );
    assert!(out.complete);
    assert_eq!(out.max_reachable_final, dec!(87.63));
    // 89.79 − 86.70 = 3.09, under the default threshold of 10.
    assert_eq!(out.gap, dec!(3.09));
    assert!(!out.gap_flagged);
    assert_eq!(
        out.locale,
        Locale::ZhCn,
        "the built-in rubric's default locale"
    );
}

#[test]
fn largest_losses_come_in_order_of_final_score_points() {
    // cost = 30% × self deduction × weight + 70% × supervisor deduction × weight:
    // major_incidents 0.3·0.4·5 + 0.7·0.4·10 = 3.4; knowledge base, training
    // coverage (30%) and attrition (20%) 1.2 each, tied, in rubric order;
    // suggestions 0.2·5 = 1; first contact 0.3·2 = 0.6; cost savings
    // 0.3·0.1·2 + 0.7·0.1·6.5 = 0.515 → 0.52.
    let out = score(builtin_rubric(), &worked_example(None)).unwrap();
    let rubric = builtin_rubric();
    let got: Vec<(&str, Decimal)> = out
        .losses
        .iter()
        .take(7)
        .map(|l| {
            (
                rubric.dimensions[l.dimension].indicators[l.indicator]
                    .id
                    .as_str(),
                l.final_score_points,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("major_incidents", dec!(3.40)),
            ("knowledge_base_articles", dec!(1.20)),
            ("training_coverage_rate", dec!(1.20)),
            ("attrition_rate", dec!(1.20)),
            ("process_suggestion_adoption_rate", dec!(1.00)),
            ("first_contact_resolution_rate", dec!(0.60)),
            ("cost_savings_rate", dec!(0.52)),
        ]
    );
    // new_tool_adoption_rate (90 ≥ 85) cost nothing and is not listed.
    assert_eq!(out.losses.len(), 19);
}

/// The losses of the worked example under `rubric`, by indicator id.
fn loss_points(rubric: &crate::rubric::Rubric) -> Vec<(String, Decimal)> {
    let out = score(rubric, &worked_example(None)).unwrap();
    out.losses
        .iter()
        .map(|l| {
            let id = &rubric.dimensions[l.dimension].indicators[l.indicator].id;
            (id.clone(), l.final_score_points)
        })
        .collect()
}

#[test]
fn loss_costs_stay_exact_with_fractional_blend_and_weights() {
    let spec =
        || -> RubricSpec { serde_json::from_str(crate::rubric::BUILTIN_RUBRIC_SOURCE).unwrap() };
    let find = |losses: &[(String, Decimal)], id: &str| {
        losses.iter().find(|(i, _)| i == id).map(|(_, p)| *p)
    };

    // Whole percents: the costs need no places.
    let costs = &builtin_rubric().units.costs;
    assert_eq!(
        (costs.places, costs.self_percent, costs.supervisor_percent),
        (0, 30, 70)
    );
    assert_eq!(costs.weights, [40, 30, 20, 10]);

    // Blend 30.25 / 69.75: major incidents (self 5 off, supervisor 10 off,
    // weight 40%) cost 0.3025·5·0.4 + 0.6975·10·0.4 = 0.605 + 2.79 =
    // 3.395, a tie, → 3.40; cost savings (2 and 6.5 off, weight 10%)
    // 0.3025·2·0.1 + 0.6975·6.5·0.1 = 0.0605 + 0.453375 = 0.513875 → 0.51
    // (0.52 with the 30/70 blend).
    let mut blend = spec();
    blend.id = "blend".into();
    blend.blend = Some(crate::rubric::BlendSpec {
        self_weight_percent: 30.25,
        supervisor_weight_percent: 69.75,
    });
    let rubric = validate(&blend).expect("valid");
    assert_eq!(rubric.units.costs.places, 2);
    assert_eq!(
        (
            rubric.units.costs.self_percent,
            rubric.units.costs.supervisor_percent
        ),
        (3025, 6975)
    );
    let losses = loss_points(&rubric);
    assert_eq!(find(&losses, "major_incidents"), Some(dec!(3.40)));
    assert_eq!(find(&losses, "cost_savings_rate"), Some(dec!(0.51)));

    // Weights with six places (costs in 10^-22): with 30/70, cost savings
    // cost (0.3·2 + 0.7·6.5) × 0.09999999 = 5.15 × 0.09999999 =
    // 0.5149999485 → 0.51, where weight 10% gives the tie 0.515 → 0.52;
    // major incidents 8.5 × 0.40000001 = 3.400000085 → 3.40.
    let mut weights = spec();
    weights.id = "weights".into();
    weights.dimensions[0].weight_percent = 40.000001;
    weights.dimensions[3].weight_percent = 9.999999;
    let rubric = validate(&weights).expect("valid");
    assert_eq!(rubric.units.costs.places, 6);
    assert_eq!(
        rubric.units.costs.weights,
        [40_000_001, 30_000_000, 20_000_000, 9_999_999]
    );
    let losses = loss_points(&rubric);
    assert_eq!(find(&losses, "major_incidents"), Some(dec!(3.40)));
    assert_eq!(find(&losses, "cost_savings_rate"), Some(dec!(0.51)));
    let builtin = loss_points(builtin_rubric());
    assert_eq!(find(&builtin, "cost_savings_rate"), Some(dec!(0.52)));
}

#[test]
fn explanations_follow_the_spec_examples_in_each_locale() {
    let cases = [
        (
            Locale::En,
            "Complaint resolution rate 93.5% is 1.5 below the 95% target: 1.5 × 0.5 = 0.75 off, 19.25 of 20.",
        ),
        (
            Locale::ZhTw,
            "客戶投訴解決率 93.5%,低於目標 95% 1.5 個百分點,扣 0.75 分,得 19.25/20 分。",
        ),
        (
            Locale::ZhCn,
            "客户投诉解决率 93.5%,低于目标 95% 1.5 个百分点,扣 0.75 分,得 19.25/20 分。",
        ),
    ];
    for (locale, expected) in cases {
        let out = score(builtin_rubric(), &worked_example(Some(locale))).unwrap();
        assert_eq!(out.text(out.self_score.indicators[1].explanation), expected);
    }
    let out = score(builtin_rubric(), &worked_example(Some(Locale::En))).unwrap();
    assert_eq!(
        out.text(out.supervisor_score.indicators[6].explanation),
        "Complex-issue handling time 131 min is 11 over the 120 min limit: 11 / 15 = 0.7333… steps × 1 = 0.7333… → 0.73 off, 19.27 of 20."
    );
    assert_eq!(
        out.text(out.summary),
        "Final score = 30% × 89.79 + 70% × 86.70 = 87.63; bonus coefficient 0.8763."
    );
}

#[test]
fn a_value_both_raters_give_is_scored_and_explained_once() {
    let complaint = "Complaint resolution rate 93.5% is 1.5 below the 95% target: 1.5 × 0.5 = 0.75 off, 19.25 of 20.";
    let out = score(builtin_rubric(), &worked_example(Some(Locale::En))).unwrap();
    let (own, theirs) = (&out.self_score.indicators, &out.supervisor_score.indicators);
    // Both gave 93.5: one explanation, which both point at.
    assert_eq!(theirs[1].explanation, own[1].explanation);
    assert_eq!(out.text(theirs[1].explanation), complaint);
    assert_eq!(
        (theirs[1].deduction, theirs[1].points),
        (dec!(0.75), dec!(19.25))
    );
    // 150 and 131 minutes: two explanations, each with its own numbers.
    assert_ne!(theirs[6].explanation, own[6].explanation);
    assert!(
        out.text(own[6].explanation)
            .contains(" 150 min is 30 over ")
    );
    assert!(
        out.text(theirs[6].explanation)
            .contains(" 131 min is 11 over ")
    );

    // 93.50 is the same number written differently: scored again, to the
    // same text; the rater's own value is kept.
    let mut review = worked_example(Some(Locale::En));
    review.supervisor_assessment[1].input = EntryInput::Value(dec!(93.50));
    review.supervisor_assessment[1].comment = "as measured".into();
    let out = score(builtin_rubric(), &review).unwrap();
    let (own, theirs) = (
        &out.self_score.indicators[1],
        &out.supervisor_score.indicators[1],
    );
    assert_ne!(theirs.explanation, own.explanation);
    assert_eq!(out.text(theirs.explanation), complaint);
    assert_eq!(theirs.value.map(|v| v.scale()), Some(2));
    assert_eq!(theirs.comment, "as measured");
    assert_eq!(own.comment, "");

    // A submission feeds both raters: every explanation is shared.
    let review = Review {
        submissions: vec![Submission {
            source: "hr".into(),
            values: IDS
                .iter()
                .copied()
                .zip(SELF_VALUES)
                .map(|(id, v)| (id.to_string(), v))
                .collect(),
            ..Submission::default()
        }],
        ..Review::default()
    };
    let out = score(builtin_rubric(), &review).unwrap();
    for (own, theirs) in out
        .self_score
        .indicators
        .iter()
        .zip(&out.supervisor_score.indicators)
    {
        assert_eq!(own.explanation, theirs.explanation);
        assert_eq!(own.source, InputSource::Submission { index: 0 });
        assert_eq!(theirs.source, InputSource::Submission { index: 0 });
    }
    // The employee's own totals of section 8, for both raters.
    assert_eq!(out.self_score.total, dec!(89.79));
    assert_eq!(out.supervisor_score.total, dec!(89.79));
}

#[test]
fn sharing_covers_long_values_and_leaves_points_and_missing_alone() {
    let mut review = worked_example(Some(Locale::En));
    review.allow_partial = true;
    // Both give 93.4999999 (7 places: the rust_decimal path): 95 −
    // 93.4999999 = 1.5000001 short, × 0.5 = 0.75000005 → 0.75 off, 19.25.
    for entries in [
        &mut review.self_assessment,
        &mut review.supervisor_assessment,
    ] {
        entries[1].input = EntryInput::Value(dec!(93.4999999));
    }
    // First response: the employee's 97.2 against the supervisor's 18
    // points given directly (2 off of 20).
    review.supervisor_assessment[2].input = EntryInput::Points(dec!(18));
    // Follow-up satisfaction: neither gives it, so both lines are the
    // "missing" line, written once for each rater.
    review.self_assessment.remove(3);
    review.supervisor_assessment.remove(3);
    let out = score(builtin_rubric(), &review).unwrap();
    let (own, theirs) = (&out.self_score.indicators, &out.supervisor_score.indicators);

    assert_eq!(theirs[1].explanation, own[1].explanation);
    assert_eq!(
        (theirs[1].shortfall, theirs[1].deduction, theirs[1].points),
        (dec!(1.5000001), dec!(0.75), dec!(19.25))
    );
    assert!(
        out.text(theirs[1].explanation)
            .contains(" 93.4999999% is 1.5000001 below ")
    );

    assert_ne!(theirs[2].explanation, own[2].explanation);
    assert_eq!(theirs[2].source, InputSource::RaterPoints);
    assert_eq!((theirs[2].deduction, theirs[2].points), (dec!(2), dec!(18)));
    // The employee's 97.2 against ≥ 98 (0.5 per 1): 0.8 × 0.5 = 0.4 off.
    assert_eq!((own[2].deduction, own[2].points), (dec!(0.4), dec!(19.6)));
    assert!(
        out.text(theirs[2].explanation)
            .contains("awarded directly by the supervisor")
    );

    assert_ne!(theirs[3].explanation, own[3].explanation);
    assert_eq!(
        (own[3].source, theirs[3].source),
        (InputSource::Missing, InputSource::Missing)
    );
    assert_eq!(
        out.text(theirs[3].explanation),
        out.text(own[3].explanation)
    );
}

#[test]
fn a_shared_explanation_is_the_one_the_rater_would_get_alone() {
    // The supervisor's lines with the employee's values shared (14 of the
    // 20 are the same), then with every employee value different, so that
    // nothing is shared: the same numbers and words, in every locale.
    for locale in [Locale::ZhCn, Locale::ZhTw, Locale::En] {
        let shared = worked_example(Some(locale));
        let mut alone = shared.clone();
        for entry in &mut alone.self_assessment {
            if let EntryInput::Value(v) = entry.input {
                entry.input = EntryInput::Value(if v >= dec!(1) {
                    v - dec!(1)
                } else {
                    v + dec!(1)
                });
            }
        }
        let (a, b) = (
            score(builtin_rubric(), &shared).unwrap(),
            score(builtin_rubric(), &alone).unwrap(),
        );
        let mut shared_lines = 0;
        for (k, (x, y)) in a
            .supervisor_score
            .indicators
            .iter()
            .zip(&b.supervisor_score.indicators)
            .enumerate()
        {
            shared_lines += usize::from(x.explanation == a.self_score.indicators[k].explanation);
            assert_eq!(
                a.text(x.explanation),
                b.text(y.explanation),
                "{locale:?} line {k}"
            );
            assert_eq!(a.text(x.value_text), b.text(y.value_text));
            assert_eq!(a.text(x.shortfall_text), b.text(y.shortfall_text));
            assert_eq!(
                (x.value, x.shortfall, x.steps, x.deduction, x.points),
                (y.value, y.shortfall, y.steps, y.deduction, y.points)
            );
        }
        assert_eq!(shared_lines, 14, "{locale:?}");
        assert_eq!(a.supervisor_score.total, dec!(86.70));
        assert_eq!(b.supervisor_score.total, dec!(86.70));
    }
}

#[test]
fn measurements_alone_give_equal_totals() {
    let review = Review {
        submissions: vec![Submission {
            source: "hr".into(),
            employee_id: "e-1".into(),
            values: IDS.iter().map(|id| (id.to_string(), dec!(0))).collect(),
            ..Submission::default()
        }],
        employee_id: "e-1".into(),
        ..Review::default()
    };
    // All zeros: AT_LEAST rules fall short (capped at 20 where the
    // shortfall is large), AT_MOST ones (incidents, handling, attrition) are met.
    let out = score(builtin_rubric(), &review).unwrap();
    assert_eq!(out.self_score.total, out.supervisor_score.total);
    assert_eq!(out.final_score, out.self_score.total);
    // Customer: key 90×0.5=45→cap 0; complaint 47.5→0; response 49→0;
    // follow-up 42.5→0; incidents 20 → 20. Problem: 40→0; 20; 5×2=10→10;
    // 100→0; 45→0 → 30. Team: 0; 42.5→0; attrition 20; 40→0; 70→0 → 20.
    // Innovation: 4→16; 42.5→0; 30→0; 5→15; 2→18 → 49.
    // Total 0.4·20 + 0.3·30 + 0.2·20 + 0.1·49 = 8 + 9 + 4 + 4.9 = 25.9.
    assert_eq!(out.self_score.total, dec!(25.90));
    assert!(out.self_score.indicators[0].source == InputSource::Submission { index: 0 });
}

#[test]
fn a_rater_entry_overrides_the_measurement_for_that_rater_alone() {
    let mut review = Review {
        submissions: vec![Submission {
            source: "survey".into(),
            values: IDS
                .iter()
                .map(|id| {
                    (
                        id.to_string(),
                        if *id == "major_incidents" {
                            dec!(0)
                        } else {
                            dec!(100)
                        },
                    )
                })
                .collect(),
            ..Submission::default()
        }],
        ..Review::default()
    };
    // 100 meets every AT_LEAST target except… all of them are ≤ 100; the
    // AT_MOST ones: handling 100 ≤ 120 met, attrition 100 > 5 → 95×3 capped: 0.
    review.supervisor_assessment = vec![Entry {
        indicator_id: "attrition_rate".into(),
        input: EntryInput::Points(dec!(12.5)),
        comment: "one-off restructuring".into(),
    }];
    let out = score(builtin_rubric(), &review).unwrap();
    // Self: team dimension 80 → total 100 − 0.2·20 = 96.
    assert_eq!(out.self_score.total, dec!(96));
    // Supervisor: team 92.5 → total 100 − 0.2·7.5 = 98.5.
    assert_eq!(out.supervisor_score.total, dec!(98.5));
    let attrition = &out.supervisor_score.indicators[12];
    assert_eq!(attrition.source, InputSource::RaterPoints);
    assert_eq!(
        (attrition.points, attrition.deduction),
        (dec!(12.5), dec!(7.5))
    );
    assert_eq!(attrition.comment, "one-off restructuring");
    // 0.3 × 96 + 0.7 × 98.5 = 28.8 + 68.95 = 97.75.
    assert_eq!(out.final_score, dec!(97.75));
}

#[test]
fn totals_detail_keeps_every_number_and_explains_only_the_totals() {
    let mut review = worked_example(Some(Locale::En));
    review.allow_partial = true;
    // A comment, direct points (supervisor attrition 4 of 20) and a missing
    // input (self major incidents), so every kind of line is covered.
    review.self_assessment[1].comment = "two escalations".into();
    review.supervisor_assessment[12].input = EntryInput::Points(dec!(4));
    review
        .self_assessment
        .retain(|e| e.indicator_id != "major_incidents");
    let lines = score(builtin_rubric(), &review).unwrap();
    let totals = score_with(builtin_rubric(), &review, Detail::Totals).unwrap();

    // Self: 89.79 − 0.4 × 15 (major incidents missing) = 83.79.
    // Supervisor: attrition 7% scored 20 − 2 × 3 = 14 points; 4 points
    // given directly cost 0.2 × 10 of the total 86.701: 84.701 → 84.70.
    // Final 0.3 × 83.79 + 0.7 × 84.70 = 25.137 + 59.29 = 84.427 → 84.43.
    for out in [&lines, &totals] {
        assert_eq!(out.self_score.total, dec!(83.79));
        assert_eq!(out.supervisor_score.total, dec!(84.70));
        assert_eq!(out.final_score, dec!(84.43));
        assert_eq!(
            out.text(out.summary),
            "Final score = 30% × 83.79 + 70% × 84.70 = 84.43; bonus coefficient 0.8443."
        );
    }
    let complex = &totals.supervisor_score.indicators[6];
    assert_eq!(
        (complex.shortfall, complex.deduction, complex.points),
        (dec!(11), dec!(0.73), dec!(19.27))
    );
    // No line text at Totals, every line text at Lines.
    for (t, l) in [
        (&totals.self_score, &lines.self_score),
        (&totals.supervisor_score, &lines.supervisor_score),
    ] {
        for (t, l) in t.indicators.iter().zip(&l.indicators) {
            assert_eq!(t.explanation, Span::default());
            assert_eq!((t.value_text, t.shortfall_text), Default::default());
            assert_eq!(t.comment, "");
            assert!(!lines.text(l.explanation).is_empty());
            assert_eq!(
                (
                    t.source,
                    t.value,
                    t.shortfall,
                    t.steps,
                    t.deduction,
                    t.points
                ),
                (
                    l.source,
                    l.value,
                    l.shortfall,
                    l.steps,
                    l.deduction,
                    l.points
                )
            );
        }
    }
    assert_eq!(lines.self_score.indicators[1].comment, "two escalations");
    // The losses and the gap read the same at both details.
    assert_eq!(totals.losses.len(), lines.losses.len());
    for (t, l) in totals.losses.iter().zip(&lines.losses) {
        assert_eq!(
            (t.dimension, t.indicator, t.final_score_points),
            (l.dimension, l.indicator, l.final_score_points)
        );
        assert_eq!(totals.text(t.explanation), lines.text(l.explanation));
        assert!(!totals.text(t.explanation).is_empty());
    }
    assert_eq!(
        totals.text(totals.gap_explanation),
        lines.text(lines.gap_explanation)
    );
    assert!(totals.text.len() < lines.text.len() / 2);
}

#[test]
fn partial_reviews_report_missing_indicators_and_the_maximum_reachable() {
    let mut review = worked_example(Some(Locale::En));
    review.allow_partial = true;
    // Drop major_incidents (self 15 points, supervisor 10) from both raters.
    review
        .self_assessment
        .retain(|e| e.indicator_id != "major_incidents");
    review
        .supervisor_assessment
        .retain(|e| e.indicator_id != "major_incidents");
    let out = score(builtin_rubric(), &review).unwrap();
    assert!(!out.complete);
    assert_eq!(out.self_score.missing, ["major_incidents"]);
    // Self customer satisfaction loses the 15 points it had: 77.85;
    // total 89.79 − 0.4·15 = 83.79; reachable with 20 for it: 89.79 + 0.4·5 = 91.79.
    assert_eq!(out.self_score.dimensions[0].score, dec!(77.85));
    assert_eq!(out.self_score.total, dec!(83.79));
    assert_eq!(out.self_score.max_reachable_total, dec!(91.79));
    // Supervisor: 86.701 − 0.4·10 = 82.701 → 82.70; reachable 86.701 + 0.4·10 = 90.701 → 90.70.
    assert_eq!(out.supervisor_score.total, dec!(82.70));
    assert_eq!(out.supervisor_score.max_reachable_total, dec!(90.70));
    // Final 0.3·83.79 + 0.7·82.70 = 25.137 + 57.89 = 83.027 → 83.03;
    // reachable 0.3·91.79 + 0.7·90.70 = 27.537 + 63.49 = 91.027 → 91.03.
    assert_eq!(out.final_score, dec!(83.03));
    assert_eq!(out.max_reachable_final, dec!(91.03));
    assert_eq!(out.self_score.indicators[4].source, InputSource::Missing);
    assert_eq!(
        out.text(out.self_score.indicators[4].explanation),
        "Major service incidents: no input yet, 0 of 20 (missing)."
    );
}

/// Asserts that `err` is Invalid with exactly these (field, reason) pairs.
#[track_caller]
fn assert_violations(err: Error, expected: &[(&str, &str)]) {
    let Error::Invalid(v) = err else {
        panic!("expected Invalid, got {err:?}");
    };
    let got: Vec<(&str, &str)> = v
        .iter()
        .map(|v| (v.field.as_str(), v.reason.as_str()))
        .collect();
    assert_eq!(got, expected);
}

fn fields(err: Error) -> Vec<String> {
    match err {
        Error::Invalid(v) => v.into_iter().map(|v| v.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn values_outside_their_range_are_refused_with_field_and_reason() {
    let mut review = worked_example(None);
    let set = |entries: &mut Vec<Entry>, i: usize, v: Decimal| {
        entries[i].input = EntryInput::Value(v);
    };
    // A percent is 0..100 unless the rubric says otherwise; a count is a
    // whole number from 0; a value with more than six places (100.0000001,
    // 1.0000001) is checked as a decimal.
    set(&mut review.self_assessment, 1, dec!(100.5));
    set(&mut review.self_assessment, 2, dec!(-3));
    set(&mut review.self_assessment, 4, dec!(1.0000001));
    set(&mut review.supervisor_assessment, 4, dec!(1.5));
    set(&mut review.supervisor_assessment, 3, dec!(100.0000001));
    review.submissions = vec![Submission {
        source: "crm".into(),
        employee_id: String::new(),
        values: vec![("knowledge_base_articles".into(), dec!(-1))],
        ..Submission::default()
    }];
    assert_violations(
        score(builtin_rubric(), &review).unwrap_err(),
        &[
            (
                "submissions[0].values[\"knowledge_base_articles\"]",
                "-1 is below the minimum 0 of knowledge_base_articles",
            ),
            (
                "self_assessment.entries[1].value",
                "100.5 is above the maximum 100 of complaint_resolution_rate",
            ),
            (
                "self_assessment.entries[2].value",
                "-3 is below the minimum 0 of first_response_sla_rate",
            ),
            (
                "self_assessment.entries[4].value",
                "1.0000001 is not a whole number; major_incidents is a count",
            ),
            (
                "supervisor_assessment.entries[3].value",
                "100.0000001 is above the maximum 100 of follow_up_satisfaction",
            ),
            (
                "supervisor_assessment.entries[4].value",
                "1.5 is not a whole number; major_incidents is a count",
            ),
        ],
    );
}

/// Direct points are taken as given, at up to the rubric's precision (2
/// for the built-in rubric): more places are refused, never rounded.
#[test]
fn direct_points_with_more_places_than_the_precision_are_refused() {
    let mut review = worked_example(None);
    review.self_assessment[0].input = EntryInput::Points(dec!(19.995));
    review.supervisor_assessment[1].input = EntryInput::Points(dec!(0.001));
    assert_violations(
        score(builtin_rubric(), &review).unwrap_err(),
        &[
            (
                "self_assessment.entries[0].points",
                "19.995 has 3 decimal places; points are awarded to at most the rubric's precision of 2",
            ),
            (
                "supervisor_assessment.entries[1].points",
                "0.001 has 3 decimal places; points are awarded to at most the rubric's precision of 2",
            ),
        ],
    );
    // At the precision they are scored as given.
    review.self_assessment[0].input = EntryInput::Points(dec!(19.99));
    review.supervisor_assessment[1].input = EntryInput::Points(dec!(0.5));
    let out = score(builtin_rubric(), &review).expect("scores");
    assert_eq!(out.self_score.indicators[0].points, dec!(19.99));
    assert_eq!(out.supervisor_score.indicators[1].points, dec!(0.5));
}

#[test]
fn missing_inputs_are_named_one_by_one_without_allow_partial() {
    let mut review = worked_example(None);
    review.self_assessment.truncate(18);
    let err = score(builtin_rubric(), &review).unwrap_err();
    let Error::Invalid(v) = err else { panic!() };
    assert_eq!(v.len(), 2);
    assert!(v[0].reason.contains("\"cost_savings_rate\" has no input"));
    assert!(
        v[1].reason
            .contains("\"innovation_proposals\" has no input")
    );
    assert_eq!(v[0].field, "self_assessment.entries");
}

#[test]
fn every_rubric_level_violation_is_reported_at_once() {
    let mut review = worked_example(None);
    review.self_assessment[1].input = EntryInput::Value(dec!(101)); // percent above 100
    review.self_assessment[4].input = EntryInput::Value(dec!(1.5)); // fractional count
    review.supervisor_assessment[3].indicator_id = "unknown_kpi".into(); // unknown (and leaves follow-up missing)
    review.supervisor_assessment[7] = review.supervisor_assessment[8].clone(); // duplicate training_coverage_rate
    review.supervisor_assessment[0].input = EntryInput::Points(dec!(21)); // above full points
    review.submissions = vec![
        Submission {
            source: "a".into(),
            values: vec![("attrition_rate".into(), dec!(3))],
            ..Submission::default()
        },
        Submission {
            source: "b".into(),
            values: vec![("attrition_rate".into(), dec!(4))],
            ..Submission::default()
        },
    ];
    let got = fields(score(builtin_rubric(), &review).unwrap_err());
    assert_eq!(
        got,
        [
            "submissions[1].values[\"attrition_rate\"]",
            "self_assessment.entries[1].value",
            "self_assessment.entries[4].value",
            "supervisor_assessment.entries[0].points",
            "supervisor_assessment.entries[3].indicator_id",
            "supervisor_assessment.entries[8].indicator_id",
            // follow_up_satisfaction and knowledge_base_articles lost their supervisor entry.
            "supervisor_assessment.entries",
            "supervisor_assessment.entries",
        ]
    );
}

#[test]
fn grade_bands_set_the_bonus_coefficient() {
    let mut spec: RubricSpec = serde_json::from_str(crate::rubric::BUILTIN_RUBRIC_SOURCE).unwrap();
    spec.id = "banded".into();
    let band = |id: &str, min: f64, max: f64, c: f64| crate::rubric::GradeBandSpec {
        id: id.into(),
        names: [("zh-CN".to_string(), id.to_uppercase())].into(),
        min_score: min,
        max_score: max,
        bonus_coefficient: c,
    };
    spec.grade_bands = vec![
        band("c", 0.0, 79.99, 0.5),
        band("b", 80.0, 89.99, 1.0),
        band("a", 90.0, 100.0, 1.2),
    ];
    let rubric = validate(&spec).expect("bands tile 0..100");
    let out = score(&rubric, &worked_example(Some(Locale::En))).unwrap();
    // 87.63 falls in b (80..89.99): coefficient 1.
    assert_eq!(out.grade_band, Some(1));
    assert_eq!(out.bonus_coefficient, dec!(1));
    assert!(
        out.text(out.summary)
            .ends_with("bonus coefficient 1.0000 (grade B)."),
        "{}",
        out.text(out.summary)
    );
}

#[test]
fn the_same_review_always_gives_the_same_outcome() {
    let a = score(builtin_rubric(), &worked_example(Some(Locale::ZhTw))).unwrap();
    let b = score(builtin_rubric(), &worked_example(Some(Locale::ZhTw))).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_value_with_many_places_is_scored_exactly() {
    // The double just above 94.75, which prints as 94.75000000000001:
    // 95 − 94.75000000000001 = 0.24999999999999 short; × 0.5 =
    // 0.124999999999995, just under the 0.125 tie, so 0.12 off, not 0.13.
    let value = crate::decimal::from_f64(94.750_000_000_000_01).unwrap();
    assert_eq!(value, dec!(94.75000000000001));
    let mut review = worked_example(Some(Locale::En));
    review.self_assessment[1].input = EntryInput::Value(value);
    let out = score(builtin_rubric(), &review).unwrap();
    let complaint = &out.self_score.indicators[1];
    assert_eq!(complaint.shortfall, dec!(0.24999999999999));
    assert_eq!(complaint.deduction, dec!(0.12));
    assert_eq!(complaint.points, dec!(19.88));
    assert_eq!(
        out.text(complaint.explanation),
        "Complaint resolution rate 94.75000000000001% is 0.24999999999999 below the 95% target: \
         0.24999999999999 × 0.5 = 0.1249… → 0.12 off, 19.88 of 20."
    );
    // The rest as in the worked example, with 19.88 for 19.25: self
    // customer satisfaction 92.85 + 0.63 = 93.48; total 89.79 + 0.4·0.63
    // = 90.042 → 90.04.
    assert_eq!(out.self_score.dimensions[0].score, dec!(93.48));
    assert_eq!(out.self_score.total, dec!(90.04));
}

/// Figures past four places are cut there, not rounded, so the shown
/// start of the exact figure rounds to the deduction given beside it.
#[test]
fn inexact_figures_are_cut_to_four_places() {
    let mut review = worked_example(Some(Locale::En));
    // 100 of 111 complaints resolved: 90.09009009009009 %, 4.90990990990991
    // short of 95; × 0.5 = 2.454954954954955, cut 2.4549…, rounded 2.45
    // (rounding to four places would show 2.455… beside 2.45).
    review.self_assessment[1].input = EntryInput::Value(dec!(90.09009009009009));
    // 127.5749 minutes against ≤ 120 in steps of 15, 1 point a step:
    // 7.5749 over, 7.5749 / 15 = 0.504993… steps, cut 0.5049…, 0.50 off.
    review.self_assessment[6].input = EntryInput::Value(dec!(127.5749));
    let out = score(builtin_rubric(), &review).unwrap();
    let complaint = &out.self_score.indicators[1];
    assert_eq!(complaint.deduction, dec!(2.45));
    assert_eq!(complaint.points, dec!(17.55));
    let text = out.text(complaint.explanation);
    assert!(
        text.contains("4.90990990990991 × 0.5 = 2.4549… → 2.45 off, 17.55 of 20"),
        "{text}"
    );
    let complex = &out.self_score.indicators[6];
    assert_eq!(complex.steps, dec!(0.5049));
    assert_eq!(complex.deduction, dec!(0.50));
    let text = out.text(complex.explanation);
    assert!(text.contains("0.5049… steps"), "{text}");
    assert!(text.contains("= 0.5049… → 0.5 off"), "{text}");
}

#[test]
fn rubric_numbers_have_at_most_six_places() {
    let mut spec = crate::rubric::parse_text(crate::rubric::BUILTIN_RUBRIC_SOURCE, "json").unwrap();
    // 100 / 7 reads as 14.285714285714286: a step nobody meant.
    spec.dimensions[1].indicators[1].rule.as_mut().unwrap().step = 100.0 / 7.0;
    let violations = validate(&spec).unwrap_err();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].field, "dimensions[1].indicators[1].rule.step");
    assert_eq!(
        violations[0].reason,
        "14.285714285714286 has more than 6 decimal places; round it before sending"
    );
}

/// A refused input (not a number upstream) counts as given and its id is
/// checked, but the review is never scored: alone, it gives no violation
/// of the rubric's, and still no outcome.
#[test]
fn a_review_with_a_refused_input_is_checked_but_never_scored() {
    let mut review = worked_example(None);
    review.self_assessment[3].input = EntryInput::Refused;
    match score(builtin_rubric(), &review) {
        Err(Error::Invalid(v)) => assert_eq!(v, []),
        other => panic!("scored a refused input: {other:?}"),
    }

    // Its id is checked, and its indicator is not missing.
    review.self_assessment[3].indicator_id = "charisma".into();
    review.supervisor_assessment[4].input = EntryInput::Refused;
    review.submissions = vec![Submission {
        source: "hr".into(),
        refused: vec!["bogus".into(), "attrition_rate".into()],
        ..Submission::default()
    }];
    assert_eq!(
        fields(score(builtin_rubric(), &review).unwrap_err()),
        [
            "submissions[0].values[\"bogus\"]",
            "self_assessment.entries[3].indicator_id",
            // follow_up_satisfaction: the employee named another id.
            "self_assessment.entries",
        ]
    );
}

//! Property tests (proptest) for the scoring rules, the rater blend,
//! determinism, and rubric validation. The relations checked come from
//! docs/scoring.md sections 1 and 3: points stay in [0, full points], a better
//! value never scores lower, PER_FULL_STEP ≤ LINEAR ≤ PER_STARTED_STEP, the
//! final score lies between the rater totals, the same request always gives
//! the same bytes, validation never panics, and an accepted rubric scores
//! every valid review.
//!
//! Case counts are set so the whole file runs in seconds in debug; raise
//! them with `PROPTEST_CASES=N` for a longer run.

use proptest::prelude::*;
use proptest::sample::select;
use prost::Message;
use rust_decimal::Decimal;
use scorecard::api::answer::{self, View};
use scorecard::api::{convert, pb};
use scorecard::server::scoring::{score, score_one};
use scorecard_core::decimal;
use scorecard_core::rubric::{
    self, BlendSpec, DimensionSpec, Direction, GradeBandSpec, IndicatorSpec, IndicatorUnits,
    Registry, Rounding, Rubric, RubricSpec, Rule, RuleSpec, Unit, builtin_rubric,
};
use scorecard_core::scoring::{self, Detail, Entry, EntryInput, Review, Span, Submission, rule};
use std::collections::BTreeMap;
use std::str::FromStr;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default),
        // Failures are reported in the test output; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `n / 100` exactly.
fn hundredths(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

/// The double whose shortest decimal is `d` (what a client puts on the wire).
fn wire(d: Decimal) -> f64 {
    f64::from_str(&d.normalize().to_string()).unwrap()
}

// ------------------------------------------------------------ one rule

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::AtLeast), Just(Direction::AtMost)]
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![
        Just(Rounding::Linear),
        Just(Rounding::PerFullStep),
        Just(Rounding::PerStartedStep)
    ]
}

/// A rule inside what validation accepts: target anywhere, step and
/// penalty positive, in hundredths, from tiny to large.
fn a_rule() -> impl Strategy<Value = Rule> {
    (
        direction(),
        -100_000i64..100_000,
        prop_oneof![
            1i64..10_000,
            select(vec![1i64, 50, 100, 1500, 100_000_000_000])
        ],
        prop_oneof![1i64..5_000, select(vec![1i64, 50, 100, 300, 500])],
        rounding(),
    )
        .prop_map(|(direction, target, step, penalty, rounding)| Rule {
            direction,
            target: hundredths(target),
            step: hundredths(step),
            penalty: hundredths(penalty),
            rounding,
        })
}

fn full_points() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::from(20)),
        (1i64..20_000).prop_map(hundredths),
        Just(Decimal::from(1_000_000_000)),
    ]
}

/// A value near any target: hundredths and a few wire-like doubles.
fn a_value() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (-300_000i64..300_000).prop_map(hundredths),
        1 => (-1e12f64..1e12).prop_map(|x| decimal::from_f64(x).unwrap()),
        1 => select(vec![93.7, 94.75, 0.1 + 0.2, 95.28999999999999, 1e-9, -1e-9, 1e12, -1e12])
            .prop_map(|x| decimal::from_f64(x).unwrap()),
    ]
}

/// What a rule gave, as decimals.
struct Applied {
    shortfall: Decimal,
    deduction: Decimal,
    points: Decimal,
}

/// `rule` with `full` points in millionths, as validation makes it; None
/// when a number has more than six places (validation refuses those).
fn units(rule: &Rule, full: Decimal) -> Option<IndicatorUnits> {
    let m = decimal::to_micros;
    Some(IndicatorUnits {
        min_value: None,
        max_value: None,
        whole: false,
        full_points: m(full)?,
        direction: rule.direction,
        rounding: rule.rounding,
        target: m(rule.target)?,
        step: m(rule.step)?,
        penalty: m(rule.penalty)?,
    })
}

/// Applies `rule` the way the engine does: in millionths when the value
/// has at most six places, else in `rust_decimal`.
fn apply(rule: &Rule, full: Decimal, value: Decimal, precision: u32) -> Option<Applied> {
    let units = units(rule, full)?;
    let out = match decimal::to_micros(value) {
        Some(m) => rule::apply(&units, m, precision),
        None => rule::apply_decimal(rule, full, value, precision),
    };
    let d = |micros: i64| Decimal::new(micros, decimal::MICRO_PLACES);
    Some(Applied {
        shortfall: out.shortfall,
        deduction: d(out.deduction),
        points: d(out.points),
    })
}

fn with_rounding(rule: &Rule, rounding: Rounding) -> Rule {
    Rule {
        rounding,
        ..rule.clone()
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn integer_and_decimal_arithmetic_agree_on_every_value_both_take(
        rule in a_rule(), full in full_points(), value in a_value(), precision in 0u32..=6,
    ) {
        let full = decimal::round(full, precision);
        let (Some(units), Some(micros)) = (units(&rule, full), decimal::to_micros(value)) else {
            return Ok(());
        };
        prop_assert_eq!(
            rule::apply(&units, micros, precision),
            rule::apply_decimal(&rule, full, value, precision)
        );
    }

    /// The raw deduction an explanation shows is the exact one cut (not
    /// rounded) to its places, one more than the precision at least, so
    /// rounding what is shown gives the deduction (docs/scoring.md
    /// section 3).
    #[test]
    fn the_shown_raw_deduction_is_cut_and_rounds_to_the_deduction(
        rule in a_rule(), full in full_points(), value in a_value(), precision in 0u32..=6,
    ) {
        let full = decimal::round(full, precision);
        let Some(units) = units(&rule, full) else {
            return Ok(());
        };
        let out = match decimal::to_micros(value) {
            Some(m) => rule::apply(&units, m, precision),
            None => rule::apply_decimal(&rule, full, value, precision),
        };
        if out.capped || out.deduction == 0 {
            return Ok(()); // nothing rounded to compare
        }
        prop_assert!(out.places > precision && out.places >= 4);
        let shown = decimal::from_units(out.raw_deduction, out.places);
        let steps = out.shortfall / rule.step;
        let exact = match rule.rounding {
            Rounding::Linear => out.shortfall * rule.penalty / rule.step,
            Rounding::PerFullStep => steps.floor() * rule.penalty,
            Rounding::PerStartedStep => steps.ceil() * rule.penalty,
        };
        prop_assert_eq!(shown, exact.trunc_with_scale(out.places));
        prop_assert_eq!(out.raw_exact, shown == exact);
        prop_assert_eq!(
            decimal::round(shown, precision),
            Decimal::new(out.deduction, decimal::MICRO_PLACES)
        );
    }

    #[test]
    fn points_stay_within_zero_and_full_points(
        rule in a_rule(), full in full_points(), value in a_value(), precision in 0u32..=6,
    ) {
        // Validation keeps full points at the rubric's precision.
        let full = decimal::round(full, precision);
        prop_assume!(full > Decimal::ZERO);
        let out = apply(&rule, full, value, precision);
        prop_assume!(out.is_some());
        let out = out.unwrap();
        prop_assert!(out.points >= Decimal::ZERO, "points {} < 0", out.points);
        prop_assert!(out.points <= full, "points {} > full {}", out.points, full);
        prop_assert!(out.deduction >= Decimal::ZERO && out.deduction <= full);
        // Points = full − deduction, exactly (section 3, step 2).
        prop_assert_eq!(out.points + out.deduction, full);
        // The deduction is rounded to the precision.
        prop_assert!(out.deduction.normalize().scale() <= precision);
    }

    #[test]
    fn a_value_at_or_beyond_the_target_scores_full_points(
        rule in a_rule(), full in full_points(), beyond in 0i64..100_000, precision in 0u32..=6,
    ) {
        let full = decimal::round(full, precision);
        prop_assume!(full > Decimal::ZERO);
        let value = match rule.direction {
            Direction::AtLeast => rule.target + hundredths(beyond),
            Direction::AtMost => rule.target - hundredths(beyond),
        };
        let out = apply(&rule, full, value, precision).unwrap();
        prop_assert_eq!(out.shortfall, Decimal::ZERO);
        prop_assert_eq!(out.points, full);
    }

    #[test]
    fn a_better_value_never_scores_lower(
        rule in a_rule(), full in full_points(), a in a_value(), b in a_value(), precision in 0u32..=6,
    ) {
        let full = decimal::round(full, precision);
        prop_assume!(full > Decimal::ZERO);
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let (better, worse) = match rule.direction {
            Direction::AtLeast => (high, low),
            Direction::AtMost => (low, high),
        };
        let (pb, pw) = match (apply(&rule, full, better, precision), apply(&rule, full, worse, precision)) {
            (Some(b), Some(w)) => (b.points, w.points),
            _ => return Ok(()),
        };
        prop_assert!(pb >= pw, "{:?}: better {} scored {}, worse {} scored {}", rule.direction, better, pb, worse, pw);
    }

    #[test]
    fn per_full_step_deducts_no_more_than_linear_and_linear_no_more_than_per_started_step(
        rule in a_rule(), full in full_points(), value in a_value(), precision in 0u32..=6,
    ) {
        let full = decimal::round(full, precision);
        prop_assume!(full > Decimal::ZERO);
        prop_assume!(apply(&rule, full, value, precision).is_some());
        let d = |r| apply(&with_rounding(&rule, r), full, value, precision).unwrap().deduction;
        let (floor, linear, ceil) = (d(Rounding::PerFullStep), d(Rounding::Linear), d(Rounding::PerStartedStep));
        prop_assert!(floor <= linear, "PER_FULL_STEP {} > LINEAR {}", floor, linear);
        prop_assert!(linear <= ceil, "LINEAR {} > PER_STARTED_STEP {}", linear, ceil);
    }
}

#[test]
fn the_three_roundings_on_the_sections_own_numbers() {
    // 95 % target, step 1, 0.5 per step, value 93.7: 1.3 short.
    // PER_FULL_STEP: floor 1 × 0.5 = 0.5; LINEAR: 0.65; PER_STARTED_STEP: 2 × 0.5 = 1.
    let rule = Rule {
        direction: Direction::AtLeast,
        target: Decimal::from(95),
        step: Decimal::ONE,
        penalty: hundredths(50),
        rounding: Rounding::Linear,
    };
    let value = decimal::from_f64(93.7).unwrap();
    let d = |r| {
        apply(&with_rounding(&rule, r), Decimal::from(20), value, 2)
            .unwrap()
            .deduction
    };
    assert_eq!(d(Rounding::PerFullStep), hundredths(50));
    assert_eq!(d(Rounding::Linear), hundredths(65));
    assert_eq!(d(Rounding::PerStartedStep), hundredths(100));
}

// ------------------------------------------------- reviews of a rubric

/// Per indicator of a rubric: how each rater gives its input.
#[derive(Debug, Clone, Copy)]
enum Give {
    /// A value at `fraction`/1000 of the indicator's range.
    Value(u16),
    /// Direct points at `fraction`/1000 of full points.
    Points(u16),
    /// From the shared submission (a value at `fraction`/1000).
    Submitted(u16),
    /// Nothing (only used with allow_partial).
    Missing,
}

fn give() -> impl Strategy<Value = Give> {
    let fraction = prop_oneof![Just(0u16), Just(1000u16), 0u16..=1000];
    prop_oneof![
        5 => fraction.clone().prop_map(Give::Value),
        1 => fraction.clone().prop_map(Give::Points),
        2 => fraction.prop_map(Give::Submitted),
        1 => Just(Give::Missing),
    ]
}

/// Largest value magnitude a wire double may carry.
fn wire_max() -> Decimal {
    Decimal::from(1_000_000_000_000i64)
}

/// A valid value of `indicator` at `fraction`/1000 of its range (capped at
/// the wire's 10^12), as a wire double reads; None when the range holds
/// no valid value (a COUNT range without a whole number).
fn value_at(ind: &rubric::Indicator, fraction: u16) -> Option<Decimal> {
    let lo = ind.min_value.unwrap_or(-wire_max()).max(-wire_max());
    let hi = ind.max_value.unwrap_or(wire_max()).min(wire_max());
    // Six places at most, as the engine accepts.
    let mut v = (lo + (hi - lo) * Decimal::from(fraction) / Decimal::from(1000)).round_dp(6);
    if ind.unit == Unit::Count {
        v = v.floor();
        if v < lo {
            v = lo.ceil();
        }
    }
    // What a client can actually send: the double nearest to v.
    let v = decimal::from_f64(wire(v)).ok()?;
    let ok = |v: Decimal| lo <= v && v <= hi && (ind.unit != Unit::Count || v.fract().is_zero());
    if ok(v) {
        Some(v)
    } else if ok(lo) {
        Some(lo)
    } else {
        None
    }
}

/// A review of `rubric` that is valid by construction: every value inside
/// its indicator's range, whole for COUNT, points within full points.
fn review_for(rubric: &Rubric, gives: &[(Give, Give)], allow_partial: bool) -> Review {
    let mut submission = Submission {
        source: "survey".into(),
        employee_id: "e1".into(),
        ..Submission::default()
    };
    let mut own = Vec::new();
    let mut sup = Vec::new();
    for (k, (_, ind)) in rubric.indicators().enumerate() {
        let (g_self, g_sup) = gives[k % gives.len()];
        // Direct points are given at most at the rubric's precision.
        let points_at = |f: u16| {
            decimal::from_f64(wire(
                (ind.full_points * Decimal::from(f) / Decimal::from(1000))
                    .round_dp(rubric.precision.min(6)),
            ))
            .unwrap()
            .min(ind.full_points)
        };
        let entry = |g: Give| -> Option<EntryInput> {
            match g {
                Give::Value(f) => Some(match value_at(ind, f) {
                    Some(v) => EntryInput::Value(v),
                    None => EntryInput::Points(points_at(f)),
                }),
                Give::Points(f) => Some(EntryInput::Points(points_at(f))),
                Give::Submitted(_) | Give::Missing => None,
            }
        };
        // One submission value per indicator, when either rater leans on it.
        let submitted = match (g_self, g_sup) {
            (Give::Submitted(f), _) | (_, Give::Submitted(f)) => value_at(ind, f),
            _ => None,
        };
        if let Some(v) = submitted {
            submission.values.push((ind.id.clone(), v));
        }
        for (g, entries) in [(g_self, &mut own), (g_sup, &mut sup)] {
            let input = entry(g).or_else(|| {
                // Without allow_partial every indicator needs an input.
                (submitted.is_none() && (!allow_partial || matches!(g, Give::Submitted(_))))
                    .then(|| EntryInput::Points(points_at(500)))
            });
            if let Some(input) = input {
                entries.push(Entry {
                    indicator_id: ind.id.clone(),
                    input,
                    comment: String::new(),
                });
            }
        }
    }
    Review {
        review_id: "r1".into(),
        employee_id: "e1".into(),
        period_label: "2026-Q3".into(),
        submissions: vec![submission],
        self_assessment: own,
        supervisor_assessment: sup,
        locale: None,
        allow_partial,
    }
}

/// Checks what every scored outcome must show; returns the first breach.
fn check_outcome(rubric: &Rubric, out: &scoring::Outcome) -> Result<(), String> {
    for rater in [&out.self_score, &out.supervisor_score] {
        for s in &rater.indicators {
            let full = rubric.dimensions[s.dimension].indicators[s.indicator].full_points;
            if s.points < Decimal::ZERO || s.points > full {
                return Err(format!("points {} outside 0..{full}", s.points));
            }
        }
        if rater.total < Decimal::ZERO {
            return Err(format!("rater total {} < 0", rater.total));
        }
    }
    let (s, p) = (out.self_score.total, out.supervisor_score.total);
    if out.final_score < s.min(p) || out.final_score > s.max(p) {
        return Err(format!(
            "final {} not between self {s} and supervisor {p}",
            out.final_score
        ));
    }
    if !rubric.grade_bands.is_empty() && out.grade_band.is_none() {
        return Err(format!("final {} falls in no grade band", out.final_score));
    }
    check_losses(rubric, out)
}

/// The largest losses, worked in `rust_decimal` from the outcome's own
/// deductions: every indicator whose cost, (self% × self deduction +
/// supervisor% × supervisor deduction) × weight% / 100², is above zero,
/// the largest exact cost first (rubric order on ties), each shown
/// rounded half away from zero to the precision.
fn check_losses(rubric: &Rubric, out: &scoring::Outcome) -> Result<(), String> {
    let blend = &rubric.blend;
    let mut costs = Vec::new();
    for (s, p) in out
        .self_score
        .indicators
        .iter()
        .zip(&out.supervisor_score.indicators)
    {
        let weight = rubric.dimensions[s.dimension].weight_percent;
        // Times 100², so the products stay exact in 28 digits.
        let cost =
            (blend.self_percent * s.deduction + blend.supervisor_percent * p.deduction) * weight;
        if cost > Decimal::ZERO {
            costs.push((cost, s.dimension, s.indicator));
        }
    }
    // Stable: rubric order stays on ties.
    costs.sort_by_key(|&(cost, _, _)| std::cmp::Reverse(cost));
    let want: Vec<_> = costs
        .iter()
        .map(|&(cost, d, i)| {
            let points = (cost / Decimal::from(10_000)).round_dp_with_strategy(
                rubric.precision,
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            );
            (d, i, points)
        })
        .collect();
    let got: Vec<_> = out
        .losses
        .iter()
        .map(|l| (l.dimension, l.indicator, l.final_score_points))
        .collect();
    if got != want {
        return Err(format!("largest losses {got:?}, worked out {want:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn the_final_score_lies_between_the_two_rater_totals(
        gives in prop::collection::vec((give(), give()), 20),
        allow_partial in any::<bool>(),
    ) {
        let rubric = builtin_rubric();
        let review = review_for(rubric, &gives, allow_partial);
        let out = scoring::score(rubric, &review).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        check_outcome(rubric, &out).map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------- determinism

/// A request on the wire: the built-in rubric or an inline one, values
/// anywhere (NaN, out of range, fractional counts), so both answers and
/// errors are covered.
fn wire_request() -> impl Strategy<Value = pb::ScoreReviewRequest> {
    let value = prop_oneof![
        6 => (0i64..=10_000).prop_map(|n| n as f64 / 100.0),
        1 => any::<f64>(),
        1 => select(vec![f64::NAN, f64::INFINITY, -1.0, 150.0, 0.5, 1e13]),
    ];
    (
        prop::collection::vec((value.clone(), value), 20),
        select(vec!["", "en", "zh-CN", "zh-TW", "fr"]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(values, locale, allow_partial, inline)| {
            let rubric = builtin_rubric();
            let ids: Vec<String> = rubric.indicators().map(|(_, i)| i.id.clone()).collect();
            let assessment = |pick: fn(&(f64, f64)) -> f64| pb::Assessment {
                entries: ids
                    .iter()
                    .zip(&values)
                    .map(|(id, v)| pb::AssessmentEntry {
                        indicator_id: id.clone(),
                        input: Some(pb::assessment_entry::Input::Value(pick(v))),
                        comment: String::new(),
                    })
                    .collect(),
            };
            pb::ScoreReviewRequest {
                review_id: "r-1".into(),
                employee: Some(pb::Employee {
                    id: "e1".into(),
                    ..Default::default()
                }),
                rubric_source: inline.then(|| {
                    pb::score_review_request::RubricSource::InlineRubric(convert::rubric_proto(
                        &rubric::to_spec(rubric),
                    ))
                }),
                self_assessment: Some(assessment(|v| v.0)),
                supervisor_assessment: Some(assessment(|v| v.1)),
                locale: locale.into(),
                allow_partial,
                ..Default::default()
            }
        })
}

/// The answer's bytes, or the error's status bytes.
fn answer_bytes(registry: &Registry, req: pb::ScoreReviewRequest) -> Vec<u8> {
    match score_one(registry, req).1 {
        Ok(answer) => answer.encode_to_vec(),
        Err(e) => {
            let status = scorecard::api::status::to_item_status(&e);
            let mut bytes = b"error:".to_vec();
            bytes.extend(status.encode_to_vec());
            bytes
        }
    }
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn answers_encode_as_prost_encodes_them_in_every_view(req in wire_request()) {
        let registry = Registry::with_builtin();
        if let (_, Ok(s)) = score(&registry, req) {
            check_answer_encodings(&s.rubric, &s.review, &s.outcome)?;
        }
    }

    #[test]
    fn the_same_request_gives_byte_identical_answers(req in wire_request()) {
        let registry = Registry::with_builtin();
        let first = answer_bytes(&registry, req.clone());
        let second = answer_bytes(&registry, req.clone());
        // The same request after a trip over the wire.
        let decoded = pb::ScoreReviewRequest::decode(req.encode_to_vec().as_slice()).unwrap();
        let third = answer_bytes(&Registry::with_builtin(), decoded);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(&first, &third);
    }
}

// ------------------------------------------------------------- rubrics

/// Doubles a rubric file or an inline rubric may hold, the hostile ones
/// included.
fn wild_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => (0i64..=200).prop_map(|n| n as f64),
        2 => (-10_000i64..=20_000).prop_map(|n| n as f64 / 100.0),
        1 => any::<f64>(),
        1 => select(vec![
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1e300, -1e300, 1e-300,
            5e-324, 1e9, 1e9 + 1.0, -1e9, 1e12, 1e13, 1e-6, 1e-7, 1e-20, 1e-28,
            0.1 + 0.2, 33.333333333333336,
        ]),
    ]
}

fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(vec![
            "", "a", "b", "a_b", "x-y", "A", "-a", "_a", "a b", "UNIT_PERCENT", "PERCENT",
            "SCORE", "COUNT", "MINUTES", "HOURS", "UNIT_UNSPECIFIED", "UNSPECIFIED", "AT_LEAST",
            "DIRECTION_AT_MOST", "AT_MOST", "LINEAR", "ROUNDING_PER_FULL_STEP",
            "PER_STARTED_STEP", "ROUNDING_ROUNDING_LINEAR", "percent", "en", "zh-CN", "zh_tw",
            "EN", "fr", "名", "\u{0}",
        ])
        .prop_map(str::to_string),
        1 => "[a-z0-9_-]{0,70}",
        1 => "\\PC{0,6}",
    ]
}

fn odd_names() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        prop_oneof![
            4 => select(vec!["en", "zh-CN", "zh-TW", "zh_cn", "EN"]).prop_map(str::to_string),
            1 => odd_text(),
        ],
        prop_oneof![4 => Just("Name".to_string()), 1 => odd_text()],
        0..4,
    )
}

/// Any rubric spec at all: every field independently arbitrary.
fn any_rubric_spec() -> impl Strategy<Value = RubricSpec> {
    let rule = (odd_text(), wild_f64(), wild_f64(), wild_f64(), odd_text()).prop_map(
        |(direction, target, step, penalty, rounding)| RuleSpec {
            direction,
            target,
            step,
            penalty,
            rounding,
        },
    );
    let indicator = (
        odd_text(),
        odd_names(),
        odd_text(),
        prop::option::of(wild_f64()),
        prop::option::of(wild_f64()),
        wild_f64(),
        prop::option::of(rule),
        prop::option::of(wild_f64()),
    )
        .prop_map(
            |(id, names, unit, min_value, max_value, full_points, rule, limit)| IndicatorSpec {
                id,
                names,
                unit,
                min_value,
                max_value,
                full_points,
                rule,
                response_limit_minutes: limit,
            },
        );
    let dimension = (
        odd_text(),
        odd_names(),
        wild_f64(),
        prop::collection::vec(indicator, 0..4),
    )
        .prop_map(|(id, names, weight_percent, indicators)| DimensionSpec {
            id,
            names,
            weight_percent,
            indicators,
        });
    let band = (odd_text(), odd_names(), wild_f64(), wild_f64(), wild_f64()).prop_map(
        |(id, names, min_score, max_score, bonus_coefficient)| GradeBandSpec {
            id,
            names,
            min_score,
            max_score,
            bonus_coefficient,
        },
    );
    (
        odd_text(),
        prop_oneof![Just(0u32), Just(1u32), any::<u32>()],
        odd_text(),
        odd_names(),
        prop::option::of(prop_oneof![0u32..=8, any::<u32>()]),
        prop::option::of((wild_f64(), wild_f64()).prop_map(|(s, p)| BlendSpec {
            self_weight_percent: s,
            supervisor_weight_percent: p,
        })),
        prop::collection::vec(band, 0..4),
        prop::option::of(wild_f64()),
        prop::collection::vec(dimension, 0..4),
    )
        .prop_map(
            |(
                id,
                version,
                default_locale,
                names,
                precision,
                blend,
                grade_bands,
                gap,
                dimensions,
            )| {
                RubricSpec {
                    id,
                    version,
                    default_locale,
                    names,
                    precision,
                    blend,
                    grade_bands,
                    gap_threshold: gap,
                    dimensions,
                    hr_signature: false,
                }
            },
        )
}

/// A rubric spec that is valid more often than not: weights that sum to
/// 100, targets inside the range, bands that tile the scores; with hostile
/// numbers (tiny steps, huge points, extreme ranges) mixed in.
fn likely_valid_rubric_spec() -> impl Strategy<Value = RubricSpec> {
    let number = |nice: Vec<f64>| {
        prop_oneof![
            30 => select(nice),
            1 => wild_f64(),
        ]
    };
    let unit = prop_oneof![
        40 => select(vec!["PERCENT", "UNIT_SCORE", "COUNT", "UNIT_MINUTES", "HOURS"]).prop_map(str::to_string),
        1 => odd_text(),
    ];
    let range = prop_oneof![
        20 => Just((None, None)),
        5 => Just((Some(-100.0), None)),
        5 => (-1000i64..1000, 1i64..100_000).prop_map(|(lo, w)| (Some(lo as f64 / 10.0), Some((lo + w) as f64 / 10.0))),
        1 => (prop::option::of(wild_f64()), prop::option::of(wild_f64())),
    ];
    let indicator = (
        unit,
        range,
        number(vec![20.0, 1.0, 0.5, 100.0, 3.33, 1e9, 0.01]),
        prop_oneof![40 => 0u16..=1000, 1 => Just(u16::MAX)],
        select(vec!["AT_LEAST", "DIRECTION_AT_MOST", "AT_MOST"]),
        number(vec![1.0, 15.0, 0.5, 0.1, 2.0, 1e9, 1e-6, 0.25, 1e-20]),
        number(vec![0.5, 1.0, 2.0, 3.0, 5.0, 1e9, 1e-6, 0.001]),
        select(vec![
            "",
            "LINEAR",
            "ROUNDING_PER_FULL_STEP",
            "PER_STARTED_STEP",
        ]),
        0u8..200,
    );
    let dimension = (prop::collection::vec(indicator, 1..4), 0u8..200);
    (
        prop::collection::vec(dimension, 1..4),
        prop::collection::vec(1i64..10_000, 3),
        prop::option::of(0u32..=7),
        // The self percent in millionths: whole, or with up to six places.
        prop_oneof![
            3 => Just(None),
            1 => (0i64..=100).prop_map(|s| Some(s * 1_000_000)),
            1 => (0i64..=100_000_000).prop_map(Some),
        ],
        prop_oneof![2 => Just(None), 1 => (1i64..50, 1i64..50).prop_map(Some)],
        prop::option::of(0i64..5000),
        select(vec!["en", "zh-CN", "zh-TW"]),
    )
        .prop_map(|(dims, cuts, precision, blend, bands, gap, locale)| {
            let names = || BTreeMap::from([(locale.to_string(), "Name".to_string())]);
            // Weights in hundredths summing to exactly 10 000 (= 100 %).
            let n = dims.len();
            let mut points: Vec<i64> = cuts.iter().take(n - 1).copied().collect();
            points.sort();
            points.dedup();
            let mut edges = vec![0i64];
            edges.extend(points);
            edges.push(10_000);
            let weights: Vec<i64> = edges.windows(2).map(|w| w[1] - w[0]).collect();
            let dimensions = dims
                .iter()
                .zip(weights.iter().cycle())
                .enumerate()
                .map(|(di, ((inds, id_mode), &w))| DimensionSpec {
                    id: match id_mode {
                        0 => String::new(),
                        1 => "d0".into(),
                        _ => format!("d{di}"),
                    },
                    names: names(),
                    weight_percent: wire(hundredths(w)),
                    indicators: inds
                        .iter()
                        .enumerate()
                        .map(
                            |(
                                ii,
                                (unit, (lo, hi), full, target_at, dir, step, penalty, rnd, id_mode),
                            )| {
                                // Put the target inside the effective range.
                                let unit_name = unit.trim_start_matches("UNIT_");
                                let lo_eff = lo.unwrap_or(0.0);
                                let hi_eff =
                                    hi.unwrap_or(if matches!(unit_name, "PERCENT" | "SCORE") {
                                        100.0
                                    } else {
                                        1000.0
                                    });
                                let target = if *target_at == u16::MAX {
                                    1e12
                                } else {
                                    let t =
                                        lo_eff + (hi_eff - lo_eff) * f64::from(*target_at) / 1000.0;
                                    if unit_name == "COUNT" {
                                        t.ceil()
                                    } else {
                                        (t * 100.0).round() / 100.0
                                    }
                                };
                                IndicatorSpec {
                                    id: match id_mode {
                                        0 => String::new(),
                                        1 => "i0_0".into(),
                                        2 => "Bad".into(),
                                        _ => format!("i{di}_{ii}"),
                                    },
                                    names: names(),
                                    unit: unit.to_string(),
                                    min_value: *lo,
                                    max_value: *hi,
                                    full_points: *full,
                                    rule: Some(RuleSpec {
                                        direction: dir.to_string(),
                                        target,
                                        step: *step,
                                        penalty: *penalty,
                                        rounding: rnd.to_string(),
                                    }),
                                    response_limit_minutes: None,
                                }
                            },
                        )
                        .collect(),
                })
                .collect();
            // Bands tiling [0, 10^9] at the precision: [0, a], [a + u, a + b], [a + b + u, 10^9].
            let p = precision.unwrap_or(2);
            let grade_bands = match bands {
                None => Vec::new(),
                Some((a, b)) => {
                    let unit = Decimal::new(1, p.min(20));
                    let (a, b) = (Decimal::from(a), Decimal::from(a + b));
                    let band = |id: &str, lo: Decimal, hi: Decimal, c: i64| GradeBandSpec {
                        id: id.into(),
                        names: names(),
                        min_score: wire(lo),
                        max_score: wire(hi),
                        bonus_coefficient: wire(hundredths(c)),
                    };
                    vec![
                        band("c", b + unit, Decimal::from(1_000_000_000), 120),
                        band("a", Decimal::ZERO, a, 50),
                        band("b", a + unit, b, 100),
                    ]
                }
            };
            RubricSpec {
                id: "prop-rubric".into(),
                version: 1,
                default_locale: locale.into(),
                names: names(),
                precision,
                blend: blend.map(|s| BlendSpec {
                    self_weight_percent: wire(Decimal::new(s, 6)),
                    supervisor_weight_percent: wire(Decimal::new(100_000_000 - s, 6)),
                }),
                grade_bands,
                gap_threshold: gap.map(|g| g as f64 / 10.0),
                dimensions,
                hr_signature: false,
            }
        })
}

fn scores_every_valid_review(rubric: &Rubric, gives: &[(Give, Give)]) -> Result<(), TestCaseError> {
    for allow_partial in [false, true] {
        let review = review_for(rubric, gives, allow_partial);
        let out = std::panic::catch_unwind(|| scoring::score(rubric, &review))
            .map_err(|_| {
                TestCaseError::fail(format!(
                    "scoring panicked on a valid review of an accepted rubric\n{review:?}"
                ))
            })?
            .map_err(|e| {
                TestCaseError::fail(format!(
                    "accepted rubric refused a valid review: {e}\n{review:?}"
                ))
            })?;
        check_outcome(rubric, &out).map_err(TestCaseError::fail)?;
        check_answer_encodings(rubric, &review, &out)?;
    }
    Ok(())
}

/// The answer writer gives prost's own encoding of the plain message, in
/// both views, and SUMMARY is FULL without the per-indicator lines.
fn check_answer_encodings(
    rubric: &Rubric,
    review: &Review,
    out: &scoring::Outcome,
) -> Result<(), TestCaseError> {
    let mut full = None;
    for view in [View::Full, View::Summary] {
        let parts = answer::Parts::new(rubric, out.locale);
        let written = answer::score_review(rubric, &parts, review, out, view);
        let plain = answer::plain::score_review(rubric, review, out, view);
        let reference = plain.encode_to_vec();
        prop_assert_eq!(
            written.as_slice(),
            reference.as_slice(),
            "{:?} answer differs from prost's encoding of {:?}",
            view,
            plain
        );
        match view {
            View::Full => full = Some(plain),
            View::Summary => {
                let mut expected = full.take().expect("FULL comes first");
                for rater in [
                    &mut expected.self_assessment,
                    &mut expected.supervisor_assessment,
                ]
                .into_iter()
                .flatten()
                {
                    rater.indicators.clear();
                }
                prop_assert_eq!(plain, expected);
                check_totals_detail(rubric, review, out, written.as_slice())?;
            }
        }
    }
    Ok(())
}

/// Scored at [`Detail::Totals`] (what SUMMARY asks for), the outcome has
/// `out`'s numbers with no line texts, and gives the same SUMMARY bytes.
fn check_totals_detail(
    rubric: &Rubric,
    review: &Review,
    out: &scoring::Outcome,
    summary: &[u8],
) -> Result<(), TestCaseError> {
    let totals = scoring::score_with(rubric, review, Detail::Totals)
        .map_err(|e| TestCaseError::fail(format!("Totals refused what Lines scored: {e}")))?;
    let mut expected = out.clone();
    for rater in [&mut expected.self_score, &mut expected.supervisor_score] {
        for line in &mut rater.indicators {
            line.explanation = Span::default();
            line.value_text = Span::default();
            line.shortfall_text = Span::default();
            line.comment.clear();
        }
    }
    let same_numbers = |o: &scoring::Outcome| {
        (
            o.self_score.clone(),
            o.supervisor_score.clone(),
            (o.final_score, o.bonus_coefficient, o.grade_band, o.gap),
            (o.gap_flagged, o.complete, o.max_reachable_final, o.locale),
        )
    };
    prop_assert_eq!(same_numbers(&totals), same_numbers(&expected));
    let texts = |o: &scoring::Outcome| {
        let losses: Vec<_> = o
            .losses
            .iter()
            .map(|l| {
                let numbers = (l.dimension, l.indicator, l.final_score_points);
                (numbers, l.self_deduction, l.supervisor_deduction)
            })
            .zip(o.losses.iter().map(|l| o.text(l.explanation).to_owned()))
            .collect();
        let shown = [o.text(o.gap_explanation), o.text(o.summary)].map(str::to_owned);
        (losses, shown)
    };
    prop_assert_eq!(texts(&totals), texts(out));
    let parts = answer::Parts::new(rubric, totals.locale);
    let written = answer::score_review(rubric, &parts, review, &totals, View::Summary);
    prop_assert_eq!(
        written.as_slice(),
        summary,
        "SUMMARY bytes differ at Totals"
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn validation_never_panics_on_any_rubric(spec in any_rubric_spec()) {
        // A rejection must list at least one violation, each with a reason.
        if let Err(violations) = rubric::validate(&spec) {
            prop_assert!(!violations.is_empty());
            prop_assert!(violations.iter().all(|v| !v.reason.is_empty()));
        }
    }

    #[test]
    fn an_accepted_rubric_scores_every_valid_review(
        spec in likely_valid_rubric_spec(),
        gives in prop::collection::vec((give(), give()), 1..16),
    ) {
        if let Ok(rubric) = rubric::validate(&spec) {
            scores_every_valid_review(&rubric, &gives)?;
            // The same rubric inline, through the proto path, scores too.
            let mut review = review_for(&rubric, &gives, false);
            review.submissions.clear();
            let to_entries = |es: &[Entry]| pb::Assessment {
                entries: es
                    .iter()
                    .map(|e| pb::AssessmentEntry {
                        indicator_id: e.indicator_id.clone(),
                        input: match e.input {
                            EntryInput::Value(v) => Some(pb::assessment_entry::Input::Value(wire(v))),
                            EntryInput::Points(p) => {
                                Some(pb::assessment_entry::Input::Points(wire(p)))
                            }
                            EntryInput::Refused => None,
                        },
                        comment: String::new(),
                    })
                    .collect(),
            };
            let req = pb::ScoreReviewRequest {
                review_id: "r".into(),
                rubric_source: Some(pb::score_review_request::RubricSource::InlineRubric(
                    convert::rubric_proto(&spec),
                )),
                self_assessment: Some(to_entries(&review.self_assessment)),
                supervisor_assessment: Some(to_entries(&review.supervisor_assessment)),
                allow_partial: true,
                ..Default::default()
            };
            let answer = std::panic::catch_unwind(|| score_one(&Registry::with_builtin(), req))
                .map_err(|_| TestCaseError::fail("score_one panicked"))?;
            prop_assert!(answer.1.is_ok(), "inline rubric refused: {:?}", answer.1.err());
        }
    }

    #[test]
    fn validation_never_panics_on_near_valid_rubrics(spec in likely_valid_rubric_spec()) {
        let _ = rubric::validate(&spec);
    }
}

/// How often the near-valid generator yields an accepted rubric; the
/// "accepted rubric scores every review" property means nothing if it never
/// does.
#[test]
fn the_near_valid_generator_is_accepted_often_enough() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = likely_valid_rubric_spec();
    let accepted = (0..300)
        .filter(|_| {
            let spec = strategy.new_tree(&mut runner).unwrap().current();
            match rubric::validate(&spec) {
                Ok(_) => true,
                Err(v) => {
                    if std::env::var("SHOW_REJECTS").is_ok() {
                        eprintln!("{}", v[0]);
                    }
                    false
                }
            }
        })
        .count();
    assert!(
        accepted >= 90,
        "only {accepted} of 300 generated rubrics were accepted"
    );
}

//! Scoring benchmarks: the rule arithmetic, a full review of the worked
//! example (proto → proto and domain only) in each locale, and rubric
//! validation of the built-in rubric.
//!
//! `cargo bench --bench scoring`; one iteration is one review (or one rule,
//! one validation), so criterion's time per iteration inverts to reviews/s.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;
use scorecard::api::{convert, json, pb};
use scorecard::domain::rubric::{self, BUILTIN_RUBRIC_SOURCE, Direction, Registry, Rounding, Rule};
use scorecard::domain::scoring;
use scorecard::server::scoring::score_one;
use std::hint::black_box;

fn worked_example() -> pb::ScoreReviewRequest {
    let text = include_str!("../examples/worked-example.json");
    json::from_json("scorecard.v1.ScoreReviewRequest", text).expect("the worked example parses")
}

const LOCALES: [&str; 3] = ["zh-CN", "zh-TW", "en"];

fn rule_arithmetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("rule");
    group.throughput(Throughput::Elements(1));
    let linear = Rule {
        direction: Direction::AtLeast,
        target: Decimal::new(95, 0),
        step: Decimal::ONE,
        penalty: Decimal::new(5, 1),
        rounding: Rounding::Linear,
    };
    let stepped = Rule {
        direction: Direction::AtMost,
        target: Decimal::new(120, 0),
        step: Decimal::new(15, 0),
        penalty: Decimal::ONE,
        rounding: Rounding::Linear,
    };
    let full = Decimal::new(20, 0);
    group.bench_function("linear_step_1", |b| {
        b.iter(|| {
            scoring::rule::apply(black_box(&linear), full, black_box(Decimal::new(935, 1)), 2)
        })
    });
    group.bench_function("linear_step_15", |b| {
        b.iter(|| {
            scoring::rule::apply(
                black_box(&stepped),
                full,
                black_box(Decimal::new(131, 0)),
                2,
            )
        })
    });
    group.bench_function("met", |b| {
        b.iter(|| scoring::rule::apply(black_box(&linear), full, black_box(Decimal::new(97, 0)), 2))
    });
    group.finish();
}

fn full_review(c: &mut Criterion) {
    let registry = Registry::with_builtin();
    let example = worked_example();
    let mut group = c.benchmark_group("review");
    group.throughput(Throughput::Elements(1));
    for locale in LOCALES {
        let mut req = example.clone();
        req.locale = locale.to_string();
        // The whole proto → proto path a ScoreReview call runs.
        group.bench_function(format!("proto_to_proto/{locale}"), |b| {
            b.iter_batched(
                || req.clone(),
                |req| {
                    let (_, answer) = score_one(&registry, req);
                    answer.expect("the worked example scores")
                },
                BatchSize::SmallInput,
            )
        });
        // The domain alone: resolve inputs, rules, totals, losses and every
        // explanation, without the proto conversions.
        let request = convert::review_request(req.clone()).expect("the worked example converts");
        let rubric = rubric::builtin_rubric();
        group.bench_function(format!("domain/{locale}"), |b| {
            b.iter(|| scoring::score(rubric, black_box(&request.review)).expect("scores"))
        });
    }
    group.finish();
}

fn rubric_validation(c: &mut Criterion) {
    let spec =
        rubric::parse_text(BUILTIN_RUBRIC_SOURCE, "json").expect("the built-in rubric parses");
    let mut group = c.benchmark_group("rubric");
    group.throughput(Throughput::Elements(1));
    group.bench_function("validate_builtin", |b| {
        b.iter(|| rubric::validate(black_box(&spec)).expect("valid"))
    });
    group.bench_function("parse_and_validate_builtin", |b| {
        b.iter(|| {
            let spec =
                rubric::parse_text(black_box(BUILTIN_RUBRIC_SOURCE), "json").expect("parses");
            rubric::validate(&spec).expect("valid")
        })
    });
    group.finish();
}

criterion_group!(benches, rule_arithmetic, full_review, rubric_validation);
criterion_main!(benches);

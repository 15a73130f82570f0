//! Scoring benchmarks: the rule arithmetic, a full review of the worked
//! example (proto → proto and domain only) in each locale, and rubric
//! validation of the built-in rubric.
//!
//! `cargo bench --bench scoring`; one iteration is one review (or one rule,
//! one validation), so criterion's time per iteration inverts to reviews/s.

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use scorecard::api::{answer, convert, json, pb};
use scorecard::server::scoring::Scorer;
use scorecard_core::rubric::{self, BUILTIN_RUBRIC_SOURCE, Registry};
use scorecard_core::scoring::{self, Detail};
use std::hint::black_box;

fn worked_example() -> pb::ScoreReviewRequest {
    let text = include_str!("../../examples/worked-example.json");
    json::from_json("scorecard.v1.ScoreReviewRequest", text).expect("the worked example parses")
}

const LOCALES: [&str; 3] = ["zh-CN", "zh-TW", "en"];

/// The worked example with every supervisor value one away from the
/// employee's own: no indicator's outcome or explanation is shared
/// between the raters (in the worked example 14 of 20 values are the same
/// for both, and each is scored and explained once).
fn distinct_values(mut req: pb::ScoreReviewRequest) -> pb::ScoreReviewRequest {
    let own: Vec<f64> = req
        .self_assessment
        .iter()
        .flat_map(|a| &a.entries)
        .map(|e| match e.input {
            Some(pb::assessment_entry::Input::Value(v)) => v,
            _ => panic!("the worked example gives values"),
        })
        .collect();
    for (e, v) in req
        .supervisor_assessment
        .iter_mut()
        .flat_map(|a| &mut a.entries)
        .zip(own)
    {
        // Counts and rates stay in range: 0 becomes 1, others drop by 1.
        let other = if v >= 1.0 { v - 1.0 } else { v + 1.0 };
        e.input = Some(pb::assessment_entry::Input::Value(other));
    }
    req
}

fn rule_arithmetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("rule");
    group.throughput(Throughput::Elements(1));
    // The built-in rubric's own rules, in millionths: complaint
    // resolution (≥ 95 %, 0.5 per 1 %) and complex handling (≤ 120 min,
    // 1 per 15 min).
    let units = &rubric::builtin_rubric().units.indicators;
    let (linear, stepped) = (units[1], units[6]);
    group.bench_function("linear_step_1", |b| {
        b.iter(|| scoring::rule::apply(black_box(&linear), black_box(93_500_000), 2))
    });
    group.bench_function("linear_step_15", |b| {
        b.iter(|| scoring::rule::apply(black_box(&stepped), black_box(131_000_000), 2))
    });
    group.bench_function("met", |b| {
        b.iter(|| scoring::rule::apply(black_box(&linear), black_box(97_000_000), 2))
    });
    group.finish();
}

fn full_review(c: &mut Criterion) {
    // The server's scorer: the rubric's answer parts made once.
    let scorer = Scorer::new(std::sync::Arc::new(Registry::with_builtin()));
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
                    let (_, answer) = scorer.score_one(req);
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
        // The same at Detail::Totals, as a SUMMARY request is scored: no
        // indicator line texts.
        group.bench_function(format!("domain_totals/{locale}"), |b| {
            b.iter(|| {
                scoring::score_with(rubric, black_box(&request.review), Detail::Totals)
                    .expect("scores")
            })
        });
    }
    // The worst case for sharing: no value the same for both raters.
    let mut req = distinct_values(example);
    req.locale = "en".to_string();
    let request = convert::review_request(req).expect("the variant converts");
    let rubric = rubric::builtin_rubric();
    group.bench_function("domain_distinct/en", |b| {
        b.iter(|| scoring::score(rubric, black_box(&request.review)).expect("scores"))
    });
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

/// `SCORING_PROFILE=domain/en:1000` (or `proto_to_proto/zh-CN:1000`,
/// `domain_totals/en:1000` at `Detail::Totals`, or
/// `domain_distinct/en:1000` for [`distinct_values`]) runs
/// that many reviews and exits, without criterion: a fixed amount of work
/// for `valgrind --tool=callgrind`, whose instruction counts do not depend
/// on the machine's load. Run it with N and with 0; the difference ÷ N is
/// the cost of one review.
fn profile(spec: &str) {
    let (what, n) = spec
        .rsplit_once(':')
        .expect("SCORING_PROFILE is PATH/LOCALE:N");
    let n: u64 = n.parse().expect("N is a number");
    let (path, locale) = what.split_once('/').expect("PATH/LOCALE");
    let scorer = Scorer::new(std::sync::Arc::new(Registry::with_builtin()));
    let mut req = worked_example();
    if path.ends_with("_distinct") {
        req = distinct_values(req);
    }
    req.locale = locale.to_string();
    let request = convert::review_request(req.clone()).expect("the worked example converts");
    let rubric = rubric::builtin_rubric();
    let mut bytes = 0usize;
    let mut one = || match path {
        "domain" | "domain_distinct" | "domain_totals" => {
            let detail = match path {
                "domain_totals" => Detail::Totals,
                _ => Detail::Lines,
            };
            let out =
                scoring::score_with(rubric, black_box(&request.review), detail).expect("scores");
            // The span's bytes, without a UTF-8 check: what builds whose
            // text was a String paid here, so profiles stay comparable.
            let summary = out.summary.start as usize..out.summary.end as usize;
            bytes += out.text.as_bytes().get(summary).map_or(0, <[u8]>::len);
        }
        "proto_to_proto" => {
            let (_, answer) = scorer.score_one(black_box(req.clone()));
            bytes += answer.expect("scores").as_slice().len();
        }
        other => panic!("unknown path {other}"),
    };
    // In 20 chunks, each timed: on a shared machine the fastest chunk is
    // the best estimate of the undisturbed time, the median a check on it.
    const CHUNKS: u64 = 20;
    let mut per_review = Vec::new();
    for chunk in 0..CHUNKS {
        let count = n / CHUNKS + u64::from(chunk < n % CHUNKS);
        let start = std::time::Instant::now();
        for _ in 0..count {
            one();
        }
        if count > 0 {
            per_review.push(start.elapsed().as_nanos() as f64 / count as f64);
        }
    }
    per_review.sort_by(f64::total_cmp);
    let (min, median) = match per_review.as_slice() {
        [] => (0.0, 0.0),
        all => (all[0], all[all.len() / 2]),
    };
    println!(
        "{path}/{locale}: {n} reviews ({bytes} bytes of output); ns/review over {CHUNKS} chunks: min {min:.0}, median {median:.0}"
    );
}

/// `SCORING_DUMP=N` prints, for N pseudo-random variations of the worked
/// example (values, points, missing entries, locales, values with more
/// than six places) against rubric variations (precision 0-6, the three
/// roundings, other steps and penalties, blends and weights with two and
/// six places), the Debug form of the domain outcome and of the proto
/// answer. Two builds that print the same text behave the same on these
/// inputs: the check that an optimisation changed no byte.
fn dump(n: u64) {
    use std::fmt::Write as _;
    let base_spec =
        rubric::parse_text(BUILTIN_RUBRIC_SOURCE, "json").expect("the built-in rubric parses");
    let state = std::cell::Cell::new(0x2545_F491_4F6C_DD1Du64);
    let next = || {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    };
    let roundings = [
        "ROUNDING_LINEAR",
        "ROUNDING_PER_FULL_STEP",
        "ROUNDING_PER_STARTED_STEP",
    ];
    let mut rubrics = vec![rubric::validate(&base_spec).expect("valid")];
    // Blends and weights with places (the largest losses' cost scale
    // follows the fewest places that keep them exact).
    let blends = [
        (30.0, 70.0),
        (30.25, 69.75),
        (33.333333, 66.666667),
        (0.0, 100.0),
    ];
    let weights = [
        [40.0, 30.0, 20.0, 10.0],
        [40.5, 29.5, 20.0, 10.0],
        [40.000001, 29.999999, 20.0, 10.0],
    ];
    for variant in 0..10u32 {
        let mut spec = base_spec.clone();
        spec.precision = Some(variant % 7);
        let (self_percent, supervisor_percent) = blends[variant as usize % blends.len()];
        spec.blend = Some(rubric::BlendSpec {
            self_weight_percent: self_percent,
            supervisor_weight_percent: supervisor_percent,
        });
        for (d, w) in spec
            .dimensions
            .iter_mut()
            .zip(weights[variant as usize % weights.len()])
        {
            d.weight_percent = w;
        }
        for (k, d) in spec.dimensions.iter_mut().enumerate() {
            for (j, i) in d.indicators.iter_mut().enumerate() {
                if let Some(r) = i.rule.as_mut() {
                    r.rounding = roundings[(variant as usize + k + j) % 3].to_string();
                    r.step = [1.0, 15.0, 0.5, 2.5, 3.0, 0.1][(variant as usize + j) % 6];
                    r.penalty = [0.5, 1.0, 0.25, 3.0, 0.3, 7.0][(variant as usize + k) % 6];
                }
            }
        }
        if let Ok(r) = rubric::validate(&spec) {
            rubrics.push(r);
        }
    }
    let example = worked_example();
    let mut out = String::new();
    for case in 0..n {
        let rubric = &rubrics[(next() % rubrics.len() as u64) as usize];
        let mut req = example.clone();
        req.locale = ["zh-CN", "zh-TW", "en", ""][(next() % 4) as usize].to_string();
        req.allow_partial = next() % 3 == 0;
        // Counts (small whole numbers here) stay whole; percentages stay
        // in 0..=100; minutes (above 100) may take any places, and some
        // values take more than six (the decimal path).
        let perturb = |v: f64| -> f64 {
            let cap = if v <= 100.0 { 100.0 } else { 1e6 };
            if v < 20.0 && v.fract() == 0.0 {
                return (v + (next() % 9) as f64 - 3.0).max(0.0);
            }
            match next() % 7 {
                0 => v,
                6 => (v - (1 + next() % 9) as f64 * 1e-7).max(0.0),
                1 => (v - (next() % 3000) as f64 / 100.0).max(0.0),
                2 => (v + (next() % 3000) as f64 / 100.0).min(cap),
                3 => (((v * 1000.0).round() + (next() % 7) as f64) / 1000.0).min(cap),
                4 => (next() % 101) as f64,
                _ => (v - (next() % 20) as f64 / 8.0).max(0.0),
            }
        };
        for a in [
            req.self_assessment.as_mut(),
            req.supervisor_assessment.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            for e in a.entries.iter_mut() {
                if let Some(pb::assessment_entry::Input::Value(v)) = e.input {
                    let v = perturb(v);
                    e.input = Some(match next() % 10 {
                        0 => pb::assessment_entry::Input::Points((v / 5.0).floor()),
                        _ => pb::assessment_entry::Input::Value(v),
                    });
                }
            }
            if req.allow_partial {
                a.entries.retain(|_| next() % 5 != 0);
            }
        }
        for s in req.submissions.iter_mut() {
            for v in s.values.values_mut() {
                *v = perturb(*v);
            }
        }
        let request = convert::review_request(req).expect("converts");
        let result = scoring::score(rubric, &request.review);
        let _ = writeln!(out, "case {case}: {result:?}");
        if let Ok(outcome) = &result {
            let parts = answer::Parts::new(rubric, outcome.locale);
            let encoded =
                answer::score_review(rubric, &parts, &request.review, outcome, answer::View::Full);
            let answer: pb::ScoreReviewResponse = encoded.decode().expect("decodes");
            let _ = writeln!(out, "answer {case}: {answer:?}");
        }
    }
    print!("{out}");
}

fn main() {
    if let Ok(n) = std::env::var("SCORING_DUMP") {
        dump(n.parse().expect("SCORING_DUMP is a count"));
        return;
    }
    if let Ok(spec) = std::env::var("SCORING_PROFILE") {
        profile(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

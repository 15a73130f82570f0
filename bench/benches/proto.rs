//! Protobuf decode and encode (prost) of the worked example's request and
//! of its answer, as the server does them for every ScoreReview call.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message;
use scorecard::api::answer::{self, View};
use scorecard::api::{json, pb};
use scorecard::server::scoring::{score, score_one};
use scorecard_core::rubric::Registry;
use std::hint::black_box;

fn worked_example() -> pb::ScoreReviewRequest {
    let text = include_str!("../../examples/worked-example.json");
    json::from_json("scorecard.v1.ScoreReviewRequest", text).expect("the worked example parses")
}

fn codec(c: &mut Criterion) {
    let request = worked_example();
    let registry = Registry::with_builtin();
    let (_, answer) = score_one(&registry, request.clone());
    let answer = answer.expect("the worked example scores");
    let request_bytes = request.encode_to_vec();
    let answer_bytes = answer.encode_to_vec();

    let mut group = c.benchmark_group("proto");
    group.throughput(Throughput::Bytes(request_bytes.len() as u64));
    group.bench_function("decode_request", |b| {
        b.iter(|| {
            pb::ScoreReviewRequest::decode(black_box(request_bytes.as_slice())).expect("decodes")
        })
    });
    group.bench_function("encode_request", |b| {
        let mut buf = Vec::with_capacity(request_bytes.len());
        b.iter(|| {
            buf.clear();
            black_box(&request).encode(&mut buf).expect("fits");
            buf.len()
        })
    });
    group.throughput(Throughput::Bytes(answer_bytes.len() as u64));
    group.bench_function("decode_answer", |b| {
        b.iter(|| {
            pb::ScoreReviewResponse::decode(black_box(answer_bytes.as_slice())).expect("decodes")
        })
    });
    group.bench_function("encode_answer", |b| {
        let mut buf = Vec::with_capacity(answer_bytes.len());
        b.iter(|| {
            buf.clear();
            black_box(&answer).encode(&mut buf).expect("fits");
            buf.len()
        })
    });
    group.finish();
}

/// Writing the answer: the in-place writer against building the generated
/// message and encoding it with prost (its oracle), in both views.
fn answer_paths(c: &mut Criterion) {
    let registry = Registry::with_builtin();
    let (_, scored) = score(&registry, worked_example());
    let s = scored.expect("the worked example scores");
    // Made once, as the server makes them for its registry's rubrics.
    let parts = answer::Parts::new(&s.rubric, s.outcome.locale);
    let mut group = c.benchmark_group("answer");
    group.throughput(Throughput::Elements(1));
    for (name, view) in [("full", View::Full), ("summary", View::Summary)] {
        group.bench_function(format!("writer/{name}"), |b| {
            b.iter(|| {
                answer::score_review(&s.rubric, &parts, &s.review, black_box(&s.outcome), view)
            })
        });
        group.bench_function(format!("prost/{name}"), |b| {
            b.iter(|| {
                answer::plain::score_review(&s.rubric, &s.review, black_box(&s.outcome), view)
                    .encode_to_vec()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, codec, answer_paths);
criterion_main!(benches);

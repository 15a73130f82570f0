//! Protobuf decode and encode (prost) of the worked example's request and
//! of its answer, as the server does them for every ScoreReview call.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prost::Message;
use scorecard::api::{json, pb};
use scorecard::server::scoring::score_one;
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

criterion_group!(benches, codec);
criterion_main!(benches);

//! Raw protobuf bytes → ScoreReviewRequest → request conversion and
//! scoring (`score_one`, the whole path of a ScoreReview call). Any panic
//! is a crash; an answer must encode, and the same bytes must give the
//! same answer twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message;
use scorecard::api::pb;
use scorecard_core::rubric::Registry;
use scorecard::server::scoring::score_one;
use std::sync::OnceLock;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::with_builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(req) = pb::ScoreReviewRequest::decode(data) else {
        return;
    };
    let (_, first) = score_one(registry(), req.clone());
    let (_, second) = score_one(registry(), req);
    match (first, second) {
        (Ok(a), Ok(b)) => assert_eq!(a.encode_to_vec(), b.encode_to_vec()),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("the same request gave {a:?} then {b:?}"),
    }
});

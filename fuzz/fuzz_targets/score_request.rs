//! Raw protobuf bytes → ScoreReviewRequest → request conversion and
//! scoring (`score_one`, the whole path of a ScoreReview call). Any panic
//! is a crash; an answer must encode, and the same bytes must give the
//! same answer twice. The server's decoder (`codec::decode_slice`, with
//! its speed path for this message and for a ScoreReviews item) must
//! give prost's result for the same bytes, compared by their encoding
//! (so a NaN value compares by its bits).
#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message;
use scorecard::api::{codec, pb};
use scorecard::server::scoring::score_one;
use scorecard_core::rubric::Registry;
use std::sync::OnceLock;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::with_builtin)
}

/// The codec's decoding of `data` as a `M` is prost's.
fn decodes_as_prost<M: Message + Default + 'static>(data: &[u8]) -> Option<M> {
    let codec = codec::decode_slice::<M>(data).ok();
    let prost = M::decode(data).ok();
    assert_eq!(
        codec.as_ref().map(Message::encode_to_vec),
        prost.as_ref().map(Message::encode_to_vec),
        "the codec and prost decode these bytes differently"
    );
    prost
}

fuzz_target!(|data: &[u8]| {
    decodes_as_prost::<pb::ScoreReviewsRequest>(data);
    let Some(req) = decodes_as_prost::<pb::ScoreReviewRequest>(data) else {
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

//! Compiles the protos with protox (pure Rust), so a fresh machine needs no
//! `protoc`, and writes the descriptor set to OUT_DIR for reflection.
use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/scorecard/v1/rubric.proto",
        "proto/scorecard/v1/review.proto",
        "proto/scorecard/v1/rubric_service.proto",
        "proto/scorecard/v1/scoring_service.proto",
        "proto/scorecard/v1/ticket_stats_service.proto",
    ];
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(files, ["proto"])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor_path = out.join("scorecard_descriptor.bin");
    std::fs::write(
        &descriptor_path,
        prost::Message::encode_to_vec(&descriptors),
    )?;
    // The error details the statuses carry, for reflection only: the
    // messages themselves are tonic-types'.
    let details = protox::compile(["proto/google/rpc/error_details.proto"], ["proto"])?;
    std::fs::write(
        out.join("error_details_descriptor.bin"),
        prost::Message::encode_to_vec(&details),
    )?;
    tonic_prost_build::configure()
        // Maps iterate in key order, so answers are byte-identical.
        .btree_map(".")
        .extern_path(".google.rpc", "::tonic_types::pb")
        // prost's codec, decoding each message from one slice (api::codec).
        .codec_path("crate::api::codec::Codec")
        .compile_fds(descriptors)?;

    // ScoringService's server once more, answering with already-encoded
    // bytes (`api::answer::Encoded`) instead of the generated message:
    // the same routes, requests and codec (api::codec), one encoding pass
    // less.
    let method_to = |name: &str, route: &str, input: &str, output: &str| {
        tonic_build::manual::Method::builder()
            .name(name)
            .route_name(route)
            .input_type(input)
            .output_type(output)
            .codec_path("crate::api::codec::Codec")
    };
    let method = |name: &str, route: &str, input: &str| {
        method_to(name, route, input, "crate::api::answer::Encoded")
    };
    let scoring = tonic_build::manual::Service::builder()
        .name("ScoringService")
        .package("scorecard.v1")
        .method(
            method(
                "score_review",
                "ScoreReview",
                "crate::api::pb::ScoreReviewRequest",
            )
            .build(),
        )
        .method(
            method(
                "score_reviews",
                "ScoreReviews",
                "crate::api::pb::ScoreReviewsRequest",
            )
            .client_streaming()
            .server_streaming()
            .build(),
        )
        .method(
            method_to(
                "render_review_form",
                "RenderReviewForm",
                "crate::api::pb::RenderReviewFormRequest",
                "crate::api::pb::RenderReviewFormResponse",
            )
            .build(),
        )
        .build();
    tonic_build::manual::Builder::new()
        .build_client(false)
        .compile(&[scoring]);
    Ok(())
}

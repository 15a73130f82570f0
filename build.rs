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
    tonic_prost_build::configure()
        // Maps iterate in key order, so answers are byte-identical.
        .btree_map(".")
        .extern_path(".google.rpc", "::tonic_types::pb")
        .compile_fds(descriptors)?;
    Ok(())
}

//! Golden answers: the bytes the service gave for fixed requests, kept under
//! tests/golden/. A FULL answer and a ticket push without the newer options
//! must stay byte-identical, so old clients keep their answers bit for bit.
//! To accept a deliberate change, regenerate with `GOLDEN_UPDATE=1`.

use crate::common::*;
use prost::Message;
use scorecard::api::{json, pb};
use std::path::{Path, PathBuf};

fn golden_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(kind)
}

/// The cases of one kind: (name, request text, expected answer bytes).
fn cases(kind: &str) -> Vec<(String, String, Vec<u8>)> {
    let dir = golden_dir(kind);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/golden")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".request.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no golden cases in {}", dir.display());
    names
        .into_iter()
        .map(|name| {
            let request =
                std::fs::read_to_string(dir.join(format!("{name}.request.json"))).expect("request");
            let answer = std::fs::read(dir.join(format!("{name}.answer.pb"))).unwrap_or_default();
            (name, request, answer)
        })
        .collect()
}

fn check(kind: &str, name: &str, got: &[u8], want: &[u8]) {
    if std::env::var_os("GOLDEN_UPDATE").is_some() {
        std::fs::write(golden_dir(kind).join(format!("{name}.answer.pb")), got).expect("write");
        return;
    }
    assert!(
        got == want,
        "{kind}/{name}: the answer differs from the golden one ({} bytes, golden {})",
        got.len(),
        want.len()
    );
}

#[tokio::test]
async fn score_review_answers_are_byte_identical_over_grpc() {
    let server = TestServer::start().await;
    let mut client = server.scoring().await;
    for (name, text, want) in cases("score") {
        let request: pb::ScoreReviewRequest =
            json::from_json("scorecard.v1.ScoreReviewRequest", &text).expect("request parses");
        let answer = client
            .score_review(request)
            .await
            .unwrap_or_else(|s| panic!("{name}: {s:?}"))
            .into_inner();
        // Decoding and re-encoding with prost is exact for these messages
        // (no unknown fields, canonical field order), so the re-encoded bytes
        // are the bytes on the wire.
        check("score", &name, &answer.encode_to_vec(), &want);
    }
    server.stop().await;
}

#[tokio::test]
async fn ticket_push_answers_are_byte_identical_over_grpc() {
    let server = TestServer::start().await;
    let mut client = server.tickets().await;
    for (name, text, want) in cases("tickets") {
        let items: Vec<serde_json::Value> = serde_json::from_str(&text).expect("a JSON array");
        let messages: Vec<pb::PushResponseTimesRequest> = items
            .iter()
            .map(|v| {
                json::from_json("scorecard.v1.PushResponseTimesRequest", &v.to_string())
                    .expect("message parses")
            })
            .collect();
        let answer = client
            .push_response_times(tokio_stream::iter(messages))
            .await
            .unwrap_or_else(|s| panic!("{name}: {s:?}"))
            .into_inner();
        check("tickets", &name, &answer.encode_to_vec(), &want);
    }
    server.stop().await;
}

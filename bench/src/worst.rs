//! The worst valid ScoreReview requests, for memory floods: the largest
//! inline rubric the caps allow (docs/operations.md, "Limits on input"),
//! and a request filled up to a message size with submissions that carry
//! no values (valid, and not capped in number). The integration tests
//! include this file too (`tests/it/hardening_input.rs`), so the request
//! they check against the answer bounds is the one the load runs send.

use scorecard::api::pb;
use scorecard_core::rubric::{BUILTIN_RUBRIC_SOURCE, parse_text};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The built-in rubric's 20 indicators copied until there are 128 (the
/// most a rubric may have) in 32 dimensions of 4, every name 256 bytes
/// (the most) in two locales, and an entry for every indicator from each
/// rater with a 1,024-byte comment (the most).
pub fn largest_inline(base: &pb::ScoreReviewRequest) -> Result<pb::ScoreReviewRequest, BoxError> {
    let spec = parse_text(BUILTIN_RUBRIC_SOURCE, "json")?;
    let builtin = scorecard::api::convert::rubric_proto(&spec);
    let template: Vec<pb::Indicator> = builtin
        .dimensions
        .iter()
        .flat_map(|d| d.indicators.iter().cloned())
        .collect();
    let long = |tag: &str, seed: &str| {
        let mut name = format!("{tag}-{seed}-");
        while name.len() < 256 {
            name.push('x');
        }
        name
    };
    let names = |seed: &str| {
        ["en", "zh-CN"]
            .iter()
            .map(|t| (t.to_string(), long(t, seed)))
            .collect()
    };
    let mut rubric = builtin.clone();
    rubric.id = "largest-valid".into();
    rubric.names = names("rubric");
    for band in &mut rubric.grade_bands {
        band.names = names(&band.id);
    }
    rubric.dimensions = (0..32)
        .map(|d| pb::Dimension {
            id: format!("d{d}"),
            names: names(&format!("d{d}")),
            weight_percent: 3.125,
            indicators: (0..4)
                .map(|i| {
                    let n = d * 4 + i;
                    let mut ind = template[n % template.len()].clone();
                    ind.id = format!("i{n}");
                    ind.names = names(&ind.id);
                    ind
                })
                .collect(),
        })
        .collect();
    let entries = |share: f64| pb::Assessment {
        entries: rubric
            .dimensions
            .iter()
            .flat_map(|d| d.indicators.iter())
            .map(|ind| pb::AssessmentEntry {
                indicator_id: ind.id.clone(),
                input: Some(pb::assessment_entry::Input::Points(
                    (ind.full_points * share).floor(),
                )),
                comment: "c".repeat(1024),
            })
            .collect(),
    };
    let mut request = base.clone();
    request.submissions.clear();
    request.allow_partial = true;
    request.self_assessment = Some(entries(0.5));
    request.supervisor_assessment = Some(entries(0.75));
    request.rubric_source = Some(pb::score_review_request::RubricSource::InlineRubric(rubric));
    Ok(request)
}

/// `base` with submissions that carry no values, each with a 256-byte
/// source (the most), added until the encoded request is within 300
/// bytes under `bytes`.
pub fn filled(base: &pb::ScoreReviewRequest, bytes: usize) -> pb::ScoreReviewRequest {
    use prost::Message;
    let mut request = base.clone();
    // 256 bytes of source + 3 of its framing + 3 of the submission's.
    const EACH: usize = 262;
    let room = bytes.saturating_sub(request.encoded_len() + 300);
    request
        .submissions
        .extend((0..room / EACH).map(|i| pb::MetricSubmission {
            source: format!("{i:0>256}"),
            ..Default::default()
        }));
    request
}

//! Rubric files in every accepted format (JSON, TOML): parse, validate,
//! and when the rubric is accepted, score a review that is valid by
//! construction; the scoring must succeed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scorecard_core::rubric::{self, Unit};
use scorecard_core::scoring::{self, Entry, EntryInput, Review};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = if selector & 1 == 0 { "json" } else { "toml" };
    let Ok(spec) = rubric::parse_text(text, format) else {
        return;
    };
    let Ok(rubric) = rubric::validate(&spec) else {
        return;
    };
    // The canonical form of an accepted rubric is accepted again, the same.
    let again = rubric::validate(&rubric::to_spec(&rubric)).expect("canonical form accepted");
    assert_eq!(again.content_hash, rubric.content_hash);

    // Self: each indicator at its target when that is a valid value (a
    // whole number for a COUNT), else at its minimum; supervisor: half of
    // the full points, awarded directly.
    let mut own = Vec::new();
    let mut sup = Vec::new();
    for (_, ind) in rubric.indicators() {
        let whole = |v: rust_decimal::Decimal| ind.unit != Unit::Count || v.fract().is_zero();
        let value = [Some(ind.rule.target), ind.min_value]
            .into_iter()
            .flatten()
            .find(|v| whole(*v));
        let input = match value {
            Some(v) => EntryInput::Value(v),
            None => EntryInput::Points(ind.full_points),
        };
        own.push(Entry {
            indicator_id: ind.id.clone(),
            input,
            comment: String::new(),
        });
        sup.push(Entry {
            indicator_id: ind.id.clone(),
            input: EntryInput::Points(
                scorecard_core::decimal::round(
                    ind.full_points / rust_decimal::Decimal::TWO,
                    rubric.precision,
                )
                .min(ind.full_points),
            ),
            comment: String::new(),
        });
    }
    let review = Review {
        review_id: "fuzz".into(),
        self_assessment: own,
        supervisor_assessment: sup,
        ..Default::default()
    };
    let outcome = scoring::score(&rubric, &review)
        .unwrap_or_else(|e| panic!("an accepted rubric refused a valid review: {e}"));
    let (s, p) = (outcome.self_score.total, outcome.supervisor_score.total);
    assert!(s.min(p) <= outcome.final_score && outcome.final_score <= s.max(p));
});

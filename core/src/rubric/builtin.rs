//! The built-in rubric: a data file embedded in the binary.

use super::{Rubric, load::parse_text, validate};
use std::sync::OnceLock;

/// Id of the built-in rubric.
pub const BUILTIN_RUBRIC_ID: &str = "telecom-support-manager";
/// The built-in rubric's file, as shipped (docs/scoring.md section 2).
pub const BUILTIN_RUBRIC_SOURCE: &str =
    include_str!("../../rubrics/telecom-support-manager.v1.json");

/// The built-in rubric, validated once.
pub fn builtin_rubric() -> &'static Rubric {
    static RUBRIC: OnceLock<Rubric> = OnceLock::new();
    RUBRIC.get_or_init(|| {
        let spec = parse_text(BUILTIN_RUBRIC_SOURCE, "json")
            .unwrap_or_else(|e| panic!("the embedded rubric does not parse: {e}"));
        validate(&spec).unwrap_or_else(|v| panic!("the embedded rubric is invalid: {v:?}"))
    })
}

//! The domain: rubrics, scoring and ticket metrics. Pure and synchronous:
//! nothing here knows about tonic, prost or tokio.

pub mod decimal;
pub mod locale;
pub mod rubric;
pub mod scoring;
pub mod tickets;

/// Longest id or label accepted, in bytes (review, employee, ticket ids,
/// sources, priorities, period labels): answers echo them, so they stay
/// small.
pub const MAX_ID_BYTES: usize = 256;

/// One thing wrong with an input: a field path in proto naming
/// (`supervisor_assessment.entries[3].value`) and a human reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub reason: String,
}

impl Violation {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// Everything that can go wrong with a request, in domain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input breaks one or more rules; every violation is listed.
    #[error("{} invalid field(s): {}", .0.len(), join_violations(.0))]
    Invalid(Vec<Violation>),
    /// No rubric with that id (or that version of it) is loaded.
    #[error("{what}")]
    RubricNotFound { what: String },
}

fn join_violations(violations: &[Violation]) -> String {
    let mut out = String::new();
    for (i, v) in violations.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&v.to_string());
    }
    out
}

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

    /// An id or label over [`MAX_ID_BYTES`]: its length, never its text.
    pub fn too_long(field: impl Into<String>, text: &str) -> Self {
        Self::new(
            field,
            format!("is {} bytes long; at most {MAX_ID_BYTES}", text.len()),
        )
    }
}

/// `text` in at most `cap` bytes: whole, or cut at a character boundary
/// and ended with "…". Keeps what is echoed of an input (error texts,
/// rejected ids) small.
pub fn clip(text: &str, cap: usize) -> String {
    const ELLIPSIS: &str = "…";
    if text.len() <= cap {
        return text.to_string();
    }
    let mut end = cap.saturating_sub(ELLIPSIS.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ELLIPSIS}", &text[..end])
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
    /// No rubric with that id (or that version of it) is loaded. `field`
    /// is the part of the reference that names nothing: `id` or `version`
    /// (relative to the reference, which [`Error::at_reference`] places).
    #[error("{what}")]
    RubricNotFound { field: String, what: String },
}

impl Error {
    /// The error with an unknown rubric's field placed under the request's
    /// path to the reference (`rubric_ref`, `options.rubric_ref`; empty
    /// where the reference is the request itself).
    #[must_use]
    pub fn at_reference(self, reference: &str) -> Self {
        match self {
            Error::RubricNotFound { field, what } => Error::RubricNotFound {
                field: match (reference.is_empty(), field.is_empty()) {
                    (true, _) => field,
                    (false, true) => reference.to_string(),
                    (false, false) => format!("{reference}.{field}"),
                },
                what,
            },
            invalid => invalid,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_at_a_character_boundary() {
        assert_eq!(clip("abc", 3), "abc");
        // "é" is 2 bytes: 5 bytes leave 2 for text before the 3-byte "…".
        assert_eq!(clip("éééé", 5), "é…");
        assert_eq!(clip("éééé", 6), "é…");
        assert_eq!(clip("éééé", 7), "éé…");
    }
}

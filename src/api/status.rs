//! Domain errors as gRPC statuses with `google.rpc.BadRequest` details,
//! bounded in size.
//!
//! A unary error travels in trailers: the message in `grpc-message`
//! (percent-encoded) and the encoded `google.rpc.Status` in
//! `grpc-status-details-bin` (base64, 4/3 larger). Clients refuse metadata
//! over 8 KiB (grpc-java's default limit, grpcio's soft limit) and then
//! report RESOURCE_EXHAUSTED instead of the error, so violations are kept
//! in order until a byte budget is reached, and one last violation says how
//! many more were left out.

use prost::Message;
use scorecard_core::{Error, Violation, clip};
use tonic::{Code, Status};
use tonic_types::pb::{self, bad_request::FieldViolation};

/// Most bytes of the encoded `google.rpc.Status` in an error's
/// `grpc-status-details-bin` trailer: 4,096 bytes once in base64. With the
/// message (at most 3 × [`MESSAGE_BUDGET`] bytes percent-encoded) all of an
/// error's trailers stay under 6 KiB.
pub const TRAILER_DETAILS_BUDGET: usize = 3 * 1024;

/// Most bytes of an error's message (`grpc-message`, also a trailer).
pub const MESSAGE_BUDGET: usize = 512;

/// Most bytes of the `google.rpc.Status` of one ScoreReviews answer. It
/// travels inside the answer message, where no metadata limit applies but
/// clients' 4 MiB message limit does: a review of 4 MiB can have tens of
/// megabytes of violations (an unknown-indicator reason per value).
pub const ITEM_DETAILS_BUDGET: usize = 64 * 1024;

/// Longest field path or reason shown whole; a longer one (a megabyte
/// indicator id) is cut, so that at least one violation always fits.
pub(crate) const TEXT_CAP: usize = 512;

const BAD_REQUEST_TYPE_URL: &str = "type.googleapis.com/google.rpc.BadRequest";

/// A domain error on its way to the wire. `From<ApiError> for Status` is
/// the one mapping of a domain error to a call's status (trailers); `?`
/// on an `ApiError` in a handler returning `Status` goes through it.
/// (The domain's [`Error`] cannot convert to [`Status`] itself: neither
/// type belongs to this crate.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub Error);

impl From<Vec<Violation>> for ApiError {
    fn from(violations: Vec<Violation>) -> Self {
        ApiError(Error::Invalid(violations))
    }
}

impl From<Violation> for ApiError {
    fn from(violation: Violation) -> Self {
        ApiError(Error::Invalid(vec![violation]))
    }
}

impl From<ApiError> for Status {
    fn from(ApiError(error): ApiError) -> Self {
        match error {
            Error::Invalid(violations) => {
                let rpc = bad_request(&violations, TRAILER_DETAILS_BUDGET, trailer_note);
                let message = rpc.message.clone();
                Status::with_details(Code::InvalidArgument, message, rpc.encode_to_vec().into())
            }
            Error::RubricNotFound { field, what } => {
                let rpc = not_found(&field, &what);
                let message = rpc.message.clone();
                Status::with_details(Code::NotFound, message, rpc.encode_to_vec().into())
            }
        }
    }
}

/// A domain error as the `google.rpc.Status` of one ScoreReviews answer:
/// with a larger budget than trailers have.
pub fn to_item_status(error: &Error) -> pb::Status {
    match error {
        Error::Invalid(violations) => bad_request(violations, ITEM_DETAILS_BUDGET, item_note),
        Error::RubricNotFound { field, what } => not_found(field, what),
    }
}

/// NOT_FOUND for an unknown rubric, with the reference's field that names
/// nothing as its one `BadRequest` violation, like any other bad field.
fn not_found(field: &str, what: &str) -> pb::Status {
    pb::Status {
        code: Code::NotFound as i32,
        message: clip(what, MESSAGE_BUDGET),
        details: vec![bad_request_any(vec![FieldViolation {
            field: clip(field, TEXT_CAP),
            description: clip(what, TEXT_CAP),
            ..Default::default()
        }])],
    }
}

fn trailer_note(omitted: usize) -> String {
    format!(
        "{omitted} more violation(s) not listed: error details are kept under {} KiB, \
         as gRPC clients refuse more than 8 KiB of trailers. ScoreReviews answers list \
         up to {} KiB of violations per review; RubricService/ValidateRubric lists \
         every violation of a rubric.",
        TRAILER_DETAILS_BUDGET / 1024,
        ITEM_DETAILS_BUDGET / 1024
    )
}

fn item_note(omitted: usize) -> String {
    format!(
        "{omitted} more violation(s) not listed: an answer's error is kept under {} KiB. \
         Fix these and send the review again to see the rest; \
         RubricService/ValidateRubric lists every violation of a rubric.",
        ITEM_DETAILS_BUDGET / 1024
    )
}

/// INVALID_ARGUMENT with the violations, in order, that fit in `budget`
/// bytes of encoded `google.rpc.Status`; when some do not, a last violation
/// (field path empty: the request as a whole) says how many were left out.
fn bad_request(violations: &[Violation], budget: usize, note: fn(usize) -> String) -> pb::Status {
    let mut status = pb::Status {
        code: Code::InvalidArgument as i32,
        message: summary(violations),
        details: Vec::new(),
    };
    status.details = vec![bad_request_any(Vec::new())];
    // Six bytes more for the length prefixes of the Any and its value,
    // which grow from 1 to at most 3 bytes each as violations are added.
    let mut used = status.encoded_len() + 6;
    // The note for every violation is at least as long as any other note.
    let note_size = field_size(&note_violation(note, violations.len()));
    let mut kept = Vec::new();
    for (i, v) in violations.iter().enumerate() {
        let violation = FieldViolation {
            field: clip(&v.field, TEXT_CAP),
            description: clip(&v.reason, TEXT_CAP),
            ..Default::default()
        };
        let size = field_size(&violation);
        let reserve = if i + 1 < violations.len() {
            note_size
        } else {
            0
        };
        if used + size + reserve > budget {
            break;
        }
        used += size;
        kept.push(violation);
    }
    if kept.len() < violations.len() {
        kept.push(note_violation(note, violations.len() - kept.len()));
    }
    status.details = vec![bad_request_any(kept)];
    status
}

fn note_violation(note: fn(usize) -> String, omitted: usize) -> FieldViolation {
    FieldViolation {
        field: String::new(),
        description: note(omitted),
        ..Default::default()
    }
}

/// Bytes one violation adds to a BadRequest: key, length and message.
fn field_size(violation: &FieldViolation) -> usize {
    let key = prost::encoding::key_len(FIELD_VIOLATIONS);
    let len = violation.encoded_len();
    key + prost::encoding::encoded_len_varint(len as u64) + len
}

/// `google.rpc.BadRequest.field_violations`, checked against the
/// descriptor set in the tests below.
const FIELD_VIOLATIONS: u32 = 1;

fn bad_request_any(field_violations: Vec<FieldViolation>) -> prost_types::Any {
    prost_types::Any {
        type_url: BAD_REQUEST_TYPE_URL.to_string(),
        value: pb::BadRequest { field_violations }.encode_to_vec(),
    }
}

/// "3 invalid field(s): a: why; b: why; …": at most five violations, and
/// at most [`MESSAGE_BUDGET`] bytes.
fn summary(violations: &[Violation]) -> String {
    const MORE: &str = "; …";
    let mut out = format!("{} invalid field(s): ", violations.len());
    let mut listed = 0;
    for v in violations.iter().take(5) {
        let piece = if listed == 0 {
            v.to_string()
        } else {
            format!("; {v}")
        };
        if out.len() + piece.len() + MORE.len() > MESSAGE_BUDGET {
            if listed == 0 {
                let room = MESSAGE_BUDGET - out.len();
                out.push_str(&clip(&piece, room));
                return out;
            }
            break;
        }
        out.push_str(&piece);
        listed += 1;
    }
    if listed < violations.len() {
        out.push_str(MORE);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::StatusExt;

    fn violations(n: usize, field: &str, reason: &str) -> Vec<Violation> {
        (0..n)
            .map(|i| Violation::new(format!("{field}[{i}]"), reason))
            .collect()
    }

    /// The size counted for a violation is what prost encodes, and the
    /// key is field_violations' (google.rpc's error_details.proto is not
    /// in proto/, so its number is checked against prost's encoding).
    #[test]
    fn a_violations_size_is_its_encoded_size_in_a_bad_request() {
        let violation = FieldViolation {
            field: "review.submissions[0].values[\"fcr\"]".into(),
            description: "x".repeat(300),
            ..Default::default()
        };
        let bytes = pb::BadRequest {
            field_violations: vec![violation.clone()],
        }
        .encode_to_vec();
        assert_eq!(field_size(&violation), bytes.len());
        assert_eq!(u32::from(bytes[0]), FIELD_VIOLATIONS << 3 | 2);
    }

    fn listed(status: &Status) -> Vec<(String, String)> {
        status
            .get_details_bad_request()
            .expect("BadRequest details")
            .field_violations
            .into_iter()
            .map(|v| (v.field, v.description))
            .collect()
    }

    #[test]
    fn few_violations_are_all_listed_with_no_note() {
        let v = violations(3, "f", "is wrong");
        let status = Status::from(ApiError::from(v));
        assert_eq!(
            listed(&status),
            [
                ("f[0]".to_string(), "is wrong".to_string()),
                ("f[1]".to_string(), "is wrong".to_string()),
                ("f[2]".to_string(), "is wrong".to_string()),
            ]
        );
        assert_eq!(
            status.message(),
            "3 invalid field(s): f[0]: is wrong; f[1]: is wrong; f[2]: is wrong"
        );
    }

    #[test]
    fn many_violations_are_cut_at_the_budget_with_a_count_of_the_rest() {
        // 1,000 violations "f[i]" / 100 × "r". Each adds to the BadRequest
        // 1 (key) + 1 (length) + [1 + 1 + len("f[i]")] + [1 + 1 + 100]
        // bytes: 110 for i < 10, then 111.
        // The message lists 4 violations (23 + 106 + 3 × 108 bytes; a
        // fifth would pass 512 with the closing "; …"): 458 bytes.
        // Fixed part: code 2 + message 1 + 2 + 458 + an Any of an empty
        // BadRequest (1 + 1 + 43) = 508, and 6 bytes of margin: 514.
        // The note for 1000 is 257 bytes as a violation (251 of text).
        // 514 + 10 × 110 = 1614; the next ones fit while the running
        // total + 111 + 257 <= 3072: 1614 + 111 × m <= 2704 for m <= 9,
        // so 10 more are kept, 20 in all, and 980 are left out.
        let reason = "r".repeat(100);
        let v = violations(1000, "f", &reason);
        let status = Status::from(ApiError::from(v));
        assert!(status.details().len() <= TRAILER_DETAILS_BUDGET);
        assert_eq!(status.message().len(), 458);
        let got = listed(&status);
        let (note, kept) = got.split_last().unwrap();
        assert_eq!(kept.len(), 20);
        for (i, (field, description)) in kept.iter().enumerate() {
            assert_eq!((field, description), (&format!("f[{i}]"), &reason));
        }
        assert_eq!(note.0, "");
        assert!(
            note.1.starts_with(
                "980 more violation(s) not listed: error details are kept under 3 KiB"
            ),
            "{}",
            note.1
        );
        assert_eq!(
            note.1.len(),
            250,
            "251 bytes for 1000, one digit fewer for 980"
        );
    }

    #[test]
    fn a_single_huge_violation_is_cut_to_fit_and_still_listed() {
        let id = "x".repeat(1 << 20);
        let v = vec![
            Violation::new(
                format!("submissions[0].values[\"{id}\"]"),
                format!("unknown indicator \"{id}\""),
            ),
            Violation::new("locale", "\"fr\" is not supported"),
        ];
        let status = Status::from(ApiError::from(v));
        assert!(status.details().len() <= TRAILER_DETAILS_BUDGET);
        assert!(status.message().len() <= MESSAGE_BUDGET);
        let got = listed(&status);
        assert_eq!(got.len(), 2, "both fit once the first is cut");
        assert_eq!(got[0].0.len(), TEXT_CAP);
        assert!(got[0].0.starts_with("submissions[0].values[\"xxx"));
        assert!(got[0].0.ends_with('…'));
        assert_eq!(got[0].1.len(), TEXT_CAP);
        assert_eq!(
            got[1],
            ("locale".to_string(), "\"fr\" is not supported".to_string())
        );
    }

    #[test]
    fn not_found_messages_are_bounded_too() {
        let what = format!("no rubric with id \"{}\" is loaded", "é".repeat(4000));
        let status = Status::from(ApiError(Error::RubricNotFound {
            field: "rubric_ref.id".to_string(),
            what,
        }));
        assert_eq!(status.code(), Code::NotFound);
        assert!(status.message().len() <= MESSAGE_BUDGET);
        assert!(status.message().ends_with('…'));
        // The field that names nothing is a BadRequest violation, its
        // reason cut as any reason is.
        let got = listed(&status);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "rubric_ref.id");
        assert_eq!(got[0].1.len(), TEXT_CAP);
    }

    #[test]
    fn stream_answers_list_more_than_trailers() {
        let reason = "r".repeat(100);
        let v = violations(1000, "f", &reason);
        let item = to_item_status(&Error::Invalid(v.clone()));
        assert!(item.encoded_len() <= ITEM_DETAILS_BUDGET);
        let trailer = Status::from(ApiError::from(v));
        let in_item = {
            use tonic_types::RpcStatusExt;
            item.get_details_bad_request()
                .unwrap()
                .field_violations
                .len()
        };
        assert!(in_item > 10 * listed(&trailer).len(), "{in_item}");
    }
}

//! Domain errors as gRPC statuses with `google.rpc.BadRequest` details.

use crate::domain::{Error, Violation};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The one mapping from a domain error to a status.
pub fn to_status(error: &Error) -> Status {
    match error {
        Error::Invalid(violations) => {
            let mut details = ErrorDetails::new();
            for v in violations {
                details.add_bad_request_violation(v.field.clone(), v.reason.clone());
            }
            Status::with_error_details(Code::InvalidArgument, summary(violations), details)
        }
        Error::RubricNotFound { what } => Status::not_found(what.clone()),
    }
}

impl From<Error> for Status {
    fn from(error: Error) -> Status {
        to_status(&error)
    }
}

/// A status as a `google.rpc.Status` message, for one answer of a stream.
pub fn to_rpc_status(status: &Status) -> tonic_types::pb::Status {
    use prost::Message;
    // tonic puts the encoded google.rpc.Status in the details bytes when it
    // has rich details; otherwise build one from code and message.
    if !status.details().is_empty()
        && let Ok(decoded) = tonic_types::pb::Status::decode(status.details())
    {
        return decoded;
    }
    tonic_types::pb::Status {
        code: status.code() as i32,
        message: status.message().to_string(),
        details: Vec::new(),
    }
}

/// "3 invalid fields: a: why; b: why; …" capped so a message stays short.
fn summary(violations: &[Violation]) -> String {
    let mut out = format!("{} invalid field(s): ", violations.len());
    for (i, v) in violations.iter().take(5).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&v.to_string());
    }
    if violations.len() > 5 {
        out.push_str("; …");
    }
    out
}

//! The only place that knows both the proto types and the domain types:
//! generated code, conversions in both directions, and the mapping of
//! domain errors to gRPC statuses.

pub mod convert;
pub mod json;
pub mod status;
pub mod tickets;

/// Generated protobuf and gRPC code for `scorecard.v1`.
#[allow(clippy::all, missing_docs)]
pub mod pb {
    tonic::include_proto!("scorecard.v1");

    /// Encoded descriptors of every scorecard proto, for reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/scorecard_descriptor.bin"));
}

/// The fully-qualified service names, as health and reflection know them.
pub const SERVICE_NAMES: [&str; 3] = [
    "scorecard.v1.ScoringService",
    "scorecard.v1.RubricService",
    "scorecard.v1.TicketStatsService",
];

//! proto3 JSON for the generated messages, through the descriptor set
//! (prost itself has no JSON). Used by the CLI for request files and
//! `--json` output; accepts both `snake_case` and `lowerCamelCase` names.

use super::pb;
use prost::Message;
use prost_reflect::{
    DescriptorError, DescriptorPool, DynamicMessage, MessageDescriptor, SerializeOptions,
};
use std::sync::OnceLock;

/// Why a message could not be read from or written as proto3 JSON.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// The embedded descriptor set does not decode (a build fault).
    #[error(transparent)]
    Descriptors(&'static DescriptorError),
    /// No message of that full name is in the descriptor set.
    #[error("unknown message {0}")]
    UnknownMessage(String),
    /// Not JSON of the message's shape, or it could not be written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The message's bytes do not decode as the named message.
    #[error(transparent)]
    Decode(#[from] prost::DecodeError),
    /// The JSON written is not UTF-8.
    #[error(transparent)]
    Utf8(#[from] std::string::FromUtf8Error),
}

fn pool() -> Result<&'static DescriptorPool, JsonError> {
    static POOL: OnceLock<Result<DescriptorPool, DescriptorError>> = OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET))
        .as_ref()
        .map_err(JsonError::Descriptors)
}

fn descriptor(full_name: &str) -> Result<MessageDescriptor, JsonError> {
    pool()?
        .get_message_by_name(full_name)
        .ok_or_else(|| JsonError::UnknownMessage(full_name.to_string()))
}

/// Parses proto3 JSON into the message named `full_name`.
pub fn from_json<M: Message + Default>(full_name: &str, text: &str) -> Result<M, JsonError> {
    let descriptor = descriptor(full_name)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let dynamic = DynamicMessage::deserialize(descriptor, &mut de)?;
    de.end()?;
    Ok(M::decode(dynamic.encode_to_vec().as_slice())?)
}

/// Prints a message as proto3 JSON with the proto field names.
pub fn to_json<M: Message>(full_name: &str, message: &M) -> Result<String, JsonError> {
    let descriptor = descriptor(full_name)?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())?;
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(true);
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::pretty(&mut out);
    dynamic.serialize_with_options(&mut ser, &options)?;
    Ok(String::from_utf8(out)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON number reads as the double nearest to it, as the same
    /// number sent by any other proto3 JSON client does (serde_json's
    /// default parser can be one unit in the last place off; these three
    /// were, and the first changed a deduction from 0.12 to 0.13).
    #[test]
    fn json_numbers_read_as_the_nearest_double() {
        for text in [
            "94.75000000000001",
            "99.04761904761905",
            "93.33333333333333",
        ] {
            let json = format!(r#"{{"entries": [{{"indicator_id": "x", "value": {text}}}]}}"#);
            let assessment: pb::Assessment =
                from_json("scorecard.v1.Assessment", &json).expect("parses");
            let expected: f64 = text.parse().expect("a double");
            assert_eq!(
                assessment.entries[0].input,
                Some(pb::assessment_entry::Input::Value(expected)),
                "{text}"
            );
        }
    }
}

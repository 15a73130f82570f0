//! proto3 JSON for the generated messages, through the descriptor set
//! (prost itself has no JSON). Used by the CLI for request files and
//! `--json` output; accepts both `snake_case` and `lowerCamelCase` names.

use super::pb;
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};
use std::sync::OnceLock;

fn pool() -> Result<&'static DescriptorPool, String> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Parses proto3 JSON into the message named `full_name`.
pub fn from_json<M: Message + Default>(full_name: &str, text: &str) -> Result<M, String> {
    let descriptor = pool()?
        .get_message_by_name(full_name)
        .ok_or_else(|| format!("unknown message {full_name}"))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let dynamic = DynamicMessage::deserialize(descriptor, &mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    M::decode(dynamic.encode_to_vec().as_slice()).map_err(|e| e.to_string())
}

/// Prints a message as proto3 JSON with the proto field names.
pub fn to_json<M: Message>(full_name: &str, message: &M) -> Result<String, String> {
    let descriptor = pool()?
        .get_message_by_name(full_name)
        .ok_or_else(|| format!("unknown message {full_name}"))?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .map_err(|e| e.to_string())?;
    let options = SerializeOptions::new()
        .use_proto_field_name(true)
        .skip_default_fields(true);
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::pretty(&mut out);
    dynamic
        .serialize_with_options(&mut ser, &options)
        .map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
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

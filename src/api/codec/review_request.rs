//! A ScoreReviewRequest decoded straight from its bytes: the speed path of
//! [`super::decode`] for the message every scoring call carries.
//!
//! prost decodes through its generic `Buf` loop: a call per field, and
//! each rater's entries vector grown one entry at a time. Here the two
//! assessments, which are most of a request (forty entries on the built-in
//! form), are read field by field from the slice into vectors reserved
//! for their entries; the other fields of the request are read by prost's
//! own `merge` and `decode` of their message types. The result is what
//! prost gives for the same bytes: where the bytes hold anything this path
//! does not read (a field it does not know, a wire type it does not
//! expect, a second review in a ScoreReviewsRequest, bytes that are not
//! protobuf at all), it gives `None` and the caller decodes them with
//! prost, which skips or refuses them as it always has. The property test
//! below compares the two on generated requests and on corrupted bytes.

use crate::api::pb;
use crate::api::pb::assessment_entry::Input;
use crate::api::pb::score_review_request::RubricSource;
use bytes::Buf;
use prost::Message;
use prost::encoding::{WireType, decode_key, decode_varint};

/// `bytes` as prost decodes a ScoreReviewRequest, or None where this
/// path leaves them to prost.
pub(super) fn score_review_request(bytes: &[u8]) -> Option<pb::ScoreReviewRequest> {
    let mut req = pb::ScoreReviewRequest::default();
    let mut buf = bytes;
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            (1, WireType::LengthDelimited) => req.review_id = string(&mut buf)?,
            (2, WireType::LengthDelimited) => merge(&mut req.employee, field(&mut buf)?)?,
            (3, WireType::LengthDelimited) => merge(&mut req.period, field(&mut buf)?)?,
            (4, WireType::LengthDelimited) => {
                let bytes = field(&mut buf)?;
                match &mut req.rubric_source {
                    Some(RubricSource::RubricRef(r)) => r.merge(bytes).ok()?,
                    other => *other = Some(RubricSource::RubricRef(Message::decode(bytes).ok()?)),
                }
            }
            (5, WireType::LengthDelimited) => {
                let bytes = field(&mut buf)?;
                match &mut req.rubric_source {
                    Some(RubricSource::InlineRubric(r)) => r.merge(bytes).ok()?,
                    other => {
                        *other = Some(RubricSource::InlineRubric(Message::decode(bytes).ok()?));
                    }
                }
            }
            (6, WireType::LengthDelimited) => req
                .submissions
                .push(Message::decode(field(&mut buf)?).ok()?),
            (7, WireType::LengthDelimited) => {
                assessment(
                    req.self_assessment.get_or_insert_default(),
                    field(&mut buf)?,
                )?;
            }
            (8, WireType::LengthDelimited) => {
                assessment(
                    req.supervisor_assessment.get_or_insert_default(),
                    field(&mut buf)?,
                )?;
            }
            (9, WireType::LengthDelimited) => req.locale = string(&mut buf)?,
            // prost reads a bool as any varint but 0, an enum as the
            // varint's low 32 bits.
            (10, WireType::Varint) => req.allow_partial = decode_varint(&mut buf).ok()? != 0,
            (11, WireType::Varint) => req.view = decode_varint(&mut buf).ok()? as i32,
            _ => return None,
        }
    }
    Some(req)
}

/// `bytes` as prost decodes a ScoreReviewsRequest (one review), or None
/// where this path leaves them to prost.
pub(super) fn score_reviews_request(bytes: &[u8]) -> Option<pb::ScoreReviewsRequest> {
    let mut buf = bytes;
    let mut review = None;
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            // A second review merges into the first: prost's to do.
            (1, WireType::LengthDelimited) if review.is_none() => {
                review = Some(score_review_request(field(&mut buf)?)?);
            }
            _ => return None,
        }
    }
    Some(pb::ScoreReviewsRequest { review })
}

/// Merges `bytes` into an optional message field, as prost does when the
/// field comes again.
fn merge<M: Message + Default>(slot: &mut Option<M>, bytes: &[u8]) -> Option<()> {
    slot.get_or_insert_default().merge(bytes).ok()
}

/// The entries of one Assessment, appended to `out` (a second occurrence
/// of the field adds its entries, as prost merges it).
fn assessment(out: &mut pb::Assessment, bytes: &[u8]) -> Option<()> {
    out.entries.reserve(entries_in(bytes));
    let mut buf = bytes;
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            (1, WireType::LengthDelimited) => out.entries.push(entry(field(&mut buf)?)?),
            _ => return None,
        }
    }
    Some(())
}

/// How many entries lead an Assessment's bytes, to reserve room for
/// them: counted up to anything but an entry.
fn entries_in(bytes: &[u8]) -> usize {
    let mut buf = bytes;
    let mut count = 0;
    // An empty slice is checked first: decode_key's error for it is an
    // allocation.
    while !buf.is_empty()
        && let Ok((1, WireType::LengthDelimited)) = decode_key(&mut buf)
    {
        if field(&mut buf).is_none() {
            break;
        }
        count += 1;
    }
    count
}

fn entry(bytes: &[u8]) -> Option<pb::AssessmentEntry> {
    let mut entry = pb::AssessmentEntry::default();
    let mut buf = bytes;
    while !buf.is_empty() {
        match decode_key(&mut buf).ok()? {
            (1, WireType::LengthDelimited) => entry.indicator_id = string(&mut buf)?,
            // A oneof: the last of its fields wins.
            (2, WireType::SixtyFourBit) => entry.input = Some(Input::Value(double(&mut buf)?)),
            (3, WireType::SixtyFourBit) => entry.input = Some(Input::Points(double(&mut buf)?)),
            (4, WireType::LengthDelimited) => entry.comment = string(&mut buf)?,
            _ => return None,
        }
    }
    Some(entry)
}

/// A length-delimited field's bytes, `buf` moved past them.
fn field<'a>(buf: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(decode_varint(buf).ok()?).ok()?;
    if len > buf.len() {
        return None;
    }
    let (value, rest) = buf.split_at(len);
    *buf = rest;
    Some(value)
}

fn string(buf: &mut &[u8]) -> Option<String> {
    std::str::from_utf8(field(buf)?).ok().map(str::to_owned)
}

fn double(buf: &mut &[u8]) -> Option<f64> {
    (buf.len() >= 8).then(|| buf.get_f64_le())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A decoded message as its encoding: compares doubles by their bits
    /// (a NaN value included) and everything else exactly.
    fn bytes_of<M: Message, E>(decoded: Result<M, E>) -> Option<Vec<u8>> {
        decoded.ok().map(|m| m.encode_to_vec())
    }

    fn entry_strategy() -> impl Strategy<Value = pb::AssessmentEntry> {
        let input = prop_oneof![
            Just(None),
            any::<f64>().prop_map(|v| Some(Input::Value(v))),
            any::<f64>().prop_map(|v| Some(Input::Points(v))),
        ];
        ("[a-z_]{0,24}|\\PC{0,6}", input, "\\PC{0,8}").prop_map(|(id, input, comment)| {
            pb::AssessmentEntry {
                indicator_id: id,
                input,
                comment,
            }
        })
    }

    fn request_strategy() -> impl Strategy<Value = pb::ScoreReviewRequest> {
        let assessment = || {
            prop::option::of(
                prop::collection::vec(entry_strategy(), 0..24)
                    .prop_map(|entries| pb::Assessment { entries }),
            )
        };
        let rubric = prop_oneof![
            Just(None),
            ("[a-z-]{0,12}", any::<u32>()).prop_map(|(id, version)| Some(RubricSource::RubricRef(
                pb::RubricRef { id, version }
            ))),
            "[a-z-]{0,12}".prop_map(|id| Some(RubricSource::InlineRubric(pb::Rubric {
                id,
                ..Default::default()
            }))),
        ];
        (
            ("\\PC{0,12}", "[a-zA-Z_-]{0,6}", any::<bool>(), 0..3i32),
            (assessment(), assessment(), rubric),
            prop::option::of("[a-z0-9]{0,8}"),
        )
            .prop_map(
                |((review_id, locale, allow_partial, view), (me, boss, rubric), employee)| {
                    pb::ScoreReviewRequest {
                        review_id,
                        employee: employee.map(|id| pb::Employee {
                            id,
                            ..Default::default()
                        }),
                        rubric_source: rubric,
                        self_assessment: me,
                        supervisor_assessment: boss,
                        locale,
                        allow_partial,
                        view,
                        ..Default::default()
                    }
                },
            )
    }

    /// The worked example, as the load generators send it.
    fn worked_example() -> pb::ScoreReviewRequest {
        let source = include_str!("../../../examples/worked-example.json");
        crate::api::json::from_json("scorecard.v1.ScoreReviewRequest", source).expect("parses")
    }

    #[test]
    fn the_worked_example_takes_the_speed_path_and_decodes_as_prost_does() {
        let request = worked_example();
        let bytes = request.encode_to_vec();
        let fast = score_review_request(&bytes).expect("the speed path reads it");
        assert_eq!(fast, request);
        let entries = fast.self_assessment.as_ref().map_or(0, |a| a.entries.len());
        assert_eq!(entries, 20, "the built-in form's twenty indicators");
        let streamed = pb::ScoreReviewsRequest {
            review: Some(request.clone()),
        };
        let fast = score_reviews_request(&streamed.encode_to_vec()).expect("read");
        assert_eq!(fast, streamed);
    }

    #[test]
    fn what_the_speed_path_leaves_to_prost() {
        let bytes = worked_example().encode_to_vec();
        // An unknown field (tag 15, varint 1) at the end: prost skips it.
        let mut unknown = bytes.clone();
        unknown.extend_from_slice(&[0x78, 0x01]);
        assert_eq!(score_review_request(&unknown), None);
        let skipped = pb::ScoreReviewRequest::decode(&unknown[..]).expect("prost skips it");
        assert_eq!(skipped, worked_example());
        // review_id (tag 1) sent as a varint: prost refuses the wire type.
        assert_eq!(score_review_request(&[0x08, 0x01]), None);
        pb::ScoreReviewRequest::decode(&[0x08, 0x01][..]).expect_err("wrong wire type");
        // Cut short inside the first field.
        assert_eq!(score_review_request(&bytes[..3]), None);
        // A string that is not UTF-8.
        assert_eq!(score_review_request(&[0x0a, 0x01, 0xff]), None);
        // Two reviews in one ScoreReviewsRequest: prost merges them.
        let one = pb::ScoreReviewsRequest {
            review: Some(worked_example()),
        }
        .encode_to_vec();
        assert_eq!(score_reviews_request(&[one.clone(), one].concat()), None);
    }

    #[test]
    fn an_assessment_given_twice_adds_its_entries_as_prost_merges_it() {
        let part = |id: &str| pb::ScoreReviewRequest {
            self_assessment: Some(pb::Assessment {
                entries: vec![pb::AssessmentEntry {
                    indicator_id: id.into(),
                    input: Some(Input::Value(1.5)),
                    ..Default::default()
                }],
            }),
            ..Default::default()
        };
        let bytes = [part("a").encode_to_vec(), part("b").encode_to_vec()].concat();
        let fast = score_review_request(&bytes).expect("read");
        let ids: Vec<_> = fast
            .self_assessment
            .iter()
            .flat_map(|a| &a.entries)
            .map(|e| e.indicator_id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(Some(fast), pb::ScoreReviewRequest::decode(&bytes[..]).ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every generated request takes the speed path and comes out as
        /// prost decodes it; so does a second copy of it appended (every
        /// field given twice: strings replaced, messages merged, entries
        /// added).
        #[test]
        fn requests_decode_as_prost_decodes_them(request in request_strategy()) {
            let bytes = request.encode_to_vec();
            let fast = score_review_request(&bytes);
            prop_assert!(fast.is_some(), "declined a well-formed request");
            prop_assert_eq!(bytes_of(fast.ok_or(())), bytes_of(Ok::<_, ()>(request)));
            let twice = [bytes.clone(), bytes].concat();
            let fast = score_review_request(&twice);
            prop_assert!(fast.is_some());
            prop_assert_eq!(
                bytes_of(fast.ok_or(())),
                bytes_of(pb::ScoreReviewRequest::decode(&twice[..]))
            );
        }

        /// Corrupted bytes: where the speed path reads them, prost reads
        /// them to the same request; where it declines, the caller's prost
        /// decode decides, so the codec's answer is prost's either way.
        #[test]
        fn corrupted_bytes_decode_as_prost_decodes_them(
            request in request_strategy(),
            cut in any::<prop::sample::Index>(),
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        ) {
            let mut bytes = request.encode_to_vec();
            for (at, byte) in flips {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
            }
            let len = cut.index(bytes.len() + 1);
            bytes.truncate(len);
            let prost = pb::ScoreReviewRequest::decode(&bytes[..]);
            if let Some(fast) = score_review_request(&bytes) {
                prop_assert_eq!(bytes_of(Ok::<_, ()>(fast)), bytes_of(prost));
            }
            let codec = super::super::decode_slice::<pb::ScoreReviewRequest>(&bytes);
            prop_assert_eq!(codec.is_ok(), pb::ScoreReviewRequest::decode(&bytes[..]).is_ok());
        }
    }
}

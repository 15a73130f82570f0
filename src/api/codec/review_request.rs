//! A ScoreReviewRequest decoded straight from its bytes: the speed path of
//! [`super::decode`] for the message every scoring call carries.
//!
//! prost decodes through its generic `Buf` loop: a call per field, and
//! each rater's entries vector grown one entry at a time. Here the two
//! assessments, which are most of a request (forty entries on the built-in
//! form), are read field by field from the slice into vectors reserved
//! for their entries, and the request's scalar fields beside them. The
//! fields that hold messages of other types (employee, period, rubric,
//! submissions) are left to prost, at the depth it decodes them (see
//! [`Nested`]). The result is what prost gives for the same bytes: where
//! the bytes hold anything this path does not read (a field it does not
//! know, a wire type it does not expect, a second review in a
//! ScoreReviewsRequest, bytes that are not protobuf at all), it gives
//! `None` and the caller decodes them with prost, which skips or refuses
//! them as it always has. The tests below compare the two on generated
//! requests, on pairs of them merged, on corrupted bytes, and at prost's
//! recursion limit.

use crate::api::pb;
use crate::api::pb::assessment_entry::Input;
use bytes::Buf;
use prost::Message;
use prost::encoding::{WireType, decode_key, decode_varint, encode_varint};

/// `bytes` as prost decodes a ScoreReviewRequest, or None where this
/// path leaves them to prost.
pub(super) fn score_review_request(bytes: &[u8]) -> Option<pb::ScoreReviewRequest> {
    review(bytes, Nested::Message)
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
                let bytes = field(&mut buf)?;
                let nested = if shallow(bytes) {
                    Nested::Message
                } else {
                    Nested::Item(Vec::new())
                };
                review = Some(self::review(bytes, nested)?);
            }
            _ => return None,
        }
    }
    Some(pb::ScoreReviewsRequest { review })
}

/// The fields of a ScoreReviewRequest that hold messages of other types
/// (2 to 6: employee, period, rubric_ref, inline_rubric, submissions),
/// decoded by prost as the message they came in, so that each nested
/// message is decoded at the depth prost decodes it and meets prost's
/// recursion limit where prost does. The hand-read fields never touch
/// them, so taking them apart keeps prost's merge order for both.
enum Nested {
    /// A call's whole request: each field, its key included, is merged
    /// into the request as it comes, as prost merges the top level.
    Message,
    /// A ScoreReviews item with a long message field: the fields are
    /// gathered after room for a key and length, and decoded at the end
    /// as a ScoreReviewsRequest around them, one level down as in prost.
    /// An item whose message fields are all [`shallow`] is read as
    /// `Message`: none can reach the limit at either depth.
    Item(Vec<u8>),
}

/// A message field of a review shorter than this cannot nest deep enough
/// to meet prost's recursion limit (100 levels, each at least two bytes:
/// a key and a length, or a group's start and end), one level down or
/// not.
const SHALLOW_BYTES: usize = 128;

/// Whether every message field of a review's bytes is shorter than
/// [`SHALLOW_BYTES`], so that they can be merged as [`Nested::Message`]
/// merges them, one level up from where they are, with the same result;
/// false for anything else (a wire type no field of a review has,
/// malformed bytes).
fn shallow(review: &[u8]) -> bool {
    let mut buf = review;
    while !buf.is_empty() {
        let fits = match decode_key(&mut buf) {
            Ok((tag, WireType::LengthDelimited)) => {
                field(&mut buf).is_some_and(|f| !(2..=6).contains(&tag) || f.len() < SHALLOW_BYTES)
            }
            Ok((_, WireType::Varint)) => decode_varint(&mut buf).is_ok(),
            // No field of a review has another wire type.
            _ => false,
        };
        if !fits {
            return false;
        }
    }
    true
}

/// Room for the key (one byte) and the length (at most ten) of the
/// ScoreReviewsRequest field that [`Nested::Item`] wraps its bytes in.
const ITEM_HEAD: usize = 11;

impl Nested {
    /// One field of `req`, from its key to its end.
    fn add(&mut self, req: &mut pb::ScoreReviewRequest, field: &[u8]) -> Option<()> {
        match self {
            Nested::Message => req.merge(field).ok(),
            Nested::Item(bytes) => {
                if bytes.is_empty() {
                    bytes.resize(ITEM_HEAD, 0);
                }
                bytes.extend_from_slice(field);
                Some(())
            }
        }
    }

    /// The fields, as prost decodes them, in `req`.
    fn finish(self, req: &mut pb::ScoreReviewRequest) -> Option<()> {
        match self {
            Nested::Message => Some(()),
            Nested::Item(bytes) if bytes.is_empty() => Some(()),
            Nested::Item(mut bytes) => {
                let mut head = [0u8; ITEM_HEAD];
                head[0] = 1 << 3 | WireType::LengthDelimited as u8;
                let mut length = &mut head[1..];
                encode_varint((bytes.len() - ITEM_HEAD) as u64, &mut length);
                let used = ITEM_HEAD - length.len();
                let start = ITEM_HEAD - used;
                bytes[start..ITEM_HEAD].copy_from_slice(&head[..used]);
                let nested = pb::ScoreReviewsRequest::decode(&bytes[start..])
                    .ok()?
                    .review?;
                req.employee = nested.employee;
                req.period = nested.period;
                req.rubric_source = nested.rubric_source;
                req.submissions = nested.submissions;
                Some(())
            }
        }
    }
}

/// A ScoreReviewRequest's bytes, its message fields left to `nested`.
fn review(bytes: &[u8], mut nested: Nested) -> Option<pb::ScoreReviewRequest> {
    let mut req = pb::ScoreReviewRequest::default();
    let mut buf = bytes;
    while !buf.is_empty() {
        let at = buf;
        match decode_key(&mut buf).ok()? {
            (1, WireType::LengthDelimited) => req.review_id = string(&mut buf)?,
            (2..=6, WireType::LengthDelimited) => {
                field(&mut buf)?;
                nested.add(&mut req, &at[..at.len() - buf.len()])?;
            }
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
    nested.finish(&mut req)?;
    Some(req)
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
    use crate::api::pb::score_review_request::RubricSource;
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
            // Long enough, at times, for a stream item to gather its
            // message fields (SHALLOW_BYTES).
            "[a-z-]{0,12}|[a-z]{120,200}".prop_map(|id| Some(RubricSource::InlineRubric(
                pb::Rubric {
                    id,
                    ..Default::default()
                }
            ))),
        ];
        let period = prop::option::of(("\\PC{0,8}", "[0-9-]{0,10}")).prop_map(|period| {
            period.map(|(label, start_date)| pb::ReviewPeriod {
                label,
                start_date,
                ..Default::default()
            })
        });
        let submissions = prop::collection::vec(
            (
                "[a-z]{0,8}",
                prop::collection::btree_map("[a-z_]{1,12}", any::<f64>(), 0..3),
            ),
            0..3,
        )
        .prop_map(|submissions| {
            submissions
                .into_iter()
                .map(|(source, values)| pb::MetricSubmission {
                    source,
                    values,
                    ..Default::default()
                })
                .collect::<Vec<_>>()
        });
        (
            ("\\PC{0,12}", "[a-zA-Z_-]{0,6}", any::<bool>(), 0..3i32),
            (assessment(), assessment(), rubric),
            (
                prop::option::of(("[a-z0-9]{0,8}", "\\PC{0,6}")),
                period,
                submissions,
            ),
        )
            .prop_map(
                |(
                    (review_id, locale, allow_partial, view),
                    (me, boss, rubric),
                    (employee, period, submissions),
                )| {
                    pb::ScoreReviewRequest {
                        review_id,
                        employee: employee.map(|(id, name)| pb::Employee {
                            id,
                            name,
                            ..Default::default()
                        }),
                        period,
                        rubric_source: rubric,
                        submissions,
                        self_assessment: me,
                        supervisor_assessment: boss,
                        locale,
                        allow_partial,
                        view,
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

    /// prost refuses a message nested more than 100 levels deep (unknown
    /// groups count, one level each). Each message field of the request,
    /// alone and as a ScoreReviews item, is refused at exactly prost's
    /// depth: around the limit, the codec's answer is prost's.
    #[test]
    fn nesting_is_refused_where_prost_refuses_it() {
        /// Field `tag` of the request: a message holding `levels` nested
        /// unknown groups (field 15).
        fn nested(tag: u8, levels: usize) -> Vec<u8> {
            let body = [vec![0x7b; levels], vec![0x7c; levels]].concat();
            let mut bytes = vec![tag << 3 | 2];
            encode_varint(body.len() as u64, &mut bytes);
            [bytes, body].concat()
        }
        fn item(review: &[u8]) -> Vec<u8> {
            let mut bytes = vec![0x0a];
            encode_varint(review.len() as u64, &mut bytes);
            [bytes, review.to_vec()].concat()
        }
        let decoded = |bytes: &[u8]| {
            let review = super::super::decode_slice::<pb::ScoreReviewRequest>(bytes);
            let prost = pb::ScoreReviewRequest::decode(bytes);
            assert_eq!(bytes_of(review), bytes_of(prost.clone()));
            if let Some(fast) = score_review_request(bytes) {
                assert_eq!(Ok(fast), prost.clone());
            }
            let item = item(bytes);
            let stream = super::super::decode_slice::<pb::ScoreReviewsRequest>(&item);
            let prost_item = pb::ScoreReviewsRequest::decode(&item[..]);
            assert_eq!(bytes_of(stream), bytes_of(prost_item.clone()));
            if let Some(fast) = score_reviews_request(&item) {
                assert_eq!(Ok(fast), prost_item.clone());
            }
            (prost.is_ok(), prost_item.is_ok())
        };
        for tag in 2..=6 {
            let mut refused = Vec::new();
            for levels in 95..=101 {
                let bytes = [worked_example().encode_to_vec(), nested(tag, levels)].concat();
                refused.push(decoded(&bytes));
            }
            // Both limits fall inside the range tried: prost takes 95
            // levels and refuses 101, the item one level sooner.
            assert_eq!(refused.first(), Some(&(true, true)), "field {tag}");
            assert_eq!(refused.last(), Some(&(false, false)), "field {tag}");
            let item_limit = refused.iter().position(|r| !r.1);
            let request_limit = refused.iter().position(|r| !r.0);
            assert_eq!(item_limit.map(|i| i + 1), request_limit, "field {tag}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Two different requests one after the other merge as prost
        /// merges them: strings replaced, messages merged, the rubric's
        /// oneof switched or merged, entries and submissions added.
        #[test]
        fn two_requests_merge_as_prost_merges_them(
            first in request_strategy(),
            second in request_strategy(),
        ) {
            let bytes = [first.encode_to_vec(), second.encode_to_vec()].concat();
            let fast = score_review_request(&bytes);
            prop_assert!(fast.is_some(), "declined two well-formed requests");
            prop_assert_eq!(
                bytes_of(fast.ok_or(())),
                bytes_of(pb::ScoreReviewRequest::decode(&bytes[..]))
            );
            let item = pb::ScoreReviewsRequest { review: Some(first) }.encode_to_vec();
            prop_assert_eq!(
                bytes_of(score_reviews_request(&item).ok_or(())),
                bytes_of(pb::ScoreReviewsRequest::decode(&item[..]))
            );
        }

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

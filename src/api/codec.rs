//! The gRPC codec of every scorecard service and client: prost's, except
//! that a received message is decoded from one contiguous byte slice.
//!
//! tonic hands a decoder the message as a [`DecodeBuf`], a `Buf` over its
//! receive buffer. prost's decoding is generic over `Buf`; through a
//! `DecodeBuf` every field read goes through its `chunk` and `advance`, and
//! every string is copied through `put`. The same message read from a
//! `&[u8]` costs half the instructions (a ScoreReviewRequest of the worked
//! example: about 32,000 instead of 62,000). The receive buffer is one
//! `BytesMut`, so its first chunk is the whole message; where it is not,
//! the message is decoded through the `Buf` as before. The two requests
//! that carry a review have a speed path of their own
//! (`review_request`), whose result is prost's or nothing.
//!
//! Encoding is prost's ([`ProstEncoder`]), into buffers sized for a FULL
//! answer and handed on sooner than tonic's defaults ([`Encoder`]). A
//! message that does not decode
//! is INVALID_ARGUMENT, said in the service's words (which message, and
//! that its bytes are not protobuf of it), not the decoder's. A second
//! message where one alone is allowed (the request of a unary call) is
//! INVALID_ARGUMENT too: tonic reads a unary request's body to its end and
//! would otherwise drop the extra messages unseen.
//!
//! One item of a ScoreReviews stream that does not decode is one bad
//! review, not the end of the stream: tonic's stream ends at the first
//! decoder error, so the decoder gives [`undecodable_item`] instead, which
//! the service answers as that item's error, and reads on (the item's
//! length prefix still tells where the next one starts).

mod review_request;

use crate::api::pb;
use bytes::Buf;
use prost::Message;
use std::any::TypeId;
use std::marker::PhantomData;
use tonic::Status;
use tonic::codec::{BufferSettings, DecodeBuf, Decoder, EncodeBuf};
use tonic_prost::ProstEncoder;

/// Encodes `T` and decodes `U` with prost; see the module's documentation.
#[derive(Debug, Clone)]
pub struct Codec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = Encoder<T>;
    type Decoder = SliceDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        Encoder(ProstEncoder::default())
    }

    fn decoder(&mut self) -> Self::Decoder {
        SliceDecoder {
            decoded: 0,
            _message: PhantomData,
        }
    }
}

/// A response stream's answers are gathered into one buffer until it
/// holds this many bytes, then handed to HTTP/2 (tonic's default: 32 KiB).
/// Each open stream keeps such a buffer: at 8 KiB, a FULL answer (13 KB)
/// goes on its own and SUMMARY answers (4.8 KB) two at a time.
const YIELD_BYTES: usize = 8 * 1024;

/// The buffer an answer is encoded into starts at this size. A FULL
/// answer on the built-in form (13 KB) fits in it, as do a stream's
/// answers until [`YIELD_BYTES`] are gathered (two SUMMARY answers, 9.6
/// KB): tonic's default of 8 KiB was grown, and its bytes copied, for
/// both.
const BUFFER_BYTES: usize = 16 * 1024;

/// prost's encoder with `BUFFER_BYTES` and `YIELD_BYTES`.
#[derive(Debug, Default)]
pub struct Encoder<T>(ProstEncoder<T>);

impl<T: Message> tonic::codec::Encoder for Encoder<T> {
    type Item = T;
    type Error = Status;

    fn encode(&mut self, item: T, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        self.0.encode(item, dst)
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::new(BUFFER_BYTES, YIELD_BYTES)
    }
}

/// Decodes a `U` from the received bytes as one slice.
#[derive(Debug, Clone)]
pub struct SliceDecoder<U> {
    /// Messages decoded so far on this call.
    decoded: u64,
    _message: PhantomData<U>,
}

impl<U: Message + Default + 'static> Decoder for SliceDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        if self.decoded > 0 && !streamed::<U>() {
            return Err(Status::invalid_argument(format!(
                "a call with one {} carries exactly one message; a second one followed it",
                message_name::<U>()
            )));
        }
        self.decoded += 1;
        match decode(buf) {
            Ok(message) => Ok(Some(message)),
            Err(_) => match undecodable_stream_item::<U>() {
                Some(item) => Ok(Some(item)),
                None => Err(undecodable::<U>()),
            },
        }
    }
}

/// The length of [`undecodable_item`]'s review id, all NUL bytes: over
/// the 256 bytes any review id may have, so no review that could be
/// scored is taken for one that did not decode (a request that sends
/// this id is refused either way).
const UNDECODABLE_ID_BYTES: usize = 300;

/// What a ScoreReviews item whose bytes do not decode is read as (see the
/// module's documentation); [`is_undecodable_item`] tells it apart.
pub fn undecodable_item() -> pb::ScoreReviewsRequest {
    pb::ScoreReviewsRequest {
        review: Some(pb::ScoreReviewRequest {
            review_id: "\0".repeat(UNDECODABLE_ID_BYTES),
            ..Default::default()
        }),
    }
}

/// Whether `review` stands for an item that did not decode.
pub fn is_undecodable_item(review: &pb::ScoreReviewRequest) -> bool {
    review.review_id.len() == UNDECODABLE_ID_BYTES && review.review_id.bytes().all(|b| b == 0)
}

/// The reason an undecodable item is refused with.
pub fn undecodable_item_reason() -> String {
    undecodable::<pb::ScoreReviewsRequest>()
        .message()
        .to_string()
}

/// [`undecodable_item`] as a `U`, when `U` is the ScoreReviews request.
fn undecodable_stream_item<U: 'static>() -> Option<U> {
    let mut item: Option<U> = None;
    if let Some(slot) =
        (&mut item as &mut dyn std::any::Any).downcast_mut::<Option<pb::ScoreReviewsRequest>>()
    {
        *slot = Some(undecodable_item());
    }
    item
}

/// Whether `U` comes as a stream of messages on its calls: the requests of
/// ScoreReviews and PushResponseTimes and the answers of ScoreReviews.
/// Every other message is the one message of its call's side.
fn streamed<U: 'static>() -> bool {
    use crate::api::pb;
    let id = TypeId::of::<U>();
    id == TypeId::of::<pb::ScoreReviewsRequest>()
        || id == TypeId::of::<pb::ScoreReviewsResponse>()
        || id == TypeId::of::<pb::PushResponseTimesRequest>()
}

/// The message's name as the protos spell it (the last part of its Rust
/// path, which is the proto name).
fn message_name<U>() -> &'static str {
    let full = std::any::type_name::<U>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The message in `buf`, all of whose bytes are consumed.
fn decode<U: Message + Default + 'static>(buf: &mut impl Buf) -> Result<U, prost::DecodeError> {
    let len = buf.remaining();
    if buf.chunk().len() < len {
        // Gathered first, so that a message that does not decode is still
        // consumed whole and the next one starts where it should.
        let bytes = buf.copy_to_bytes(len);
        return decode_slice(&bytes);
    }
    let decoded = decode_slice(&buf.chunk()[..len]);
    buf.advance(len);
    decoded
}

/// `bytes` as a `U`, as the codec decodes a received message. The two
/// requests that carry a review to score are read by the speed path of
/// `review_request`, which gives prost's result or declines; everything
/// else, and whatever it declines, is prost's. Public for the fuzz
/// target that checks it against prost on arbitrary bytes.
pub fn decode_slice<U: Message + Default + 'static>(bytes: &[u8]) -> Result<U, prost::DecodeError> {
    use crate::api::pb;
    let mut fast: Option<U> = None;
    let slot = &mut fast as &mut dyn std::any::Any;
    if let Some(slot) = slot.downcast_mut::<Option<pb::ScoreReviewRequest>>() {
        *slot = review_request::score_review_request(bytes);
    } else if let Some(slot) = slot.downcast_mut::<Option<pb::ScoreReviewsRequest>>() {
        *slot = review_request::score_reviews_request(bytes);
    }
    match fast {
        Some(message) => Ok(message),
        None => U::decode(bytes),
    }
}

/// Bytes that are not a `U`: the caller sent them, so INVALID_ARGUMENT.
fn undecodable<U>() -> Status {
    Status::invalid_argument(format!(
        "the message is not a valid protobuf encoding of scorecard.v1.{}",
        message_name::<U>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::pb;

    fn entry(id: &str, value: f64) -> pb::AssessmentEntry {
        pb::AssessmentEntry {
            indicator_id: id.into(),
            input: Some(pb::assessment_entry::Input::Value(value)),
            ..Default::default()
        }
    }

    fn request() -> pb::ScoreReviewRequest {
        pb::ScoreReviewRequest {
            review_id: "r-1".into(),
            locale: "zh-CN".into(),
            self_assessment: Some(pb::Assessment {
                entries: vec![entry("key_customer_satisfaction", 92.0), entry("x", 1.5)],
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_contiguous_message_decodes_from_its_slice_and_is_consumed() {
        let message = request();
        let bytes = message.encode_to_vec();
        // A buffer holding more than the message: only `len` bytes are it.
        let mut tail = bytes.clone();
        tail.extend_from_slice(b"next");
        let mut buf = (&tail[..]).take(bytes.len());
        let decoded: pb::ScoreReviewRequest = decode(&mut buf).expect("decodes");
        assert_eq!(decoded, message);
        assert_eq!(buf.remaining(), 0);
        assert_eq!(buf.into_inner(), b"next");
    }

    #[test]
    fn a_message_in_pieces_decodes_through_the_buf() {
        let message = request();
        let bytes = message.encode_to_vec();
        let (head, tail) = bytes.split_at(7);
        let mut buf = head.chain(tail);
        let decoded: pb::ScoreReviewRequest = decode(&mut buf).expect("decodes");
        assert_eq!(decoded, message);
        assert_eq!(buf.remaining(), 0);
    }

    #[test]
    fn bytes_that_do_not_decode_are_invalid_argument_in_the_services_words() {
        // Field 1 (review_id) says 5 bytes follow; 2 do.
        let bytes = [0x0a, 0x05, b'a', b'b'];
        decode::<pb::ScoreReviewRequest>(&mut &bytes[..]).expect_err("truncated");
        let status = undecodable::<pb::ScoreReviewRequest>();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert_eq!(
            status.message(),
            "the message is not a valid protobuf encoding of scorecard.v1.ScoreReviewRequest"
        );
    }

    #[test]
    fn only_the_streamed_messages_may_come_more_than_once() {
        assert!(streamed::<pb::ScoreReviewsRequest>());
        assert!(streamed::<pb::PushResponseTimesRequest>());
        assert!(!streamed::<pb::ScoreReviewRequest>());
        assert!(!streamed::<pb::GetRubricRequest>());
        assert_eq!(message_name::<pb::GetRubricRequest>(), "GetRubricRequest");
    }
}

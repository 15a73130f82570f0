//! Numbers and explanation text as protobuf string fields, written in
//! place: the parts of the answer writer that turn the domain's text into
//! encoded bytes without an intermediate `String`.

use scorecard_core::scoring::{Span, Text};

/// The UTF-8 bytes of `text` at `span`, without validating them again
/// (`Text` is UTF-8 by construction); empty if the span lies outside the
/// text or splits a char, as [`Text::get`] gives.
pub(super) fn span_utf8(text: &Text, span: Span) -> &[u8] {
    let bytes = text.as_bytes();
    let (start, end) = (span.start as usize, span.end as usize);
    // A char boundary is any byte but a continuation byte (10xxxxxx), or
    // the end of the text.
    let boundary = |at: usize| bytes.get(at).is_none_or(|&b| (b as i8) >= -0x40);
    match bytes.get(start..end) {
        Some(slice) if boundary(start) && boundary(end) => slice,
        _ => &[],
    }
}

/// Appends the length of what `write` appends, as a varint, before it:
/// one byte is reserved first (a number's text is far shorter than 128
/// bytes), and a longer text is moved once to make room.
#[inline]
pub(super) fn length_delimited(buf: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let at = buf.len();
    buf.push(0);
    write(buf);
    let len = buf.len() - at - 1;
    if len < 0x80 {
        buf[at] = len as u8;
    } else {
        widen(buf, at, len);
    }
}

/// Replaces the one byte reserved at `at` with the varint of `len`: out
/// of line, as no number's text takes it.
#[cold]
#[inline(never)]
fn widen(buf: &mut Vec<u8>, at: usize, len: usize) {
    let mut length = Vec::with_capacity(10);
    prost::encoding::encode_varint(len as u64, &mut length);
    buf.splice(at..at + 1, length);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A span's bytes are `Text::get`'s text, for every span of the first
    /// bytes of a Chinese explanation: inside, past its end and splitting
    /// a char.
    #[test]
    fn span_bytes_are_the_texts() {
        use crate::api::{convert, json, pb};
        let source = include_str!("../../../examples/worked-example.json");
        let mut req: pb::ScoreReviewRequest =
            json::from_json("scorecard.v1.ScoreReviewRequest", source).expect("parses");
        req.locale = "zh-CN".into();
        let request = convert::review_request(req).expect("converts");
        let rubric = scorecard_core::rubric::builtin_rubric();
        let text = scorecard_core::scoring::score(rubric, &request.review)
            .expect("scores")
            .text;
        assert!(!text.as_str().is_ascii(), "Chinese text");
        let len = text.as_bytes().len() as u32;
        for start in 0..len.min(200) {
            for end in start..(start + 8).min(len + 2) {
                let span = Span { start, end };
                let expected = text.get(span).as_bytes();
                assert_eq!(span_utf8(&text, span), expected, "{start}..{end}");
            }
        }
        // Splitting the first multi-byte char reads as empty.
        let split = text.as_str().char_indices().find(|(_, c)| c.len_utf8() > 1);
        let (at, _) = split.expect("a Chinese char");
        let span = Span {
            start: at as u32 + 1,
            end: len,
        };
        assert_eq!(span_utf8(&text, span), b"");
    }

    /// Lengths of one byte and past it (the text is moved once), against
    /// prost's encoding of the same string.
    #[test]
    fn lengths_are_prosts() {
        for n in [0usize, 1, 127, 128, 300, 20_000] {
            let text = "7".repeat(n);
            let mut buf = vec![0xAA];
            length_delimited(&mut buf, |b| b.extend_from_slice(text.as_bytes()));
            let mut reference = vec![0xAA];
            prost::encoding::encode_varint(n as u64, &mut reference);
            reference.extend_from_slice(text.as_bytes());
            assert_eq!(buf, reference, "{n} bytes");
        }
    }
}

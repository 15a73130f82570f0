//! ScoreReview answers encoded straight from the domain outcome into
//! protobuf bytes.
//!
//! An answer is some 400 strings (ids, names, numbers, explanations).
//! Building the generated `pb::ScoreReviewResponse` meant one allocation
//! for each, then an encoding pass, then freeing them all: more work than
//! scoring the review. Here every field is written once, in field-number
//! order and with proto3's defaults left out, exactly as prost would encode
//! the same message; the server sends the bytes through a service whose
//! output type is [`Encoded`]. [`plain`] builds the same answer as the
//! generated message; tests compare the writer's bytes with prost's
//! encoding of it over the examples and random reviews, so the schema stays
//! the one contract (review.proto, scoring_service.proto) and a renumbered
//! or added field fails a test.

mod digits;
pub mod fields;
mod parts;
pub mod plain;

pub use parts::{Parts, Prepared};

use super::pb;
use bytes::{Buf, BufMut};
use prost::encoding::{DecodeContext, WireType, encode_varint, skip_field};
use prost::{DecodeError, Message};
use rust_decimal::Decimal;
use scorecard_core::Error;
use scorecard_core::decimal::{append_fixed, append_plain};
use scorecard_core::locale::Locale;
use scorecard_core::rubric::{self, Rubric};
use scorecard_core::scoring::{Detail, InputSource, Outcome, RaterScore, Review, Span};

/// An encoded protobuf message, sent as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded(pub Vec<u8>);

impl Encoded {
    /// The message these bytes encode.
    pub fn decode<M: Message + Default>(&self) -> Result<M, DecodeError> {
        M::decode(self.0.as_slice())
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

/// Encoding writes the bytes; decoding keeps nothing (the server never
/// decodes an `Encoded`).
impl Message for Encoded {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        buf.put_slice(&self.0);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        skip_field(wire_type, tag, buf, ctx)
    }

    fn encoded_len(&self) -> usize {
        self.0.len()
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

/// How much of the answer to write (`ScoreReviewView`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Full,
    /// No per-indicator lines.
    Summary,
}

impl View {
    /// The view a request asks for; UNSPECIFIED is FULL. Unknown values
    /// are refused with the reason.
    pub fn from_proto(value: i32) -> Result<Self, UnknownView> {
        match pb::ScoreReviewView::try_from(value) {
            Ok(pb::ScoreReviewView::Unspecified | pb::ScoreReviewView::Full) => Ok(View::Full),
            Ok(pb::ScoreReviewView::Summary) => Ok(View::Summary),
            Err(_) => Err(UnknownView(value)),
        }
    }

    /// How much the outcome must explain for this view: a SUMMARY
    /// answer shows no indicator lines, so their texts are not written.
    pub fn detail(self) -> Detail {
        match self {
            View::Full => Detail::Lines,
            View::Summary => Detail::Totals,
        }
    }
}

/// A `ScoreReviewView` value the schema does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown view {0} (SCORE_REVIEW_VIEW_FULL or SCORE_REVIEW_VIEW_SUMMARY)")]
pub struct UnknownView(pub i32);

/// The ScoreReviewResponse for a scored review; `parts` are the
/// rubric's in the outcome's locale.
pub fn score_review(
    rubric: &Rubric,
    parts: &Parts,
    review: &Review,
    out: &Outcome,
    view: View,
) -> Encoded {
    let mut w = Writer::with_capacity(capacity(parts, review, out, view));
    write_score_review(&mut w, rubric, parts, review, out, view);
    Encoded(w.buf)
}

/// One ScoreReviewsResponse: the answer for the review at `index` of the
/// stream, or the error it alone got.
pub fn score_reviews_item(
    review_id: &str,
    index: u64,
    result: Result<(&Rubric, &Parts, &Review, &Outcome), &Error>,
    view: View,
) -> Encoded {
    let capacity = match &result {
        Ok((_, parts, review, out)) => review_id.len() + 16 + capacity(parts, review, out, view),
        Err(_) => 512,
    };
    use fields::score_reviews_response as f;
    let mut w = Writer::with_capacity(capacity);
    w.string(f::REVIEW_ID, review_id);
    w.uint(f::INDEX, index);
    match result {
        Ok((rubric, parts, review, out)) => {
            w.message(f::RESULT, |w| {
                write_score_review(w, rubric, parts, review, out, view)
            });
        }
        Err(e) => {
            let status = super::status::to_item_status(e);
            w.message(f::ERROR, |w| status.encode_raw(&mut w.buf));
        }
    }
    Encoded(w.buf)
}

/// Bytes a number field takes at most in the usual answer (key, length
/// and a dozen digits), and the keys and lengths of a line's message.
const NUMBER_FIELD_BYTES: usize = 16;

/// Bytes to reserve for an answer, so that the buffer does not grow
/// while it is written: the rubric's fixed parts, the texts the answer
/// copies and room for its numbers.
fn capacity(parts: &Parts, review: &Review, out: &Outcome, view: View) -> usize {
    let span = |s: Span| s.end.saturating_sub(s.start) as usize;
    let echoed = review.review_id.len() + review.employee_id.len() + review.period_label.len();
    let losses: usize = out
        .losses
        .iter()
        .map(|loss| parts.longest_loss + span(loss.explanation) + 4 * NUMBER_FIELD_BYTES)
        .sum();
    let mut bytes =
        256 + parts.fixed + echoed + losses + span(out.summary) + span(out.gap_explanation);
    if view == View::Full {
        // Every explanation is in the text, each written once; the
        // comments and sources each rater's lines echo.
        let echoed_lines: usize = [&out.self_score, &out.supervisor_score]
            .into_iter()
            .flat_map(|s| &s.indicators)
            .map(|s| {
                let source = match s.source {
                    InputSource::Submission { index } => {
                        review.submissions.get(index).map_or(0, |s| s.source.len())
                    }
                    _ => 0,
                };
                s.comment.len() + source + 6 * NUMBER_FIELD_BYTES
            })
            .sum();
        bytes += out.text.len() + 2 * parts.lines + echoed_lines;
    }
    bytes
}

fn write_score_review(
    w: &mut Writer,
    rubric: &Rubric,
    parts: &Parts,
    review: &Review,
    out: &Outcome,
    view: View,
) {
    let p = rubric.precision;
    use fields::score_review_response as f;
    w.string(f::REVIEW_ID, &review.review_id);
    w.raw(&parts.rubric_to_locale);
    w.string(f::EMPLOYEE_ID, &review.employee_id);
    w.string(f::PERIOD_LABEL, &review.period_label);
    for (tag, score) in [
        (f::SELF_ASSESSMENT, &out.self_score),
        (f::SUPERVISOR_ASSESSMENT, &out.supervisor_score),
    ] {
        w.message(tag, |w| {
            write_rater(w, rubric, parts, review, out, score, view)
        });
    }
    w.raw(&parts.weights);
    w.fixed(f::FINAL_SCORE, out.final_score, p);
    w.fixed(f::BONUS_COEFFICIENT, out.bonus_coefficient, 4);
    if let Some(band) = out.grade_band.and_then(|i| parts.bands.get(i)) {
        w.raw(band);
    }
    for loss in &out.losses {
        let ordinal = rubric.offset(loss.dimension) + loss.indicator;
        let Some(line) = parts.indicators.get(ordinal) else {
            continue;
        };
        w.message(f::LARGEST_LOSSES, |w| {
            use fields::loss as f;
            w.raw(&line.ids);
            w.fixed(f::FINAL_SCORE_POINTS, loss.final_score_points, p);
            w.fixed(f::SELF_DEDUCTION, loss.self_deduction, p);
            w.fixed(f::SUPERVISOR_DEDUCTION, loss.supervisor_deduction, p);
            w.raw(&line.loss_tail);
            w.text(
                f::EXPLANATION,
                digits::span_utf8(&out.text, loss.explanation),
            );
        });
    }
    w.message(f::GAP, |w| {
        use fields::rater_gap as f;
        w.fixed(f::SELF_MINUS_SUPERVISOR, out.gap, p);
        w.raw(&parts.gap_threshold);
        w.boolean(f::FLAGGED, out.gap_flagged);
        w.text(
            f::EXPLANATION,
            digits::span_utf8(&out.text, out.gap_explanation),
        );
    });
    w.boolean(f::COMPLETE, out.complete);
    w.fixed(f::MAX_REACHABLE_FINAL_SCORE, out.max_reachable_final, p);
    w.text(f::SUMMARY, digits::span_utf8(&out.text, out.summary));
}

fn write_rater(
    w: &mut Writer,
    rubric: &Rubric,
    parts: &Parts,
    review: &Review,
    out: &Outcome,
    score: &RaterScore,
    view: View,
) {
    let p = rubric.precision;
    let rater = match score.rater {
        scorecard_core::scoring::Rater::SelfAssessment => pb::Rater::Self_,
        scorecard_core::scoring::Rater::Supervisor => pb::Rater::Supervisor,
    };
    use fields::rater_breakdown as f;
    w.enumeration(f::RATER, rater as i32);
    let indicators = match view {
        View::Full => score.indicators.as_slice(),
        View::Summary => &[],
    };
    for (s, line) in indicators.iter().zip(&parts.indicators) {
        let (kind, source, index) = match s.source {
            InputSource::Submission { index } => (
                pb::InputKind::SubmissionValue,
                review
                    .submissions
                    .get(index)
                    .map_or("", |s| s.source.as_str()),
                index,
            ),
            InputSource::RaterValue => (pb::InputKind::RaterValue, "", 0),
            InputSource::RaterPoints => (pb::InputKind::RaterPoints, "", 0),
            InputSource::Missing => (pb::InputKind::Missing, "", 0),
        };
        w.message(f::INDICATORS, |w| {
            use fields::indicator_result as f;
            w.raw(&line.ids);
            w.enumeration(f::INPUT_KIND, kind as i32);
            w.string(f::SOURCE, source);
            w.uint(f::SUBMISSION_INDEX, index as u64);
            // Numbers the explanation already shows are copied from it.
            if s.value.is_some() {
                w.text(f::VALUE, digits::span_utf8(&out.text, s.value_text));
            }
            w.raw(&line.unit_to_target);
            let no_shortfall_text = s.shortfall_text == Span::default();
            if no_shortfall_text
                && s.shortfall.is_zero()
                && s.steps.is_zero()
                && s.deduction.is_zero()
                && s.points == line.full_points_value
            {
                // Numbers equal to the parts' give the parts' text.
                w.raw(&line.met);
            } else {
                if no_shortfall_text {
                    w.plain(f::SHORTFALL, s.shortfall);
                } else {
                    w.text(f::SHORTFALL, digits::span_utf8(&out.text, s.shortfall_text));
                }
                w.plain(f::STEPS, s.steps);
                w.fixed(f::DEDUCTION, s.deduction, p);
                w.fixed(f::POINTS, s.points, p);
                w.raw(&line.full_points);
            }
            w.text(f::EXPLANATION, digits::span_utf8(&out.text, s.explanation));
            w.string(f::COMMENT, &s.comment);
        });
    }
    for (s, line) in score.dimensions.iter().zip(&parts.dimensions) {
        w.message(f::DIMENSIONS, |w| {
            use fields::dimension_result as f;
            w.raw(&line.ids);
            w.fixed(f::SCORE, s.score, p);
            w.raw(&line.max_and_weight);
            w.plain(f::WEIGHTED_SCORE, s.weighted);
        });
    }
    w.fixed(f::TOTAL, score.total, p);
    w.fixed(f::MAX_REACHABLE_TOTAL, score.max_reachable_total, p);
    for id in &score.missing {
        w.repeated_string(f::MISSING_INDICATOR_IDS, id);
    }
}

/// A name in `locale`, else in the rubric's default locale.
fn named<'a>(rubric: &Rubric, names: &'a rubric::Names, locale: Locale) -> &'a str {
    names.get(locale, rubric.default_locale)
}

pub(crate) fn unit_proto(unit: rubric::Unit) -> i32 {
    (match unit {
        rubric::Unit::Percent => pb::Unit::Percent,
        rubric::Unit::Score => pb::Unit::Score,
        rubric::Unit::Count => pb::Unit::Count,
        rubric::Unit::Minutes => pb::Unit::Minutes,
        rubric::Unit::Hours => pb::Unit::Hours,
    }) as i32
}

pub(crate) fn direction_proto(direction: rubric::Direction) -> i32 {
    (match direction {
        rubric::Direction::AtLeast => pb::Direction::AtLeast,
        rubric::Direction::AtMost => pb::Direction::AtMost,
    }) as i32
}

/// Writes protobuf fields the way prost encodes them: proto3 scalars only
/// when they are not the default, nested messages length-delimited.
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
        }
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.buf.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.buf.push(value as u8);
    }

    /// Bytes already encoded (a [`Parts`] part).
    fn raw(&mut self, encoded: &[u8]) {
        self.buf.extend_from_slice(encoded);
    }

    fn key(&mut self, tag: u32, wire_type: WireType) {
        self.varint(u64::from(tag << 3 | wire_type as u32));
    }

    /// A string field (left out when empty).
    fn string(&mut self, tag: u32, value: &str) {
        self.text(tag, value.as_bytes());
    }

    /// A string field (left out when empty) from UTF-8 bytes: a `&str`'s,
    /// or an outcome's explanation text, UTF-8 by construction
    /// (`scoring::Text`).
    fn text(&mut self, tag: u32, utf8: &[u8]) {
        if !utf8.is_empty() {
            self.repeated_bytes(tag, utf8);
        }
    }

    /// An element of a repeated string field (written even when empty).
    fn repeated_string(&mut self, tag: u32, value: &str) {
        self.repeated_bytes(tag, value.as_bytes());
    }

    /// A length-delimited field of these bytes (written even when empty);
    /// for a string field, they must be UTF-8.
    fn repeated_bytes(&mut self, tag: u32, value: &[u8]) {
        self.key(tag, WireType::LengthDelimited);
        self.varint(value.len() as u64);
        self.buf.extend_from_slice(value);
    }

    /// A uint32 or uint64 field (left out when 0).
    fn uint(&mut self, tag: u32, value: u64) {
        if value != 0 {
            self.key(tag, WireType::Varint);
            self.varint(value);
        }
    }

    /// An enum field (left out when 0); negative values are ten bytes, as
    /// protobuf encodes an int32.
    fn enumeration(&mut self, tag: u32, value: i32) {
        if value != 0 {
            self.key(tag, WireType::Varint);
            self.varint(i64::from(value) as u64);
        }
    }

    /// A bool field (left out when false).
    fn boolean(&mut self, tag: u32, value: bool) {
        if value {
            self.key(tag, WireType::Varint);
            self.buf.push(1);
        }
    }

    /// A decimal without trailing zeros, as a string field.
    fn plain(&mut self, tag: u32, value: Decimal) {
        self.key(tag, WireType::LengthDelimited);
        digits::length_delimited(&mut self.buf, |buf| append_plain(buf, value));
    }

    /// A decimal with exactly `places` decimals, as a string field.
    fn fixed(&mut self, tag: u32, value: Decimal, places: u32) {
        self.key(tag, WireType::LengthDelimited);
        digits::length_delimited(&mut self.buf, |buf| append_fixed(buf, value, places));
    }

    /// A nested message field, written by `body` (always present, as
    /// prost writes a `Some` message even when it is empty).
    fn message(&mut self, tag: u32, body: impl FnOnce(&mut Self)) {
        self.key(tag, WireType::LengthDelimited);
        // Room for a two-byte length (bodies of 128 to 16,383 bytes: most
        // of an answer's messages); others move the body once.
        let start = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        body(self);
        let len = self.buf.len() - start - 2;
        if len < 0x80 {
            self.buf[start] = len as u8;
            self.buf.copy_within(start + 2.., start + 1);
            self.buf.pop();
        } else if len < 0x4000 {
            self.buf[start] = len as u8 | 0x80;
            self.buf[start + 1] = (len >> 7) as u8;
        } else {
            let mut length = Vec::with_capacity(10);
            encode_varint(len as u64, &mut length);
            self.buf.splice(start..start + 2, length);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lengths_and_defaults_encode_as_prost_does() {
        // A message long enough for a two-byte length, with defaults left
        // out: compared with prost's own encoding of the same message.
        let expected = pb::RaterGap {
            self_minus_supervisor: "3.09".into(),
            threshold: String::new(),
            flagged: true,
            explanation: "x".repeat(300),
        };
        use fields::rater_gap as f;
        let mut w = Writer::with_capacity(0);
        w.message(fields::score_review_response::GAP, |w| {
            w.string(f::SELF_MINUS_SUPERVISOR, "3.09");
            w.string(f::THRESHOLD, "");
            w.boolean(f::FLAGGED, true);
            w.string(f::EXPLANATION, &"x".repeat(300));
        });
        let mut reference = Vec::new();
        let tag = fields::score_review_response::GAP;
        prost::encoding::message::encode(tag, &expected, &mut reference);
        assert_eq!(w.buf, reference);
    }

    #[test]
    fn bodies_of_every_length_class_get_the_right_length_prefix() {
        // 0, 127 (one byte), 128, 16,383 (two bytes), 16,384, 70,000 (three).
        for n in [0usize, 1, 127, 128, 300, 16_383, 16_384, 70_000] {
            let expected = pb::RaterGap {
                explanation: "y".repeat(n),
                ..Default::default()
            };
            let mut w = Writer::with_capacity(0);
            w.message(7, |w| {
                w.string(fields::rater_gap::EXPLANATION, &"y".repeat(n))
            });
            w.boolean(16, true);
            let mut reference = Vec::new();
            prost::encoding::message::encode(7, &expected, &mut reference);
            prost::encoding::bool::encode(16, &true, &mut reference);
            assert_eq!(w.buf, reference, "body of {n} bytes");
        }
    }

    /// Numbers encode as prost encodes their text, on the core's fast
    /// paths (millionths at up to 6 places, counts at their own places,
    /// whole numbers) and off them (here fewer places than shown, and 28
    /// places). Texts worked by hand.
    #[test]
    fn numbers_encode_as_prost_encodes_their_text() {
        let mut w = Writer::with_capacity(0);
        // Fast paths.
        w.plain(11, Decimal::new(1925, 2));
        w.fixed(14, Decimal::new(12_345_678, 6), 2);
        w.fixed(13, Decimal::new(-500_000, 6), 2);
        w.fixed(20, Decimal::new(0, 6), 4);
        w.fixed(21, Decimal::new(-1925, 2), 2);
        w.plain(22, Decimal::new(-7, 0));
        // Off them.
        w.fixed(23, Decimal::new(-5, 1), 2);
        w.plain(12, Decimal::from_i128_with_scale(1, 28));
        let mut reference = Vec::new();
        for (tag, text) in [
            (11, "19.25"),
            (14, "12.35"),
            (13, "-0.50"),
            (20, "0.0000"),
            (21, "-19.25"),
            (22, "-7"),
            (23, "-0.50"),
            (12, "0.0000000000000000000000000001"),
        ] {
            prost::encoding::string::encode(tag, &text.to_string(), &mut reference);
        }
        assert_eq!(w.buf, reference);
    }

    /// UNSPECIFIED reads as FULL; a value the schema lacks is refused
    /// with the values it has.
    #[test]
    fn views_read_from_the_wire() {
        let view = |v: pb::ScoreReviewView| View::from_proto(v as i32);
        assert_eq!(view(pb::ScoreReviewView::Unspecified), Ok(View::Full));
        assert_eq!(view(pb::ScoreReviewView::Full), Ok(View::Full));
        assert_eq!(view(pb::ScoreReviewView::Summary), Ok(View::Summary));
        assert_eq!(View::from_proto(99), Err(UnknownView(99)));
        assert_eq!(
            UnknownView(99).to_string(),
            "unknown view 99 (SCORE_REVIEW_VIEW_FULL or SCORE_REVIEW_VIEW_SUMMARY)"
        );
    }

    /// The bytes reserved for the worked example's answer hold it (the
    /// buffer never grows) and are not more than half again its size, in
    /// every locale and view, alone and as a stream item.
    #[test]
    fn reserved_bytes_fit_the_answer() {
        use crate::api::{convert, json};
        let source = include_str!("../../../examples/worked-example.json");
        let rubric = scorecard_core::rubric::builtin_rubric();
        for locale in Locale::ALL {
            let mut req: pb::ScoreReviewRequest =
                json::from_json("scorecard.v1.ScoreReviewRequest", source).expect("parses");
            req.locale = locale.tag().into();
            let request = convert::review_request(req).expect("converts");
            let review = &request.review;
            let out = scorecard_core::scoring::score(rubric, review).expect("scores");
            let parts = Parts::new(rubric, locale);
            for view in [View::Full, View::Summary] {
                let reserved = capacity(&parts, review, &out, view);
                let mut w = Writer::with_capacity(reserved);
                write_score_review(&mut w, rubric, &parts, review, &out, view);
                let (written, kept) = (w.buf.len(), w.buf.capacity());
                assert_eq!(
                    kept, reserved,
                    "{locale:?} {view:?}: grew from {reserved} bytes"
                );
                assert!(
                    written <= reserved,
                    "{locale:?} {view:?}: {written} > {reserved}"
                );
                assert!(
                    reserved * 2 <= written * 3,
                    "{locale:?} {view:?}: {reserved} bytes reserved for {written}"
                );
                let item = score_reviews_item(
                    &review.review_id,
                    7,
                    Ok((rubric, &parts, review, &out)),
                    view,
                );
                let item_reserved = review.review_id.len() + 16 + reserved;
                assert_eq!(item.0.capacity(), item_reserved, "the item's buffer grew");
                assert_eq!(item.0.len(), written + review.review_id.len() + 2 + 2 + 3);
            }
        }
    }

    #[test]
    fn zero_false_and_empty_are_left_out() {
        let mut w = Writer::with_capacity(0);
        w.uint(2, 0);
        w.enumeration(8, 0);
        w.boolean(16, false);
        w.string(1, "");
        assert!(w.buf.is_empty());
        w.repeated_string(6, "");
        assert_eq!(w.buf, [0x32, 0x00]);
    }
}

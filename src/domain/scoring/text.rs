//! The buffer every explanation of an outcome is written into.

use super::Span;
use crate::domain::decimal::Sink;
use std::fmt;

/// Explanation text, kept as bytes so that numbers (ASCII) are appended
/// with one copy instead of char by char. It is UTF-8 by construction:
/// only whole `&str`s, chars and ASCII number text are ever appended, and
/// spans are taken between appends, so each span is UTF-8 too.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Text {
    bytes: Vec<u8>,
}

impl Text {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Text {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The UTF-8 bytes at `span` (empty if it lies outside the text), for
    /// writing straight into an encoded protobuf string.
    pub fn bytes(&self, span: Span) -> &[u8] {
        self.bytes
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    /// The text at `span` (empty if it lies outside the text). This checks
    /// the UTF-8 that [`Text::bytes`] skips.
    pub fn get(&self, span: Span) -> &str {
        std::str::from_utf8(self.bytes(span)).unwrap_or_default()
    }

    /// All of the text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Appends a copy of what was written at `start..end` (positions this
    /// text gave between appends).
    pub(crate) fn extend_from_within(&mut self, range: std::ops::Range<usize>) {
        self.bytes.extend_from_within(range);
    }
}

impl Sink for Text {
    #[inline]
    fn push_ascii(&mut self, ascii: &[u8]) {
        debug_assert!(ascii.is_ascii());
        self.bytes.extend_from_slice(ascii);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_mixed_text_and_numbers_read_back_as_written() {
        let mut text = Text::with_capacity(0);
        text.push_str("得分 ");
        let start = text.len();
        text.push_ascii(b"-19.25");
        let number = Span {
            start: start as u32,
            end: text.len() as u32,
        };
        text.push('…');
        text.extend_from_within(start..start + 3);
        assert_eq!(text.as_str(), "得分 -19.25…-19");
        assert_eq!(text.get(number), "-19.25");
        assert_eq!(text.bytes(number), b"-19.25");
        assert_eq!(text.len(), "得分 -19.25…-19".len());
        // A span outside the text, or splitting a char, reads as empty.
        let outside = Span { start: 2, end: 99 };
        assert_eq!(text.get(outside), "");
        assert_eq!(text.get(Span { start: 1, end: 3 }), "");
        assert_eq!(format!("{text:?}"), "\"得分 -19.25…-19\"");
    }
}

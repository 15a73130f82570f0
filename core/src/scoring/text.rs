//! The buffer every explanation of an outcome is written into.

use super::Span;
use crate::decimal::{Digits, Sink};
use std::fmt;

/// Every explanation of an outcome, one after another in one buffer; a
/// [`Span`] is the range of the text one explanation (or a number it
/// shows) takes. Kept as bytes so that numbers (ASCII) are written in
/// place instead of appended char by char. It is UTF-8 by construction:
/// only whole `&str`s, chars, ASCII number text and [`Fragment`]s (a
/// whole `str`'s bytes, their padding of NULs cut off before the append
/// returns) are ever appended, and spans are taken between appends, so
/// each span is UTF-8 too.
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

    /// All of the text, as its UTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The UTF-8 bytes at `span`; empty if the span lies outside the text
    /// or splits a char (no span this crate makes does).
    fn slice(&self, span: Span) -> &[u8] {
        let (start, end) = (span.start as usize, span.end as usize);
        // A char boundary is any byte but a continuation byte (10xxxxxx),
        // or the end of the text.
        let boundary = |at: usize| self.bytes.get(at).is_none_or(|&b| (b as i8) >= -0x40);
        match self.bytes.get(start..end) {
            Some(bytes) if boundary(start) && boundary(end) => bytes,
            _ => &[],
        }
    }

    /// The text at `span`: empty if the span lies outside the text or
    /// splits a char (no span this crate makes does).
    pub fn get(&self, span: Span) -> &str {
        std::str::from_utf8(self.slice(span)).unwrap_or_default()
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

/// Bytes of the block a short [`Fragment`] is kept in.
const BLOCK: usize = 32;
// A short fragment's length is a `u8`.
const _: () = assert!(BLOCK <= u8::MAX as usize);

/// A fixed fragment of explanation text, built once per rubric and
/// appended to every explanation that uses it. Most fit in 32 bytes; such
/// a fragment is kept zero-padded in a block of that size, so appending
/// it is one copy of a constant size, inlined, and a cut: a `memcpy` call
/// whose length changes from one fragment to the next mispredicts its
/// size branches. A longer one is appended as a `str`.
#[derive(Clone, PartialEq, Eq)]
pub struct Fragment(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    Short { block: [u8; BLOCK], len: u8 },
    Long(Box<str>),
}

impl Fragment {
    /// The empty fragment.
    pub const EMPTY: Fragment = Fragment(Repr::Short {
        block: [0; BLOCK],
        len: 0,
    });

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // The bytes of a whole `str`: `Repr` is private, and made only
            // by `From<&str>` and `EMPTY`, so the default is never taken.
            Repr::Short { block, len } => {
                std::str::from_utf8(&block[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Long(s) => s,
        }
    }
}

impl From<&str> for Fragment {
    fn from(s: &str) -> Self {
        let bytes = s.as_bytes();
        if bytes.len() > BLOCK {
            return Fragment(Repr::Long(s.into()));
        }
        let mut block = [0; BLOCK];
        block[..bytes.len()].copy_from_slice(bytes);
        Fragment(Repr::Short {
            block,
            // At most BLOCK, which fits (asserted above).
            len: bytes.len() as u8,
        })
    }
}

impl From<String> for Fragment {
    fn from(s: String) -> Self {
        if s.len() > BLOCK {
            Fragment(Repr::Long(s.into_boxed_str()))
        } else {
            s.as_str().into()
        }
    }
}

impl Default for Fragment {
    fn default() -> Self {
        Fragment::EMPTY
    }
}

impl fmt::Debug for Fragment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Text {
    /// Appends a fragment: a short one as its whole block, then cut back
    /// to its length (the padding never stays, so the text stays UTF-8).
    #[inline]
    pub(crate) fn push_fragment(&mut self, fragment: &Fragment) {
        match &fragment.0 {
            Repr::Short { block, len } => {
                let end = self.bytes.len() + usize::from(*len);
                self.bytes.extend_from_slice(block);
                self.bytes.truncate(end);
            }
            Repr::Long(s) => self.push_str(s),
        }
    }
}

impl Sink for Text {
    #[inline]
    fn push_ascii(&mut self, ascii: &[u8]) {
        self.bytes.push_ascii(ascii);
    }

    /// Writes the number in place (see the `Vec<u8>` sink): the text stays
    /// UTF-8, since digits are ASCII.
    #[inline]
    fn push_digits(&mut self, write: impl FnOnce(&mut Digits<'_>) -> bool) -> bool {
        self.bytes.push_digits(write)
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
        assert_eq!(text.slice(number), b"-19.25");
        assert_eq!(text.len(), "得分 -19.25…-19".len());
        // A span outside the text, or splitting a char at either end,
        // reads as empty, as bytes too.
        for (start, end) in [(2, 99), (1, 3), (0, 2), (1, 6), (4, 4)] {
            let span = Span { start, end };
            assert_eq!(text.get(span), "", "{start}..{end}");
            assert_eq!(text.slice(span), b"", "{start}..{end}");
        }
        // "得" is bytes 0..3, "分" 3..6.
        assert_eq!(text.slice(Span { start: 3, end: 6 }), "分".as_bytes());
        assert_eq!(text.slice(Span { start: 6, end: 6 }), b"");
        assert_eq!(format!("{text:?}"), "\"得分 -19.25…-19\"");
    }

    /// Numbers written in place land right after the text; a refused one
    /// (past 64 bits) leaves the text as it was.
    #[test]
    fn numbers_are_written_in_place_and_a_refused_one_leaves_no_trace() {
        use crate::decimal::{plain_digits, write_units_plain};
        let mut text = Text::with_capacity(0);
        text.push_str("扣 ");
        assert!(text.push_digits(|digits| plain_digits(digits, 750_000, 6)));
        text.push_str(" 分");
        assert_eq!(text.as_str(), "扣 0.75 分");
        let before = text.as_str().to_string();
        assert!(!text.push_digits(|digits| plain_digits(digits, i128::MAX, 6)));
        assert_eq!(text.as_str(), before);
        // The writers fall back to their wide path for it.
        write_units_plain(&mut text, -(1i128 << 70), 0);
        assert_eq!(text.as_str(), "扣 0.75 分-1180591620717411303424");
    }

    /// A fragment reads back and appends as the text it was made from,
    /// at, just under and just over the block size, in one-byte and
    /// three-byte chars; the block's padding never reaches the text.
    #[test]
    fn fragments_append_exactly_their_text() {
        let long_zh = "完成率".repeat(4); // 36 bytes: past the block
        let cases = [
            String::new(),
            "ab".to_string() + &"完".repeat(10), // 32 bytes: a full block
            " of 20.".to_string(),
            "a".repeat(BLOCK - 1),
            "a".repeat(BLOCK),
            "a".repeat(BLOCK + 1),
            "投诉解决率 ".to_string(),
            long_zh,
        ];
        let mut text = Text::with_capacity(0);
        text.push_str("得分 ");
        let mut expected = "得分 ".to_string();
        for case in &cases {
            let fragment = Fragment::from(case.as_str());
            assert_eq!(fragment.as_str(), case);
            assert_eq!(Fragment::from(case.clone()), fragment);
            assert_eq!(format!("{fragment:?}"), format!("{case:?}"));
            let start = text.len();
            text.push_fragment(&fragment);
            let span = Span {
                start: start as u32,
                end: text.len() as u32,
            };
            assert_eq!(text.slice(span), case.as_bytes());
            text.push('|');
            expected.push_str(case);
            expected.push('|');
        }
        assert_eq!(text.as_str(), expected);
        assert_eq!(text.len(), expected.len());
        assert_eq!(Fragment::default(), Fragment::from(""));
        // Equality is the text's: the length tells a text from the same
        // text with NULs after it, which pad the block alike.
        assert_ne!(Fragment::from("a"), Fragment::from("a\0"));
        assert_ne!(Fragment::from(""), Fragment::from("\0"));
    }
}

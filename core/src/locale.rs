//! The three locales answers are written in.

use std::fmt;

/// A locale of the answer's explanations and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Locale {
    /// Simplified Chinese, the script of the companies the form comes from.
    ZhCn,
    /// Traditional Chinese, as the source form is written.
    ZhTw,
    /// English.
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::ZhTw, Locale::En];

    /// Parses "zh-CN", "zh-TW" or "en" (case-insensitive; "_" accepted for "-").
    pub fn parse(text: &str) -> Option<Locale> {
        // Byte by byte, without a lowered copy: it runs on every request.
        let same = |tag: &str| {
            text.len() == tag.len()
                && text
                    .bytes()
                    .zip(tag.bytes())
                    .all(|(t, c)| t.eq_ignore_ascii_case(&c) || (t == b'_' && c == b'-'))
        };
        Locale::ALL.into_iter().find(|l| same(l.tag()))
    }

    /// The canonical tag.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The reason given for a locale outside the three.
pub const LOCALE_REASON: &str = "must be one of zh-CN, zh-TW, en";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_in_any_case_with_either_separator() {
        for (text, locale) in [
            ("zh-CN", Some(Locale::ZhCn)),
            ("ZH_cn", Some(Locale::ZhCn)),
            ("zh-tw", Some(Locale::ZhTw)),
            ("zh_TW", Some(Locale::ZhTw)),
            ("EN", Some(Locale::En)),
            ("en", Some(Locale::En)),
            ("en-US", None),
            ("zh", None),
            ("zh-CNx", None),
            ("zh_-CN", None),
            ("e", None),
            ("", None),
            // A lookalike: U+0130 lowers to "i̇", not to an ASCII letter.
            ("\u{130}n", None),
        ] {
            assert_eq!(Locale::parse(text), locale, "{text:?}");
        }
    }
}

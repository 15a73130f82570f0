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
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-cn" => Some(Locale::ZhCn),
            "zh-tw" => Some(Locale::ZhTw),
            "en" => Some(Locale::En),
            _ => None,
        }
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

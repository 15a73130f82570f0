//! The fixed parts of a rubric's explanations, per locale, built once when
//! the rubric is validated (see [`super::explain`]).

use super::text::Fragment;
use crate::locale::Locale;

/// Position of a locale in the per-locale arrays of [`RubricTexts`].
pub fn locale_slot(locale: Locale) -> usize {
    match locale {
        Locale::ZhCn => 0,
        Locale::ZhTw => 1,
        Locale::En => 2,
    }
}

/// The texts a rubric implies, per locale (indexed by [`locale_slot`]).
/// Built by the scoring module's explanations when the rubric is
/// validated; each is the exact text the explanation would write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RubricTexts {
    /// Per indicator, in rubric order.
    pub indicators: Vec<[IndicatorTexts; 3]>,
    pub review: [ReviewTexts; 3],
}

/// Fixed fragments of one indicator's explanations in one locale.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndicatorTexts {
    /// Before the value: the name (with the rubric's fallback) and a
    /// space.
    pub head: Fragment,
    /// After the value when the target is met, to the end: its unit ("%",
    /// " min", " 分钟", or "") first.
    pub met: Fragment,
    /// Unmet, between the value and the shortfall: its unit first.
    pub lead: Fragment,
    /// Unmet, between the shortfall and the calculation.
    pub after_shortfall: Fragment,
    /// The calculation after the shortfall: " × 0.5 = ", or " / 15 = " or
    /// " / 15 → " (before the steps). Each fragment of the calculation ends where
    /// the next number starts, so each line is a few copies.
    pub calc_mid: Fragment,
    /// After the steps, with " = " (empty when the calculation shows no
    /// steps).
    pub calc_end: Fragment,
    /// Whether the calculation shows the steps.
    pub calc_steps: bool,
    /// Unmet, after the points, to the end.
    pub end: Fragment,
    /// The cap note.
    pub cap: Fragment,
    /// Direct points, before and after the points, per rater.
    pub direct: [(Fragment, Fragment); 2],
    /// The whole explanation of a missing input.
    pub missing: Fragment,
    /// A largest-loss line, before and after the points.
    pub loss: (Fragment, Fragment),
}

/// Fixed fragments of the gap and summary lines in one locale.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewTexts {
    /// Gap: before self total, before supervisor total, before gap.
    pub gap: [String; 3],
    /// Gap: after the gap, when within and above the threshold.
    pub gap_end: [String; 2],
    /// Summary: before self total, supervisor total, final, bonus.
    pub summary: [String; 4],
    /// Summary: after the bonus, per grade band, and with no band.
    pub band_end: Vec<String>,
    pub no_band_end: String,
}

//! Scoring a review: the form's arithmetic in exact decimals, with every
//! number explained (docs/scoring.md sections 3-6).

mod engine;
mod explain;
pub mod rule;
mod text;
mod texts;

pub use engine::{score, score_with};
pub use explain::rubric_texts;
pub use text::{Fragment, Text};
pub use texts::{IndicatorTexts, ReviewTexts, RubricTexts, locale_slot};

use crate::locale::Locale;
use rust_decimal::Decimal;

/// A review to score, already checked for shape (numbers are numbers,
/// the locale is known); checks against the rubric happen in [`score`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    pub review_id: String,
    pub employee_id: String,
    pub period_label: String,
    pub submissions: Vec<Submission>,
    pub self_assessment: Vec<Entry>,
    pub supervisor_assessment: Vec<Entry>,
    /// None: the rubric's default locale.
    pub locale: Option<Locale>,
    pub allow_partial: bool,
}

/// Measured values from one system of record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Submission {
    pub source: String,
    pub employee_id: String,
    /// Indicator id → value, in key order.
    pub values: Vec<(String, Decimal)>,
    /// Indicator ids whose values were refused before they reached the
    /// rubric (not numbers a decimal holds): each counts as given and its
    /// id is checked, but a review with any is not scored (see
    /// [`score_with`]).
    pub refused: Vec<String>,
}

/// A rater's input for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub indicator_id: String,
    pub input: EntryInput,
    pub comment: String,
}

/// A value scored by the rule, or points awarded directly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EntryInput {
    Value(Decimal),
    Points(Decimal),
    /// An input refused before it reached the rubric (not a number a
    /// decimal holds, or none at all): the entry counts as given and its
    /// indicator id is checked, but a review with one is not scored (see
    /// [`score_with`]).
    Refused,
}

/// The two raters of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rater {
    SelfAssessment,
    Supervisor,
}

impl Rater {
    /// The request field holding this rater's entries.
    pub fn field(self) -> &'static str {
        match self {
            Rater::SelfAssessment => "self_assessment",
            Rater::Supervisor => "supervisor_assessment",
        }
    }
}

/// Where an indicator's input came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSource {
    /// A value from `submissions[index]` of the review.
    Submission { index: usize },
    /// A value the rater gave.
    RaterValue,
    /// Points the rater awarded directly.
    RaterPoints,
    /// No input (allow_partial only).
    Missing,
}

/// One indicator as one rater scored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorScore {
    pub dimension: usize,
    pub indicator: usize,
    pub source: InputSource,
    /// The value scored; None for direct points or missing.
    pub value: Option<Decimal>,
    pub shortfall: Decimal,
    /// Steps of shortfall after the rule's rounding, cut to
    /// [`rule::shown_places`] of the precision (4, or one more than it).
    pub steps: Decimal,
    pub deduction: Decimal,
    pub points: Decimal,
    /// In [`Outcome::text`].
    pub explanation: Span,
    /// The value and the shortfall as the explanation shows them, in
    /// [`Outcome::text`]; empty where the explanation shows none.
    pub value_text: Span,
    pub shortfall_text: Span,
    pub comment: String,
}

/// Where one explanation lies in [`Outcome::text`]: the range of its
/// bytes in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// One dimension as one rater scored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionScore {
    /// Σ indicator points (exact).
    pub score: Decimal,
    /// weight% × score (exact).
    pub weighted: Decimal,
}

/// One rater's breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaterScore {
    pub rater: Rater,
    /// In rubric order.
    pub indicators: Vec<IndicatorScore>,
    pub dimensions: Vec<DimensionScore>,
    /// Σ weighted scores, rounded.
    pub total: Decimal,
    /// The total if every missing indicator earned full points, rounded.
    pub max_reachable_total: Decimal,
    pub missing: Vec<String>,
}

/// An indicator by the final-score points it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub dimension: usize,
    pub indicator: usize,
    /// Final-score points lost, rounded to the precision.
    pub final_score_points: Decimal,
    pub self_deduction: Decimal,
    pub supervisor_deduction: Decimal,
    /// In [`Outcome::text`].
    pub explanation: Span,
}

/// How much of an outcome [`score_with`] explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Everything: every indicator line's explanation, its value and
    /// shortfall as the explanation shows them, and its comment; the
    /// losses, the gap and the summary. What [`score`] gives.
    #[default]
    Lines,
    /// The numbers of every line, but no line text: each line's
    /// `explanation`, `value_text` and `shortfall_text` are empty spans
    /// and its `comment` is empty. The losses, the gap and the summary
    /// are explained as with [`Detail::Lines`], in the same words. For
    /// an answer that shows totals and losses but no lines.
    Totals,
}

/// The whole answer for one review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub locale: Locale,
    pub self_score: RaterScore,
    pub supervisor_score: RaterScore,
    /// self% × self total + supervisor% × supervisor total, rounded.
    pub final_score: Decimal,
    /// The band's coefficient, else final / 100 to 4 places.
    pub bonus_coefficient: Decimal,
    /// Index into the rubric's grade bands.
    pub grade_band: Option<usize>,
    /// Largest first; only indicators that cost something.
    pub losses: Vec<Loss>,
    /// self total − supervisor total.
    pub gap: Decimal,
    pub gap_flagged: bool,
    /// In [`Outcome::text`].
    pub gap_explanation: Span,
    pub complete: bool,
    pub max_reachable_final: Decimal,
    /// In [`Outcome::text`].
    pub summary: Span,
    /// Every explanation of the answer, one after another, written into
    /// one buffer; the spans above say where each is.
    pub text: Text,
}

impl Outcome {
    /// The explanation at `span`.
    pub fn text(&self, span: Span) -> &str {
        self.text.get(span)
    }
}

#[cfg(test)]
mod tests;

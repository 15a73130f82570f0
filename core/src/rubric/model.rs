//! The validated rubric. Every value here has passed [`super::validate`],
//! and what a rubric implies (indicator index, maximum total, content hash)
//! is computed once, when it is built.

use crate::locale::Locale;
use crate::scoring::RubricTexts;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// Names of an item per locale; the rubric's default locale is always there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Names(pub BTreeMap<Locale, String>);

impl Names {
    /// The name in `locale`, else in `fallback` (the rubric's default).
    pub fn get(&self, locale: Locale, fallback: Locale) -> &str {
        self.0
            .get(&locale)
            .or_else(|| self.0.get(&fallback))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The unit of an indicator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Score,
    Count,
    Minutes,
    Hours,
}

impl Unit {
    /// The canonical (proto) name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Percent => "UNIT_PERCENT",
            Unit::Score => "UNIT_SCORE",
            Unit::Count => "UNIT_COUNT",
            Unit::Minutes => "UNIT_MINUTES",
            Unit::Hours => "UNIT_HOURS",
        }
    }

    /// The unit's own value range, used when an indicator sets none.
    pub fn default_range(self) -> (Option<Decimal>, Option<Decimal>) {
        match self {
            Unit::Percent | Unit::Score => (Some(Decimal::ZERO), Some(Decimal::ONE_HUNDRED)),
            Unit::Count | Unit::Minutes | Unit::Hours => (Some(Decimal::ZERO), None),
        }
    }
}

/// Which side of the target is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better.
    AtLeast,
    /// Lower is better.
    AtMost,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::AtLeast => "DIRECTION_AT_LEAST",
            Direction::AtMost => "DIRECTION_AT_MOST",
        }
    }
}

/// How the step count is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// shortfall / step, fractional.
    Linear,
    /// floor(shortfall / step).
    PerFullStep,
    /// ceil(shortfall / step).
    PerStartedStep,
}

impl Rounding {
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Linear => "ROUNDING_LINEAR",
            Rounding::PerFullStep => "ROUNDING_PER_FULL_STEP",
            Rounding::PerStartedStep => "ROUNDING_PER_STARTED_STEP",
        }
    }
}

/// `penalty` points off for each `step` of shortfall beyond `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub direction: Direction,
    pub target: Decimal,
    pub step: Decimal,
    pub penalty: Decimal,
    pub rounding: Rounding,
}

/// One indicator of a dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub id: String,
    pub names: Names,
    pub unit: Unit,
    /// Effective range (the indicator's own, else the unit's).
    pub min_value: Option<Decimal>,
    pub max_value: Option<Decimal>,
    /// Whether the range was set on the indicator (kept for the canonical form).
    pub explicit_min: bool,
    pub explicit_max: bool,
    pub full_points: Decimal,
    pub rule: Rule,
    pub response_limit_minutes: Option<Decimal>,
}

/// A weighted group of indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    pub id: String,
    pub names: Names,
    pub weight_percent: Decimal,
    pub indicators: Vec<Indicator>,
    /// Σ full points of the indicators.
    pub max_score: Decimal,
}

/// Self / supervisor blend, in percent, summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blend {
    pub self_percent: Decimal,
    pub supervisor_percent: Decimal,
}

/// A range of final scores (inclusive edges) and its bonus coefficient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeBand {
    pub id: String,
    pub names: Names,
    pub min_score: Decimal,
    pub max_score: Decimal,
    pub bonus_coefficient: Decimal,
}

/// A validated rubric. Build it with [`super::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rubric {
    pub id: String,
    pub version: u32,
    pub default_locale: Locale,
    pub names: Names,
    pub precision: u32,
    pub blend: Blend,
    pub grade_bands: Vec<GradeBand>,
    pub gap_threshold: Decimal,
    pub dimensions: Vec<Dimension>,
    /// The printed form has an HR signature line.
    pub hr_signature: bool,
    /// Σ weight% × dimension maximum: the best total a rater can give.
    pub max_total: Decimal,
    /// `"sha256:<hex>"` of the canonical JSON form.
    pub content_hash: String,
    /// Indicator id → (dimension index, indicator index).
    pub(super) index: HashMap<String, (usize, usize)>,
    /// Indicators in rubric order, as (dimension index, indicator index).
    pub(super) order: Vec<(usize, usize)>,
    /// Ordinal of each dimension's first indicator.
    pub(super) offsets: Vec<usize>,
    /// The fixed parts of every explanation, per locale: computed once
    /// here so that scoring only writes the numbers of each review.
    pub texts: RubricTexts,
    /// Every number scoring reads, in millionths: computed once here so
    /// that scoring is integer arithmetic.
    pub units: RubricUnits,
    /// The rubric's own numbers as answers show them, formatted once.
    pub shown: RubricShown,
}

/// The rubric's numbers as every answer shows them: plain ("95"), or at
/// the rubric's precision ("20.00") where the answer shows points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RubricShown {
    /// Per indicator, in rubric order: (target, full points).
    pub indicators: Vec<(String, String)>,
    /// Per dimension: (weight percent, maximum score).
    pub dimensions: Vec<(String, String)>,
    pub self_percent: String,
    pub supervisor_percent: String,
    pub gap_threshold: String,
    /// Per grade band: (min score, max score, bonus coefficient to 4 places).
    pub bands: Vec<(String, String, String)>,
}

/// A rubric's numbers as exact counts of millionths (see
/// [`crate::decimal::MICRO_PLACES`]); validation guarantees that
/// each fits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RubricUnits {
    /// Per indicator, in rubric order.
    pub indicators: Vec<IndicatorUnits>,
    /// Per dimension: weight in percent.
    pub weights: Vec<i64>,
    pub self_percent: i64,
    pub supervisor_percent: i64,
    pub gap_threshold: i64,
    /// Per grade band: (min score, max score).
    pub bands: Vec<(i64, i64)>,
    /// The blend and the weights again, for a largest loss's cost.
    pub costs: CostUnits,
}

/// The blend percents and the dimension weights in 10^-`places` percent,
/// with the fewest places (at most six) that keep every one of them exact:
/// whole percents, as in most rubrics, take none. A largest loss's cost,
/// blend% × deduction × weight%, then usually fits 64 bits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CostUnits {
    pub places: u32,
    pub self_percent: i64,
    pub supervisor_percent: i64,
    /// Per dimension.
    pub weights: Vec<i64>,
}

/// One indicator's range and rule in millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorUnits {
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub whole: bool,
    pub full_points: i64,
    pub direction: Direction,
    pub rounding: Rounding,
    pub target: i64,
    pub step: i64,
    pub penalty: i64,
}

impl Rubric {
    /// Finds an indicator by id, with its position.
    pub fn indicator(&self, id: &str) -> Option<(usize, usize, &Indicator)> {
        let &(d, i) = self.index.get(id)?;
        Some((d, i, &self.dimensions[d].indicators[i]))
    }

    /// Number of indicators.
    pub fn indicator_count(&self) -> usize {
        self.order.len()
    }

    /// Indicators in rubric order with their dimension.
    pub fn indicators(&self) -> impl Iterator<Item = (&Dimension, &Indicator)> {
        self.order
            .iter()
            .map(|&(d, i)| (&self.dimensions[d], &self.dimensions[d].indicators[i]))
    }

    /// (dimension, indicator) of the indicator at `ordinal` in rubric order.
    pub fn at(&self, ordinal: usize) -> Option<(usize, usize)> {
        self.order.get(ordinal).copied()
    }

    /// Ordinal of dimension `d`'s first indicator.
    pub fn offset(&self, d: usize) -> usize {
        self.offsets.get(d).copied().unwrap_or(0)
    }

    /// Position of an indicator in rubric order.
    pub fn ordinal(&self, dimension: usize, indicator: usize) -> usize {
        self.dimensions[..dimension]
            .iter()
            .map(|d| d.indicators.len())
            .sum::<usize>()
            + indicator
    }

    /// The name of the rubric in `locale`.
    pub fn name(&self, locale: Locale) -> &str {
        self.names.get(locale, self.default_locale)
    }
}

//! The parts of an answer that are the same in every answer against one
//! rubric in one locale, encoded once: the rubric's own fields, the blend,
//! the grade bands, and the ids, names, units, targets and full points of
//! every indicator and dimension line. A FULL answer of the built-in
//! rubric has forty indicator lines; writing their fixed fields is a copy
//! of these bytes, not seven fields each.
//!
//! [`Prepared`] keeps them for every rubric of a registry, made at
//! start-up; an inline rubric's are made for its one answer.

use super::{NUMBER_FIELD_BYTES, Writer, direction_proto, fields, named, unit_proto};
use rust_decimal::Decimal;
use scorecard_core::locale::Locale;
use scorecard_core::rubric::{Registry, Rubric};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

// An indicator's ids and name are the first three fields of both the
// indicator line and the loss, so one encoding serves both.
const _: () = {
    use fields::{indicator_result as i, loss as l};
    assert!(i::INDICATOR_ID == l::INDICATOR_ID);
    assert!(i::DIMENSION_ID == l::DIMENSION_ID);
    assert!(i::NAME == l::NAME);
};

/// One rubric's fixed answer fields in one locale, each part the encoded
/// fields (keys, lengths and values) it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// ScoreReviewResponse's `rubric`, `service_version` and `locale`.
    pub(super) rubric_to_locale: Vec<u8>,
    /// ScoreReviewResponse's `self_weight_percent` and
    /// `supervisor_weight_percent`.
    pub(super) weights: Vec<u8>,
    /// Per grade band, the whole `grade_band` field.
    pub(super) bands: Vec<Vec<u8>>,
    /// RaterGap's `threshold`.
    pub(super) gap_threshold: Vec<u8>,
    /// Per indicator, in rubric order.
    pub(super) indicators: Vec<IndicatorParts>,
    /// Per dimension.
    pub(super) dimensions: Vec<DimensionParts>,
    /// Bytes of the parts every answer has (all but the indicator lines'
    /// and the losses'), with room for the dimension lines' numbers.
    pub(super) fixed: usize,
    /// Bytes of the parts of one rater's indicator lines.
    pub(super) lines: usize,
    /// Bytes of the parts of the longest loss line.
    pub(super) longest_loss: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IndicatorParts {
    /// `indicator_id`, `dimension_id` and `name` (of an IndicatorResult
    /// and of a Loss alike).
    pub ids: Vec<u8>,
    /// IndicatorResult's `unit`, `direction` and `target`.
    pub unit_to_target: Vec<u8>,
    /// IndicatorResult's `full_points`.
    pub full_points: Vec<u8>,
    /// The indicator's full points, to tell a line that earned them.
    pub full_points_value: Decimal,
    /// IndicatorResult's `shortfall` to `full_points` for a line that
    /// met its target: no shortfall, no steps, no deduction, full points.
    pub met: Vec<u8>,
    /// Loss's `full_points_value`, `direction` and `unit`.
    pub loss_tail: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DimensionParts {
    /// DimensionResult's `dimension_id` and `name`.
    pub ids: Vec<u8>,
    /// DimensionResult's `max_score` and `weight_percent`.
    pub max_and_weight: Vec<u8>,
}

/// The bytes one writer call leaves.
fn encoded(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::with_capacity(64);
    write(&mut w);
    w.buf
}

impl Parts {
    /// The fixed fields of `rubric`'s answers in `locale`.
    pub fn new(rubric: &Rubric, locale: Locale) -> Self {
        let name = |names| named(rubric, names, locale);
        let shown = &rubric.shown;
        use fields::score_review_response as f;
        let rubric_to_locale = encoded(|w| {
            w.message(f::RUBRIC, |w| {
                use fields::rubric_info as f;
                w.string(f::ID, &rubric.id);
                w.uint(f::VERSION, rubric.version.into());
                w.string(f::CONTENT_HASH, &rubric.content_hash);
                w.string(f::NAME, rubric.name(locale));
            });
            w.string(f::SERVICE_VERSION, crate::VERSION);
            w.string(f::LOCALE, locale.tag());
        });
        let weights = encoded(|w| {
            w.string(f::SELF_WEIGHT_PERCENT, &shown.self_percent);
            w.string(f::SUPERVISOR_WEIGHT_PERCENT, &shown.supervisor_percent);
        });
        let bands: Vec<Vec<u8>> = rubric
            .grade_bands
            .iter()
            .zip(&shown.bands)
            .map(|(band, (min, max, bonus))| {
                encoded(|w| {
                    w.message(f::GRADE_BAND, |w| {
                        use fields::grade_band_result as f;
                        w.string(f::ID, &band.id);
                        w.string(f::NAME, name(&band.names));
                        w.string(f::MIN_SCORE, min);
                        w.string(f::MAX_SCORE, max);
                        w.string(f::BONUS_COEFFICIENT, bonus);
                    })
                })
            })
            .collect();
        let gap_threshold =
            encoded(|w| w.string(fields::rater_gap::THRESHOLD, &shown.gap_threshold));
        let indicators: Vec<IndicatorParts> = rubric
            .indicators()
            .zip(&shown.indicators)
            .map(|((dimension, indicator), (target, full_points))| {
                use fields::indicator_result as f;
                let unit = unit_proto(indicator.unit);
                let direction = direction_proto(indicator.rule.direction);
                IndicatorParts {
                    ids: encoded(|w| {
                        w.string(f::INDICATOR_ID, &indicator.id);
                        w.string(f::DIMENSION_ID, &dimension.id);
                        w.string(f::NAME, name(&indicator.names));
                    }),
                    unit_to_target: encoded(|w| {
                        w.enumeration(f::UNIT, unit);
                        w.enumeration(f::DIRECTION, direction);
                        w.string(f::TARGET, target);
                    }),
                    full_points: encoded(|w| w.string(f::FULL_POINTS, full_points)),
                    full_points_value: indicator.full_points,
                    met: encoded(|w| {
                        w.plain(f::SHORTFALL, Decimal::ZERO);
                        w.plain(f::STEPS, Decimal::ZERO);
                        w.fixed(f::DEDUCTION, Decimal::ZERO, rubric.precision);
                        w.fixed(f::POINTS, indicator.full_points, rubric.precision);
                        w.string(f::FULL_POINTS, full_points);
                    }),
                    loss_tail: encoded(|w| {
                        use fields::loss as f;
                        w.string(f::FULL_POINTS_VALUE, target);
                        w.enumeration(f::DIRECTION, direction);
                        w.enumeration(f::UNIT, unit);
                    }),
                }
            })
            .collect();
        let dimensions: Vec<DimensionParts> = rubric
            .dimensions
            .iter()
            .zip(&shown.dimensions)
            .map(|(d, (weight, max_score))| {
                use fields::dimension_result as f;
                DimensionParts {
                    ids: encoded(|w| {
                        w.string(f::DIMENSION_ID, &d.id);
                        w.string(f::NAME, name(&d.names));
                    }),
                    max_and_weight: encoded(|w| {
                        w.string(f::MAX_SCORE, max_score);
                        w.string(f::WEIGHT_PERCENT, weight);
                    }),
                }
            })
            .collect();
        let fixed = rubric_to_locale.len()
            + weights.len()
            + bands.iter().map(Vec::len).max().unwrap_or(0)
            + gap_threshold.len()
            + 2 * dimensions
                .iter()
                .map(|d| d.ids.len() + d.max_and_weight.len() + 2 * NUMBER_FIELD_BYTES)
                .sum::<usize>();
        let lines = indicators
            .iter()
            .map(|i| i.ids.len() + i.unit_to_target.len() + i.full_points.len())
            .sum();
        let longest_loss = indicators
            .iter()
            .map(|i| i.ids.len() + i.loss_tail.len())
            .max()
            .unwrap_or(0);
        Parts {
            rubric_to_locale,
            weights,
            bands,
            gap_threshold,
            indicators,
            dimensions,
            fixed,
            lines,
            longest_loss,
        }
    }
}

/// The [`Parts`] of every rubric of a registry in every locale.
///
/// Found by the rubric's address: the registry hands out the same `Arc`
/// for a rubric every time, and each entry here keeps its own clone of
/// that `Arc`, so the address cannot be reused by another rubric (an
/// inline one) while this lives.
#[derive(Debug, Default)]
pub struct Prepared {
    by_rubric: HashMap<usize, (Arc<Rubric>, [Parts; 3])>,
}

impl Prepared {
    pub fn new(registry: &Registry) -> Self {
        let by_rubric = registry
            .entries()
            .map(|e| {
                let parts = Locale::ALL.map(|l| Parts::new(&e.rubric, l));
                (key(&e.rubric), (e.rubric.clone(), parts))
            })
            .collect();
        Self { by_rubric }
    }

    /// `rubric`'s parts in `locale`: made at start-up for a registry's
    /// rubric, made now for any other (an inline rubric).
    pub fn parts(&self, rubric: &Arc<Rubric>, locale: Locale) -> Cow<'_, Parts> {
        match self.by_rubric.get(&key(rubric)) {
            Some((_, parts)) => Cow::Borrowed(&parts[locale_index(locale)]),
            None => Cow::Owned(Parts::new(rubric, locale)),
        }
    }
}

fn key(rubric: &Arc<Rubric>) -> usize {
    Arc::as_ptr(rubric) as usize
}

/// The position of `locale` in [`Locale::ALL`].
fn locale_index(locale: Locale) -> usize {
    match locale {
        Locale::ZhCn => 0,
        Locale::ZhTw => 1,
        Locale::En => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_index_is_the_position_in_all() {
        for (i, l) in Locale::ALL.into_iter().enumerate() {
            assert_eq!(locale_index(l), i);
        }
    }

    /// A registry's rubric is found by its `Arc` and gets the parts made
    /// at start-up; an equal rubric in another `Arc` (an inline copy) gets
    /// parts made for it, with the same bytes.
    #[test]
    fn registry_rubrics_are_found_and_others_made() {
        let registry = Registry::with_builtin();
        let prepared = Prepared::new(&registry);
        let entry = registry.entries().next().expect("the built-in rubric");
        let found = prepared.parts(&entry.rubric, Locale::En);
        assert!(matches!(found, Cow::Borrowed(_)));
        let copy = Arc::new(entry.rubric.as_ref().clone());
        let made = prepared.parts(&copy, Locale::En);
        assert!(matches!(made, Cow::Owned(_)));
        assert_eq!(found, made);
        assert_ne!(
            prepared.parts(&entry.rubric, Locale::ZhCn).indicators[0].ids,
            found.indicators[0].ids,
            "the name differs by locale"
        );
    }
}

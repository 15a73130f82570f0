//! From a review and a rubric to an [`Outcome`]: inputs are resolved with
//! their precedence, checked against the rubric (every violation listed),
//! then scored with rounding only where docs/scoring.md section 3 says.
//!
//! The arithmetic is exact integer arithmetic in millionths (see
//! [`decimal::MICRO_PLACES`]): a value or points with more places is
//! refused with its field path. Sums of weighted scores are kept at the
//! scale their products have (10^-14, up to 10^-22), so nothing is rounded
//! before the points section 3 names. All explanations are written into
//! one buffer.

use super::explain;
use super::rule;
use super::*;
use crate::decimal::{self, MICRO, MICRO_PLACES, from_units, round_units};
use crate::rubric::{Indicator, IndicatorUnits, Rubric};
use crate::{Error, Violation};

/// Weight% × score: millionths × millionths, over 100.
const WEIGHTED_SCALE: u32 = 2 * MICRO_PLACES + 2;
/// Bytes of explanation text reserved per indicator: for its two lines
/// and its loss, and for its loss alone.
const TEXT_PER_INDICATOR: usize = 400;
const LOSS_TEXT_PER_INDICATOR: usize = 80;

/// Scores `review` against `rubric`, explaining everything
/// ([`Detail::Lines`]).
pub fn score(rubric: &Rubric, review: &Review) -> Result<Outcome, Error> {
    score_with(rubric, review, Detail::Lines)
}

/// Scores `review` against `rubric`, explaining as much as `detail`
/// says. The numbers are the same at every detail; [`Detail::Totals`]
/// only leaves out the indicator lines' texts.
///
/// A review with refused inputs ([`EntryInput::Refused`],
/// [`Submission::refused`]) is checked against the rubric but never
/// scored: the answer is [`Error::Invalid`] with the rubric's violations,
/// none when there are no others. The refusals are the caller's to
/// report, beside them.
pub fn score_with(rubric: &Rubric, review: &Review, detail: Detail) -> Result<Outcome, Error> {
    let mut violations = Vec::new();
    let (slots, refused) = resolve(rubric, review, &mut violations);

    if !review.allow_partial {
        for (r, rater) in [Rater::SelfAssessment, Rater::Supervisor]
            .into_iter()
            .enumerate()
        {
            for (slot, (_, indicator)) in slots.iter().zip(rubric.indicators()) {
                if slot.raters[r].is_none() && slot.measurement.is_none() {
                    violations.push(Violation::new(
                        format!("{}.entries", rater.field()),
                        format!(
                            "indicator \"{}\" has no input: no submission value and no {} entry (set allow_partial to score without it)",
                            indicator.id,
                            rater.field()
                        ),
                    ));
                }
            }
        }
    }
    if !violations.is_empty() || refused {
        return Err(Error::Invalid(violations));
    }

    let locale = review.locale.unwrap_or(rubric.default_locale);
    let units = &rubric.units;
    let p = rubric.precision;
    let per_indicator = match detail {
        Detail::Lines => TEXT_PER_INDICATOR,
        Detail::Totals => LOSS_TEXT_PER_INDICATOR,
    };
    let mut text = Text::with_capacity(rubric.indicator_count() * per_indicator + 512);
    let mut scorer = RaterScorer {
        rubric,
        review,
        slots: &slots,
        locale,
        lines: detail == Detail::Lines,
        text: &mut text,
    };
    let (self_score, own) = scorer.score(Rater::SelfAssessment, 0, None);
    let (supervisor_score, supervisor) =
        scorer.score(Rater::Supervisor, 1, Some((&self_score, &own)));

    // self% × self total + supervisor% × supervisor total: millionths² /
    // 100, rounded to the precision.
    let blended = |a: i128, b: i128| {
        let exact = i128::from(units.self_percent) * a + i128::from(units.supervisor_percent) * b;
        to_micros_at(round_units(exact, WEIGHTED_SCALE, p), p)
    };
    let final_score = blended(own.total, supervisor.total);
    let max_reachable_final = blended(own.reachable, supervisor.reachable);
    let grade_band = units
        .bands
        .iter()
        .position(|&(min, max)| i128::from(min) <= final_score && final_score <= i128::from(max));
    let bonus_coefficient = match grade_band {
        Some(i) => rubric.grade_bands[i].bonus_coefficient,
        // final / 100 to 4 places.
        None => from_units(round_units(final_score, MICRO_PLACES + 2, 4), 4),
    };

    let losses = largest_losses(
        rubric,
        (&self_score, &own.deductions),
        (&supervisor_score, &supervisor.deductions),
        locale,
        &mut text,
    );
    let gap = own.total - supervisor.total;
    let gap_flagged = gap.abs() > i128::from(units.gap_threshold);
    let complete = self_score.missing.is_empty() && supervisor_score.missing.is_empty();
    let gap_explanation = explain::gap(
        &mut text,
        locale,
        rubric,
        [own.total, supervisor.total, gap],
        gap_flagged,
    );
    let summary = explain::summary(
        &mut text,
        locale,
        rubric,
        [own.total, supervisor.total, final_score],
        bonus_coefficient,
        grade_band,
    );

    Ok(Outcome {
        locale,
        self_score,
        supervisor_score,
        final_score: wide_micros(final_score),
        bonus_coefficient,
        grade_band,
        losses,
        gap: wide_micros(gap),
        gap_flagged,
        gap_explanation,
        complete,
        max_reachable_final: wide_micros(max_reachable_final),
        summary,
        text,
    })
}

/// Millionths as a decimal.
fn micros(units: i64) -> Decimal {
    Decimal::new(units, MICRO_PLACES)
}

/// Millionths beyond 64 bits (a rater total of a rubric with many
/// indicators of large full points) as a decimal.
fn wide_micros(units: i128) -> Decimal {
    from_units(units, MICRO_PLACES)
}

/// A count of 10^-places (places ≤ 6) in millionths.
fn to_micros_at(units: i128, places: u32) -> i128 {
    units * 10i128.pow(MICRO_PLACES - places.min(MICRO_PLACES))
}

/// One rater's input for an indicator.
#[derive(Debug, Clone, Copy)]
enum Input {
    /// A value the rater gave, from entry `entry`, and in millionths when
    /// it has at most six places.
    Value {
        value: Decimal,
        micros: Option<i64>,
        entry: usize,
    },
    /// Points (millionths, at the precision) the rater awarded, from
    /// entry `entry`.
    Points { micros: i64, entry: usize },
}

/// Everything known about one indicator of the rubric before scoring.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The measured value, in millionths when it has at most six places,
    /// and the submission it came from.
    measurement: Option<(Decimal, Option<i64>, usize)>,
    /// Per rater (self, supervisor).
    raters: [Option<Input>; 2],
    /// The entry of each rater that named this indicator first.
    first_entry: [Option<usize>; 2],
}

/// Finds indicators by id. Requests usually list entries in rubric order,
/// so the indicator at the entry's own position is tried first (one string
/// comparison); anything else goes through the rubric's index. Ids are
/// unique in a rubric, so both ways find the same indicator.
fn find<'r>(rubric: &'r Rubric, position: usize, id: &str) -> Option<(usize, &'r Indicator)> {
    if let Some((d, i)) = rubric.at(position) {
        let indicator = &rubric.dimensions[d].indicators[i];
        if indicator.id == id {
            return Some((position, indicator));
        }
    }
    let (d, i, indicator) = rubric.indicator(id)?;
    Some((rubric.offset(d) + i, indicator))
}

/// Resolves every input of the review to its indicator, checking each;
/// also gives whether any input was refused before it came.
fn resolve(rubric: &Rubric, review: &Review, violations: &mut Vec<Violation>) -> (Vec<Slot>, bool) {
    let mut slots = vec![Slot::default(); rubric.indicator_count()];
    let mut refused = false;
    for (si, submission) in review.submissions.iter().enumerate() {
        if !submission.employee_id.is_empty()
            && !review.employee_id.is_empty()
            && submission.employee_id != review.employee_id
        {
            violations.push(Violation::new(
                format!("submissions[{si}].employee_id"),
                format!(
                    "\"{}\" is not the reviewed employee \"{}\"",
                    submission.employee_id, review.employee_id
                ),
            ));
        }
        // Refused values count as given (0, never scored) and are
        // checked by id.
        let given = submission.values.iter().map(|(id, v)| (id, Some(*v)));
        let refusals = submission.refused.iter().map(|id| (id, None));
        for (vi, (id, value)) in given.chain(refusals).enumerate() {
            // Built only for a violation: valid values allocate nothing.
            let field = || format!("submissions[{si}].values[\"{id}\"]");
            let Some((ordinal, indicator)) = find(rubric, vi, id) else {
                violations.push(Violation::new(field(), unknown_indicator(rubric, id)));
                continue;
            };
            let units = &rubric.units.indicators[ordinal];
            let (value, micros) = match value {
                Some(value) => (
                    value,
                    check_value(indicator, units, value).unwrap_or_else(|reason| {
                        violations.push(Violation::new(field(), reason));
                        None
                    }),
                ),
                None => {
                    refused = true;
                    (Decimal::ZERO, None)
                }
            };
            match slots[ordinal].measurement {
                Some((_, _, first)) => violations.push(Violation::new(
                    field(),
                    format!(
                        "also given by submissions[{first}] (source \"{}\"); one submission per indicator",
                        review.submissions[first].source
                    ),
                )),
                None => slots[ordinal].measurement = Some((value, micros, si)),
            }
        }
    }
    for (r, rater) in [Rater::SelfAssessment, Rater::Supervisor]
        .into_iter()
        .enumerate()
    {
        refused |= resolve_rater(rubric, review, rater, r, &mut slots, violations);
    }
    (slots, refused)
}

/// Resolves one rater's entries; gives whether any was refused before
/// it came.
fn resolve_rater(
    rubric: &Rubric,
    review: &Review,
    rater: Rater,
    r: usize,
    slots: &mut [Slot],
    violations: &mut Vec<Violation>,
) -> bool {
    let mut refused = false;
    let entries = match rater {
        Rater::SelfAssessment => &review.self_assessment,
        Rater::Supervisor => &review.supervisor_assessment,
    };
    for (ei, entry) in entries.iter().enumerate() {
        // Built only for a violation: valid entries allocate nothing here.
        let path = || format!("{}.entries[{ei}]", rater.field());
        let Some((ordinal, indicator)) = find(rubric, ei, &entry.indicator_id) else {
            let reason = if entry.indicator_id.is_empty() {
                "is required".to_string()
            } else {
                unknown_indicator(rubric, &entry.indicator_id)
            };
            violations.push(Violation::new(format!("{}.indicator_id", path()), reason));
            continue;
        };
        let slot = &mut slots[ordinal];
        if let Some(first) = slot.first_entry[r] {
            violations.push(Violation::new(
                format!("{}.indicator_id", path()),
                format!(
                    "\"{}\" is already given at {}.entries[{first}]",
                    entry.indicator_id,
                    rater.field()
                ),
            ));
            continue;
        }
        slot.first_entry[r] = Some(ei);
        let units = &rubric.units.indicators[ordinal];
        // Recorded even when invalid, so it is not also reported missing;
        // nothing is scored while any violation stands.
        slot.raters[r] = Some(match entry.input {
            EntryInput::Value(value) => {
                let micros = check_value(indicator, units, value).unwrap_or_else(|reason| {
                    violations.push(Violation::new(format!("{}.value", path()), reason));
                    None
                });
                Input::Value {
                    value,
                    micros,
                    entry: ei,
                }
            }
            EntryInput::Points(points) => {
                let micros =
                    check_points(indicator, points, rubric.precision).unwrap_or_else(|reason| {
                        violations.push(Violation::new(
                            format!("{}.points", path()),
                            reason.to_string(),
                        ));
                        0
                    });
                Input::Points { micros, entry: ei }
            }
            EntryInput::Refused => {
                refused = true;
                Input::Points {
                    micros: 0,
                    entry: ei,
                }
            }
        });
    }
    refused
}

fn unknown_indicator(rubric: &Rubric, id: &str) -> String {
    format!(
        "unknown indicator \"{id}\" for rubric {} version {}",
        rubric.id, rubric.version
    )
}

/// Checks a value against the indicator's range and unit: in millionths
/// when it has at most six places (nearly always), else as a decimal.
/// Gives the millionths for scoring (None for a value with more than six
/// places, which is scored as a decimal). Inlined; the reason is written
/// apart, only for a value that fails.
#[inline]
fn check_value(
    indicator: &Indicator,
    units: &IndicatorUnits,
    value: Decimal,
) -> Result<Option<i64>, String> {
    let micros = decimal::to_micros(value);
    let (below, above, fraction) = match micros {
        Some(m) => (
            units.min_value.is_some_and(|min| m < min),
            units.max_value.is_some_and(|max| m > max),
            units.whole && m % MICRO != 0,
        ),
        None => (
            indicator.min_value.is_some_and(|min| value < min),
            indicator.max_value.is_some_and(|max| value > max),
            units.whole && !value.fract().is_zero(),
        ),
    };
    if below || above || fraction {
        return Err(value_refused(indicator, value, below, above));
    }
    Ok(micros)
}

/// Why [`check_value`] refused `value`: below the minimum, above the
/// maximum, or else not a whole number.
#[cold]
fn value_refused(indicator: &Indicator, value: Decimal, below: bool, above: bool) -> String {
    let (v, id) = (decimal::plain(value), &indicator.id);
    let shown = |bound: Option<Decimal>| bound.map(decimal::plain).unwrap_or_default();
    if below {
        format!(
            "{v} is below the minimum {} of {id}",
            shown(indicator.min_value)
        )
    } else if above {
        format!(
            "{v} is above the maximum {} of {id}",
            shown(indicator.max_value)
        )
    } else {
        format!("{v} is not a whole number; {id} is a count")
    }
}

/// Checks directly awarded points against 0..full points and the
/// rubric's precision; gives them in millionths. Points with more places
/// than the answer shows are refused, not rounded: section 3 rounds only
/// deductions and totals, and a rater's 19.995 must not become 20.00.
fn check_points(
    indicator: &Indicator,
    points: Decimal,
    precision: u32,
) -> Result<i64, PointsRefused> {
    if points < Decimal::ZERO || points > indicator.full_points {
        return Err(PointsRefused::OutOfRange {
            points,
            full_points: indicator.full_points,
        });
    }
    let places = points.normalize().scale();
    if places > precision {
        return Err(PointsRefused::TooManyPlaces {
            points,
            places,
            precision,
        });
    }
    // Within 0..full points (at most 10^9), at most 6 places: always fits.
    Ok(decimal::to_micros(points).unwrap_or(0))
}

/// Why [`check_points`] refused directly awarded points.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum PointsRefused {
    #[error(
        "{} is outside 0..{} (the indicator's full points)",
        decimal::plain(*points),
        decimal::plain(*full_points)
    )]
    OutOfRange {
        points: Decimal,
        full_points: Decimal,
    },
    #[error(
        "{} has {places} decimal places; points are awarded to at most the rubric's precision of {precision}",
        decimal::plain(*points)
    )]
    TooManyPlaces {
        points: Decimal,
        places: u32,
        precision: u32,
    },
}

/// A rater's totals in millionths, for the blend and the gap.
struct Totals {
    total: i128,
    reachable: i128,
    /// Per indicator, the deduction in millionths, as its line shows it
    /// (0 for a missing input).
    deductions: Vec<i64>,
}

/// Scores one rater after another into one text buffer.
struct RaterScorer<'a> {
    rubric: &'a Rubric,
    review: &'a Review,
    slots: &'a [Slot],
    locale: crate::locale::Locale,
    /// Whether each line gets its explanation and comment
    /// ([`Detail::Lines`]).
    lines: bool,
    text: &'a mut Text,
}

/// The same number written the same way (mantissa and scale), so its
/// outcome and its explanation's text are the same too.
fn identical(a: Decimal, b: Decimal) -> bool {
    a.scale() == b.scale() && a.mantissa() == b.mantissa()
}

impl RaterScorer<'_> {
    /// Scores rater `r`; `employee` is the employee's finished score when
    /// this is the supervisor: a value both gave is scored once.
    fn score(
        &mut self,
        rater: Rater,
        r: usize,
        employee: Option<(&RaterScore, &Totals)>,
    ) -> (RaterScore, Totals) {
        let rubric = self.rubric;
        let p = rubric.precision;
        let entries = match rater {
            Rater::SelfAssessment => &self.review.self_assessment,
            Rater::Supervisor => &self.review.supervisor_assessment,
        };
        let mut indicators = Vec::with_capacity(self.slots.len());
        let mut dimensions = Vec::with_capacity(rubric.dimensions.len());
        let mut missing = Vec::new();
        let mut deductions = Vec::with_capacity(self.slots.len());
        // Σ weight% × dimension score, in 10^-14.
        let mut total: i128 = 0;
        let mut reachable: i128 = 0;
        let mut ordinal = 0;
        for (d, dimension) in rubric.dimensions.iter().enumerate() {
            let mut score: i128 = 0;
            let mut missing_points: i128 = 0;
            for (i, indicator) in dimension.indicators.iter().enumerate() {
                let (result, points, deduction) =
                    self.indicator(rater, r, employee, entries, (d, i), ordinal);
                if result.source == InputSource::Missing {
                    missing.push(indicator.id.clone());
                    missing_points += i128::from(rubric.units.indicators[ordinal].full_points);
                }
                score += i128::from(points);
                deductions.push(deduction);
                indicators.push(result);
                ordinal += 1;
            }
            let weight = i128::from(rubric.units.weights[d]);
            let weighted = weight * score;
            total += weighted;
            reachable += weight * (score + missing_points);
            dimensions.push(DimensionScore {
                score: from_units(score, MICRO_PLACES),
                weighted: from_units(weighted, WEIGHTED_SCALE),
            });
        }
        let total = to_micros_at(round_units(total, WEIGHTED_SCALE, p), p);
        let reachable = to_micros_at(round_units(reachable, WEIGHTED_SCALE, p), p);
        (
            RaterScore {
                rater,
                indicators,
                dimensions,
                total: wide_micros(total),
                max_reachable_total: wide_micros(reachable),
                missing,
            },
            Totals {
                total,
                reachable,
                deductions,
            },
        )
    }

    /// Scores one indicator (`ordinal` in rubric order, indicator `i` of
    /// dimension `d`) for rater `r`: its result, points and deduction in
    /// millionths.
    fn indicator(
        &mut self,
        rater: Rater,
        r: usize,
        employee: Option<(&RaterScore, &Totals)>,
        entries: &[Entry],
        (d, i): (usize, usize),
        ordinal: usize,
    ) -> (IndicatorScore, i64, i64) {
        let rubric = self.rubric;
        let p = rubric.precision;
        let indicator = &rubric.dimensions[d].indicators[i];
        let units = &rubric.units.indicators[ordinal];
        let texts = explain::indicator(rubric, ordinal, self.locale);
        let slot = &self.slots[ordinal];
        let lines = self.lines;
        // Most comments are empty: no call to clone those.
        let comment = |entry: usize| match entries.get(entry) {
            Some(e) if lines && !e.comment.is_empty() => e.comment.clone(),
            _ => String::new(),
        };
        let value_input = match slot.raters[r] {
            Some(Input::Value {
                value,
                micros: value_micros,
                entry,
            }) => Some((value, value_micros, InputSource::RaterValue, comment(entry))),
            Some(Input::Points { .. }) => None,
            None => slot.measurement.map(|(value, value_micros, index)| {
                (
                    value,
                    value_micros,
                    InputSource::Submission { index },
                    String::new(),
                )
            }),
        };
        match (value_input, slot.raters[r]) {
            (Some((value, value_micros, source, comment)), _) => {
                // The employee scored the same value: the same
                // outcome and explanation (one text), with this
                // rater's own source and comment.
                let same = employee
                    .and_then(|(e, totals)| {
                        Some((e.indicators.get(ordinal)?, *totals.deductions.get(ordinal)?))
                    })
                    .filter(|(e, _)| e.value.is_some_and(|v| identical(v, value)));
                if let Some((same, deduction)) = same {
                    let result = IndicatorScore {
                        source,
                        value: Some(value),
                        comment,
                        ..*same
                    };
                    // A rule's points: full points − deduction.
                    (result, units.full_points - deduction, deduction)
                } else {
                    let out = match value_micros {
                        Some(micros) => rule::apply(units, micros, p),
                        None => {
                            rule::apply_decimal(&indicator.rule, indicator.full_points, value, p)
                        }
                    };
                    let shown = if lines {
                        explain::rule_outcome(self.text, self.locale, texts, value, &out)
                    } else {
                        explain::RuleText::default()
                    };
                    let result = IndicatorScore {
                        dimension: d,
                        indicator: i,
                        source,
                        value: Some(value),
                        shortfall: out.shortfall,
                        steps: from_units(out.steps, out.places),
                        deduction: micros(out.deduction),
                        points: micros(out.points),
                        explanation: shown.explanation,
                        value_text: shown.value,
                        shortfall_text: shown.shortfall,
                        comment,
                    };
                    (result, out.points, out.deduction)
                }
            }
            (
                None,
                Some(Input::Points {
                    micros: given,
                    entry,
                }),
            ) => {
                // Within 0..full points: fits.
                let points =
                    i64::try_from(to_micros_at(round_units(given.into(), MICRO_PLACES, p), p))
                        .unwrap_or(units.full_points);
                let result = IndicatorScore {
                    dimension: d,
                    indicator: i,
                    source: InputSource::RaterPoints,
                    value: None,
                    shortfall: Decimal::ZERO,
                    steps: Decimal::ZERO,
                    deduction: micros(units.full_points - points),
                    points: micros(points),
                    explanation: if lines {
                        explain::direct_points(self.text, texts, rater, points)
                    } else {
                        Span::default()
                    },
                    value_text: Span::default(),
                    shortfall_text: Span::default(),
                    comment: comment(entry),
                };
                (result, points, units.full_points - points)
            }
            (None, _) => {
                let result = IndicatorScore {
                    dimension: d,
                    indicator: i,
                    source: InputSource::Missing,
                    value: None,
                    shortfall: Decimal::ZERO,
                    steps: Decimal::ZERO,
                    deduction: Decimal::ZERO,
                    points: Decimal::ZERO,
                    explanation: if lines {
                        explain::missing(self.text, texts)
                    } else {
                        Span::default()
                    },
                    value_text: Span::default(),
                    shortfall_text: Span::default(),
                    comment: String::new(),
                };
                (result, 0, 0)
            }
        }
    }
}

/// The indicators that cost final-score points, largest first; each
/// rater's score with its deductions in millionths.
fn largest_losses(
    rubric: &Rubric,
    (own, own_deductions): (&RaterScore, &[i64]),
    (supervisor, supervisor_deductions): (&RaterScore, &[i64]),
    locale: crate::locale::Locale,
    text: &mut Text,
) -> Vec<Loss> {
    let units = &rubric.units.costs;
    // Blend% × deduction × weight%: millionths of a point times two
    // percents at `places`, over 100 × 100.
    let scale = MICRO_PLACES + 2 * (units.places + 2);
    // (exact cost in 10^-scale, ordinal), in rubric order.
    let mut costs: Vec<(i128, usize)> = Vec::with_capacity(own.indicators.len());
    for (ordinal, ((s, &sd), &pd)) in own
        .indicators
        .iter()
        .zip(own_deductions)
        .zip(supervisor_deductions)
        .enumerate()
    {
        let weight = i128::from(units.weights[s.dimension]);
        let cost = (i128::from(units.self_percent) * i128::from(sd)
            + i128::from(units.supervisor_percent) * i128::from(pd))
            * weight;
        if cost > 0 {
            costs.push((cost, ordinal));
        }
    }
    // Largest exact cost first. The sort is stable, so rubric order breaks
    // ties and the order is the same on every run.
    costs.sort_by_key(|&(cost, _)| std::cmp::Reverse(cost));
    let p = rubric.precision;
    costs
        .into_iter()
        .map(|(cost, ordinal)| {
            let (s, sp) = (&own.indicators[ordinal], &supervisor.indicators[ordinal]);
            let shown = round_units(cost, scale, p);
            let texts = explain::indicator(rubric, ordinal, locale);
            Loss {
                dimension: s.dimension,
                indicator: s.indicator,
                final_score_points: from_units(shown, p),
                self_deduction: s.deduction,
                supervisor_deduction: sp.deduction,
                explanation: explain::loss(text, texts, p, shown),
            }
        })
        .collect()
}

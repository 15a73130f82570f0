//! From a review and a rubric to an [`Outcome`]: inputs are resolved with
//! their precedence, checked against the rubric (every violation listed),
//! then scored with rounding only where SCORING.md section 3 says.

use super::explain;
use super::rule;
use super::*;
use crate::domain::rubric::{Indicator, Rubric, Unit};
use crate::domain::{Error, Violation, decimal};
use std::cmp::Ordering;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Scores `review` against `rubric`.
pub fn score(rubric: &Rubric, review: &Review) -> Result<Outcome, Error> {
    let mut violations = Vec::new();
    let lookup = Lookup::new(rubric);
    let measurements = resolve_measurements(&lookup, review, &mut violations);
    let self_inputs = resolve_rater(&lookup, review, Rater::SelfAssessment, &mut violations);
    let supervisor_inputs = resolve_rater(&lookup, review, Rater::Supervisor, &mut violations);

    if !review.allow_partial {
        for rater in [Rater::SelfAssessment, Rater::Supervisor] {
            let inputs = match rater {
                Rater::SelfAssessment => &self_inputs,
                Rater::Supervisor => &supervisor_inputs,
            };
            for (ordinal, (_, indicator)) in rubric.indicators().enumerate() {
                if inputs[ordinal].is_none() && measurements[ordinal].is_none() {
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
    if !violations.is_empty() {
        return Err(Error::Invalid(violations));
    }

    let locale = review.locale.unwrap_or(rubric.default_locale);
    let sources = Sources {
        measurements: &measurements,
        submissions: &review.submissions,
    };
    let self_score = score_rater(
        rubric,
        Rater::SelfAssessment,
        &self_inputs,
        &sources,
        locale,
    );
    let supervisor_score = score_rater(
        rubric,
        Rater::Supervisor,
        &supervisor_inputs,
        &sources,
        locale,
    );

    let blend = rubric.blend;
    let blended = |s: Decimal, p: Decimal| {
        decimal::round(
            blend.self_percent * s / HUNDRED + blend.supervisor_percent * p / HUNDRED,
            rubric.precision,
        )
    };
    let final_score = blended(self_score.total, supervisor_score.total);
    let max_reachable_final = blended(
        self_score.max_reachable_total,
        supervisor_score.max_reachable_total,
    );
    let grade_band = rubric
        .grade_bands
        .iter()
        .position(|b| b.min_score <= final_score && final_score <= b.max_score);
    let bonus_coefficient = match grade_band {
        Some(i) => rubric.grade_bands[i].bonus_coefficient,
        None => decimal::round(final_score / HUNDRED, 4),
    };

    let losses = largest_losses(rubric, &self_score, &supervisor_score, locale);
    let gap = self_score.total - supervisor_score.total;
    let gap_flagged = gap.abs() > rubric.gap_threshold;
    let complete = self_score.missing.is_empty() && supervisor_score.missing.is_empty();
    let gap_explanation = explain::gap(
        locale,
        rubric,
        self_score.total,
        supervisor_score.total,
        gap,
        gap_flagged,
    );
    let summary = explain::summary(
        locale,
        rubric,
        self_score.total,
        supervisor_score.total,
        final_score,
        bonus_coefficient,
        grade_band,
    );

    Ok(Outcome {
        locale,
        self_score,
        supervisor_score,
        final_score,
        bonus_coefficient,
        grade_band,
        losses,
        gap,
        gap_flagged,
        gap_explanation,
        complete,
        max_reachable_final,
        summary,
    })
}

/// Finds indicators by id. Requests usually list entries in rubric order,
/// so the indicator at the entry's own position is tried first (one string
/// comparison); anything else goes through the rubric's index. Ids are
/// unique in a rubric, so both ways find the same indicator.
struct Lookup<'r> {
    rubric: &'r Rubric,
}

impl<'r> Lookup<'r> {
    fn new(rubric: &'r Rubric) -> Self {
        Self { rubric }
    }

    /// The indicator `id` with its ordinal; `position` is where it is
    /// expected (any value when there is no expectation).
    fn find(&self, position: usize, id: &str) -> Option<(usize, &'r Indicator)> {
        if let Some((d, i)) = self.rubric.at(position) {
            let indicator = &self.rubric.dimensions[d].indicators[i];
            if indicator.id == id {
                return Some((position, indicator));
            }
        }
        let (d, i, indicator) = self.rubric.indicator(id)?;
        Some((self.rubric.offset(d) + i, indicator))
    }
}

/// A measurement: the value and the submission it came from.
type Measurement = Option<(Decimal, usize)>;
/// The measurements per indicator ordinal and the submissions they name.
struct Sources<'a> {
    measurements: &'a [Measurement],
    submissions: &'a [Submission],
}

/// A rater's input per indicator ordinal.
type RaterInput<'a> = Option<&'a Entry>;

fn resolve_measurements(
    lookup: &Lookup<'_>,
    review: &Review,
    violations: &mut Vec<Violation>,
) -> Vec<Measurement> {
    let rubric = lookup.rubric;
    let mut out: Vec<Measurement> = vec![None; rubric.indicator_count()];
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
        for (vi, (id, value)) in submission.values.iter().enumerate() {
            let field = || format!("submissions[{si}].values[\"{id}\"]");
            let Some((ordinal, indicator)) = lookup.find(vi, id) else {
                violations.push(Violation::new(field(), unknown_indicator(rubric, id)));
                continue;
            };
            if let Err(reason) = check_value(indicator, *value) {
                violations.push(Violation::new(field(), reason));
            }
            match out[ordinal] {
                Some((_, first)) => violations.push(Violation::new(
                    field(),
                    format!(
                        "also given by submissions[{first}] (source \"{}\"); one submission per indicator",
                        review.submissions[first].source
                    ),
                )),
                None => out[ordinal] = Some((*value, si)),
            }
        }
    }
    out
}

fn resolve_rater<'a>(
    lookup: &Lookup<'_>,
    review: &'a Review,
    rater: Rater,
    violations: &mut Vec<Violation>,
) -> Vec<RaterInput<'a>> {
    let entries = match rater {
        Rater::SelfAssessment => &review.self_assessment,
        Rater::Supervisor => &review.supervisor_assessment,
    };
    let rubric = lookup.rubric;
    let mut out: Vec<RaterInput<'a>> = vec![None; rubric.indicator_count()];
    let mut first_at: Vec<Option<usize>> = vec![None; rubric.indicator_count()];
    for (ei, entry) in entries.iter().enumerate() {
        // Built only for a violation: valid entries allocate nothing here.
        let path = || format!("{}.entries[{ei}]", rater.field());
        let Some((ordinal, indicator)) = lookup.find(ei, &entry.indicator_id) else {
            let reason = if entry.indicator_id.is_empty() {
                "is required".to_string()
            } else {
                unknown_indicator(rubric, &entry.indicator_id)
            };
            violations.push(Violation::new(format!("{}.indicator_id", path()), reason));
            continue;
        };
        if let Some(first) = first_at[ordinal] {
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
        first_at[ordinal] = Some(ei);
        // Recorded even when invalid, so it is not also reported missing;
        // nothing is scored while any violation stands.
        out[ordinal] = Some(entry);
        match entry.input {
            EntryInput::Value(value) => {
                if let Err(reason) = check_value(indicator, value) {
                    violations.push(Violation::new(format!("{}.value", path()), reason));
                }
            }
            EntryInput::Points(points) => {
                if points < Decimal::ZERO || points > indicator.full_points {
                    violations.push(Violation::new(
                        format!("{}.points", path()),
                        format!(
                            "{} is outside 0..{} (the indicator's full points)",
                            decimal::plain(points),
                            decimal::plain(indicator.full_points)
                        ),
                    ));
                }
            }
        }
    }
    out
}

fn unknown_indicator(rubric: &Rubric, id: &str) -> String {
    format!(
        "unknown indicator \"{id}\" for rubric {} version {}",
        rubric.id, rubric.version
    )
}

/// Checks a value against the indicator's range and unit.
fn check_value(indicator: &Indicator, value: Decimal) -> Result<(), String> {
    if let Some(min) = indicator.min_value
        && value < min
    {
        return Err(format!(
            "{} is below the minimum {} of {}",
            decimal::plain(value),
            decimal::plain(min),
            indicator.id
        ));
    }
    if let Some(max) = indicator.max_value
        && value > max
    {
        return Err(format!(
            "{} is above the maximum {} of {}",
            decimal::plain(value),
            decimal::plain(max),
            indicator.id
        ));
    }
    if indicator.unit == Unit::Count && !value.fract().is_zero() {
        return Err(format!(
            "{} is not a whole number; {} is a count",
            decimal::plain(value),
            indicator.id
        ));
    }
    Ok(())
}

fn score_rater(
    rubric: &Rubric,
    rater: Rater,
    inputs: &[RaterInput<'_>],
    sources: &Sources<'_>,
    locale: crate::domain::locale::Locale,
) -> RaterScore {
    let mut indicators = Vec::with_capacity(inputs.len());
    let mut dimensions = Vec::with_capacity(rubric.dimensions.len());
    let mut missing = Vec::new();
    let mut total = Decimal::ZERO;
    let mut reachable = Decimal::ZERO;
    let mut ordinal = 0;
    for (d, dimension) in rubric.dimensions.iter().enumerate() {
        let mut score = Decimal::ZERO;
        let mut missing_points = Decimal::ZERO;
        for (i, indicator) in dimension.indicators.iter().enumerate() {
            let (source, comment, value, points_given) =
                match (inputs[ordinal], sources.measurements[ordinal]) {
                    (Some(entry), _) => match entry.input {
                        EntryInput::Value(v) => (
                            InputSource::RaterValue,
                            entry.comment.clone(),
                            Some(v),
                            None,
                        ),
                        EntryInput::Points(p) => (
                            InputSource::RaterPoints,
                            entry.comment.clone(),
                            None,
                            Some(p),
                        ),
                    },
                    (None, Some((v, si))) => (
                        InputSource::Submission {
                            index: si,
                            source: sources.submissions[si].source.clone(),
                        },
                        String::new(),
                        Some(v),
                        None,
                    ),
                    (None, None) => (InputSource::Missing, String::new(), None, None),
                };
            let full = indicator.full_points;
            let result = match (value, points_given) {
                (Some(v), _) => {
                    let out = rule::apply(&indicator.rule, full, v, rubric.precision);
                    let texts = explain::indicator(rubric, ordinal, locale);
                    let text = explain::rule_outcome(locale, texts, v, &out);
                    IndicatorScore {
                        dimension: d,
                        indicator: i,
                        source,
                        value: Some(v),
                        shortfall: out.shortfall,
                        steps: out.steps,
                        deduction: out.deduction,
                        points: out.points,
                        explanation: text,
                        comment,
                    }
                }
                (None, Some(p)) => {
                    let points = decimal::round(p, rubric.precision);
                    let deduction = decimal::normalize(full - points);
                    IndicatorScore {
                        dimension: d,
                        indicator: i,
                        source,
                        value: None,
                        shortfall: Decimal::ZERO,
                        steps: Decimal::ZERO,
                        deduction,
                        points,
                        explanation: explain::direct_points(
                            explain::indicator(rubric, ordinal, locale),
                            rater,
                            points,
                        ),
                        comment,
                    }
                }
                (None, None) => {
                    missing.push(indicator.id.clone());
                    missing_points += full;
                    IndicatorScore {
                        dimension: d,
                        indicator: i,
                        source,
                        value: None,
                        shortfall: Decimal::ZERO,
                        steps: Decimal::ZERO,
                        deduction: Decimal::ZERO,
                        points: Decimal::ZERO,
                        explanation: explain::missing(explain::indicator(rubric, ordinal, locale)),
                        comment,
                    }
                }
            };
            score += result.points;
            indicators.push(result);
            ordinal += 1;
        }
        let weighted = dimension.weight_percent * score / HUNDRED;
        total += weighted;
        reachable += dimension.weight_percent * (score + missing_points) / HUNDRED;
        dimensions.push(DimensionScore {
            score: decimal::normalize(score),
            weighted: decimal::normalize(weighted),
        });
    }
    RaterScore {
        rater,
        indicators,
        dimensions,
        total: decimal::round(total, rubric.precision),
        max_reachable_total: decimal::round(reachable, rubric.precision),
        missing,
    }
}

fn largest_losses(
    rubric: &Rubric,
    own: &RaterScore,
    supervisor: &RaterScore,
    locale: crate::domain::locale::Locale,
) -> Vec<Loss> {
    let blend = rubric.blend;
    let mut losses: Vec<(Decimal, usize, Loss)> = Vec::new();
    for (ordinal, (s, p)) in own
        .indicators
        .iter()
        .zip(&supervisor.indicators)
        .enumerate()
    {
        let weight = rubric.dimensions[s.dimension].weight_percent;
        let cost = (blend.self_percent * s.deduction + blend.supervisor_percent * p.deduction)
            * weight
            / (HUNDRED * HUNDRED);
        if cost <= Decimal::ZERO {
            continue;
        }
        let shown = decimal::round(cost, rubric.precision);
        let texts = explain::indicator(rubric, ordinal, locale);
        losses.push((
            cost,
            ordinal,
            Loss {
                dimension: s.dimension,
                indicator: s.indicator,
                final_score_points: shown,
                self_deduction: s.deduction,
                supervisor_deduction: p.deduction,
                explanation: explain::loss(texts, rubric.precision, shown),
            },
        ));
    }
    // Largest exact cost first; rubric order breaks ties, so the order is
    // the same on every run.
    losses.sort_by(|a, b| match b.0.cmp(&a.0) {
        Ordering::Equal => a.1.cmp(&b.1),
        other => other,
    });
    losses.into_iter().map(|(_, _, loss)| loss).collect()
}

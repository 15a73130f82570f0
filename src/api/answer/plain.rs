//! The plain ScoreReviewResponse: the generated message, field by field.
//!
//! This is what the answer means; the writer in the parent module is a
//! faster way to the same bytes. Tests compare the two over the examples
//! and over random reviews, so a field renumbered in review.proto, added
//! to the message or left out of the writer fails a test.

use super::{View, direction_proto, named, unit_proto};
use crate::api::pb;
use scorecard_core::decimal::{fixed, plain};
use scorecard_core::rubric::Rubric;
use scorecard_core::scoring::{InputSource, Outcome, RaterScore, Review, Span};

/// The ScoreReviewResponse for a scored review, in `view`.
pub fn score_review(
    rubric: &Rubric,
    review: &Review,
    out: &Outcome,
    view: View,
) -> pb::ScoreReviewResponse {
    let p = rubric.precision;
    let locale = out.locale;
    let shown = &rubric.shown;
    let grade_band = out
        .grade_band
        .and_then(|i| Some((rubric.grade_bands.get(i)?, shown.bands.get(i)?)))
        .map(|(band, (min, max, bonus))| pb::GradeBandResult {
            id: band.id.clone(),
            name: named(rubric, &band.names, locale).to_owned(),
            min_score: min.clone(),
            max_score: max.clone(),
            bonus_coefficient: bonus.clone(),
        });
    let largest_losses = out
        .losses
        .iter()
        .map(|loss| {
            let dimension = &rubric.dimensions[loss.dimension];
            let indicator = &dimension.indicators[loss.indicator];
            let ordinal = rubric.offset(loss.dimension) + loss.indicator;
            pb::Loss {
                indicator_id: indicator.id.clone(),
                dimension_id: dimension.id.clone(),
                name: named(rubric, &indicator.names, locale).to_owned(),
                final_score_points: fixed(loss.final_score_points, p),
                self_deduction: fixed(loss.self_deduction, p),
                supervisor_deduction: fixed(loss.supervisor_deduction, p),
                full_points_value: shown
                    .indicators
                    .get(ordinal)
                    .map_or(String::new(), |s| s.0.clone()),
                direction: direction_proto(indicator.rule.direction),
                unit: unit_proto(indicator.unit),
                explanation: out.text(loss.explanation).to_owned(),
            }
        })
        .collect();
    pb::ScoreReviewResponse {
        review_id: review.review_id.clone(),
        rubric: Some(pb::RubricInfo {
            id: rubric.id.clone(),
            version: rubric.version,
            content_hash: rubric.content_hash.clone(),
            name: rubric.name(locale).to_owned(),
        }),
        service_version: crate::VERSION.to_owned(),
        locale: locale.tag().to_owned(),
        employee_id: review.employee_id.clone(),
        period_label: review.period_label.clone(),
        self_assessment: Some(rater(rubric, review, out, &out.self_score, view)),
        supervisor_assessment: Some(rater(rubric, review, out, &out.supervisor_score, view)),
        self_weight_percent: shown.self_percent.clone(),
        supervisor_weight_percent: shown.supervisor_percent.clone(),
        final_score: fixed(out.final_score, p),
        bonus_coefficient: fixed(out.bonus_coefficient, 4),
        grade_band,
        largest_losses,
        gap: Some(pb::RaterGap {
            self_minus_supervisor: fixed(out.gap, p),
            threshold: shown.gap_threshold.clone(),
            flagged: out.gap_flagged,
            explanation: out.text(out.gap_explanation).to_owned(),
        }),
        complete: out.complete,
        max_reachable_final_score: fixed(out.max_reachable_final, p),
        summary: out.text(out.summary).to_owned(),
    }
}

fn rater(
    rubric: &Rubric,
    review: &Review,
    out: &Outcome,
    score: &RaterScore,
    view: View,
) -> pb::RaterBreakdown {
    let p = rubric.precision;
    let locale = out.locale;
    let shown = &rubric.shown;
    let indicators = match view {
        View::Summary => Vec::new(),
        View::Full => score
            .indicators
            .iter()
            .zip(&shown.indicators)
            .map(|(s, (target, full_points))| {
                let dimension = &rubric.dimensions[s.dimension];
                let indicator = &dimension.indicators[s.indicator];
                let (input_kind, source, submission_index) = match s.source {
                    InputSource::Submission { index } => (
                        pb::InputKind::SubmissionValue,
                        review
                            .submissions
                            .get(index)
                            .map_or(String::new(), |s| s.source.clone()),
                        index as u32,
                    ),
                    InputSource::RaterValue => (pb::InputKind::RaterValue, String::new(), 0),
                    InputSource::RaterPoints => (pb::InputKind::RaterPoints, String::new(), 0),
                    InputSource::Missing => (pb::InputKind::Missing, String::new(), 0),
                };
                pb::IndicatorResult {
                    indicator_id: indicator.id.clone(),
                    dimension_id: dimension.id.clone(),
                    name: named(rubric, &indicator.names, locale).to_owned(),
                    input_kind: input_kind as i32,
                    source,
                    submission_index,
                    value: match s.value {
                        Some(_) => out.text(s.value_text).to_owned(),
                        None => String::new(),
                    },
                    unit: unit_proto(indicator.unit),
                    direction: direction_proto(indicator.rule.direction),
                    target: target.clone(),
                    shortfall: if s.shortfall_text == Span::default() {
                        plain(s.shortfall)
                    } else {
                        out.text(s.shortfall_text).to_owned()
                    },
                    steps: plain(s.steps),
                    deduction: fixed(s.deduction, p),
                    points: fixed(s.points, p),
                    full_points: full_points.clone(),
                    explanation: out.text(s.explanation).to_owned(),
                    comment: s.comment.clone(),
                }
            })
            .collect(),
    };
    let dimensions = rubric
        .dimensions
        .iter()
        .zip(&score.dimensions)
        .zip(&shown.dimensions)
        .map(|((d, s), (weight, max_score))| pb::DimensionResult {
            dimension_id: d.id.clone(),
            name: named(rubric, &d.names, locale).to_owned(),
            score: fixed(s.score, p),
            max_score: max_score.clone(),
            weight_percent: weight.clone(),
            weighted_score: plain(s.weighted),
        })
        .collect();
    pb::RaterBreakdown {
        rater: match score.rater {
            scorecard_core::scoring::Rater::SelfAssessment => pb::Rater::Self_,
            scorecard_core::scoring::Rater::Supervisor => pb::Rater::Supervisor,
        } as i32,
        indicators,
        dimensions,
        total: fixed(score.total, p),
        max_reachable_total: fixed(score.max_reachable_total, p),
        missing_indicator_ids: score.missing.clone(),
    }
}

//! proto ⇄ domain for reviews and rubrics. Inbound conversions check the
//! request's shape and name the field path of every violation; checks that
//! need the rubric happen in the domain.

use super::pb;
use crate::domain::decimal::{self, fixed, plain};
use crate::domain::locale::{LOCALE_REASON, Locale};
use crate::domain::rubric::{self, Rubric, RubricSpec};
use crate::domain::scoring::{self, EntryInput, InputSource, Outcome, RaterScore};
use crate::domain::{Error, Violation};
use rust_decimal::Decimal;

/// Which rubric a request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum RubricChoice {
    /// A loaded rubric; `None` version means the latest.
    Ref { id: String, version: Option<u32> },
    /// A rubric carried in the request.
    Inline(Box<RubricSpec>),
    /// Neither given: the built-in rubric's latest version.
    BuiltIn,
}

/// A review request in domain terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRequest {
    pub review: scoring::Review,
    pub rubric: RubricChoice,
}

/// Longest id or label accepted (review ids, employee ids, sources).
const MAX_ID_LEN: usize = 256;

/// Checks and converts a ScoreReview request.
pub fn review_request(req: pb::ScoreReviewRequest) -> Result<ReviewRequest, Error> {
    let mut v = Vec::new();
    let employee = req.employee.unwrap_or_default();
    let period = req.period.unwrap_or_default();
    check_len(&mut v, "review_id", &req.review_id);
    check_len(&mut v, "employee.id", &employee.id);
    check_len(&mut v, "period.label", &period.label);
    check_period(&mut v, "period", &period);

    let rubric = match req.rubric_source {
        None => RubricChoice::BuiltIn,
        Some(pb::score_review_request::RubricSource::RubricRef(r)) => {
            if r.id.is_empty() {
                v.push(Violation::new("rubric_ref.id", "is required"));
            }
            RubricChoice::Ref {
                id: r.id,
                version: (r.version > 0).then_some(r.version),
            }
        }
        Some(pb::score_review_request::RubricSource::InlineRubric(r)) => {
            RubricChoice::Inline(Box::new(rubric_spec(r)))
        }
    };

    let locale = if req.locale.is_empty() {
        None
    } else {
        let parsed = Locale::parse(&req.locale);
        if parsed.is_none() {
            v.push(Violation::new(
                "locale",
                format!("\"{}\" is not supported; {LOCALE_REASON}", req.locale),
            ));
        }
        parsed
    };

    let mut submissions = Vec::with_capacity(req.submissions.len());
    for (si, s) in req.submissions.into_iter().enumerate() {
        if s.source.is_empty() {
            v.push(Violation::new(
                format!("submissions[{si}].source"),
                "is required (e.g. \"ticketing\", \"survey\")",
            ));
        }
        check_len(&mut v, &format!("submissions[{si}].source"), &s.source);
        let mut values = Vec::with_capacity(s.values.len());
        for (id, value) in s.values {
            match decimal::from_f64(value) {
                Ok(d) => values.push((id, d)),
                Err(reason) => v.push(Violation::new(
                    format!("submissions[{si}].values[\"{id}\"]"),
                    reason,
                )),
            }
        }
        submissions.push(scoring::Submission {
            source: s.source,
            employee_id: s.employee_id,
            values,
        });
    }
    let self_assessment = entries(&mut v, "self_assessment", req.self_assessment);
    let supervisor_assessment = entries(&mut v, "supervisor_assessment", req.supervisor_assessment);

    if !v.is_empty() {
        return Err(Error::Invalid(v));
    }
    Ok(ReviewRequest {
        review: scoring::Review {
            review_id: req.review_id,
            employee_id: employee.id,
            period_label: period.label,
            submissions,
            self_assessment,
            supervisor_assessment,
            locale,
            allow_partial: req.allow_partial,
        },
        rubric,
    })
}

fn check_len(v: &mut Vec<Violation>, field: &str, text: &str) {
    if text.len() > MAX_ID_LEN {
        v.push(Violation::new(
            field,
            format!("is {} bytes long; at most {MAX_ID_LEN}", text.len()),
        ));
    }
}

fn check_period(v: &mut Vec<Violation>, field: &str, period: &pb::ReviewPeriod) {
    let parse = |v: &mut Vec<Violation>, name: &str, text: &str| -> Option<jiff::civil::Date> {
        if text.is_empty() {
            return None;
        }
        match text.parse::<jiff::civil::Date>() {
            Ok(d) if text.len() == 10 => Some(d),
            _ => {
                v.push(Violation::new(
                    format!("{field}.{name}"),
                    format!("\"{text}\" is not a date of the form YYYY-MM-DD"),
                ));
                None
            }
        }
    };
    let start = parse(v, "start_date", &period.start_date);
    let end = parse(v, "end_date", &period.end_date);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        v.push(Violation::new(
            format!("{field}.end_date"),
            format!("{e} is before start_date {s}"),
        ));
    }
}

fn entries(
    v: &mut Vec<Violation>,
    field: &str,
    assessment: Option<pb::Assessment>,
) -> Vec<scoring::Entry> {
    let Some(assessment) = assessment else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(assessment.entries.len());
    for (i, e) in assessment.entries.into_iter().enumerate() {
        let (name, number, make): (&str, f64, fn(Decimal) -> EntryInput) = match e.input {
            None => {
                v.push(Violation::new(
                    format!("{field}.entries[{i}]"),
                    "needs a value or points",
                ));
                continue;
            }
            Some(pb::assessment_entry::Input::Value(x)) => ("value", x, EntryInput::Value),
            Some(pb::assessment_entry::Input::Points(x)) => ("points", x, EntryInput::Points),
        };
        let input = match decimal::from_f64(number) {
            Ok(d) => make(d),
            Err(reason) => {
                v.push(Violation::new(
                    format!("{field}.entries[{i}].{name}"),
                    reason,
                ));
                continue;
            }
        };
        out.push(scoring::Entry {
            indicator_id: e.indicator_id,
            input,
            comment: e.comment,
        });
    }
    out
}

/// Validates an inline rubric, with field paths under `inline_rubric`.
pub fn validate_inline(spec: &RubricSpec) -> Result<Rubric, Error> {
    rubric::validate(spec).map_err(|violations| {
        Error::Invalid(
            violations
                .into_iter()
                .map(|v| Violation::new(prefixed("inline_rubric", &v.field), v.reason))
                .collect(),
        )
    })
}

/// `prefix.field`, or `prefix` alone for a rubric-level violation.
pub fn prefixed(prefix: &str, field: &str) -> String {
    if field.is_empty() {
        prefix.to_string()
    } else if field.starts_with('[') {
        format!("{prefix}{field}")
    } else {
        format!("{prefix}.{field}")
    }
}

// ---------------------------------------------------------------- rubrics

fn enum_name(name: Option<&str>, raw: i32) -> String {
    name.map(str::to_string).unwrap_or_else(|| raw.to_string())
}

/// A proto rubric in the one shape every rubric is validated in.
pub fn rubric_spec(r: pb::Rubric) -> RubricSpec {
    RubricSpec {
        id: r.id,
        version: r.version,
        default_locale: r.default_locale,
        names: r.names,
        precision: r.precision,
        blend: r.blend.map(|b| rubric::BlendSpec {
            self_weight_percent: b.self_weight_percent,
            supervisor_weight_percent: b.supervisor_weight_percent,
        }),
        grade_bands: r
            .grade_bands
            .into_iter()
            .map(|b| rubric::GradeBandSpec {
                id: b.id,
                names: b.names,
                min_score: b.min_score,
                max_score: b.max_score,
                bonus_coefficient: b.bonus_coefficient,
            })
            .collect(),
        gap_threshold: r.gap_threshold,
        dimensions: r
            .dimensions
            .into_iter()
            .map(|d| rubric::DimensionSpec {
                id: d.id,
                names: d.names,
                weight_percent: d.weight_percent,
                indicators: d
                    .indicators
                    .into_iter()
                    .map(|i| rubric::IndicatorSpec {
                        id: i.id,
                        names: i.names,
                        unit: enum_name(
                            pb::Unit::try_from(i.unit).ok().map(|u| u.as_str_name()),
                            i.unit,
                        ),
                        min_value: i.min_value,
                        max_value: i.max_value,
                        full_points: i.full_points,
                        rule: i.rule.map(|r| rubric::RuleSpec {
                            direction: enum_name(
                                pb::Direction::try_from(r.direction)
                                    .ok()
                                    .map(|d| d.as_str_name()),
                                r.direction,
                            ),
                            target: r.target,
                            step: r.step,
                            penalty: r.penalty,
                            rounding: enum_name(
                                pb::Rounding::try_from(r.rounding)
                                    .ok()
                                    .map(|d| d.as_str_name()),
                                r.rounding,
                            ),
                        }),
                        response_limit_minutes: i.response_limit_minutes,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn enum_value(text: &str, prefix: &str, parse: fn(&str) -> Option<i32>) -> i32 {
    let full = if text.starts_with(prefix) {
        text.to_string()
    } else {
        format!("{prefix}{text}")
    };
    parse(&full).unwrap_or(0)
}

/// A rubric spec as the proto message (GetRubric, files shown by the CLI).
pub fn rubric_proto(spec: &RubricSpec) -> pb::Rubric {
    pb::Rubric {
        id: spec.id.clone(),
        version: spec.version,
        default_locale: spec.default_locale.clone(),
        names: spec.names.clone(),
        precision: spec.precision,
        blend: spec.blend.as_ref().map(|b| pb::Blend {
            self_weight_percent: b.self_weight_percent,
            supervisor_weight_percent: b.supervisor_weight_percent,
        }),
        grade_bands: spec
            .grade_bands
            .iter()
            .map(|b| pb::GradeBand {
                id: b.id.clone(),
                names: b.names.clone(),
                min_score: b.min_score,
                max_score: b.max_score,
                bonus_coefficient: b.bonus_coefficient,
            })
            .collect(),
        gap_threshold: spec.gap_threshold,
        dimensions: spec
            .dimensions
            .iter()
            .map(|d| pb::Dimension {
                id: d.id.clone(),
                names: d.names.clone(),
                weight_percent: d.weight_percent,
                indicators: d
                    .indicators
                    .iter()
                    .map(|i| pb::Indicator {
                        id: i.id.clone(),
                        names: i.names.clone(),
                        unit: enum_value(&i.unit, "UNIT_", |s| {
                            pb::Unit::from_str_name(s).map(|u| u as i32)
                        }),
                        min_value: i.min_value,
                        max_value: i.max_value,
                        full_points: i.full_points,
                        rule: i.rule.as_ref().map(|r| pb::Rule {
                            direction: enum_value(&r.direction, "DIRECTION_", |s| {
                                pb::Direction::from_str_name(s).map(|d| d as i32)
                            }),
                            target: r.target,
                            step: r.step,
                            penalty: r.penalty,
                            rounding: enum_value(&r.rounding, "ROUNDING_", |s| {
                                pb::Rounding::from_str_name(s).map(|d| d as i32)
                            }),
                        }),
                        response_limit_minutes: i.response_limit_minutes,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The canonical proto form of a validated rubric.
pub fn rubric_to_proto(rubric: &Rubric) -> pb::Rubric {
    rubric_proto(&rubric::to_spec(rubric))
}

/// Violations as the proto list ValidateRubric answers with.
pub fn violations_proto(violations: &[Violation]) -> Vec<pb::RubricViolation> {
    violations
        .iter()
        .map(|v| pb::RubricViolation {
            field: v.field.clone(),
            reason: v.reason.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------- answers

fn unit_proto(unit: rubric::Unit) -> i32 {
    (match unit {
        rubric::Unit::Percent => pb::Unit::Percent,
        rubric::Unit::Score => pb::Unit::Score,
        rubric::Unit::Count => pb::Unit::Count,
        rubric::Unit::Minutes => pb::Unit::Minutes,
        rubric::Unit::Hours => pb::Unit::Hours,
    }) as i32
}

fn direction_proto(direction: rubric::Direction) -> i32 {
    (match direction {
        rubric::Direction::AtLeast => pb::Direction::AtLeast,
        rubric::Direction::AtMost => pb::Direction::AtMost,
    }) as i32
}

/// Moves the outcome's texts (explanations, comments, sources) into the
/// answer: only the rubric's own texts are copied.
fn rater_proto(
    rubric: &Rubric,
    review: &scoring::Review,
    out: &Outcome,
    score: &RaterScore,
) -> pb::RaterBreakdown {
    let locale = out.locale;
    let p = rubric.precision;
    let indicators = score
        .indicators
        .iter()
        .map(|s| {
            let dimension = &rubric.dimensions[s.dimension];
            let indicator = &dimension.indicators[s.indicator];
            let (kind, source, index) = match s.source {
                InputSource::Submission { index } => (
                    pb::InputKind::SubmissionValue,
                    review
                        .submissions
                        .get(index)
                        .map(|s| s.source.clone())
                        .unwrap_or_default(),
                    index as u32,
                ),
                InputSource::RaterValue => (pb::InputKind::RaterValue, String::new(), 0),
                InputSource::RaterPoints => (pb::InputKind::RaterPoints, String::new(), 0),
                InputSource::Missing => (pb::InputKind::Missing, String::new(), 0),
            };
            pb::IndicatorResult {
                indicator_id: indicator.id.clone(),
                dimension_id: dimension.id.clone(),
                name: indicator
                    .names
                    .get(locale, rubric.default_locale)
                    .to_string(),
                input_kind: kind as i32,
                source,
                submission_index: index,
                value: s.value.map(plain).unwrap_or_default(),
                unit: unit_proto(indicator.unit),
                direction: direction_proto(indicator.rule.direction),
                target: plain(indicator.rule.target),
                shortfall: plain(s.shortfall),
                steps: plain(decimal::round(s.steps, 4)),
                deduction: fixed(s.deduction, p),
                points: fixed(s.points, p),
                full_points: fixed(indicator.full_points, p),
                explanation: out.text(s.explanation).to_string(),
                comment: s.comment.clone(),
            }
        })
        .collect();
    let dimensions = rubric
        .dimensions
        .iter()
        .zip(&score.dimensions)
        .map(|(d, s)| pb::DimensionResult {
            dimension_id: d.id.clone(),
            name: d.names.get(locale, rubric.default_locale).to_string(),
            score: fixed(s.score, p),
            max_score: fixed(d.max_score, p),
            weight_percent: plain(d.weight_percent),
            weighted_score: plain(s.weighted),
        })
        .collect();
    let rater = match score.rater {
        scoring::Rater::SelfAssessment => pb::Rater::Self_,
        scoring::Rater::Supervisor => pb::Rater::Supervisor,
    };
    pb::RaterBreakdown {
        rater: rater as i32,
        indicators,
        dimensions,
        total: fixed(score.total, p),
        max_reachable_total: fixed(score.max_reachable_total, p),
        missing_indicator_ids: score.missing.clone(),
    }
}

/// The answer to a scored review. Takes the review and the outcome by
/// value: their strings move into the answer instead of being copied.
pub fn score_response(
    rubric: &Rubric,
    review: scoring::Review,
    out: Outcome,
) -> pb::ScoreReviewResponse {
    let p = rubric.precision;
    let locale = out.locale;
    let losses = out
        .losses
        .iter()
        .map(|l| {
            let dimension = &rubric.dimensions[l.dimension];
            let indicator = &dimension.indicators[l.indicator];
            pb::Loss {
                indicator_id: indicator.id.clone(),
                dimension_id: dimension.id.clone(),
                name: indicator
                    .names
                    .get(locale, rubric.default_locale)
                    .to_string(),
                final_score_points: fixed(l.final_score_points, p),
                self_deduction: fixed(l.self_deduction, p),
                supervisor_deduction: fixed(l.supervisor_deduction, p),
                full_points_value: plain(indicator.rule.target),
                direction: direction_proto(indicator.rule.direction),
                unit: unit_proto(indicator.unit),
                explanation: out.text(l.explanation).to_string(),
            }
        })
        .collect();
    let self_breakdown = Some(rater_proto(rubric, &review, &out, &out.self_score));
    let supervisor_breakdown = Some(rater_proto(rubric, &review, &out, &out.supervisor_score));
    let grade_band = out.grade_band.map(|i| {
        let b = &rubric.grade_bands[i];
        pb::GradeBandResult {
            id: b.id.clone(),
            name: b.names.get(locale, rubric.default_locale).to_string(),
            min_score: plain(b.min_score),
            max_score: plain(b.max_score),
            bonus_coefficient: fixed(b.bonus_coefficient, 4),
        }
    });
    pb::ScoreReviewResponse {
        review_id: review.review_id,
        rubric: Some(pb::RubricInfo {
            id: rubric.id.clone(),
            version: rubric.version,
            content_hash: rubric.content_hash.clone(),
            name: rubric.name(locale).to_string(),
        }),
        service_version: crate::VERSION.to_string(),
        locale: locale.tag().to_string(),
        employee_id: review.employee_id,
        period_label: review.period_label,
        self_assessment: self_breakdown,
        supervisor_assessment: supervisor_breakdown,
        self_weight_percent: plain(rubric.blend.self_percent),
        supervisor_weight_percent: plain(rubric.blend.supervisor_percent),
        final_score: fixed(out.final_score, p),
        bonus_coefficient: fixed(out.bonus_coefficient, 4),
        grade_band,
        largest_losses: losses,
        gap: Some(pb::RaterGap {
            self_minus_supervisor: fixed(out.gap, p),
            threshold: plain(rubric.gap_threshold),
            flagged: out.gap_flagged,
            explanation: out.text(out.gap_explanation).to_string(),
        }),
        complete: out.complete,
        max_reachable_final_score: fixed(out.max_reachable_final, p),
        summary: out.text(out.summary).to_string(),
    }
}

/// Hundredths etc. are shown exactly; used by tests and the CLI.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    text.parse().ok()
}

//! proto ⇄ domain for reviews and rubrics. Inbound conversions check the
//! request's shape and name the field path of every violation; checks that
//! need the rubric happen in the domain.

use super::pb;
use rust_decimal::Decimal;
use scorecard_core::decimal;
use scorecard_core::locale::{LOCALE_REASON, Locale};
use scorecard_core::rubric::{self, Rubric, RubricSpec};
use scorecard_core::scoring::{self, EntryInput};
use scorecard_core::{Error, Violation};

/// Which rubric a request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum RubricChoice {
    /// A loaded rubric; `None` version means the latest.
    Ref { id: String, version: Option<u32> },
    /// A rubric carried in the request.
    Inline(Box<RubricSpec>),
    /// Neither given: the built-in rubric (not a later version of its id
    /// loaded from files).
    BuiltIn,
}

/// A review request in domain terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRequest {
    pub review: scoring::Review,
    pub rubric: RubricChoice,
}

/// Longest id or label accepted (review ids, employee ids, sources,
/// indicator ids, rubric ids, locales): one cap on every RPC.
const MAX_ID_LEN: usize = scorecard_core::MAX_ID_BYTES;

/// Longest rater comment accepted, in bytes. A comment is echoed once, in
/// its rater's indicator line.
pub const MAX_COMMENT_BYTES: usize = 1024;

/// Checks and converts a ScoreReview request.
pub fn review_request(req: pb::ScoreReviewRequest) -> Result<ReviewRequest, Error> {
    let (request, violations) = checked_review_request(req);
    if violations.is_empty() {
        Ok(request)
    } else {
        Err(Error::Invalid(violations))
    }
}

/// Converts a ScoreReview request as far as it goes, with every violation
/// found on the way. With violations, the review is still checked against
/// its rubric, so that those violations are listed too: each input that
/// is not a number a decimal holds, or no input at all, is kept in its
/// place as refused ([`EntryInput::Refused`],
/// [`scoring::Submission::refused`]), an unsupported locale is left out,
/// and such a review is never scored.
pub fn checked_review_request(req: pb::ScoreReviewRequest) -> (ReviewRequest, Vec<Violation>) {
    let mut v = Vec::new();
    let employee = req.employee.unwrap_or_default();
    let period = req.period.unwrap_or_default();
    check_len(&mut v, || "review_id", &req.review_id);
    check_len(&mut v, || "employee.id", &employee.id);
    check_len(&mut v, || "period.label", &period.label);
    let review_dates = check_period(&mut v, "period", &period);

    let rubric = match req.rubric_source {
        None => RubricChoice::BuiltIn,
        Some(pb::score_review_request::RubricSource::RubricRef(r)) => {
            if r.id.is_empty() {
                v.push(Violation::new("rubric_ref.id", "is required"));
            }
            check_len(&mut v, || "rubric_ref.id", &r.id);
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
    } else if req.locale.len() > MAX_ID_LEN {
        v.push(Violation::too_long("locale", &req.locale));
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
        check_len(&mut v, || format!("submissions[{si}].source"), &s.source);
        check_len(
            &mut v,
            || format!("submissions[{si}].employee_id"),
            &s.employee_id,
        );
        if let Some(sp) = &s.period {
            let field = format!("submissions[{si}].period");
            check_submission_period(&mut v, &field, sp, &period.label, review_dates);
        }
        let mut values = Vec::with_capacity(s.values.len());
        let mut refused = Vec::new();
        for (id, value) in s.values {
            if id.len() > MAX_ID_LEN {
                let key = scorecard_core::clip(&id, 32);
                v.push(Violation::too_long(
                    format!("submissions[{si}].values[\"{key}\"]"),
                    &id,
                ));
                continue;
            }
            match decimal::from_f64(value) {
                Ok(d) => values.push((id, d)),
                Err(reason) => {
                    v.push(Violation::new(
                        format!("submissions[{si}].values[\"{id}\"]"),
                        reason.to_string(),
                    ));
                    refused.push(id);
                }
            }
        }
        submissions.push(scoring::Submission {
            // A source refused for its length is not quoted in the
            // violations of values given twice.
            source: within_len(s.source),
            employee_id: within_len(s.employee_id),
            values,
            refused,
        });
    }
    let self_assessment = entries(&mut v, "self_assessment", req.self_assessment);
    let supervisor_assessment = entries(&mut v, "supervisor_assessment", req.supervisor_assessment);

    let request = ReviewRequest {
        review: scoring::Review {
            review_id: req.review_id,
            // An id refused for its length is not compared with the
            // submissions' (their violations would quote it whole).
            employee_id: within_len(employee.id),
            period_label: period.label,
            submissions,
            self_assessment,
            supervisor_assessment,
            locale,
            allow_partial: req.allow_partial,
        },
        rubric,
    };
    (request, v)
}

/// `id`, or nothing when it is over [`MAX_ID_LEN`] (refused by
/// [`check_len`]).
fn within_len(id: String) -> String {
    if id.len() > MAX_ID_LEN {
        String::new()
    } else {
        id
    }
}

/// Refuses `text` over [`MAX_ID_LEN`]; the field path is made only then
/// (most paths are formatted with indices, and nearly every request is
/// within the limits).
fn check_len<F: Into<String>>(v: &mut Vec<Violation>, field: impl FnOnce() -> F, text: &str) {
    if text.len() > MAX_ID_LEN {
        v.push(Violation::too_long(field(), text));
    }
}

/// Checks a period's dates; gives them when they are well formed.
fn check_period(
    v: &mut Vec<Violation>,
    field: &str,
    period: &pb::ReviewPeriod,
) -> (Option<jiff::civil::Date>, Option<jiff::civil::Date>) {
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
    (start, end)
}

/// A submission's values are of record for the period they measure, so a
/// submission for another period than the review's is refused: its label
/// and dates, where both it and the review give them, must be the review's.
fn check_submission_period(
    v: &mut Vec<Violation>,
    field: &str,
    submission: &pb::ReviewPeriod,
    review_label: &str,
    (review_start, review_end): (Option<jiff::civil::Date>, Option<jiff::civil::Date>),
) {
    let label = &submission.label;
    check_len(v, || format!("{field}.label"), label);
    if !label.is_empty()
        && !review_label.is_empty()
        && label != review_label
        && label.len() <= MAX_ID_LEN
    {
        v.push(Violation::new(
            format!("{field}.label"),
            format!(
                "\"{label}\" is not the review's period \"{review_label}\"; a submission's values count only for their own period"
            ),
        ));
    }
    let (start, end) = check_period(v, field, submission);
    for (name, given, wanted) in [
        ("start_date", start, review_start),
        ("end_date", end, review_end),
    ] {
        if let (Some(given), Some(wanted)) = (given, wanted)
            && given != wanted
        {
            v.push(Violation::new(
                format!("{field}.{name}"),
                format!("{given} is not the review's {name} {wanted}"),
            ));
        }
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
        check_len(
            v,
            || format!("{field}.entries[{i}].indicator_id"),
            &e.indicator_id,
        );
        if e.comment.len() > MAX_COMMENT_BYTES {
            v.push(Violation::new(
                format!("{field}.entries[{i}].comment"),
                format!(
                    "is {} bytes long; at most {MAX_COMMENT_BYTES}",
                    e.comment.len()
                ),
            ));
        }
        // A refused input keeps its entry's place, so that the rubric's
        // checks name the request's own indices.
        let input = match e.input {
            Some(pb::assessment_entry::Input::Value(x)) => match decimal::from_f64(x) {
                Ok(d) => EntryInput::Value(d),
                Err(reason) => refuse(v, || format!("{field}.entries[{i}].value"), reason),
            },
            Some(pb::assessment_entry::Input::Points(x)) => match decimal::from_f64(x) {
                Ok(d) => EntryInput::Points(d),
                Err(reason) => refuse(v, || format!("{field}.entries[{i}].points"), reason),
            },
            None => refuse(
                v,
                || format!("{field}.entries[{i}]"),
                "needs a value or points",
            ),
        };
        out.push(scoring::Entry {
            indicator_id: e.indicator_id,
            input,
            comment: e.comment,
        });
    }
    out
}

/// Records why the input at `field` is refused; it stays as refused.
#[cold]
fn refuse(
    v: &mut Vec<Violation>,
    field: impl FnOnce() -> String,
    reason: impl ToString,
) -> EntryInput {
    v.push(Violation::new(field(), reason.to_string()));
    EntryInput::Refused
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
        hr_signature: r.hr_signature,
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
        hr_signature: spec.hr_signature,
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
    let clip = |text: &str| scorecard_core::clip(text, super::status::TEXT_CAP);
    let mut listed: Vec<_> = violations
        .iter()
        .take(MAX_LISTED_RUBRIC_VIOLATIONS)
        .map(|v| pb::RubricViolation {
            field: clip(&v.field),
            reason: clip(&v.reason),
        })
        .collect();
    let more = violations
        .len()
        .saturating_sub(MAX_LISTED_RUBRIC_VIOLATIONS);
    if more > 0 {
        listed.push(pb::RubricViolation {
            field: String::new(),
            reason: format!("{more} more violations not listed; fix these and validate again"),
        });
    }
    listed
}

/// Violations a ValidateRubric answer lists, each at most
/// `TEXT_CAP` bytes of path and of reason: with
/// the note of how many more, about 1 MiB at most, under clients' 4 MiB
/// message limit whatever the rubric sent.
pub const MAX_LISTED_RUBRIC_VIOLATIONS: usize = 1000;

/// Hundredths etc. are shown exactly; used by tests and the CLI.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    text.parse().ok()
}

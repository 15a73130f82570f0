//! The one validation path for every rubric, from a file or inline: checks
//! everything, reports every violation with its field path, and builds the
//! model with what it implies computed once.

use super::model::*;
use super::spec::*;
use crate::Violation;
use crate::decimal;
use crate::locale::{LOCALE_REASON, Locale};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Longest name (of a rubric, dimension, indicator or grade band, in one
/// locale) in bytes. Names are echoed in answers (an indicator's name up
/// to six times: in each rater's line and explanation, and in its loss),
/// so their cap bounds what an answer adds to its request.
pub const MAX_NAME_BYTES: usize = 256;
/// Most dimensions a rubric may have.
pub const MAX_DIMENSIONS: usize = 32;
/// Most indicators a rubric may have, over all its dimensions. With
/// [`MAX_NAME_BYTES`] this bounds an answer whatever the request's size.
pub const MAX_INDICATORS: usize = 128;
/// Most grade bands a rubric may have.
pub const MAX_GRADE_BANDS: usize = 32;
/// Longest locale tag echoed in a violation's field path.
const MAX_ECHOED_TAG: usize = 32;

/// Largest precision a rubric may ask for.
pub const MAX_PRECISION: u32 = 6;
/// Decimal places of a grade band's bonus coefficient: the answer shows
/// a coefficient to four (docs/scoring.md section 3).
const COEFFICIENT_PLACES: u32 = 4;

/// Largest magnitude of a rubric number (targets, steps, points, weights).
const MAX_RUBRIC_NUMBER: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);
/// Smallest rule step: 10^-MAX_PRECISION. With values up to 10^12 and
/// penalties up to 10^9, steps × penalty stays below 10^28, inside
/// `Decimal`'s range; a finer step overflowed (a panic) on large values.
const MIN_STEP: Decimal = Decimal::from_parts(1, 0, 0, false, MAX_PRECISION);

/// Validates a rubric, returning every violation found.
pub fn validate(spec: &RubricSpec) -> Result<Rubric, Vec<Violation>> {
    let mut v = Checker::default();
    // Counts first: a rubric over them is not looked at further, so its
    // size bounds neither the work nor the answer.
    v.counts(spec);
    if !v.violations.is_empty() {
        return Err(v.violations);
    }
    let (default_locale, names, precision) = v.header(spec);
    let blend = v.blend(spec.blend.as_ref());
    let gap_threshold = match spec.gap_threshold {
        None => Some(Decimal::TEN),
        Some(g) => v.number("gap_threshold", g, Bound::NonNegative),
    };
    let dimensions = v.dimensions(spec, default_locale);
    v.full_points_fit(spec, precision);
    let max_total: Decimal = dimensions
        .iter()
        .map(|d| d.weight_percent * d.max_score / Decimal::ONE_HUNDRED)
        .sum();
    let grade_bands = v.grade_bands(
        &spec.grade_bands,
        default_locale,
        precision.min(MAX_PRECISION),
        max_total,
    );
    if !v.violations.is_empty() {
        return Err(v.violations);
    }
    // Every piece was checked above; a missing one here means a violation
    // was recorded, so these are unreachable, but never panic.
    let (Some(default_locale), Some(names), Some(blend), Some(gap_threshold)) =
        (default_locale, names, blend, gap_threshold)
    else {
        return Err(vec![Violation::new("", "rubric is invalid")]);
    };
    build(Rubric {
        id: spec.id.clone(),
        version: spec.version,
        default_locale,
        names,
        precision,
        blend,
        grade_bands,
        gap_threshold,
        dimensions,
        hr_signature: spec.hr_signature,
        max_total,
        content_hash: String::new(),
        index: HashMap::new(),
        order: Vec::new(),
        offsets: Vec::new(),
        texts: Default::default(),
        units: Default::default(),
        shown: Default::default(),
    })
}

/// Fills in what a valid rubric implies: the indicator index and order,
/// the numbers as shown and in millionths, the content hash, the texts.
fn build(mut rubric: Rubric) -> Result<Rubric, Vec<Violation>> {
    rubric.offsets = Vec::with_capacity(rubric.dimensions.len());
    for (d, dim) in rubric.dimensions.iter().enumerate() {
        rubric.offsets.push(rubric.order.len());
        for (i, ind) in dim.indicators.iter().enumerate() {
            rubric.index.insert(ind.id.clone(), (d, i));
            rubric.order.push((d, i));
        }
    }
    rubric.shown = shown(&rubric);
    rubric.units = units(&rubric).ok_or_else(|| {
        vec![Violation::new(
            "",
            "a number does not fit the engine's fixed-point range",
        )]
    })?;
    rubric.content_hash = content_hash(&to_spec(&rubric));
    rubric.texts = crate::scoring::rubric_texts(&rubric);
    Ok(rubric)
}

impl Checker {
    /// The caps on dimensions, indicators and grade bands.
    fn counts(&mut self, spec: &RubricSpec) {
        let indicator_count: usize = spec.dimensions.iter().map(|d| d.indicators.len()).sum();
        if spec.dimensions.len() > MAX_DIMENSIONS {
            self.add(
                "dimensions",
                format!(
                    "{} dimensions; at most {MAX_DIMENSIONS}",
                    spec.dimensions.len()
                ),
            );
        }
        if indicator_count > MAX_INDICATORS {
            self.add(
                "dimensions",
                format!("{indicator_count} indicators in all; at most {MAX_INDICATORS}"),
            );
        }
        if spec.grade_bands.len() > MAX_GRADE_BANDS {
            self.add(
                "grade_bands",
                format!(
                    "{} grade bands; at most {MAX_GRADE_BANDS}",
                    spec.grade_bands.len()
                ),
            );
        }
    }

    /// The id, version, default locale, names and precision.
    fn header(&mut self, spec: &RubricSpec) -> (Option<Locale>, Option<Names>, u32) {
        if !is_slug(&spec.id, '-') {
            self.add("id", "must be a non-empty slug of lower-case letters, digits and '-' (at most 64 characters)");
        }
        if spec.version == 0 {
            self.add("version", "must be a positive integer");
        }
        let default_locale = if spec.default_locale.is_empty() {
            self.add("default_locale", format!("is required; {LOCALE_REASON}"));
            None
        } else {
            let parsed = Locale::parse(&spec.default_locale);
            if parsed.is_none() {
                self.add(
                    "default_locale",
                    format!(
                        "\"{}\" is not supported; {LOCALE_REASON}",
                        crate::clip(&spec.default_locale, MAX_ECHOED_TAG)
                    ),
                );
            }
            parsed
        };
        let names = self.names("names", &spec.names, default_locale);
        let precision = spec.precision.unwrap_or(2);
        if precision > MAX_PRECISION {
            self.add(
                "precision",
                format!("{precision} is above the maximum of {MAX_PRECISION} decimal places"),
            );
        }
        (default_locale, names, precision)
    }

    /// The self/supervisor blend: 30/70 unless given, summing to 100.
    fn blend(&mut self, blend: Option<&BlendSpec>) -> Option<Blend> {
        let Some(b) = blend else {
            return Some(Blend {
                self_percent: Decimal::from(30),
                supervisor_percent: Decimal::from(70),
            });
        };
        let s = self.number(
            "blend.self_weight_percent",
            b.self_weight_percent,
            Bound::NonNegative,
        );
        let p = self.number(
            "blend.supervisor_weight_percent",
            b.supervisor_weight_percent,
            Bound::NonNegative,
        );
        match (s, p) {
            (Some(s), Some(p)) if s + p != Decimal::ONE_HUNDRED => {
                self.add(
                    "blend",
                    format!(
                        "self {} + supervisor {} = {}, must sum to exactly 100",
                        decimal::plain(s),
                        decimal::plain(p),
                        decimal::plain(s + p)
                    ),
                );
                None
            }
            (Some(s), Some(p)) => Some(Blend {
                self_percent: s,
                supervisor_percent: p,
            }),
            _ => None,
        }
    }

    /// The dimensions and their indicators, with unique ids and weights
    /// that sum to 100. Only dimensions with a valid weight are returned.
    fn dimensions(&mut self, spec: &RubricSpec, default_locale: Option<Locale>) -> Vec<Dimension> {
        if spec.dimensions.is_empty() {
            self.add("dimensions", "a rubric needs at least one dimension");
        }
        let mut dimensions = Vec::with_capacity(spec.dimensions.len());
        let mut dimension_ids = HashMap::new();
        let mut indicator_ids: HashMap<&str, String> = HashMap::new();
        let mut weight_sum = Decimal::ZERO;
        let mut weights_ok = true;
        for (di, d) in spec.dimensions.iter().enumerate() {
            let path = format!("dimensions[{di}]");
            if !is_slug(&d.id, '_') {
                self.add(format!("{path}.id"), "must be a non-empty slug of lower-case letters, digits and '_' (at most 64 characters)");
            } else if let Some(first) = dimension_ids.insert(d.id.as_str(), di) {
                self.add(
                    format!("{path}.id"),
                    format!("\"{}\" duplicates dimensions[{first}].id", d.id),
                );
            }
            let dnames = self.names(&format!("{path}.names"), &d.names, default_locale);
            let weight = self.number(
                &format!("{path}.weight_percent"),
                d.weight_percent,
                Bound::Positive,
            );
            match weight {
                Some(w) => weight_sum += w,
                None => weights_ok = false,
            }
            if d.indicators.is_empty() {
                self.add(
                    format!("{path}.indicators"),
                    "a dimension needs at least one indicator",
                );
            }
            let mut indicators = Vec::with_capacity(d.indicators.len());
            for (ii, ind) in d.indicators.iter().enumerate() {
                let ipath = format!("{path}.indicators[{ii}]");
                if !is_slug(&ind.id, '_') {
                    self.add(format!("{ipath}.id"), "must be a non-empty slug of lower-case letters, digits and '_' (at most 64 characters)");
                } else if let Some(first) = indicator_ids.insert(ind.id.as_str(), ipath.clone()) {
                    self.add(
                        format!("{ipath}.id"),
                        format!("\"{}\" duplicates {first}.id", ind.id),
                    );
                }
                if let Some(indicator) = self.indicator(&ipath, ind, default_locale) {
                    indicators.push(indicator);
                }
            }
            if let Some(w) = weight {
                let max_score = indicators.iter().map(|i: &Indicator| i.full_points).sum();
                dimensions.push(Dimension {
                    id: d.id.clone(),
                    names: dnames.clone().unwrap_or_default(),
                    weight_percent: w,
                    indicators,
                    max_score,
                });
            }
        }
        if weights_ok && !spec.dimensions.is_empty() && weight_sum != Decimal::ONE_HUNDRED {
            self.add(
                "dimensions",
                format!(
                    "weight_percent values sum to {}, must sum to exactly 100",
                    decimal::plain(weight_sum)
                ),
            );
        }
        dimensions
    }

    /// Points are shown at the rubric's precision, so full points must fit it.
    fn full_points_fit(&mut self, spec: &RubricSpec, precision: u32) {
        for (di, d) in spec.dimensions.iter().enumerate() {
            for (ii, ind) in d.indicators.iter().enumerate() {
                if let Ok(full) = decimal::from_f64(ind.full_points)
                    && full.normalize().scale() > precision
                {
                    self.add(
                        format!("dimensions[{di}].indicators[{ii}].full_points"),
                        format!(
                            "{} has more decimals than the rubric's precision {precision}",
                            decimal::plain(full)
                        ),
                    );
                }
            }
        }
    }
}

/// The rubric's numbers in millionths. Every number was checked to have
/// at most [`decimal::MICRO_PLACES`] places and a magnitude of at most
/// 10^9, so None is unreachable.
fn units(rubric: &Rubric) -> Option<RubricUnits> {
    let m = decimal::to_micros;
    let opt = |d: Option<Decimal>| d.map(m).map_or(Some(None), |u| u.map(Some));
    let mut indicators = Vec::with_capacity(rubric.indicator_count());
    for (_, i) in rubric.indicators() {
        indicators.push(IndicatorUnits {
            min_value: opt(i.min_value)?,
            max_value: opt(i.max_value)?,
            whole: i.unit == Unit::Count,
            full_points: m(i.full_points)?,
            direction: i.rule.direction,
            rounding: i.rule.rounding,
            target: m(i.rule.target)?,
            step: m(i.rule.step)?,
            penalty: m(i.rule.penalty)?,
        });
    }
    let weights: Vec<i64> = rubric
        .dimensions
        .iter()
        .map(|d| m(d.weight_percent))
        .collect::<Option<_>>()?;
    let self_percent = m(rubric.blend.self_percent)?;
    let supervisor_percent = m(rubric.blend.supervisor_percent)?;
    let costs = cost_units(self_percent, supervisor_percent, &weights);
    Some(RubricUnits {
        indicators,
        weights,
        self_percent,
        supervisor_percent,
        gap_threshold: m(rubric.gap_threshold)?,
        bands: rubric
            .grade_bands
            .iter()
            .map(|b| Some((m(b.min_score)?, m(b.max_score)?)))
            .collect::<Option<_>>()?,
        costs,
    })
}

/// The blend and the weights (millionths of a percent) with the fewest
/// places that keep each exact.
fn cost_units(self_percent: i64, supervisor_percent: i64, weights: &[i64]) -> CostUnits {
    let all = || {
        [self_percent, supervisor_percent]
            .into_iter()
            .chain(weights.iter().copied())
    };
    let mut places = decimal::MICRO_PLACES;
    let mut unit = 1;
    while places > 0 && all().all(|x| x % (unit * 10) == 0) {
        places -= 1;
        unit *= 10;
    }
    CostUnits {
        places,
        self_percent: self_percent / unit,
        supervisor_percent: supervisor_percent / unit,
        weights: weights.iter().map(|w| w / unit).collect(),
    }
}

/// The rubric's numbers as answers show them.
fn shown(rubric: &Rubric) -> RubricShown {
    let p = rubric.precision;
    let (plain, fixed) = (decimal::plain, decimal::fixed);
    RubricShown {
        indicators: rubric
            .indicators()
            .map(|(_, i)| (plain(i.rule.target), fixed(i.full_points, p)))
            .collect(),
        dimensions: rubric
            .dimensions
            .iter()
            .map(|d| (plain(d.weight_percent), fixed(d.max_score, p)))
            .collect(),
        self_percent: plain(rubric.blend.self_percent),
        supervisor_percent: plain(rubric.blend.supervisor_percent),
        gap_threshold: plain(rubric.gap_threshold),
        bands: rubric
            .grade_bands
            .iter()
            .map(|b| {
                (
                    plain(b.min_score),
                    plain(b.max_score),
                    fixed(b.bonus_coefficient, 4),
                )
            })
            .collect(),
    }
}

/// The canonical spec of a validated rubric: defaults made explicit,
/// numbers in their shortest form. GetRubric answers with it and the
/// content hash is taken over its JSON.
pub fn to_spec(rubric: &Rubric) -> RubricSpec {
    let f = decimal::to_f64;
    RubricSpec {
        id: rubric.id.clone(),
        version: rubric.version,
        default_locale: rubric.default_locale.tag().to_string(),
        names: names_spec(&rubric.names),
        precision: Some(rubric.precision),
        blend: Some(BlendSpec {
            self_weight_percent: f(rubric.blend.self_percent),
            supervisor_weight_percent: f(rubric.blend.supervisor_percent),
        }),
        grade_bands: rubric
            .grade_bands
            .iter()
            .map(|b| GradeBandSpec {
                id: b.id.clone(),
                names: names_spec(&b.names),
                min_score: f(b.min_score),
                max_score: f(b.max_score),
                bonus_coefficient: f(b.bonus_coefficient),
            })
            .collect(),
        gap_threshold: Some(f(rubric.gap_threshold)),
        hr_signature: rubric.hr_signature,
        dimensions: rubric
            .dimensions
            .iter()
            .map(|d| DimensionSpec {
                id: d.id.clone(),
                names: names_spec(&d.names),
                weight_percent: f(d.weight_percent),
                indicators: d
                    .indicators
                    .iter()
                    .map(|i| IndicatorSpec {
                        id: i.id.clone(),
                        names: names_spec(&i.names),
                        unit: i.unit.name().to_string(),
                        min_value: i.min_value.filter(|_| i.explicit_min).map(f),
                        max_value: i.max_value.filter(|_| i.explicit_max).map(f),
                        full_points: f(i.full_points),
                        rule: Some(RuleSpec {
                            direction: i.rule.direction.name().to_string(),
                            target: f(i.rule.target),
                            step: f(i.rule.step),
                            penalty: f(i.rule.penalty),
                            rounding: i.rule.rounding.name().to_string(),
                        }),
                        response_limit_minutes: i.response_limit_minutes.map(f),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn names_spec(names: &Names) -> BTreeMap<String, String> {
    names
        .0
        .iter()
        .map(|(l, n)| (l.tag().to_string(), n.clone()))
        .collect()
}

fn content_hash(spec: &RubricSpec) -> String {
    // Struct fields serialize in declaration order and maps are B-trees,
    // so the JSON is canonical for a given rubric.
    let json = serde_json::to_vec(spec).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(&json)))
}

fn is_slug(text: &str, separator: char) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == separator)
        && !text.starts_with(separator)
}

#[derive(Clone, Copy)]
enum Bound {
    Any,
    NonNegative,
    Positive,
}

#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.violations.push(Violation::new(field, reason));
    }

    fn number(&mut self, field: &str, value: f64, bound: Bound) -> Option<Decimal> {
        let d = match decimal::from_f64(value) {
            Ok(d) => d,
            Err(reason) => {
                self.add(field, reason.to_string());
                return None;
            }
        };
        if decimal::to_micros(d).is_none() {
            self.add(field, decimal::too_many_places(d));
            return None;
        }
        if d.abs() > MAX_RUBRIC_NUMBER {
            self.add(
                field,
                format!(
                    "{} is out of range (magnitude above 10^9)",
                    decimal::plain(d)
                ),
            );
            return None;
        }
        match bound {
            Bound::Any => Some(d),
            Bound::NonNegative if d.is_sign_negative() && !d.is_zero() => {
                self.add(field, format!("{} must not be negative", decimal::plain(d)));
                None
            }
            Bound::Positive if d <= Decimal::ZERO => {
                self.add(
                    field,
                    format!("{} must be greater than 0", decimal::plain(d)),
                );
                None
            }
            _ => Some(d),
        }
    }

    fn names(
        &mut self,
        field: &str,
        names: &BTreeMap<String, String>,
        default: Option<Locale>,
    ) -> Option<Names> {
        let mut out = BTreeMap::new();
        let mut ok = true;
        // Locales given a name, refused or not: a refused name is not
        // also missing (a field is refused once).
        let mut given = Vec::new();
        for (tag, name) in names {
            let parsed = Locale::parse(tag);
            given.extend(parsed);
            let tag = crate::clip(tag, MAX_ECHOED_TAG);
            match parsed {
                None => {
                    self.add(
                        format!("{field}[\"{tag}\"]"),
                        format!("unknown locale; {LOCALE_REASON}"),
                    );
                    ok = false;
                }
                Some(locale) => {
                    if name.trim().is_empty() {
                        self.add(format!("{field}[\"{tag}\"]"), "name must not be empty");
                        ok = false;
                    } else if name.len() > MAX_NAME_BYTES {
                        self.add(
                            format!("{field}[\"{tag}\"]"),
                            format!(
                                "the name is {} bytes long; at most {MAX_NAME_BYTES}",
                                name.len()
                            ),
                        );
                        ok = false;
                    } else if out.insert(locale, name.clone()).is_some() {
                        self.add(
                            format!("{field}[\"{tag}\"]"),
                            format!("a second name for {locale}"),
                        );
                        ok = false;
                    }
                }
            }
        }
        if let Some(default) = default
            && !given.contains(&default)
        {
            self.add(
                field.to_string(),
                format!("needs a name in the default locale {default}"),
            );
            ok = false;
        }
        ok.then_some(Names(out))
    }

    fn indicator(
        &mut self,
        path: &str,
        spec: &IndicatorSpec,
        default_locale: Option<Locale>,
    ) -> Option<Indicator> {
        let names = self.names(&format!("{path}.names"), &spec.names, default_locale);
        let unit = match spec.unit.trim_start_matches("UNIT_") {
            "PERCENT" => Some(Unit::Percent),
            "SCORE" => Some(Unit::Score),
            "COUNT" => Some(Unit::Count),
            "MINUTES" => Some(Unit::Minutes),
            "HOURS" => Some(Unit::Hours),
            "" | "UNSPECIFIED" => {
                self.add(
                    format!("{path}.unit"),
                    "is required: PERCENT, SCORE, COUNT, MINUTES or HOURS",
                );
                None
            }
            other => {
                self.add(
                    format!("{path}.unit"),
                    format!("\"{other}\" is not one of PERCENT, SCORE, COUNT, MINUTES, HOURS"),
                );
                None
            }
        };
        let full_points = self.number(
            &format!("{path}.full_points"),
            spec.full_points,
            Bound::Positive,
        );
        let min = spec
            .min_value
            .and_then(|m| self.number(&format!("{path}.min_value"), m, Bound::Any));
        let max = spec
            .max_value
            .and_then(|m| self.number(&format!("{path}.max_value"), m, Bound::Any));
        let bad_range =
            spec.min_value.is_some() && min.is_none() || spec.max_value.is_some() && max.is_none();
        let (min_value, max_value) = match unit {
            Some(u) => {
                let (dmin, dmax) = u.default_range();
                (min.or(dmin), max.or(dmax))
            }
            None => (min, max),
        };
        if let (Some(lo), Some(hi)) = (min_value, max_value)
            && lo >= hi
        {
            let what = if lo == hi {
                "holds a single value"
            } else {
                "is empty"
            };
            self.add(
                format!("{path}.max_value"),
                format!(
                    "the range {}..{} {what}: max_value must be above min_value",
                    decimal::plain(lo),
                    decimal::plain(hi)
                ),
            );
        }
        let response_limit = spec.response_limit_minutes.and_then(|m| {
            self.number(
                &format!("{path}.response_limit_minutes"),
                m,
                Bound::Positive,
            )
        });

        let rule = match &spec.rule {
            None => {
                self.add(format!("{path}.rule"), "is required");
                None
            }
            Some(r) => self.rule(&format!("{path}.rule"), r, min_value, max_value),
        };
        let (Some(names), Some(unit), Some(full_points), Some(rule)) =
            (names, unit, full_points, rule)
        else {
            return None;
        };
        if bad_range || spec.response_limit_minutes.is_some() && response_limit.is_none() {
            return None;
        }
        Some(Indicator {
            id: spec.id.clone(),
            names,
            unit,
            min_value,
            max_value,
            explicit_min: spec.min_value.is_some(),
            explicit_max: spec.max_value.is_some(),
            full_points,
            rule,
            response_limit_minutes: response_limit,
        })
    }

    fn rule(
        &mut self,
        path: &str,
        spec: &RuleSpec,
        min: Option<Decimal>,
        max: Option<Decimal>,
    ) -> Option<Rule> {
        let direction = match spec.direction.trim_start_matches("DIRECTION_") {
            "AT_LEAST" => Some(Direction::AtLeast),
            "AT_MOST" => Some(Direction::AtMost),
            "" | "UNSPECIFIED" => {
                self.add(
                    format!("{path}.direction"),
                    "is required: AT_LEAST or AT_MOST",
                );
                None
            }
            other => {
                self.add(
                    format!("{path}.direction"),
                    format!("\"{other}\" is not AT_LEAST or AT_MOST"),
                );
                None
            }
        };
        let rounding = match spec.rounding.trim_start_matches("ROUNDING_") {
            "" | "UNSPECIFIED" | "LINEAR" => Some(Rounding::Linear),
            "PER_FULL_STEP" => Some(Rounding::PerFullStep),
            "PER_STARTED_STEP" => Some(Rounding::PerStartedStep),
            other => {
                self.add(
                    format!("{path}.rounding"),
                    format!("\"{other}\" is not LINEAR, PER_FULL_STEP or PER_STARTED_STEP"),
                );
                None
            }
        };
        let target = self.number(&format!("{path}.target"), spec.target, Bound::Any);
        if let Some(t) = target {
            let below = min.is_some_and(|m| t < m);
            let above = max.is_some_and(|m| t > m);
            if below || above {
                self.add(
                    format!("{path}.target"),
                    format!(
                        "{} is outside the indicator's value range",
                        decimal::plain(t)
                    ),
                );
            }
        }
        let mut step = self.number(&format!("{path}.step"), spec.step, Bound::Positive);
        if let Some(s) = step.filter(|s| *s < MIN_STEP) {
            self.add(
                format!("{path}.step"),
                format!(
                    "{} is below the smallest step {}",
                    decimal::plain(s),
                    decimal::plain(MIN_STEP)
                ),
            );
            step = None;
        }
        let penalty = self.number(&format!("{path}.penalty"), spec.penalty, Bound::Positive);
        Some(Rule {
            direction: direction?,
            target: target?,
            step: step?,
            penalty: penalty?,
            rounding: rounding?,
        })
    }

    fn grade_bands(
        &mut self,
        specs: &[GradeBandSpec],
        default_locale: Option<Locale>,
        precision: u32,
        max_total: Decimal,
    ) -> Vec<GradeBand> {
        let mut bands = Vec::with_capacity(specs.len());
        let mut ids = HashSet::new();
        let mut all_ok = true;
        for (bi, b) in specs.iter().enumerate() {
            let path = format!("grade_bands[{bi}]");
            if !is_slug(&b.id, '_') && !is_slug(&b.id, '-') {
                self.add(
                    format!("{path}.id"),
                    "must be a non-empty slug (at most 64 characters)",
                );
            } else if !ids.insert(b.id.as_str()) {
                self.add(
                    format!("{path}.id"),
                    format!("\"{}\" is used by another band", b.id),
                );
            }
            let names = self.names(&format!("{path}.names"), &b.names, default_locale);
            let min = self.number(
                &format!("{path}.min_score"),
                b.min_score,
                Bound::NonNegative,
            );
            let max = self.number(
                &format!("{path}.max_score"),
                b.max_score,
                Bound::NonNegative,
            );
            let coefficient = self.number(
                &format!("{path}.bonus_coefficient"),
                b.bonus_coefficient,
                Bound::NonNegative,
            );
            for (field, value) in [("min_score", min), ("max_score", max)] {
                if let Some(x) = value
                    && x.normalize().scale() > precision
                {
                    self.add(
                        format!("{path}.{field}"),
                        format!(
                            "{} has more decimals than the rubric's precision {precision}",
                            decimal::plain(x)
                        ),
                    );
                    // The tiling is not checked with edges that cannot
                    // be final scores.
                    all_ok = false;
                }
            }
            if let Some(c) = coefficient
                && c.normalize().scale() > COEFFICIENT_PLACES
            {
                self.add(
                    format!("{path}.bonus_coefficient"),
                    format!(
                        "{} has more than {COEFFICIENT_PLACES} decimal places; a bonus coefficient is shown to {COEFFICIENT_PLACES}",
                        decimal::plain(c)
                    ),
                );
            }
            match (names, min, max, coefficient) {
                (Some(names), Some(min_score), Some(max_score), Some(bonus_coefficient)) => {
                    if min_score > max_score {
                        self.add(
                            format!("{path}.max_score"),
                            format!(
                                "{} is below min_score {}",
                                decimal::plain(max_score),
                                decimal::plain(min_score)
                            ),
                        );
                        all_ok = false;
                    }
                    bands.push((
                        bi,
                        GradeBand {
                            id: b.id.clone(),
                            names,
                            min_score,
                            max_score,
                            bonus_coefficient,
                        },
                    ));
                }
                _ => all_ok = false,
            }
        }
        if !all_ok || bands.is_empty() {
            return bands.into_iter().map(|(_, b)| b).collect();
        }
        // Bands must tile 0 to the highest final score at the rubric's
        // precision: every final score the engine can produce falls into
        // exactly one band.
        bands.sort_by_key(|b| b.1.min_score);
        let unit = Decimal::new(1, precision);
        let (first_index, first) = &bands[0];
        if first.min_score > Decimal::ZERO {
            self.add(
                format!("grade_bands[{first_index}].min_score"),
                format!(
                    "the lowest band starts at {}, so final scores from 0 have no band",
                    decimal::plain(first.min_score)
                ),
            );
        }
        for pair in bands.windows(2) {
            let (_, lower) = &pair[0];
            let (upper_index, upper) = &pair[1];
            let expected = lower.max_score + unit;
            if upper.min_score <= lower.max_score {
                self.add(
                    format!("grade_bands[{upper_index}].min_score"),
                    format!(
                        "{} overlaps band \"{}\" ({}..{})",
                        decimal::plain(upper.min_score),
                        lower.id,
                        decimal::plain(lower.min_score),
                        decimal::plain(lower.max_score)
                    ),
                );
            } else if upper.min_score != expected {
                self.add(
                    format!("grade_bands[{upper_index}].min_score"),
                    format!(
                        "{} leaves a gap after band \"{}\": expected {}",
                        decimal::plain(upper.min_score),
                        lower.id,
                        decimal::plain(expected)
                    ),
                );
            }
        }
        // The highest final score is the maximum total as the totals are
        // rounded, to the precision.
        let max_final = decimal::round(max_total, precision);
        if let Some((last_index, last)) = bands.last()
            && last.max_score < max_final
        {
            self.add(
                format!("grade_bands[{last_index}].max_score"),
                format!(
                    "the highest band ends at {}, below the maximum final score {}",
                    decimal::plain(last.max_score),
                    decimal::plain(max_final)
                ),
            );
        }
        bands.into_iter().map(|(_, b)| b).collect()
    }
}

//! One-line explanations in zh-CN, zh-TW and en. Every number in a line is
//! a number the answer shows, so a person can redo it on a calculator.

//!
//! Everything in a line that depends only on the rubric (names, targets
//! with their units, full points, the rule's step and penalty, the fixed
//! phrases) is written once per rubric and locale by [`rubric_texts`] when
//! the rubric is validated. Scoring a review then writes only the review's
//! numbers between those fragments, into one buffer per line.

use super::rule::RuleOutcome;
use super::text::Fragment;
use super::texts::{IndicatorTexts, ReviewTexts, RubricTexts, locale_slot};
use super::{Rater, Span, Text};
use crate::decimal::{
    MICRO_PLACES, plain, write_fixed, write_micros_plain, write_plain, write_units_fixed,
    write_units_plain,
};
use crate::locale::Locale;
use crate::rubric::{Direction, Indicator, Rounding, Rubric, Unit};
use rust_decimal::Decimal;

/// Phrases that differ between the two Chinese scripts.
struct Zh {
    reach: &'static str,
    within: &'static str,
    below: &'static str,
    over: &'static str,
    calc: &'static str,
    cap: &'static str,
    percent_points: &'static str,
    minutes: &'static str,
    hours: &'static str,
    self_rater: &'static str,
    supervisor_rater: &'static str,
    direct: &'static str,
    missing: &'static str,
    loss: &'static str,
    full_at_least: &'static str,
    full_at_most: &'static str,
    self_total: &'static str,
    supervisor_total: &'static str,
    differ: &'static str,
    threshold: &'static str,
    flagged: &'static str,
    not_flagged: &'static str,
    final_score: &'static str,
    bonus: &'static str,
    grade: &'static str,
    full_marks: &'static str,
    and: &'static str,
}

const ZH_CN: Zh = Zh {
    reach: "达到目标",
    within: "未超过上限",
    below: "低于目标",
    over: "超出上限",
    calc: "计算 ",
    cap: "以满分为上限",
    percent_points: " 个百分点",
    minutes: " 分钟",
    hours: " 小时",
    self_rater: "本人自评",
    supervisor_rater: "上级",
    direct: "直接评定",
    missing: "暂无数据,计",
    loss: "使最终得分减少",
    full_at_least: "达到",
    full_at_most: "不超过",
    self_total: "员工评分合计",
    supervisor_total: "上级评分合计",
    differ: "相差",
    threshold: "阈值",
    flagged: "超出阈值,需在绩效面谈中讨论",
    not_flagged: "在阈值之内",
    final_score: "最终得分",
    bonus: "奖金系数",
    grade: "等级",
    full_marks: "即可得满分",
    and: "与",
};

const ZH_TW: Zh = Zh {
    reach: "達到目標",
    within: "未超過上限",
    below: "低於目標",
    over: "超出上限",
    calc: "計算 ",
    cap: "以滿分為上限",
    percent_points: " 個百分點",
    minutes: " 分鐘",
    hours: " 小時",
    self_rater: "本人自評",
    supervisor_rater: "上級",
    direct: "直接評定",
    missing: "暫無資料,計",
    loss: "使最終得分減少",
    full_at_least: "達到",
    full_at_most: "不超過",
    self_total: "員工評分合計",
    supervisor_total: "上級評分合計",
    differ: "相差",
    threshold: "閾值",
    flagged: "超出閾值,需在績效面談中討論",
    not_flagged: "在閾值之內",
    final_score: "最終得分",
    bonus: "獎金係數",
    grade: "等級",
    full_marks: "即可得滿分",
    and: "與",
};

fn zh(locale: Locale) -> Option<&'static Zh> {
    match locale {
        Locale::ZhCn => Some(&ZH_CN),
        Locale::ZhTw => Some(&ZH_TW),
        Locale::En => None,
    }
}

/// A value's unit suffix: "%", " min", " 分钟", or "".
fn unit_suffix(locale: Locale, unit: Unit) -> &'static str {
    match (unit, zh(locale)) {
        (Unit::Percent, _) => "%",
        (Unit::Score | Unit::Count, _) => "",
        (Unit::Minutes, None) => " min",
        (Unit::Hours, None) => " h",
        (Unit::Minutes, Some(z)) => z.minutes,
        (Unit::Hours, Some(z)) => z.hours,
    }
}

/// A value with its unit: "93.5%", "131 min", "131 分钟".
fn quantity(locale: Locale, unit: Unit, value: Decimal) -> String {
    let mut s = plain(value);
    s.push_str(unit_suffix(locale, unit));
    s
}

/// Concatenates fragments.
fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// [`cat`] as a fragment of an indicator's explanations.
fn frag(parts: &[&str]) -> Fragment {
    cat(parts).into()
}

/// The fixed fragments of every explanation of `rubric`, per locale.
pub fn rubric_texts(rubric: &Rubric) -> RubricTexts {
    let mut indicators = Vec::with_capacity(rubric.indicator_count());
    for (_, indicator) in rubric.indicators() {
        indicators.push(Locale::ALL.map(|locale| indicator_texts(rubric, indicator, locale)));
    }
    RubricTexts {
        indicators,
        review: Locale::ALL.map(|locale| review_texts(rubric, locale)),
    }
}

fn indicator_texts(rubric: &Rubric, indicator: &Indicator, locale: Locale) -> IndicatorTexts {
    let name = indicator.names.get(locale, rubric.default_locale);
    let rule = &indicator.rule;
    let unit = unit_suffix(locale, indicator.unit);
    let tq = quantity(locale, indicator.unit, rule.target);
    let full = plain(indicator.full_points);
    let penalty = plain(rule.penalty);
    let en = zh(locale).is_none();
    let calc_steps = !(rule.rounding == Rounding::Linear && rule.step == Decimal::ONE);
    let (calc_mid, calc_end) = if calc_steps {
        let arrow = match rule.rounding {
            Rounding::Linear => " = ",
            Rounding::PerFullStep | Rounding::PerStartedStep => " → ",
        };
        let steps = match (rule.rounding, en) {
            (Rounding::Linear, true) => " steps × ",
            (Rounding::PerFullStep, true) => " full steps × ",
            (Rounding::PerStartedStep, true) => " started steps × ",
            (_, false) => " × ",
        };
        (
            frag(&[" / ", &plain(rule.step), arrow]),
            frag(&[steps, &penalty, " = "]),
        )
    } else {
        (frag(&[" × ", &penalty, " = "]), Fragment::EMPTY)
    };
    let at_least = rule.direction == Direction::AtLeast;
    match zh(locale) {
        None => {
            let (met_word, met_what) = if at_least {
                (" meets the ", " target: ")
            } else {
                (" is within the ", " limit: ")
            };
            let (side, what) = if at_least {
                (" below the ", " target: ")
            } else {
                (" over the ", " limit: ")
            };
            let bound = if at_least { " or more" } else { " or less" };
            IndicatorTexts {
                head: frag(&[name, " "]),
                met: frag(&[unit, met_word, &tq, met_what, &full, " of ", &full, "."]),
                lead: frag(&[unit, " is "]),
                after_shortfall: frag(&[side, &tq, what]),
                calc_mid,
                calc_end,
                calc_steps,
                end: frag(&[" of ", &full, "."]),
                cap: Fragment::EMPTY,
                direct: ["the employee's self-assessment", "the supervisor"].map(|who| {
                    (
                        frag(&[name, ": "]),
                        frag(&[" of ", &full, ", awarded directly by ", who, "."]),
                    )
                }),
                missing: frag(&[name, ": no input yet, 0 of ", &full, " (missing)."]),
                loss: (
                    frag(&[name, " cost "]),
                    frag(&[
                        " points of the final score; ",
                        &tq,
                        bound,
                        " earns full points.",
                    ]),
                ),
            }
        }
        Some(z) => {
            let (met_word, side, bound) = if at_least {
                (z.reach, z.below, z.full_at_least)
            } else {
                (z.within, z.over, z.full_at_most)
            };
            let short_unit = match indicator.unit {
                Unit::Percent => z.percent_points,
                Unit::Score => " 分",
                Unit::Count => "",
                Unit::Minutes => z.minutes,
                Unit::Hours => z.hours,
            };
            IndicatorTexts {
                head: frag(&[name, " "]),
                met: frag(&[
                    unit, ",", met_word, " ", &tq, ",得 ", &full, "/", &full, " 分。",
                ]),
                lead: frag(&[unit, ",", side, " ", &tq, " "]),
                after_shortfall: frag(&[short_unit, ","]),
                calc_mid,
                calc_end,
                calc_steps,
                end: frag(&["/", &full, " 分。"]),
                cap: frag(&["(", z.cap, " ", &full, ")"]),
                direct: [z.self_rater, z.supervisor_rater].map(|who| {
                    (
                        frag(&[name, ":由", who, z.direct, ",得 "]),
                        frag(&["/", &full, " 分。"]),
                    )
                }),
                missing: frag(&[name, ":", z.missing, " 0/", &full, " 分(缺失)。"]),
                loss: (
                    frag(&[name, z.loss, " "]),
                    frag(&[" 分;", bound, " ", &tq, " ", z.full_marks, "。"]),
                ),
            }
        }
    }
}

fn review_texts(rubric: &Rubric, locale: Locale) -> ReviewTexts {
    let th = plain(rubric.gap_threshold);
    let sw = plain(rubric.blend.self_percent);
    let pw = plain(rubric.blend.supervisor_percent);
    let band_name = |i: usize| {
        rubric.grade_bands[i]
            .names
            .get(locale, rubric.default_locale)
    };
    match zh(locale) {
        None => ReviewTexts {
            gap: [
                "Self total ".to_string(),
                " − supervisor total ".to_string(),
                " = ".to_string(),
            ],
            gap_end: [
                "within the threshold",
                "above the threshold: talk about it in the performance interview",
            ]
            .map(|verdict| cat(&["; threshold ", &th, ": ", verdict, "."])),
            summary: [
                cat(&["Final score = ", &sw, "% × "]),
                cat(&[" + ", &pw, "% × "]),
                " = ".to_string(),
                "; bonus coefficient ".to_string(),
            ],
            band_end: (0..rubric.grade_bands.len())
                .map(|i| cat(&[" (grade ", band_name(i), ")."]))
                .collect(),
            no_band_end: ".".to_string(),
        },
        Some(z) => ReviewTexts {
            gap: [
                cat(&[z.self_total, " "]),
                cat(&[" ", z.and, z.supervisor_total, " "]),
                cat(&[" ", z.differ, " "]),
            ],
            gap_end: [z.not_flagged, z.flagged]
                .map(|verdict| cat(&[",", z.threshold, " ", &th, ",", verdict, "。"])),
            summary: [
                cat(&[z.final_score, " = ", z.self_total, " "]),
                cat(&[" × ", &sw, "% + ", z.supervisor_total, " "]),
                cat(&[" × ", &pw, "% = "]),
                cat(&[",", z.bonus, " "]),
            ],
            band_end: (0..rubric.grade_bands.len())
                .map(|i| cat(&["(", z.grade, " ", band_name(i), ")。"]))
                .collect(),
            no_band_end: "。".to_string(),
        },
    }
}

/// The texts of the indicator at `ordinal` in `locale`.
pub fn indicator(rubric: &Rubric, ordinal: usize, locale: Locale) -> &IndicatorTexts {
    static NONE: IndicatorTexts = IndicatorTexts {
        head: Fragment::EMPTY,
        met: Fragment::EMPTY,
        lead: Fragment::EMPTY,
        after_shortfall: Fragment::EMPTY,
        calc_mid: Fragment::EMPTY,
        calc_end: Fragment::EMPTY,
        calc_steps: false,
        end: Fragment::EMPTY,
        cap: Fragment::EMPTY,
        direct: [
            (Fragment::EMPTY, Fragment::EMPTY),
            (Fragment::EMPTY, Fragment::EMPTY),
        ],
        missing: Fragment::EMPTY,
        loss: (Fragment::EMPTY, Fragment::EMPTY),
    };
    // Every validated rubric has the texts of each of its indicators.
    rubric
        .texts
        .indicators
        .get(ordinal)
        .map_or(&NONE, |t| &t[locale_slot(locale)])
}

/// Appends a figure cut to `places` (units of 10^-`places`), with "…"
/// when that is not its exact value.
fn push_cut(s: &mut Text, shown: i128, places: u32, exact: bool) {
    write_units_plain(s, shown, places);
    if !exact {
        s.push('…');
    }
}

/// Appends `micros` without trailing zeros.
fn push_plain(s: &mut Text, micros: i64) {
    write_micros_plain(s, micros);
}

/// Runs `write` on the buffer and gives the span of what it appended.
fn span(text: &mut Text, write: impl FnOnce(&mut Text)) -> Span {
    let start = text.len();
    write(text);
    between(start, text.len())
}

/// Where a rule's explanation, and the value and shortfall it shows, lie
/// in the text.
#[derive(Default)]
pub struct RuleText {
    pub explanation: Span,
    pub value: Span,
    /// Empty when the target is met (no shortfall is written).
    pub shortfall: Span,
}

/// `start..end` of the text as a span.
fn between(start: usize, end: usize) -> Span {
    let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span {
        start: offset(start),
        end: offset(end),
    }
}

/// The explanation of a value scored by its rule.
pub fn rule_outcome(
    text: &mut Text,
    locale: Locale,
    t: &IndicatorTexts,
    value: Decimal,
    out: &RuleOutcome,
) -> RuleText {
    let s = text;
    let start = s.len();
    s.push_fragment(&t.head);
    let value_start = s.len();
    write_plain(s, value);
    let value_span = between(value_start, s.len());
    if out.shortfall.is_zero() {
        s.push_fragment(&t.met);
        return RuleText {
            explanation: between(start, s.len()),
            value: value_span,
            shortfall: Span::default(),
        };
    }
    let simple = !t.calc_steps && out.raw_is_deduction;
    s.push_fragment(&t.lead);
    let shortfall_start = s.len();
    write_plain(s, out.shortfall);
    let shortfall = shortfall_start..s.len();
    s.push_fragment(&t.after_shortfall);
    let calculation = |s: &mut Text| {
        // The shortfall once more, copied rather than formatted again.
        s.extend_from_within(shortfall.clone());
        s.push_fragment(&t.calc_mid);
        if t.calc_steps {
            push_cut(s, out.steps, out.places, out.steps_exact);
            s.push_fragment(&t.calc_end);
        }
    };
    match zh(locale) {
        None => {
            calculation(s);
            if !simple {
                push_cut(s, out.raw_deduction, out.places, out.raw_exact);
                s.push_str(if out.capped { ", capped at " } else { " → " });
            }
            push_plain(s, out.deduction);
            s.push_str(" off, ");
        }
        Some(z) => {
            if !simple {
                s.push_str(z.calc);
                calculation(s);
                push_cut(s, out.raw_deduction, out.places, out.raw_exact);
                if out.capped {
                    s.push_fragment(&t.cap);
                }
                s.push(',');
            }
            s.push_str("扣 ");
            push_plain(s, out.deduction);
            s.push_str(" 分,得 ");
        }
    }
    push_plain(s, out.points);
    s.push_fragment(&t.end);
    RuleText {
        explanation: between(start, s.len()),
        value: value_span,
        shortfall: between(shortfall.start, shortfall.end),
    }
}

/// The explanation of points (millionths) a rater awarded directly.
pub fn direct_points(text: &mut Text, t: &IndicatorTexts, rater: Rater, points: i64) -> Span {
    let (before, after) = match rater {
        Rater::SelfAssessment => &t.direct[0],
        Rater::Supervisor => &t.direct[1],
    };
    span(text, |s| {
        s.push_fragment(before);
        push_plain(s, points);
        s.push_fragment(after);
    })
}

/// The explanation of an indicator with no input (allow_partial).
pub fn missing(text: &mut Text, t: &IndicatorTexts) -> Span {
    span(text, |s| s.push_fragment(&t.missing))
}

/// The explanation of a largest-loss item; `points` in 10^-precision.
pub fn loss(text: &mut Text, t: &IndicatorTexts, precision: u32, points: i128) -> Span {
    span(text, |s| {
        s.push_fragment(&t.loss.0);
        write_units_fixed(s, points, precision, precision);
        s.push_fragment(&t.loss.1);
    })
}

fn review(rubric: &Rubric, locale: Locale) -> Option<&ReviewTexts> {
    rubric.texts.review.get(locale_slot(locale))
}

/// The explanation of the self/supervisor gap: self total, supervisor
/// total and their difference, in millionths.
pub fn gap(
    text: &mut Text,
    locale: Locale,
    rubric: &Rubric,
    numbers: [i128; 3],
    flagged: bool,
) -> Span {
    let Some(t) = review(rubric, locale) else {
        return span(text, |_| ());
    };
    let p = rubric.precision;
    span(text, |s| {
        for (fragment, number) in t.gap.iter().zip(numbers) {
            s.push_str(fragment);
            write_units_fixed(s, number, MICRO_PLACES, p);
        }
        s.push_str(&t.gap_end[usize::from(flagged)]);
    })
}

/// The form's closing arithmetic in one line: self total, supervisor
/// total, final score (millionths) and the bonus coefficient.
pub fn summary(
    text: &mut Text,
    locale: Locale,
    rubric: &Rubric,
    numbers: [i128; 3],
    bonus: Decimal,
    band: Option<usize>,
) -> Span {
    let Some(t) = review(rubric, locale) else {
        return span(text, |_| ());
    };
    let p = rubric.precision;
    let end = band
        .and_then(|i| t.band_end.get(i))
        .unwrap_or(&t.no_band_end);
    span(text, |s| {
        for (fragment, number) in t.summary.iter().zip(numbers) {
            s.push_str(fragment);
            write_units_fixed(s, number, MICRO_PLACES, p);
        }
        if let Some(fragment) = t.summary.get(3) {
            s.push_str(fragment);
            write_fixed(s, bonus, 4);
        }
        s.push_str(end);
    })
}

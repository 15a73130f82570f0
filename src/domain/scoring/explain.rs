//! One-line explanations in zh-CN, zh-TW and en. Every number in a line is
//! a number the answer shows, so a person can redo it on a calculator.

use super::Rater;
use super::rule::RuleOutcome;
use crate::domain::decimal::{self, fixed, plain, write_plain};
use crate::domain::locale::Locale;
use crate::domain::rubric::{Direction, Indicator, Rounding, Rubric, Unit};
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
    calc: "计算",
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
    calc: "計算",
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

/// Appends a value with its unit: "93.5%", "131 min", "131 分钟".
fn push_quantity(s: &mut String, locale: Locale, unit: Unit, value: Decimal) {
    write_plain(s, value);
    match (unit, zh(locale)) {
        (Unit::Percent, _) => s.push('%'),
        (Unit::Score | Unit::Count, _) => {}
        (Unit::Minutes, None) => s.push_str(" min"),
        (Unit::Hours, None) => s.push_str(" h"),
        (Unit::Minutes, Some(z)) => s.push_str(z.minutes),
        (Unit::Hours, Some(z)) => s.push_str(z.hours),
    }
}

/// A value with its unit: "93.5%", "131 min", "131 分钟".
fn quantity(locale: Locale, unit: Unit, value: Decimal) -> String {
    let mut s = String::with_capacity(16);
    push_quantity(&mut s, locale, unit, value);
    s
}

/// Appends the step arithmetic: "1.5 × 0.5", "11 / 15 = 0.7333… steps × 1".
fn push_calculation(s: &mut String, indicator: &Indicator, out: &RuleOutcome, en: bool) {
    let rule = &indicator.rule;
    write_plain(s, out.shortfall);
    if rule.rounding == Rounding::Linear && rule.step == Decimal::ONE {
        s.push_str(" × ");
        write_plain(s, rule.penalty);
        return;
    }
    s.push_str(" / ");
    write_plain(s, rule.step);
    s.push_str(match rule.rounding {
        Rounding::Linear => " = ",
        Rounding::PerFullStep | Rounding::PerStartedStep => " → ",
    });
    push_four_places(s, out.steps);
    s.push_str(match (rule.rounding, en) {
        (Rounding::Linear, true) => " steps × ",
        (Rounding::PerFullStep, true) => " full steps × ",
        (Rounding::PerStartedStep, true) => " started steps × ",
        (_, false) => " × ",
    });
    write_plain(s, rule.penalty);
}

/// Appends up to 4 places, with "…" when that is not the exact value.
fn push_four_places(s: &mut String, value: Decimal) {
    let shown = decimal::round(value, 4);
    if shown == value {
        write_plain(s, value);
    } else {
        write_plain(s, shown);
        s.push('…');
    }
}

/// The explanation of a value scored by its rule.
pub fn rule_outcome(
    locale: Locale,
    rubric: &Rubric,
    indicator: &Indicator,
    value: Decimal,
    out: &RuleOutcome,
) -> String {
    let mut s = String::with_capacity(160);
    push_rule_outcome(&mut s, locale, rubric, indicator, value, out);
    s
}

/// Appends "{pts} of {full}." / "{pts}/{full}".
fn push_of(s: &mut String, points: Decimal, full: Decimal, sep: &str) {
    write_plain(s, points);
    s.push_str(sep);
    write_plain(s, full);
}

fn push_rule_outcome(
    s: &mut String,
    locale: Locale,
    rubric: &Rubric,
    indicator: &Indicator,
    value: Decimal,
    out: &RuleOutcome,
) {
    let name = indicator.names.get(locale, rubric.default_locale);
    let rule = &indicator.rule;
    let unit = indicator.unit;
    let full = indicator.full_points;
    let met = out.shortfall.is_zero();
    let simple = rule.rounding == Rounding::Linear
        && rule.step == Decimal::ONE
        && !out.capped
        && out.raw_deduction == out.deduction;
    s.push_str(name);
    s.push(' ');
    push_quantity(s, locale, unit, value);
    match zh(locale) {
        None => {
            if met {
                s.push_str(match rule.direction {
                    Direction::AtLeast => " meets the ",
                    Direction::AtMost => " is within the ",
                });
                push_quantity(s, locale, unit, rule.target);
                s.push_str(match rule.direction {
                    Direction::AtLeast => " target: ",
                    Direction::AtMost => " limit: ",
                });
                push_of(s, full, full, " of ");
                s.push('.');
            } else {
                let (side, what) = match rule.direction {
                    Direction::AtLeast => (" below the ", " target: "),
                    Direction::AtMost => (" over the ", " limit: "),
                };
                s.push_str(" is ");
                write_plain(s, out.shortfall);
                s.push_str(side);
                push_quantity(s, locale, unit, rule.target);
                s.push_str(what);
                push_calculation(s, indicator, out, true);
                s.push_str(" = ");
                if !simple {
                    push_four_places(s, out.raw_deduction);
                    s.push_str(if out.capped { ", capped at " } else { " → " });
                }
                write_plain(s, out.deduction);
                s.push_str(" off, ");
                push_of(s, out.points, full, " of ");
                s.push('.');
            }
        }
        Some(z) => {
            s.push(',');
            if met {
                s.push_str(match rule.direction {
                    Direction::AtLeast => z.reach,
                    Direction::AtMost => z.within,
                });
                s.push(' ');
                push_quantity(s, locale, unit, rule.target);
                s.push_str(",得 ");
                push_of(s, full, full, "/");
                s.push_str(" 分。");
            } else {
                s.push_str(match rule.direction {
                    Direction::AtLeast => z.below,
                    Direction::AtMost => z.over,
                });
                s.push(' ');
                push_quantity(s, locale, unit, rule.target);
                s.push(' ');
                write_plain(s, out.shortfall);
                s.push_str(match unit {
                    Unit::Percent => z.percent_points,
                    Unit::Score => " 分",
                    Unit::Count => "",
                    Unit::Minutes => z.minutes,
                    Unit::Hours => z.hours,
                });
                s.push(',');
                if !simple {
                    s.push_str(z.calc);
                    s.push(' ');
                    push_calculation(s, indicator, out, false);
                    s.push_str(" = ");
                    push_four_places(s, out.raw_deduction);
                    if out.capped {
                        s.push('(');
                        s.push_str(z.cap);
                        s.push(' ');
                        write_plain(s, full);
                        s.push(')');
                    }
                    s.push(',');
                }
                s.push_str("扣 ");
                write_plain(s, out.deduction);
                s.push_str(" 分,得 ");
                push_of(s, out.points, full, "/");
                s.push_str(" 分。");
            }
        }
    }
}

/// The explanation of points a rater awarded directly.
pub fn direct_points(
    locale: Locale,
    rubric: &Rubric,
    indicator: &Indicator,
    rater: Rater,
    points: Decimal,
) -> String {
    let name = indicator.names.get(locale, rubric.default_locale);
    let (p, full) = (plain(points), plain(indicator.full_points));
    match zh(locale) {
        None => {
            let who = match rater {
                Rater::SelfAssessment => "the employee's self-assessment",
                Rater::Supervisor => "the supervisor",
            };
            format!("{name}: {p} of {full}, awarded directly by {who}.")
        }
        Some(z) => {
            let who = match rater {
                Rater::SelfAssessment => z.self_rater,
                Rater::Supervisor => z.supervisor_rater,
            };
            format!("{name}:由{who}{},得 {p}/{full} 分。", z.direct)
        }
    }
}

/// The explanation of an indicator with no input (allow_partial).
pub fn missing(locale: Locale, rubric: &Rubric, indicator: &Indicator) -> String {
    let name = indicator.names.get(locale, rubric.default_locale);
    let full = plain(indicator.full_points);
    match zh(locale) {
        None => format!("{name}: no input yet, 0 of {full} (missing)."),
        Some(z) => format!("{name}:{} 0/{full} 分(缺失)。", z.missing),
    }
}

/// The explanation of a largest-loss item.
pub fn loss(locale: Locale, rubric: &Rubric, indicator: &Indicator, points: Decimal) -> String {
    let name = indicator.names.get(locale, rubric.default_locale);
    let t = quantity(locale, indicator.unit, indicator.rule.target);
    let p = fixed(points, rubric.precision);
    match (zh(locale), indicator.rule.direction) {
        (None, Direction::AtLeast) => {
            format!("{name} cost {p} points of the final score; {t} or more earns full points.")
        }
        (None, Direction::AtMost) => {
            format!("{name} cost {p} points of the final score; {t} or less earns full points.")
        }
        (Some(z), direction) => {
            let bound = match direction {
                Direction::AtLeast => z.full_at_least,
                Direction::AtMost => z.full_at_most,
            };
            format!("{name}{} {p} 分;{bound} {t} {}。", z.loss, z.full_marks)
        }
    }
}

/// The explanation of the self/supervisor gap.
pub fn gap(
    locale: Locale,
    rubric: &Rubric,
    own: Decimal,
    supervisor: Decimal,
    gap: Decimal,
    flagged: bool,
) -> String {
    let p = rubric.precision;
    let (s, v, g, th) = (
        fixed(own, p),
        fixed(supervisor, p),
        fixed(gap, p),
        plain(rubric.gap_threshold),
    );
    match zh(locale) {
        None => {
            let verdict = if flagged {
                "above the threshold: talk about it in the performance interview"
            } else {
                "within the threshold"
            };
            format!("Self total {s} − supervisor total {v} = {g}; threshold {th}: {verdict}.")
        }
        Some(z) => {
            let verdict = if flagged { z.flagged } else { z.not_flagged };
            format!(
                "{} {s} {}{} {v} {} {g},{} {th},{verdict}。",
                z.self_total, z.and, z.supervisor_total, z.differ, z.threshold
            )
        }
    }
}

/// The form's closing arithmetic in one line.
pub fn summary(
    locale: Locale,
    rubric: &Rubric,
    own: Decimal,
    supervisor: Decimal,
    final_score: Decimal,
    bonus: Decimal,
    band: Option<usize>,
) -> String {
    let p = rubric.precision;
    let (sw, pw) = (
        plain(rubric.blend.self_percent),
        plain(rubric.blend.supervisor_percent),
    );
    let (s, v, f, b) = (
        fixed(own, p),
        fixed(supervisor, p),
        fixed(final_score, p),
        fixed(bonus, 4),
    );
    let band_name = band.map(|i| {
        rubric.grade_bands[i]
            .names
            .get(locale, rubric.default_locale)
    });
    match zh(locale) {
        None => {
            let grade = band_name
                .map(|n| format!(" (grade {n})"))
                .unwrap_or_default();
            format!("Final score = {sw}% × {s} + {pw}% × {v} = {f}; bonus coefficient {b}{grade}.")
        }
        Some(z) => {
            let grade = band_name
                .map(|n| format!("({} {n})", z.grade))
                .unwrap_or_default();
            format!(
                "{} = {} {s} × {sw}% + {} {v} × {pw}% = {f},{} {b}{grade}。",
                z.final_score, z.self_total, z.supervisor_total, z.bonus
            )
        }
    }
}

//! Readable output of answers and errors.

use crate::api::pb;
use std::fmt::Write;
use tonic_types::StatusExt;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Writes `text` to standard output. A reader that went away (`| head`)
/// ends the output quietly instead of panicking as `println!` does; any
/// other failure to write (a full disk) is an error of the command.
pub fn emit(text: &str) -> Result<(), super::error::CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(super::error::CliError::Stdout(e))
        }
        _ => Ok(()),
    }
}

/// The table's words in the answer's locale.
struct Labels {
    self_: &'static str,
    supervisor: &'static str,
    indicator: &'static str,
    value: &'static str,
    off: &'static str,
    points: &'static str,
    subtotal: &'static str,
    total: &'static str,
    reachable: &'static str,
    missing: &'static str,
    final_score: &'static str,
    coefficient: &'static str,
    band: &'static str,
    flagged: &'static str,
    losses: &'static str,
    explanations: &'static str,
    rater_points: &'static str,
    no_input: &'static str,
}

fn labels(locale: &str) -> Labels {
    match locale {
        "zh-CN" => Labels {
            self_: "员工自评",
            supervisor: "上级评分",
            indicator: "指标",
            value: "数值",
            off: "扣分",
            points: "得分",
            subtotal: "小计",
            total: "评分合计",
            reachable: "最高可达",
            missing: "缺少",
            final_score: "最终得分",
            coefficient: "奖金系数",
            band: "等级",
            flagged: "[差距过大]",
            losses: "失分最多:",
            explanations: "说明(上级评分):",
            rater_points: "(直接给分)",
            no_input: "(无)",
        },
        "zh-TW" => Labels {
            self_: "員工自評",
            supervisor: "上級評分",
            indicator: "指標",
            value: "數值",
            off: "扣分",
            points: "得分",
            subtotal: "小計",
            total: "評分合計",
            reachable: "最高可達",
            missing: "缺少",
            final_score: "最終得分",
            coefficient: "獎金係數",
            band: "等級",
            flagged: "[差距過大]",
            losses: "失分最多:",
            explanations: "說明(上級評分):",
            rater_points: "(直接給分)",
            no_input: "(無)",
        },
        _ => Labels {
            self_: "self",
            supervisor: "supervisor",
            indicator: "indicator",
            value: "value",
            off: "off",
            points: "points",
            subtotal: "subtotal",
            total: "rater total",
            reachable: "max reachable total",
            missing: "missing",
            final_score: "final score",
            coefficient: "bonus coefficient",
            band: "grade band",
            flagged: "[FLAGGED]",
            losses: "largest losses:",
            explanations: "explanations (supervisor):",
            rater_points: "(points)",
            no_input: "(none)",
        },
    }
}

/// Width of the name column: names longer than this wrap onto more lines.
const NAME_WIDTH: usize = 42;

/// `text` padded with spaces to `width` terminal columns (CJK characters
/// take two), on the left or the right.
fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// `text` cut into lines of at most `width` columns, at spaces where there
/// are any, else between characters (as for Chinese); never dropped.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_inclusive(' ') {
        if line.width() + word.trim_end().width() <= width {
            line.push_str(word);
            continue;
        }
        if !line.trim_end().is_empty() {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width && !line.trim_end().is_empty() {
                lines.push(line.trim_end().to_owned());
                line.clear();
            }
            line.push(c);
        }
    }
    if !line.trim_end().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
}

/// One row: a name (wrapped) and the number columns on its first line.
fn row(s: &mut String, indent: usize, name: &str, columns: &str) {
    let lines = wrap(name, NAME_WIDTH + 2 - indent);
    for (n, line) in lines.iter().enumerate() {
        let lead = " ".repeat(indent);
        let line = pad(line, NAME_WIDTH + 2 - indent, false);
        if n == 0 {
            let _ = writeln!(s, "{lead}{line} {columns}");
        } else {
            let _ = writeln!(s, "{lead}{}", line.trim_end());
        }
    }
}

/// A review's breakdown in the answer's locale: indicators, deductions,
/// dimension subtotals, totals, final score and the largest losses.
pub fn breakdown(a: &pb::ScoreReviewResponse) -> String {
    let l = labels(&a.locale);
    let mut s = String::new();
    let rubric = a.rubric.clone().unwrap_or_default();
    let _ = writeln!(
        s,
        "Review {}  employee {}  period {}",
        a.review_id, a.employee_id, a.period_label
    );
    let _ = writeln!(
        s,
        "Rubric {} v{} ({})  {}  scorecard {}  locale {}",
        rubric.id, rubric.version, rubric.name, rubric.content_hash, a.service_version, a.locale
    );
    let own = a.self_assessment.clone().unwrap_or_default();
    let sup = a.supervisor_assessment.clone().unwrap_or_default();
    let num = |text: &str, width: usize| pad(text, width, true);
    let _ = writeln!(
        s,
        "\n{} {} {}",
        pad("", NAME_WIDTH + 2, false),
        num(l.self_, 24),
        num(l.supervisor, 24)
    );
    let triple = |v: &str, o: &str, p: &str| format!("{} {} {}", num(v, 8), num(o, 7), num(p, 7));
    let _ = writeln!(
        s,
        "{} {} {}",
        pad(l.indicator, NAME_WIDTH + 2, false),
        triple(l.value, l.off, l.points),
        triple(l.value, l.off, l.points)
    );
    let value = |i: &pb::IndicatorResult| match pb::InputKind::try_from(i.input_kind) {
        Ok(pb::InputKind::RaterPoints) => l.rater_points.to_string(),
        Ok(pb::InputKind::Missing) => l.no_input.to_string(),
        _ => i.value.clone(),
    };
    for (dim_self, dim_sup) in own.dimensions.iter().zip(&sup.dimensions) {
        let _ = writeln!(s, "{} ({}%)", dim_self.name, dim_self.weight_percent);
        for (i_self, i_sup) in own
            .indicators
            .iter()
            .zip(&sup.indicators)
            .filter(|(i, _)| i.dimension_id == dim_self.dimension_id)
        {
            let columns = format!(
                "{} {}",
                triple(&value(i_self), &i_self.deduction, &i_self.points),
                triple(&value(i_sup), &i_sup.deduction, &i_sup.points)
            );
            row(&mut s, 2, &i_self.name, &columns);
        }
        let columns = format!(
            "{} {}",
            num(&format!("{} / {}", dim_self.score, dim_self.max_score), 24),
            num(&format!("{} / {}", dim_sup.score, dim_sup.max_score), 24)
        );
        // Chinese runs words together; English puts a space between.
        let joiner = if a.locale.starts_with("zh") { "" } else { " " };
        let subtotal = format!("{}{joiner}{}", dim_self.name, l.subtotal);
        row(&mut s, 2, &subtotal, &columns);
    }
    let _ = writeln!(s);
    row(
        &mut s,
        0,
        l.total,
        &format!("{} {}", num(&own.total, 24), num(&sup.total, 24)),
    );
    if !a.complete {
        row(
            &mut s,
            0,
            l.reachable,
            &format!(
                "{} {}",
                num(&own.max_reachable_total, 24),
                num(&sup.max_reachable_total, 24)
            ),
        );
        let _ = writeln!(s, "{}: {}", l.missing, own.missing_indicator_ids.join(", "));
    }
    let _ = writeln!(s, "\n{}", a.summary);
    let _ = writeln!(
        s,
        "{} {}   {} {}",
        l.final_score, a.final_score, l.coefficient, a.bonus_coefficient
    );
    if let Some(band) = &a.grade_band {
        let _ = writeln!(
            s,
            "{} {} ({}..{})",
            l.band, band.name, band.min_score, band.max_score
        );
    }
    if let Some(gap) = &a.gap {
        if gap.flagged {
            let _ = writeln!(s, "{}  {}", gap.explanation, l.flagged);
        } else {
            let _ = writeln!(s, "{}", gap.explanation);
        }
    }
    let _ = writeln!(s, "\n{}", l.losses);
    for (n, loss) in a.largest_losses.iter().take(5).enumerate() {
        let _ = writeln!(s, "  {}. {}", n + 1, loss.explanation);
    }
    if !sup.indicators.is_empty() {
        let _ = writeln!(s, "\n{}", l.explanations);
        for i in &sup.indicators {
            let _ = writeln!(s, "  {}", i.explanation);
        }
    }
    s
}

/// A status with its field violations, one per line.
pub fn status(status: &tonic::Status) -> String {
    let mut s = format!("error: {:?}: {}\n", status.code(), status.message());
    if let Some(bad) = status.get_details_bad_request() {
        for v in bad.field_violations {
            let _ = writeln!(s, "  {}: {}", v.field, v.description);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_and_respects_the_width() {
        let english = "Share of escalated tickets closed within the agreed window";
        let lines = wrap(english, 20);
        assert_eq!(
            lines,
            [
                "Share of escalated",
                "tickets closed",
                "within the agreed",
                "window"
            ]
        );
        // Chinese has no spaces: cut between characters, two columns each.
        let chinese = "客户投诉解决率与回访满意度综合指标";
        let lines = wrap(chinese, 10);
        assert_eq!(lines, ["客户投诉解", "决率与回访", "满意度综合", "指标"]);
        assert_eq!(lines.concat(), chinese);
    }

    #[test]
    fn padding_counts_terminal_columns_not_characters() {
        // 4 CJK characters are 8 columns: 2 spaces make 10.
        assert_eq!(pad("客户满意", 10, false), "客户满意  ");
        assert_eq!(pad("92", 5, true), "   92");
        assert_eq!(pad("longer than", 3, false), "longer than");
    }
}

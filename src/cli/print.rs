//! Readable output of answers and errors.

use crate::api::pb;
use std::fmt::Write;
use tonic_types::StatusExt;

/// A review's breakdown: indicators, deductions, dimension scores, totals,
/// final score and the largest losses.
pub fn breakdown(a: &pb::ScoreReviewResponse) -> String {
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
    let _ = writeln!(s, "\n{:<44} {:>24} {:>24}", "", "self", "supervisor");
    let _ = writeln!(
        s,
        "{:<44} {:>8} {:>7} {:>7} {:>8} {:>7} {:>7}",
        "indicator", "value", "off", "points", "value", "off", "points"
    );
    for (d, (dim_self, dim_sup)) in own.dimensions.iter().zip(&sup.dimensions).enumerate() {
        let _ = writeln!(s, "{} ({}%)", dim_self.name, dim_self.weight_percent);
        for (i_self, i_sup) in own
            .indicators
            .iter()
            .zip(&sup.indicators)
            .filter(|(i, _)| i.dimension_id == dim_self.dimension_id)
        {
            let value = |i: &pb::IndicatorResult| match pb::InputKind::try_from(i.input_kind) {
                Ok(pb::InputKind::RaterPoints) => "(points)".to_string(),
                Ok(pb::InputKind::Missing) => "(none)".to_string(),
                _ => i.value.clone(),
            };
            let _ = writeln!(
                s,
                "  {:<42} {:>8} {:>7} {:>7} {:>8} {:>7} {:>7}",
                truncate(&i_self.name, 42),
                value(i_self),
                i_self.deduction,
                i_self.points,
                value(i_sup),
                i_sup.deduction,
                i_sup.points
            );
        }
        let _ = writeln!(
            s,
            "  {:<42} {:>24} {:>24}",
            format!("dimension {} score", d + 1),
            format!("{} / {}", dim_self.score, dim_self.max_score),
            format!("{} / {}", dim_sup.score, dim_sup.max_score)
        );
    }
    let _ = writeln!(
        s,
        "\n{:<44} {:>24} {:>24}",
        "rater total", own.total, sup.total
    );
    if !a.complete {
        let _ = writeln!(
            s,
            "{:<44} {:>24} {:>24}",
            "max reachable total", own.max_reachable_total, sup.max_reachable_total
        );
        let _ = writeln!(s, "missing: {}", own.missing_indicator_ids.join(", "));
    }
    let _ = writeln!(s, "\n{}", a.summary);
    let _ = writeln!(
        s,
        "final score {}   bonus coefficient {}",
        a.final_score, a.bonus_coefficient
    );
    if let Some(band) = &a.grade_band {
        let _ = writeln!(
            s,
            "grade band {} ({}..{})",
            band.name, band.min_score, band.max_score
        );
    }
    if let Some(gap) = &a.gap {
        let _ = writeln!(
            s,
            "{}{}",
            gap.explanation,
            if gap.flagged { "  [FLAGGED]" } else { "" }
        );
    }
    let _ = writeln!(s, "\nlargest losses:");
    for (n, l) in a.largest_losses.iter().take(5).enumerate() {
        let _ = writeln!(s, "  {}. {}", n + 1, l.explanation);
    }
    let _ = writeln!(s, "\nexplanations (supervisor):");
    for i in &sup.indicators {
        let _ = writeln!(s, "  {}", i.explanation);
    }
    s
}

fn truncate(text: &str, width: usize) -> String {
    text.chars().take(width).collect()
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

//! The form's fixed words, per locale.

use scorecard_core::locale::Locale;
use scorecard_core::rubric::{Direction, Rounding, Unit};

/// The labels of one locale.
pub struct Labels {
    pub title: &'static str,
    pub employee: &'static str,
    pub supervisor: &'static str,
    pub department: &'static str,
    pub employment_type: &'static str,
    pub job_title: &'static str,
    pub period: &'static str,
    pub indicator: &'static str,
    pub points: &'static str,
    pub target: &'static str,
    pub rule: &'static str,
    pub self_score: &'static str,
    pub supervisor_score: &'static str,
    pub weight: &'static str,
    pub subtotal: &'static str,
    pub scores: &'static str,
    pub self_total: &'static str,
    pub supervisor_total: &'static str,
    pub final_score: &'static str,
    pub bonus: &'static str,
    pub band_coefficient: &'static str,
    pub grade: &'static str,
    pub no_grade: &'static str,
    pub gap: &'static str,
    pub losses: &'static str,
    pub no_losses: &'static str,
    pub interview: &'static str,
    pub strengths: &'static str,
    pub improve: &'static str,
    pub goals: &'static str,
    pub notes: &'static str,
    pub supervisor_sign: &'static str,
    pub employee_sign: &'static str,
    pub hr_sign: &'static str,
    pub date: &'static str,
    pub review: &'static str,
    pub incomplete: &'static str,
    pub reachable: &'static str,
    /// Employment types: unspecified, full time, part time, contract, intern.
    pub employment: [&'static str; 5],
}

const ZH_CN: Labels = Labels {
    title: "绩效评定表",
    employee: "员工",
    supervisor: "直接主管",
    department: "部门",
    employment_type: "聘用类型",
    job_title: "职位",
    period: "考核期间",
    indicator: "指标",
    points: "分值",
    target: "目标",
    rule: "扣分规则",
    self_score: "自评",
    supervisor_score: "主管评分",
    weight: "权重",
    subtotal: "小计",
    scores: "得分",
    self_total: "自评总分",
    supervisor_total: "主管评分总分",
    final_score: "最终得分",
    bonus: "奖金系数",
    band_coefficient: "等级系数",
    grade: "等级",
    no_grade: "无对应等级",
    gap: "评分差异",
    losses: "主要失分",
    no_losses: "无失分",
    interview: "绩效面谈",
    strengths: "优点",
    improve: "待改进",
    goals: "下期目标",
    notes: "其他",
    supervisor_sign: "直接主管签字",
    employee_sign: "员工签字",
    hr_sign: "人力资源部签字",
    date: "日期",
    review: "评定",
    incomplete: "部分评分：有指标缺失",
    reachable: "仍可达到的最高分",
    employment: ["—", "全职", "兼职", "合同", "实习"],
};

const ZH_TW: Labels = Labels {
    title: "績效評定表",
    employee: "員工",
    supervisor: "直屬主管",
    department: "部門",
    employment_type: "聘用類型",
    job_title: "職稱",
    period: "考核期間",
    indicator: "指標",
    points: "配分",
    target: "目標",
    rule: "扣分規則",
    self_score: "自評",
    supervisor_score: "主管評分",
    weight: "權重",
    subtotal: "小計",
    scores: "得分",
    self_total: "自評總分",
    supervisor_total: "主管評分總分",
    final_score: "最終得分",
    bonus: "獎金係數",
    band_coefficient: "等級係數",
    grade: "等級",
    no_grade: "無對應等級",
    gap: "評分差異",
    losses: "主要失分",
    no_losses: "無失分",
    interview: "績效面談",
    strengths: "優點",
    improve: "待改進",
    goals: "下期目標",
    notes: "其他",
    supervisor_sign: "直屬主管簽名",
    employee_sign: "員工簽名",
    hr_sign: "人力資源部簽名",
    date: "日期",
    review: "評定",
    incomplete: "部分評分：有指標缺漏",
    reachable: "仍可達到的最高分",
    employment: ["—", "全職", "兼職", "約聘", "實習"],
};

const EN: Labels = Labels {
    title: "Performance Review Form",
    employee: "Employee",
    supervisor: "Direct supervisor",
    department: "Department",
    employment_type: "Employment type",
    job_title: "Job title",
    period: "Review period",
    indicator: "Indicator",
    points: "Points",
    target: "Target",
    rule: "Deduction rule",
    self_score: "Self",
    supervisor_score: "Supervisor",
    weight: "weight",
    subtotal: "Subtotal",
    scores: "Scores",
    self_total: "Self total",
    supervisor_total: "Supervisor total",
    final_score: "Final score",
    bonus: "Bonus coefficient",
    band_coefficient: "coefficient of grade",
    grade: "Grade",
    no_grade: "no grade band",
    gap: "Rater gap",
    losses: "Largest losses",
    no_losses: "none",
    interview: "Performance interview",
    strengths: "Strengths",
    improve: "Areas to improve",
    goals: "Goals for the next period",
    notes: "Notes",
    supervisor_sign: "Direct supervisor",
    employee_sign: "Employee",
    hr_sign: "HR",
    date: "Date",
    review: "Review",
    incomplete: "Partial: indicators missing",
    reachable: "Highest still reachable",
    employment: ["—", "Full-time", "Part-time", "Contract", "Intern"],
};

/// The labels of `locale`.
pub fn labels(locale: Locale) -> &'static Labels {
    match locale {
        Locale::ZhCn => &ZH_CN,
        Locale::ZhTw => &ZH_TW,
        Locale::En => &EN,
    }
}

/// "Page 2 of 3" in `locale`.
pub fn page_of(locale: Locale, page: usize, pages: usize) -> String {
    match locale {
        Locale::ZhCn => format!("第 {page} 页 / 共 {pages} 页"),
        Locale::ZhTw => format!("第 {page} 頁 / 共 {pages} 頁"),
        Locale::En => format!("Page {page} of {pages}"),
    }
}

/// A unit after a number: "%", " min", "分钟".
pub fn unit(locale: Locale, unit: Unit) -> &'static str {
    match (unit, locale) {
        (Unit::Percent, _) => "%",
        (Unit::Count, _) => "",
        (Unit::Minutes, Locale::ZhCn) => "分钟",
        (Unit::Minutes, Locale::ZhTw) => "分鐘",
        (Unit::Minutes, Locale::En) => " min",
        (Unit::Hours, Locale::ZhCn) => "小时",
        (Unit::Hours, Locale::ZhTw) => "小時",
        (Unit::Hours, Locale::En) => " h",
        (Unit::Score, Locale::En) => " pts",
        (Unit::Score, _) => "分",
    }
}

/// The target cell: "≥ 95%", "≤ 120 min".
pub fn target(locale: Locale, u: Unit, direction: Direction, target: &str) -> String {
    let sign = match direction {
        Direction::AtLeast => "≥",
        Direction::AtMost => "≤",
    };
    format!("{sign} {target}{}", unit(locale, u))
}

/// The rule cell: "-0.5 per 1% below (pro rata)", "每低1%扣0.5分（按比例）".
pub fn rule(
    locale: Locale,
    u: Unit,
    direction: Direction,
    rounding: Rounding,
    step: &str,
    penalty: &str,
) -> String {
    let unit = unit(locale, u);
    match locale {
        Locale::En => {
            let side = match direction {
                Direction::AtLeast => "below",
                Direction::AtMost => "over",
            };
            let how = match rounding {
                Rounding::Linear => "pro rata",
                Rounding::PerFullStep => "full steps",
                Rounding::PerStartedStep => "started steps",
            };
            format!("-{penalty} per {step}{unit} {side} ({how})")
        }
        Locale::ZhCn | Locale::ZhTw => {
            let side = match direction {
                Direction::AtLeast => "每低",
                Direction::AtMost => "每超",
            };
            let how = match (rounding, locale) {
                (Rounding::Linear, _) => "按比例",
                (Rounding::PerFullStep, Locale::ZhCn) => "满一档计",
                (Rounding::PerFullStep, _) => "滿一級計",
                (Rounding::PerStartedStep, Locale::ZhCn) => "不足一档按一档",
                (Rounding::PerStartedStep, _) => "未滿一級以一級計",
            };
            format!("{side}{step}{unit}扣{penalty}分（{how}）")
        }
    }
}

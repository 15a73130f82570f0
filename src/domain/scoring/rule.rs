//! The arithmetic of one rule: shortfall, steps, deduction, points.

use crate::domain::decimal;
use crate::domain::rubric::{Direction, Rounding, Rule};
use rust_decimal::Decimal;

/// Everything a rule computed for one value, each number shown in answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOutcome {
    /// How far the value is on the wrong side of the target (0 when met).
    pub shortfall: Decimal,
    /// Steps of shortfall after the rule's rounding (exact).
    pub steps: Decimal,
    /// steps × penalty, before the cap and rounding (exact).
    pub raw_deduction: Decimal,
    /// True when the raw deduction exceeded full points.
    pub capped: bool,
    /// min(full points, steps × penalty), rounded to the precision.
    pub deduction: Decimal,
    /// full points − deduction.
    pub points: Decimal,
}

/// Applies `rule` to `value` (SCORING.md section 3, steps 1-2).
pub fn apply(rule: &Rule, full_points: Decimal, value: Decimal, precision: u32) -> RuleOutcome {
    let shortfall = match rule.direction {
        Direction::AtLeast => rule.target - value,
        Direction::AtMost => value - rule.target,
    }
    .max(Decimal::ZERO);
    if shortfall.is_zero() {
        // Met: nothing to divide, full points.
        let deduction = decimal::round(Decimal::ZERO.min(full_points), precision);
        return RuleOutcome {
            shortfall: Decimal::ZERO,
            steps: Decimal::ZERO,
            raw_deduction: Decimal::ZERO,
            capped: Decimal::ZERO > full_points,
            deduction,
            points: decimal::normalize(full_points - deduction),
        };
    }
    let (steps, raw_deduction) = match rule.rounding {
        // Multiply before dividing: when the exact deduction is a finite
        // decimal (a rounding tie such as 0.125), it is computed exactly.
        // A one-unit step (every rule of the built-in rubric) divides by
        // one: the same values without two 96-bit divisions.
        Rounding::Linear if rule.step == Decimal::ONE => (shortfall, shortfall * rule.penalty),
        Rounding::Linear => (shortfall / rule.step, shortfall * rule.penalty / rule.step),
        Rounding::PerFullStep => {
            let steps = (shortfall / rule.step).floor();
            (steps, steps * rule.penalty)
        }
        Rounding::PerStartedStep => {
            let steps = (shortfall / rule.step).ceil();
            (steps, steps * rule.penalty)
        }
    };
    let capped = raw_deduction > full_points;
    let deduction = decimal::round(raw_deduction.min(full_points), precision);
    RuleOutcome {
        shortfall: decimal::normalize(shortfall),
        steps: decimal::normalize(steps),
        raw_deduction: decimal::normalize(raw_deduction),
        capped,
        deduction,
        points: decimal::normalize(full_points - deduction),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn rule(
        direction: Direction,
        target: Decimal,
        step: Decimal,
        penalty: Decimal,
        rounding: Rounding,
    ) -> Rule {
        Rule {
            direction,
            target,
            step,
            penalty,
            rounding,
        }
    }

    fn at_least_95() -> Rule {
        rule(
            Direction::AtLeast,
            dec!(95),
            dec!(1),
            dec!(0.5),
            Rounding::Linear,
        )
    }

    #[test]
    fn percent_below_target_loses_exactly_half_a_point_per_percent() {
        // 95 − 93.7 = 1.3 short; 1.3 × 0.5 = 0.65 off; 20 − 0.65 = 19.35.
        let out = apply(&at_least_95(), dec!(20), dec!(93.7), 2);
        assert_eq!(out.shortfall, dec!(1.3));
        assert_eq!(out.deduction, dec!(0.65));
        assert_eq!(out.points, dec!(19.35));
        assert_eq!(out.points.to_string(), "19.35");
    }

    #[test]
    fn a_tie_rounds_half_away_from_zero() {
        // 95 − 94.75 = 0.25 short; × 0.5 = 0.125 → 0.13 off; 19.87 points.
        let out = apply(&at_least_95(), dec!(20), dec!(94.75), 2);
        assert_eq!(out.raw_deduction, dec!(0.125));
        assert_eq!(out.deduction, dec!(0.13));
        assert_eq!(out.points, dec!(19.87));
    }

    #[test]
    fn meeting_or_beating_the_target_scores_full_points() {
        for value in [dec!(95), dec!(99.9), dec!(100)] {
            let out = apply(&at_least_95(), dec!(20), value, 2);
            assert_eq!(out.shortfall, dec!(0));
            assert_eq!(out.points, dec!(20));
        }
    }

    #[test]
    fn at_most_counts_the_excess_over_the_target() {
        // Complex handling: 131 min vs ≤ 120, step 15, 1 point:
        // 11 over, 11/15 = 0.7333… steps → 0.73 off, 19.27 points.
        let r = rule(
            Direction::AtMost,
            dec!(120),
            dec!(15),
            dec!(1),
            Rounding::Linear,
        );
        let out = apply(&r, dec!(20), dec!(131), 2);
        assert_eq!(out.shortfall, dec!(11));
        assert_eq!(out.deduction, dec!(0.73));
        assert_eq!(out.points, dec!(19.27));
        // Under the limit: full points.
        assert_eq!(apply(&r, dec!(20), dec!(95), 2).points, dec!(20));
    }

    #[test]
    fn the_three_rounding_modes_count_steps_differently() {
        // 150 min vs ≤ 120, step 20, 3 points off per step: 30 over = 1.5 steps.
        let mk = |rounding| rule(Direction::AtMost, dec!(120), dec!(20), dec!(3), rounding);
        let linear = apply(&mk(Rounding::Linear), dec!(20), dec!(150), 2);
        let full = apply(&mk(Rounding::PerFullStep), dec!(20), dec!(150), 2);
        let started = apply(&mk(Rounding::PerStartedStep), dec!(20), dec!(150), 2);
        assert_eq!(
            (linear.steps, linear.deduction, linear.points),
            (dec!(1.5), dec!(4.5), dec!(15.5))
        );
        assert_eq!(
            (full.steps, full.deduction, full.points),
            (dec!(1), dec!(3), dec!(17))
        );
        assert_eq!(
            (started.steps, started.deduction, started.points),
            (dec!(2), dec!(6), dec!(14))
        );
    }

    #[test]
    fn the_deduction_is_capped_at_full_points() {
        // 7 major incidents × 5 = 35 off, capped at 20: 0 points, never negative.
        let r = rule(
            Direction::AtMost,
            dec!(0),
            dec!(1),
            dec!(5),
            Rounding::Linear,
        );
        let out = apply(&r, dec!(20), dec!(7), 2);
        assert_eq!(out.raw_deduction, dec!(35));
        assert!(out.capped);
        assert_eq!(out.deduction, dec!(20));
        assert_eq!(out.points, dec!(0));
    }

    #[test]
    fn a_negative_cost_saving_is_a_longer_shortfall() {
        // Cost savings −1.5 % vs ≥ 5 %: 6.5 short × 1 = 6.5 off, 13.5 points.
        let r = rule(
            Direction::AtLeast,
            dec!(5),
            dec!(1),
            dec!(1),
            Rounding::Linear,
        );
        let out = apply(&r, dec!(20), dec!(-1.5), 2);
        assert_eq!(out.shortfall, dec!(6.5));
        assert_eq!(out.deduction, dec!(6.5));
        assert_eq!(out.points, dec!(13.5));
    }

    #[test]
    fn precision_sets_where_the_deduction_is_rounded() {
        // 0.7333… off at 0 places → 1; at 3 places → 0.733.
        let r = rule(
            Direction::AtMost,
            dec!(120),
            dec!(15),
            dec!(1),
            Rounding::Linear,
        );
        assert_eq!(apply(&r, dec!(20), dec!(131), 0).deduction, dec!(1));
        assert_eq!(apply(&r, dec!(20), dec!(131), 3).deduction, dec!(0.733));
    }
}

//! The arithmetic of one rule: shortfall, steps, deduction, points.
//!
//! [`apply`] is the path nearly every value takes: a value with at most six
//! decimal places, like every number of a rubric, is an exact count of
//! millionths, the products formed stay at or below about 10^37, inside
//! `i128`, and the one division by the step is done with its remainder, so
//! every rounding decision is exact. [`apply_decimal`] takes any other
//! value (a double such as 95.28999999999999 reads with 14 places) through
//! `rust_decimal`, exact to 28 significant digits. It is also the oracle of
//! [`apply`]: both give the same outcome wherever both apply, which a
//! property test checks. The integer path exists for speed alone:
//! BENCHMARKS.md ("In-process arithmetic") has the figures that keep it.

use crate::decimal::{self, MICRO, MICRO_PLACES, div_round_exact, pow10};
use crate::rubric::{Direction, IndicatorUnits, Rounding, Rule};
use rust_decimal::Decimal;

/// Fewest places the steps and the raw deduction are shown to.
pub const SHOWN_PLACES: u32 = 4;

/// Places the steps and the raw deduction are shown to at `precision`:
/// four, or one more than the precision where that is more. A figure with
/// more places is cut to these (and marked "…" in explanations), not
/// rounded: what is shown is the start of the exact figure, and with a
/// place beyond the precision, rounding it gives the deduction. (Rounded,
/// 2.454954… would show as 2.455 beside a deduction of 2.45; cut to four
/// places at precision 4, 0.12345 would show as 0.1234 beside 0.1235.)
pub fn shown_places(precision: u32) -> u32 {
    SHOWN_PLACES.max(precision.min(MICRO_PLACES) + 1)
}

/// Everything a rule computed for one value, each number shown in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleOutcome {
    /// How far the value is on the wrong side of the target (0 when met).
    pub shortfall: Decimal,
    /// Steps of shortfall after the rule's rounding, in units of
    /// 10^-`places`, cut (not rounded) to them, so that the digits shown
    /// are the exact value's: see [`shown_places`].
    pub steps: i128,
    /// Whether `steps` is the exact step count.
    pub steps_exact: bool,
    /// steps × penalty before the cap and rounding, in units of
    /// 10^-`places`, cut like `steps`.
    pub raw_deduction: i128,
    /// Whether `raw_deduction` is exact.
    pub raw_exact: bool,
    /// The places `steps` and `raw_deduction` are in.
    pub places: u32,
    /// Whether the raw deduction is exactly the deduction: neither capped
    /// nor rounded.
    pub raw_is_deduction: bool,
    /// True when the raw deduction exceeded full points.
    pub capped: bool,
    /// min(full points, steps × penalty), rounded to the precision, in
    /// millionths.
    pub deduction: i64,
    /// full points − deduction, in millionths.
    pub points: i64,
}

impl RuleOutcome {
    /// A value at or beyond the target: full points (millionths).
    fn met(full_points: i64) -> Self {
        RuleOutcome {
            shortfall: Decimal::ZERO,
            steps: 0,
            steps_exact: true,
            raw_deduction: 0,
            raw_exact: true,
            places: SHOWN_PLACES,
            raw_is_deduction: true,
            capped: false,
            deduction: 0,
            points: full_points,
        }
    }
}

/// Applies the rule of `indicator` to `value` (millionths) at `precision`
/// places (at most six): docs/scoring.md section 3, steps 1-2, in `i128`.
pub fn apply(indicator: &IndicatorUnits, value: i64, precision: u32) -> RuleOutcome {
    let full = indicator.full_points;
    let shortfall = match indicator.direction {
        Direction::AtLeast => indicator.target - value,
        Direction::AtMost => value - indicator.target,
    };
    if shortfall <= 0 {
        return RuleOutcome::met(full);
    }
    let deduction = deduct(indicator, shortfall, precision);
    RuleOutcome {
        shortfall: Decimal::new(shortfall, MICRO_PLACES),
        steps: deduction.steps,
        steps_exact: deduction.steps_exact,
        raw_deduction: deduction.raw_deduction,
        raw_exact: deduction.raw_exact,
        places: shown_places(precision),
        raw_is_deduction: deduction.raw_is_deduction,
        capped: deduction.capped,
        deduction: deduction.deduction,
        points: full - deduction.deduction,
    }
}

/// What [`deduct`] works out for a positive shortfall (see
/// [`RuleOutcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Deduction {
    steps: i128,
    steps_exact: bool,
    raw_deduction: i128,
    raw_exact: bool,
    raw_is_deduction: bool,
    capped: bool,
    deduction: i64,
}

/// Steps, raw deduction and deduction for a positive `shortfall`
/// (millionths). Every product stays at or below about 10^37 (the
/// validated limits: values up to 10^12, a rubric's numbers up to 10^9,
/// all in millionths), inside `i128`'s 1.7 × 10^38.
#[inline]
fn deduct(indicator: &IndicatorUnits, shortfall: i64, precision: u32) -> Deduction {
    let full = i128::from(indicator.full_points);
    let (sf, step, penalty) = (
        i128::from(shortfall),
        i128::from(indicator.step),
        i128::from(indicator.penalty),
    );
    // At most 10^7 (precision 6).
    let places = shown_places(precision);
    let shown = pow10(places);
    // The raw deduction as the fraction numerator / denominator, in
    // millionths of a point.
    let (steps, steps_exact, numerator, denominator) = match indicator.rounding {
        // shortfall / step steps; shortfall × penalty / step points.
        Rounding::Linear => {
            let (steps, exact) = div_cut_exact(sf * shown, step);
            (steps, exact, sf * penalty, step)
        }
        Rounding::PerFullStep | Rounding::PerStartedStep => {
            // In 64 bits, where both already are (the step is positive).
            let (quotient, remainder) = (shortfall / indicator.step, shortfall % indicator.step);
            let started = indicator.rounding == Rounding::PerStartedStep && remainder != 0;
            // A started step needs step ≥ 2, so quotient + 1 ≤ shortfall.
            let whole = i128::from(quotient + i64::from(started));
            (whole * shown, true, whole * penalty, 1)
        }
    };
    let capped = numerator > full * denominator;
    // The numerator is in millionths² per step unit; one more factor of a
    // million brings the fraction to points.
    let unit = denominator * i128::from(MICRO);
    // numerator × 10^places / unit, with the powers of ten cancelled
    // first, so that nothing grows past the 10^34 the numerator reaches.
    let (raw_deduction, raw_exact) = match MICRO_PLACES.checked_sub(places) {
        Some(fewer) => div_cut_exact(numerator, denominator * pow10(fewer)),
        None => div_cut_exact(numerator * pow10(places - MICRO_PLACES), denominator),
    };
    let (deduction, raw_is_deduction) = if capped {
        (indicator.full_points, false)
    } else {
        // 10^precision, and the millionths in one 10^-precision, from the
        // table of powers (both at most a million).
        let precision = precision.min(MICRO_PLACES);
        let (places, per_place) = (pow10(precision), pow10(MICRO_PLACES - precision));
        // Not capped: numerator ≤ full × denominator, so these products
        // stay below 10^37.
        let (rounded, exact) = div_round_exact(numerator * places, unit);
        let micros = i64::try_from(rounded * per_place).unwrap_or(indicator.full_points);
        (micros, exact)
    };
    Deduction {
        steps,
        steps_exact,
        raw_deduction,
        raw_exact,
        raw_is_deduction,
        capped,
        deduction,
    }
}

/// [`apply`] for a value of any scale, in `rust_decimal`.
pub fn apply_decimal(
    rule: &Rule,
    full_points: Decimal,
    value: Decimal,
    precision: u32,
) -> RuleOutcome {
    let shortfall = match rule.direction {
        Direction::AtLeast => rule.target - value,
        Direction::AtMost => value - rule.target,
    }
    .max(Decimal::ZERO);
    let full = decimal::to_micros(full_points).unwrap_or(0);
    if shortfall.is_zero() {
        return RuleOutcome::met(full);
    }
    // Multiply before dividing: when the exact deduction is a finite
    // decimal (a rounding tie such as 0.125), it is computed exactly.
    let (steps, raw) = match rule.rounding {
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
    let capped = raw > full_points;
    let rounded = decimal::round(raw.min(full_points), precision);
    let deduction = decimal::to_micros(rounded).unwrap_or(full);
    let places = shown_places(precision);
    let (steps, steps_exact) = shown(steps, places);
    let (raw_deduction, raw_exact) = shown(raw, places);
    RuleOutcome {
        shortfall: decimal::normalize(shortfall),
        steps,
        steps_exact,
        raw_deduction,
        raw_exact,
        places,
        raw_is_deduction: !capped && raw == rounded,
        capped,
        deduction,
        points: full - deduction,
    }
}

/// `n / d` cut toward zero, and whether that is exact (`n` ≥ 0, `d` > 0:
/// a shortfall's steps and deduction are positive).
#[inline]
fn div_cut_exact(n: i128, d: i128) -> (i128, bool) {
    debug_assert!(n >= 0 && d > 0, "a positive fraction");
    // In 64 bits where both fit (nearly always), as `div_round_exact`
    // does: a 128-bit division is a library call.
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) => ((n / d).into(), n % d == 0),
        _ => (n / d, n % d == 0),
    }
}

/// `value` cut to `places` in units of 10^-`places`, and whether that is
/// exact.
fn shown(value: Decimal, places: u32) -> (i128, bool) {
    let cut = value.trunc_with_scale(places);
    // At most `places` places after cutting; scaled in i128, which holds
    // any Decimal × 10^7.
    let units = cut.mantissa() * pow10(places - cut.scale().min(places));
    (units, cut == value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::{from_units, to_micros};
    use rust_decimal::Decimal;
    use rust_decimal_macros::dec;

    fn m(d: Decimal) -> i64 {
        to_micros(d).expect("six places at most")
    }

    /// A millionths count as a decimal, for comparing with `dec!`.
    fn d(micros: i64) -> Decimal {
        from_units(micros.into(), MICRO_PLACES)
    }

    /// Ten-thousandths as a decimal.
    fn shown(units: i128) -> Decimal {
        from_units(units, SHOWN_PLACES)
    }

    fn rule(
        direction: Direction,
        target: Decimal,
        step: Decimal,
        penalty: Decimal,
        rounding: Rounding,
    ) -> IndicatorUnits {
        IndicatorUnits {
            min_value: None,
            max_value: None,
            whole: false,
            full_points: m(dec!(20)),
            direction,
            rounding,
            target: m(target),
            step: m(step),
            penalty: m(penalty),
        }
    }

    fn at_least_95() -> IndicatorUnits {
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
        let out = apply(&at_least_95(), m(dec!(93.7)), 2);
        assert_eq!(out.shortfall, dec!(1.3));
        assert_eq!(d(out.deduction), dec!(0.65));
        assert_eq!(d(out.points), dec!(19.35));
        assert!(out.raw_is_deduction && out.raw_exact && out.steps_exact);
    }

    #[test]
    fn a_tie_rounds_half_away_from_zero() {
        // 95 − 94.75 = 0.25 short; × 0.5 = 0.125 → 0.13 off; 19.87 points.
        let out = apply(&at_least_95(), m(dec!(94.75)), 2);
        assert_eq!(shown(out.raw_deduction), dec!(0.125));
        assert!(out.raw_exact);
        assert!(!out.raw_is_deduction);
        assert_eq!(d(out.deduction), dec!(0.13));
        assert_eq!(d(out.points), dec!(19.87));
    }

    #[test]
    fn meeting_or_beating_the_target_scores_full_points() {
        for value in [dec!(95), dec!(99.9), dec!(100)] {
            let out = apply(&at_least_95(), m(value), 2);
            assert_eq!(out.shortfall, dec!(0));
            assert_eq!(d(out.points), dec!(20));
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
        let out = apply(&r, m(dec!(131)), 2);
        assert_eq!(out.shortfall, dec!(11));
        assert_eq!(shown(out.steps), dec!(0.7333));
        assert!(!out.steps_exact);
        assert_eq!(shown(out.raw_deduction), dec!(0.7333));
        assert!(!out.raw_exact);
        assert_eq!(d(out.deduction), dec!(0.73));
        assert_eq!(d(out.points), dec!(19.27));
        // Under the limit: full points.
        assert_eq!(d(apply(&r, m(dec!(95)), 2).points), dec!(20));
    }

    #[test]
    fn shown_steps_are_cut_not_rounded() {
        // 10 over, step 15: 0.6666… steps, shown as 0.6666.
        let r = rule(
            Direction::AtMost,
            dec!(120),
            dec!(15),
            dec!(1),
            Rounding::Linear,
        );
        let out = apply(&r, m(dec!(130)), 2);
        assert_eq!(shown(out.steps), dec!(0.6666));
        assert!(!out.steps_exact);
        assert_eq!(d(out.deduction), dec!(0.67));
    }

    #[test]
    fn the_three_rounding_modes_count_steps_differently() {
        // 150 min vs ≤ 120, step 20, 3 points off per step: 30 over = 1.5 steps.
        let mk = |rounding| rule(Direction::AtMost, dec!(120), dec!(20), dec!(3), rounding);
        let linear = apply(&mk(Rounding::Linear), m(dec!(150)), 2);
        let full = apply(&mk(Rounding::PerFullStep), m(dec!(150)), 2);
        let started = apply(&mk(Rounding::PerStartedStep), m(dec!(150)), 2);
        assert_eq!(
            (shown(linear.steps), d(linear.deduction), d(linear.points)),
            (dec!(1.5), dec!(4.5), dec!(15.5))
        );
        assert_eq!(
            (shown(full.steps), d(full.deduction), d(full.points)),
            (dec!(1), dec!(3), dec!(17))
        );
        assert_eq!(
            (
                shown(started.steps),
                d(started.deduction),
                d(started.points)
            ),
            (dec!(2), dec!(6), dec!(14))
        );
        // Exactly two steps is two steps in every mode.
        let two = apply(&mk(Rounding::PerStartedStep), m(dec!(160)), 2);
        assert_eq!(shown(two.steps), dec!(2));
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
        let out = apply(&r, m(dec!(7)), 2);
        assert_eq!(shown(out.raw_deduction), dec!(35));
        assert!(out.capped);
        assert!(!out.raw_is_deduction);
        assert_eq!(d(out.deduction), dec!(20));
        assert_eq!(d(out.points), dec!(0));
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
        let out = apply(&r, m(dec!(-1.5)), 2);
        assert_eq!(out.shortfall, dec!(6.5));
        assert_eq!(d(out.deduction), dec!(6.5));
        assert_eq!(d(out.points), dec!(13.5));
    }

    #[test]
    fn precision_sets_where_the_deduction_is_rounded() {
        // 0.7333… off at 0 places → 1; at 3 places → 0.733; at 6 → 0.733333.
        let r = rule(
            Direction::AtMost,
            dec!(120),
            dec!(15),
            dec!(1),
            Rounding::Linear,
        );
        assert_eq!(d(apply(&r, m(dec!(131)), 0).deduction), dec!(1));
        assert_eq!(d(apply(&r, m(dec!(131)), 3).deduction), dec!(0.733));
        assert_eq!(d(apply(&r, m(dec!(131)), 6).deduction), dec!(0.733333));
    }

    #[test]
    fn a_value_with_more_than_six_places_takes_the_decimal_path() {
        // 150.0000001 min vs ≤ 120, step 15, 1 point: 30.0000001 over.
        // Started steps: 3 (3 off, 17); full steps: 2 (2 off, 18); linear:
        // 2.00000000666… steps, shown 2 with "not exact", 2.00 off, 18.
        let rule = |rounding| Rule {
            direction: Direction::AtMost,
            target: dec!(120),
            step: dec!(15),
            penalty: dec!(1),
            rounding,
        };
        let value = dec!(150.0000001);
        assert_eq!(to_micros(value), None);
        let apply = |rounding| apply_decimal(&rule(rounding), dec!(20), value, 2);
        let started = apply(Rounding::PerStartedStep);
        assert_eq!(started.shortfall, dec!(30.0000001));
        assert_eq!(
            (shown(started.steps), d(started.points)),
            (dec!(3), dec!(17))
        );
        let full = apply(Rounding::PerFullStep);
        assert_eq!((shown(full.steps), d(full.points)), (dec!(2), dec!(18)));
        let linear = apply(Rounding::Linear);
        assert_eq!(shown(linear.steps), dec!(2));
        assert!(!linear.steps_exact && !linear.raw_exact && !linear.raw_is_deduction);
        assert_eq!((d(linear.deduction), d(linear.points)), (dec!(2), dec!(18)));
    }

    #[test]
    fn the_largest_values_stay_exact() {
        // 10^12 against an at-most target of 0, step 10^-6, penalty 10^9,
        // full points 10^9: 10^18 steps, capped at full points.
        let mut r = rule(
            Direction::AtMost,
            dec!(0),
            dec!(0.000001),
            dec!(1000000000),
            Rounding::PerStartedStep,
        );
        r.full_points = m(dec!(1000000000));
        // 10^18 steps are 10^25 units of 10^-7 (at precision 6, steps are
        // shown to 7 places): past 64 bits.
        let out = apply(&r, m(dec!(1000000000000)), 6);
        assert_eq!(out.places, 7);
        assert_eq!(from_units(out.steps, out.places), dec!(1000000000000000000));
        assert!(out.capped);
        assert_eq!(d(out.points), dec!(0));
        // The same with a step of 7 × 10^-6: 10^18 / 7 steps, linear.
        r.step = 7;
        r.rounding = Rounding::Linear;
        let out = apply(&r, m(dec!(999999999999.999999)), 6);
        assert!(out.capped);
        assert_eq!(d(out.deduction), dec!(1000000000));
    }

    /// Figures are shown to four places, or one more than the precision:
    /// 0.2469 short × 0.5 = 0.12345 exactly; at precision 4 that rounds to
    /// 0.1235 and shows whole (five places); 0.24691 short × 0.5 =
    /// 0.123455, shown cut as 0.12345… at precision 4 and 0.123455 at 5.
    #[test]
    fn shown_places_follow_the_precision() {
        assert_eq!(
            (0..=6).map(shown_places).collect::<Vec<_>>(),
            [4, 4, 4, 4, 5, 6, 7]
        );
        let r = rule(
            Direction::AtLeast,
            dec!(95),
            dec!(1),
            dec!(0.5),
            Rounding::Linear,
        );
        let out = apply(&r, m(dec!(94.7531)), 4);
        assert_eq!(from_units(out.raw_deduction, out.places), dec!(0.12345));
        assert!(out.raw_exact);
        assert_eq!(d(out.deduction), dec!(0.1235));
        let out = apply(&r, m(dec!(94.75309)), 4);
        assert_eq!(from_units(out.raw_deduction, out.places), dec!(0.12345));
        assert!(!out.raw_exact);
        assert_eq!(d(out.deduction), dec!(0.1235));
        let out = apply(&r, m(dec!(94.75309)), 5);
        assert_eq!(from_units(out.raw_deduction, out.places), dec!(0.123455));
        assert!(out.raw_exact);
        assert_eq!(d(out.deduction), dec!(0.12346));
    }

    /// Rounding divisions: ties away from zero for either sign, the
    /// extremes of `i64` and of `i128` (where twice the remainder would
    /// not fit).
    #[test]
    fn rounding_division_is_half_away_from_zero() {
        let cases = [
            (5, 2, 3, false),
            (-5, 2, -3, false),
            (4, 2, 2, true),
            (7, 3, 2, false),
            (-7, 3, -2, false),
            (8, 3, 3, false),
            (0, 9, 0, true),
            (i64::MAX, 2, i64::MAX / 2 + 1, false),
            (i64::MIN, 2, i64::MIN / 2, true),
            (i64::MIN + 1, 2, i64::MIN / 2, false),
            (i64::MAX, i64::MAX, 1, true),
            (i64::MAX - 1, i64::MAX, 1, false),
            (i64::MAX / 2, i64::MAX, 0, false),
        ];
        for (n, d, rounded, exact) in cases {
            assert_eq!(
                div_round_exact(n.into(), d.into()),
                (i128::from(rounded), exact),
                "{n} / {d}"
            );
        }
        // Past 64 bits: (2^127 − 2) / (2^127 − 1) is just under 1, and
        // 2^126 / (2^127 − 1) just over a half; both round to 1.
        // (2^126 − 1) / (2^127 − 1) is just under a half: 0.
        let max = i128::MAX;
        assert_eq!(div_round_exact(max - 1, max), (1, false));
        assert_eq!(div_round_exact(1 << 126, max), (1, false));
        assert_eq!(div_round_exact((1 << 126) - 1, max), (0, false));
        assert_eq!(div_round_exact(-(max - 1), max), (-1, false));
        assert_eq!(div_round_exact(max, max), (1, true));
    }
}

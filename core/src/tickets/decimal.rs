//! Exact rounding of integer ratios into decimals.

use rust_decimal::Decimal;

/// `num / den` rounded half away from zero to `dp` decimal places, with the
/// scoring's rounding division ([`crate::decimal::div_round_exact`]), in
/// integers so that no binary floating point ever touches a reported
/// value. `None` when `den` is not positive or the result does not fit a
/// `Decimal` (neither happens with the bounded inputs the aggregator admits).
pub(crate) fn ratio(num: i128, den: i128, dp: u32) -> Option<Decimal> {
    if den <= 0 {
        return None;
    }
    let scaled = num.checked_mul(10i128.checked_pow(dp)?)?;
    let (rounded, _) = crate::decimal::div_round_exact(scaled, den);
    Decimal::try_from_i128_with_scale(rounded, dp)
        .ok()
        .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::ratio;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test literal")
    }

    #[test]
    fn rounds_half_away_from_zero() {
        // 2/3 = 0.666666… → 0.6667
        assert_eq!(ratio(2, 3, 4), Some(d("0.6667")));
        // 1/8 = 0.125 is a tie at 2 places → 0.13; -1/8 → -0.13
        assert_eq!(ratio(1, 8, 2), Some(d("0.13")));
        assert_eq!(ratio(-1, 8, 2), Some(d("-0.13")));
        // 1/3 = 0.333… → 0.33
        assert_eq!(ratio(1, 3, 2), Some(d("0.33")));
        assert_eq!(ratio(6, 3, 4), Some(d("2")));
        assert_eq!(ratio(1, 0, 4), None);
    }
}

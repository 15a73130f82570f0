//! Exact rounding of integer ratios into decimals.

use rust_decimal::Decimal;

/// `num / den` rounded half away from zero to `dp` decimal places, computed
/// in integers so that no binary floating point ever touches a reported
/// value. `None` when `den` is not positive or the result does not fit a
/// `Decimal` (neither happens with the bounded inputs the aggregator admits).
pub(crate) fn ratio(num: i128, den: i128, dp: u32) -> Option<Decimal> {
    if den <= 0 {
        return None;
    }
    let scaled = num.checked_mul(10i128.checked_pow(dp)?)?;
    let quotient = scaled / den;
    let remainder = scaled % den;
    // Integer division truncates toward zero; a remainder of at least half
    // the divisor moves the result one unit away from zero.
    let rounded = if remainder.unsigned_abs().saturating_mul(2) >= den.unsigned_abs() {
        if scaled < 0 {
            quotient - 1
        } else {
            quotient + 1
        }
    } else {
        quotient
    };
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

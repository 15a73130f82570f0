//! Exact decimals: reading wire doubles, rounding and formatting.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Largest magnitude accepted for any number on the wire. Keeps every
/// product and quotient the engine forms far inside `Decimal`'s 28 digits.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Reads a wire double as the shortest decimal that round-trips to it
/// (93.7 is 93.7, not 93.70000000000000284). Returns the reason when the
/// double is not a usable number.
pub fn from_f64(value: f64) -> Result<Decimal, String> {
    if value.is_nan() {
        return Err("NaN is not a number".into());
    }
    if value.is_infinite() {
        return Err("infinity is not a number".into());
    }
    if value.abs() > MAX_MAGNITUDE {
        return Err(format!("{value} is out of range (magnitude above 10^12)"));
    }
    // Rust's float Display prints the shortest representation that
    // round-trips, never in exponent form.
    let text = value.to_string();
    Decimal::from_str_exact(&text)
        .map(|d| normalize(d))
        .map_err(|_| format!("{value} has more than 28 decimal places"))
}

/// Converts a decimal back to the double that reads as it.
pub fn to_f64(value: Decimal) -> f64 {
    // The decimal's text is the shortest form, so parsing it gives the
    // double that `from_f64` reads back as the same decimal.
    f64::from_str(&value.normalize().to_string()).unwrap_or(0.0)
}

/// Rounds half away from zero to `places`.
pub fn round(value: Decimal, places: u32) -> Decimal {
    normalize_zero(value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero))
}

/// Formats with exactly `places` decimals, rounding half away from zero.
pub fn fixed(value: Decimal, places: u32) -> String {
    let mut rounded = round(value, places);
    rounded.rescale(places);
    rounded.to_string()
}

/// Formats without trailing zeros ("19.25", "20").
pub fn plain(value: Decimal) -> String {
    normalize(value).to_string()
}

/// Drops trailing zeros and the sign of zero.
pub fn normalize(value: Decimal) -> Decimal {
    normalize_zero(value.normalize())
}

fn normalize_zero(value: Decimal) -> Decimal {
    if value.is_zero() && value.is_sign_negative() {
        let mut zero = Decimal::ZERO;
        zero.rescale(value.scale());
        zero
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn doubles_read_as_their_shortest_decimal() {
        assert_eq!(from_f64(93.7).unwrap(), dec!(93.7));
        assert_eq!(from_f64(0.1 + 0.2).unwrap(), dec!(0.30000000000000004));
        assert_eq!(from_f64(-1.5).unwrap(), dec!(-1.5));
        assert_eq!(from_f64(-0.0).unwrap().to_string(), "0");
    }

    #[test]
    fn non_numbers_are_refused_with_a_reason() {
        assert_eq!(from_f64(f64::NAN).unwrap_err(), "NaN is not a number");
        assert_eq!(
            from_f64(f64::INFINITY).unwrap_err(),
            "infinity is not a number"
        );
        assert!(from_f64(1e13).unwrap_err().contains("out of range"));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(fixed(dec!(0.125), 2), "0.13");
        assert_eq!(fixed(dec!(-0.125), 2), "-0.13");
        assert_eq!(fixed(dec!(87.627), 2), "87.63");
        assert_eq!(fixed(dec!(88), 2), "88.00");
        assert_eq!(fixed(dec!(-0.001), 2), "0.00");
        assert_eq!(plain(dec!(19.250)), "19.25");
    }
}

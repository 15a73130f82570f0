//! Exact decimals: reading doubles, rounding and formatting.
//!
//! Numbers are formatted as text ([`fixed`], [`plain`]), appended to bytes
//! ([`append_fixed`], [`append_plain`]) or, inside the crate, to
//! explanation text. The digits are written in place into the buffer they
//! end up in, two at a time, with constant divisors for the scales answers
//! use most; the rest goes through rust_decimal's rounding and `Display`.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Largest magnitude accepted for any number on the wire. Keeps every
/// product and quotient the engine forms far inside `Decimal`'s 28 digits.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Why a wire double is not a usable number.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum NumberError {
    #[error("NaN is not a number")]
    NaN,
    #[error("infinity is not a number")]
    Infinite,
    #[error("{0} is out of range (magnitude above 10^12)")]
    OutOfRange(f64),
    #[error("{0} has more than 28 decimal places")]
    TooManyPlaces(f64),
}

/// The doubles kept are finite (never NaN), so equality is reflexive.
impl Eq for NumberError {}

/// Reads a wire double as the shortest decimal that round-trips to it
/// (93.7 is 93.7, not 93.70000000000000284), or says why the double is
/// not a usable number.
pub fn from_f64(value: f64) -> Result<Decimal, NumberError> {
    if value.is_nan() {
        return Err(NumberError::NaN);
    }
    if value.is_infinite() {
        return Err(NumberError::Infinite);
    }
    if value.abs() > MAX_MAGNITUDE {
        return Err(NumberError::OutOfRange(value));
    }
    if let Some(d) = short_from_f64(value) {
        return Ok(d);
    }
    // Rust's float Display prints the shortest representation that
    // round-trips, never in exponent form.
    let text = value.to_string();
    Decimal::from_str_exact(&text)
        .map(normalize)
        .map_err(|_| NumberError::TooManyPlaces(value))
}

/// Powers of ten that are exact doubles, up to the fast path's 6 places.
const POW10: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// The fast path of [`from_f64`] for the values requests carry (below 10^9
/// with at most 6 decimal places): the decimal `m / 10^k` with the fewest
/// places `k` whose nearest double is `value`. It is the shortest
/// round-tripping representation, as `Display` prints it: fewer places would
/// mean fewer digits, and at these magnitudes the doubles are closer together
/// than 10^-6, so at most one `m` per `k` can round-trip. `m as f64 / 10^k`
/// is the correctly rounded quotient of two exact doubles, which is exactly
/// what parsing "m·10^-k" yields. None sends the value to the general path.
fn short_from_f64(value: f64) -> Option<Decimal> {
    if value.abs() >= 1e9 {
        return None;
    }
    for (k, &p) in POW10.iter().enumerate() {
        let m = (value * p).round();
        if m / p == value {
            // |m| < 10^15 < 2^53: exact as an integer. -0.0 becomes 0.
            return Some(Decimal::new(m as i64, k as u32));
        }
    }
    None
}

/// Decimal places of the fixed-point units the scoring engine computes in.
/// Every number a rule reads (values, points, targets, steps, penalties,
/// weights) has at most this many places, so each is an exact `i64` count
/// of millionths and every product the engine forms fits an `i128`.
pub const MICRO_PLACES: u32 = 6;
/// One in millionths.
pub const MICRO: i64 = 1_000_000;

/// `value` as an exact count of millionths, or None when it has more than
/// [`MICRO_PLACES`] places (or does not fit, which the magnitude limits
/// rule out).
pub fn to_micros(value: Decimal) -> Option<i64> {
    let scale = value.scale();
    let mantissa = value.mantissa();
    // The common case: six places or fewer and a 64-bit mantissa.
    if scale <= MICRO_PLACES
        && let Ok(m) = i64::try_from(mantissa)
    {
        return m.checked_mul(POW10_U64[(MICRO_PLACES - scale) as usize] as i64);
    }
    let (mut mantissa, mut scale) = (mantissa, scale);
    while scale > MICRO_PLACES {
        if mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
    let units = mantissa.checked_mul(10i128.pow(MICRO_PLACES - scale))?;
    i64::try_from(units).ok()
}

/// The reason a number with more than [`MICRO_PLACES`] places is refused.
pub fn too_many_places(value: Decimal) -> String {
    format!(
        "{} has more than {MICRO_PLACES} decimal places; round it before sending",
        plain(value)
    )
}

/// `units × 10^-scale` as a decimal: the exact value, with trailing zeros
/// dropped when the mantissa would not otherwise fit 96 bits.
pub fn from_units(units: i128, scale: u32) -> Decimal {
    let (mut units, mut scale) = (units, scale);
    loop {
        if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
            return d;
        }
        if scale == 0 || units % 10 != 0 {
            // Out of range: the validated limits keep every value far
            // inside 96 bits, so this is never reached; saturate.
            return if units < 0 {
                Decimal::MIN
            } else {
                Decimal::MAX
            };
        }
        units /= 10;
        scale -= 1;
    }
}

/// Powers of ten that fit a `u64`.
const POW10_U64: [u64; 20] = {
    let mut table = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `n / d` rounded half away from zero (`d` > 0), and whether it is exact:
/// in 64-bit arithmetic when both fit (nearly always: 128-bit division is
/// a library call).
pub fn div_round_exact(n: i128, d: i128) -> (i128, bool) {
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) if d > 0 => {
            let (rounded, exact) = div_round_exact_i64(n, d);
            (rounded.into(), exact)
        }
        _ => {
            debug_assert!(d > 0, "a positive divisor");
            let (q, r) = (n / d, n % d);
            // Away from zero when |r| ≥ d − |r| (2|r| could overflow).
            let (r, d) = (r.unsigned_abs(), d.unsigned_abs());
            (q + i128::from(r >= d - r) * n.signum(), r == 0)
        }
    }
}

/// [`div_round_exact`] in 64 bits (`d` > 0).
#[inline]
fn div_round_exact_i64(n: i64, d: i64) -> (i64, bool) {
    debug_assert!(d > 0, "a positive divisor");
    let (q, r) = (n / d, n % d);
    // Away from zero when |r| ≥ d − |r|, without a branch: whether a
    // value rounds up is data, which a branch would mispredict.
    let (r, d) = (r.unsigned_abs(), d.unsigned_abs());
    (q + i64::from(r >= d - r) * n.signum(), r == 0)
}

/// `n / d` rounded half away from zero (`d` > 0).
pub fn div_round(n: i128, d: i128) -> i128 {
    div_round_exact(n, d).0
}

/// `units × 10^-scale` rounded half away from zero to `places` (≤ scale),
/// as a count of `10^-places`.
pub fn round_units(units: i128, scale: u32, places: u32) -> i128 {
    if places >= scale {
        return units * pow10(places - scale);
    }
    div_round(units, pow10(scale - places))
}

/// 10^n as an `i128` (n ≤ 38), from a table for the common exponents.
pub fn pow10(n: u32) -> i128 {
    match POW10_U64.get(n as usize) {
        Some(&p) => p.into(),
        None => 10i128.pow(n),
    }
}

/// Drops trailing zeros of `n × 10^-scale`, down to `floor` places: four
/// and two at a time first (points in millionths end in four or six).
fn strip_zeros(mut n: u64, mut scale: u32, floor: u32) -> (u64, u32) {
    if n == 0 {
        return (0, floor.min(scale));
    }
    for (k, unit) in [(4, 10_000), (2, 100)] {
        if scale >= floor + k && n.is_multiple_of(unit) {
            n /= unit;
            scale -= k;
        }
    }
    while scale > floor && n.is_multiple_of(10) {
        n /= 10;
        scale -= 1;
    }
    (n, scale)
}

/// Appends `units × 10^-scale` without trailing zeros ("19.25", "20").
pub(crate) fn write_units_plain(out: &mut impl Sink, units: i128, scale: u32) {
    if !out.push_digits(|digits| plain_digits(digits, units, scale)) {
        let (mut units, mut scale) = (units, scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        write_units(out, units, scale, 0);
    }
}

/// Appends millionths without trailing zeros, as [`write_units_plain`]
/// at six places does: a rule's deduction and points, with the divisor
/// known, and no wider path (an `i64` always fits).
pub(crate) fn write_micros_plain(out: &mut impl Sink, micros: i64) {
    // Always true: any i64's magnitude fits the 64-bit writer.
    let _ = out.push_digits(|digits| {
        plain_at::<{ MICRO as u64 }, MICRO_PLACES>(digits, micros < 0, micros.unsigned_abs())
    });
}

/// Writes the text of [`write_units_plain`] into `digits` (a new one) when
/// the magnitude fits 64 bits and the scale is at most 18, nearly always;
/// false, with nothing written, otherwise.
#[inline]
pub(crate) fn plain_digits(digits: &mut Digits, units: i128, scale: u32) -> bool {
    debug_assert_eq!(digits.len, 0, "a new Digits");
    let negative = units < 0;
    let Ok(n) = u64::try_from(units.unsigned_abs()) else {
        return false;
    };
    // The scales answers use most (millionths, ten-thousandths, and what
    // requests carry), with constant divisors.
    match scale {
        0 => plain_at::<1, 0>(digits, negative, n),
        1 => plain_at::<10, 1>(digits, negative, n),
        2 => plain_at::<100, 2>(digits, negative, n),
        4 => plain_at::<10_000, 4>(digits, negative, n),
        6 => plain_at::<1_000_000, 6>(digits, negative, n),
        _ => {
            let (n, scale) = strip_zeros(n, scale, 0);
            scaled(digits, negative, n, scale)
        }
    }
}

/// `n / UNIT` (UNIT = 10^SCALE): the whole part, then the fraction without
/// its trailing zeros.
#[inline]
fn plain_at<const UNIT: u64, const SCALE: u32>(
    digits: &mut Digits,
    negative: bool,
    n: u64,
) -> bool {
    let (fraction, places) = strip_zeros(n % UNIT, SCALE, 0);
    digits.fixed_point(negative, n / UNIT, fraction, places);
    true
}

/// Appends `units × 10^-scale` with exactly `places` decimals, rounding
/// half away from zero when it has more.
pub(crate) fn write_units_fixed(out: &mut impl Sink, units: i128, scale: u32, places: u32) {
    if out.push_digits(|digits| fixed_digits(digits, units, scale, places)) {
        return;
    }
    let negative = units < 0;
    if scale > places
        && let Ok(n) = u64::try_from(units.unsigned_abs())
    {
        // Zeros first (points in millionths shown to 2 places are
        // usually exact), then rounding in 64 bits.
        let (mut n, scale) = strip_zeros(n, scale, places);
        if let Some(&unit) = POW10_U64.get((scale - places) as usize) {
            if scale > places {
                let (q, r) = (n / unit, n % unit);
                n = if r >= unit - r { q + 1 } else { q };
            }
            write_scaled(out, negative, n, places, 0);
            return;
        }
    }
    if scale > places {
        write_units(out, round_units(units, scale, places), places, 0);
    } else {
        write_units(out, units, scale, places - scale);
    }
}

/// Writes the text of [`write_units_fixed`] into `digits` (a new one) for
/// millionths (points, totals) at up to 6 places, with constant divisors,
/// or for a count already at `places` (at most 18), when the magnitude
/// fits 64 bits; false, with nothing written, otherwise.
#[inline]
fn fixed_digits(digits: &mut Digits, units: i128, scale: u32, places: u32) -> bool {
    debug_assert_eq!(digits.len, 0, "a new Digits");
    let negative = units < 0;
    let Ok(n) = u64::try_from(units.unsigned_abs()) else {
        return false;
    };
    if scale == MICRO_PLACES {
        match places {
            0 => micros_fixed::<1_000_000, 1, 0>(digits, negative, n),
            1 => micros_fixed::<100_000, 10, 1>(digits, negative, n),
            2 => micros_fixed::<10_000, 100, 2>(digits, negative, n),
            3 => micros_fixed::<1_000, 1_000, 3>(digits, negative, n),
            4 => micros_fixed::<100, 10_000, 4>(digits, negative, n),
            5 => micros_fixed::<10, 100_000, 5>(digits, negative, n),
            6 => micros_fixed::<1, 1_000_000, 6>(digits, negative, n),
            _ => false,
        }
    } else if scale == places {
        // Already at the places (a loss's points): constant divisors for
        // the usual precisions.
        match places {
            0 => micros_fixed::<1, 1, 0>(digits, negative, n),
            1 => micros_fixed::<1, 10, 1>(digits, negative, n),
            2 => micros_fixed::<1, 100, 2>(digits, negative, n),
            3 => micros_fixed::<1, 1_000, 3>(digits, negative, n),
            4 => micros_fixed::<1, 10_000, 4>(digits, negative, n),
            _ => scaled(digits, negative, n, scale),
        }
    } else {
        false
    }
}

/// `n` millionths at PLACES places: rounded half away from zero by
/// DROP = 10^(6 − PLACES), then split by UNIT = 10^PLACES. With DROP = 1,
/// any count already at PLACES places.
#[inline]
fn micros_fixed<const DROP: u64, const UNIT: u64, const PLACES: u32>(
    digits: &mut Digits,
    negative: bool,
    n: u64,
) -> bool {
    let (mut q, r) = (n / DROP, n % DROP);
    if DROP > 1 && r >= DROP - r {
        q += 1;
    }
    digits.fixed_point(negative, q / UNIT, q % UNIT, PLACES);
    true
}

/// Appends `units × 10^-scale` with `scale` places and `pad` more zeros.
/// Zero is never signed.
fn write_units(out: &mut impl Sink, units: i128, scale: u32, pad: u32) {
    let negative = units < 0;
    let magnitude = units.unsigned_abs();
    match u64::try_from(magnitude) {
        Ok(n) => write_scaled(out, negative, n, scale, pad),
        Err(_) => {
            write_wide(out, negative && magnitude != 0, magnitude, scale as usize);
            if scale == 0 && pad > 0 {
                out.push_ascii(b".");
            }
            for _ in 0..pad {
                out.push_ascii(b"0");
            }
        }
    }
}

/// Appends `n / 10^scale` with `scale` places and `pad` more zeros.
fn write_scaled(out: &mut impl Sink, negative: bool, n: u64, scale: u32, pad: u32) {
    if out.push_digits(|digits| scaled(digits, negative, n, scale)) {
        if scale == 0 && pad > 0 {
            out.push_ascii(b".");
        }
    } else {
        write_wide(out, negative && n != 0, n.into(), scale as usize);
    }
    for _ in 0..pad {
        out.push_ascii(b"0");
    }
}

/// `n / 10^scale` with `scale` places (at most 18); false above.
#[inline]
fn scaled(digits: &mut Digits, negative: bool, n: u64, scale: u32) -> bool {
    if scale > 18 {
        return false;
    }
    let unit = POW10_U64[scale as usize];
    digits.fixed_point(negative, n / unit, n % unit, scale);
    true
}

/// Decimal digits of `n` (1 for 0): the bit length times log10(2) is
/// the count or one short, and one comparison settles which (cheaper than
/// `ilog10`, which mattered with about 150 numbers an answer).
#[inline]
fn digit_count(n: u64) -> usize {
    let n = n | 1;
    let bits = u64::BITS - n.leading_zeros();
    // 1233 / 4096 ≈ log10(2); bits ≤ 64 gives at most 19, in the table.
    let guess = ((bits * 1233) >> 12) as usize;
    guess + usize::from(n >= POW10_U64[guess])
}

/// "00" to "99", for writing two digits at a time.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// Bytes a number's text can take: a sign, up to 20 whole digits, a point
/// and up to 18 fraction digits (40), rounded up.
const NUMBER_BYTES: usize = 48;

/// A number's text, written into a window of [`NUMBER_BYTES`] bytes: a
/// stack buffer, or room reserved at the end of the bytes it is appended
/// to, so that it is written where it stays (copying a stack buffer just
/// written stalls on stores still in flight). Its length is worked out
/// first, then its digits are written right to left, two at a time; bytes
/// of the window past the text may be overwritten. Only ASCII digits, '.'
/// and '-' are ever written.
pub(crate) struct Digits<'a> {
    buffer: &'a mut [u8; NUMBER_BYTES],
    /// The text is `buffer[..len]`.
    len: usize,
}

impl<'a> Digits<'a> {
    #[inline]
    fn new(buffer: &'a mut [u8; NUMBER_BYTES]) -> Self {
        Digits { buffer, len: 0 }
    }

    /// Writes `whole.fraction` with exactly `places` fraction digits
    /// (`fraction` < 10^`places`, `places` ≤ 18; no point when `places`
    /// is 0), and a minus sign when negative and not zero.
    // Inlined into each caller, as before the length came first: with
    // constant places, much of it folds away (2,300 fewer instructions an
    // answer).
    #[inline(always)]
    fn fixed_point(&mut self, negative: bool, whole: u64, fraction: u64, places: u32) {
        let sign = usize::from(negative && (whole != 0 || fraction != 0));
        let whole_end = sign + digit_count(whole);
        let places = places as usize;
        self.len = whole_end;
        if places > 0 {
            self.buffer[whole_end] = b'.';
            // The fraction's leading zeros: 18 '0's in one copy (what lies
            // past the text's end is scratch), then its other digits.
            let start = whole_end + 1;
            self.buffer[start..start + 18].copy_from_slice(&[b'0'; 18]);
            self.len = start + places;
            if fraction != 0 {
                self.number(self.len, fraction);
            }
        }
        self.number(whole_end, whole);
        if sign == 1 {
            self.buffer[0] = b'-';
        }
    }

    /// Writes the digits of `n` (at least one) to end at `end`.
    #[inline]
    fn number(&mut self, end: usize, mut n: u64) {
        let mut at = end;
        while n >= 100 {
            let pair = 2 * (n % 100) as usize;
            n /= 100;
            at -= 2;
            self.buffer[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        }
        if n >= 10 {
            let pair = 2 * n as usize;
            at -= 2;
            self.buffer[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        } else {
            self.buffer[at - 1] = b'0' + n as u8;
        }
    }

    /// Bytes written.
    fn len(&self) -> usize {
        self.len
    }

    /// The text, as ASCII bytes.
    fn as_bytes(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

/// Where the writers of this module append a number's text: a `String`,
/// bytes, or explanation text (`scoring::Text`).
pub(crate) trait Sink {
    /// Appends ASCII bytes (digits, '.', '-'), each its own char.
    fn push_ascii(&mut self, ascii: &[u8]);

    /// Appends the number `write` writes into a [`Digits`]; false, with
    /// nothing appended, when `write` gives false. Through a buffer on
    /// the stack, unless the sink lends its own bytes.
    #[inline]
    fn push_digits(&mut self, write: impl FnOnce(&mut Digits<'_>) -> bool) -> bool {
        let mut buffer = [0; NUMBER_BYTES];
        let mut digits = Digits::new(&mut buffer);
        if !write(&mut digits) {
            return false;
        }
        self.push_ascii(digits.as_bytes());
        true
    }
}

/// Bytes (explanation text, or any text kept as bytes): numbers are
/// written in place. Room for the longest number is added, the digits are written
/// into it, and what they did not use is cut off again; only ASCII is
/// ever left behind.
impl Sink for Vec<u8> {
    #[inline]
    fn push_ascii(&mut self, ascii: &[u8]) {
        debug_assert!(ascii.is_ascii());
        self.extend_from_slice(ascii);
    }

    #[inline]
    fn push_digits(&mut self, write: impl FnOnce(&mut Digits<'_>) -> bool) -> bool {
        let start = self.len();
        self.extend_from_slice(&[0; NUMBER_BYTES]);
        let written = match self[start..].first_chunk_mut() {
            Some(window) => {
                let mut digits = Digits::new(window);
                write(&mut digits).then(|| digits.len())
            }
            None => None,
        };
        self.truncate(start + written.unwrap_or(0));
        written.is_some()
    }
}

impl Sink for String {
    #[inline]
    fn push_ascii(&mut self, ascii: &[u8]) {
        debug_assert!(ascii.is_ascii());
        // Each ASCII byte is its own char: no UTF-8 check.
        self.extend(ascii.iter().map(|&b| char::from(b)));
    }
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
    let mut out = String::with_capacity(16);
    write_fixed(&mut out, value, places);
    out
}

/// Formats without trailing zeros ("19.25", "20").
pub fn plain(value: Decimal) -> String {
    let mut out = String::with_capacity(16);
    write_plain(&mut out, value);
    out
}

/// Appends the text of [`fixed`]`(value, places)` to `out`. Inlined into
/// the caller, with the general path a call away: with constant places,
/// much of the fast path folds away.
#[inline]
pub fn append_fixed(out: &mut Vec<u8>, value: Decimal, places: u32) {
    let (units, scale) = (value.mantissa(), value.scale());
    if !out.push_digits(|digits| fixed_digits(digits, units, scale, places)) {
        write_fixed(out, value, places);
    }
}

/// Appends the text of [`plain`]`(value)` to `out`, inlined as
/// [`append_fixed`] is.
#[inline]
pub fn append_plain(out: &mut Vec<u8>, value: Decimal) {
    let (units, scale) = (value.mantissa(), value.scale());
    if !out.push_digits(|digits| plain_digits(digits, units, scale)) {
        write_plain(out, value);
    }
}

/// Appends [`fixed`]`(value, places)` to `out`.
pub(crate) fn write_fixed(out: &mut impl Sink, value: Decimal, places: u32) {
    write_units_fixed(out, value.mantissa(), value.scale(), places);
}

/// Appends [`plain`]`(value)` to `out`.
pub(crate) fn write_plain(out: &mut impl Sink, value: Decimal) {
    write_units_plain(out, value.mantissa(), value.scale());
}

/// `mantissa / 10^scale` for mantissas above 64 bits or scales above 18
/// (at most 39 digits and a scale of at most 40).
fn write_wide(out: &mut impl Sink, negative: bool, mantissa: u128, scale: usize) {
    // At most 39 digits (a u128), plus leading zeros up to the scale.
    let mut digits = [b'0'; 40];
    let mut start = digits.len();
    let mut n = mantissa;
    while n > 0 {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    // Leading zeros so that there are at least `scale` digits (the array
    // is pre-filled with '0').
    let len = (digits.len() - start).max(scale);
    let start = digits.len() - len;
    if negative {
        out.push_ascii(b"-");
    }
    let whole = len - scale;
    let text = &digits[start..];
    if whole == 0 {
        out.push_ascii(b"0");
    } else {
        out.push_ascii(&text[..whole]);
    }
    if scale > 0 {
        out.push_ascii(b".");
        out.push_ascii(&text[whole..]);
    }
}

/// Drops trailing zeros and the sign of zero.
pub fn normalize(value: Decimal) -> Decimal {
    let scale = value.scale();
    let mantissa = value.mantissa().unsigned_abs();
    if mantissa == 0 {
        // What `Decimal::normalize` makes of any zero.
        return Decimal::ZERO;
    }
    if scale == 0 || mantissa & 1 == 1 {
        return value;
    }
    // The common case, a 64-bit mantissa: strip zeros with word division
    // instead of 96-bit division. Same value, same (smallest) scale.
    if let Ok(mut n) = u64::try_from(mantissa) {
        let mut scale = scale;
        while scale > 0 && n % 10 == 0 {
            n /= 10;
            scale -= 1;
        }
        return Decimal::from_parts(
            n as u32,
            (n >> 32) as u32,
            0,
            value.is_sign_negative(),
            scale,
        );
    }
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
        let reason = |v: f64| from_f64(v).unwrap_err().to_string();
        assert_eq!(reason(f64::NAN), "NaN is not a number");
        assert_eq!(reason(f64::INFINITY), "infinity is not a number");
        assert_eq!(
            reason(1e13),
            "10000000000000 is out of range (magnitude above 10^12)"
        );
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

    #[test]
    fn fast_normalize_fixed_and_plain_match_the_general_paths() {
        let mut values = vec![Decimal::ZERO, Decimal::MAX, Decimal::MIN, dec!(-0.00)];
        let mut zero = Decimal::ZERO;
        zero.set_sign_negative(true);
        values.push(zero);
        for m in [
            0i64,
            1,
            -1,
            10,
            100,
            120,
            -1200,
            12345,
            987654321000,
            i64::MAX,
            i64::MIN + 1,
        ] {
            for scale in 0..=28 {
                values.push(Decimal::new(m, scale));
            }
        }
        for v in values {
            let general = normalize_zero(v.normalize());
            let fast = normalize(v);
            assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{v:?}");
            assert_eq!(fast.is_sign_negative(), general.is_sign_negative(), "{v:?}");
            assert_eq!(plain(v), general.to_string(), "{v:?}");
            // `rescale` stops at 28 places, so the reference does too.
            for places in 0..=28 {
                let mut rounded = round(v, places);
                rounded.rescale(places);
                if rounded.scale() != places {
                    // Too many digits for `rescale` to add the places.
                    continue;
                }
                assert_eq!(fixed(v, places), rounded.to_string(), "{v:?} {places}");
            }
        }
    }

    /// Digit counts at and around every power of ten, against the length
    /// of the number's own text.
    #[test]
    fn digit_counts_match_the_text() {
        let mut values = vec![0u64, 1, 9, u64::MAX];
        for &p in &POW10_U64 {
            values.extend([p - 1, p, p + 1]);
        }
        for n in values {
            assert_eq!(digit_count(n), n.to_string().len(), "{n}");
        }
        assert_eq!(digit_count(0), 1);
        assert_eq!(digit_count(99), 2);
        assert_eq!(digit_count(100), 3);
    }

    /// The text written into a window (where the answer writer keeps it),
    /// against values worked by hand and rust_decimal's own text; refused
    /// (false) past 64 bits, past 18 places, or for a scale that is
    /// neither millionths nor the places asked for. The window is filled
    /// with junk first: every byte of the text, leading zeros of a
    /// fraction included, is written.
    #[test]
    fn digits_are_the_text_the_string_writers_append() {
        let text = |digits: &Digits| String::from_utf8(digits.as_bytes().to_vec()).unwrap();
        let fixed_text = |units: i128, scale: u32, places: u32| {
            let mut buffer = [b'x'; NUMBER_BYTES];
            let mut digits = Digits::new(&mut buffer);
            fixed_digits(&mut digits, units, scale, places).then(|| text(&digits))
        };
        let plain_text = |units: i128, scale: u32| {
            let mut buffer = [b'x'; NUMBER_BYTES];
            let mut digits = Digits::new(&mut buffer);
            plain_digits(&mut digits, units, scale).then(|| text(&digits))
        };
        // Worked by hand: millionths at 2 and 5 places, half away from zero.
        assert_eq!(fixed_text(1_234_567, 6, 2).as_deref(), Some("1.23"));
        assert_eq!(fixed_text(-999_995, 6, 5).as_deref(), Some("-1.00000"));
        assert_eq!(fixed_text(-4_999, 6, 2).as_deref(), Some("0.00"));
        assert_eq!(fixed_text(5, 0, 0).as_deref(), Some("5"));
        // Already at the places (a loss's points), and plain integers.
        assert_eq!(fixed_text(-1925, 2, 2).as_deref(), Some("-19.25"));
        assert_eq!(fixed_text(7, 4, 4).as_deref(), Some("0.0007"));
        assert_eq!(fixed_text(123_456, 5, 5).as_deref(), Some("1.23456"));
        assert_eq!(plain_text(150, 0).as_deref(), Some("150"));
        assert_eq!(plain_text(-7, 0).as_deref(), Some("-7"));
        assert_eq!(
            fixed_text(u64::MAX.into(), 6, 6).as_deref(),
            Some("18446744073709.551615")
        );
        assert_eq!(fixed_text(i128::from(u64::MAX) + 1, 6, 2), None);
        assert_eq!(fixed_text(1, 2, 3), None, "more places than the scale");
        assert_eq!(plain_text(-30_500, 4).as_deref(), Some("-3.05"));
        assert_eq!(plain_text(1, 6).as_deref(), Some("0.000001"));
        assert_eq!(plain_text(1_000, 18).as_deref(), Some("0.000000000000001"));
        assert_eq!(plain_text(123, 19), None);
        // Against rust_decimal's own text (an independent reference).
        for units in [0i64, 1, -1, 7, -1_250_000, 999_999_999_999, i64::MIN] {
            for scale in 0..=19 {
                let v = Decimal::new(units, scale);
                if let Some(text) = plain_text(units.into(), scale) {
                    let expected = normalize_zero(v.normalize()).to_string();
                    assert_eq!(text, expected, "{v:?}");
                }
                for places in 0..=8 {
                    let mut rounded = round(v, places);
                    rounded.rescale(places);
                    if let Some(text) = fixed_text(units.into(), scale, places) {
                        assert_eq!(text, rounded.to_string(), "{v:?} to {places} places");
                    }
                }
            }
        }
    }

    #[test]
    fn millionths_are_written_plain_as_at_six_places() {
        // (millionths, text): trailing zeros dropped, whole numbers
        // without a point, the sign kept, and the largest magnitude.
        let cases = [
            (19_250_000, "19.25"),
            (20_000_000, "20"),
            (750_000, "0.75"),
            (-1_500_000, "-1.5"),
            (7, "0.000007"),
            (0, "0"),
            (i64::MIN, "-9223372036854.775808"),
        ];
        for (micros, text) in cases {
            let mut out = Vec::new();
            write_micros_plain(&mut out, micros);
            assert_eq!(out, text.as_bytes(), "{micros}");
            let mut general = String::new();
            write_units_plain(&mut general, micros.into(), MICRO_PLACES);
            assert_eq!(general, text, "{micros}");
        }
    }

    #[test]
    fn the_fast_reading_of_doubles_matches_their_shortest_text() {
        let mut values = vec![0.0, -0.0, 93.7, 0.1 + 0.2, 97.2, 1e-7, 999_999_999.5, 0.125];
        // A deterministic spread of magnitudes and decimal places.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let places = (x % 8) as i32;
            let whole = (x >> 8) % 2_000_000_000;
            let v = whole as f64 / 10f64.powi(places);
            values.push(if x & 1 == 0 { v } else { -v });
            values.push(f64::from_bits(0x3FF0_0000_0000_0000 | (x >> 12)) * 37.0);
        }
        for v in values {
            let slow = Decimal::from_str_exact(&v.to_string())
                .map(normalize)
                .unwrap();
            assert_eq!(from_f64(v).unwrap().to_string(), slow.to_string(), "{v}");
        }
    }
}

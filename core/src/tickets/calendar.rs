//! Business time: working hours per weekday in an IANA time zone, with
//! date overrides (holidays, half days, make-up working days).
//!
//! Each working interval is a span of local wall-clock time on one local
//! date. It is turned into a pair of instants with jiff's bundled time zone
//! database, so a day on which daylight saving time changes inside working
//! hours is really an hour shorter or longer; no offsets are written by hand.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::Violation;

/// Weekday names accepted in [`WorkingHoursSpec::weekday`], Monday first
/// (the index is jiff's Monday-zero offset).
const WEEKDAY_NAMES: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

/// Minutes in a day; also the encoding of "24:00" (end of day).
const END_OF_DAY: u16 = 24 * 60;

/// Time zone transitions tracked in one window of a span; a window with
/// more (no real zone has them within 200 days) is walked interval by
/// interval.
const MAX_TRACKED_TRANSITIONS: usize = 64;

/// A span's offset changes are looked up this far ahead at a time, so a
/// span of decades (an `as_of` years after a ticket) keeps the day-by-day
/// sums instead of passing [`MAX_TRACKED_TRANSITIONS`].
const TRANSITION_WINDOW: SignedDuration = SignedDuration::from_hours(24 * 200);

/// A calendar as it arrives in a request, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarSpec {
    /// IANA time zone name, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Working intervals; several per weekday are allowed (a lunch break).
    pub working_hours: Vec<WorkingHoursSpec>,
    /// Local dates without working time, `YYYY-MM-DD`: shorthand for a
    /// date override with no intervals.
    pub holidays: Vec<String>,
    /// Local dates with their own working intervals instead of their
    /// weekday's: none closes the day, fewer make a half day, some on a
    /// weekend make a make-up working day.
    pub date_overrides: Vec<DateOverrideSpec>,
}

/// One local date's own working intervals, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateOverrideSpec {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `(start, end)` as in [`WorkingHoursSpec`]; empty closes the day.
    pub intervals: Vec<(String, String)>,
}

/// One working interval on one weekday, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingHoursSpec {
    /// Upper-case full English name: `MONDAY` … `SUNDAY`.
    pub weekday: String,
    /// Local start, `HH:MM` (two digits each, `00:00`–`23:59`).
    pub start: String,
    /// Local end, `HH:MM`, after `start`; `24:00` means the end of the day.
    pub end: String,
}

/// A half-open local interval `[start, end)` in minutes since local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Interval {
    start: u16,
    end: u16,
}

/// A validated business calendar. Built only by [`Calendar::new`].
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: TimeZone,
    /// Per weekday (Monday = 0): sorted, non-overlapping intervals (boxed:
    /// a calendar travels inside `Clock`, which is mostly `Wall`).
    week: Box<[Vec<Interval>; 7]>,
    /// Per weekday: the working minutes of a whole day on which the UTC
    /// offset does not change.
    day_minutes: [i64; 7],
    /// Local dates with their own sorted intervals (empty: closed), and
    /// their working minutes.
    overrides: BTreeMap<Date, (Vec<Interval>, i64)>,
}

impl Calendar {
    /// Validates `spec` and returns every violation found, not just the
    /// first. Field paths are relative to the calendar (`time_zone`,
    /// `working_hours[2].end_time`, `holidays[0]`); the caller adds its prefix.
    pub fn new(spec: &CalendarSpec) -> Result<Calendar, Vec<Violation>> {
        let mut violations = Vec::new();
        let time_zone = time_zone(&spec.time_zone, &mut violations);
        let week = week(&spec.working_hours, &mut violations);
        let overrides = overrides(spec, &mut violations);
        let day_minutes = week.each_ref().map(|intervals| minutes(intervals));
        match time_zone {
            Some(time_zone) if violations.is_empty() => Ok(Calendar {
                time_zone,
                week: Box::new(week),
                day_minutes,
                overrides,
            }),
            _ => Err(violations),
        }
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// Business time between two instants: the part of `[from, to)` that
    /// falls in working hours on non-holiday local dates. Zero if
    /// `to <= from`.
    ///
    /// Cost: a few comparisons per local day spanned, plus work per working
    /// interval on the first and last days and on the days around a change
    /// of the zone's UTC offset; every other day adds its weekday's working
    /// minutes whole. Callers bound the span (the aggregator rejects tickets
    /// over 366 days).
    pub fn business_time(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        self.accumulate(from, to, None).total
    }

    /// Whether the business time in `[from, to)` is strictly more than
    /// `limit`. Stops walking days as soon as it is, so asking whether an
    /// old unanswered ticket has breached a 15-minute limit is cheap.
    pub fn business_time_exceeds(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: SignedDuration,
    ) -> bool {
        self.accumulate(from, to, Some(limit)).total > limit
    }

    /// Business time in `[from, to)` when it is at most `cap`; otherwise
    /// some duration above `cap` (the walk stops as soon as it is past it).
    pub fn business_time_capped(
        &self,
        from: Timestamp,
        to: Timestamp,
        cap: SignedDuration,
    ) -> SignedDuration {
        self.accumulate(from, to, Some(cap)).total
    }

    /// How many local days of `[from, to)` are worked out interval by
    /// interval through the time zone (the expensive way).
    #[cfg(test)]
    pub(super) fn days_converted_interval_by_interval(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> usize {
        self.accumulate(from, to, None).converted_days
    }

    /// Sums working time in `[from, to)`, day by day; with `stop_above`,
    /// returns as soon as the sum exceeds it (the total is then only known
    /// to be larger than `stop_above`).
    ///
    /// On a day whose UTC offset is the same from its midnight to the next
    /// (and on the days around it), local minutes are real minutes: such a
    /// day inside the span adds its weekday's minutes whole, and at the
    /// span's ends its intervals are offsets from its midnight. Only the
    /// days around an offset change map each interval through the zone.
    fn accumulate(
        &self,
        from: Timestamp,
        to: Timestamp,
        stop_above: Option<SignedDuration>,
    ) -> Walk {
        let mut walk = Walk {
            total: SignedDuration::ZERO,
            converted_days: 0,
        };
        if to <= from {
            return walk;
        }
        // Start a day early: near a fold at midnight an interval of the
        // previous local date can still end after `from`.
        let first = self.time_zone.to_datetime(from).date();
        let mut day = first.yesterday().unwrap_or(first);
        let last = self.time_zone.to_datetime(to).date();
        let (mut irregular, mut covered, mut window_end) = self.transition_window(from, to);
        loop {
            if day > covered && window_end < to {
                (irregular, covered, window_end) = self.transition_window(window_end, to);
            }
            let weekday = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
            let (intervals, minutes) = match self.overrides.get(&day) {
                Some((intervals, minutes)) => (intervals.as_slice(), *minutes),
                None => (
                    self.week.get(weekday).map(Vec::as_slice).unwrap_or(&[]),
                    self.day_minutes.get(weekday).copied().unwrap_or(0),
                ),
            };
            if !intervals.is_empty() {
                let regular = irregular.as_ref().is_some_and(|days| !days.contains(&day));
                if regular && first < day && day < last {
                    walk.total = walk
                        .total
                        .saturating_add(SignedDuration::from_mins(minutes));
                } else {
                    let midnight = if regular {
                        local_datetime(day, 0).and_then(|dt| self.local_to_instant(dt))
                    } else {
                        None
                    };
                    if midnight.is_none() {
                        walk.converted_days += 1;
                    }
                    for iv in intervals {
                        let span = match midnight {
                            Some(midnight) => offset_from(midnight, *iv),
                            None => self.instants(day, *iv),
                        };
                        let Some((start, end)) = span else {
                            continue;
                        };
                        let start = start.max(from);
                        let end = end.min(to);
                        if end > start {
                            walk.total = walk.total.saturating_add(end.duration_since(start));
                        }
                    }
                }
            }
            if stop_above.is_some_and(|limit| walk.total > limit) || day >= last {
                return walk;
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => return walk,
            }
        }
    }

    /// The days near offset changes from `start` to [`TRANSITION_WINDOW`]
    /// later (or `to`, if sooner), the last local date they cover, and the
    /// window's end. The lookup reaches two days past the end, so the days
    /// up to the end's date are covered.
    fn transition_window(
        &self,
        start: Timestamp,
        to: Timestamp,
    ) -> (Option<Vec<Date>>, Date, Timestamp) {
        let end = start
            .checked_add(TRANSITION_WINDOW)
            .map_or(to, |end| end.min(to));
        let covered = self.time_zone.to_datetime(end).date();
        (self.days_near_transitions(start, end), covered, end)
    }

    /// The local dates on which, or next to which, the zone changes its UTC
    /// offset between two days before `from` and two days after `to`;
    /// `None` if there are more than [`MAX_TRACKED_TRANSITIONS`].
    fn days_near_transitions(&self, from: Timestamp, to: Timestamp) -> Option<Vec<Date>> {
        let margin = SignedDuration::from_hours(48);
        let start = from.checked_sub(margin).unwrap_or(from);
        let end = to.checked_add(margin).unwrap_or(to);
        let mut days = Vec::new();
        for (n, transition) in self.time_zone.following(start).enumerate() {
            let at = transition.timestamp();
            if at > end {
                break;
            }
            if n >= MAX_TRACKED_TRANSITIONS {
                return None;
            }
            let before = at.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(at);
            for instant in [before, at] {
                let date = self.time_zone.to_datetime(instant).date();
                days.extend(date.yesterday().ok());
                days.push(date);
                days.extend(date.tomorrow().ok());
            }
        }
        Some(days)
    }

    /// The instants at which a local interval on `day` starts and ends.
    /// `None` only at the edges of jiff's supported range.
    fn instants(&self, day: Date, iv: Interval) -> Option<(Timestamp, Timestamp)> {
        let start = self.local_to_instant(local_datetime(day, iv.start)?)?;
        let end = self.local_to_instant(local_datetime(day, iv.end)?)?;
        Some((start, end))
    }

    /// Local wall-clock time to an instant, choosing in gaps and folds so
    /// that the mapping never goes backwards: intervals that do not overlap
    /// locally never overlap as instants, so nothing is counted twice.
    fn local_to_instant(&self, dt: DateTime) -> Option<Timestamp> {
        match self.time_zone.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
            // The first occurrence: an interval spanning a fall-back keeps
            // the repeated hour, which really was worked.
            AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok(),
            // The clock skipped this time. The transition instant itself is
            // the only choice that keeps the mapping monotone (jiff's
            // "compatible" would put 02:30 after 03:00).
            AmbiguousOffset::Gap { before, .. } => {
                let past_transition = before.to_timestamp(dt).ok()?;
                let probe = past_transition
                    .checked_add(SignedDuration::from_nanos(1))
                    .ok()?;
                self.time_zone
                    .preceding(probe)
                    .next()
                    .map(|transition| transition.timestamp())
            }
        }
    }
}

/// How elapsed time is measured for response limits and handle times.
#[derive(Debug, Clone)]
pub enum Clock {
    /// Plain calendar time.
    Wall,
    /// Working time in a business calendar.
    Business(Calendar),
}

impl Clock {
    /// Elapsed time from `from` to `to`. Wall time is `to − from` (negative
    /// if `to` is earlier); business time is never negative.
    pub fn elapsed(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        match self {
            Clock::Wall => to.duration_since(from),
            Clock::Business(calendar) => calendar.business_time(from, to),
        }
    }

    /// Whether the elapsed time from `from` to `to` is strictly more than
    /// `limit`; cheaper than [`Clock::elapsed`] for long business spans.
    pub fn elapsed_exceeds(&self, from: Timestamp, to: Timestamp, limit: SignedDuration) -> bool {
        match self {
            Clock::Wall => to.duration_since(from) > limit,
            Clock::Business(calendar) => calendar.business_time_exceeds(from, to, limit),
        }
    }

    /// Elapsed time from `from` to `to` when it is at most `cap`; otherwise
    /// some duration above `cap`, found without walking the whole span.
    pub fn elapsed_capped(
        &self,
        from: Timestamp,
        to: Timestamp,
        cap: SignedDuration,
    ) -> SignedDuration {
        match self {
            Clock::Wall => to.duration_since(from),
            Clock::Business(calendar) => calendar.business_time_capped(from, to, cap),
        }
    }
}

/// The result of walking a span: its business time, and how many days were
/// worked out interval by interval through the time zone.
struct Walk {
    total: SignedDuration,
    converted_days: usize,
}

/// The instants of a local interval on a day without an offset change,
/// from the instant of that day's midnight.
fn offset_from(midnight: Timestamp, iv: Interval) -> Option<(Timestamp, Timestamp)> {
    let at = |minutes: u16| {
        midnight
            .checked_add(SignedDuration::from_mins(i64::from(minutes)))
            .ok()
    };
    Some((at(iv.start)?, at(iv.end)?))
}

/// The local datetime `minutes` after midnight of `day`; 24:00 is the next
/// day's midnight.
fn local_datetime(day: Date, minutes: u16) -> Option<DateTime> {
    if minutes >= END_OF_DAY {
        return Some(day.tomorrow().ok()?.at(0, 0, 0, 0));
    }
    let hour = i8::try_from(minutes / 60).ok()?;
    let minute = i8::try_from(minutes % 60).ok()?;
    Some(day.at(hour, minute, 0, 0))
}

/// Why [`parse_clock`] refused a time of day: not strict `HH:MM` in
/// 00:00 to 23:59, or to 24:00 when `end_of_day` is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a time of day in the form HH:MM (00:00 to {})",
    if *end_of_day { "24:00" } else { "23:59" }
)]
struct NotAClock {
    text: String,
    end_of_day: bool,
}

/// The calendar's zone, from the bundled tz database.
fn time_zone(name: &str, violations: &mut Vec<Violation>) -> Option<TimeZone> {
    if name.is_empty() {
        violations.push(Violation::new("time_zone", "a time zone is required"));
        return None;
    }
    match TimeZone::get(name) {
        Ok(tz) => Some(tz),
        Err(_) => {
            violations.push(Violation::new(
                "time_zone",
                format!("unknown IANA time zone {name:?}"),
            ));
            None
        }
    }
}

/// The working intervals of each weekday, sorted; every malformed entry
/// is reported first, then the overlaps.
fn week(hours: &[WorkingHoursSpec], violations: &mut Vec<Violation>) -> [Vec<Interval>; 7] {
    if hours.is_empty() {
        violations.push(Violation::new(
            "working_hours",
            "at least one working-hours interval is required",
        ));
    }
    // (weekday, interval, index in the input) for every well-formed entry.
    let mut parsed: Vec<(usize, Interval, usize)> = Vec::new();
    for (i, wh) in hours.iter().enumerate() {
        let weekday = WEEKDAY_NAMES.iter().position(|n| *n == wh.weekday);
        if weekday.is_none() {
            violations.push(Violation::new(
                format!("working_hours[{i}].weekday"),
                format!(
                    "unknown weekday {:?}: expected one of MONDAY, TUESDAY, WEDNESDAY, \
                     THURSDAY, FRIDAY, SATURDAY, SUNDAY",
                    wh.weekday
                ),
            ));
        }
        let interval = interval(
            &wh.start,
            &wh.end,
            &format!("working_hours[{i}]"),
            violations,
        );
        if let (Some(day), Some(interval)) = (weekday, interval) {
            parsed.push((day, interval, i));
        }
    }
    let mut week: [Vec<Interval>; 7] = Default::default();
    for (day, intervals) in week.iter_mut().enumerate() {
        let mine = parsed
            .iter()
            .filter(|(d, _, _)| *d == day)
            .map(|&(_, interval, i)| (interval, i))
            .collect();
        let label = format!("{} ", WEEKDAY_NAMES[day]);
        *intervals = without_overlaps(mine, "working_hours", &label, violations);
    }
    week
}

/// The holidays and date overrides by local date, each with its sorted
/// intervals (none: closed) and their working minutes. A date may be
/// given once, as a holiday or as an override.
fn overrides(
    spec: &CalendarSpec,
    violations: &mut Vec<Violation>,
) -> BTreeMap<Date, (Vec<Interval>, i64)> {
    let mut overrides = BTreeMap::new();
    let mut first_seen: BTreeMap<Date, String> = BTreeMap::new();
    for (i, text) in spec.holidays.iter().enumerate() {
        let field = format!("holidays[{i}]");
        match parse_date(text) {
            Some(date) => {
                if let Some(j) = first_seen.get(&date) {
                    violations.push(Violation::new(
                        field,
                        format!("duplicate holiday {text}, already given as {j}"),
                    ));
                } else {
                    first_seen.insert(date, field);
                    overrides.insert(date, (Vec::new(), 0));
                }
            }
            None => violations.push(Violation::new(
                field,
                format!("{text:?} is not a valid date in the form YYYY-MM-DD"),
            )),
        }
    }
    for (i, o) in spec.date_overrides.iter().enumerate() {
        let field = format!("date_overrides[{i}]");
        let date = parse_date(&o.date);
        if date.is_none() {
            violations.push(Violation::new(
                format!("{field}.date"),
                format!("{:?} is not a valid date in the form YYYY-MM-DD", o.date),
            ));
        }
        let list = format!("{field}.working_hours");
        let mine = o
            .intervals
            .iter()
            .enumerate()
            .filter_map(|(k, (start, end))| {
                Some((
                    interval(start, end, &format!("{list}[{k}]"), violations)?,
                    k,
                ))
            })
            .collect();
        let intervals = without_overlaps(mine, &list, "", violations);
        let Some(date) = date else { continue };
        if let Some(j) = first_seen.get(&date) {
            violations.push(Violation::new(
                format!("{field}.date"),
                format!("duplicate date {}, already given as {j}", o.date),
            ));
        } else {
            first_seen.insert(date, format!("{field}.date"));
            let working = minutes(&intervals);
            overrides.insert(date, (intervals, working));
        }
    }
    overrides
}

/// The interval from `start` to `end` (`HH:MM`, `24:00` as an end), the
/// entry at `at`; None, with the reasons reported, when either is not a
/// clock time or the end is not after the start.
fn interval(start: &str, end: &str, at: &str, violations: &mut Vec<Violation>) -> Option<Interval> {
    let from = parse_clock(start, false);
    if let Err(reason) = &from {
        violations.push(Violation::new(
            format!("{at}.start_time"),
            reason.to_string(),
        ));
    }
    let to = parse_clock(end, true);
    if let Err(reason) = &to {
        violations.push(Violation::new(format!("{at}.end_time"), reason.to_string()));
    }
    let (from, to) = (from.ok()?, to.ok()?);
    if to <= from {
        violations.push(Violation::new(
            format!("{at}.end_time"),
            format!("end {end} must be after start {start}"),
        ));
        return None;
    }
    Some(Interval {
        start: from,
        end: to,
    })
}

/// One day's intervals (each with its index in `list`), sorted. Each
/// interval that starts before the furthest-reaching earlier one ends
/// overlaps it (touching, end == start, is fine) and is reported at the
/// entry of the two listed later, with its times, naming the other with
/// its times. Any overlap is found; a pair is not reported when one of
/// them already overlaps an interval reaching further. `label` begins
/// each reason (the weekday).
fn without_overlaps(
    mut intervals: Vec<(Interval, usize)>,
    list: &str,
    label: &str,
    violations: &mut Vec<Violation>,
) -> Vec<Interval> {
    intervals.sort();
    // The interval reaching furthest so far: any later start before its
    // end overlaps it.
    let mut furthest: Option<(Interval, usize)> = None;
    for &(iv, i) in &intervals {
        if let Some((prev, j)) = furthest
            && iv.start < prev.end
        {
            // Reported at the entry listed later, with its own times.
            let ((later, l), (earlier, e)) = if i > j {
                ((iv, i), (prev, j))
            } else {
                ((prev, j), (iv, i))
            };
            violations.push(Violation::new(
                format!("{list}[{l}]"),
                format!(
                    "{label}{}-{} overlaps {list}[{e}] ({}-{})",
                    format_clock(later.start),
                    format_clock(later.end),
                    format_clock(earlier.start),
                    format_clock(earlier.end),
                ),
            ));
        }
        if furthest.is_none_or(|(prev, _)| iv.end > prev.end) {
            furthest = Some((iv, i));
        }
    }
    intervals.into_iter().map(|(iv, _)| iv).collect()
}

/// The working minutes of a day's intervals.
fn minutes(intervals: &[Interval]) -> i64 {
    intervals
        .iter()
        .map(|iv| i64::from(iv.end - iv.start))
        .sum()
}

/// Parses strict `HH:MM`; `24:00` only when `allow_end_of_day`.
fn parse_clock(text: &str, allow_end_of_day: bool) -> Result<u16, NotAClock> {
    let bad = || NotAClock {
        text: text.to_string(),
        end_of_day: allow_end_of_day,
    };
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return Err(bad());
    }
    let hour = two_digits(b[0], b[1]).ok_or_else(bad)?;
    let minute = two_digits(b[3], b[4]).ok_or_else(bad)?;
    match (hour, minute) {
        (24, 0) if allow_end_of_day => Ok(END_OF_DAY),
        (0..=23, 0..=59) => Ok(hour * 60 + minute),
        _ => Err(bad()),
    }
}

fn two_digits(tens: u8, ones: u8) -> Option<u16> {
    if tens.is_ascii_digit() && ones.is_ascii_digit() {
        Some(u16::from(tens - b'0') * 10 + u16::from(ones - b'0'))
    } else {
        None
    }
}

fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses strict `YYYY-MM-DD` into a real calendar date.
fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two_digits(b[0], b[1])? * 100 + two_digits(b[2], b[3])?;
    let month = two_digits(b[5], b[6])?;
    let day = two_digits(b[8], b[9])?;
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

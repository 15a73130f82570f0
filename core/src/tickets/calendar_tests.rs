//! Calendar tests. Every expected number is worked by hand in a comment.

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::calendar::{Calendar, CalendarSpec, Clock, DateOverrideSpec, WorkingHoursSpec};
use crate::Violation;

fn hours(day: &str, start: &str, end: &str) -> WorkingHoursSpec {
    WorkingHoursSpec {
        weekday: day.to_owned(),
        start: start.to_owned(),
        end: end.to_owned(),
    }
}

const WEEKDAYS: [&str; 5] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];

/// Monday–Friday with the given intervals, in `tz`, with `holidays`.
fn weekday_calendar(tz: &str, intervals: &[(&str, &str)], holidays: &[&str]) -> Calendar {
    let spec = CalendarSpec {
        time_zone: tz.to_owned(),
        working_hours: WEEKDAYS
            .iter()
            .flat_map(|d| intervals.iter().map(|(s, e)| hours(d, s, e)))
            .collect(),
        holidays: holidays.iter().map(|h| (*h).to_owned()).collect(),
        date_overrides: vec![],
    };
    Calendar::new(&spec).expect("valid test calendar")
}

fn shanghai() -> Calendar {
    weekday_calendar("Asia/Shanghai", &[("09:00", "18:00")], &[])
}

/// Local wall-clock time in `tz` as an instant.
fn at(tz: &str, d: Date, h: i8, m: i8) -> Timestamp {
    TimeZone::get(tz)
        .expect("test zone")
        .to_timestamp(d.at(h, m, 0, 0))
        .expect("test time")
}

fn sh(d: Date, h: i8, m: i8) -> Timestamp {
    at("Asia/Shanghai", d, h, m)
}

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

#[test]
fn friday_evening_to_monday_morning_is_ten_minutes() {
    // 2026-10-02 is a Friday, 2026-10-05 the Monday after.
    // Friday 17:55–18:00 = 5 min, weekend 0, Monday 09:00–09:05 = 5 min → 10.
    let cal = shanghai();
    let from = sh(date(2026, 10, 2), 17, 55);
    let to = sh(date(2026, 10, 5), 9, 5);
    assert_eq!(cal.business_time(from, to), mins(10));
    // Wall time is 2 days 15 h 10 min, business time is inside 15 minutes.
    let clock = Clock::Business(cal);
    assert!(!clock.elapsed_exceeds(from, to, mins(15)));
    assert!(Clock::Wall.elapsed_exceeds(from, to, mins(15)));
}

#[test]
fn holiday_is_skipped() {
    // Monday 2026-10-05 is a holiday: Friday 17:55–18:00 = 5, Monday 0,
    // Tuesday 2026-10-06 09:00–09:05 = 5 → 10 minutes.
    let cal = weekday_calendar("Asia/Shanghai", &[("09:00", "18:00")], &["2026-10-05"]);
    let from = sh(date(2026, 10, 2), 17, 55);
    let to = sh(date(2026, 10, 6), 9, 5);
    assert_eq!(cal.business_time(from, to), mins(10));
    // Without the holiday the same span is 5 + 9 h + 5 = 550 minutes.
    assert_eq!(shanghai().business_time(from, to), mins(550));
}

#[test]
fn lunch_break_between_intervals() {
    // 11:50–12:00 = 10, lunch 12:00–13:00 = 0, 13:00–13:10 = 10 → 20.
    let cal = weekday_calendar(
        "Asia/Shanghai",
        &[("09:00", "12:00"), ("13:00", "18:00")],
        &[],
    );
    let d = date(2026, 10, 6);
    assert_eq!(cal.business_time(sh(d, 11, 50), sh(d, 13, 10)), mins(20));
    // Starting and ending inside lunch: nothing.
    assert_eq!(
        cal.business_time(sh(d, 12, 10), sh(d, 12, 50)),
        SignedDuration::ZERO
    );
}

fn new_york_sundays(start: &str, end: &str) -> Calendar {
    Calendar::new(&CalendarSpec {
        time_zone: "America/New_York".to_owned(),
        working_hours: vec![hours("SUNDAY", start, end)],
        holidays: vec![],
        date_overrides: vec![],
    })
    .expect("valid")
}

#[test]
fn spring_forward_day_is_an_hour_shorter() {
    // 2026-03-08 (Sunday): New York clocks jump 02:00 EST → 03:00 EDT.
    // 00:00 EST = 05:00Z, 06:00 EDT = 10:00Z → 5 hours, not 6.
    let cal = new_york_sundays("00:00", "06:00");
    let d = date(2026, 3, 8);
    let from = Timestamp::constant(1_772_946_000, 0); // 2026-03-08T05:00:00Z
    let to = Timestamp::constant(1_772_964_000, 0); // 2026-03-08T10:00:00Z
    assert_eq!(at("America/New_York", d, 0, 0), from);
    assert_eq!(at("America/New_York", d, 6, 0), to);
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(5));
    // The whole Sunday (and beyond) contains the same 5 working hours.
    let before = at("America/New_York", date(2026, 3, 7), 12, 0);
    let after = at("America/New_York", date(2026, 3, 9), 12, 0);
    assert_eq!(
        cal.business_time(before, after),
        SignedDuration::from_hours(5)
    );
}

#[test]
fn interval_starting_in_the_skipped_hour_starts_at_the_transition() {
    // 02:30 does not exist on 2026-03-08 in New York; the interval
    // 02:30–06:00 really starts at 03:00 EDT (07:00Z): 07:00Z–10:00Z = 3 h.
    let cal = new_york_sundays("02:30", "06:00");
    let d = date(2026, 3, 8);
    let from = at("America/New_York", d, 0, 0);
    let to = at("America/New_York", d, 12, 0);
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(3));
}

#[test]
fn fall_back_day_is_an_hour_longer() {
    // 2026-11-01 (Sunday): clocks go 02:00 EDT → 01:00 EST, 01:00–02:00 twice.
    // 00:00 EDT = 04:00Z, 06:00 EST = 11:00Z → 7 hours.
    let cal = new_york_sundays("00:00", "06:00");
    let d = date(2026, 11, 1);
    let from = at("America/New_York", d, 0, 0);
    let to = at("America/New_York", d, 6, 0);
    assert_eq!(to.duration_since(from), SignedDuration::from_hours(7));
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(7));
}

#[test]
fn berlin_dst_inside_working_hours() {
    // 2026-03-29 (Sunday): Berlin goes 02:00 CET → 03:00 CEST.
    // A Sunday 01:00–05:00 shift is 3 real hours (01–02 CET, 03–05 CEST).
    let cal = Calendar::new(&CalendarSpec {
        time_zone: "Europe/Berlin".to_owned(),
        working_hours: vec![hours("SUNDAY", "01:00", "05:00")],
        holidays: vec![],
        date_overrides: vec![],
    })
    .expect("valid");
    let from = at("Europe/Berlin", date(2026, 3, 28), 0, 0);
    let to = at("Europe/Berlin", date(2026, 3, 30), 0, 0);
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(3));
}

#[test]
fn several_weeks_with_a_holiday() {
    // Monday 2026-09-07 09:00 to Monday 2026-09-28 09:00 = 3 full weeks of
    // 5 × 9 h = 135 h; with Tuesday 2026-09-15 a holiday, 135 − 9 = 126 h.
    let from = sh(date(2026, 9, 7), 9, 0);
    let to = sh(date(2026, 9, 28), 9, 0);
    assert_eq!(
        shanghai().business_time(from, to),
        SignedDuration::from_hours(135)
    );
    let cal = weekday_calendar("Asia/Shanghai", &[("09:00", "18:00")], &["2026-09-15"]);
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(126));

    // Wednesday 2026-09-09 14:00 to Thursday 2026-09-24 10:30:
    // Wed 14–18 = 4 h; Thu, Fri = 18 h; week of 14th = 45 h;
    // Mon 21 – Wed 23 = 27 h; Thu 24 09:00–10:30 = 1.5 h → 95.5 h = 5730 min.
    let from = sh(date(2026, 9, 9), 14, 0);
    let to = sh(date(2026, 9, 24), 10, 30);
    assert_eq!(shanghai().business_time(from, to), mins(5730));
}

#[test]
fn exceeds_stops_early_but_agrees() {
    let cal = shanghai();
    let from = sh(date(2026, 9, 7), 9, 0);
    let to = sh(date(2026, 9, 28), 9, 0);
    // 135 h in total: more than 15 min, not more than 135 h.
    assert!(cal.business_time_exceeds(from, to, mins(15)));
    assert!(!cal.business_time_exceeds(from, to, SignedDuration::from_hours(135)));
    assert!(cal.business_time_exceeds(from, to, mins(135 * 60 - 1)));
}

#[test]
fn end_of_day_24_00() {
    // SATURDAY 20:00–24:00: Saturday 2026-10-03 22:00 to Sunday 01:00 = 2 h.
    let cal = Calendar::new(&CalendarSpec {
        time_zone: "Asia/Shanghai".to_owned(),
        working_hours: vec![hours("SATURDAY", "20:00", "24:00")],
        holidays: vec![],
        date_overrides: vec![],
    })
    .expect("valid");
    let from = sh(date(2026, 10, 3), 22, 0);
    let to = sh(date(2026, 10, 4), 1, 0);
    assert_eq!(cal.business_time(from, to), SignedDuration::from_hours(2));
}

#[test]
fn empty_or_reversed_span_is_zero() {
    let cal = shanghai();
    let t = sh(date(2026, 10, 6), 10, 0);
    let later = sh(date(2026, 10, 6), 11, 0);
    assert_eq!(cal.business_time(t, t), SignedDuration::ZERO);
    assert_eq!(cal.business_time(later, t), SignedDuration::ZERO);
    assert_eq!(Clock::Business(cal).elapsed(later, t), SignedDuration::ZERO);
    // Wall time is plain subtraction, sign included.
    assert_eq!(Clock::Wall.elapsed(later, t), mins(-60));
}

#[test]
fn additive_and_matches_a_minute_by_minute_count() {
    // New York, weekdays 09–12 and 13–18 plus Sunday 00–06 (crosses both DST
    // changes), holiday 2026-11-03. Business time is additive, and equals a
    // brute-force count of the working minutes.
    let mut spec = CalendarSpec {
        time_zone: "America/New_York".to_owned(),
        working_hours: WEEKDAYS
            .iter()
            .flat_map(|d| [hours(d, "09:00", "12:00"), hours(d, "13:00", "18:00")])
            .collect(),
        holidays: vec!["2026-11-03".to_owned()],
        date_overrides: vec![],
    };
    spec.working_hours.push(hours("SUNDAY", "00:00", "06:00"));
    let cal = Calendar::new(&spec).expect("valid");
    let tz = TimeZone::get("America/New_York").expect("zone");
    let working = |t: Timestamp| {
        let dt = tz.to_datetime(t);
        let minute = i32::from(dt.hour()) * 60 + i32::from(dt.minute());
        let d = dt.date();
        if d == date(2026, 11, 3) {
            return false;
        }
        match d.weekday().to_monday_zero_offset() {
            0..=4 => (540..720).contains(&minute) || (780..1080).contains(&minute),
            6 => minute < 360,
            _ => false,
        }
    };
    // A small deterministic generator: no dependency needed.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: i64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        i64::try_from((seed >> 33) % u64::try_from(bound).unwrap_or(1)).unwrap_or(0)
    };
    for base in [
        Timestamp::constant(1_772_776_800, 0), // 2026-03-06T06:00:00Z (Friday)
        Timestamp::constant(1_793_419_200, 0), // 2026-10-31T04:00:00Z (Saturday)
    ] {
        for _ in 0..40 {
            let a = base + mins(next(4 * 24 * 60));
            let b = a + mins(next(3 * 24 * 60));
            let c = b + mins(next(24 * 60));
            let mut expected = 0i64;
            let mut t = a;
            while t < c {
                if working(t) {
                    expected += 1;
                }
                t += mins(1);
            }
            assert_eq!(cal.business_time(a, c), mins(expected), "{a} .. {c}");
            assert_eq!(
                cal.business_time(a, b) + cal.business_time(b, c),
                cal.business_time(a, c)
            );
        }
    }
}

fn fields(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|v| v.field.as_str()).collect()
}

#[test]
fn validation_reports_every_violation_with_its_path() {
    let spec = CalendarSpec {
        time_zone: "Mars/Olympus_Mons".to_owned(),
        working_hours: vec![
            hours("Monday", "09:00", "18:00"),    // 0: lower-case weekday
            hours("TUESDAY", "9:00", "18:00"),    // 1: start not HH:MM
            hours("WEDNESDAY", "18:00", "09:00"), // 2: end before start
            hours("THURSDAY", "09:00", "12:30"),  // 3
            hours("THURSDAY", "12:00", "18:00"),  // 4: overlaps 3
            hours("FRIDAY", "24:00", "24:00"),    // 5: 24:00 is only an end
            hours("FRIDAY", "09:00", "25:00"),    // 6: no 25:00
        ],
        holidays: vec![
            "2026-13-01".to_owned(), // 0: no month 13
            "2026-10-05".to_owned(), // 1
            "2026-10-05".to_owned(), // 2: duplicate of 1
            "2026-02-29".to_owned(), // 3: 2026 is not a leap year
        ],
        date_overrides: vec![],
    };
    let violations = Calendar::new(&spec).expect_err("invalid");
    assert_eq!(
        fields(&violations),
        [
            "time_zone",
            "working_hours[0].weekday",
            "working_hours[1].start_time",
            "working_hours[2].end_time",
            "working_hours[5].start_time",
            "working_hours[6].end_time",
            "working_hours[4]",
            "holidays[0]",
            "holidays[2]",
            "holidays[3]",
        ]
    );
    assert!(violations[0].reason.contains("Mars/Olympus_Mons"));
    assert!(violations[3].reason.contains("after start"));
    assert!(violations[6].reason.contains("working_hours[3]"));
    assert!(violations[8].reason.contains("holidays[1]"));
}

#[test]
fn validation_requires_working_hours_and_a_zone() {
    let violations = Calendar::new(&CalendarSpec::default()).expect_err("invalid");
    assert_eq!(fields(&violations), ["time_zone", "working_hours"]);
}

#[test]
fn touching_intervals_are_allowed() {
    // 09:00–12:00 and 12:00–18:00 touch but do not overlap: a 9-hour day.
    let cal = weekday_calendar(
        "Asia/Shanghai",
        &[("09:00", "12:00"), ("12:00", "18:00")],
        &[],
    );
    let d = date(2026, 10, 6);
    assert_eq!(
        cal.business_time(sh(d, 0, 0), sh(d, 23, 0)),
        SignedDuration::from_hours(9)
    );
}

/// Every day of the week worked in 720 one-minute intervals, one every
/// other minute: 00:00–00:01, 00:02–00:03, …, 23:58–23:59.
fn every_other_minute(tz: &str) -> Calendar {
    let days = WEEKDAYS.iter().chain(&["SATURDAY", "SUNDAY"]);
    let working_hours = days
        .flat_map(|d| {
            (0..720u16).map(move |i| {
                let (start, end) = (2 * i, 2 * i + 1);
                let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
                hours(d, &clock(start), &clock(end))
            })
        })
        .collect();
    Calendar::new(&CalendarSpec {
        time_zone: tz.to_owned(),
        working_hours,
        holidays: vec![],
        date_overrides: vec![],
    })
    .expect("valid")
}

#[test]
fn a_year_of_one_minute_intervals_is_summed_day_by_day_not_interval_by_interval() {
    // Shanghai has no daylight saving time. From 2026-01-01 00:00 to
    // 2027-01-01 00:00 there are 365 days of 720 working minutes:
    // 365 × 720 = 262,800 minutes.
    let cal = every_other_minute("Asia/Shanghai");
    let from = sh(date(2026, 1, 1), 0, 0);
    let to = sh(date(2027, 1, 1), 0, 0);
    assert_eq!(cal.business_time(from, to), mins(262_800));
    // Starting 30 s into the first interval (00:00–00:01) loses 30 s.
    let late = from + SignedDuration::from_secs(30);
    assert_eq!(
        cal.business_time(late, to),
        mins(262_800) - SignedDuration::from_secs(30)
    );
    // Ending at 2026-12-31 23:58:20, 20 s into that day's last interval
    // (23:58–23:59): 364 × 720 + 719 minutes + 20 s = 262,799 min 20 s.
    let early = sh(date(2026, 12, 31), 23, 58) + SignedDuration::from_secs(20);
    assert_eq!(
        cal.business_time(from, early),
        mins(262_800 - 1) + SignedDuration::from_secs(20)
    );
    // No offset change anywhere: not one day goes through the zone interval
    // by interval (before, all 367 walked days did, 720 intervals each).
    assert_eq!(cal.days_converted_interval_by_interval(from, to), 0);
    assert!(cal.business_time_exceeds(from, to, mins(262_799)));
    assert!(!cal.business_time_exceeds(from, to, mins(262_800)));

    // New York, the same year. On 2026-03-08 02:00–03:00 does not exist:
    // the 30 intervals starting 02:00, 02:02, …, 02:58 are empty, so that
    // day has 690 minutes. On 2026-11-01 01:00–02:00 happens twice; each
    // one-minute interval in it counts once (the first time), so that day
    // keeps 720. 365 × 720 − 30 = 262,770 minutes.
    let cal = every_other_minute("America/New_York");
    let from = at("America/New_York", date(2026, 1, 1), 0, 0);
    let to = at("America/New_York", date(2027, 1, 1), 0, 0);
    assert_eq!(cal.business_time(from, to), mins(262_770));
    // Only the two offset-change days and their neighbours are worked out
    // through the zone: 03-07, 03-08, 03-09, 10-31, 11-01, 11-02.
    assert_eq!(cal.days_converted_interval_by_interval(from, to), 6);

    // Forty years (an as_of decades after a ticket): 80 offset changes,
    // more than one lookup tracks, yet still only the 6 days around each
    // year's two changes go through the zone: 40 × 6 = 240. 2026-01-01 to
    // 2066-01-01 is 40 × 365 + 10 leap days = 14,610 days, each of 720
    // minutes but the 40 spring-forward Sundays, 30 short:
    // 14,610 × 720 − 40 × 30 = 10,518,000 minutes.
    let to = at("America/New_York", date(2066, 1, 1), 0, 0);
    assert_eq!(cal.days_converted_interval_by_interval(from, to), 240);
    assert_eq!(cal.business_time(from, to), mins(10_518_000));
}

#[test]
fn date_override_validation_reports_every_violation_with_its_path() {
    let ov = |date: &str, intervals: &[(&str, &str)]| DateOverrideSpec {
        date: date.to_owned(),
        intervals: intervals
            .iter()
            .map(|&(s, e)| (s.to_owned(), e.to_owned()))
            .collect(),
    };
    let spec = CalendarSpec {
        time_zone: "Asia/Shanghai".to_owned(),
        working_hours: vec![hours("MONDAY", "09:00", "18:00")],
        holidays: vec!["2026-10-05".to_owned()],
        date_overrides: vec![
            // 0: a long interval holding two others; each overlaps it.
            ov(
                "2026-10-01",
                &[("09:00", "17:00"), ("10:00", "11:00"), ("12:00", "13:00")],
            ),
            // 1: a date and a start that are not in their forms.
            ov("2026-10-1", &[("9:00", "12:00")]),
            // 2: the end before the start, on a date given as a holiday.
            ov("2026-10-05", &[("13:00", "12:00")]),
            // 3, 4: the same date twice.
            ov("2026-10-10", &[("09:00", "24:00")]),
            ov("2026-10-10", &[]),
            // 5: listed out of order; the later entry (1) starts first.
            ov("2026-10-11", &[("12:00", "18:00"), ("09:00", "12:30")]),
        ],
    };
    let violations = Calendar::new(&spec).expect_err("invalid");
    assert_eq!(
        fields(&violations),
        [
            "date_overrides[0].working_hours[1]",
            "date_overrides[0].working_hours[2]",
            "date_overrides[1].date",
            "date_overrides[1].working_hours[0].start_time",
            "date_overrides[2].working_hours[0].end_time",
            "date_overrides[2].date",
            "date_overrides[4].date",
            "date_overrides[5].working_hours[1]",
        ]
    );
    assert_eq!(
        violations[0].reason,
        "10:00-11:00 overlaps date_overrides[0].working_hours[0] (09:00-17:00)"
    );
    assert_eq!(
        violations[1].reason,
        "12:00-13:00 overlaps date_overrides[0].working_hours[0] (09:00-17:00)"
    );
    assert_eq!(violations[4].reason, "end 12:00 must be after start 13:00");
    assert_eq!(
        violations[5].reason,
        "duplicate date 2026-10-05, already given as holidays[0]"
    );
    assert_eq!(
        violations[6].reason,
        "duplicate date 2026-10-10, already given as date_overrides[3].date"
    );
    assert_eq!(
        violations[7].reason,
        "09:00-12:30 overlaps date_overrides[5].working_hours[0] (12:00-18:00)"
    );
}

#[test]
fn a_weekday_overlap_is_reported_at_the_later_entry_with_its_own_times() {
    // Listed out of order: the later entry (1) starts first.
    let spec = CalendarSpec {
        time_zone: "Asia/Shanghai".to_owned(),
        working_hours: vec![
            hours("THURSDAY", "12:00", "18:00"),
            hours("THURSDAY", "09:00", "12:30"),
        ],
        ..CalendarSpec::default()
    };
    let violations = Calendar::new(&spec).expect_err("invalid");
    assert_eq!(fields(&violations), ["working_hours[1]"]);
    assert_eq!(
        violations[0].reason,
        "THURSDAY 09:00-12:30 overlaps working_hours[0] (12:00-18:00)"
    );
}

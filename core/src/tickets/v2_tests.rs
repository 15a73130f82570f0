//! Metrics version 2 through the aggregator. Every expected number is
//! worked by hand in a comment.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::calendar::{Calendar, CalendarSpec, DateOverrideSpec, WorkingHoursSpec};
use super::reject::{LimitKind, RejectReason, TimeField};
use super::timeline::{Status, StatusChange, agent_work, intervals, resolution_clock};
use super::timeline_tests::{cn, jul, t1_history};
use super::*;

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test literal")
}

/// July 2026 (UTC), version 2, default calendar `cn`, P2 limits of the
/// worked example: response 60, resolution 480.
fn example_options() -> AggregationOptions {
    AggregationOptions {
        period_start: Timestamp::constant(1_782_864_000, 0), // 2026-07-01T00:00Z
        period_end: Timestamp::constant(1_785_542_400, 0),   // 2026-08-01T00:00Z
        as_of: Timestamp::constant(1_785_542_400, 0),
        clock: Clock::Business(cn()),
        metrics_version: MetricsVersion::V2,
        response_limits_by_priority: BTreeMap::from([("P2".to_owned(), mins(60))]),
        resolution_limits_by_priority: BTreeMap::from([("P2".to_owned(), mins(480))]),
        ..AggregationOptions::default()
    }
}

fn record(id: &str, created: Timestamp) -> TicketRecord {
    TicketRecord {
        ticket_id: id.to_owned(),
        employee_id: "e1".to_owned(),
        created: Some(created),
        priority: "P2".to_owned(),
        ..TicketRecord::default()
    }
}

fn example_records() -> Vec<TicketRecord> {
    vec![
        TicketRecord {
            first_response: Some(jul(6, 9, 20)),
            complex: true,
            resolved_on_first_contact: true,
            status_history: t1_history(),
            ..record("T1", jul(3, 17, 30))
        },
        // T2 without history: OPEN until resolved, then SOLVED.
        TicketRecord {
            resolved: Some(jul(6, 10, 30)),
            ..record("T2", jul(6, 10, 0))
        },
        // T3 with a history.
        TicketRecord {
            status_history: vec![StatusChange {
                at: jul(6, 11, 30),
                status: Status::Solved,
            }],
            resolved: Some(jul(6, 11, 30)),
            ..record("T3", jul(6, 10, 0))
        },
    ]
}

fn run(options: AggregationOptions, records: Vec<TicketRecord>) -> TicketReport {
    let mut aggregator = Aggregator::new(options);
    for (i, r) in records.into_iter().enumerate() {
        aggregator.push(i as u64, r);
    }
    aggregator.finish()
}

fn metric(s: &EmployeeTicketStats, id: &str) -> Option<Decimal> {
    s.metrics.iter().find(|(m, _)| *m == id).map(|(_, v)| *v)
}

fn absent(s: &EmployeeTicketStats, id: &str) -> Option<String> {
    s.absent
        .iter()
        .find(|a| a.indicator_id == id)
        .map(|a| a.reason.to_string())
}

fn fraction(s: &EmployeeTicketStats, id: &str) -> Option<(u64, u64)> {
    s.rates
        .iter()
        .find(|r| r.indicator_id == id)
        .map(|r| (r.numerator, r.denominator))
}

fn only(report: &TicketReport) -> &EmployeeTicketStats {
    assert_eq!(report.employees.len(), 1, "{report:?}");
    &report.employees[0]
}

#[test]
fn worked_example_at_period_end() {
    let report = run(example_options(), example_records());
    assert_eq!(report.rejected_count, 0, "{:?}", report.rejections);
    let s = only(&report);
    // T1 met (50 ≤ 60), T2 solved without response (30 ≤ 60, not
    // eligible), T3 breached (90 > 60): 1 of 2 = 50 %.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("50")));
    assert_eq!(fraction(s, FIRST_RESPONSE_SLA_RATE), Some((1, 2)));
    assert_eq!(s.solved_without_response_count, 1);
    assert_eq!(s.first_response_breaches.ticket_ids, ["T3"]);
    assert_eq!(s.first_response_breaches.count, 1);
    // Resolution: T1 335, T2 30, T3 90, all ≤ 480: 3 of 3 = 100 %.
    assert_eq!(metric(s, RESOLUTION_SLA_RATE), Some(dec("100")));
    assert_eq!(fraction(s, RESOLUTION_SLA_RATE), Some((3, 3)));
    assert!(s.resolution_breaches.ticket_ids.is_empty());
    // Reopened: T1 only, of 3 solved: 33.3333 %.
    assert_eq!(metric(s, REOPEN_RATE), Some(dec("33.3333")));
    assert_eq!(fraction(s, REOPEN_RATE), Some((1, 3)));
    // Handling: T1's agent work, 275.
    assert_eq!(
        metric(s, COMPLEX_ISSUE_AVG_HANDLE_MINUTES),
        Some(dec("275"))
    );
    assert_eq!(s.complex_handle_minutes_sum, dec("275"));
    // T1's first-contact flag is overridden by its reopen: 0 of 3.
    assert_eq!(s.first_contact_flag_overridden_count, 1);
    assert_eq!(metric(s, FIRST_CONTACT_RESOLUTION_RATE), Some(dec("0")));
    assert_eq!(fraction(s, FIRST_CONTACT_RESOLUTION_RATE), Some((0, 3)));
    // Only T1 responded, after 50 minutes.
    assert_eq!(
        s.first_response_minutes.as_ref().map(|p| p.max),
        Some(dec("50"))
    );
}

#[test]
fn worked_example_at_tuesday_14_15() {
    let options = AggregationOptions {
        as_of: jul(7, 14, 15),
        ..example_options()
    };
    let report = run(options, example_records());
    let s = only(&report);
    // T1 unsolved: resolution clock 245 < 480, pending, not counted; T2, T3
    // met: 2 of 2.
    assert_eq!(fraction(s, RESOLUTION_SLA_RATE), Some((2, 2)));
    assert_eq!(s.resolution_pending_count, 1);
    // T1's agent work is not in the mean: no complex ticket solved.
    assert_eq!(metric(s, COMPLEX_ISSUE_AVG_HANDLE_MINUTES), None);
    // Solved T2, T3, neither reopened: 0 of 2.
    assert_eq!(fraction(s, REOPEN_RATE), Some((0, 2)));
    // First response unchanged: T1 met, T2 not eligible, T3 breach.
    assert_eq!(fraction(s, FIRST_RESPONSE_SLA_RATE), Some((1, 2)));
    assert_eq!(s.first_contact_flag_overridden_count, 0);
}

#[test]
fn unsolved_past_the_resolution_limit_is_a_breach_and_late_solve_without_response_too() {
    // Wall clock, limits: response 60, resolution 120.
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        clock: Clock::Wall,
        as_of: t0 + mins(600),
        response_limits_by_priority: BTreeMap::from([("P2".to_owned(), mins(60))]),
        resolution_limits_by_priority: BTreeMap::from([("P2".to_owned(), mins(120))]),
        ..example_options()
    };
    let report = run(
        options,
        vec![
            // open for 600 > 120 at as_of: resolution breach; unanswered
            // 600 > 60: response breach.
            record("a", t0),
            // PENDING after 30 until as_of: resolution clock 30: pending.
            TicketRecord {
                status_history: vec![StatusChange {
                    at: t0 + mins(30),
                    status: Status::Pending,
                }],
                first_response: Some(t0 + mins(30)),
                ..record("b", t0)
            },
            // no response, solved after 90 > 60: response breach;
            // resolution 90 ≤ 120 met.
            TicketRecord {
                resolved: Some(t0 + mins(90)),
                ..record("c", t0)
            },
        ],
    );
    let s = only(&report);
    assert_eq!(s.first_response_breaches.ticket_ids, ["a", "c"]);
    assert_eq!(s.solved_without_response_count, 0);
    assert_eq!(s.resolution_breaches.ticket_ids, ["a"]);
    assert_eq!(s.resolution_pending_count, 1);
    // met c of eligible a, c: 50 %.
    assert_eq!(metric(s, RESOLUTION_SLA_RATE), Some(dec("50")));
}

#[test]
fn priorities_are_matched_trimmed_and_case_insensitively_and_unmatched_are_counted() {
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        clock: Clock::Wall,
        response_limits_by_priority: BTreeMap::from([("P1".to_owned(), mins(5))]),
        resolution_limits_by_priority: BTreeMap::new(),
        ..example_options()
    };
    let answered = |id: &str, p: &str, after: i64| TicketRecord {
        priority: p.to_owned(),
        first_response: Some(t0 + mins(after)),
        ..record(id, t0)
    };
    let report = run(
        options.clone(),
        vec![
            answered("a", " p1 ", 10), // P1, limit 5: breach
            answered("b", " P3", 10),  // unmatched, default 15: within
            answered("c", "p3", 20),   // unmatched (same value), 20 > 15: breach
            answered("d", "", 10),     // no priority: unmatched, within
        ],
    );
    let s = only(&report);
    assert_eq!(s.first_response_breaches.ticket_ids, ["a", "c"]);
    let u = &report.unmatched_priorities;
    assert_eq!(u.ticket_count, 3);
    assert_eq!(
        u.values,
        [
            // As first sent, not trimmed.
            PriorityCount {
                priority: " P3".to_owned(),
                count: 2
            },
            PriorityCount {
                priority: String::new(),
                count: 1
            },
        ]
    );
    // No resolution limits at all: the rate is absent with that reason.
    assert_eq!(
        absent(s, RESOLUTION_SLA_RATE).as_deref(),
        Some("no resolution limits given")
    );
    // Strict: b, c, d rejected, a kept.
    let report = run(
        AggregationOptions {
            strict_priorities: true,
            ..options
        },
        vec![answered("a", " p1 ", 10), answered("b", "P3", 10)],
    );
    assert_eq!(report.accepted_count, 1);
    assert_eq!(
        report.rejections[0].reason,
        RejectReason::UnmatchedPriority {
            priority: "P3".to_owned(),
            kind: LimitKind::Response
        }
    );
}

#[test]
fn only_the_first_twenty_unmatched_values_are_listed() {
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        clock: Clock::Wall,
        ..example_options()
    };
    // 25 distinct values P10…P34, one ticket each: 20 listed, 5 unlisted.
    let records = (10..35)
        .map(|i| TicketRecord {
            priority: format!("P{i}"),
            ..record(&format!("t{i}"), t0)
        })
        .collect();
    let report = run(options, records);
    let u = &report.unmatched_priorities;
    assert_eq!(u.values.len(), 20);
    assert_eq!(u.ticket_count, 25);
    assert_eq!(u.unlisted_ticket_count, 5);
}

#[test]
fn created_after_as_of_is_counted_apart() {
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        clock: Clock::Wall,
        as_of: t0 + mins(60),
        ..example_options()
    };
    let report = run(
        options,
        vec![record("a", t0), record("late", t0 + mins(61))],
    );
    assert_eq!(report.created_after_as_of_count, 1);
    assert_eq!(only(&report).ticket_count, 1);
}

#[test]
fn first_hundred_breached_ids_in_stream_order_then_a_count() {
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        clock: Clock::Wall,
        ..example_options()
    };
    // 150 unanswered tickets created in July's first days, weeks old at
    // as_of (period end), far past 60 minutes: every one is a breach.
    let records = (0..150)
        .map(|i| record(&format!("b{i:03}"), t0 + mins(i)))
        .collect();
    let report = run(options, records);
    let b = &only(&report).first_response_breaches;
    assert_eq!(b.count, 150);
    assert_eq!(b.ticket_ids.len(), 100);
    assert_eq!(b.ticket_ids.first().map(String::as_str), Some("b000"));
    assert_eq!(b.ticket_ids.last().map(String::as_str), Some("b099"));
}

#[test]
fn two_calendars_in_one_push() {
    // Default calendar cn (Shanghai); calendar "ny": America/New_York,
    // weekdays 09:00–17:00. A ticket created Mon 2026-07-06 08:00 New York
    // (20:00 Shanghai) and answered at 10:00 New York (22:00 Shanghai):
    // under "ny" 09:00–10:00 = 60 minutes; under cn no working time.
    let ny = TimeZone::get("America/New_York").expect("zone");
    let ny_at = |h: i8| {
        ny.to_timestamp(date(2026, 7, 6).at(h, 0, 0, 0))
            .expect("valid")
    };
    let working_hours = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .iter()
        .map(|d| WorkingHoursSpec {
            weekday: (*d).to_owned(),
            start: "09:00".to_owned(),
            end: "17:00".to_owned(),
        })
        .collect();
    let ny_calendar = Calendar::new(&CalendarSpec {
        time_zone: "America/New_York".to_owned(),
        working_hours,
        ..CalendarSpec::default()
    })
    .expect("valid");
    let options = AggregationOptions {
        calendars: BTreeMap::from([("ny".to_owned(), ny_calendar)]),
        response_limits_by_priority: BTreeMap::from([("P2".to_owned(), mins(30))]),
        ..example_options()
    };
    let answered = |id: &str, calendar: &str| TicketRecord {
        first_response: Some(ny_at(10)),
        calendar: calendar.to_owned(),
        ..record(id, ny_at(8))
    };
    let report = run(
        options,
        vec![
            answered("in-ny", " ny "),
            answered("in-cn", ""),
            answered("nowhere", "emea"),
        ],
    );
    // in-ny: 60 > 30, breach; in-cn: 0 ≤ 30, met.
    let s = only(&report);
    assert_eq!(s.first_response_breaches.ticket_ids, ["in-ny"]);
    assert_eq!(
        s.first_response_minutes.as_ref().map(|p| (p.p50, p.max)),
        Some((dec("0"), dec("60")))
    );
    assert_eq!(
        report.rejections[0].reason,
        RejectReason::UnknownCalendar {
            name: "emea".to_owned()
        }
    );
}

#[test]
fn every_version_2_rejection_reason() {
    let t0 = jul(6, 10, 0);
    let t = |m| t0 + mins(m);
    let change = |at, status| StatusChange { at, status };
    let day = SignedDuration::from_hours(24);
    let records = vec![
        // 0: 65 changes, over the cap of 64
        TicketRecord {
            status_history: (0..65)
                .map(|i| {
                    change(
                        t(i),
                        if i % 2 == 0 {
                            Status::Pending
                        } else {
                            Status::Open
                        },
                    )
                })
                .collect(),
            ..record("a", t0)
        },
        // 1: change before creation
        TicketRecord {
            status_history: vec![change(t(5), Status::Pending), change(t(-1), Status::Open)],
            ..record("b", t0)
        },
        // 2: resolved_time is not the last change to SOLVED (30, not 20)
        TicketRecord {
            status_history: vec![change(t(20), Status::Solved), change(t(30), Status::Solved)],
            resolved: Some(t(30)),
            ..record("c", t0)
        },
        // 3: resolved_time with a history that never reaches SOLVED
        TicketRecord {
            status_history: vec![change(t(20), Status::Pending)],
            resolved: Some(t(30)),
            ..record("d", t0)
        },
        // 4: unknown calendar
        TicketRecord {
            calendar: "emea".to_owned(),
            ..record("e", t0)
        },
        // 5: a change 367 days after creation
        TicketRecord {
            status_history: vec![change(t0 + day * 367, Status::Solved)],
            ..record("f", t0)
        },
        // 6: accepted — flagged first contact, history never SOLVED: the
        // flag has nothing to count toward
        TicketRecord {
            status_history: vec![change(t(20), Status::Pending)],
            resolved_on_first_contact: true,
            ..record("g", t0)
        },
        // 7: accepted — resolved_time equal to the last change to SOLVED
        // (a reopen then a second solve at 50)
        TicketRecord {
            status_history: vec![
                change(t(20), Status::Solved),
                change(t(40), Status::Open),
                change(t(50), Status::Solved),
            ],
            resolved: Some(t(50)),
            resolved_on_first_contact: true,
            ..record("h", t0)
        },
    ];
    let mut aggregator = Aggregator::new(example_options());
    for (i, r) in records.into_iter().enumerate() {
        aggregator.push(i as u64, r);
    }
    // The transport's reason for a status it cannot read.
    aggregator.reject(
        8,
        "i".to_owned(),
        RejectReason::UnknownStatus {
            position: 2,
            value: "CLOSED".to_owned(),
        },
    );
    let report = aggregator.finish();
    assert_eq!(report.accepted_count, 2);
    let got: Vec<(u64, String)> = report
        .rejections
        .iter()
        .map(|r| (r.index, r.reason.to_string()))
        .collect();
    let want = [
        (0, "status history has 65 changes; at most 64"),
        (
            1,
            "status_history[1] time 2026-07-06T01:59:00Z is before created time \
             2026-07-06T02:00:00Z",
        ),
        (
            2,
            "resolved time 2026-07-06T02:30:00Z contradicts the status history, whose last \
             change to SOLVED is at 2026-07-06T02:20:00Z",
        ),
        (
            3,
            "resolved time 2026-07-06T02:30:00Z contradicts the status history, which has no \
             change to SOLVED",
        ),
        (
            4,
            "unknown calendar \"emea\": the push defines no calendar of that name",
        ),
        // 367 × 24 = 8808 hours
        (
            5,
            "status_history[0] time is 8808 hours after creation, more than the 366-day maximum",
        ),
        (
            8,
            "status_history[2] has unknown status \"CLOSED\": expected OPEN, PENDING, ON_HOLD \
             or SOLVED",
        ),
    ];
    let want: Vec<(u64, String)> = want.into_iter().map(|(i, s)| (i, s.to_owned())).collect();
    assert_eq!(got, want);
    assert!(matches!(
        report.rejections[5].reason,
        RejectReason::SpanTooLong {
            field: TimeField::StatusChange(0),
            ..
        }
    ));
    // h: solved at 50 after a reopen: its flag is overridden.
    assert_eq!(only(&report).first_contact_flag_overridden_count, 1);
}

#[test]
fn version_1_keeps_the_original_rules_and_refuses_version_2_fields() {
    let t0 = Timestamp::constant(1_782_900_000, 0);
    let options = AggregationOptions {
        metrics_version: MetricsVersion::V1,
        clock: Clock::Wall,
        resolution_limits_by_priority: BTreeMap::new(),
        as_of: t0 + mins(60),
        ..example_options()
    };
    let report = run(
        options.clone(),
        vec![
            // unanswered, solved after 10; age 60 at as_of is not more than
            // the limit 60: pending (version 1 has no solved-without-response).
            TicketRecord {
                resolved: Some(t0 + mins(10)),
                ..record("a", t0)
            },
            // created after as_of: counted as pending in version 1.
            record("b", t0 + mins(70)),
            TicketRecord {
                status_history: vec![StatusChange {
                    at: t0,
                    status: Status::Solved,
                }],
                ..record("c", t0)
            },
            TicketRecord {
                calendar: "cn".to_owned(),
                ..record("d", t0)
            },
        ],
    );
    let s = only(&report);
    assert_eq!(s.pending_count, 2);
    assert_eq!(s.solved_without_response_count, 0);
    assert_eq!(report.created_after_as_of_count, 0);
    assert_eq!(report.rejected_count, 2);
    assert_eq!(
        report.rejections[0].reason,
        RejectReason::RequiresVersion2 {
            field: "status_history"
        }
    );
    assert!(s.metrics.iter().all(|(id, _)| INDICATOR_IDS.contains(id)));
    assert!(
        s.absent
            .iter()
            .all(|a| INDICATOR_IDS.contains(&a.indicator_id))
    );
    // Version-2 options are refused under version 1.
    let violations = AggregationOptions {
        strict_priorities: true,
        default_resolution_limit: Some(mins(60)),
        ..options
    }
    .validate()
    .expect_err("invalid");
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["default_resolution_limit", "strict_priorities"]);
}

#[test]
fn version_2_option_violations() {
    let options = AggregationOptions {
        response_limits_by_priority: BTreeMap::from([
            ("P1".to_owned(), mins(5)),
            ("p1 ".to_owned(), mins(6)),
        ]),
        resolution_limits_by_priority: BTreeMap::from([("P1".to_owned(), mins(0))]),
        default_resolution_limit: Some(mins(-1)),
        calendars: BTreeMap::from([(" x".to_owned(), cn())]),
        ..example_options()
    };
    let violations = options.validate().expect_err("invalid");
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "response_limits_by_priority[\"p1 \"]",
            "default_resolution_limit",
            "resolution_limits_by_priority[\"P1\"]",
            "calendars[\" x\"]",
        ]
    );
}

fn spec_with_overrides(
    tz: &str,
    weekday_hours: &[(&str, &str)],
    overrides: Vec<DateOverrideSpec>,
    holidays: &[&str],
) -> CalendarSpec {
    CalendarSpec {
        time_zone: tz.to_owned(),
        working_hours: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
            .iter()
            .flat_map(|d| {
                weekday_hours.iter().map(|(s, e)| WorkingHoursSpec {
                    weekday: (*d).to_owned(),
                    start: (*s).to_owned(),
                    end: (*e).to_owned(),
                })
            })
            .collect(),
        holidays: holidays.iter().map(|h| (*h).to_owned()).collect(),
        date_overrides: overrides,
    }
}

fn day_override(d: &str, intervals: &[(&str, &str)]) -> DateOverrideSpec {
    DateOverrideSpec {
        date: d.to_owned(),
        intervals: intervals
            .iter()
            .map(|(s, e)| ((*s).to_owned(), (*e).to_owned()))
            .collect(),
    }
}

#[test]
fn half_day_make_up_saturday_and_holiday_with_lunch_breaks() {
    let lunch = [("09:00", "12:00"), ("13:00", "18:00")];
    let cal = Calendar::new(&spec_with_overrides(
        "Asia/Shanghai",
        &lunch,
        vec![
            // Wed 07-08 half day, morning only.
            day_override("2026-07-08", &[("09:00", "12:00")]),
            // Sat 07-11 make-up working day with the weekday hours.
            day_override("2026-07-11", &lunch),
            // Mon 07-13 closed.
            day_override("2026-07-13", &[]),
        ],
        &["2026-07-14"],
    ))
    .expect("valid");
    // Wed 08:00 → Thu 08:00: 09–12 only = 180 (not 480).
    assert_eq!(cal.business_time(jul(8, 8, 0), jul(9, 8, 0)), mins(180));
    // Fri 18:00 → Sun 00:00: Saturday 3 h + 5 h = 480.
    assert_eq!(cal.business_time(jul(10, 18, 0), jul(12, 0, 0)), mins(480));
    // Sat 11:30 → 13:30: 30 before lunch + 30 after = 60.
    assert_eq!(
        cal.business_time(jul(11, 11, 30), jul(11, 13, 30)),
        mins(60)
    );
    // Mon 07-13 (override) and Tue 07-14 (holiday) closed: Sun 00:00 → Wed
    // 00:00 = 0.
    assert_eq!(cal.business_time(jul(12, 0, 0), jul(15, 0, 0)), mins(0));
}

#[test]
fn the_same_date_twice_is_a_violation_naming_the_field() {
    let errors = Calendar::new(&spec_with_overrides(
        "Asia/Shanghai",
        &[("09:00", "18:00")],
        vec![day_override("2026-07-08", &[("09:00", "12:00")])],
        &["2026-07-08"],
    ))
    .expect_err("duplicate");
    let fields: Vec<&str> = errors.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["date_overrides[0].date"]);
}

#[test]
fn dst_days_follow_the_wall_clock() {
    // 2026-03-08 (Sunday) New York springs forward at 02:00: a 23-hour day.
    // A make-up Sunday 09:00–17:00 still has 8 working hours = 480 minutes.
    let cal = Calendar::new(&spec_with_overrides(
        "America/New_York",
        &[("09:00", "17:00")],
        vec![day_override("2026-03-08", &[("09:00", "17:00")])],
        &[],
    ))
    .expect("valid");
    let ny = TimeZone::get("America/New_York").expect("zone");
    let at = |d: i8, h: i8| {
        ny.to_timestamp(date(2026, 3, d).at(h, 0, 0, 0))
            .expect("valid")
    };
    // Sat 00:00 → Mon 00:00: Sunday only, 480.
    assert_eq!(cal.business_time(at(7, 0), at(9, 0)), mins(480));
    // Europe/Berlin, Sunday 2026-03-29 (23 hours) made a working day
    // 09:00–17:00: 480 as well.
    let cal = Calendar::new(&spec_with_overrides(
        "Europe/Berlin",
        &[("09:00", "17:00")],
        vec![day_override("2026-03-29", &[("09:00", "17:00")])],
        &[],
    ))
    .expect("valid");
    let berlin = TimeZone::get("Europe/Berlin").expect("zone");
    let from = berlin.to_timestamp(date(2026, 3, 29).at(0, 0, 0, 0));
    let to = berlin.to_timestamp(date(2026, 3, 30).at(0, 0, 0, 0));
    let (Ok(from), Ok(to)) = (from, to) else {
        panic!("valid times");
    };
    assert_eq!(cal.business_time(from, to), mins(480));
}

/// A wall-clock or `cn` history: up to 12 changes, 0 to 3 days apart.
fn history_strategy() -> impl Strategy<Value = (i64, Vec<(i64, u8)>, i64, bool)> {
    (
        0i64..(14 * 24 * 60),
        prop::collection::vec((0i64..(3 * 24 * 60), 0u8..4), 0..12),
        0i64..(40 * 24 * 60),
        any::<bool>(),
    )
}

fn build(created_min: i64, steps: &[(i64, u8)]) -> (Timestamp, Vec<StatusChange>) {
    let base = jul(1, 0, 0);
    let created = base + mins(created_min);
    let mut at = created;
    let changes = steps
        .iter()
        .map(|(gap, s)| {
            at += mins(*gap);
            StatusChange {
                at,
                status: Status::ALL[usize::from(*s)],
            }
        })
        .collect();
    (created, changes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn agent_work_le_resolution_clock_le_elapsed(
        (created_min, steps, as_of_min, business) in history_strategy()
    ) {
        let clock = if business { Clock::Business(cn()) } else { Clock::Wall };
        let (created, changes) = build(created_min, &steps);
        let as_of = jul(1, 0, 0) + mins(as_of_min);
        let mut ivs = Vec::new();
        intervals(created, &changes, as_of, &mut ivs);
        let work = agent_work(&clock, &ivs, None);
        let resolution = resolution_clock(&clock, &ivs, None);
        let elapsed = if as_of > created { clock.elapsed(created, as_of) } else { SignedDuration::ZERO };
        prop_assert!(SignedDuration::ZERO <= work);
        prop_assert!(work <= resolution);
        prop_assert!(resolution <= elapsed);
    }

    #[test]
    fn interleaving_employees_and_batching_change_no_figure(
        tickets in prop::collection::vec((history_strategy(), 0u8..3, any::<bool>(), 0u8..3), 1..30),
        order in any::<u64>(),
    ) {
        let records: Vec<TicketRecord> = tickets
            .iter()
            .enumerate()
            .map(|(i, ((created_min, steps, answer_min, complex), employee, flag, p))| {
                let (created, changes) = build(*created_min, steps);
                let solved = timeline::last_change_to_solved(&changes).is_some();
                TicketRecord {
                    ticket_id: format!("t{i}"),
                    employee_id: format!("e{employee}"),
                    created: Some(created),
                    first_response: (answer_min % 3 != 0).then(|| created + mins(answer_min % 600)),
                    priority: ["P2", "p2", "P9"][usize::from(*p)].to_owned(),
                    complex: *complex,
                    resolved_on_first_contact: *flag && solved,
                    status_history: changes,
                    ..TicketRecord::default()
                }
            })
            .collect();
        let options = AggregationOptions {
            as_of: jul(20, 0, 0),
            ..example_options()
        };
        let whole = run(options.clone(), records.clone());
        // The same records, pushed in batches of 1 to 7 through a fresh
        // vector each, with the employees' records interleaved differently
        // (a stable partition by a hash of the employee keeps each
        // employee's own order).
        let mut reordered = records.clone();
        reordered.sort_by_key(|r| {
            (r.employee_id.len() as u64 ^ order).wrapping_mul(u64::from(r.employee_id.as_bytes()[1]))
                % 3
        });
        let batch = usize::try_from(order % 7 + 1).unwrap_or(1);
        let mut aggregator = Aggregator::new(options);
        let mut index = 0u64;
        for chunk in reordered.chunks(batch) {
            for r in chunk.iter().cloned() {
                aggregator.push(index, r);
                index += 1;
            }
        }
        let split = aggregator.finish();
        prop_assert_eq!(&whole.employees, &split.employees);
        prop_assert_eq!(whole.accepted_count, split.accepted_count);
        prop_assert_eq!(whole.created_after_as_of_count, split.created_after_as_of_count);
        prop_assert_eq!(
            whole.unmatched_priorities.ticket_count,
            split.unmatched_priorities.ticket_count
        );
    }
}

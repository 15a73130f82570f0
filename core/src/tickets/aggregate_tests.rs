//! Aggregation tests. Every expected number is worked by hand in a comment.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use super::reject::{RejectReason, TimeField};
use super::*;
use crate::Violation;

/// 2026-10-01T00:00:00Z, the period start.
const START: Timestamp = Timestamp::constant(1_790_812_800, 0);
/// 2026-11-01T00:00:00Z, the period end (exclusive).
const END: Timestamp = Timestamp::constant(1_793_491_200, 0);
/// 2026-10-20T12:00:00Z.
const AS_OF: Timestamp = Timestamp::constant(1_792_497_600, 0);

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test literal")
}

fn options(clock: Clock) -> AggregationOptions {
    AggregationOptions {
        period_start: START,
        period_end: END,
        as_of: AS_OF,
        clock,
        default_response_limit: mins(15),
        response_limits_by_priority: BTreeMap::new(),
        ..AggregationOptions::default()
    }
}

/// A ticket for employee `e1` created at `created`, nothing else set.
fn ticket(id: &str, created: Timestamp) -> TicketRecord {
    TicketRecord {
        ticket_id: id.to_owned(),
        employee_id: "e1".to_owned(),
        created: Some(created),
        ..TicketRecord::default()
    }
}

fn answered(id: &str, created: Timestamp, after: SignedDuration) -> TicketRecord {
    TicketRecord {
        first_response: Some(created + after),
        ..ticket(id, created)
    }
}

fn run(options: AggregationOptions, records: Vec<TicketRecord>) -> TicketReport {
    let mut aggregator = Aggregator::new(options);
    for (i, r) in records.into_iter().enumerate() {
        aggregator.push(i as u64, r);
    }
    aggregator.finish()
}

fn metric(stats: &EmployeeTicketStats, id: &str) -> Option<Decimal> {
    stats
        .metrics
        .iter()
        .find(|(m, _)| *m == id)
        .map(|(_, v)| *v)
}

fn absent_reason(stats: &EmployeeTicketStats, id: &str) -> Option<String> {
    stats
        .absent
        .iter()
        .find(|a| a.indicator_id == id)
        .map(|a| a.reason.to_string())
}

fn only(report: &TicketReport) -> &EmployeeTicketStats {
    assert_eq!(report.employees.len(), 1, "{report:?}");
    &report.employees[0]
}

#[test]
fn pending_versus_breached_at_as_of() {
    let report = run(
        options(Clock::Wall),
        vec![
            // answered after 10 min: within.
            answered("a", AS_OF - mins(60), mins(10)),
            // unanswered, 10 min old at as_of: pending.
            ticket("b", AS_OF - mins(10)),
            // unanswered, exactly 15 min old: not *more* than the limit, pending.
            ticket("c", AS_OF - mins(15)),
            // unanswered, 20 min old: breach.
            ticket("d", AS_OF - mins(20)),
            // answered 5 min after as_of, 30 min old at as_of: not yet
            // answered at as_of, so a breach.
            answered("e", AS_OF - mins(30), mins(35)),
            // answered after exactly 15 min: within (elapsed <= limit).
            answered("f", AS_OF - mins(120), mins(15)),
            // answered after 16 min: breach.
            answered("g", AS_OF - mins(120), mins(16)),
        ],
    );
    let s = only(&report);
    assert_eq!(s.ticket_count, 7);
    assert_eq!(s.responded_count, 3); // a, f, g
    assert_eq!(s.pending_count, 2); // b, c
    assert_eq!(s.breach_count, 3); // d, e, g
    // eligible = 7 − 2 = 5, within = 5 − 3 = 2 (a, f): 2/5 = 40 %.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("40")));
}

#[test]
fn all_pending_means_no_sla_rate() {
    let report = run(options(Clock::Wall), vec![ticket("a", AS_OF - mins(1))]);
    let s = only(&report);
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), None);
    assert!(
        absent_reason(s, FIRST_RESPONSE_SLA_RATE)
            .is_some_and(|r| r.contains("within the response limit"))
    );
}

#[test]
fn business_clock_applies_to_the_response_limit() {
    // Asia/Shanghai Monday–Friday 09:00–18:00. Friday 2026-10-02 17:55:
    // answered Monday 09:05 = 10 business minutes (within 15);
    // answered Monday 09:10 = exactly 15 (within);
    // answered Monday 09:11 = 16 (breach).
    let tz = TimeZone::get("Asia/Shanghai").expect("zone");
    let local = |d, h, m| {
        tz.to_timestamp(date(2026, 10, d).at(h, m, 0, 0))
            .expect("time")
    };
    let calendar = Calendar::new(&CalendarSpec {
        time_zone: "Asia/Shanghai".to_owned(),
        working_hours: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
            .iter()
            .map(|d| WorkingHoursSpec {
                weekday: (*d).to_owned(),
                start: "09:00".to_owned(),
                end: "18:00".to_owned(),
            })
            .collect(),
        holidays: vec![],
        date_overrides: vec![],
    })
    .expect("valid");
    let created = local(2, 17, 55);
    let records = vec![
        TicketRecord {
            first_response: Some(local(5, 9, 5)),
            ..ticket("a", created)
        },
        TicketRecord {
            first_response: Some(local(5, 9, 10)),
            ..ticket("b", created)
        },
        TicketRecord {
            first_response: Some(local(5, 9, 11)),
            ..ticket("c", created)
        },
    ];
    let report = run(options(Clock::Business(calendar)), records.clone());
    let s = only(&report);
    assert_eq!(s.breach_count, 1);
    // 2 of 3 within: 66.666… → 66.6667.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("66.6667")));
    // Minutes 10, 15, 16: p50 rank ceil(1.5) = 2 → 15; p90 rank 3 → 16.
    let p = s.first_response_minutes.as_ref().expect("responded");
    assert_eq!(
        (p.p50, p.p90, p.p99, p.max),
        (dec("15"), dec("16"), dec("16"), dec("16"))
    );

    // On the wall clock all three took over 2 days: 0 of 3.
    let report = run(options(Clock::Wall), records);
    assert_eq!(
        metric(only(&report), FIRST_RESPONSE_SLA_RATE),
        Some(dec("0"))
    );
}

#[test]
fn per_priority_limit_overrides_the_default() {
    let mut opts = options(Clock::Wall);
    opts.response_limits_by_priority
        .insert("P1".to_owned(), mins(5));
    opts.response_limits_by_priority
        .insert("P4".to_owned(), mins(60));
    let t = START + mins(60);
    let with_priority = |id: &str, p: &str, after| TicketRecord {
        priority: p.to_owned(),
        ..answered(id, t, mins(after))
    };
    let report = run(
        opts,
        vec![
            with_priority("a", "P1", 10), // limit 5: breach
            with_priority("b", "P1", 5),  // limit 5: within
            with_priority("c", "P4", 40), // limit 60: within
            with_priority("d", "P3", 10), // unknown priority, default 15: within
            with_priority("e", "", 20),   // no priority, default 15: breach
            with_priority("f", "p1", 10), // keys are exact: default 15, within
        ],
    );
    let s = only(&report);
    assert_eq!(s.breach_count, 2);
    // 4 of 6 within: 66.666… → 66.6667.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("66.6667")));
}

#[test]
fn resolution_rates_and_absent_metrics() {
    let t = START + mins(60);
    let resolved = |id: &str| TicketRecord {
        resolved: Some(t + mins(30)),
        ..answered(id, t, mins(1))
    };
    let report = run(
        options(Clock::Wall),
        vec![
            // e1: three complaints, two resolved → 2/3 = 66.6667 %.
            TicketRecord {
                complaint: true,
                resolved_on_first_contact: true,
                ..resolved("c1")
            },
            TicketRecord {
                complaint: true,
                ..resolved("c2")
            },
            TicketRecord {
                complaint: true,
                ..answered("c3", t, mins(1))
            },
            // Resolved after as_of: not resolved yet.
            TicketRecord {
                complaint: true,
                cross_department: true,
                resolved: Some(AS_OF + mins(1)),
                ..answered("c4", t, mins(1))
            },
            // e2: one unresolved ticket, nothing else.
            TicketRecord {
                employee_id: "e2".to_owned(),
                ..answered("x1", t, mins(1))
            },
        ],
    );
    assert_eq!(report.employees.len(), 2);
    let e1 = &report.employees[0];
    assert_eq!(e1.employee_id, "e1");
    // complaints c1–c4, resolved by as_of c1, c2 → 2/4 = 50 %.
    assert_eq!(e1.complaint_count, 4);
    assert_eq!(metric(e1, COMPLAINT_RESOLUTION_RATE), Some(dec("50")));
    // resolved c1, c2; first contact c1 → 1/2 = 50 %.
    assert_eq!(metric(e1, FIRST_CONTACT_RESOLUTION_RATE), Some(dec("50")));
    // cross-department c4, unresolved at as_of → 0/1 = 0 %, not absent.
    assert_eq!(metric(e1, CROSS_DEPARTMENT_RESOLUTION_RATE), Some(dec("0")));
    assert_eq!(
        absent_reason(e1, COMPLEX_ISSUE_AVG_HANDLE_MINUTES).as_deref(),
        Some("no complex tickets resolved by as_of")
    );

    let e2 = &report.employees[1];
    assert_eq!(e2.employee_id, "e2");
    assert_eq!(metric(e2, FIRST_RESPONSE_SLA_RATE), Some(dec("100")));
    assert_eq!(
        absent_reason(e2, COMPLAINT_RESOLUTION_RATE).as_deref(),
        Some("no complaint tickets in the period")
    );
    assert_eq!(
        absent_reason(e2, FIRST_CONTACT_RESOLUTION_RATE).as_deref(),
        Some("no tickets resolved by as_of")
    );
    assert_eq!(
        absent_reason(e2, CROSS_DEPARTMENT_RESOLUTION_RATE).as_deref(),
        Some("no cross-department tickets in the period")
    );
    // Present and absent together name every indicator once, in order.
    let mut ids: Vec<&str> = e2.metrics.iter().map(|(id, _)| *id).collect();
    ids.extend(e2.absent.iter().map(|a| a.indicator_id));
    assert_eq!(
        ids,
        [
            FIRST_RESPONSE_SLA_RATE,
            COMPLAINT_RESOLUTION_RATE,
            FIRST_CONTACT_RESOLUTION_RATE,
            CROSS_DEPARTMENT_RESOLUTION_RATE,
            COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
        ]
    );
}

#[test]
fn two_thirds_rounds_to_four_places() {
    let t = START + mins(60);
    let complaint = |id: &str, resolved: bool| TicketRecord {
        complaint: true,
        resolved: resolved.then_some(t + mins(5)),
        ..ticket(id, t)
    };
    let report = run(
        options(Clock::Wall),
        vec![
            complaint("a", true),
            complaint("b", true),
            complaint("c", false),
        ],
    );
    // 2/3 × 100 = 66.666… → 66.6667
    assert_eq!(
        metric(only(&report), COMPLAINT_RESOLUTION_RATE),
        Some(dec("66.6667"))
    );
}

/// A complex ticket created at `t` and resolved `handle` later.
fn complex_resolved(id: &str, t: Timestamp, handle: SignedDuration) -> TicketRecord {
    TicketRecord {
        complex: true,
        resolved: Some(t + handle),
        ..ticket(id, t)
    }
}

#[test]
fn complex_handle_time_is_a_mean_in_minutes() {
    let t = START + mins(60);
    let complex = |id: &str, handle: SignedDuration| complex_resolved(id, t, handle);
    let report = run(
        options(Clock::Wall),
        vec![
            complex("a", mins(10)),
            complex("b", mins(20)),
            complex("c", mins(20)),
            // Unresolved complex ticket: not in the mean.
            TicketRecord {
                complex: true,
                ..ticket("d", t)
            },
        ],
    );
    // (10 + 20 + 20) / 3 = 16.666… → 16.6667
    let s = only(&report);
    assert_eq!(s.resolved_complex_count, 3);
    assert_eq!(
        metric(s, COMPLEX_ISSUE_AVG_HANDLE_MINUTES),
        Some(dec("16.6667"))
    );
}

/// The mean is of the exact handling times, not of whole milliseconds:
/// 3.5 ms and 2.5 ms average 3 ms = 0.00005 minutes, a tie at 4 places
/// that rounds away from zero to 0.0001 (truncated to 3 ms and 2 ms they
/// would average 2.5 ms, 0.0000417, which rounds to 0).
#[test]
fn complex_handle_time_is_the_mean_of_exact_times() {
    let t = START + mins(60);
    let complex = |id: &str, handle: SignedDuration| complex_resolved(id, t, handle);
    let report = run(
        options(Clock::Wall),
        vec![
            complex("a", SignedDuration::from_micros(3_500)),
            complex("b", SignedDuration::from_micros(2_500)),
        ],
    );
    let s = only(&report);
    assert_eq!(
        metric(s, COMPLEX_ISSUE_AVG_HANDLE_MINUTES),
        Some(dec("0.0001"))
    );
}

#[test]
fn percentiles_nearest_rank_on_a_small_set() {
    // Ten response times (ms → minutes):
    //   12_345 → 0.20575 → 0.21     60_000 → 1       90_000 → 1.5
    //  120_000 → 2      150_300 → 2.505 → 2.51 (tie, away from zero)
    //  180_000 → 3      240_000 → 4     300_000 → 5   599_400 → 9.99
    //  3_600_000 → 60
    // p50: rank ceil(5) = 5 → 2.51; p90: rank 9 → 9.99;
    // p99: rank ceil(9.9) = 10 → 60; max 60.
    let t = START + mins(60);
    let ms = [
        599_400, 12_345, 3_600_000, 150_300, 60_000, 90_000, 120_000, 180_000, 240_000, 300_000,
    ];
    let records = ms
        .iter()
        .enumerate()
        .map(|(i, ms)| answered(&format!("t{i}"), t, SignedDuration::from_millis(*ms)))
        .collect();
    let report = run(options(Clock::Wall), records);
    let p = only(&report)
        .first_response_minutes
        .clone()
        .expect("responded");
    assert_eq!(
        (p.p50, p.p90, p.p99, p.max),
        (dec("2.51"), dec("9.99"), dec("60"), dec("60"))
    );
}

#[test]
fn percentiles_on_two_hundred_values() {
    // 1, 2, …, 200 minutes: p50 rank 100 → 100; p90 rank 180 → 180;
    // p99 rank 198 → 198; max 200.
    let t = START + mins(60);
    let records = (1..=200)
        .map(|m| answered(&format!("t{m}"), t, mins(m)))
        .collect();
    let report = run(options(Clock::Wall), records);
    let s = only(&report);
    let p = s.first_response_minutes.clone().expect("responded");
    assert_eq!(
        (p.p50, p.p90, p.p99, p.max),
        (dec("100"), dec("180"), dec("198"), dec("200"))
    );
    // Within 15 minutes: 1..=15 → 15/200 = 7.5 %.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("7.5")));
    // No responses → no percentiles.
    let report = run(options(Clock::Wall), vec![ticket("x", t)]);
    assert_eq!(only(&report).first_response_minutes, None);
}

#[test]
fn tickets_outside_the_period_are_counted_apart() {
    let report = run(
        options(Clock::Wall),
        vec![
            answered("before", START - mins(1), mins(100)), // before start
            answered("start", START, mins(1)),              // start is inside
            answered("end", END, mins(100)),                // end is exclusive
            TicketRecord {
                employee_id: "only-outside".to_owned(),
                ..answered("late", END + mins(5), mins(1))
            },
        ],
    );
    assert_eq!(report.accepted_count, 4);
    assert_eq!(report.outside_period_count, 3);
    assert_eq!(report.rejected_count, 0);
    // Only "start" counts, answered in 1 minute: 100 %.
    let s = only(&report);
    assert_eq!(s.ticket_count, 1);
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("100")));
}

#[test]
fn duplicate_ticket_id_keeps_the_first() {
    let t = START + mins(60);
    let report = run(
        options(Clock::Wall),
        vec![
            answered("T-1", t, mins(1)),
            // Same id for another employee, breaching: rejected.
            TicketRecord {
                employee_id: "e2".to_owned(),
                ..answered("T-1", t, mins(100))
            },
            // A rejected record does not claim its id…
            TicketRecord {
                employee_id: String::new(),
                ..answered("T-2", t, mins(1))
            },
            // …so a corrected one is accepted.
            answered("T-2", t, mins(2)),
        ],
    );
    assert_eq!(report.accepted_count, 2);
    assert_eq!(report.rejected_count, 2);
    assert_eq!(report.rejections[0].reason, RejectReason::DuplicateTicketId);
    assert_eq!(report.rejections[0].index, 1);
    assert_eq!(report.rejections[0].ticket_id, "T-1");
    assert_eq!(
        report.rejections[0].reason.to_string(),
        "duplicate ticket id: an earlier record of this stream was accepted with it"
    );
    let s = only(&report);
    assert_eq!(s.employee_id, "e1");
    assert_eq!(s.ticket_count, 2);
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("100")));
}

#[test]
fn ids_are_compared_without_surrounding_whitespace() {
    let t = START + mins(60);
    let report = run(
        options(Clock::Wall),
        vec![
            // 0: accepted as ticket "ok1" of employee "e1".
            TicketRecord {
                employee_id: " e1\t".to_owned(),
                ..answered(" ok1 ", t, mins(1))
            },
            // 1: the same ticket id: a duplicate.
            answered("ok1", t, mins(2)),
            // 2: another ticket of the same employee "e1".
            answered("ok2\n", t, mins(3)),
        ],
    );
    assert_eq!((report.accepted_count, report.rejected_count), (2, 1));
    assert_eq!(report.rejections[0].index, 1);
    assert_eq!(report.rejections[0].reason, RejectReason::DuplicateTicketId);
    // One employee, "e1", with tickets 0 and 2.
    let s = only(&report);
    assert_eq!(s.employee_id, "e1");
    assert_eq!(s.ticket_count, 2);
}

#[test]
fn every_rejection_reason() {
    let t = START + mins(60);
    let y2k = Timestamp::constant(946_684_800, 0);
    let y2100 = Timestamp::constant(4_102_444_800, 0);
    let day = SignedDuration::from_hours(24);
    let records = vec![
        // 0
        ticket("", t),
        // 1: blank counts as missing
        TicketRecord {
            employee_id: "  ".to_owned(),
            ..ticket("a", t)
        },
        // 2
        TicketRecord {
            created: None,
            ..ticket("b", t)
        },
        // 3: one second before 2000-01-01
        ticket("c", y2k - SignedDuration::from_secs(1)),
        // 4: 2100-01-01 itself is outside (exclusive)
        TicketRecord {
            resolved: Some(y2100),
            ..ticket("d", t)
        },
        // 5
        answered("e", t, mins(-1)),
        // 6
        TicketRecord {
            resolved: Some(t - mins(1)),
            ..ticket("f", t)
        },
        // 7: 367 days to first response
        answered("g", t, day * 367),
        // 8: accepted; a first-contact flag on an open ticket is no fault
        TicketRecord {
            resolved_on_first_contact: true,
            ..ticket("h", t)
        },
        // 9: accepted; 366 days exactly is allowed
        TicketRecord {
            resolved: Some(t + day * 366),
            ..ticket("i", t)
        },
        // 10
        ticket("i", t),
    ];
    let report = run(options(Clock::Wall), records);
    assert_eq!(report.accepted_count, 2);
    assert_eq!(report.rejected_count, 9);
    let got: Vec<(u64, String)> = report
        .rejections
        .iter()
        .map(|r| (r.index, r.reason.to_string()))
        .collect();
    let want: Vec<(u64, &str)> = vec![
        (0, "missing ticket id"),
        (1, "missing employee id"),
        (2, "missing created time"),
        (
            3,
            "created time 1999-12-31T23:59:59Z is outside the accepted range \
             2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z",
        ),
        (
            4,
            "resolved time 2100-01-01T00:00:00Z is outside the accepted range \
             2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z",
        ),
        (
            5,
            "first response time 2026-10-01T00:59:00Z is before created time \
             2026-10-01T01:00:00Z",
        ),
        (
            6,
            "resolved time 2026-10-01T00:59:00Z is before created time 2026-10-01T01:00:00Z",
        ),
        // 367 × 24 = 8808 hours
        (
            7,
            "first response time is 8808 hours after creation, more than the 366-day maximum",
        ),
        (
            10,
            "duplicate ticket id: an earlier record of this stream was accepted with it",
        ),
    ];
    let want: Vec<(u64, String)> = want.into_iter().map(|(i, s)| (i, s.to_owned())).collect();
    assert_eq!(got, want);
    assert!(matches!(
        report.rejections[4].reason,
        RejectReason::TimeOutOfRange {
            field: TimeField::Resolved,
            ..
        }
    ));
}

/// A ticket flagged resolved on first contact but not resolved (yet, as
/// exported) counts as the open ticket it is: in the first-response rate,
/// and not in first-contact resolution, whose denominator is resolved
/// tickets.
#[test]
fn a_first_contact_flag_on_an_open_ticket_counts_it_as_open() {
    let t = START + mins(60);
    let report = run(
        options(Clock::Wall),
        vec![TicketRecord {
            resolved_on_first_contact: true,
            ..answered("open", t, mins(5))
        }],
    );
    assert_eq!(report.accepted_count, 1);
    assert_eq!(report.rejected_count, 0);
    let s = only(&report);
    // Answered in 5 minutes against 15: 1 of 1.
    assert_eq!(metric(s, FIRST_RESPONSE_SLA_RATE), Some(dec("100")));
    assert_eq!(s.resolved_count, 0);
    assert_eq!(s.resolved_first_contact_count, 0);
    assert_eq!(metric(s, FIRST_CONTACT_RESOLUTION_RATE), None);
    assert!(absent_reason(s, FIRST_CONTACT_RESOLUTION_RATE).is_some());
}

#[test]
fn ids_over_256_bytes_are_rejected_and_not_echoed_in_full() {
    let t = START + mins(60);
    // "a" then 130 two-byte "é": 1 + 260 = 261 bytes; byte 64 falls inside
    // the 32nd "é" (bytes 63–64), so the echo stops at byte 63.
    let accented = format!("a{}", "é".repeat(130));
    let mut aggregator = Aggregator::new(options(Clock::Wall));
    let records = vec![
        // 0: 256 bytes is the most accepted.
        answered(&"a".repeat(256), t, mins(1)),
        // 1
        answered(&"x".repeat(257), t, mins(1)),
        // 2
        TicketRecord {
            employee_id: "e".repeat(257),
            ..answered("T-2", t, mins(1))
        },
        // 3
        TicketRecord {
            priority: "p".repeat(257),
            ..answered("T-3", t, mins(1))
        },
        // 4
        answered(&accented, t, mins(1)),
    ];
    for (i, r) in records.into_iter().enumerate() {
        aggregator.push(i as u64, r);
    }
    // 5: rejected by the transport, with a 1 MB id.
    aggregator.reject(
        5,
        "y".repeat(1 << 20),
        RejectReason::Unreadable {
            field: TimeField::Created,
            detail: "nanos -1 is outside 0..=999999999".to_owned(),
        },
    );
    let report = aggregator.finish();
    assert_eq!((report.accepted_count, report.rejected_count), (1, 5));
    let got: Vec<(u64, String, String)> = report
        .rejections
        .iter()
        .map(|r| (r.index, r.ticket_id.clone(), r.reason.to_string()))
        .collect();
    let want = vec![
        (
            1,
            format!("{}…", "x".repeat(64)),
            "ticket_id is 257 bytes long; at most 256".to_owned(),
        ),
        (
            2,
            "T-2".to_owned(),
            "employee_id is 257 bytes long; at most 256".to_owned(),
        ),
        (
            3,
            "T-3".to_owned(),
            "priority is 257 bytes long; at most 256".to_owned(),
        ),
        (
            4,
            format!("a{}…", "é".repeat(31)),
            "ticket_id is 261 bytes long; at most 256".to_owned(),
        ),
        (
            5,
            format!("{}…", "y".repeat(64)),
            "created time is not a readable time: nanos -1 is outside 0..=999999999".to_owned(),
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn only_the_first_hundred_rejections_are_listed() {
    let mut aggregator = Aggregator::new(options(Clock::Wall));
    for i in 0..150u64 {
        aggregator.push(i, ticket("", START));
    }
    let report = aggregator.finish();
    assert_eq!(report.rejected_count, 150);
    assert_eq!(report.rejections.len(), 100);
    assert_eq!(report.rejections[0].index, 0);
    assert_eq!(report.rejections[99].index, 99);
    assert!(report.employees.is_empty());
}

#[test]
fn options_validation_paths() {
    let mut opts = options(Clock::Wall);
    assert_eq!(opts.validate(), Ok(()));
    opts.period_end = opts.period_start;
    opts.as_of = Timestamp::constant(0, 0);
    opts.default_response_limit = SignedDuration::ZERO;
    opts.response_limits_by_priority
        .insert(String::new(), mins(5));
    opts.response_limits_by_priority
        .insert("P1".to_owned(), mins(-5));
    let violations = opts.validate().expect_err("invalid");
    let fields: Vec<&str> = violations.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "as_of_time",
            "period_end_time",
            "default_response_limit",
            "response_limits_by_priority[\"\"]",
            "response_limits_by_priority[\"P1\"]",
        ]
    );
}

#[test]
fn as_of_before_the_period_start_is_refused() {
    // One day before START (2026-10-01T00:00:00Z): 2026-09-30T00:00:00Z.
    let mut opts = options(Clock::Wall);
    opts.as_of = START - SignedDuration::from_hours(24);
    let violations = opts.validate().expect_err("invalid");
    assert_eq!(
        violations,
        [Violation::new(
            "as_of_time",
            "as_of 2026-09-30T00:00:00Z is before period start 2026-10-01T00:00:00Z: \
             it must be at or after the start"
        )]
    );
    // At the start itself is fine (nothing created yet, nothing pending).
    opts.as_of = START;
    assert_eq!(opts.validate(), Ok(()));
    // A period ending before it starts is reported once, at its end, even
    // with as_of at that end (where an as_of left out is put).
    let mut opts = options(Clock::Wall);
    opts.period_end = START - SignedDuration::from_hours(24);
    opts.as_of = opts.period_end;
    let fields: Vec<String> = opts
        .validate()
        .expect_err("invalid")
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, ["period_end_time"]);
}

#[test]
fn a_million_records_stream_through() {
    // 1,000,000 records over 1,000 employees; every 10th answered late,
    // every 1000th a duplicate id (of the record before it).
    let mut aggregator = Aggregator::new(options(Clock::Wall));
    let mut expected_rejected = 0u64;
    for i in 0..1_000_000u64 {
        let duplicate = i % 1000 == 999;
        if duplicate {
            expected_rejected += 1;
        }
        let id_number = if duplicate { i - 1 } else { i };
        let created = START + SignedDuration::from_secs(i64::try_from(i).unwrap_or(0));
        let late = i % 10 == 0;
        aggregator.push(
            i,
            TicketRecord {
                ticket_id: format!("TCK-{id_number:08}"),
                employee_id: format!("emp-{:04}", i % 1000),
                created: Some(created),
                first_response: Some(created + mins(if late { 20 } else { 5 })),
                resolved: Some(created + mins(30)),
                complaint: i % 7 == 0,
                complex: i % 3 == 0,
                ..TicketRecord::default()
            },
        );
    }
    let report = aggregator.finish();
    assert_eq!(report.rejected_count, expected_rejected);
    assert_eq!(report.accepted_count, 1_000_000 - expected_rejected);
    // emp-0999 only ever sent duplicates.
    assert_eq!(report.employees.len(), 999);
    // emp-0000 gets i = 0, 1000, 2000, …: all i % 10 == 0 → all late.
    assert_eq!(
        metric(&report.employees[0], FIRST_RESPONSE_SLA_RATE),
        Some(dec("0"))
    );
    // emp-0001: i % 10 == 1, never late.
    assert_eq!(
        metric(&report.employees[1], FIRST_RESPONSE_SLA_RATE),
        Some(dec("100"))
    );
    // Handle time is 30 minutes on every complex ticket.
    assert_eq!(
        metric(&report.employees[3], COMPLEX_ISSUE_AVG_HANDLE_MINUTES),
        Some(dec("30"))
    );
}

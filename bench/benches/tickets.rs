//! Ticket aggregation per record, on wall-clock time and on a business
//! calendar (Asia/Shanghai, 09:00-12:00 and 13:00-18:00 on weekdays, two
//! holidays). One iteration pushes a batch of records into a fresh
//! aggregator; throughput is per record.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use scorecard_core::tickets::{
    AggregationOptions, Aggregator, Calendar, CalendarSpec, Clock, MetricsVersion, Status,
    StatusChange, TicketRecord, WorkingHoursSpec,
};
use std::collections::BTreeMap;

const RECORDS: usize = 10_000;
const EMPLOYEES: usize = 50;
/// 2026-10-01T00:00:00Z.
const START: i64 = 1_790_812_800;
/// 2026-11-01T00:00:00Z.
const END: i64 = 1_793_491_200;

fn options(clock: Clock) -> AggregationOptions {
    AggregationOptions {
        period_start: Timestamp::from_second(START).expect("valid"),
        period_end: Timestamp::from_second(END).expect("valid"),
        as_of: Timestamp::from_second(END).expect("valid"),
        clock,
        default_response_limit: SignedDuration::from_mins(15),
        response_limits_by_priority: BTreeMap::new(),
        ..AggregationOptions::default()
    }
}

fn calendar() -> Clock {
    let mut working_hours = Vec::new();
    for day in ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"] {
        for (start, end) in [("09:00", "12:00"), ("13:00", "18:00")] {
            working_hours.push(WorkingHoursSpec {
                weekday: day.to_string(),
                start: start.to_string(),
                end: end.to_string(),
            });
        }
    }
    let spec = CalendarSpec {
        time_zone: "Asia/Shanghai".to_string(),
        working_hours,
        holidays: vec!["2026-10-01".to_string(), "2026-10-02".to_string()],
        date_overrides: vec![],
    };
    Clock::Business(Calendar::new(&spec).expect("valid calendar"))
}

/// Deterministic records spread over the period: most answered within
/// minutes to hours, a third resolved, some complaints and complex ones.
fn records() -> Vec<TicketRecord> {
    let span = END - START;
    (0..RECORDS)
        .map(|i| {
            let n = i as i64;
            let created = START + (n * 7919) % (span - 86_400 * 3);
            let response = created + 60 + (n * 131) % 7200;
            let resolved = (i.is_multiple_of(3)).then(|| created + 600 + (n * 977) % 172_800);
            TicketRecord {
                ticket_id: format!("T-{i:08}"),
                employee_id: format!("e{:04}", i % EMPLOYEES),
                created: Timestamp::from_second(created).ok(),
                first_response: (!i.is_multiple_of(10))
                    .then(|| Timestamp::from_second(response).ok())
                    .flatten(),
                resolved: resolved.and_then(|t| Timestamp::from_second(t).ok()),
                priority: String::new(),
                complaint: i.is_multiple_of(7),
                complex: i.is_multiple_of(5),
                cross_department: i.is_multiple_of(4),
                resolved_on_first_contact: i.is_multiple_of(6),
                ..TicketRecord::default()
            }
        })
        .collect()
}

/// Version-2 options: the same period, a response and a resolution limit
/// for priority P2 (every record has it).
fn options_v2(clock: Clock) -> AggregationOptions {
    AggregationOptions {
        metrics_version: MetricsVersion::V2,
        response_limits_by_priority: BTreeMap::from([(
            "P2".to_string(),
            SignedDuration::from_mins(60),
        )]),
        resolution_limits_by_priority: BTreeMap::from([(
            "P2".to_string(),
            SignedDuration::from_mins(480),
        )]),
        ..options(clock)
    }
}

/// The records above with priority P2; with `history`, each carries five
/// changes: PENDING at the response, OPEN, ON_HOLD, OPEN, and SOLVED at
/// its resolution (unresolved ones end ON_HOLD … OPEN), minutes to hours
/// apart.
fn records_v2(history: bool) -> Vec<TicketRecord> {
    records()
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.priority = "P2".to_string();
            if history && let Some(created) = r.created {
                let n = i as i64;
                let at = |minutes: i64| created + SignedDuration::from_mins(minutes);
                let first = 5 + n % 90;
                let mut changes = vec![
                    StatusChange {
                        at: at(first),
                        status: Status::Pending,
                    },
                    StatusChange {
                        at: at(first + 60 + n % 240),
                        status: Status::Open,
                    },
                    StatusChange {
                        at: at(first + 400),
                        status: Status::OnHold,
                    },
                    StatusChange {
                        at: at(first + 460),
                        status: Status::Open,
                    },
                ];
                let last = at(first + 500 + n % 600);
                changes.push(StatusChange {
                    at: last,
                    status: if r.resolved.is_some() {
                        Status::Solved
                    } else {
                        Status::Pending
                    },
                });
                r.resolved = r.resolved.map(|_| last);
                r.status_history = changes;
            }
            r
        })
        .collect()
}

fn push_all(mut aggregator: Aggregator, records: Vec<TicketRecord>) -> Aggregator {
    for (i, r) in records.into_iter().enumerate() {
        aggregator.push(i as u64, r);
    }
    aggregator
}

/// Version 2, records without history against records with a five-change
/// history, on both clocks, in one run.
fn aggregation_v2(c: &mut Criterion) {
    let plain = records_v2(false);
    let with_history = records_v2(true);
    let check = push_all(
        Aggregator::new(options_v2(calendar())),
        with_history.clone(),
    )
    .finish();
    assert_eq!(check.rejected_count, 0, "{:?}", check.rejections.first());
    let mut group = c.benchmark_group("tickets_v2");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(20);
    for (name, clock) in [
        ("wall_clock", Clock::Wall),
        ("business_calendar", calendar()),
    ] {
        for (kind, records) in [("no_history", &plain), ("five_changes", &with_history)] {
            group.bench_function(format!("push/{name}/{kind}"), |b| {
                b.iter_batched(
                    || (Aggregator::new(options_v2(clock.clone())), records.clone()),
                    |(aggregator, records)| push_all(aggregator, records),
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

fn aggregation(c: &mut Criterion) {
    let records = records();
    let mut group = c.benchmark_group("tickets");
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.sample_size(20);
    for (name, clock) in [
        ("wall_clock", Clock::Wall),
        ("business_calendar", calendar()),
    ] {
        group.bench_function(format!("push/{name}"), |b| {
            b.iter_batched(
                || (Aggregator::new(options(clock.clone())), records.clone()),
                |(mut aggregator, records)| {
                    for (i, r) in records.into_iter().enumerate() {
                        aggregator.push(i as u64, r);
                    }
                    aggregator
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("push_and_finish/{name}"), |b| {
            b.iter_batched(
                || (Aggregator::new(options(clock.clone())), records.clone()),
                |(mut aggregator, records)| {
                    for (i, r) in records.into_iter().enumerate() {
                        aggregator.push(i as u64, r);
                    }
                    aggregator.finish()
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, aggregation, aggregation_v2);
criterion_main!(benches);

//! Ticket record streams through the push path: options (with or without
//! a business calendar) through `api::tickets::options`, records through
//! `api::tickets::record` into the `Aggregator`, then the answer. Two input
//! modes: length-delimited protobuf PushResponseTimesRequest messages
//! (first byte odd), or records built from the bytes (first byte even),
//! which reach the calendar and the time arithmetic far more often.
//! Nothing may panic, and no record is lost: accepted + rejected = pushed.
#![no_main]

use jiff_free::*;
use libfuzzer_sys::fuzz_target;
use prost::Message;
use prost_types::Timestamp;
use scorecard::api::{pb, tickets};
use scorecard_core::tickets::Aggregator;

mod jiff_free {
    /// 2026-07-01T00:00:00Z, the start of the generated periods.
    pub const BASE: i64 = 1_782_864_000;
    pub const ZONES: [&str; 5] = [
        "Asia/Shanghai",
        "UTC",
        "America/New_York",
        "Europe/London",
        "Not/AZone",
    ];
    pub const HOURS: [(&str, &str); 6] = [
        ("09:00", "12:00"),
        ("13:00", "18:00"),
        ("00:00", "24:00"),
        ("08:30", "08:31"),
        ("18:00", "09:00"),
        ("25:00", "26:00"),
    ];
}

/// Reads bytes one at a time, zeros when they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

fn ts(seconds: i64, nanos: i32) -> Option<Timestamp> {
    Some(Timestamp { seconds, nanos })
}

/// A time near the period, or (rarely) anywhere at all.
fn time(b: &mut Bytes) -> Option<Timestamp> {
    match b.u8() % 8 {
        0 => None,
        1 => ts(i64::from(b.i32()) * 1_000_000, b.i32()),
        _ => ts(BASE + i64::from(b.i32() % 10_000_000), 0),
    }
}

fn options(b: &mut Bytes) -> pb::PushOptions {
    let start = BASE + i64::from(b.u8()) * 3600 - 128 * 3600;
    let length = i64::from(b.u8() % 100) * 86_400 + i64::from(b.u8());
    let flags = b.u8();
    let calendar = (flags & 1 == 1).then(|| pb::BusinessCalendar {
        time_zone: ZONES[usize::from(b.u8()) % ZONES.len()].to_string(),
        working_hours: (0..b.u8() % 8)
            .map(|_| {
                let (start_time, end_time) = HOURS[usize::from(b.u8()) % HOURS.len()];
                pb::WorkingHours {
                    weekday: i32::from(b.u8() % 9),
                    start_time: start_time.into(),
                    end_time: end_time.into(),
                }
            })
            .collect(),
        holidays: (0..b.u8() % 4)
            .map(|_| format!("2026-{:02}-{:02}", 7 + b.u8() % 6, b.u8() % 32))
            .collect(),
        ..Default::default()
    });
    pb::PushOptions {
        period_start_time: ts(start, 0),
        period_end_time: (flags & 2 == 0).then_some(Timestamp {
            seconds: start + length,
            nanos: 0,
        }),
        as_of_time: (flags & 4 == 4).then(|| Timestamp {
            seconds: start + length + i64::from(b.i32() % 1_000_000),
            nanos: 0,
        }),
        calendar,
        response_limits: (0..b.u8() % 3)
            .map(|i| pb::PriorityLimit {
                priority: format!("P{i}"),
                limit_minutes: f64::from(b.i32()) / 1000.0,
            })
            .collect(),
        rubric_ref: None,
        period_label: "2026-Q3".into(),
        ..Default::default()
    }
}

fn record(b: &mut Bytes) -> pb::TicketRecord {
    let flags = b.u8();
    pb::TicketRecord {
        ticket_id: if flags & 0x80 == 0 {
            format!("t{}", b.u8())
        } else {
            String::new()
        },
        employee_id: format!("e{}", b.u8() % 4),
        created_time: time(b),
        first_response_time: time(b),
        resolved_time: time(b),
        priority: format!("P{}", b.u8() % 4),
        complaint: flags & 1 != 0,
        complex: flags & 2 != 0,
        cross_department: flags & 4 != 0,
        resolved_on_first_contact: flags & 8 != 0,
        ..Default::default()
    }
}

fn run(options: &pb::PushOptions, batches: Vec<Vec<pb::TicketRecord>>) {
    let limit = jiff::SignedDuration::from_mins(15);
    let Ok(aggregation) = tickets::options(options, limit) else {
        return;
    };
    let mut aggregator = Aggregator::new(aggregation);
    let mut index = 0u64;
    for batch in batches {
        for r in batch {
            match tickets::record(r) {
                Ok(r) => aggregator.push(index, r),
                Err((id, reason)) => aggregator.reject(index, id, reason),
            }
            index += 1;
        }
    }
    let report = aggregator.finish();
    assert_eq!(
        report.accepted_count + report.rejected_count,
        index,
        "a record was lost"
    );
    assert!(report.outside_period_count <= report.accepted_count);
    let counted: u64 = report.employees.iter().map(|e| e.ticket_count).sum();
    assert_eq!(counted, report.accepted_count - report.outside_period_count);
    for e in &report.employees {
        for (_, v) in &e.metrics {
            assert!(!v.is_sign_negative(), "a negative metric: {e:?}");
        }
    }
    let _ = tickets::response(&report, &options.period_label);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 1 {
        // Protobuf frames: the first carries the options, the rest batches.
        let mut buf = rest;
        let mut options = None;
        let mut batches = Vec::new();
        while !buf.is_empty() && batches.len() < 64 {
            let Ok(m) = pb::PushResponseTimesRequest::decode_length_delimited(&mut buf) else {
                break;
            };
            match m.payload {
                Some(pb::push_response_times_request::Payload::Options(o)) if options.is_none() => {
                    options = Some(o)
                }
                Some(pb::push_response_times_request::Payload::Batch(b)) => batches.push(b.records),
                _ => {}
            }
        }
        if let Some(o) = options {
            run(&o, batches);
        }
    } else {
        let mut b = Bytes(rest);
        let o = options(&mut b);
        let mut records = Vec::new();
        while !b.done() && records.len() < 2_000 {
            records.push(record(&mut b));
        }
        run(&o, vec![records]);
    }
});

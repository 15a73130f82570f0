//! proto ⇄ domain for ticket pushes.

use super::pb;
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;
use scorecard_core::decimal::{self, fixed, plain};
use scorecard_core::tickets::reject::MAX_TICKET_SPAN;
use scorecard_core::tickets::{
    AggregationOptions, Calendar, CalendarSpec, Clock, FIRST_RESPONSE_SLA_RATE, RejectReason,
    TicketRecord, TicketReport, TimeField, WorkingHoursSpec,
};
use scorecard_core::{MAX_ID_BYTES, Violation};
use std::collections::BTreeMap;

/// The first-response limit when a rubric carries none (docs/scoring.md
/// section 2).
const DEFAULT_LIMIT_MINUTES: i64 = 15;

/// The first second a timestamp may be: 0001-01-01T00:00:00Z, where
/// google.protobuf.Timestamp's range starts.
pub const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
/// The first second past the range: 9999-01-01T00:00:00Z. Years 1 to 9998
/// are taken; the last year protobuf allows is left out, as the time
/// library cannot hold all of it (its last day falls outside).
pub const END_TIMESTAMP_SECONDS: i64 = 253_370_764_800;

/// A proto timestamp as an instant, or the reason it is not one.
fn timestamp(t: &prost_types::Timestamp) -> Result<Timestamp, String> {
    // google.protobuf.Timestamp: nanos are always 0..=999,999,999.
    if !(0..=999_999_999).contains(&t.nanos) {
        return Err(format!("nanos {} is outside 0..=999999999", t.nanos));
    }
    if !(MIN_TIMESTAMP_SECONDS..END_TIMESTAMP_SECONDS).contains(&t.seconds) {
        return Err(format!(
            "seconds {} is outside the supported range, 0001-01-01T00:00:00Z \
             ({MIN_TIMESTAMP_SECONDS}) up to 9999-01-01T00:00:00Z ({END_TIMESTAMP_SECONDS}) exclusive",
            t.seconds
        ));
    }
    Timestamp::new(t.seconds, t.nanos).map_err(|_| {
        format!(
            "seconds {} nanos {} is not a time the service can hold",
            t.seconds, t.nanos
        )
    })
}

/// A response limit in minutes as a duration kept to the millisecond
/// (truncated), or why it cannot be one, with the value as sent: it must be
/// at least a millisecond and at most 366 days, the longest a ticket may
/// span.
pub fn response_limit(minutes: Decimal) -> Result<SignedDuration, String> {
    let max_minutes = Decimal::from(MAX_TICKET_SPAN.as_mins());
    if minutes <= Decimal::ZERO {
        return Err(format!("{} must be greater than 0", plain(minutes)));
    }
    if minutes > max_minutes {
        return Err(format!(
            "{} minutes is more than 366 days ({max_minutes} minutes)",
            plain(minutes)
        ));
    }
    let millis = (minutes * Decimal::from(60_000)).trunc();
    match i64::try_from(millis) {
        Ok(ms) if ms >= 1 => Ok(SignedDuration::from_millis(ms)),
        _ => Err(format!(
            "{} minutes is less than a millisecond; limits are kept to the millisecond",
            plain(minutes)
        )),
    }
}

/// The first-response limit of the rubric a push uses (`minutes` is its
/// `first_response_sla_rate` indicator's `response_limit_minutes`; none: 15
/// minutes). A limit no push can use is a violation at
/// `options.rubric_ref`, the field that chose the rubric.
pub fn rubric_limit(
    minutes: Option<Decimal>,
    rubric_id: &str,
    rubric_version: u32,
) -> Result<SignedDuration, Violation> {
    let Some(minutes) = minutes else {
        return Ok(SignedDuration::from_mins(DEFAULT_LIMIT_MINUTES));
    };
    response_limit(minutes).map_err(|reason| {
        Violation::new(
            "options.rubric_ref",
            format!(
                "rubric {rubric_id} version {rubric_version}: indicator \
                 {FIRST_RESPONSE_SLA_RATE}.response_limit_minutes: {reason}"
            ),
        )
    })
}

/// Checks and converts the first message's options. `rubric_limit` is the
/// first-response limit of the rubric the options name.
pub fn options(
    o: &pb::PushOptions,
    rubric_limit: SignedDuration,
) -> Result<AggregationOptions, Vec<Violation>> {
    let mut v = Vec::new();
    let required = |v: &mut Vec<Violation>,
                    name: &str,
                    t: &Option<prost_types::Timestamp>|
     -> Option<Timestamp> {
        match t {
            None => {
                v.push(Violation::new(format!("options.{name}"), "is required"));
                None
            }
            Some(t) => timestamp(t)
                .map_err(|r| v.push(Violation::new(format!("options.{name}"), r)))
                .ok(),
        }
    };
    if o.period_label.len() > MAX_ID_BYTES {
        v.push(Violation::too_long("options.period_label", &o.period_label));
    }
    let start = required(&mut v, "period_start_time", &o.period_start_time);
    let end = required(&mut v, "period_end_time", &o.period_end_time);
    let as_of = match &o.as_of_time {
        None => end,
        Some(t) => timestamp(t)
            .map_err(|r| v.push(Violation::new("options.as_of_time", r)))
            .ok(),
    };
    let clock = match &o.calendar {
        None => Some(Clock::Wall),
        Some(c) => {
            let spec = CalendarSpec {
                time_zone: c.time_zone.clone(),
                working_hours: c
                    .working_hours
                    .iter()
                    .map(|w| WorkingHoursSpec {
                        weekday: pb::Weekday::try_from(w.weekday)
                            .map(|d| d.as_str_name().trim_start_matches("WEEKDAY_").to_string())
                            .unwrap_or_else(|_| w.weekday.to_string()),
                        start: w.start_time.clone(),
                        end: w.end_time.clone(),
                    })
                    .collect(),
                holidays: c.holidays.clone(),
                date_overrides: Vec::new(),
            };
            match Calendar::new(&spec) {
                Ok(cal) => Some(Clock::Business(cal)),
                Err(errors) => {
                    v.extend(errors.into_iter().map(|e| {
                        Violation::new(format!("options.calendar.{}", e.field), e.reason)
                    }));
                    None
                }
            }
        }
    };
    let mut limits = BTreeMap::new();
    for (i, l) in o.response_limits.iter().enumerate() {
        let field = format!("options.response_limits[{i}]");
        if l.priority.is_empty() {
            v.push(Violation::new(
                format!("{field}.priority"),
                "is required: tickets without a priority use the rubric's limit",
            ));
            continue;
        }
        if l.priority.len() > MAX_ID_BYTES {
            v.push(Violation::too_long(
                format!("{field}.priority"),
                &l.priority,
            ));
            continue;
        }
        let duration = match decimal::from_f64(l.limit_minutes).and_then(response_limit) {
            Ok(d) => d,
            Err(reason) => {
                v.push(Violation::new(format!("{field}.limit_minutes"), reason));
                continue;
            }
        };
        if limits.insert(l.priority.clone(), duration).is_some() {
            v.push(Violation::new(
                format!("{field}.priority"),
                format!("\"{}\" is given twice", l.priority),
            ));
        }
    }
    let (Some(period_start), Some(period_end), Some(as_of), Some(clock)) =
        (start, end, as_of, clock)
    else {
        return Err(v);
    };
    // The limits were checked above against the fields sent, with the same
    // bounds as `validate`, which can then only find fault with the times.
    let options = AggregationOptions {
        period_start,
        period_end,
        as_of,
        clock,
        default_response_limit: rubric_limit,
        response_limits_by_priority: limits,
        ..AggregationOptions::default()
    };
    if let Err(errors) = options.validate() {
        v.extend(
            errors
                .into_iter()
                .map(|e| Violation::new(format!("options.{}", e.field), e.reason)),
        );
    }
    if v.is_empty() { Ok(options) } else { Err(v) }
}

/// A proto ticket record in domain terms; an unreadable time gives the
/// record's rejection (its ticket id and the reason).
pub fn record(r: pb::TicketRecord) -> Result<TicketRecord, (String, RejectReason)> {
    let time = |field: TimeField,
                t: &Option<prost_types::Timestamp>|
     -> Result<Option<Timestamp>, RejectReason> {
        t.as_ref()
            .map(timestamp)
            .transpose()
            .map_err(|detail| RejectReason::Unreadable { field, detail })
    };
    let times = (|| {
        Ok((
            time(TimeField::Created, &r.created_time)?,
            time(TimeField::FirstResponse, &r.first_response_time)?,
            time(TimeField::Resolved, &r.resolved_time)?,
        ))
    })();
    let (created, first_response, resolved) = match times {
        Ok(t) => t,
        Err(reason) => return Err((r.ticket_id, reason)),
    };
    Ok(TicketRecord {
        created,
        first_response,
        resolved,
        ticket_id: r.ticket_id,
        employee_id: r.employee_id,
        priority: r.priority,
        complaint: r.complaint,
        complex: r.complex,
        cross_department: r.cross_department,
        resolved_on_first_contact: r.resolved_on_first_contact,
        ..TicketRecord::default()
    })
}

/// The answer to a push.
pub fn response(report: &TicketReport, period_label: &str) -> pb::PushResponseTimesResponse {
    let employees = report
        .employees
        .iter()
        .map(|e| {
            let mut provenance = BTreeMap::new();
            provenance.insert("ticket_count".to_string(), e.ticket_count.to_string());
            provenance.insert("responded_count".to_string(), e.responded_count.to_string());
            provenance.insert("breach_count".to_string(), e.breach_count.to_string());
            provenance.insert("pending_count".to_string(), e.pending_count.to_string());
            provenance.insert("complaint_count".to_string(), e.complaint_count.to_string());
            provenance.insert("resolved_count".to_string(), e.resolved_count.to_string());
            provenance.insert(
                "cross_department_count".to_string(),
                e.cross_department_count.to_string(),
            );
            provenance.insert(
                "resolved_complex_count".to_string(),
                e.resolved_complex_count.to_string(),
            );
            provenance.insert(
                "computed_by".to_string(),
                format!("scorecard {}", crate::VERSION),
            );
            pb::EmployeeTicketStats {
                employee_id: e.employee_id.clone(),
                submission: Some(pb::MetricSubmission {
                    source: "ticketing".to_string(),
                    employee_id: e.employee_id.clone(),
                    period: Some(pb::ReviewPeriod {
                        label: period_label.to_string(),
                        ..Default::default()
                    }),
                    values: e
                        .metrics
                        .iter()
                        .map(|(id, value)| (id.to_string(), decimal::to_f64(*value)))
                        .collect(),
                    provenance,
                }),
                absent_metrics: e
                    .absent
                    .iter()
                    .map(|a| pb::AbsentMetric {
                        indicator_id: a.indicator_id.to_string(),
                        reason: a.reason.clone(),
                    })
                    .collect(),
                ticket_count: e.ticket_count,
                responded_count: e.responded_count,
                breach_count: e.breach_count,
                pending_count: e.pending_count,
                first_response_minutes: e.first_response_minutes.as_ref().map(|p| {
                    pb::FirstResponseMinutes {
                        p50: fixed(p.p50, 2),
                        p90: fixed(p.p90, 2),
                        p99: fixed(p.p99, 2),
                        max: fixed(p.max, 2),
                    }
                }),
            }
        })
        .collect();
    let rejections = report
        .rejections
        .iter()
        .map(|r| pb::RecordRejection {
            record_index: r.index,
            ticket_id: r.ticket_id.clone(),
            reason: r.reason.to_string(),
        })
        .collect();
    pb::PushResponseTimesResponse {
        employees,
        accepted_record_count: report.accepted_count,
        rejected_record_count: report.rejected_count,
        outside_period_record_count: report.outside_period_count,
        rejections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_years_1_to_9998_are_refused_with_the_range() {
        let at = |seconds| prost_types::Timestamp { seconds, nanos: 0 };
        // The two ends, worked from the calendar: 719,162 days lie between
        // 0001-01-01 and 1970-01-01 (x 86,400 s = 62,135,596,800 s), and
        // 2,932,532 days between 1970-01-01 and 9999-01-01
        // (x 86,400 s = 253,370,764,800 s).
        assert_eq!(
            timestamp(&at(-62_135_596_800)).unwrap().to_string(),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            timestamp(&at(253_370_764_799)).unwrap().to_string(),
            "9998-12-31T23:59:59Z"
        );
        let refused = timestamp(&at(253_370_764_800)).unwrap_err();
        assert!(refused.contains("9999-01-01T00:00:00Z"), "{refused}");
        assert!(
            refused.starts_with("seconds 253370764800 is outside"),
            "{refused}"
        );
        assert!(timestamp(&at(-62_135_596_801)).is_err());
    }
}

//! proto ⇄ domain for ticket pushes.

use super::pb;
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;
use scorecard_core::decimal::{self, fixed, plain};
use scorecard_core::tickets::calendar::DateOverrideSpec;
use scorecard_core::tickets::calendar_name_problem;
use scorecard_core::tickets::reject::MAX_TICKET_SPAN;
use scorecard_core::tickets::timeline::{MAX_HISTORY_CHANGES, Status, StatusChange};
use scorecard_core::tickets::{
    AggregationOptions, BreachedTickets, Calendar, CalendarSpec, Clock, FIRST_RESPONSE_SLA_RATE,
    MetricsVersion, RESOLUTION_SLA_RATE, RejectReason, TicketRecord, TicketReport, TimeField,
    WorkingHoursSpec, priority_key,
};
use scorecard_core::{MAX_ID_BYTES, Violation};
use std::collections::BTreeMap;

/// The first-response limit when a rubric carries none (docs/scoring.md
/// section 2).
pub const DEFAULT_LIMIT_MINUTES: i64 = 15;

/// The first second a timestamp may be: 0001-01-01T00:00:00Z, where
/// google.protobuf.Timestamp's range starts.
pub const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
/// The first second past the range: 9999-01-01T00:00:00Z. Years 1 to 9998
/// are taken; the last year protobuf allows is left out, as the time
/// library cannot hold all of it (its last day falls outside).
pub const END_TIMESTAMP_SECONDS: i64 = 253_370_764_800;

/// Why a proto timestamp is not an instant the service can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("nanos {0} is outside 0..=999999999")]
    Nanos(i32),
    #[error(
        "seconds {0} is outside the supported range, 0001-01-01T00:00:00Z \
         ({MIN_TIMESTAMP_SECONDS}) up to 9999-01-01T00:00:00Z ({END_TIMESTAMP_SECONDS}) exclusive"
    )]
    Seconds(i64),
    #[error("seconds {seconds} nanos {nanos} is not a time the service can hold")]
    Unheld { seconds: i64, nanos: i32 },
}

/// A proto timestamp as an instant, or the reason it is not one.
fn timestamp(t: &prost_types::Timestamp) -> Result<Timestamp, TimestampError> {
    // google.protobuf.Timestamp: nanos are always 0..=999,999,999.
    if !(0..=999_999_999).contains(&t.nanos) {
        return Err(TimestampError::Nanos(t.nanos));
    }
    if !(MIN_TIMESTAMP_SECONDS..END_TIMESTAMP_SECONDS).contains(&t.seconds) {
        return Err(TimestampError::Seconds(t.seconds));
    }
    Timestamp::new(t.seconds, t.nanos).map_err(|_| TimestampError::Unheld {
        seconds: t.seconds,
        nanos: t.nanos,
    })
}

/// Why a response limit in minutes cannot be a duration, with the value
/// as sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("{} must be greater than 0", plain(*.0))]
    NotPositive(Decimal),
    #[error("{} minutes is more than 366 days ({max_minutes} minutes)", plain(*minutes))]
    TooLong {
        minutes: Decimal,
        max_minutes: Decimal,
    },
    #[error(
        "{} minutes is less than a millisecond; limits are kept to the millisecond",
        plain(*.0)
    )]
    UnderAMillisecond(Decimal),
    /// The double sent is no decimal number (why, as the decimal
    /// conversion says).
    #[error(transparent)]
    NotANumber(#[from] decimal::NumberError),
}

/// [`response_limit`] of a limit sent as a double.
fn limit_from_f64(minutes: f64) -> Result<SignedDuration, LimitError> {
    response_limit(decimal::from_f64(minutes)?)
}

/// A response limit in minutes as a duration kept to the millisecond
/// (truncated), or why it cannot be one, with the value as sent: it must be
/// at least a millisecond and at most 366 days, the longest a ticket may
/// span.
pub fn response_limit(minutes: Decimal) -> Result<SignedDuration, LimitError> {
    let max_minutes = Decimal::from(MAX_TICKET_SPAN.as_mins());
    if minutes <= Decimal::ZERO {
        return Err(LimitError::NotPositive(minutes));
    }
    if minutes > max_minutes {
        return Err(LimitError::TooLong {
            minutes,
            max_minutes,
        });
    }
    let millis = (minutes * Decimal::from(60_000)).trunc();
    match i64::try_from(millis) {
        Ok(ms) if ms >= 1 => Ok(SignedDuration::from_millis(ms)),
        _ => Err(LimitError::UnderAMillisecond(minutes)),
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

/// A calendar as the core reads it.
fn calendar_spec(c: &pb::BusinessCalendar) -> CalendarSpec {
    CalendarSpec {
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
        date_overrides: c
            .date_overrides
            .iter()
            .map(|d| DateOverrideSpec {
                date: d.date.clone(),
                intervals: d
                    .working_hours
                    .iter()
                    .map(|i| (i.start_time.clone(), i.end_time.clone()))
                    .collect(),
            })
            .collect(),
    }
}

/// A checked calendar, or its violations (pushed to `v`, under `field`).
fn calendar(c: &pb::BusinessCalendar, field: &str, v: &mut Vec<Violation>) -> Option<Calendar> {
    if c.name.len() > MAX_ID_BYTES {
        v.push(Violation::too_long(format!("{field}.name"), &c.name));
    }
    match Calendar::new(&calendar_spec(c)) {
        Ok(cal) => Some(cal),
        Err(errors) => {
            v.extend(
                errors
                    .into_iter()
                    .map(|e| Violation::new(format!("{field}.{}", e.field), e.reason)),
            );
            None
        }
    }
}

/// Limits per priority from `limits` (the field `options.{name}`), keyed
/// exactly (version 1) or by [`priority_key`] (version 2).
fn priority_limits(
    limits: &[pb::PriorityLimit],
    name: &str,
    version_2: bool,
    required: &str,
    v: &mut Vec<Violation>,
) -> BTreeMap<String, SignedDuration> {
    let mut out = BTreeMap::new();
    let mut sent: BTreeMap<String, &str> = BTreeMap::new();
    for (i, l) in limits.iter().enumerate() {
        let field = format!("options.{name}[{i}]");
        let key = if version_2 {
            priority_key(&l.priority)
        } else {
            l.priority.clone()
        };
        if key.is_empty() {
            v.push(Violation::new(format!("{field}.priority"), required));
            continue;
        }
        if l.priority.len() > MAX_ID_BYTES {
            v.push(Violation::too_long(
                format!("{field}.priority"),
                &l.priority,
            ));
            continue;
        }
        let duration = match limit_from_f64(l.limit_minutes) {
            Ok(d) => d,
            Err(reason) => {
                v.push(Violation::new(
                    format!("{field}.limit_minutes"),
                    reason.to_string(),
                ));
                continue;
            }
        };
        if out.insert(key.clone(), duration).is_some() {
            let first = sent.get(&key).copied().unwrap_or_default();
            let reason = if first == l.priority {
                format!("\"{}\" is given twice", l.priority)
            } else {
                format!(
                    "\"{}\" is \"{first}\" given twice (priorities are matched trimmed and \
                     case-insensitively)",
                    l.priority
                )
            };
            v.push(Violation::new(format!("{field}.priority"), reason));
        } else {
            sent.insert(key, &l.priority);
        }
    }
    out
}

/// The version-2 options of a push, checked.
#[derive(Debug, Clone, Default)]
pub struct Version2Options {
    /// Resolution limits by [`priority_key`].
    pub resolution_limits: BTreeMap<String, SignedDuration>,
    /// The resolution limit of priorities without their own.
    pub default_resolution_limit: Option<SignedDuration>,
    /// Reject records whose priority matches no limit.
    pub strict_priorities: bool,
    /// Named calendars: the default's name (if any) and `calendars`.
    pub calendars: BTreeMap<String, Calendar>,
}

/// The metrics version the options ask for (1 or 2), or its violation.
fn metrics_version(o: &pb::PushOptions, v: &mut Vec<Violation>) -> u32 {
    match o.metrics_version {
        0 | 1 => 1,
        2 => 2,
        other => {
            v.push(Violation::new(
                "options.metrics_version",
                format!("{other} is not a metrics version: 1 (or 0, the same) or 2"),
            ));
            2
        }
    }
}

/// Checks the options only version 2 takes. With version 1 each one given
/// is a violation (it would otherwise be ignored).
fn version_2_options(
    o: &pb::PushOptions,
    version: u32,
    default_calendar: Option<&Calendar>,
    v: &mut Vec<Violation>,
) -> Version2Options {
    let mut out = Version2Options::default();
    if version < 2 {
        let needs = |v: &mut Vec<Violation>, field: &str| {
            v.push(Violation::new(
                format!("options.{field}"),
                "needs metrics version 2 (options.metrics_version = 2)",
            ))
        };
        if !o.resolution_limits.is_empty() {
            needs(v, "resolution_limits");
        }
        if o.default_resolution_limit_minutes.is_some() {
            needs(v, "default_resolution_limit_minutes");
        }
        if o.strict_priorities {
            needs(v, "strict_priorities");
        }
        if !o.calendars.is_empty() {
            needs(v, "calendars");
        }
        return out;
    }
    out.resolution_limits = priority_limits(
        &o.resolution_limits,
        "resolution_limits",
        true,
        "is required: tickets without a priority use the default resolution limit",
        v,
    );
    if let Some(minutes) = o.default_resolution_limit_minutes {
        match limit_from_f64(minutes) {
            Ok(d) => out.default_resolution_limit = Some(d),
            Err(reason) => v.push(Violation::new(
                "options.default_resolution_limit_minutes",
                reason.to_string(),
            )),
        }
    }
    out.strict_priorities = o.strict_priorities;
    if let (Some(c), Some(cal)) = (&o.calendar, default_calendar)
        && !c.name.is_empty()
        && named(c, "options.calendar", v)
    {
        out.calendars.insert(c.name.clone(), cal.clone());
    }
    for (i, c) in o.calendars.iter().enumerate() {
        let field = format!("options.calendars[{i}]");
        let checked = calendar(c, &field, v);
        if c.name.is_empty() {
            v.push(Violation::new(
                format!("{field}.name"),
                "is required: records select a calendar by its name",
            ));
            continue;
        }
        if !named(c, &field, v) {
            continue;
        }
        let taken = out.calendars.contains_key(&c.name)
            || o.calendars[..i].iter().any(|e| e.name == c.name);
        if taken {
            v.push(Violation::new(
                format!("{field}.name"),
                format!("\"{}\" is the name of an earlier calendar", c.name),
            ));
            continue;
        }
        if let Some(cal) = checked {
            out.calendars.insert(c.name.clone(), cal);
        }
    }
    out
}

/// Whether the calendar at `field` has a name records can select it by:
/// not blank, no whitespace at either end (reported at `{field}.name`),
/// and within its length (reported by [`calendar`]).
fn named(c: &pb::BusinessCalendar, field: &str, v: &mut Vec<Violation>) -> bool {
    if let Some(reason) = calendar_name_problem(&c.name) {
        v.push(Violation::new(format!("{field}.name"), reason));
        return false;
    }
    c.name.len() <= MAX_ID_BYTES
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
                .map_err(|r| v.push(Violation::new(format!("options.{name}"), r.to_string())))
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
            .map_err(|r| v.push(Violation::new("options.as_of_time", r.to_string())))
            .ok(),
    };
    let clock = match &o.calendar {
        None => Some(Clock::Wall),
        Some(c) => calendar(c, "options.calendar", &mut v).map(Clock::Business),
    };
    let version = metrics_version(o, &mut v);
    let limits = priority_limits(
        &o.response_limits,
        "response_limits",
        version == 2,
        "is required: tickets without a priority use the rubric's limit",
        &mut v,
    );
    let default_calendar = match &clock {
        Some(Clock::Business(cal)) => Some(cal),
        _ => None,
    };
    let version_2 = version_2_options(o, version, default_calendar, &mut v);
    let (Some(period_start), Some(period_end), Some(as_of)) = (start, end, as_of) else {
        return Err(v);
    };
    // A default calendar with violations of its own stands aside as wall
    // time, so that the times are still checked and listed beside them.
    let calendar_valid = clock.is_some();
    let clock = clock.unwrap_or(Clock::Wall);
    // The limits were checked above against the fields sent, with the same
    // bounds as `validate`, which can then only find fault with the times.
    let options = AggregationOptions {
        period_start,
        period_end,
        as_of,
        clock,
        default_response_limit: rubric_limit,
        response_limits_by_priority: limits,
        metrics_version: if version == 2 {
            MetricsVersion::V2
        } else {
            MetricsVersion::V1
        },
        resolution_limits_by_priority: version_2.resolution_limits,
        default_resolution_limit: version_2.default_resolution_limit,
        strict_priorities: version_2.strict_priorities,
        calendars: version_2.calendars,
    };
    if let Err(errors) = options.validate() {
        v.extend(
            errors
                .into_iter()
                .map(|e| Violation::new(format!("options.{}", e.field), e.reason)),
        );
    }
    if v.is_empty() && calendar_valid {
        Ok(options)
    } else {
        Err(v)
    }
}

/// A record's status history in domain terms, or the reason it rejects
/// the record: too long, an unreadable time, an unknown status.
pub fn status_history(changes: &[pb::StatusChange]) -> Result<Vec<StatusChange>, RejectReason> {
    if changes.len() > MAX_HISTORY_CHANGES {
        return Err(RejectReason::HistoryTooLong { len: changes.len() });
    }
    changes
        .iter()
        .enumerate()
        .map(|(position, c)| {
            let status = match pb::TicketStatus::try_from(c.status) {
                Ok(pb::TicketStatus::Open) => Status::Open,
                Ok(pb::TicketStatus::Pending) => Status::Pending,
                Ok(pb::TicketStatus::OnHold) => Status::OnHold,
                Ok(pb::TicketStatus::Solved) => Status::Solved,
                Ok(pb::TicketStatus::Unspecified) => {
                    return Err(RejectReason::UnknownStatus {
                        position,
                        value: pb::TicketStatus::Unspecified.as_str_name().to_string(),
                    });
                }
                Err(_) => {
                    return Err(RejectReason::UnknownStatus {
                        position,
                        value: c.status.to_string(),
                    });
                }
            };
            let field = TimeField::StatusChange(position);
            let at = match &c.change_time {
                None => {
                    return Err(RejectReason::Unreadable {
                        field,
                        detail: "missing".to_string(),
                    });
                }
                Some(t) => timestamp(t).map_err(|e| RejectReason::Unreadable {
                    field,
                    detail: e.to_string(),
                })?,
            };
            Ok(StatusChange { at, status })
        })
        .collect()
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
            .map_err(|e| RejectReason::Unreadable {
                field,
                detail: e.to_string(),
            })
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
    // Under version 1 the aggregator rejects a record with either of
    // these (RequiresVersion2) rather than counting it without them.
    let status_history = match status_history(&r.status_history) {
        Ok(h) => h,
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
        status_history,
        calendar: r.calendar_name,
    })
}

/// The answer to a push, for a rubric without the version-2 indicators.
pub fn response(report: &TicketReport, period_label: &str) -> pb::PushResponseTimesResponse {
    response_for(report, period_label, false, |_| false)
}

/// The breached tickets of one SLA metric.
fn sla_breaches(indicator_id: &str, b: &BreachedTickets) -> pb::SlaBreaches {
    pb::SlaBreaches {
        indicator_id: indicator_id.to_string(),
        ticket_ids: b.ticket_ids.clone(),
        breached_count: b.count,
    }
}

/// The answer to a push. The submission carries the ticket metrics
/// `rubric_has` (those the push's rubric has indicators for: the five
/// version-1 ones on the built-in rubric), so that it passes into
/// ScoreReview as it is; under version 2 every rate is in `rates` anyway.
/// The version-2 figures are left out of a version-1 answer, which stays
/// the answer version 1 always gave, byte for byte.
pub fn response_for(
    report: &TicketReport,
    period_label: &str,
    version_2: bool,
    rubric_has: impl Fn(&str) -> bool,
) -> pb::PushResponseTimesResponse {
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
                        .filter(|(id, _)| rubric_has(id))
                        .map(|(id, value)| (id.to_string(), decimal::to_f64(*value)))
                        .collect(),
                    provenance,
                }),
                absent_metrics: e
                    .absent
                    .iter()
                    .map(|a| pb::AbsentMetric {
                        indicator_id: a.indicator_id.to_string(),
                        reason: a.reason.to_string(),
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
                rates: e
                    .rates
                    .iter()
                    .filter(|_| version_2)
                    .map(|r| pb::TicketRate {
                        indicator_id: r.indicator_id.to_string(),
                        numerator_count: r.numerator,
                        denominator_count: r.denominator,
                        value_percent: e
                            .metrics
                            .iter()
                            .find(|(id, _)| *id == r.indicator_id)
                            .map(|(_, value)| plain(*value))
                            .unwrap_or_default(),
                    })
                    .collect(),
                sla_breaches: if version_2 {
                    vec![
                        sla_breaches(FIRST_RESPONSE_SLA_RATE, &e.first_response_breaches),
                        sla_breaches(RESOLUTION_SLA_RATE, &e.resolution_breaches),
                    ]
                } else {
                    Vec::new()
                },
                solved_without_response_count: if version_2 {
                    e.solved_without_response_count
                } else {
                    0
                },
                first_contact_flag_overridden_count: if version_2 {
                    e.first_contact_flag_overridden_count
                } else {
                    0
                },
                reopened_count: if version_2 { e.reopened_count } else { 0 },
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
        created_after_as_of_record_count: report.created_after_as_of_count,
        unmatched_priorities: report
            .unmatched_priorities
            .values
            .iter()
            .filter(|_| version_2)
            .map(|p| pb::UnmatchedPriority {
                priority: p.priority.clone(),
                record_count: p.count,
            })
            .collect(),
        unmatched_priority_record_count: if version_2 {
            report.unmatched_priorities.ticket_count
        } else {
            0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Option<prost_types::Timestamp> {
        Some(prost_types::Timestamp { seconds, nanos: 0 })
    }

    /// July 2026 (2026-07-01T00:00:00Z is 1,782,864,000 s), version 2.
    fn v2_options() -> pb::PushOptions {
        pb::PushOptions {
            period_start_time: at(1_782_864_000),
            period_end_time: at(1_782_864_000 + 31 * 86_400),
            metrics_version: 2,
            ..Default::default()
        }
    }

    fn fields(o: &pb::PushOptions) -> Vec<(String, String)> {
        match options(o, SignedDuration::from_mins(15)) {
            Ok(_) => Vec::new(),
            Err(v) => v.into_iter().map(|v| (v.field, v.reason)).collect(),
        }
    }

    fn shanghai(name: &str) -> pb::BusinessCalendar {
        pb::BusinessCalendar {
            name: name.to_string(),
            time_zone: "Asia/Shanghai".into(),
            working_hours: vec![pb::WorkingHours {
                weekday: pb::Weekday::Monday as i32,
                start_time: "09:00".into(),
                end_time: "18:00".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn the_same_override_date_twice_is_a_violation_at_the_second() {
        let mut o = v2_options();
        let mut cal = shanghai("");
        cal.holidays = vec!["2026-10-01".into()];
        cal.date_overrides = vec![
            pb::DateOverride {
                date: "2026-10-10".into(),
                working_hours: vec![pb::WorkingInterval {
                    start_time: "09:00".into(),
                    end_time: "12:00".into(),
                }],
            },
            pb::DateOverride {
                date: "2026-10-10".into(),
                working_hours: vec![],
            },
            pb::DateOverride {
                date: "2026-10-01".into(),
                working_hours: vec![],
            },
        ];
        o.calendars = vec![cal.clone()];
        o.calendars[0].name = "cn".into();
        o.calendar = Some(cal);
        let got: Vec<String> = fields(&o).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            got,
            [
                "options.calendar.date_overrides[1].date",
                "options.calendar.date_overrides[2].date",
                "options.calendars[0].date_overrides[1].date",
                "options.calendars[0].date_overrides[2].date",
            ]
        );
    }

    /// A name records cannot select is refused at its calendar's index,
    /// once: blank, spaced or too long, on a named calendar or the default.
    #[test]
    fn a_calendar_name_is_refused_at_its_index_once() {
        let mut o = v2_options();
        o.calendar = Some(shanghai(" cn"));
        o.calendars = vec![
            shanghai("a"),
            shanghai("   "),
            shanghai(&"x".repeat(300)),
            shanghai(" B "),
        ];
        let got = fields(&o);
        let paths: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            paths,
            [
                "options.calendar.name",
                "options.calendars[1].name",
                "options.calendars[2].name",
                "options.calendars[3].name",
            ]
        );
        assert_eq!(
            got[0].1,
            "a calendar name must not start or end with whitespace"
        );
        assert!(got[1].1.starts_with("a calendar name must not be blank"));
        assert!(got[2].1.contains("at most"), "{}", got[2].1);
        assert_eq!(
            got[3].1,
            "a calendar name must not start or end with whitespace"
        );
    }

    /// The default calendar's violations do not hide the times': an as_of
    /// before the period is listed beside an unknown time zone.
    #[test]
    fn a_bad_default_calendar_and_a_bad_as_of_are_listed_together() {
        let mut o = v2_options();
        let mut cal = shanghai("");
        cal.time_zone = "Mars/Olympus_Mons".into();
        o.calendar = Some(cal);
        o.as_of_time = at(1_782_864_000 - 86_400);
        let got: Vec<String> = fields(&o).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["options.calendar.time_zone", "options.as_of_time"]);
    }

    #[test]
    fn named_calendars_need_a_unique_name_and_version_2() {
        let mut o = v2_options();
        o.calendar = Some(shanghai("cn"));
        o.calendars = vec![shanghai(""), shanghai("cn"), shanghai("de"), shanghai("de")];
        let got = fields(&o);
        assert_eq!(
            got,
            [
                (
                    "options.calendars[0].name".to_string(),
                    "is required: records select a calendar by its name".to_string()
                ),
                (
                    "options.calendars[1].name".to_string(),
                    "\"cn\" is the name of an earlier calendar".to_string()
                ),
                (
                    "options.calendars[3].name".to_string(),
                    "\"de\" is the name of an earlier calendar".to_string()
                ),
            ]
        );
        o.calendars = vec![shanghai("de")];
        assert_eq!(fields(&o), []);
        o.metrics_version = 0;
        o.strict_priorities = true;
        assert_eq!(
            fields(&o).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["options.strict_priorities", "options.calendars"]
        );
        o.metrics_version = 3;
        assert_eq!(fields(&o)[0].0, "options.metrics_version");
    }

    #[test]
    fn version_2_limits_match_priorities_trimmed_and_case_insensitively() {
        let limit = |p: &str, m: f64| pb::PriorityLimit {
            priority: p.into(),
            limit_minutes: m,
        };
        let mut o = v2_options();
        o.response_limits = vec![limit("P1", 10.0), limit(" p1 ", 20.0), limit("  ", 5.0)];
        o.resolution_limits = vec![limit("P2", 480.0), limit("P2", 400.0), limit("P3", 0.0)];
        o.default_resolution_limit_minutes = Some(-1.0);
        let got = fields(&o);
        let want = [
            (
                "options.response_limits[1].priority",
                "\" p1 \" is \"P1\" given twice (priorities are matched trimmed and \
                 case-insensitively)",
            ),
            (
                "options.response_limits[2].priority",
                "is required: tickets without a priority use the rubric's limit",
            ),
            (
                "options.resolution_limits[1].priority",
                "\"P2\" is given twice",
            ),
            (
                "options.resolution_limits[2].limit_minutes",
                "0 must be greater than 0",
            ),
            (
                "options.default_resolution_limit_minutes",
                "-1 must be greater than 0",
            ),
        ]
        .map(|(f, r)| (f.to_string(), r.to_string()));
        assert_eq!(got, want);
        // Version 1 compares exactly: "P1" and " p1 " are two priorities.
        o.metrics_version = 1;
        o.resolution_limits.clear();
        o.default_resolution_limit_minutes = None;
        o.response_limits.truncate(2);
        assert_eq!(fields(&o), []);
    }

    #[test]
    fn a_bad_history_is_the_reason_of_its_record() {
        let change = |seconds, status: i32| pb::StatusChange {
            change_time: at(seconds),
            status,
        };
        let ok = status_history(&[
            change(1_782_864_000, pb::TicketStatus::Pending as i32),
            change(1_782_864_060, pb::TicketStatus::Solved as i32),
        ])
        .expect("a history");
        assert_eq!(
            ok.iter().map(|c| c.status).collect::<Vec<_>>(),
            [Status::Pending, Status::Solved]
        );
        assert_eq!(
            status_history(&[change(1_782_864_000, 0)]).map(|_| ()),
            Err(RejectReason::UnknownStatus {
                position: 0,
                value: "TICKET_STATUS_UNSPECIFIED".into()
            })
        );
        let reason =
            status_history(&[change(1_782_864_000, 1), change(1_782_864_000, 9)]).unwrap_err();
        assert_eq!(
            reason.to_string(),
            "status_history[1] has unknown status \"9\": expected OPEN, PENDING, ON_HOLD or SOLVED"
        );
        let reason = status_history(&[pb::StatusChange {
            change_time: None,
            status: 1,
        }])
        .unwrap_err();
        assert_eq!(
            reason.to_string(),
            "status_history[0] time is not a readable time: missing"
        );
        let long = vec![change(1_782_864_000, 1); MAX_HISTORY_CHANGES + 1];
        assert_eq!(
            status_history(&long).map(|_| ()),
            Err(RejectReason::HistoryTooLong {
                len: MAX_HISTORY_CHANGES + 1
            })
        );
        assert!(status_history(&long[1..]).is_ok());
    }

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
        let refused = timestamp(&at(253_370_764_800)).unwrap_err().to_string();
        assert!(refused.contains("9999-01-01T00:00:00Z"), "{refused}");
        assert!(
            refused.starts_with("seconds 253370764800 is outside"),
            "{refused}"
        );
        assert!(timestamp(&at(-62_135_596_801)).is_err());
    }
}

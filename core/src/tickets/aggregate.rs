//! Streaming aggregation of ticket records into per-employee metrics.
//!
//! Memory grows with the number of employees and distinct ticket ids, never
//! with the bytes streamed: per employee only counters and one integer per
//! responded ticket (its first-response milliseconds, kept for exact
//! percentiles), plus 72 bits of a hash per accepted ticket id (see
//! `seen.rs`).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use super::decimal::ratio;
use super::reject::{
    IdField, MAX_TICKET_SPAN, RejectReason, Rejection, TimeField, echoed_ticket_id, is_sane_time,
};
use super::seen::SeenIds;
use super::{
    COMPLAINT_RESOLUTION_RATE, COMPLEX_ISSUE_AVG_HANDLE_MINUTES, CROSS_DEPARTMENT_RESOLUTION_RATE,
    Clock, FIRST_CONTACT_RESOLUTION_RATE, FIRST_RESPONSE_SLA_RATE,
};
use crate::Violation;

/// How many rejections a report lists in full; later ones are only counted.
pub const MAX_LISTED_REJECTIONS: usize = 100;

/// Decimal places of every metric value.
const METRIC_DP: u32 = 4;
/// Decimal places of first-response percentiles.
const PERCENTILE_DP: u32 = 2;
const MS_PER_MINUTE: i128 = 60_000;

/// One ticket as streamed by the ticketing system.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketRecord {
    /// Unique across the stream. Ids are compared without leading and
    /// trailing whitespace (`" T-1 "` is `"T-1"`); blank is missing.
    pub ticket_id: String,
    /// The person whose review the ticket counts toward; without leading
    /// and trailing whitespace, as for `ticket_id`.
    pub employee_id: String,
    /// Creation time (required).
    pub created: Option<Timestamp>,
    /// First response time, if answered.
    pub first_response: Option<Timestamp>,
    /// Resolution time, if resolved.
    pub resolved: Option<Timestamp>,
    /// Priority, matched exactly against the per-priority limits; `""` = none.
    pub priority: String,
    /// A customer complaint.
    pub complaint: bool,
    /// A complex issue.
    pub complex: bool,
    /// Needed another department.
    pub cross_department: bool,
    /// Resolved during the first contact.
    pub resolved_on_first_contact: bool,
}

/// What to aggregate and how.
#[derive(Debug, Clone)]
pub struct AggregationOptions {
    /// Tickets created at or after this instant count…
    pub period_start: Timestamp,
    /// …and before this one (exclusive).
    pub period_end: Timestamp,
    /// The moment the report describes: responses and resolutions after it
    /// have not happened yet, and pending/breached is judged at it.
    pub as_of: Timestamp,
    /// Wall time or business time.
    pub clock: Clock,
    /// First-response limit for priorities without their own (the rubric's
    /// 15 minutes).
    pub default_response_limit: SignedDuration,
    /// First-response limit per priority, keyed by the exact priority text.
    pub response_limits_by_priority: BTreeMap<String, SignedDuration>,
}

impl AggregationOptions {
    /// Checks the options; field paths are relative to the options
    /// (`period_start_time`, `period_end_time`, `as_of_time`,
    /// `default_response_limit`, `response_limits_by_priority["P1"]`), for
    /// the caller to prefix (e.g. with `options.`). The last two are this
    /// struct's names, not a request's: a caller converting a request
    /// checks the limits itself, against the fields and values it was sent.
    ///
    /// Times must lie in the same sane range as ticket times, the period must
    /// be non-empty, `as_of` must not be before the period start, and limits
    /// must be positive and at most 366 days.
    pub fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut violations = Vec::new();
        for (field, t) in [
            ("period_start_time", self.period_start),
            ("period_end_time", self.period_end),
            ("as_of_time", self.as_of),
        ] {
            if !is_sane_time(t) {
                violations.push(Violation::new(
                    field,
                    format!(
                        "{t} is outside the accepted range 2000-01-01T00:00:00Z to \
                         2100-01-01T00:00:00Z"
                    ),
                ));
            }
        }
        if self.period_end <= self.period_start {
            violations.push(Violation::new(
                "period_end_time",
                format!(
                    "period end {} must be after period start {}",
                    self.period_end, self.period_start
                ),
            ));
        }
        // Before the period starts none of its tickets exist yet: every
        // ticket would be counted as pending, never breached. Checked only
        // for a valid period: an as_of left out is the period's end, and a
        // period ending before it starts is already reported.
        if self.as_of < self.period_start
            && self.period_start < self.period_end
            && is_sane_time(self.as_of)
            && is_sane_time(self.period_start)
        {
            violations.push(Violation::new(
                "as_of_time",
                format!(
                    "as_of {} is before period start {}: it must be at or after the start",
                    self.as_of, self.period_start
                ),
            ));
        }
        if let Some(reason) = limit_problem(self.default_response_limit) {
            violations.push(Violation::new("default_response_limit", reason));
        }
        for (priority, limit) in &self.response_limits_by_priority {
            let field = format!("response_limits_by_priority[{priority:?}]");
            if priority.is_empty() {
                violations.push(Violation::new(
                    field.clone(),
                    "priority must not be empty: tickets without a priority use the default limit",
                ));
            }
            if let Some(reason) = limit_problem(*limit) {
                violations.push(Violation::new(field, reason));
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }

    fn response_limit(&self, priority: &str) -> SignedDuration {
        self.response_limits_by_priority
            .get(priority)
            .copied()
            .unwrap_or(self.default_response_limit)
    }
}

fn limit_problem(limit: SignedDuration) -> Option<String> {
    if limit <= SignedDuration::ZERO {
        Some(format!("response limit must be positive, got {limit:#}"))
    } else if limit > MAX_TICKET_SPAN {
        Some(format!(
            "response limit must be at most 366 days, got {limit:#}"
        ))
    } else {
        None
    }
}

/// An indicator that could not be computed for an employee, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsentMetric {
    /// The indicator id.
    pub indicator_id: &'static str,
    /// Human reason, e.g. "no complaint tickets in the period".
    pub reason: String,
}

/// First-response time distribution in minutes, nearest rank (the value at
/// 1-based rank `ceil(p/100 × n)`), rounded half away from zero to 2 places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Percentiles {
    /// Median.
    pub p50: Decimal,
    /// 90th percentile.
    pub p90: Decimal,
    /// 99th percentile.
    pub p99: Decimal,
    /// Largest.
    pub max: Decimal,
}

/// Metrics and counts of one employee's tickets created in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeTicketStats {
    /// The employee.
    pub employee_id: String,
    /// Indicator id → value (4 places), in [`super::INDICATOR_IDS`] order,
    /// only those with a non-empty denominator.
    pub metrics: Vec<(&'static str, Decimal)>,
    /// The other indicators, same order, with the reason.
    pub absent: Vec<AbsentMetric>,
    /// Tickets created in the period.
    pub ticket_count: u64,
    /// Tickets with a first response at or before `as_of`.
    pub responded_count: u64,
    /// Tickets not answered within their limit: answered late, or still
    /// unanswered at `as_of` with more than the limit elapsed.
    pub breach_count: u64,
    /// Unanswered at `as_of` with the limit not yet exceeded: not eligible.
    pub pending_count: u64,
    /// Complaint tickets.
    pub complaint_count: u64,
    /// Complaint tickets resolved by `as_of`.
    pub resolved_complaint_count: u64,
    /// Tickets resolved by `as_of`.
    pub resolved_count: u64,
    /// Resolved tickets flagged resolved on first contact.
    pub resolved_first_contact_count: u64,
    /// Cross-department tickets.
    pub cross_department_count: u64,
    /// Cross-department tickets resolved by `as_of`.
    pub resolved_cross_department_count: u64,
    /// Complex tickets resolved by `as_of`.
    pub resolved_complex_count: u64,
    /// Over responded tickets; `None` if there are none.
    pub first_response_minutes: Option<Percentiles>,
}

/// The result of a whole stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketReport {
    /// Employees with at least one ticket created in the period, sorted by
    /// employee id (byte order).
    pub employees: Vec<EmployeeTicketStats>,
    /// Records that passed validation, inside the period or not.
    pub accepted_count: u64,
    /// Records rejected.
    pub rejected_count: u64,
    /// Accepted records created outside `[period_start, period_end)`: not
    /// in any metric.
    pub outside_period_count: u64,
    /// The first [`MAX_LISTED_REJECTIONS`] rejections, in stream order.
    pub rejections: Vec<Rejection>,
}

/// Running totals of one employee.
#[derive(Debug, Default)]
struct EmployeeTotals {
    ticket_count: u64,
    responded_count: u64,
    breach_count: u64,
    pending_count: u64,
    complaint_count: u64,
    resolved_complaint_count: u64,
    resolved_count: u64,
    resolved_first_contact_count: u64,
    cross_department_count: u64,
    resolved_cross_department_count: u64,
    resolved_complex_count: u64,
    /// Sum of handle milliseconds over resolved complex tickets.
    complex_handle_ms: i128,
    /// First-response milliseconds of each responded ticket.
    response_ms: Vec<u64>,
}

/// Consumes a stream of records, one at a time, into a [`TicketReport`].
///
/// The options are used as given; call [`AggregationOptions::validate`]
/// first. Invalid options never panic, they only give meaningless numbers.
#[derive(Debug)]
pub struct Aggregator {
    options: AggregationOptions,
    /// Hashes of the accepted ticket ids.
    seen: SeenIds,
    employees: BTreeMap<String, EmployeeTotals>,
    accepted_count: u64,
    rejected_count: u64,
    outside_period_count: u64,
    rejections: Vec<Rejection>,
}

impl Aggregator {
    /// A new aggregator with nothing pushed.
    pub fn new(options: AggregationOptions) -> Self {
        Self {
            options,
            seen: SeenIds::new(),
            employees: BTreeMap::new(),
            accepted_count: 0,
            rejected_count: 0,
            outside_period_count: 0,
            rejections: Vec::new(),
        }
    }

    /// Adds one record; `index` is its 0-based position in the whole
    /// stream. A bad record is counted and (among the first 100) listed;
    /// it never stops the stream.
    pub fn push(&mut self, index: u64, record: TicketRecord) {
        match self.check(&record) {
            Ok(created) => {
                self.accepted_count += 1;
                if created < self.options.period_start || created >= self.options.period_end {
                    self.outside_period_count += 1;
                } else {
                    self.count(created, &record);
                }
            }
            Err(reason) => self.reject(index, record.ticket_id, reason),
        }
    }

    /// Counts a record rejected before it could be built (e.g. a time the
    /// transport could not read), listing it among the first 100 with its
    /// ticket id (an over-long one shortened, see [`echoed_ticket_id`]).
    pub fn reject(&mut self, index: u64, ticket_id: String, reason: RejectReason) {
        self.rejected_count += 1;
        if self.rejections.len() < MAX_LISTED_REJECTIONS {
            self.rejections.push(Rejection {
                index,
                ticket_id: echoed_ticket_id(ticket_id),
                reason,
            });
        }
    }

    /// Validates a record; on success claims its id and returns its
    /// creation time. The duplicate check comes last so that only accepted
    /// records claim an id: a corrected record can follow a rejected one.
    fn check(&mut self, r: &TicketRecord) -> Result<Timestamp, RejectReason> {
        for (field, id) in [
            (IdField::Ticket, &r.ticket_id),
            (IdField::Employee, &r.employee_id),
            (IdField::Priority, &r.priority),
        ] {
            if id.len() > crate::MAX_ID_BYTES {
                return Err(RejectReason::IdTooLong {
                    field,
                    bytes: id.len(),
                });
            }
        }
        if r.ticket_id.trim().is_empty() {
            return Err(RejectReason::MissingTicketId);
        }
        if r.employee_id.trim().is_empty() {
            return Err(RejectReason::MissingEmployeeId);
        }
        let created = r.created.ok_or(RejectReason::MissingCreatedTime)?;
        for (field, time) in [
            (TimeField::Created, Some(created)),
            (TimeField::FirstResponse, r.first_response),
            (TimeField::Resolved, r.resolved),
        ] {
            if let Some(time) = time
                && !is_sane_time(time)
            {
                return Err(RejectReason::TimeOutOfRange { field, time });
            }
        }
        if let Some(first_response) = r.first_response
            && first_response < created
        {
            return Err(RejectReason::ResponseBeforeCreation {
                created,
                first_response,
            });
        }
        if let Some(resolved) = r.resolved
            && resolved < created
        {
            return Err(RejectReason::ResolutionBeforeCreation { created, resolved });
        }
        for (field, time) in [
            (TimeField::FirstResponse, r.first_response),
            (TimeField::Resolved, r.resolved),
        ] {
            if let Some(time) = time {
                let span = time.duration_since(created);
                if span > MAX_TICKET_SPAN {
                    return Err(RejectReason::SpanTooLong { field, span });
                }
            }
        }
        if r.resolved_on_first_contact && r.resolved.is_none() {
            return Err(RejectReason::FirstContactWithoutResolution);
        }
        if !self.seen.insert(self.seen.key(r.ticket_id.trim())) {
            return Err(RejectReason::DuplicateTicketId);
        }
        Ok(created)
    }

    /// Adds an accepted in-period record to its employee's totals.
    fn count(&mut self, created: Timestamp, r: &TicketRecord) {
        let options = &self.options;
        let as_of = options.as_of;
        let clock = &options.clock;
        let limit = options.response_limit(&r.priority);
        // Evaluated as of `as_of`: what happens later has not happened yet.
        let responded = r.first_response.filter(|t| *t <= as_of);
        let resolved = r.resolved.filter(|t| *t <= as_of);

        let employee_id = r.employee_id.trim();
        let totals = match self.employees.get_mut(employee_id) {
            Some(totals) => totals,
            None => self.employees.entry(employee_id.to_owned()).or_default(),
        };
        totals.ticket_count += 1;
        match responded {
            Some(first_response) => {
                let elapsed = clock.elapsed(created, first_response);
                totals.responded_count += 1;
                totals.response_ms.push(non_negative_ms(elapsed));
                if elapsed > limit {
                    totals.breach_count += 1;
                }
            }
            None => {
                if clock.elapsed_exceeds(created, as_of, limit) {
                    totals.breach_count += 1;
                } else {
                    totals.pending_count += 1;
                }
            }
        }
        if resolved.is_some() {
            totals.resolved_count += 1;
            if r.resolved_on_first_contact {
                totals.resolved_first_contact_count += 1;
            }
        }
        if r.complaint {
            totals.complaint_count += 1;
            if resolved.is_some() {
                totals.resolved_complaint_count += 1;
            }
        }
        if r.cross_department {
            totals.cross_department_count += 1;
            if resolved.is_some() {
                totals.resolved_cross_department_count += 1;
            }
        }
        if r.complex
            && let Some(resolved) = resolved
        {
            totals.resolved_complex_count += 1;
            let handle = clock.elapsed(created, resolved);
            totals.complex_handle_ms = totals
                .complex_handle_ms
                .saturating_add(i128::from(non_negative_ms(handle)));
        }
    }

    /// Computes every employee's metrics.
    pub fn finish(self) -> TicketReport {
        let employees = self
            .employees
            .into_iter()
            .map(|(employee_id, totals)| employee_stats(employee_id, totals))
            .collect();
        TicketReport {
            employees,
            accepted_count: self.accepted_count,
            rejected_count: self.rejected_count,
            outside_period_count: self.outside_period_count,
            rejections: self.rejections,
        }
    }
}

/// Whole milliseconds, truncated; negative (impossible for accepted records)
/// becomes zero.
fn non_negative_ms(d: SignedDuration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(0)
}

fn employee_stats(employee_id: String, mut t: EmployeeTotals) -> EmployeeTicketStats {
    let mut metrics = Vec::new();
    let mut absent = Vec::new();
    let mut put = |id: &'static str, value: Result<Decimal, String>| match value {
        Ok(v) => metrics.push((id, v)),
        Err(reason) => absent.push(AbsentMetric {
            indicator_id: id,
            reason,
        }),
    };

    let eligible = t.ticket_count.saturating_sub(t.pending_count);
    let within = eligible.saturating_sub(t.breach_count);
    put(
        FIRST_RESPONSE_SLA_RATE,
        if t.ticket_count == 0 {
            Err("no tickets created in the period".to_owned())
        } else if eligible == 0 {
            Err(format!(
                "all {} tickets are unanswered and still within the response limit at as_of",
                t.ticket_count
            ))
        } else {
            percent(within, eligible)
        },
    );
    put(
        COMPLAINT_RESOLUTION_RATE,
        if t.complaint_count == 0 {
            Err("no complaint tickets in the period".to_owned())
        } else {
            percent(t.resolved_complaint_count, t.complaint_count)
        },
    );
    put(
        FIRST_CONTACT_RESOLUTION_RATE,
        if t.resolved_count == 0 {
            Err("no tickets resolved by as_of".to_owned())
        } else {
            percent(t.resolved_first_contact_count, t.resolved_count)
        },
    );
    put(
        CROSS_DEPARTMENT_RESOLUTION_RATE,
        if t.cross_department_count == 0 {
            Err("no cross-department tickets in the period".to_owned())
        } else {
            percent(t.resolved_cross_department_count, t.cross_department_count)
        },
    );
    put(
        COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
        if t.resolved_complex_count == 0 {
            Err("no complex tickets resolved by as_of".to_owned())
        } else {
            ratio(
                t.complex_handle_ms,
                i128::from(t.resolved_complex_count) * MS_PER_MINUTE,
                METRIC_DP,
            )
            .ok_or_else(unrepresentable)
        },
    );

    t.response_ms.sort_unstable();
    let first_response_minutes = percentiles(&t.response_ms);

    EmployeeTicketStats {
        employee_id,
        metrics,
        absent,
        ticket_count: t.ticket_count,
        responded_count: t.responded_count,
        breach_count: t.breach_count,
        pending_count: t.pending_count,
        complaint_count: t.complaint_count,
        resolved_complaint_count: t.resolved_complaint_count,
        resolved_count: t.resolved_count,
        resolved_first_contact_count: t.resolved_first_contact_count,
        cross_department_count: t.cross_department_count,
        resolved_cross_department_count: t.resolved_cross_department_count,
        resolved_complex_count: t.resolved_complex_count,
        first_response_minutes,
    }
}

fn unrepresentable() -> String {
    "value too large to represent".to_owned()
}

/// `part / whole` as a percent, 4 places.
fn percent(part: u64, whole: u64) -> Result<Decimal, String> {
    ratio(i128::from(part) * 100, i128::from(whole), METRIC_DP).ok_or_else(unrepresentable)
}

/// Nearest-rank percentiles of sorted milliseconds, in minutes.
fn percentiles(sorted_ms: &[u64]) -> Option<Percentiles> {
    let minutes_at_percent = |p: usize| -> Option<Decimal> {
        let n = sorted_ms.len();
        // 1-based rank ceil(p × n / 100), at least 1.
        let rank = p.saturating_mul(n).div_ceil(100).max(1);
        let ms = *sorted_ms.get(rank - 1)?;
        ratio(i128::from(ms), MS_PER_MINUTE, PERCENTILE_DP)
    };
    Some(Percentiles {
        p50: minutes_at_percent(50)?,
        p90: minutes_at_percent(90)?,
        p99: minutes_at_percent(99)?,
        max: minutes_at_percent(100)?,
    })
}

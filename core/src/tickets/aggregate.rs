//! Streaming aggregation of ticket records into per-employee metrics.
//!
//! Memory grows with the number of employees and distinct ticket ids, never
//! with the bytes streamed: per employee only counters, a count per
//! distinct first-response time at the reported 0.01-minute resolution
//! (enough for exact percentiles), and the ids of at most
//! [`MAX_LISTED_BREACHES`] breached tickets per SLA metric; plus 72 bits of
//! a hash per accepted ticket id (see `seen.rs`).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

use super::decimal::ratio;
use super::reject::{
    IdField, LimitKind, MAX_TICKET_SPAN, RejectReason, Rejection, TimeField, echoed_ticket_id,
    is_sane_time,
};
use super::seen::SeenIds;
use super::timeline::{
    self, MAX_HISTORY_CHANGES, Status, StatusChange, StatusInterval, agent_work,
    first_response_clock, resolution_clock,
};
use super::{
    COMPLAINT_RESOLUTION_RATE, COMPLEX_ISSUE_AVG_HANDLE_MINUTES, CROSS_DEPARTMENT_RESOLUTION_RATE,
    Calendar, Clock, FIRST_CONTACT_RESOLUTION_RATE, FIRST_RESPONSE_SLA_RATE, REOPEN_RATE,
    RESOLUTION_SLA_RATE,
};
use crate::Violation;

/// How many rejections a report lists in full; later ones are only counted.
pub const MAX_LISTED_REJECTIONS: usize = 100;
/// How many breached ticket ids an SLA metric lists per employee, in stream
/// order; later ones are only counted.
pub const MAX_LISTED_BREACHES: usize = 100;
/// How many distinct unmatched priority values a report lists with their
/// counts, in order of first appearance; tickets with later values are
/// only counted.
pub const MAX_LISTED_PRIORITIES: usize = 20;

/// Decimal places of every metric value.
const METRIC_DP: u32 = 4;
/// Decimal places of first-response percentiles.
const PERCENTILE_DP: u32 = 2;
/// Handling times are summed to the nanosecond, as the records give them,
/// so a mean rounds from its exact value.
const NS_PER_MINUTE: i128 = 60_000_000_000;
/// Milliseconds in one unit of the percentiles' last place (0.01 minute).
const MS_PER_CENTIMINUTE: u64 = 600;

/// Which rules a push is aggregated by (docs/tickets.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MetricsVersion {
    /// The original ticket metrics, figure for figure: no status history,
    /// no calendar names, priorities matched exactly, a ticket created
    /// after `as_of` counted (as pending), an unanswered solved ticket
    /// judged by its age at `as_of`. Only the five original indicators are
    /// reported.
    #[default]
    V1,
    /// Status histories and the three clocks, the snapshot at `as_of`,
    /// solved-without-response, resolution SLA and reopen rate, priorities
    /// matched trimmed and case-insensitively, several named calendars.
    V2,
}

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
    /// Resolution time, if resolved. With a status history it is optional
    /// and, when given, must equal the history's last change to `SOLVED`.
    pub resolved: Option<Timestamp>,
    /// Priority, matched against the per-priority limits: exactly under
    /// [`MetricsVersion::V1`], trimmed and case-insensitively under
    /// [`MetricsVersion::V2`]; `""` = none.
    pub priority: String,
    /// A customer complaint.
    pub complaint: bool,
    /// A complex issue.
    pub complex: bool,
    /// Needed another department.
    pub cross_department: bool,
    /// Resolved during the first contact.
    pub resolved_on_first_contact: bool,
    /// Status changes in the order given (metrics version 2). They are
    /// applied in time order, changes at the same instant in the order
    /// given; empty: `OPEN` from creation to `resolved` (then `SOLVED`).
    /// At most [`MAX_HISTORY_CHANGES`].
    pub status_history: Vec<StatusChange>,
    /// The name of the calendar measuring this ticket, one of
    /// [`AggregationOptions::calendars`], compared trimmed; blank = the
    /// default [`AggregationOptions::clock`] (metrics version 2).
    pub calendar: String,
}

/// What to aggregate and how.
#[derive(Debug, Clone)]
pub struct AggregationOptions {
    /// Tickets created at or after this instant count…
    pub period_start: Timestamp,
    /// …and before this one (exclusive).
    pub period_end: Timestamp,
    /// The moment the report describes: responses, resolutions and status
    /// changes after it have not happened yet, and pending/breached is
    /// judged at it. Under version 2 a ticket created after it is only
    /// counted in [`TicketReport::created_after_as_of_count`].
    pub as_of: Timestamp,
    /// Wall time or business time of tickets that name no calendar.
    pub clock: Clock,
    /// First-response limit for priorities without their own (the rubric's
    /// 15 minutes).
    pub default_response_limit: SignedDuration,
    /// First-response limit per priority.
    pub response_limits_by_priority: BTreeMap<String, SignedDuration>,
    /// The rules; [`MetricsVersion::V1`] unless the push asks for more.
    pub metrics_version: MetricsVersion,
    /// Resolution limit per priority (version 2).
    pub resolution_limits_by_priority: BTreeMap<String, SignedDuration>,
    /// Resolution limit for priorities without their own; `None`: such a
    /// ticket has no resolution limit and is not in the resolution SLA
    /// (version 2).
    pub default_resolution_limit: Option<SignedDuration>,
    /// Reject a record whose priority is missing from a non-empty set of
    /// limits per priority, instead of giving it the default (version 2).
    pub strict_priorities: bool,
    /// Named calendars a record may select (version 2).
    pub calendars: BTreeMap<String, Calendar>,
}

impl Default for AggregationOptions {
    /// No period (`validate` refuses it), wall-clock time, the rubric's
    /// 15-minute response limit, version 1, no other limits or calendars:
    /// a base for struct update syntax.
    fn default() -> Self {
        Self {
            period_start: Timestamp::UNIX_EPOCH,
            period_end: Timestamp::UNIX_EPOCH,
            as_of: Timestamp::UNIX_EPOCH,
            clock: Clock::Wall,
            default_response_limit: SignedDuration::from_mins(15),
            response_limits_by_priority: BTreeMap::new(),
            metrics_version: MetricsVersion::V1,
            resolution_limits_by_priority: BTreeMap::new(),
            default_resolution_limit: None,
            strict_priorities: false,
            calendars: BTreeMap::new(),
        }
    }
}

/// Why `name` cannot name a calendar: it is blank, or starts or ends
/// with whitespace. (A name over [`crate::MAX_ID_BYTES`] is refused as too
/// long, apart.)
pub fn calendar_name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("a calendar name must not be blank: records without one use the default calendar")
    } else if name.trim() != name {
        Some("a calendar name must not start or end with whitespace")
    } else {
        None
    }
}

impl AggregationOptions {
    /// Checks the options; field paths are relative to the options
    /// (`period_start_time`, `period_end_time`, `as_of_time`,
    /// `default_response_limit`, `response_limits_by_priority["P1"]`,
    /// `default_resolution_limit`, `resolution_limits_by_priority["P1"]`,
    /// `strict_priorities`, `calendars["cn"]`), for the caller to prefix
    /// (e.g. with `options.`). The limit and calendar paths are this
    /// struct's names, not a request's: a caller converting a request
    /// checks those itself, against the fields and values it was sent.
    ///
    /// Times must lie in the same sane range as ticket times, the period must
    /// be non-empty, `as_of` must not be before the period start, and limits
    /// must be positive and at most 366 days. Under version 2 two priorities
    /// of one kind must differ once trimmed and compared case-insensitively;
    /// under version 1 the version-2 options must be left out.
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
        if let Some(reason) = limit_problem(LimitKind::Response, self.default_response_limit) {
            violations.push(Violation::new("default_response_limit", reason));
        }
        let fold = self.metrics_version == MetricsVersion::V2;
        check_limits(
            &mut violations,
            LimitKind::Response,
            "response_limits_by_priority",
            &self.response_limits_by_priority,
            fold,
        );
        if let Some(limit) = self.default_resolution_limit
            && let Some(reason) = limit_problem(LimitKind::Resolution, limit)
        {
            violations.push(Violation::new("default_resolution_limit", reason));
        }
        check_limits(
            &mut violations,
            LimitKind::Resolution,
            "resolution_limits_by_priority",
            &self.resolution_limits_by_priority,
            fold,
        );
        for name in self.calendars.keys() {
            let field = format!("calendars[{name:?}]");
            if let Some(reason) = calendar_name_problem(name) {
                violations.push(Violation::new(field, reason));
            } else if name.len() > crate::MAX_ID_BYTES {
                violations.push(Violation::too_long(field, name));
            }
        }
        if self.metrics_version == MetricsVersion::V1 {
            let needs_v2 = "needs ticket metrics version 2 (metrics_version)";
            if !self.resolution_limits_by_priority.is_empty() {
                violations.push(Violation::new("resolution_limits_by_priority", needs_v2));
            }
            if self.default_resolution_limit.is_some() {
                violations.push(Violation::new("default_resolution_limit", needs_v2));
            }
            if self.strict_priorities {
                violations.push(Violation::new("strict_priorities", needs_v2));
            }
            if !self.calendars.is_empty() {
                violations.push(Violation::new("calendars", needs_v2));
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }
}

fn check_limits(
    violations: &mut Vec<Violation>,
    kind: LimitKind,
    name: &str,
    limits: &BTreeMap<String, SignedDuration>,
    fold: bool,
) {
    let mut folded_seen: BTreeMap<String, &str> = BTreeMap::new();
    for (priority, limit) in limits {
        let field = format!("{name}[{priority:?}]");
        let blank = if fold {
            priority.trim().is_empty()
        } else {
            priority.is_empty()
        };
        if blank {
            violations.push(Violation::new(
                field.clone(),
                "priority must not be empty: tickets without a priority use the default limit",
            ));
        } else if fold {
            let mut key = String::new();
            fold_into(priority, &mut key);
            if let Some(first) = folded_seen.get(&key) {
                violations.push(Violation::new(
                    field.clone(),
                    format!(
                        "priority {priority:?} is the same as {first:?}: priorities are \
                         matched trimmed and case-insensitively"
                    ),
                ));
            } else {
                folded_seen.insert(key, priority);
            }
        }
        if let Some(reason) = limit_problem(kind, *limit) {
            violations.push(Violation::new(field, reason));
        }
    }
}

fn limit_problem(kind: LimitKind, limit: SignedDuration) -> Option<String> {
    if limit <= SignedDuration::ZERO {
        Some(format!("{kind} limit must be positive, got {limit:#}"))
    } else if limit > MAX_TICKET_SPAN {
        Some(format!(
            "{kind} limit must be at most 366 days, got {limit:#}"
        ))
    } else {
        None
    }
}

/// A priority as version 2 matches it: trimmed and lower-cased. The one
/// definition of that match; the wire layer keys its limits by it too.
pub fn priority_key(priority: &str) -> String {
    let mut key = String::new();
    fold_into(priority, &mut key);
    key
}

/// `text` trimmed and lower-cased into `out` (cleared first).
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    for c in text.trim().chars() {
        out.extend(c.to_lowercase());
    }
}

/// An indicator that could not be computed for an employee, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsentMetric {
    /// The indicator id.
    pub indicator_id: &'static str,
    /// Why; its text is the human reason, e.g. "no complaint tickets in
    /// the period".
    pub reason: AbsentReason,
}

/// Why an indicator could not be computed for an employee.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbsentReason {
    #[error("no tickets created in the period")]
    NoTickets,
    #[error("all {tickets} tickets are unanswered and still within the response limit at as_of")]
    AllPending { tickets: u64 },
    #[error(
        "all {tickets} tickets are unanswered and either still within the response limit \
         at as_of or solved within it ({solved} solved without response)"
    )]
    AllPendingOrSolvedWithoutResponse { tickets: u64, solved: u64 },
    #[error("no complaint tickets in the period")]
    NoComplaints,
    #[error("no tickets resolved by as_of")]
    NoneResolved,
    #[error("no cross-department tickets in the period")]
    NoCrossDepartment,
    #[error("no complex tickets resolved by as_of")]
    NoComplexResolved,
    #[error("no resolution limits given")]
    NoResolutionLimits,
    #[error("no ticket has a resolution limit for its priority")]
    NoResolutionLimitApplies,
    #[error(
        "all {tickets} tickets with a resolution limit are unsolved and still within it \
         at as_of"
    )]
    AllResolutionPending { tickets: u64 },
    #[error("value too large to represent")]
    Unrepresentable,
}

/// A rate's parts: the value is `numerator ÷ denominator` as a percent.
/// Listed for every rate indicator of the version, also when the
/// denominator is 0 (the rate is then absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateFraction {
    /// The indicator id.
    pub indicator_id: &'static str,
    /// Tickets counted as met, resolved, reopened, … (see the indicator).
    pub numerator: u64,
    /// Tickets the rate is over.
    pub denominator: u64,
}

/// The tickets that breached one SLA metric.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreachedTickets {
    /// The first [`MAX_LISTED_BREACHES`] ticket ids (trimmed), in stream
    /// order.
    pub ticket_ids: Vec<String>,
    /// All breaches, listed or not.
    pub count: u64,
}

impl BreachedTickets {
    fn add(&mut self, ticket_id: &str) {
        self.count += 1;
        if self.ticket_ids.len() < MAX_LISTED_BREACHES {
            self.ticket_ids.push(ticket_id.to_owned());
        }
    }
}

/// One priority value that matched no limit, and how many tickets had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityCount {
    /// The priority exactly as first seen (later ones may differ from it
    /// in case and surrounding spaces under version 2).
    pub priority: String,
    /// Tickets with it (compared as the version matches priorities).
    pub count: u64,
}

/// Tickets in the metrics whose priority matched no limit of a kind that
/// has limits per priority, and so got that kind's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnmatchedPriorities {
    /// The first [`MAX_LISTED_PRIORITIES`] values, in order of first
    /// appearance.
    pub values: Vec<PriorityCount>,
    /// All such tickets.
    pub ticket_count: u64,
    /// Those whose value is not listed.
    pub unlisted_ticket_count: u64,
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
    /// Indicator id → value (4 places), in [`super::INDICATOR_IDS`] order
    /// ([`super::INDICATOR_IDS_V2`] under version 2), only those with a
    /// non-empty denominator.
    pub metrics: Vec<(&'static str, Decimal)>,
    /// The other indicators, same order, with the reason.
    pub absent: Vec<AbsentMetric>,
    /// Numerator and denominator of every rate indicator, same order.
    pub rates: Vec<RateFraction>,
    /// Tickets created in the period (under version 2: and by `as_of`).
    pub ticket_count: u64,
    /// Tickets with a first response at or before `as_of`.
    pub responded_count: u64,
    /// Tickets not answered within their limit: answered late, unanswered
    /// and solved after the limit, or still unanswered at `as_of` with
    /// more than the limit elapsed.
    pub breach_count: u64,
    /// Unanswered at `as_of` with the limit not yet exceeded: not eligible.
    pub pending_count: u64,
    /// Unanswered, solved at `as_of`, first solved within the response
    /// limit: neither met nor breached, not eligible (version 2).
    pub solved_without_response_count: u64,
    /// The first-response breaches.
    pub first_response_breaches: BreachedTickets,
    /// Complaint tickets.
    pub complaint_count: u64,
    /// Complaint tickets resolved by `as_of`.
    pub resolved_complaint_count: u64,
    /// Tickets resolved (solved) at `as_of`.
    pub resolved_count: u64,
    /// Resolved tickets flagged resolved on first contact and never
    /// reopened.
    pub resolved_first_contact_count: u64,
    /// Resolved tickets flagged resolved on first contact but reopened:
    /// not counted as first-contact resolutions.
    pub first_contact_flag_overridden_count: u64,
    /// Resolved tickets reopened at least once by `as_of`.
    pub reopened_count: u64,
    /// Cross-department tickets.
    pub cross_department_count: u64,
    /// Cross-department tickets resolved by `as_of`.
    pub resolved_cross_department_count: u64,
    /// Complex tickets resolved by `as_of`.
    pub resolved_complex_count: u64,
    /// Sum of the handle minutes of resolved complex tickets (4 places):
    /// the numerator of the mean.
    pub complex_handle_minutes_sum: Decimal,
    /// Solved tickets whose resolution clock stayed within their limit.
    pub resolution_met_count: u64,
    /// Unsolved tickets with a resolution limit still within it at `as_of`:
    /// not eligible.
    pub resolution_pending_count: u64,
    /// The resolution breaches: solved past the limit, or unsolved with
    /// the clock past it at `as_of`.
    pub resolution_breaches: BreachedTickets,
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
    /// Accepted records created in the period but after `as_of`: not in
    /// any metric (version 2; always 0 under version 1).
    pub created_after_as_of_count: u64,
    /// Tickets in the metrics whose priority matched no limit.
    pub unmatched_priorities: UnmatchedPriorities,
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
    solved_without_response_count: u64,
    first_response_breaches: BreachedTickets,
    complaint_count: u64,
    resolved_complaint_count: u64,
    resolved_count: u64,
    resolved_first_contact_count: u64,
    first_contact_flag_overridden_count: u64,
    reopened_count: u64,
    cross_department_count: u64,
    resolved_cross_department_count: u64,
    resolved_complex_count: u64,
    /// Sum of handle nanoseconds over resolved complex tickets.
    complex_handle_ns: i128,
    resolution_met_count: u64,
    resolution_pending_count: u64,
    resolution_breaches: BreachedTickets,
    /// Responded tickets per first-response time in hundredths of a minute
    /// (rounded half up, as reported): nearest-rank percentiles over these
    /// counts equal those over the exact times, since rounding keeps order.
    response_centiminutes: BTreeMap<u64, u64>,
}

/// The limits that apply to one ticket.
#[derive(Debug, Clone, Copy)]
struct TicketLimits {
    response: SignedDuration,
    resolution: Option<SignedDuration>,
    /// The first kind (response, then resolution) with limits per priority
    /// among which the ticket's priority is missing.
    unmatched: Option<LimitKind>,
}

/// The limits per priority, keyed exactly (version 1) or folded.
#[derive(Debug)]
struct LimitTable {
    fold: bool,
    by_priority: BTreeMap<String, (Option<SignedDuration>, Option<SignedDuration>)>,
    has_response: bool,
    has_resolution: bool,
    default_response: SignedDuration,
    default_resolution: Option<SignedDuration>,
}

impl LimitTable {
    fn new(o: &AggregationOptions) -> Self {
        let fold = o.metrics_version == MetricsVersion::V2;
        let mut by_priority: BTreeMap<String, (Option<SignedDuration>, Option<SignedDuration>)> =
            BTreeMap::new();
        let mut key = String::new();
        let mut key_of = |p: &str| {
            if fold {
                fold_into(p, &mut key);
                key.clone()
            } else {
                p.to_owned()
            }
        };
        for (p, limit) in &o.response_limits_by_priority {
            by_priority.entry(key_of(p)).or_default().0 = Some(*limit);
        }
        for (p, limit) in &o.resolution_limits_by_priority {
            by_priority.entry(key_of(p)).or_default().1 = Some(*limit);
        }
        Self {
            fold,
            by_priority,
            has_response: !o.response_limits_by_priority.is_empty(),
            has_resolution: !o.resolution_limits_by_priority.is_empty(),
            default_response: o.default_response_limit,
            default_resolution: o.default_resolution_limit,
        }
    }

    /// The key a priority is matched and counted by, in `scratch`.
    fn key<'a>(&self, priority: &'a str, scratch: &'a mut String) -> &'a str {
        if self.fold {
            fold_into(priority, scratch);
            scratch
        } else {
            priority
        }
    }

    fn lookup(&self, priority: &str, scratch: &mut String) -> TicketLimits {
        if !self.has_response && !self.has_resolution {
            return TicketLimits {
                response: self.default_response,
                resolution: self.default_resolution,
                unmatched: None,
            };
        }
        let entry = self
            .by_priority
            .get(self.key(priority, scratch))
            .copied()
            .unwrap_or_default();
        let unmatched = if self.has_response && entry.0.is_none() {
            Some(LimitKind::Response)
        } else if self.has_resolution && entry.1.is_none() {
            Some(LimitKind::Resolution)
        } else {
            None
        };
        TicketLimits {
            response: entry.0.unwrap_or(self.default_response),
            resolution: entry.1.or(self.default_resolution),
            unmatched,
        }
    }
}

/// What the checks of an accepted record found.
struct Checked {
    created: Timestamp,
    /// Index into [`Aggregator::clocks`].
    clock: usize,
    limits: TicketLimits,
}

/// Reused buffers, so a record costs no allocation beyond its own.
#[derive(Debug, Default)]
struct Scratch {
    /// A history sorted into time order, or the one change of a record
    /// without history.
    changes: Vec<StatusChange>,
    intervals: Vec<StatusInterval>,
    key: String,
}

/// Consumes a stream of records, one at a time, into a [`TicketReport`].
///
/// The options are used as given; call [`AggregationOptions::validate`]
/// first. Invalid options never panic, they only give meaningless numbers.
#[derive(Debug)]
pub struct Aggregator {
    options: AggregationOptions,
    limits: LimitTable,
    /// The default clock, then one per named calendar.
    clocks: Vec<Clock>,
    /// Calendar name → index into `clocks`.
    calendar_index: BTreeMap<String, usize>,
    /// Hashes of the accepted ticket ids.
    seen: SeenIds,
    employees: BTreeMap<String, EmployeeTotals>,
    accepted_count: u64,
    rejected_count: u64,
    outside_period_count: u64,
    created_after_as_of_count: u64,
    unmatched: UnmatchedPriorities,
    /// The match key of each listed unmatched value.
    unmatched_keys: Vec<String>,
    rejections: Vec<Rejection>,
    scratch: Scratch,
}

impl Aggregator {
    /// A new aggregator with nothing pushed.
    pub fn new(options: AggregationOptions) -> Self {
        let mut clocks = vec![options.clock.clone()];
        let mut calendar_index = BTreeMap::new();
        for (name, calendar) in &options.calendars {
            calendar_index.insert(name.clone(), clocks.len());
            clocks.push(Clock::Business(calendar.clone()));
        }
        Self {
            limits: LimitTable::new(&options),
            options,
            clocks,
            calendar_index,
            seen: SeenIds::new(),
            employees: BTreeMap::new(),
            accepted_count: 0,
            rejected_count: 0,
            outside_period_count: 0,
            created_after_as_of_count: 0,
            unmatched: UnmatchedPriorities::default(),
            unmatched_keys: Vec::new(),
            rejections: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// Adds one record; `index` is its 0-based position in the whole
    /// stream. A bad record is counted and (among the first 100) listed;
    /// it never stops the stream.
    pub fn push(&mut self, index: u64, record: TicketRecord) {
        let mut scratch = std::mem::take(&mut self.scratch);
        match self.check(&record, &mut scratch) {
            Ok(checked) => {
                self.accepted_count += 1;
                if checked.created < self.options.period_start
                    || checked.created >= self.options.period_end
                {
                    self.outside_period_count += 1;
                } else {
                    self.count(&checked, &record, &mut scratch);
                }
            }
            Err(reason) => self.reject(index, record.ticket_id, reason),
        }
        self.scratch = scratch;
    }

    /// Counts a record rejected before it could be built (e.g. a time the
    /// transport could not read, or an unknown status), listing it among
    /// the first 100 with its ticket id (an over-long one shortened, see
    /// [`echoed_ticket_id`]).
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

    /// Validates a record; on success claims its id. Reasons are checked
    /// in [`RejectReason`]'s declaration order. The duplicate check comes
    /// last so that only accepted records claim an id: a corrected record
    /// can follow a rejected one. Leaves the record's changes in time order
    /// in `scratch.changes` (for a record without history: its resolution
    /// as one change to `SOLVED`, if any).
    fn check(&mut self, r: &TicketRecord, scratch: &mut Scratch) -> Result<Checked, RejectReason> {
        for (field, id) in [
            (IdField::Ticket, &r.ticket_id),
            (IdField::Employee, &r.employee_id),
            (IdField::Priority, &r.priority),
            (IdField::Calendar, &r.calendar),
        ] {
            if id.len() > crate::MAX_ID_BYTES {
                return Err(RejectReason::IdTooLong {
                    field,
                    bytes: id.len(),
                });
            }
        }
        let history = r.status_history.as_slice();
        let calendar = r.calendar.trim();
        if self.options.metrics_version == MetricsVersion::V1 {
            if !history.is_empty() {
                return Err(RejectReason::RequiresVersion2 {
                    field: "status_history",
                });
            }
            if !calendar.is_empty() {
                return Err(RejectReason::RequiresVersion2 { field: "calendar" });
            }
        }
        if history.len() > MAX_HISTORY_CHANGES {
            return Err(RejectReason::HistoryTooLong { len: history.len() });
        }
        if r.ticket_id.trim().is_empty() {
            return Err(RejectReason::MissingTicketId);
        }
        if r.employee_id.trim().is_empty() {
            return Err(RejectReason::MissingEmployeeId);
        }
        let created = r.created.ok_or(RejectReason::MissingCreatedTime)?;
        let changes = history
            .iter()
            .enumerate()
            .map(|(i, c)| (TimeField::StatusChange(i), c.at));
        let times = [
            (TimeField::Created, Some(created)),
            (TimeField::FirstResponse, r.first_response),
            (TimeField::Resolved, r.resolved),
        ];
        let all_times = times
            .into_iter()
            .filter_map(|(field, t)| t.map(|t| (field, t)))
            .chain(changes.clone());
        for (field, time) in all_times.clone() {
            if !is_sane_time(time) {
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
        if let Some((position, c)) = history.iter().enumerate().find(|(_, c)| c.at < created) {
            return Err(RejectReason::ChangeBeforeCreation {
                position,
                at: c.at,
                created,
            });
        }
        for (field, time) in all_times.skip(1) {
            let span = time.duration_since(created);
            if span > MAX_TICKET_SPAN {
                return Err(RejectReason::SpanTooLong { field, span });
            }
        }
        scratch.changes.clear();
        if history.is_empty() {
            if let Some(resolved) = r.resolved {
                scratch.changes.push(StatusChange {
                    at: resolved,
                    status: Status::Solved,
                });
            }
        } else {
            scratch.changes.extend_from_slice(history);
            timeline::put_in_time_order(&mut scratch.changes);
            let last_solved = timeline::last_change_to_solved(&scratch.changes);
            if let Some(resolved) = r.resolved
                && last_solved != Some(resolved)
            {
                return Err(RejectReason::ResolvedContradictsHistory {
                    resolved,
                    last_solved,
                });
            }
        }
        let clock = if calendar.is_empty() {
            0
        } else {
            *self
                .calendar_index
                .get(calendar)
                .ok_or_else(|| RejectReason::UnknownCalendar {
                    name: calendar.to_owned(),
                })?
        };
        let limits = self.limits.lookup(&r.priority, &mut scratch.key);
        if self.options.strict_priorities
            && let Some(kind) = limits.unmatched
        {
            return Err(RejectReason::UnmatchedPriority {
                priority: r.priority.clone(),
                kind,
            });
        }
        if !self.seen.insert(self.seen.key(r.ticket_id.trim())) {
            return Err(RejectReason::DuplicateTicketId);
        }
        Ok(Checked {
            created,
            clock,
            limits,
        })
    }

    /// Notes a counted ticket whose priority matched no limit.
    fn note_unmatched(&mut self, priority: &str, scratch: &mut Scratch) {
        self.unmatched.ticket_count += 1;
        let key = self.limits.key(priority, &mut scratch.key);
        if let Some(i) = self.unmatched_keys.iter().position(|k| k == key) {
            if let Some(v) = self.unmatched.values.get_mut(i) {
                v.count += 1;
            }
        } else if self.unmatched_keys.len() < MAX_LISTED_PRIORITIES {
            self.unmatched_keys.push(key.to_owned());
            // As sent, so that it can be looked up in the sender's data.
            self.unmatched.values.push(PriorityCount {
                priority: priority.to_owned(),
                count: 1,
            });
        } else {
            self.unmatched.unlisted_ticket_count += 1;
        }
    }

    /// Adds an accepted in-period record to its employee's totals.
    fn count(&mut self, checked: &Checked, r: &TicketRecord, scratch: &mut Scratch) {
        let v2 = self.options.metrics_version == MetricsVersion::V2;
        let as_of = self.options.as_of;
        let created = checked.created;
        if v2 && created > as_of {
            self.created_after_as_of_count += 1;
            return;
        }
        if checked.limits.unmatched.is_some() {
            self.note_unmatched(&r.priority, scratch);
        }
        let clock = self.clocks.get(checked.clock).unwrap_or(&Clock::Wall);
        let limits = checked.limits;
        let limit = limits.response;
        let snapshot =
            timeline::intervals(created, &scratch.changes, as_of, &mut scratch.intervals);
        let intervals = scratch.intervals.as_slice();
        let solved = snapshot.resolution.is_some();
        // Evaluated as of `as_of`: what happens later has not happened yet.
        let responded = r.first_response.filter(|t| *t <= as_of);
        let ticket_id = r.ticket_id.trim();

        let employee_id = r.employee_id.trim();
        let totals = match self.employees.get_mut(employee_id) {
            Some(totals) => totals,
            None => self.employees.entry(employee_id.to_owned()).or_default(),
        };
        totals.ticket_count += 1;
        match responded {
            Some(first_response) => {
                let elapsed = first_response_clock(clock, created, first_response, None);
                totals.responded_count += 1;
                let key = non_negative_ms(elapsed).saturating_add(MS_PER_CENTIMINUTE / 2)
                    / MS_PER_CENTIMINUTE;
                *totals.response_centiminutes.entry(key).or_default() += 1;
                if elapsed > limit {
                    totals.breach_count += 1;
                    totals.first_response_breaches.add(ticket_id);
                }
            }
            None => match snapshot.first_solved.filter(|_| v2 && solved) {
                Some(first_solved) => {
                    if first_response_clock(clock, created, first_solved, Some(limit)) > limit {
                        totals.breach_count += 1;
                        totals.first_response_breaches.add(ticket_id);
                    } else {
                        totals.solved_without_response_count += 1;
                    }
                }
                None => {
                    if first_response_clock(clock, created, as_of, Some(limit)) > limit {
                        totals.breach_count += 1;
                        totals.first_response_breaches.add(ticket_id);
                    } else {
                        totals.pending_count += 1;
                    }
                }
            },
        }
        if solved {
            totals.resolved_count += 1;
            if snapshot.reopened {
                totals.reopened_count += 1;
            }
            if r.resolved_on_first_contact {
                if snapshot.reopened {
                    totals.first_contact_flag_overridden_count += 1;
                } else {
                    totals.resolved_first_contact_count += 1;
                }
            }
        }
        if r.complaint {
            totals.complaint_count += 1;
            if solved {
                totals.resolved_complaint_count += 1;
            }
        }
        if r.cross_department {
            totals.cross_department_count += 1;
            if solved {
                totals.resolved_cross_department_count += 1;
            }
        }
        if r.complex && solved {
            totals.resolved_complex_count += 1;
            let handle = agent_work(clock, intervals, None);
            totals.complex_handle_ns = totals
                .complex_handle_ns
                .saturating_add(handle.as_nanos().max(0));
        }
        if v2 && let Some(limit) = limits.resolution {
            let elapsed = resolution_clock(clock, intervals, Some(limit));
            if elapsed > limit {
                totals.resolution_breaches.add(ticket_id);
            } else if solved {
                totals.resolution_met_count += 1;
            } else {
                totals.resolution_pending_count += 1;
            }
        }
    }

    /// Computes every employee's metrics.
    pub fn finish(self) -> TicketReport {
        let version = self.options.metrics_version;
        let resolution_limits = !self.options.resolution_limits_by_priority.is_empty()
            || self.options.default_resolution_limit.is_some();
        let employees = self
            .employees
            .into_iter()
            .map(|(employee_id, totals)| {
                employee_stats(employee_id, totals, version, resolution_limits)
            })
            .collect();
        TicketReport {
            employees,
            accepted_count: self.accepted_count,
            rejected_count: self.rejected_count,
            outside_period_count: self.outside_period_count,
            created_after_as_of_count: self.created_after_as_of_count,
            unmatched_priorities: self.unmatched,
            rejections: self.rejections,
        }
    }
}

/// Whole milliseconds, truncated; negative (impossible for accepted records)
/// becomes zero.
fn non_negative_ms(d: SignedDuration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(0)
}

fn employee_stats(
    employee_id: String,
    t: EmployeeTotals,
    version: MetricsVersion,
    resolution_limits: bool,
) -> EmployeeTicketStats {
    let v2 = version == MetricsVersion::V2;
    let mut metrics = Vec::new();
    let mut absent = Vec::new();
    let mut rates = Vec::new();
    let mut put = |id: &'static str, value: Result<Decimal, AbsentReason>| match value {
        Ok(v) => metrics.push((id, v)),
        Err(reason) => absent.push(AbsentMetric {
            indicator_id: id,
            reason,
        }),
    };
    let mut rate = |id: &'static str, numerator: u64, denominator: u64| {
        rates.push(RateFraction {
            indicator_id: id,
            numerator,
            denominator,
        });
    };

    let eligible = t
        .ticket_count
        .saturating_sub(t.pending_count)
        .saturating_sub(t.solved_without_response_count);
    let within = eligible.saturating_sub(t.breach_count);
    rate(FIRST_RESPONSE_SLA_RATE, within, eligible);
    put(
        FIRST_RESPONSE_SLA_RATE,
        if t.ticket_count == 0 {
            Err(AbsentReason::NoTickets)
        } else if eligible == 0 {
            if t.solved_without_response_count == 0 {
                Err(AbsentReason::AllPending {
                    tickets: t.ticket_count,
                })
            } else {
                Err(AbsentReason::AllPendingOrSolvedWithoutResponse {
                    tickets: t.ticket_count,
                    solved: t.solved_without_response_count,
                })
            }
        } else {
            percent(within, eligible)
        },
    );
    rate(
        COMPLAINT_RESOLUTION_RATE,
        t.resolved_complaint_count,
        t.complaint_count,
    );
    put(
        COMPLAINT_RESOLUTION_RATE,
        if t.complaint_count == 0 {
            Err(AbsentReason::NoComplaints)
        } else {
            percent(t.resolved_complaint_count, t.complaint_count)
        },
    );
    rate(
        FIRST_CONTACT_RESOLUTION_RATE,
        t.resolved_first_contact_count,
        t.resolved_count,
    );
    put(
        FIRST_CONTACT_RESOLUTION_RATE,
        if t.resolved_count == 0 {
            Err(AbsentReason::NoneResolved)
        } else {
            percent(t.resolved_first_contact_count, t.resolved_count)
        },
    );
    rate(
        CROSS_DEPARTMENT_RESOLUTION_RATE,
        t.resolved_cross_department_count,
        t.cross_department_count,
    );
    put(
        CROSS_DEPARTMENT_RESOLUTION_RATE,
        if t.cross_department_count == 0 {
            Err(AbsentReason::NoCrossDepartment)
        } else {
            percent(t.resolved_cross_department_count, t.cross_department_count)
        },
    );
    put(
        COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
        if t.resolved_complex_count == 0 {
            Err(AbsentReason::NoComplexResolved)
        } else {
            ratio(
                t.complex_handle_ns,
                i128::from(t.resolved_complex_count) * NS_PER_MINUTE,
                METRIC_DP,
            )
            .ok_or(AbsentReason::Unrepresentable)
        },
    );
    if v2 {
        let resolution_eligible = t.resolution_met_count + t.resolution_breaches.count;
        rate(
            RESOLUTION_SLA_RATE,
            t.resolution_met_count,
            resolution_eligible,
        );
        put(
            RESOLUTION_SLA_RATE,
            if !resolution_limits {
                Err(AbsentReason::NoResolutionLimits)
            } else if resolution_eligible == 0 && t.resolution_pending_count == 0 {
                Err(AbsentReason::NoResolutionLimitApplies)
            } else if resolution_eligible == 0 {
                Err(AbsentReason::AllResolutionPending {
                    tickets: t.resolution_pending_count,
                })
            } else {
                percent(t.resolution_met_count, resolution_eligible)
            },
        );
        rate(REOPEN_RATE, t.reopened_count, t.resolved_count);
        put(
            REOPEN_RATE,
            if t.resolved_count == 0 {
                Err(AbsentReason::NoneResolved)
            } else {
                percent(t.reopened_count, t.resolved_count)
            },
        );
    }

    let first_response_minutes = percentiles(&t.response_centiminutes, t.responded_count);
    let complex_handle_minutes_sum =
        ratio(t.complex_handle_ns, NS_PER_MINUTE, METRIC_DP).unwrap_or(Decimal::MAX);

    EmployeeTicketStats {
        employee_id,
        metrics,
        absent,
        rates,
        ticket_count: t.ticket_count,
        responded_count: t.responded_count,
        breach_count: t.breach_count,
        pending_count: t.pending_count,
        solved_without_response_count: t.solved_without_response_count,
        first_response_breaches: t.first_response_breaches,
        complaint_count: t.complaint_count,
        resolved_complaint_count: t.resolved_complaint_count,
        resolved_count: t.resolved_count,
        resolved_first_contact_count: t.resolved_first_contact_count,
        first_contact_flag_overridden_count: t.first_contact_flag_overridden_count,
        reopened_count: t.reopened_count,
        cross_department_count: t.cross_department_count,
        resolved_cross_department_count: t.resolved_cross_department_count,
        resolved_complex_count: t.resolved_complex_count,
        complex_handle_minutes_sum,
        resolution_met_count: t.resolution_met_count,
        resolution_pending_count: t.resolution_pending_count,
        resolution_breaches: t.resolution_breaches,
        first_response_minutes,
    }
}

/// `part / whole` as a percent, 4 places.
fn percent(part: u64, whole: u64) -> Result<Decimal, AbsentReason> {
    ratio(i128::from(part) * 100, i128::from(whole), METRIC_DP).ok_or(AbsentReason::Unrepresentable)
}

/// Nearest-rank percentiles of `n` counted first-response times (in
/// hundredths of a minute), in minutes.
fn percentiles(counts: &BTreeMap<u64, u64>, n: u64) -> Option<Percentiles> {
    if n == 0 {
        return None;
    }
    let minutes_at_percent = |p: u64| -> Option<Decimal> {
        // 1-based rank ceil(p × n / 100), at least 1.
        let rank = p.saturating_mul(n).div_ceil(100).max(1);
        let mut seen = 0u64;
        for (centiminutes, count) in counts {
            seen = seen.saturating_add(*count);
            if seen >= rank {
                return Decimal::try_from_i128_with_scale(i128::from(*centiminutes), PERCENTILE_DP)
                    .ok()
                    .map(|d| d.normalize());
            }
        }
        None
    };
    Some(Percentiles {
        p50: minutes_at_percent(50)?,
        p90: minutes_at_percent(90)?,
        p99: minutes_at_percent(99)?,
        max: minutes_at_percent(100)?,
    })
}

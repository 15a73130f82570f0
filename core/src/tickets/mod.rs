//! Ticket metrics (docs/tickets.md): a business-time calendar and a
//! streaming aggregation of ticket records into per-employee metric values.
//!
//! Pure and synchronous: no I/O, no async, no proto types.

pub mod aggregate;
pub mod calendar;
mod decimal;
pub mod reject;
mod seen;
pub mod timeline;

pub use aggregate::{
    AbsentMetric, AbsentReason, AggregationOptions, Aggregator, BreachedTickets,
    EmployeeTicketStats, MAX_LISTED_BREACHES, MAX_LISTED_PRIORITIES, MAX_LISTED_REJECTIONS,
    MetricsVersion, Percentiles, PriorityCount, RateFraction, TicketRecord, TicketReport,
    UnmatchedPriorities, calendar_name_problem, priority_key,
};
pub use calendar::{Calendar, CalendarSpec, Clock, DateOverrideSpec, WorkingHoursSpec};
pub use reject::{IdField, LimitKind, RejectReason, Rejection, TimeField};
pub use timeline::{MAX_HISTORY_CHANGES, Status, StatusChange};

/// Percent of eligible tickets first answered within the response limit.
pub const FIRST_RESPONSE_SLA_RATE: &str = "first_response_sla_rate";
/// Percent of complaint tickets resolved by `as_of`.
pub const COMPLAINT_RESOLUTION_RATE: &str = "complaint_resolution_rate";
/// Percent of resolved tickets that were resolved on first contact.
pub const FIRST_CONTACT_RESOLUTION_RATE: &str = "first_contact_resolution_rate";
/// Percent of cross-department tickets resolved by `as_of`.
pub const CROSS_DEPARTMENT_RESOLUTION_RATE: &str = "cross_department_resolution_rate";
/// Mean handle minutes over resolved complex tickets: creation to
/// resolution under version 1, agent work (time `OPEN`) under version 2.
pub const COMPLEX_ISSUE_AVG_HANDLE_MINUTES: &str = "complex_issue_avg_handle_minutes";
/// Percent of eligible tickets solved within their resolution limit
/// (version 2).
pub const RESOLUTION_SLA_RATE: &str = "resolution_sla_rate";
/// Percent of solved tickets reopened at least once (version 2).
pub const REOPEN_RATE: &str = "reopen_rate";

/// The indicator ids this module produces, in the order reports list them.
pub const INDICATOR_IDS: [&str; 5] = [
    FIRST_RESPONSE_SLA_RATE,
    COMPLAINT_RESOLUTION_RATE,
    FIRST_CONTACT_RESOLUTION_RATE,
    CROSS_DEPARTMENT_RESOLUTION_RATE,
    COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
];

/// The indicator ids under metrics version 2, in the order reports list
/// them: version 1's, then the two new ones.
pub const INDICATOR_IDS_V2: [&str; 7] = [
    FIRST_RESPONSE_SLA_RATE,
    COMPLAINT_RESOLUTION_RATE,
    FIRST_CONTACT_RESOLUTION_RATE,
    CROSS_DEPARTMENT_RESOLUTION_RATE,
    COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
    RESOLUTION_SLA_RATE,
    REOPEN_RATE,
];

#[cfg(test)]
mod aggregate_tests;
#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod timeline_tests;
#[cfg(test)]
mod v2_tests;

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
    AbsentMetric, AggregationOptions, Aggregator, EmployeeTicketStats, Percentiles, TicketRecord,
    TicketReport,
};
pub use calendar::{Calendar, CalendarSpec, Clock, WorkingHoursSpec};
pub use reject::{IdField, RejectReason, Rejection, TimeField};

/// Percent of eligible tickets first answered within the response limit.
pub const FIRST_RESPONSE_SLA_RATE: &str = "first_response_sla_rate";
/// Percent of complaint tickets resolved by `as_of`.
pub const COMPLAINT_RESOLUTION_RATE: &str = "complaint_resolution_rate";
/// Percent of resolved tickets that were resolved on first contact.
pub const FIRST_CONTACT_RESOLUTION_RATE: &str = "first_contact_resolution_rate";
/// Percent of cross-department tickets resolved by `as_of`.
pub const CROSS_DEPARTMENT_RESOLUTION_RATE: &str = "cross_department_resolution_rate";
/// Mean minutes from creation to resolution over resolved complex tickets.
pub const COMPLEX_ISSUE_AVG_HANDLE_MINUTES: &str = "complex_issue_avg_handle_minutes";

/// The indicator ids this module produces, in the order reports list them.
pub const INDICATOR_IDS: [&str; 5] = [
    FIRST_RESPONSE_SLA_RATE,
    COMPLAINT_RESOLUTION_RATE,
    FIRST_CONTACT_RESOLUTION_RATE,
    CROSS_DEPARTMENT_RESOLUTION_RATE,
    COMPLEX_ISSUE_AVG_HANDLE_MINUTES,
];

#[cfg(test)]
mod aggregate_tests;
#[cfg(test)]
mod calendar_tests;

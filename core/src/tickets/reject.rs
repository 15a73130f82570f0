//! Why a ticket record was rejected.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

/// Earliest instant a ticket time may have: 2000-01-01T00:00:00Z.
pub const EARLIEST_TIME: Timestamp = Timestamp::constant(946_684_800, 0);
/// First instant past the accepted range: 2100-01-01T00:00:00Z (exclusive).
pub const LATEST_TIME: Timestamp = Timestamp::constant(4_102_444_800, 0);
/// Longest accepted time from creation to first response or resolution:
/// 366 days. Also bounds the cost of business-time arithmetic per ticket.
pub const MAX_TICKET_SPAN: SignedDuration = SignedDuration::from_hours(366 * 24);

/// Whether `t` is inside `[EARLIEST_TIME, LATEST_TIME)`.
pub fn is_sane_time(t: Timestamp) -> bool {
    (EARLIEST_TIME..LATEST_TIME).contains(&t)
}

/// How much of an over-long ticket id a rejection echoes, in bytes (then
/// "…").
pub const ECHOED_ID_BYTES: usize = 64;

/// A ticket id as a rejection lists it: verbatim up to
/// [`MAX_ID_BYTES`](crate::MAX_ID_BYTES), else its first
/// [`ECHOED_ID_BYTES`] (cut at a character boundary) and "…".
pub fn echoed_ticket_id(id: String) -> String {
    if id.len() > crate::MAX_ID_BYTES {
        crate::clip(&id, ECHOED_ID_BYTES + '…'.len_utf8())
    } else {
        id
    }
}

/// One rejected record: its position in the stream, its ticket id as given
/// (possibly empty; an over-long one shortened) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 0-based position of the record in the whole stream.
    pub index: u64,
    /// The record's ticket id, as [`echoed_ticket_id`] gives it.
    pub ticket_id: String,
    /// Why it was rejected.
    pub reason: RejectReason,
}

/// Which id of a record a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdField {
    /// `ticket_id`.
    Ticket,
    /// `employee_id`.
    Employee,
    /// `priority`.
    Priority,
    /// `calendar`, the name of the calendar a record selects.
    Calendar,
}

impl fmt::Display for IdField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdField::Ticket => "ticket_id",
            IdField::Employee => "employee_id",
            IdField::Priority => "priority",
            IdField::Calendar => "calendar",
        })
    }
}

/// Which time of a record a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeField {
    /// The creation time.
    Created,
    /// The first response time.
    FirstResponse,
    /// The resolution time.
    Resolved,
    /// The time of the status history's change at this position.
    StatusChange(usize),
}

impl fmt::Display for TimeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeField::Created => "created time",
            TimeField::FirstResponse => "first response time",
            TimeField::Resolved => "resolved time",
            TimeField::StatusChange(i) => return write!(f, "status_history[{i}] time"),
        })
    }
}

/// Why a record was rejected. A record with several problems gets the first
/// in this order (the declaration order).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    /// A time could not be read at all (e.g. nanoseconds out of range).
    #[error("{field} is not a readable time: {detail}")]
    Unreadable { field: TimeField, detail: String },
    /// A status history change names no known status.
    #[error(
        "status_history[{position}] has unknown status {value:?}: expected OPEN, PENDING, ON_HOLD or SOLVED"
    )]
    UnknownStatus {
        /// Position of the change in the record's history.
        position: usize,
        /// The status as sent.
        value: String,
    },
    /// An id longer than [`MAX_ID_BYTES`](crate::MAX_ID_BYTES).
    #[error("{field} is {bytes} bytes long; at most {max}", max = crate::MAX_ID_BYTES)]
    IdTooLong {
        /// Which id.
        field: IdField,
        /// Its length in bytes.
        bytes: usize,
    },
    /// A status history or a calendar name on a record of a push under
    /// metrics version 1, whose figures stay those of docs/tickets.md
    /// ("Ticket metrics").
    #[error("{field} needs ticket metrics version 2 (options.metrics_version)")]
    RequiresVersion2 {
        /// The record field: `status_history` or `calendar`.
        field: &'static str,
    },
    /// More than [`MAX_HISTORY_CHANGES`](super::timeline::MAX_HISTORY_CHANGES) changes.
    #[error("status history has {len} changes; at most {max}", max = super::timeline::MAX_HISTORY_CHANGES)]
    HistoryTooLong {
        /// Its length.
        len: usize,
    },
    /// The ticket id is empty or blank.
    #[error("missing ticket id")]
    MissingTicketId,
    /// The employee id is empty or blank.
    #[error("missing employee id")]
    MissingEmployeeId,
    /// No creation time.
    #[error("missing created time")]
    MissingCreatedTime,
    /// A time before 2000-01-01 or from 2100-01-01 (UTC) on.
    #[error(
        "{field} {time} is outside the accepted range 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z"
    )]
    TimeOutOfRange {
        /// Which time.
        field: TimeField,
        /// Its value.
        time: Timestamp,
    },
    /// First response earlier than creation.
    #[error("first response time {first_response} is before created time {created}")]
    ResponseBeforeCreation {
        /// Creation time.
        created: Timestamp,
        /// First response time.
        first_response: Timestamp,
    },
    /// Resolution earlier than creation.
    #[error("resolved time {resolved} is before created time {created}")]
    ResolutionBeforeCreation {
        /// Creation time.
        created: Timestamp,
        /// Resolution time.
        resolved: Timestamp,
    },
    /// A status change earlier than creation.
    #[error("status_history[{position}] time {at} is before created time {created}")]
    ChangeBeforeCreation {
        /// Position of the change in the record's history.
        position: usize,
        /// Its time.
        at: Timestamp,
        /// Creation time.
        created: Timestamp,
    },
    /// More than [`MAX_TICKET_SPAN`] from creation to response or resolution.
    #[error("{field} is {} hours after creation, more than the 366-day maximum", span.as_hours())]
    SpanTooLong {
        /// Which time.
        field: TimeField,
        /// How long after creation it is.
        span: SignedDuration,
    },
    /// `resolved_time` given with a history whose last change to `SOLVED`
    /// is at another time, or that has none.
    #[error("{}", resolved_mismatch(*resolved, *last_solved))]
    ResolvedContradictsHistory {
        /// The record's resolved time.
        resolved: Timestamp,
        /// The history's last change to `SOLVED`, if any.
        last_solved: Option<Timestamp>,
    },
    /// The record names a calendar the push does not define.
    #[error("unknown calendar {name:?}: the push defines no calendar of that name")]
    UnknownCalendar {
        /// The name as sent.
        name: String,
    },
    /// Strict priorities: the priority matches none of the limits of a
    /// kind that has limits per priority.
    #[error("priority {priority:?} matches no {kind} limit (strict_priorities)")]
    UnmatchedPriority {
        /// The priority as sent.
        priority: String,
        /// The kind of limit it matches none of.
        kind: LimitKind,
    },
    /// The ticket id was already accepted earlier in the stream. (Only a
    /// hash of each id is kept, so its first position is not known.)
    #[error("duplicate ticket id: an earlier record of this stream was accepted with it")]
    DuplicateTicketId,
}

/// Which limits per priority a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// First-response limits.
    Response,
    /// Resolution limits.
    Resolution,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::Response => "response",
            LimitKind::Resolution => "resolution",
        })
    }
}

fn resolved_mismatch(resolved: Timestamp, last_solved: Option<Timestamp>) -> String {
    match last_solved {
        Some(at) => format!(
            "resolved time {resolved} contradicts the status history, whose last change to \
             SOLVED is at {at}"
        ),
        None => format!(
            "resolved time {resolved} contradicts the status history, which has no change to SOLVED"
        ),
    }
}

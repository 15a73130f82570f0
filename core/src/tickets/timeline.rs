//! A ticket's timeline: its status history cut into intervals, and the
//! three clocks that run over them (docs/tickets.md, "The clocks").
//!
//! Each clock is one function over the intervals of a ticket up to
//! `as_of`, so it can be checked on its own against minutes worked by hand.

use jiff::{SignedDuration, Timestamp};

use super::Clock;

/// Longest accepted status history of one record.
pub const MAX_HISTORY_CHANGES: usize = 64;

/// A ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Agents are working on it (from creation until the first change).
    Open,
    /// Waiting on the requester.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Solved; a later change to another status is a reopen.
    Solved,
}

impl Status {
    /// The upper-case name used in requests and exports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "OPEN",
            Status::Pending => "PENDING",
            Status::OnHold => "ON_HOLD",
            Status::Solved => "SOLVED",
        }
    }

    /// Parses a name trimmed and case-insensitively (`on_hold`, `On-Hold`
    /// and `on hold` are [`Status::OnHold`]).
    pub fn parse(text: &str) -> Option<Status> {
        let t = text.trim();
        let is = |name: &str| {
            t.len() == name.len()
                && t.bytes().zip(name.bytes()).all(|(a, b)| {
                    a.eq_ignore_ascii_case(&b) || (b == b'_' && (a == b'-' || a == b' '))
                })
        };
        [
            Status::Open,
            Status::Pending,
            Status::OnHold,
            Status::Solved,
        ]
        .into_iter()
        .find(|s| is(s.name()))
    }
}

/// One change of a ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// When it happened.
    pub at: Timestamp,
    /// The status from then on.
    pub status: Status,
}

/// `[start, end)` spent in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusInterval {
    /// Start (inclusive).
    pub start: Timestamp,
    /// End (exclusive).
    pub end: Timestamp,
    /// The status throughout.
    pub status: Status,
}

/// What a ticket's timeline says at `as_of`, besides its intervals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The time of the last change to `SOLVED`, if the ticket is solved at
    /// `as_of` (its resolution time).
    pub resolution: Option<Timestamp>,
    /// The first change to `SOLVED` at or before `as_of`.
    pub first_solved: Option<Timestamp>,
    /// Whether a `SOLVED` → other change happened at or before `as_of`.
    pub reopened: bool,
}

/// Cuts `[created, as_of)` into status intervals, into `out` (cleared
/// first). `changes` must be in time order (equal times in the order
/// given); changes after `as_of` are ignored, and a change to the status
/// the ticket already has is no change. Empty intervals are left out.
pub fn intervals(
    created: Timestamp,
    changes: &[StatusChange],
    as_of: Timestamp,
    out: &mut Vec<StatusInterval>,
) -> Snapshot {
    out.clear();
    let mut snapshot = Snapshot::default();
    let mut status = Status::Open;
    let mut since = created;
    for change in changes {
        if change.at > as_of {
            break;
        }
        if change.status == status {
            continue;
        }
        if change.at > since {
            out.push(StatusInterval {
                start: since,
                end: change.at,
                status,
            });
        }
        if status == Status::Solved {
            snapshot.reopened = true;
        }
        if change.status == Status::Solved {
            snapshot.first_solved.get_or_insert(change.at);
        }
        status = change.status;
        since = since.max(change.at);
    }
    if as_of > since {
        out.push(StatusInterval {
            start: since,
            end: as_of,
            status,
        });
    }
    if status == Status::Solved {
        snapshot.resolution = Some(since);
    }
    snapshot
}

/// Elapsed time summed over the intervals in the given states.
fn clock_over(
    clock: &Clock,
    intervals: &[StatusInterval],
    counts: impl Fn(Status) -> bool,
) -> SignedDuration {
    intervals
        .iter()
        .filter(|iv| counts(iv.status))
        .fold(SignedDuration::ZERO, |sum, iv| {
            sum.saturating_add(clock.elapsed(iv.start, iv.end))
        })
}

/// Agent work (handling) time: the time spent `OPEN`. It stops at the
/// resolution and pauses while `PENDING`, `ON_HOLD` or `SOLVED`.
pub fn agent_work(clock: &Clock, intervals: &[StatusInterval]) -> SignedDuration {
    clock_over(clock, intervals, |s| s == Status::Open)
}

/// The resolution clock: the time spent `OPEN` or `ON_HOLD`. It stops at
/// the resolution and pauses while `PENDING` or `SOLVED`.
pub fn resolution_clock(clock: &Clock, intervals: &[StatusInterval]) -> SignedDuration {
    clock_over(clock, intervals, |s| {
        s != Status::Pending && s != Status::Solved
    })
}

/// The first-response clock: every state counts, from creation until
/// `stop` (the first response, or with none the first change to `SOLVED`
/// of a ticket solved at `as_of`); `None` when the clock has not stopped.
/// The intervals are contiguous from creation, so this is the elapsed
/// time from the first interval's start to `stop`.
pub fn first_response_clock(
    clock: &Clock,
    intervals: &[StatusInterval],
    stop: Option<Timestamp>,
) -> Option<SignedDuration> {
    let stop = stop?;
    let start = intervals.first().map_or(stop, |iv| iv.start);
    Some(clock.elapsed(start, stop))
}

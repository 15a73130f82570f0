//! A ticket's timeline: its status history cut into intervals, and the
//! three clocks that run over them (docs/tickets.md, "The clocks").
//!
//! Each clock is one function over the intervals of a ticket up to
//! `as_of`, so it can be checked on its own against minutes worked by hand.

use jiff::{SignedDuration, Timestamp};

use super::Clock;

/// Longest accepted status history of one record: 64 changes. A longer one
/// is rejected ([`RejectReason::HistoryTooLong`](super::RejectReason)); the
/// cap bounds the work per record (each clock walks at most 65 intervals).
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
    /// Every status, in the order above.
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Solved,
    ];

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
    /// and `on hold` are [`Status::OnHold`]). `None` for anything else: the
    /// caller rejects the record with
    /// [`RejectReason::UnknownStatus`](super::RejectReason::UnknownStatus).
    pub fn parse(text: &str) -> Option<Status> {
        let t = text.trim();
        let is = |name: &str| {
            t.len() == name.len()
                && t.bytes().zip(name.bytes()).all(|(a, b)| {
                    a.eq_ignore_ascii_case(&b) || (b == b'_' && (a == b'-' || a == b' '))
                })
        };
        Status::ALL.into_iter().find(|s| is(s.name()))
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

/// Puts changes into time order, changes at the same instant in the order
/// given (a stable sort); already ordered input, the usual case, is left
/// as it is without sorting.
pub fn put_in_time_order(changes: &mut [StatusChange]) {
    if !changes.is_sorted_by_key(|c| c.at) {
        changes.sort_by_key(|c| c.at);
    }
}

/// The time of the last change to `SOLVED` of a whole history in time
/// order, counting only real changes (a change to the status the ticket
/// already has is no change); `None` if it never reaches `SOLVED`.
pub fn last_change_to_solved(changes: &[StatusChange]) -> Option<Timestamp> {
    let mut status = Status::Open;
    let mut last = None;
    for change in changes {
        if change.status != status {
            if change.status == Status::Solved {
                last = Some(change.at);
            }
            status = change.status;
        }
    }
    last
}

/// Cuts `[created, as_of)` into status intervals, into `out` (cleared
/// first). The ticket is `OPEN` from `created`. `changes` must be in time
/// order (see [`put_in_time_order`]); changes after `as_of` are ignored, and a
/// change to the status the ticket already has is no change. Empty
/// intervals are left out, so the intervals are contiguous from `created`
/// to `as_of` (none when `as_of <= created`).
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
        // Changes are never before `created` in an accepted record; a
        // change at `created` ends an empty `OPEN` interval.
        let at = change.at.max(since);
        if at > since {
            out.push(StatusInterval {
                start: since,
                end: at,
                status,
            });
        }
        if status == Status::Solved {
            snapshot.reopened = true;
        }
        if change.status == Status::Solved {
            snapshot.first_solved.get_or_insert(at);
        }
        status = change.status;
        since = at;
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

/// Elapsed time summed over the intervals in the given states; contiguous
/// counted intervals are measured as one span (business time is additive,
/// so this is the same sum with fewer calendar walks). With `cap`, stops
/// once the sum is known to be above it: the result is then some value
/// above `cap`, not the full sum.
fn clock_over(
    clock: &Clock,
    intervals: &[StatusInterval],
    cap: Option<SignedDuration>,
    counts: impl Fn(Status) -> bool,
) -> SignedDuration {
    let mut sum = SignedDuration::ZERO;
    let mut span: Option<(Timestamp, Timestamp)> = None;
    let add = |sum: &mut SignedDuration, (start, end): (Timestamp, Timestamp)| {
        let part = match cap {
            Some(cap) => clock.elapsed_capped(start, end, cap.saturating_sub(*sum)),
            None => clock.elapsed(start, end),
        };
        *sum = sum.saturating_add(part);
        cap.is_some_and(|cap| *sum > cap)
    };
    for iv in intervals.iter().filter(|iv| counts(iv.status)) {
        span = match span {
            Some((start, end)) if end == iv.start => Some((start, iv.end)),
            Some(done) => {
                if add(&mut sum, done) {
                    return sum;
                }
                Some((iv.start, iv.end))
            }
            None => Some((iv.start, iv.end)),
        };
    }
    if let Some(done) = span {
        add(&mut sum, done);
    }
    sum
}

/// Agent work (handling) time: the time spent `OPEN`. It stops at the
/// resolution and pauses while `PENDING`, `ON_HOLD` or `SOLVED` (before a
/// reopen). With `cap`, see [`resolution_clock`].
pub fn agent_work(
    clock: &Clock,
    intervals: &[StatusInterval],
    cap: Option<SignedDuration>,
) -> SignedDuration {
    clock_over(clock, intervals, cap, |s| s == Status::Open)
}

/// The resolution clock: the time spent `OPEN` or `ON_HOLD`. It stops at
/// the resolution and pauses while `PENDING` or `SOLVED` (before a
/// reopen). With `cap`, the walk stops once the clock is past it and the
/// result is then only known to be above `cap` (enough to judge a limit on
/// a ticket still unsolved long after its creation).
pub fn resolution_clock(
    clock: &Clock,
    intervals: &[StatusInterval],
    cap: Option<SignedDuration>,
) -> SignedDuration {
    clock_over(clock, intervals, cap, |s| {
        s == Status::Open || s == Status::OnHold
    })
}

/// The first-response clock: every state counts, from creation until
/// `stop` (the first response, or with none the first change to `SOLVED`
/// of a ticket solved at `as_of`, or `as_of` itself while it runs). As no
/// state pauses it, the ticket's intervals up to `stop` are one span,
/// `[created, stop)`. With `cap`, see [`resolution_clock`].
pub fn first_response_clock(
    clock: &Clock,
    created: Timestamp,
    stop: Timestamp,
    cap: Option<SignedDuration>,
) -> SignedDuration {
    match cap {
        Some(cap) => clock.elapsed_capped(created, stop, cap),
        None => clock.elapsed(created, stop),
    }
}

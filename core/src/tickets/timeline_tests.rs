//! Timeline and clock tests, each clock on its own. Every expected number
//! is worked by hand in a comment.

use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::calendar::{Calendar, CalendarSpec, Clock, WorkingHoursSpec};
use super::timeline::{
    Status, StatusChange, StatusInterval, agent_work, first_response_clock, intervals,
    last_change_to_solved, put_in_time_order, resolution_clock,
};

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

/// Calendar `cn` of the worked example in docs/tickets.md: Asia/Shanghai,
/// Monday–Friday 09:00–12:00 and 13:00–18:00.
pub(super) fn cn() -> Calendar {
    let mut working_hours = Vec::new();
    for day in ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"] {
        for (start, end) in [("09:00", "12:00"), ("13:00", "18:00")] {
            working_hours.push(WorkingHoursSpec {
                weekday: day.to_owned(),
                start: start.to_owned(),
                end: end.to_owned(),
            });
        }
    }
    Calendar::new(&CalendarSpec {
        time_zone: "Asia/Shanghai".to_owned(),
        working_hours,
        ..CalendarSpec::default()
    })
    .expect("valid")
}

/// July 2026 local time in Shanghai (+08:00).
pub(super) fn jul(day: i8, h: i8, m: i8) -> Timestamp {
    TimeZone::get("Asia/Shanghai")
        .expect("zone")
        .to_timestamp(date(2026, 7, day).at(h, m, 0, 0))
        .expect("valid")
}

fn change(at: Timestamp, status: Status) -> StatusChange {
    StatusChange { at, status }
}

/// T1's history: PENDING Mon 07-06 09:20, OPEN Tue 10:00, ON_HOLD Tue 13:00,
/// OPEN Tue 14:00, SOLVED Tue 14:30, OPEN Wed 09:00, SOLVED Wed 10:15.
pub(super) fn t1_history() -> Vec<StatusChange> {
    vec![
        change(jul(6, 9, 20), Status::Pending),
        change(jul(7, 10, 0), Status::Open),
        change(jul(7, 13, 0), Status::OnHold),
        change(jul(7, 14, 0), Status::Open),
        change(jul(7, 14, 30), Status::Solved),
        change(jul(8, 9, 0), Status::Open),
        change(jul(8, 10, 15), Status::Solved),
    ]
}

fn cut(
    created: Timestamp,
    changes: &[StatusChange],
    as_of: Timestamp,
) -> (Vec<StatusInterval>, super::timeline::Snapshot) {
    let mut out = Vec::new();
    let snapshot = intervals(created, changes, as_of, &mut out);
    (out, snapshot)
}

#[test]
fn worked_example_t1_each_clock_on_its_own() {
    let clock = Clock::Business(cn());
    let created = jul(3, 17, 30);
    let as_of = jul(31, 0, 0);
    let (ivs, snap) = cut(created, &t1_history(), as_of);
    // First response at Mon 09:20: Fri 17:30–18:00 (30) + Mon 09:00–09:20
    // (20) = 50 minutes.
    assert_eq!(
        first_response_clock(&clock, created, jul(6, 9, 20), None),
        mins(50)
    );
    // Agent work: OPEN Fri 17:30 → Mon 09:20 (50) + Tue 10:00 → 13:00 (120,
    // lunch 12–13 not working) + Tue 14:00 → 14:30 (30) + Wed 09:00 → 10:15
    // (75) = 275.
    assert_eq!(agent_work(&clock, &ivs, None), mins(275));
    // Resolution clock: 275 + ON_HOLD Tue 13:00 → 14:00 (60) = 335.
    assert_eq!(resolution_clock(&clock, &ivs, None), mins(335));
    assert_eq!(snap.resolution, Some(jul(8, 10, 15)));
    assert_eq!(snap.first_solved, Some(jul(7, 14, 30)));
    assert!(snap.reopened);
}

#[test]
fn worked_example_t1_at_tuesday_14_15() {
    let clock = Clock::Business(cn());
    let created = jul(3, 17, 30);
    let (ivs, snap) = cut(created, &t1_history(), jul(7, 14, 15));
    // Resolution clock 50 + 120 + 60 (ON_HOLD) + 15 (OPEN 14:00–14:15) = 245.
    assert_eq!(resolution_clock(&clock, &ivs, None), mins(245));
    // Agent work 50 + 120 + 15 = 185.
    assert_eq!(agent_work(&clock, &ivs, None), mins(185));
    assert_eq!(snap.resolution, None);
    assert_eq!(snap.first_solved, None);
    assert!(!snap.reopened);
}

#[test]
fn as_of_in_the_middle_of_a_pause() {
    let clock = Clock::Business(cn());
    let created = jul(3, 17, 30);
    // as_of Tue 13:30, inside ON_HOLD 13:00–14:00: resolution clock runs in
    // ON_HOLD: 50 + 120 + 30 = 200; agent work pauses: 50 + 120 = 170.
    let (ivs, _) = cut(created, &t1_history(), jul(7, 13, 30));
    assert_eq!(resolution_clock(&clock, &ivs, None), mins(200));
    assert_eq!(agent_work(&clock, &ivs, None), mins(170));
    // as_of Mon 15:00, inside PENDING from Mon 09:20: both clocks stopped
    // at 50 (Fri 30 + Mon 20); the first-response clock to as_of runs on:
    // 30 + Mon 09:00–12:00 (180) + 13:00–15:00 (120) = 330.
    let (ivs, _) = cut(created, &t1_history(), jul(6, 15, 0));
    assert_eq!(resolution_clock(&clock, &ivs, None), mins(50));
    assert_eq!(agent_work(&clock, &ivs, None), mins(50));
    assert_eq!(
        first_response_clock(&clock, created, jul(6, 15, 0), None),
        mins(330)
    );
}

#[test]
fn a_reopen_after_a_pause() {
    // Wall clock. Created 0; PENDING at 10; SOLVED at 40 (while pending);
    // OPEN at 100 (reopened); SOLVED at 130.
    let t0 = jul(6, 9, 0);
    let t = |m| t0 + mins(m);
    let history = [
        change(t(10), Status::Pending),
        change(t(40), Status::Solved),
        change(t(100), Status::Open),
        change(t(130), Status::Solved),
    ];
    let (ivs, snap) = cut(t0, &history, t(1000));
    // OPEN 0–10 and 100–130: 10 + 30 = 40 for both clocks (no ON_HOLD);
    // PENDING 10–40 and SOLVED 40–100 pause them.
    assert_eq!(agent_work(&Clock::Wall, &ivs, None), mins(40));
    assert_eq!(resolution_clock(&Clock::Wall, &ivs, None), mins(40));
    assert!(snap.reopened);
    assert_eq!(snap.first_solved, Some(t(40)));
    assert_eq!(snap.resolution, Some(t(130)));
}

#[test]
fn same_instant_changes_apply_in_the_order_given_and_repeats_are_ignored() {
    let t0 = jul(6, 9, 0);
    let t = |m| t0 + mins(m);
    // At 10: ON_HOLD then OPEN (given order) — the ticket stays OPEN after
    // 10, with an empty ON_HOLD interval left out. OPEN again at 20 is no
    // change. SOLVED at 30, SOLVED again at 50 is no change: the
    // resolution stays at 30.
    let history = [
        change(t(10), Status::OnHold),
        change(t(10), Status::Open),
        change(t(20), Status::Open),
        change(t(30), Status::Solved),
        change(t(50), Status::Solved),
    ];
    let (ivs, snap) = cut(t0, &history, t(60));
    assert_eq!(
        ivs,
        [
            StatusInterval {
                start: t(0),
                end: t(10),
                status: Status::Open
            },
            StatusInterval {
                start: t(10),
                end: t(30),
                status: Status::Open
            },
            StatusInterval {
                start: t(30),
                end: t(60),
                status: Status::Solved
            },
        ]
    );
    assert_eq!(snap.resolution, Some(t(30)));
    assert_eq!(last_change_to_solved(&history), Some(t(30)));
    assert!(!snap.reopened);
    // OPEN 0–30 = 30, counted as one span.
    assert_eq!(agent_work(&Clock::Wall, &ivs, None), mins(30));
    // SOLVED then OPEN at one instant is a reopen.
    let history = [change(t(5), Status::Solved), change(t(5), Status::Open)];
    let (_, snap) = cut(t0, &history, t(60));
    assert!(snap.reopened);
    assert_eq!(snap.resolution, None);
    assert_eq!(snap.first_solved, Some(t(5)));
}

#[test]
fn out_of_order_changes_are_sorted_stably() {
    let t0 = jul(6, 9, 0);
    let t = |m| t0 + mins(m);
    let mut history = vec![
        change(t(30), Status::Solved),
        change(t(10), Status::Pending),
        change(t(10), Status::OnHold),
    ];
    put_in_time_order(&mut history);
    assert_eq!(
        history,
        [
            change(t(10), Status::Pending),
            change(t(10), Status::OnHold),
            change(t(30), Status::Solved),
        ]
    );
    // OPEN 0–10, ON_HOLD 10–30: resolution 30, agent work 10.
    let (ivs, _) = cut(t0, &history, t(60));
    assert_eq!(resolution_clock(&Clock::Wall, &ivs, None), mins(30));
    assert_eq!(agent_work(&Clock::Wall, &ivs, None), mins(10));
}

#[test]
fn changes_after_as_of_are_not_yet_and_created_after_as_of_has_no_interval() {
    let t0 = jul(6, 9, 0);
    let t = |m| t0 + mins(m);
    let history = [change(t(30), Status::Solved)];
    let (ivs, snap) = cut(t0, &history, t(20));
    // Only OPEN 0–20.
    assert_eq!(resolution_clock(&Clock::Wall, &ivs, None), mins(20));
    assert_eq!(snap.resolution, None);
    let (ivs, _) = cut(t(30), &[], t(20));
    assert!(ivs.is_empty());
}

#[test]
fn a_cap_stops_the_walk_above_it() {
    let clock = Clock::Business(cn());
    let created = jul(3, 17, 30);
    let (ivs, _) = cut(created, &t1_history(), jul(31, 0, 0));
    // 335 > 300: the capped clock only promises "above 300".
    assert!(resolution_clock(&clock, &ivs, Some(mins(300))) > mins(300));
    // 335 ≤ 400: exact.
    assert_eq!(resolution_clock(&clock, &ivs, Some(mins(400))), mins(335));
    assert_eq!(agent_work(&clock, &ivs, Some(mins(275))), mins(275));
}

#[test]
fn status_names_parse_loosely() {
    assert_eq!(Status::parse(" on_hold "), Some(Status::OnHold));
    assert_eq!(Status::parse("On-Hold"), Some(Status::OnHold));
    assert_eq!(Status::parse("solved"), Some(Status::Solved));
    assert_eq!(Status::parse("closed"), None);
}

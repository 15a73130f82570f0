//! Ticket metrics version 2 over gRPC (docs/tickets.md, "Version 2"): the
//! worked example, snapshots, bad histories, priorities, calendars, and
//! batches.

use crate::common::*;
use crate::tickets::batch;
use proptest::prelude::*;
use scorecard::api::pb;
use tonic::Code;

/// Local time in Shanghai (+08:00) as a proto timestamp.
fn cst(local: &str) -> Option<prost_types::Timestamp> {
    let t: jiff::Timestamp = format!("{local}+08:00").parse().unwrap();
    Some(prost_types::Timestamp {
        seconds: t.as_second(),
        nanos: 0,
    })
}

fn change(local: &str, status: pb::TicketStatus) -> pb::StatusChange {
    pb::StatusChange {
        change_time: cst(local),
        status: status as i32,
    }
}

/// Calendar `cn`: Asia/Shanghai, Monday to Friday 09:00–12:00 and
/// 13:00–18:00.
fn cn() -> pb::BusinessCalendar {
    use pb::Weekday::*;
    pb::BusinessCalendar {
        name: "cn".into(),
        time_zone: "Asia/Shanghai".into(),
        working_hours: [Monday, Tuesday, Wednesday, Thursday, Friday]
            .iter()
            .flat_map(|d| {
                [("09:00", "12:00"), ("13:00", "18:00")].map(|(a, b)| pb::WorkingHours {
                    weekday: *d as i32,
                    start_time: a.into(),
                    end_time: b.into(),
                })
            })
            .collect(),
        ..Default::default()
    }
}

/// July 2026 in Shanghai, version 2, calendar `cn`, P2 limits 60 / 480.
fn july_options() -> pb::PushOptions {
    pb::PushOptions {
        period_start_time: cst("2026-07-01T00:00:00"),
        period_end_time: cst("2026-08-01T00:00:00"),
        period_label: "2026-07".into(),
        metrics_version: 2,
        calendars: vec![cn()],
        response_limits: vec![pb::PriorityLimit {
            priority: "P2".into(),
            limit_minutes: 60.0,
        }],
        resolution_limits: vec![pb::PriorityLimit {
            priority: "P2".into(),
            limit_minutes: 480.0,
        }],
        ..Default::default()
    }
}

/// T1–T3 of the worked example.
fn worked_records() -> Vec<pb::TicketRecord> {
    use pb::TicketStatus::*;
    vec![
        pb::TicketRecord {
            ticket_id: "T1".into(),
            employee_id: "e1024".into(),
            created_time: cst("2026-07-03T17:30:00"),
            first_response_time: cst("2026-07-06T09:20:00"),
            priority: "P2".into(),
            complex: true,
            resolved_on_first_contact: true,
            calendar_name: "cn".into(),
            status_history: vec![
                change("2026-07-06T09:20:00", Pending),
                change("2026-07-07T10:00:00", Open),
                change("2026-07-07T13:00:00", OnHold),
                change("2026-07-07T14:00:00", Open),
                change("2026-07-07T14:30:00", Solved),
                change("2026-07-08T09:00:00", Open),
                change("2026-07-08T10:15:00", Solved),
            ],
            ..Default::default()
        },
        pb::TicketRecord {
            ticket_id: "T2".into(),
            employee_id: "e1024".into(),
            created_time: cst("2026-07-06T10:00:00"),
            resolved_time: cst("2026-07-06T10:30:00"),
            priority: "P2".into(),
            calendar_name: "cn".into(),
            ..Default::default()
        },
        pb::TicketRecord {
            ticket_id: "T3".into(),
            employee_id: "e1024".into(),
            created_time: cst("2026-07-06T10:00:00"),
            resolved_time: cst("2026-07-06T11:30:00"),
            priority: "P2".into(),
            calendar_name: "cn".into(),
            ..Default::default()
        },
    ]
}

async fn push(
    server: &TestServer,
    messages: Vec<pb::PushResponseTimesRequest>,
) -> Result<pb::PushResponseTimesResponse, tonic::Status> {
    server
        .tickets()
        .await
        .push_response_times(tokio_stream::iter(messages))
        .await
        .map(|a| a.into_inner())
}

fn rate<'a>(e: &'a pb::EmployeeTicketStats, id: &str) -> &'a pb::TicketRate {
    e.rates
        .iter()
        .find(|r| r.indicator_id == id)
        .unwrap_or_else(|| panic!("no rate {id} in {:?}", e.rates))
}

fn fraction(e: &pb::EmployeeTicketStats, id: &str) -> (u64, u64, String) {
    let r = rate(e, id);
    (
        r.numerator_count,
        r.denominator_count,
        r.value_percent.clone(),
    )
}

fn breaches(e: &pb::EmployeeTicketStats, id: &str) -> (Vec<String>, u64) {
    e.sla_breaches
        .iter()
        .find(|b| b.indicator_id == id)
        .map(|b| (b.ticket_ids.clone(), b.breached_count))
        .unwrap_or_default()
}

#[tokio::test]
async fn the_worked_example_at_period_end() {
    let server = TestServer::start().await;
    let answer = push(
        &server,
        vec![options_message(july_options()), batch(worked_records())],
    )
    .await
    .expect("a push");
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (3, 0)
    );
    let e = &answer.employees[0];
    let values = &e.submission.as_ref().unwrap().values;
    // First response: T1 50 business minutes (Fri 17:30–18:00 30 + Mon
    // 09:00–09:20 20) ≤ 60, met; T2 solved in 30 minutes without a
    // response, inside the limit: neither; T3 solved after 90 without a
    // response: a breach. 1 of 2 = 50 %.
    assert_eq!(fraction(e, "first_response_sla_rate"), (1, 2, "50".into()));
    assert_eq!(values["first_response_sla_rate"], 50.0);
    assert_eq!(e.solved_without_response_count, 1);
    assert_eq!(
        breaches(e, "first_response_sla_rate"),
        (vec!["T3".to_string()], 1)
    );
    // Resolution clock: T1 275 agent work + 60 on hold = 335 ≤ 480, T2
    // 30, T3 90: 3 of 3 = 100 %.
    assert_eq!(fraction(e, "resolution_sla_rate"), (3, 3, "100".into()));
    assert_eq!(breaches(e, "resolution_sla_rate"), (vec![], 0));
    // T1 reopened once; T2 and T3 not: 1 of 3 = 33.3333 %.
    assert_eq!(fraction(e, "reopen_rate"), (1, 3, "33.3333".into()));
    assert_eq!(e.reopened_count, 1);
    // Handling of solved complex tickets: T1 only, OPEN Fri 17:30 → Mon
    // 09:20 (50) + Tue 10:00 → 13:00 (120) + Tue 14:00 → 14:30 (30) + Wed
    // 09:00 → 10:15 (75) = 275.
    assert_eq!(values["complex_issue_avg_handle_minutes"], 275.0);
    // T1's first-contact flag is overridden by its reopen; T2 and T3 are
    // not flagged: 0 of 3 solved.
    assert_eq!(e.first_contact_flag_overridden_count, 1);
    assert_eq!(
        fraction(e, "first_contact_resolution_rate"),
        (0, 3, "0".into())
    );
    server.stop().await;
}

#[tokio::test]
async fn the_worked_example_as_of_tuesday_1415() {
    let server = TestServer::start().await;
    let mut options = july_options();
    options.as_of_time = cst("2026-07-07T14:15:00");
    let answer = push(
        &server,
        vec![options_message(options), batch(worked_records())],
    )
    .await
    .expect("a push");
    let e = &answer.employees[0];
    // T1 is OPEN at 14:15 (not solved): its resolution clock reads 50 +
    // 120 + 60 + 15 = 245 < 480, pending, not counted; T2 (30) and T3
    // (90) met: 2 of 2.
    assert_eq!(fraction(e, "resolution_sla_rate"), (2, 2, "100".into()));
    // First response is as at period end: T1 met (Mon 09:20 is before
    // as_of), T3 breached, T2 neither: 1 of 2.
    assert_eq!(fraction(e, "first_response_sla_rate"), (1, 2, "50".into()));
    // No reopen yet: 0 of 2 solved; no override.
    assert_eq!(fraction(e, "reopen_rate"), (0, 2, "0".into()));
    assert_eq!(e.first_contact_flag_overridden_count, 0);
    // No solved complex ticket: the handling mean is absent.
    let values = &e.submission.as_ref().unwrap().values;
    assert!(!values.contains_key("complex_issue_avg_handle_minutes"));
    assert!(
        e.absent_metrics
            .iter()
            .any(|a| a.indicator_id == "complex_issue_avg_handle_minutes")
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_histories_are_rejected_with_their_reason_and_the_rest_counts() {
    use pb::TicketStatus::*;
    let server = TestServer::start().await;
    let bad = |id: &str, history: Vec<pb::StatusChange>, resolved: Option<&str>| pb::TicketRecord {
        ticket_id: id.into(),
        employee_id: "e1024".into(),
        created_time: cst("2026-07-06T10:00:00"),
        resolved_time: resolved.and_then(cst),
        priority: "P2".into(),
        status_history: history,
        ..Default::default()
    };
    let mut records = worked_records();
    records.insert(
        1,
        bad("early", vec![change("2026-07-06T09:00:00", Pending)], None),
    );
    records.insert(
        2,
        bad(
            "unknown",
            vec![pb::StatusChange {
                change_time: cst("2026-07-06T11:00:00"),
                status: 0,
            }],
            None,
        ),
    );
    records.insert(
        3,
        bad("long", vec![change("2026-07-06T11:00:00", Open); 65], None),
    );
    records.push(bad(
        "contradicts",
        vec![change("2026-07-06T11:00:00", Solved)],
        Some("2026-07-06T12:00:00"),
    ));
    let answer = push(
        &server,
        vec![options_message(july_options()), batch(records)],
    )
    .await
    .expect("a push");
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (3, 4)
    );
    let got: Vec<(u64, &str)> = answer
        .rejections
        .iter()
        .map(|r| (r.record_index, r.ticket_id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "early"),
            (2, "unknown"),
            (3, "long"),
            (6, "contradicts")
        ]
    );
    let reasons: Vec<&str> = answer
        .rejections
        .iter()
        .map(|r| r.reason.as_str())
        .collect();
    assert!(
        reasons[0].contains("is before created time"),
        "{}",
        reasons[0]
    );
    assert!(reasons[1].contains("unknown status"), "{}", reasons[1]);
    assert!(reasons[2].contains("65 changes"), "{}", reasons[2]);
    assert!(
        reasons[3].contains("contradicts the status history"),
        "{}",
        reasons[3]
    );
    // T1–T3 still give the worked example's 1 of 2.
    let e = &answer.employees[0];
    assert_eq!(fraction(e, "first_response_sla_rate"), (1, 2, "50".into()));
    server.stop().await;
}

#[tokio::test]
async fn an_unmatched_priority_is_counted_or_under_strict_rejected() {
    let server = TestServer::start().await;
    let ticket = |id: &str, priority: &str| pb::TicketRecord {
        ticket_id: id.into(),
        employee_id: "e1".into(),
        created_time: cst("2026-07-06T10:00:00"),
        // 20 minutes: inside P2's 60, over the rubric's 15.
        first_response_time: cst("2026-07-06T10:20:00"),
        priority: priority.into(),
        ..Default::default()
    };
    let records = vec![
        ticket("a", " p2 "),
        ticket("b", "P9"),
        ticket("c", "p9"),
        ticket("d", "P2"),
    ];
    let answer = push(
        &server,
        vec![options_message(july_options()), batch(records.clone())],
    )
    .await
    .expect("a push");
    // " p2 " matches P2; "P9" and "p9" are one unmatched value, twice, and
    // get the rubric's 15 minutes: breached. 2 of 4 within.
    assert_eq!(answer.unmatched_priority_record_count, 2);
    assert_eq!(answer.unmatched_priorities.len(), 1);
    assert_eq!(answer.unmatched_priorities[0].priority, "P9");
    assert_eq!(answer.unmatched_priorities[0].record_count, 2);
    let e = &answer.employees[0];
    assert_eq!(fraction(e, "first_response_sla_rate"), (2, 4, "50".into()));

    let mut strict = july_options();
    strict.strict_priorities = true;
    let answer = push(&server, vec![options_message(strict), batch(records)])
        .await
        .expect("a push");
    assert_eq!(
        (answer.accepted_record_count, answer.rejected_record_count),
        (2, 2)
    );
    assert!(
        answer.rejections[0].reason.contains("strict_priorities"),
        "{}",
        answer.rejections[0].reason
    );
    let e = &answer.employees[0];
    assert_eq!(fraction(e, "first_response_sla_rate"), (2, 2, "100".into()));
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_calendar_name_rejects_the_record() {
    let server = TestServer::start().await;
    let mut records = worked_records();
    records[1].calendar_name = "mars".into();
    let answer = push(
        &server,
        vec![options_message(july_options()), batch(records)],
    )
    .await
    .expect("a push");
    assert_eq!(answer.rejected_record_count, 1);
    assert_eq!(answer.rejections[0].ticket_id, "T2");
    assert_eq!(
        answer.rejections[0].reason,
        "unknown calendar \"mars\": the push defines no calendar of that name"
    );
    server.stop().await;
}

#[tokio::test]
async fn version_1_rejects_records_with_a_history_or_a_calendar_name() {
    let server = TestServer::start().await;
    let mut options = july_options();
    options.metrics_version = 0;
    options.calendars.clear();
    options.resolution_limits.clear();
    let mut records = worked_records();
    records[2].calendar_name.clear();
    let answer = push(&server, vec![options_message(options), batch(records)])
        .await
        .expect("a push");
    let got: Vec<(&str, &str)> = answer
        .rejections
        .iter()
        .map(|r| (r.ticket_id.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "T1",
                "status_history needs ticket metrics version 2 (options.metrics_version)"
            ),
            (
                "T2",
                "calendar needs ticket metrics version 2 (options.metrics_version)"
            ),
        ]
    );
    // T3 is a version-1 record: counted, judged against P2's 60 minutes as
    // unanswered (90 minutes at as_of, a breach).
    assert_eq!(answer.accepted_record_count, 1);
    assert_eq!(answer.employees[0].breach_count, 1);
    server.stop().await;
}

#[tokio::test]
async fn bad_version_2_options_are_invalid_arguments_with_field_paths() {
    let server = TestServer::start().await;
    let mut options = july_options();
    let mut calendar = cn();
    calendar.date_overrides = vec![
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
    ];
    options.calendars = vec![calendar, cn()];
    options.resolution_limits.push(pb::PriorityLimit {
        priority: "p2".into(),
        limit_minutes: 100.0,
    });
    let err = push(&server, vec![options_message(options)])
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&err),
        [
            "options.resolution_limits[1].priority",
            "options.calendars[0].date_overrides[1].date",
            "options.calendars[1].name",
        ]
    );

    // Version-2 options in a version-1 push are refused, not ignored.
    let mut options = july_options();
    options.metrics_version = 1;
    options.strict_priorities = true;
    let err = push(&server, vec![options_message(options)])
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        bad_fields(&err),
        [
            "options.resolution_limits",
            "options.strict_priorities",
            "options.calendars"
        ]
    );
    server.stop().await;
}

/// Records of a random export: 1–3 employees, some answered, some solved,
/// some with a history (rejected in version 1, counted in version 2), some
/// duplicates, some outside the period.
fn records() -> impl Strategy<Value = Vec<pb::TicketRecord>> {
    let record = (
        0u32..40,
        0u32..3,
        0i64..(31 * 24 * 60 + 600),
        proptest::option::of(0i64..300),
        proptest::option::of(0i64..2000),
        prop::sample::select(vec!["", "P1", "P2", "p2 ", "P9"]),
        any::<bool>(),
        prop::collection::vec((0i64..3000, 1i32..5), 0..3),
    );
    prop::collection::vec(record, 0..60).prop_map(|rows| {
        rows.into_iter()
            .map(
                |(id, employee, created, response, resolved, priority, complaint, history)| {
                    let at = |m: i64| {
                        Some(prost_types::Timestamp {
                            // 2026-06-30T16:00:00Z (July 1st in Shanghai) + m minutes.
                            seconds: 1_782_835_200 + 60 * m,
                            nanos: 0,
                        })
                    };
                    pb::TicketRecord {
                        ticket_id: format!("T{id}"),
                        employee_id: format!("e{employee}"),
                        created_time: at(created),
                        first_response_time: response.and_then(|r| at(created + r)),
                        resolved_time: resolved.and_then(|r| at(created + r)),
                        priority: priority.into(),
                        complaint,
                        status_history: history
                            .into_iter()
                            .map(|(m, s)| pb::StatusChange {
                                change_time: at(created + m),
                                status: s,
                            })
                            .collect(),
                        ..Default::default()
                    }
                },
            )
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Splitting a push into batches changes nothing: the answer's bytes
    /// are the same for one batch, a batch per record, and random cuts.
    #[test]
    fn splitting_a_push_into_batches_changes_nothing(
        records in records(),
        cuts in prop::collection::vec(0usize..60, 0..6),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            use prost::Message;
            let server = TestServer::start().await;
            let mut options = july_options();
            // Half of the pushes in version 1, which rejects the histories.
            if records.len() % 2 == 1 {
                options.metrics_version = 0;
                options.calendars.clear();
                options.resolution_limits.clear();
            }
            let one = push(&server, vec![options_message(options.clone()), batch(records.clone())])
                .await
                .map(|a| a.encode_to_vec())
                .map_err(|s| s.code());
            let mut each = vec![options_message(options.clone())];
            each.extend(records.iter().map(|r| batch(vec![r.clone()])));
            let each = push(&server, each).await.map(|a| a.encode_to_vec()).map_err(|s| s.code());
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(records.len())).collect();
            cuts.sort_unstable();
            let mut cut = vec![options_message(options)];
            let mut from = 0;
            for c in cuts.into_iter().chain([records.len()]) {
                cut.push(batch(records[from..c].to_vec()));
                from = c;
            }
            let cut = push(&server, cut).await.map(|a| a.encode_to_vec()).map_err(|s| s.code());
            server.stop().await;
            prop_assert!(one.is_ok());
            prop_assert_eq!(&one, &each);
            prop_assert_eq!(&one, &cut);
            Ok(())
        })?;
    }
}
